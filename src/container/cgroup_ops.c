/* Container operations that go through its cgroup: pause, resume, update,
 * events. */
#include "nook/container.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "nook/cleanup.h"
#include "nook/state.h"

static int need_cgroup(const struct nook_container *c, struct nook_error *err)
{
	/* A rootless container where the user may not make cgroups (no
	 * delegation) runs without one (docs/design.md, "Rootless"). */
	if (!c->have_cgroup)
		return nook_fail(err, 0,
		                 "container \"%s\" has no cgroup (a rootless container gets "
		                 "one only where the user may make it: a cgroup v2 subtree "
		                 "delegated to the user); the freezer, limits and stats need it",
		                 c->id);
	return 0;
}

int nook_container_pause(struct nook_container *c, bool pause, struct nook_error *err)
{
	int status = nook_container_status(c);
	int want = pause ? NOOK_RUNNING : NOOK_PAUSED;

	if (need_cgroup(c, err) < 0)
		return -1;
	if (status != want && !(pause && status == NOOK_CREATED))
		return nook_fail(err, 0, "container \"%s\" is %s: it cannot be %s", c->id,
		                 nook_status_name((enum nook_status)status),
		                 pause ? "paused" : "resumed");
	return nook_cgroup_freeze(&c->cgroup, pause, err);
}

int nook_container_update(struct nook_container *c, const struct nook_resources *res,
                          struct nook_error *err)
{
	int status = nook_container_status(c);

	if (need_cgroup(c, err) < 0)
		return -1;
	if (status == NOOK_STOPPED)
		return nook_fail(err, 0, "container \"%s\" is stopped: nothing to update", c->id);
	return nook_cgroup_apply(&c->cgroup, res, err);
}

static int emit_event(const char *type, const char *id, const struct nook_cgroup *cg,
                      nook_event_fn emit, void *ctx, struct nook_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int rc = 0;

	if (g == NULL)
		return nook_fail(err, ENOMEM, "events");
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"type", 4);
	yajl_gen_string(g, (const unsigned char *)type, strlen(type));
	yajl_gen_string(g, (const unsigned char *)"id", 2);
	yajl_gen_string(g, (const unsigned char *)id, strlen(id));
	if (cg != NULL) {
		yajl_gen_string(g, (const unsigned char *)"data", 4);
		rc = nook_cgroup_stats(cg, g, err);
	}
	yajl_gen_map_close(g);
	if (rc == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		emit(ctx, (const char *)buf, len);
	yajl_gen_free(g);
	return rc;
}

int nook_container_events(struct nook_container *c, bool stats_once, int interval_ms,
                          nook_event_fn emit, void *ctx, struct nook_error *err)
{
	uint64_t ooms = 0, now = 0;

	if (need_cgroup(c, err) < 0)
		return -1;
	if (nook_container_status(c) == NOOK_STOPPED)
		return nook_fail(err, 0, "container \"%s\" is not running", c->id);
	if (stats_once)
		return emit_event("stats", c->id, &c->cgroup, emit, ctx, err);
	autoclose int watch = nook_cgroup_oom_watch(&c->cgroup, err);
	if (watch < 0 || nook_cgroup_oom_count(&c->cgroup, &ooms, err) < 0)
		return -1;
	while (nook_container_status(c) != NOOK_STOPPED) {
		struct pollfd pfd = {.fd = watch, .events = POLLIN | POLLPRI};
		int n = poll(&pfd, 1, interval_ms);
		if (n < 0 && errno != EINTR)
			return nook_fail(err, errno, "events: poll");
		if (n > 0) {
			char drain[4096];
			(void)!read(watch, drain, sizeof(drain));
		}
		if (nook_cgroup_oom_count(&c->cgroup, &now, err) == 0 && now > ooms) {
			ooms = now;
			emit_event("oom", c->id, NULL, emit, ctx, err);
		}
		if (n == 0 && emit_event("stats", c->id, &c->cgroup, emit, ctx, err) < 0)
			return -1;
	}
	return 0;
}
