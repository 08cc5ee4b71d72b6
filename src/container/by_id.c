/* The commands on an existing container, by its id: each loads <root>/<id>
 * with the lock it needs, acts, and releases it. What the cli's start,
 * state, kill, delete, pause, resume, update, events and exec call. */
#include "nook/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "nook/cleanup.h"
#include "nook/exec.h"
#include "nook/file.h"
#include "nook/sealed_exe.h"
#include "nook/state.h"

int nook_container_start_by_id(const char *root, const char *id, struct nook_error *err)
{
	struct nook_container c;
	int rc;

	nook_container_clear(&c);
	rc =
	    nook_container_load(root, id, LOCK_EX, &c, err) < 0 || nook_container_start(&c, err) < 0
	        ? -1
	        : 0;
	nook_container_release(&c);
	return rc;
}

char *nook_container_state_by_id(const char *root, const char *id, struct nook_error *err)
{
	struct nook_container c;
	char *json = NULL;

	nook_container_clear(&c);
	if (nook_container_load(root, id, 0, &c, err) < 0)
		goto out;
	/* A create still under way holds the directory's lock until the
	 * container is created (or gone): wait for it (a shared lock, at most
	 * 10 s: state_lock.c) rather than show a half-made container. runc and
	 * crun write their state only at the end of create (crun's
	 * test_commands.py start-command and state-created poll `state` while
	 * `create` runs). Any other status is read without the lock, so `state`
	 * never waits for a start, delete or exec. */
	if (c.saved_status == NOOK_CREATING) {
		nook_container_release(&c);
		nook_container_clear(&c);
		if (nook_container_load(root, id, LOCK_SH, &c, err) < 0)
			goto out;
	}
	json = nook_container_state_json(&c, true, err);
out:
	nook_container_release(&c);
	return json;
}

int nook_container_kill_by_id(const char *root, const char *id, int sig, bool all,
                              struct nook_error *err)
{
	struct nook_container c;
	int rc;

	nook_container_clear(&c);
	rc = nook_container_load(root, id, 0, &c, err) < 0 ||
	             nook_container_kill(&c, sig, all, err) < 0
	         ? -1
	         : 0;
	nook_container_release(&c);
	return rc;
}

int nook_container_delete_by_id(const char *root, const char *id, bool force,
                                struct nook_error *err)
{
	struct nook_container c;
	int rc;

	nook_container_clear(&c);
	if (nook_container_load(root, id, LOCK_EX, &c, err) < 0) {
		nook_container_release(&c);
		/* As runc: --force on a container that is already gone (a failed
		 * create cleaned up after itself) is not an error; nor is one
		 * whose create was killed before it wrote state.json (we held
		 * the lock, so its creator is gone). */
		int exists = nook_container_exists(root, id);
		if (force && exists == 0)
			return 0;
		if (force && exists == 1 && err->errnum == ENOENT &&
		    nook_state_dir_remove(root, id, err) == 0)
			return 0;
		return -1;
	}
	rc = nook_container_delete(&c, force, err);
	nook_container_release(&c);
	return rc;
}

int nook_container_pause_by_id(const char *root, const char *id, bool pause, struct nook_error *err)
{
	struct nook_container c;
	int rc;

	nook_container_clear(&c);
	rc = nook_container_load(root, id, LOCK_EX, &c, err) < 0 ||
	             nook_container_pause(&c, pause, err) < 0
	         ? -1
	         : 0;
	nook_container_release(&c);
	return rc;
}

/* -r FILE: the JSON of linux.resources, read through the config parser so
 * that errors name the same JSON paths. */
static int load_resources(const char *file, struct nook_spec *holder, struct nook_error *err)
{
	bool from_stdin = strcmp(file, "-") == 0;
	autofree char *body = nook_read_file(AT_FDCWD, from_stdin ? "/dev/stdin" : file, 0,
	                                     NOOK_SPEC_MAX_FILE_SIZE, NULL, err);
	autofree char *doc = NULL;

	if (body == NULL)
		return nook_error_prefix(err, "update: -r");
	if (asprintf(&doc, "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":%s}}", body) < 0)
		return nook_fail(err, ENOMEM, "update");
	return nook_spec_parse(from_stdin ? "stdin" : file, doc, strlen(doc), holder, err);
}

int nook_container_update_by_id(const char *root, const char *id, const char *resources_file,
                                const struct nook_resources *res, struct nook_error *err)
{
	struct nook_spec from_file = {0};
	struct nook_container c;
	int rc;

	if (resources_file != NULL && load_resources(resources_file, &from_file, err) < 0)
		return -1;
	nook_container_clear(&c);
	rc = nook_container_load(root, id, LOCK_EX, &c, err) < 0 ||
	             (resources_file != NULL &&
	              nook_container_update(&c, &from_file.linux.resources, err) < 0) ||
	             nook_container_update(&c, res, err) < 0
	         ? -1
	         : 0;
	nook_container_release(&c);
	if (resources_file != NULL)
		nook_spec_free(&from_file);
	return rc;
}

int nook_container_events_by_id(const char *root, const char *id, bool stats_once, int interval_ms,
                                nook_event_fn emit, void *ctx, struct nook_error *err)
{
	struct nook_container c;
	int rc;

	nook_container_clear(&c);
	rc = nook_container_load(root, id, 0, &c, err) < 0 ||
	             nook_container_events(&c, stats_once, interval_ms, emit, ctx, err) < 0
	         ? -1
	         : 0;
	nook_container_release(&c);
	return rc;
}

int nook_container_exec_by_id(const char *root, const char *id, const struct nook_exec_opts *o,
                              struct nook_error *err)
{
	struct nook_container c;
	int code;

	if (nook_exe_seal(root, err) < 0) /* CVE-2019-5736 */
		return -1;
	nook_container_clear(&c);
	code = nook_container_load(root, id, 0, &c, err) < 0 ? -1 : nook_container_exec(&c, o, err);
	nook_container_release(&c);
	return code;
}
