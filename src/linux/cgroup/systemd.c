/* The systemd cgroup driver's D-Bus side (sd-bus), for `nook
 * --systemd-cgroup`: runc's systemd.md; crun's cgroup-systemd.c is the
 * C peer.
 *
 *   plan    the unit and its directory from linux.cgroupsPath, nothing
 *           made (state.json records them first)
 *   start   after the clone, before GO: StartTransientUnit of the scope
 *           with the init's pid (a scope cannot start empty), Delegate=yes,
 *           the resource properties and the org.systemd.property.*
 *           annotations; wait for its job (JobRemoved, matched before the
 *           call); then what systemd cannot express goes to cgroupfs in
 *           the scope's directory (apply.c, as for the cgroupfs driver)
 *   set     `update`: SetUnitProperties, then cgroupfs
 *   stop    `delete`: StopUnit and wait for its job
 *
 * pause, resume, events, kill --all and exec act on the scope's directory
 * as on any v2 directory. cgroup v2 only (a v1 or hybrid host is refused). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup/internal.h"
#include "linux/cgroup/systemd.h"
#include "nook/cleanup.h"
#include "nook/file.h"
#include "nook/userns.h"

#define SD_DEST          "org.freedesktop.systemd1"
#define SD_PATH          "/org/freedesktop/systemd1"
#define SD_MANAGER       "org.freedesktop.systemd1.Manager"
#define DRIVER           "systemd cgroup driver"
#define JOB_TIMEOUT_USEC (90ULL * 1000000)

/* Where the user's manager is reached: $DBUS_SESSION_BUS_ADDRESS (set:
 * that, as runc and crun), else $XDG_RUNTIME_DIR/bus (dbus-user-session's
 * bus, where rootless podman's runtime finds it: podman passes
 * XDG_RUNTIME_DIR but no DBUS_SESSION_BUS_ADDRESS), else the manager's own
 * $XDG_RUNTIME_DIR/systemd/private when there is no bus at all. */
struct user_bus {
	char address[4200]; /* a D-Bus address, or "" when none is known */
	char path[4096];    /* its socket, when nook chose it */
	char what[4200];    /* how errors name it */
	bool direct;        /* the manager's own socket, no bus daemon */
};

/* A D-Bus address value escapes all but [-0-9A-Za-z_/.\\*] as %XX (the
 * D-Bus specification, "Server Addresses"). */
static void escape_address(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in != '\0' && n + 4 < size; in++) {
		unsigned char c = (unsigned char)*in;
		if (isalnum(c) || strchr("-_/.\\*", c) != NULL)
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02x", c);
	}
	out[n] = '\0';
}

static void find_user_bus(struct user_bus *u)
{
	const char *env = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char bus[4096], private[4096], esc[4096];

	memset(u, 0, sizeof(*u));
	if (env != NULL && env[0] != '\0') {
		snprintf(u->address, sizeof(u->address), "%s", env);
		snprintf(u->what, sizeof(u->what), "the user bus DBUS_SESSION_BUS_ADDRESS=%s", env);
		return;
	}
	if (xdg == NULL || xdg[0] == '\0') {
		snprintf(
		    u->what, sizeof(u->what),
		    "the user bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set "
		    "(the user's systemd is reached at $XDG_RUNTIME_DIR/bus)");
		return;
	}
	snprintf(bus, sizeof(bus), "%s/bus", xdg);
	snprintf(private, sizeof(private), "%s/systemd/private", xdg);
	u->direct = access(bus, F_OK) != 0 && access(private, F_OK) == 0;
	snprintf(u->path, sizeof(u->path), "%s", u->direct ? private : bus);
	escape_address(u->path, esc, sizeof(esc));
	snprintf(u->address, sizeof(u->address), "unix:path=%s", esc);
	snprintf(u->what, sizeof(u->what), "the user's %s %s (XDG_RUNTIME_DIR=%s)",
	         u->direct ? "systemd at" : "bus", u->path, xdg);
}

/* The user's manager, not the system's: a caller that is not root of the
 * initial user namespace (runc's shouldUseRootlessCgroupManager). Root of
 * another user namespace with no user bus in sight is taken as having a
 * systemd of its own (a container running systemd), as runc takes an
 * OwnerUID it cannot read as 0. Decided once per process. */
static bool user_manager(void)
{
	static int cached = -1;

	if (cached < 0 && geteuid() != 0)
		cached = 1;
	else if (cached < 0 && nook_in_initial_userns())
		cached = 0;
	else if (cached < 0) {
		struct user_bus u;
		find_user_bus(&u);
		cached = u.address[0] != '\0' && (u.path[0] == '\0' || access(u.path, F_OK) == 0);
	}
	return cached == 1;
}

/* Connect to the user's manager and finish the handshake here (a bus
 * client's Hello), so that a refused or absent bus is told with its
 * address rather than at the first call. */
static int user_bus_open(sd_bus **bus, struct nook_error *err)
{
	struct user_bus u;
	sd_bus *b = NULL;
	const char *step = "connect";
	int r;

	find_user_bus(&u);
	if (u.address[0] == '\0')
		return nook_fail(err, 0, DRIVER ": cannot reach %s", u.what);
	r = sd_bus_new(&b);
	if (r >= 0)
		r = sd_bus_set_address(b, u.address);
	if (r >= 0 && !u.direct)
		r = sd_bus_set_bus_client(b, 1);
	if (r >= 0)
		r = sd_bus_start(b);
	if (r >= 0 && !u.direct) {
		const char *unique;
		step = "authenticate and say Hello on";
		r = sd_bus_get_unique_name(b, &unique);
	}
	if (r < 0) {
		sd_bus_unref(b);
		return nook_fail(err, -r, DRIVER ": cannot %s %s", step, u.what);
	}
	*bus = b;
	return 0;
}

/* Root: systemd's private socket (no dbus-daemon needed), else the system
 * bus; any other caller: its user manager. */
static int bus_open(sd_bus **bus, struct nook_error *err)
{
	int r;

	if (user_manager())
		return user_bus_open(bus, err);
	sd_bus *b = NULL;
	if (access("/run/systemd/private", F_OK) == 0 && sd_bus_new(&b) >= 0) {
		if (sd_bus_set_address(b, "unix:path=/run/systemd/private") >= 0 &&
		    sd_bus_start(b) >= 0) {
			*bus = b;
			return 0;
		}
		sd_bus_unref(b);
	}
	r = sd_bus_open_system(bus);
	if (r < 0 && !nook_in_initial_userns()) {
		/* root of a user namespace with no user bus: say both */
		struct user_bus u;
		find_user_bus(&u);
		return nook_fail(err, -r,
		                 DRIVER ": cannot connect to systemd over D-Bus: as root of a "
		                        "user namespace, not the initial one, nook looked for %s, "
		                        "then the system's (/run/systemd/private, the system bus)",
		                 u.what);
	}
	if (r < 0)
		return nook_fail(err, -r,
		                 DRIVER ": cannot connect to systemd over D-Bus "
		                        "(/run/systemd/private, then the system bus)");
	return 0;
}

struct job_wait {
	char path[512]; /* the job's object path, once known */
	char result[64];
	bool done;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;

	(void)ret_error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path[0] != '\0' && strcmp(path, w->path) == 0) {
		snprintf(w->result, sizeof(w->result), "%s", result);
		w->done = true;
	}
	return 0;
}

/* Match JobRemoved before the call that makes the job, so that it is not
 * missed (the reply and the signal may come in either order; sd_bus_call
 * queues the signal until sd_bus_process). */
static int match_jobs(sd_bus *bus, sd_bus_slot **slot, struct job_wait *w, struct nook_error *err)
{
	/* a direct connection (the private socket) has no sender names, so
	 * there the sender is not matched (as systemctl does) */
	const char *sender = sd_bus_is_bus_client(bus) > 0 ? SD_DEST : NULL;
	int r = sd_bus_match_signal(bus, slot, sender, SD_PATH, SD_MANAGER, "JobRemoved",
	                            on_job_removed, w);
	if (r < 0)
		return nook_fail(err, -r, DRIVER ": subscribe to systemd's JobRemoved");
	/* systemd sends job signals to subscribed clients */
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
	return 0;
}

static int wait_job(sd_bus *bus, struct job_wait *w, const char *what, const char *unit,
                    struct nook_error *err)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!w->done) {
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			return nook_fail(err, -r, DRIVER ": %s %s: waiting for its job", what,
			                 unit);
		if (r > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		uint64_t spent = (uint64_t)(now.tv_sec - start.tv_sec) * 1000000 +
		                 (uint64_t)((now.tv_nsec - start.tv_nsec) / 1000);
		if (spent >= JOB_TIMEOUT_USEC)
			return nook_fail(err, ETIMEDOUT, DRIVER ": %s %s: its job %s did not end",
			                 what, unit, w->path);
		r = sd_bus_wait(bus, JOB_TIMEOUT_USEC - spent);
		if (r < 0)
			return nook_fail(err, -r, DRIVER ": %s %s: waiting for its job", what,
			                 unit);
	}
	if (strcmp(w->result, "done") != 0)
		return nook_fail(err, 0, DRIVER ": %s %s: systemd's job ended \"%s\"", what, unit,
		                 w->result);
	return 0;
}

static int bus_error(struct nook_error *err, int r, const sd_bus_error *e, const char *what,
                     const char *unit)
{
	if (e != NULL && sd_bus_error_is_set(e))
		return nook_fail(err, 0, DRIVER ": %s %s: %s", what, unit,
		                 e->message != NULL ? e->message : e->name);
	return nook_fail(err, -r, DRIVER ": %s %s", what, unit);
}

/* One property of p into the open a(sv) of m. */
static int append_prop(sd_bus_message *m, const struct nook_cg_sd_prop *x)
{
	int r = sd_bus_message_open_container(m, 'r', "sv");

	if (r >= 0)
		r = sd_bus_message_append_basic(m, 's', x->name);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', x->sig);
	if (r < 0)
		return r;
	if (strcmp(x->sig, "ay") == 0)
		r = sd_bus_message_append_array(m, 'y', x->bytes, x->n_bytes);
	else if (x->sig[0] == 's')
		r = sd_bus_message_append_basic(m, 's', x->s);
	else if (x->sig[0] == 'b') {
		int b = x->u != 0;
		r = sd_bus_message_append_basic(m, 'b', &b);
	} else if (x->sig[0] == 'u') {
		uint32_t u = (uint32_t)x->u;
		r = sd_bus_message_append_basic(m, 'u', &u);
	} else if (x->sig[0] == 'i') {
		int32_t i = (int32_t)x->i;
		r = sd_bus_message_append_basic(m, 'i', &i);
	} else if (x->sig[0] == 'x')
		r = sd_bus_message_append_basic(m, 'x', &x->i);
	else
		r = sd_bus_message_append_basic(m, 't', &x->u);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int append_props(sd_bus_message *m, const struct nook_cg_sd_props *p)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	for (size_t i = 0; i < p->n && r >= 0; i++)
		r = append_prop(m, &p->v[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int put_str(struct nook_cg_sd_props *p, const char *name, const char *value)
{
	struct nook_cg_sd_prop *x = nook_cg_sd_props_put(p, name, "s");
	return x != NULL && (x->s = strdup(value)) != NULL ? 0 : -1;
}

static int put_bool(struct nook_cg_sd_props *p, const char *name, bool value)
{
	struct nook_cg_sd_prop *x = nook_cg_sd_props_put(p, name, "b");
	if (x != NULL)
		x->u = value;
	return x != NULL ? 0 : -1;
}

/* What the scope is started with: runc's set (Description, Slice,
 * Delegate, DefaultDependencies=no, accounting on), the resources, then
 * the annotations, which may override any of them (runc's rule). */
static int start_props(const struct nook_spec *spec, const char *id, const char *slice,
                       struct nook_cg_sd_props *p, struct nook_error *err)
{
	char desc[300];

	snprintf(desc, sizeof(desc), "nook container %s", id);
	if (put_str(p, "Description", desc) < 0 || put_str(p, "Slice", slice) < 0 ||
	    put_bool(p, "Delegate", true) < 0 || put_bool(p, "DefaultDependencies", false) < 0 ||
	    put_bool(p, "MemoryAccounting", true) < 0 || put_bool(p, "CPUAccounting", true) < 0 ||
	    put_bool(p, "IOAccounting", true) < 0 || put_bool(p, "TasksAccounting", true) < 0)
		return nook_fail(err, ENOMEM, DRIVER);
	if (nook_cg_sd_resource_props(&spec->linux.resources, p, err) < 0 ||
	    nook_cg_sd_annotation_props(&spec->annotations, p, err) < 0)
		return -1;
	return 0;
}

static int v2_mount(char *out, size_t size, struct nook_error *err)
{
	autofree char *mi =
	    nook_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, 1024 * 1024, NULL, err);
	struct nook_cg_layout l;
	static const char *const names[] = {"unified", "legacy (v1 only)", "hybrid"};

	if (mi == NULL || nook_cg_parse_mountinfo(mi, &l, err) < 0)
		return -1;
	enum nook_cgroup_mode mode = l.mode;
	out[0] = '\0';
	for (size_t i = 0; i < l.n; i++)
		if (l.h[i].controllers[0] == '\0')
			snprintf(out, size, "%s", l.h[i].mountpoint);
	nook_cg_layout_free(&l);
	if (mode != NOOK_CGROUP_UNIFIED)
		return nook_fail(err, 0,
		                 "--systemd-cgroup: this host's cgroups are %s; nook's systemd "
		                 "driver needs cgroup v2 only (unified; boot with "
		                 "systemd.unified_cgroup_hierarchy=1)",
		                 names[mode]);
	return 0;
}

int nook_cg_sd_plan(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                    struct nook_error *err)
{
	struct nook_cg_sd_name n;
	char path[4096];
	struct nook_cg_sd_props p = {0};

	if (nook_cg_sd_parse(spec->linux.cgroups_path, id, user_manager(), &n, err) < 0)
		return -1;
	/* a bad annotation or cpu list is told before anything is made */
	int rc = start_props(spec, id, n.slice, &p, err);
	nook_cg_sd_props_free(&p);
	if (rc < 0 || v2_mount(cg->v2_mount, sizeof(cg->v2_mount), err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", cg->v2_mount, n.rel);
	if (access(path, F_OK) == 0)
		return nook_fail(err, EEXIST,
		                 "linux.cgroupsPath: the cgroup of unit %s, %s, exists already "
		                 "(another container's?)",
		                 n.unit, path);
	cg->mode = NOOK_CGROUP_UNIFIED;
	cg->dirs = calloc(1, sizeof(*cg->dirs));
	cg->unit = strdup(n.unit);
	if (cg->dirs == NULL || cg->unit == NULL || (cg->dirs[0].hierarchy = strdup("")) == NULL ||
	    (cg->dirs[0].path = strdup(path)) == NULL) {
		cg->n_dirs = cg->dirs != NULL;
		nook_cgroup_free(cg);
		return nook_fail(err, ENOMEM, DRIVER);
	}
	cg->n_dirs = 1;
	/* systemd makes and removes it; nook removes it only if it is left */
	cg->dirs[0].created = true;
	cg->dirs[0].n_created = 1;
	return 0;
}

/* The scope's directory as systemd has it (ControlGroup), which differs
 * from the planned one under a user manager (user@UID.service/...). */
static void read_control_group(sd_bus *bus, struct nook_cgroup *cg)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *obj;
	char *value = NULL;

	if (sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s",
	                       cg->unit) >= 0 &&
	    sd_bus_message_read(reply, "o", &obj) >= 0 &&
	    sd_bus_get_property_string(bus, SD_DEST, obj, "org.freedesktop.systemd1.Scope",
	                               "ControlGroup", &e, &value) >= 0 &&
	    value[0] == '/') {
		char *path = NULL;
		if (asprintf(&path, "%s%s", cg->v2_mount, value) > 0) {
			free(cg->dirs[0].path);
			cg->dirs[0].path = path;
		}
	}
	free(value);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
}

/* Stop the unit and wait; a unit already gone is fine. Then reset a
 * failed one, so that no unit is left loaded. */
static int stop_on(sd_bus *bus, const char *unit, struct nook_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus_slot *slot = NULL;
	struct job_wait w = {0};
	const char *job;
	int rc = 0;

	if (match_jobs(bus, &slot, &w, err) < 0)
		return -1;
	int r = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, &reply, "ss",
	                           unit, "fail");
	if (r < 0) {
		if (!sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
			rc = bus_error(err, r, &e, "StopUnit", unit);
	} else if (sd_bus_message_read(reply, "o", &job) < 0) {
		rc = nook_fail(err, EPROTO, DRIVER ": StopUnit %s: no job in the reply", unit);
	} else {
		snprintf(w.path, sizeof(w.path), "%s", job);
		rc = wait_job(bus, &w, "StopUnit", unit, err);
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_slot_unref(slot);
	sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL, "s",
	                   unit);
	return rc;
}

/* *made: systemd took the request (a job exists), so a unit may exist. */
static int start_on(sd_bus *bus, const struct nook_spec *spec, const char *id,
                    struct nook_cgroup *cg, pid_t pid, bool *made, struct nook_error *err)
{
	struct nook_cg_sd_name n;
	struct nook_cg_sd_props p = {0};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_slot *slot = NULL;
	struct job_wait w = {0};
	const char *job;
	int r, rc = -1;

	if (nook_cg_sd_parse(spec->linux.cgroups_path, id, user_manager(), &n, err) < 0 ||
	    start_props(spec, id, n.slice, &p, err) < 0 || match_jobs(bus, &slot, &w, err) < 0)
		goto out;
	r = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
	                                   "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", cg->unit, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	for (size_t i = 0; i < p.n && r >= 0; i++)
		r = append_prop(m, &p.v[i]);
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		nook_fail(err, -r, DRIVER ": StartTransientUnit %s: build the message", cg->unit);
		goto out;
	}
	r = sd_bus_call(bus, m, 0, &e, &reply);
	if (r < 0) {
		bus_error(err, r, &e, "StartTransientUnit", cg->unit);
		goto out;
	}
	if (sd_bus_message_read(reply, "o", &job) < 0) {
		nook_fail(err, EPROTO, DRIVER ": StartTransientUnit %s: no job in the reply",
		          cg->unit);
		goto out;
	}
	*made = true;
	snprintf(w.path, sizeof(w.path), "%s", job);
	rc = wait_job(bus, &w, "StartTransientUnit", cg->unit, err);
	if (rc == 0)
		read_control_group(bus, cg);
out:
	nook_cg_sd_props_free(&p);
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	sd_bus_slot_unref(slot);
	return rc;
}

int nook_cg_sd_start(const struct nook_spec *spec, const char *id, struct nook_cgroup *cg,
                     pid_t pid, struct nook_error *err)
{
	sd_bus *bus = NULL;
	struct nook_error ignored;
	bool made = false;

	int rc = bus_open(&bus, err);
	if (rc == 0)
		rc = start_on(bus, spec, id, cg, pid, &made, err);
	if (rc < 0 && made) /* a unit the failed start made, or one in "failed" */
		stop_on(bus, cg->unit, &ignored);
	if (rc < 0 && !made) {
		/* refused (a unit of that name exists: another container's):
		 * nothing of it is this container's to kill or stop */
		cg->dirs[0].created = false;
		cg->dirs[0].n_created = 0;
		free(cg->unit);
		cg->unit = NULL;
	}
	if (bus != NULL)
		sd_bus_flush_close_unref(bus);
	return rc;
}

int nook_cg_sd_stop(const struct nook_cgroup *cg, struct nook_error *err)
{
	sd_bus *bus = NULL;
	struct stat st;

	if (bus_open(&bus, err) < 0) {
		/* an active scope has its directory: without one there is no
		 * unit to stop (its start never happened, or failed and was
		 * reset), and a create that failed on the bus leaves nothing */
		if (cg->n_dirs > 0 && stat(cg->dirs[0].path, &st) < 0 && errno == ENOENT)
			return 0;
		return -1;
	}
	int rc = stop_on(bus, cg->unit, err);
	sd_bus_flush_close_unref(bus);
	return rc;
}

int nook_cg_sd_set(const struct nook_cgroup *cg, const struct nook_resources *r,
                   struct nook_error *err)
{
	struct nook_cg_sd_props p = {0};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	int rc = -1, q;

	if (nook_cg_sd_resource_props(r, &p, err) < 0)
		goto out;
	if (p.n == 0) {
		rc = 0;
		goto out;
	}
	if (bus_open(&bus, err) < 0)
		goto out;
	q = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
	                                   "SetUnitProperties");
	if (q >= 0)
		q = sd_bus_message_append(m, "sb", cg->unit, 1);
	if (q >= 0)
		q = append_props(m, &p);
	if (q >= 0)
		q = sd_bus_call(bus, m, 0, &e, NULL);
	if (q < 0)
		bus_error(err, q, &e, "SetUnitProperties", cg->unit);
	else
		rc = 0;
out:
	nook_cg_sd_props_free(&p);
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	if (bus != NULL)
		sd_bus_flush_close_unref(bus);
	return rc;
}

int nook_cg_sd_check_saved(const struct nook_cgroup *cg, const char *cgroups_path, const char *id,
                           const char *mount, struct nook_error *err)
{
	struct nook_cg_sd_name n;
	char want[4096];

	if (nook_cg_sd_parse(cgroups_path, id, user_manager(), &n, err) < 0)
		return -1;
	if (strcmp(cg->unit, n.unit) != 0)
		return nook_fail(err, 0, "unit \"%s\" is not \"%s\", planned for linux.cgroupsPath",
		                 cg->unit, n.unit);
	if (cg->n_dirs != 1 || cg->dirs[0].hierarchy[0] != '\0')
		return nook_fail(err, 0, "a systemd unit has one v2 directory");
	const char *path = cg->dirs[0].path;
	size_t mlen = strlen(mount), plen = strlen(path), rlen = strlen(n.rel);
	snprintf(want, sizeof(want), "%s/%s", mount, n.rel);
	/* under a user manager its cgroup is below user@UID.service */
	bool ok = strcmp(path, want) == 0 ||
	          (user_manager() && strncmp(path, mount, mlen) == 0 && path[mlen] == '/' &&
	           plen > rlen && path[plen - rlen - 1] == '/' &&
	           strcmp(path + plen - rlen, n.rel) == 0 && strstr(path, "/../") == NULL &&
	           strstr(path, "/./") == NULL && strstr(path, "//") == NULL);
	if (!ok)
		return nook_fail(err, 0, "\"%s\" is not the directory of unit %s (%s)", path,
		                 cg->unit, want);
	return 0;
}
