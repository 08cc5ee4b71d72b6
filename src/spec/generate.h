/* The config generator of `nook spec` (src/spec/default.c) and the job's
 * pieces of it (src/spec/job_config.c). */
#ifndef NOOK_SPEC_GENERATE_H
#define NOOK_SPEC_GENERATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "nook/error.h"
#include "nook/job.h"
#include "nook/json_gen.h"

/* The whole document; job NULL: `nook spec`'s. */
char *nook_spec_generate(bool rootless, uid_t uid, gid_t gid, const struct nook_job_spec *job,
                         size_t *len, struct nook_error *err);

/* "k": [ ...NULL-terminated strings ] */
void nook_spec_gen_strv(struct nook_gen *g, const char *k, const char *const *v);
/* One element of "mounts"; options NULL: none. */
void nook_spec_gen_mount(struct nook_gen *g, const char *dest, const char *type, const char *source,
                         const char *const *options);

/* The job's parts: process.args; process.env (the defaults, HOME, then
 * --env, a later K= replacing an earlier one); its mounts after the
 * defaults; linux.resources. */
void nook_spec_job_args(struct nook_gen *g, const struct nook_job_spec *job);
void nook_spec_job_env(struct nook_gen *g, const char *const *defaults,
                       const struct nook_job_spec *job);
void nook_spec_job_mounts(struct nook_gen *g, const struct nook_job_spec *job);
void nook_spec_job_resources(struct nook_gen *g, const struct nook_job_spec *job);

#endif
