/* The process of `nook exec`, as runc builds it: the container's own
 * process (env, user, cwd, capabilities, rlimits, noNewPrivileges, ...)
 * with the command line's changes; or a whole process object from
 * --process. */
#include "nook/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/number.h"

static void *keep(struct nook_exec_process *p, void *ptr)
{
	if (ptr != NULL && p->n_allocs < NOOK_ARRAY_SIZE(p->allocs))
		p->allocs[p->n_allocs++] = ptr;
	return ptr;
}

/* Parsed by the config parser, so that errors name the JSON path. */
static int from_file(const char *path, struct nook_exec_process *p, struct nook_error *err)
{
	autofree char *body = nook_read_file(AT_FDCWD, path, 0, NOOK_SPEC_MAX_FILE_SIZE, NULL, err);
	autofree char *doc = NULL;

	if (body == NULL)
		return nook_error_prefix(err, "--process");
	if (asprintf(&doc, "{\"ociVersion\":\"1.3.0\",\"process\":%s}", body) < 0)
		return nook_fail(err, ENOMEM, "--process %s", path);
	if (nook_spec_parse(path, doc, strlen(doc), &p->holder, err) < 0)
		return -1;
	p->from_file = true;
	p->proc = p->holder.process;
	return 0;
}

/* A --process without a profile or label runs with the container's, as in
 * runc (libcontainer's newInitConfig) and crun. */
static void inherit_labels(const struct nook_container *c, struct nook_exec_process *p)
{
	if (!c->spec.has_process)
		return;
	if (p->proc.apparmor_profile == NULL)
		p->proc.apparmor_profile = c->spec.process.apparmor_profile;
	if (p->proc.selinux_label == NULL)
		p->proc.selinux_label = c->spec.process.selinux_label;
}

/* env of the container plus --env, a later KEY= replacing an earlier one. */
static int merge_env(struct nook_exec_process *p, const struct nook_exec_opts *o,
                     struct nook_error *err)
{
	size_t n = p->proc.env.n;
	char **env = keep(p, calloc(n + o->n_env + 1, sizeof(char *)));

	if (env == NULL)
		return nook_fail(err, ENOMEM, "exec: env");
	memcpy(env, p->proc.env.v, n * sizeof(char *));
	for (size_t i = 0; i < o->n_env; i++) {
		size_t key = strcspn(o->env[i], "=");
		size_t j;
		for (j = 0; j < n; j++)
			if (strncmp(env[j], o->env[i], key) == 0 && env[j][key] == '=')
				break;
		env[j] = o->env[i];
		if (j == n)
			n++;
	}
	p->proc.env.v = env;
	p->proc.env.n = n;
	return 0;
}

/* --user UID[:GID]: (uid_t)-1 is no user, setresuid reads it as "unchanged"
 * (the process would stay root), so the range ends below it. */
static int parse_user(const char *user, struct nook_user *u, struct nook_error *err)
{
	autofree char *uid_part = strdup(user);
	char *colon = uid_part != NULL ? strchr(uid_part, ':') : NULL;
	int64_t uid, gid;

	if (uid_part == NULL)
		return nook_fail(err, ENOMEM, "--user");
	if (colon != NULL)
		*colon = '\0';
	if (nook_parse_integer(uid_part, 0, UINT32_MAX - 1, "--user: UID", &uid, err) < 0)
		return -1;
	u->uid = (uint32_t)uid;
	if (colon != NULL) {
		if (nook_parse_integer(colon + 1, 0, UINT32_MAX - 1, "--user: GID", &gid, err) < 0)
			return -1;
		u->gid = (uint32_t)gid;
	}
	return 0;
}

static int append(struct nook_exec_process *p, struct nook_strv *set, char **add, size_t n,
                  struct nook_error *err)
{
	char **v = keep(p, calloc(set->n + n + 1, sizeof(char *)));

	if (v == NULL)
		return nook_fail(err, ENOMEM, "exec: --cap");
	memcpy(v, set->v, set->n * sizeof(char *));
	memcpy(v + set->n, add, n * sizeof(char *));
	set->v = v;
	set->n += n;
	return 0;
}

static int add_caps(struct nook_exec_process *p, const struct nook_exec_opts *o,
                    struct nook_error *err)
{
	struct nook_capabilities *caps = &p->proc.capabilities;

	if (o->n_caps == 0)
		return 0;
	caps->present = true;
	if (append(p, &caps->bounding, o->caps, o->n_caps, err) < 0 ||
	    append(p, &caps->effective, o->caps, o->n_caps, err) < 0 ||
	    append(p, &caps->permitted, o->caps, o->n_caps, err) < 0)
		return -1;
	/* Ambient needs inheritable, which --cap does not add. */
	if (caps->inheritable.n > 0 && append(p, &caps->ambient, o->caps, o->n_caps, err) < 0)
		return -1;
	return 0;
}

static int from_flags(const struct nook_container *c, const struct nook_exec_opts *o,
                      struct nook_exec_process *p, struct nook_error *err)
{
	char **args = keep(p, calloc(o->n_args + 1, sizeof(char *)));

	if (!c->spec.has_process)
		memset(&p->proc, 0, sizeof(p->proc));
	else
		p->proc = c->spec.process;
	if (args == NULL)
		return nook_fail(err, ENOMEM, "exec");
	memcpy(args, o->args, o->n_args * sizeof(char *));
	p->proc.args.v = args;
	p->proc.args.n = o->n_args;
	p->proc.terminal = o->tty;
	if (o->cwd != NULL)
		p->proc.cwd = (char *)o->cwd;
	if (p->proc.cwd == NULL)
		p->proc.cwd = "/";
	if (o->user != NULL) {
		p->proc.user.gid = 0;
		if (parse_user(o->user, &p->proc.user, err) < 0)
			return -1;
		p->proc.user.additional_gids = NULL;
		p->proc.user.n_additional_gids = 0;
	}
	if (o->n_gids > 0) {
		p->proc.user.additional_gids = o->gids;
		p->proc.user.n_additional_gids = o->n_gids;
	}
	if (o->no_new_privs)
		p->proc.no_new_privileges = true;
	if (o->apparmor != NULL)
		p->proc.apparmor_profile = (char *)o->apparmor;
	if (o->process_label != NULL)
		p->proc.selinux_label = (char *)o->process_label;
	return merge_env(p, o, err) < 0 ? -1 : add_caps(p, o, err);
}

int nook_exec_process_build(const struct nook_container *c, const struct nook_exec_opts *o,
                            struct nook_exec_process *out, struct nook_error *err)
{
	memset(out, 0, sizeof(*out));
	if (o->process_file != NULL) {
		if (from_file(o->process_file, out, err) < 0)
			return -1;
		inherit_labels(c, out);
		return 0;
	}
	if (o->n_args == 0)
		return nook_fail(err, 0, "exec: name the command to run, or give --process FILE");
	return from_flags(c, o, out, err);
}

void nook_exec_process_free(struct nook_exec_process *p)
{
	for (size_t i = 0; i < p->n_allocs; i++)
		free(p->allocs[i]);
	p->n_allocs = 0;
	if (p->from_file)
		nook_spec_free(&p->holder);
	p->from_file = false;
}
