/* A stand-in for systemd's manager on its private socket, for
 * tests/integration/test_systemd_cgroup.sh on a host without systemd: it
 * speaks the part of org.freedesktop.systemd1.Manager that nook's systemd
 * cgroup driver uses (sd-bus, direct connection, one client at a time) and
 * does what systemd does with the cgroup, so that the driver's messages,
 * its job waiting and its cleanup run for real:
 *
 *   StartTransientUnit  mkdir the scope's cgroup below its slice (a-b.slice
 *                       in a.slice), write PIDs into it, reply a job and
 *                       send JobRemoved "done" (a unit named *failjob*:
 *                       "failed", left loaded and failed); an existing unit
 *                       is org.freedesktop.systemd1.UnitExists; a property
 *                       named NoSuchProperty is refused as systemd does
 *   StopUnit            kill what is in the cgroup, rmdir it (and the
 *                       slices it made), JobRemoved; unknown: NoSuchUnit
 *   SetUnitProperties, Subscribe, ResetFailedUnit, GetUnit, and the
 *   Scope's ControlGroup property
 *
 * Every property it gets is logged, one "start|set UNIT NAME=VALUE" line
 * each, to the log file.
 *
 * With USER_ROOT (e.g. "/user.slice/user-1000.slice/user@1000.service") it
 * plays a user's manager (systemd --user, issue 12): USER_ROOT is made at
 * start and removed at SIGTERM, units go below it, the socket is open to
 * all, and a started scope's directory and files are chowned to the
 * client's uid and gid (SO_PEERCRED), as everything below user@UID.service
 * belongs to the user.
 *   fake_systemd SOCKET CGROUP2_MOUNT LOG [USER_ROOT] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define MAX_UNITS 64

struct unit {
	char name[256];
	char cgroup[1024]; /* below the mount: "/a.slice/a-b.slice/p-n.scope" */
	bool failed;
	bool loaded;
	char made_slices[4][512]; /* slice dirs this unit's start made, deepest last */
	int n_made;
};

static struct unit units[MAX_UNITS];
static const char *mount_point;
static const char *user_root = ""; /* "" the system manager */
static struct ucred peer;          /* the connected client */
static volatile sig_atomic_t stopping;
static FILE *logf_;
static unsigned job_id;

static struct unit *find(const char *name)
{
	for (int i = 0; i < MAX_UNITS; i++)
		if (units[i].loaded && strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

static struct unit *fresh(void)
{
	for (int i = 0; i < MAX_UNITS; i++)
		if (!units[i].loaded) {
			memset(&units[i], 0, sizeof(units[i]));
			units[i].loaded = true;
			return &units[i];
		}
	return NULL;
}

/* Log one (sv) of m, which is positioned on it. */
static int log_prop(sd_bus_message *m, const char *what, const char *unit, char *slice,
                    size_t slice_size, int *pids, int *n_pids, bool *bad)
{
	const char *name, *contents;
	char type;
	int r = sd_bus_message_enter_container(m, 'r', "sv");
	if (r <= 0)
		return r;
	if ((r = sd_bus_message_read(m, "s", &name)) < 0 ||
	    (r = sd_bus_message_peek_type(m, &type, &contents)) < 0 ||
	    (r = sd_bus_message_enter_container(m, 'v', contents)) < 0)
		return r;
	fprintf(logf_, "%s %s %s=", what, unit, name);
	if (strcmp(name, "NoSuchProperty") == 0)
		*bad = true;
	if (strcmp(contents, "s") == 0) {
		const char *s;
		r = sd_bus_message_read(m, "s", &s);
		fprintf(logf_, "%s", r >= 0 ? s : "?");
		if (r >= 0 && strcmp(name, "Slice") == 0)
			snprintf(slice, slice_size, "%s", s);
	} else if (strcmp(contents, "b") == 0) {
		int b;
		r = sd_bus_message_read(m, "b", &b);
		fprintf(logf_, "%s", b ? "yes" : "no");
	} else if (strcmp(contents, "t") == 0) {
		uint64_t t;
		r = sd_bus_message_read(m, "t", &t);
		if (t == UINT64_MAX)
			fprintf(logf_, "infinity");
		else
			fprintf(logf_, "%llu", (unsigned long long)t);
	} else if (strcmp(contents, "u") == 0 || strcmp(contents, "i") == 0) {
		int32_t i;
		r = sd_bus_message_read_basic(m, contents[0], &i);
		fprintf(logf_, "%s:%d", contents, i);
	} else if (strcmp(contents, "x") == 0) {
		int64_t x;
		r = sd_bus_message_read(m, "x", &x);
		fprintf(logf_, "x:%lld", (long long)x);
	} else if (strcmp(contents, "au") == 0) {
		const uint32_t *v;
		size_t n;
		r = sd_bus_message_read_array(m, 'u', (const void **)&v, &n);
		for (size_t i = 0; r >= 0 && i < n / sizeof(*v); i++) {
			fprintf(logf_, "%s%u", i ? "," : "", v[i]);
			if (*n_pids < 16)
				pids[(*n_pids)++] = (int)v[i];
		}
	} else if (strcmp(contents, "ay") == 0) {
		const uint8_t *v;
		size_t n;
		r = sd_bus_message_read_array(m, 'y', (const void **)&v, &n);
		for (size_t i = 0; r >= 0 && i < n; i++)
			fprintf(logf_, "%02x", v[i]);
	} else {
		fprintf(logf_, "(type %s)", contents);
		r = sd_bus_message_skip(m, contents);
	}
	fputc('\n', logf_);
	fflush(logf_);
	if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : 1;
}

static int read_props(sd_bus_message *m, const char *what, const char *unit, char *slice,
                      size_t slice_size, int *pids, int *n_pids, bool *bad)
{
	int r = sd_bus_message_enter_container(m, 'a', "(sv)");
	if (r < 0)
		return r;
	while ((r = log_prop(m, what, unit, slice, slice_size, pids, n_pids, bad)) > 0)
		;
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int job_done(sd_bus_message *m, const char *unit, const char *result)
{
	char path[64];
	sd_bus *bus = sd_bus_message_get_bus(m);

	snprintf(path, sizeof(path), "/org/freedesktop/systemd1/job/%u", ++job_id);
	int r = sd_bus_reply_method_return(m, "o", path);
	if (r < 0)
		return r;
	return sd_bus_emit_signal(bus, "/org/freedesktop/systemd1",
	                          "org.freedesktop.systemd1.Manager", "JobRemoved", "uoss", job_id,
	                          path, unit, result);
}

/* systemd's slice nesting, written anew here: "a-b.slice" ->
 * "/a.slice/a-b.slice"; mkdir each, remembering the new ones. */
static int make_cgroup(struct unit *u, const char *slice)
{
	char rel[1024], dir[2048];
	size_t plen = strlen(slice) - strlen(".slice");

	snprintf(rel, sizeof(rel), "%s", user_root);
	if (strcmp(slice, "-.slice") != 0)
		for (size_t i = 0; i <= plen; i++) {
			if (i < plen && slice[i] != '-')
				continue;
			size_t len = strlen(rel);
			snprintf(rel + len, sizeof(rel) - len, "/%.*s.slice", (int)i, slice);
			snprintf(dir, sizeof(dir), "%s%s", mount_point, rel);
			if (mkdir(dir, 0755) == 0 && u->n_made < 4)
				snprintf(u->made_slices[u->n_made++], sizeof(u->made_slices[0]),
				         "%s", dir);
		}
	snprintf(u->cgroup, sizeof(u->cgroup), "%s/%s", rel, u->name);
	snprintf(dir, sizeof(dir), "%s%s", mount_point, u->cgroup);
	return mkdir(dir, 0755) < 0 ? -errno : 0;
}

/* A user manager's scope is the user's: the directory and its files. */
static int give_to_user(const struct unit *u)
{
	char dir[2048];
	struct dirent *e;

	if (user_root[0] == '\0')
		return 0;
	snprintf(dir, sizeof(dir), "%s%s", mount_point, u->cgroup);
	DIR *d = opendir(dir);
	if (d == NULL)
		return -errno;
	int rc = fchown(dirfd(d), peer.uid, peer.gid) < 0 ? -errno : 0;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' &&
		    fchownat(dirfd(d), e->d_name, peer.uid, peer.gid, AT_SYMLINK_NOFOLLOW) < 0)
			rc = -errno;
	closedir(d);
	return rc;
}

static int write_pid(const struct unit *u, int pid)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", mount_point, u->cgroup);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "%d", pid);
	return fclose(f) == 0 ? 0 : -errno;
}

static int start_unit(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *name, *mode;
	char slice[256] = "-.slice";
	int pids[16], n_pids = 0, r;
	bool bad = false;

	if ((r = sd_bus_message_read(m, "ss", &name, &mode)) < 0 ||
	    (r = read_props(m, "start", name, slice, sizeof(slice), pids, &n_pids, &bad)) < 0)
		return r;
	if (find(name) != NULL)
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.UnitExists",
		                         "Unit %s was already loaded or has a fragment file.",
		                         name);
	if (bad)
		return sd_bus_error_setf(
		    e, "org.freedesktop.DBus.Error.PropertyReadOnly",
		    "Cannot set property NoSuchProperty, or unknown property.");
	struct unit *u = fresh();
	if (u == NULL)
		return -ENOMEM;
	snprintf(u->name, sizeof(u->name), "%s", name);
	if (strstr(name, "failjob") != NULL) {
		u->failed = true;
		return job_done(m, name, "failed");
	}
	if ((r = make_cgroup(u, slice)) < 0 || (r = give_to_user(u)) < 0) {
		u->loaded = false;
		return r;
	}
	for (int i = 0; i < n_pids; i++)
		if ((r = write_pid(u, pids[i])) < 0)
			return r;
	return job_done(m, name, "done");
}

static void empty_and_remove(struct unit *u)
{
	char dir[2048], buf[4096];

	snprintf(dir, sizeof(dir), "%s%s", mount_point, u->cgroup);
	for (int tries = 0; tries < 500; tries++) {
		snprintf(buf, sizeof(buf), "%s/cgroup.procs", dir);
		FILE *f = fopen(buf, "r");
		if (f == NULL)
			break;
		int pid, n = 0;
		while (fscanf(f, "%d", &pid) == 1) {
			kill(pid, SIGKILL);
			n++;
		}
		fclose(f);
		if (n == 0 && rmdir(dir) == 0)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (int i = u->n_made - 1; i >= 0; i--)
		rmdir(u->made_slices[i]);
}

static int stop_unit(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *name, *mode;
	int r = sd_bus_message_read(m, "ss", &name, &mode);
	if (r < 0)
		return r;
	struct unit *u = find(name);
	if (u == NULL)
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit",
		                         "Unit %s not loaded.", name);
	fprintf(logf_, "stop %s\n", name);
	fflush(logf_);
	if (!u->failed)
		empty_and_remove(u);
	u->loaded = u->failed; /* a failed unit stays until ResetFailedUnit */
	return job_done(m, name, "done");
}

static int reset_failed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *name;
	int r = sd_bus_message_read(m, "s", &name);
	if (r < 0)
		return r;
	struct unit *u = find(name);
	if (u != NULL && u->failed)
		u->loaded = false;
	fprintf(logf_, "reset-failed %s\n", name);
	fflush(logf_);
	return sd_bus_reply_method_return(m, "");
}

static int set_props(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *name;
	int runtime, pids[16], n_pids = 0, r;
	char slice[256];
	bool bad = false;

	if ((r = sd_bus_message_read(m, "sb", &name, &runtime)) < 0 ||
	    (r = read_props(m, "set", name, slice, sizeof(slice), pids, &n_pids, &bad)) < 0)
		return r;
	if (find(name) == NULL)
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit",
		                         "Unit %s not loaded.", name);
	return sd_bus_reply_method_return(m, "");
}

static int subscribe(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	return sd_bus_reply_method_return(m, "");
}

static int get_unit(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *name;
	char path[128];
	int r = sd_bus_message_read(m, "s", &name);
	if (r < 0)
		return r;
	struct unit *u = find(name);
	if (u == NULL)
		return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit",
		                         "Unit %s not loaded.", name);
	snprintf(path, sizeof(path), "/org/freedesktop/systemd1/unit/u%d", (int)(u - units));
	return sd_bus_reply_method_return(m, "o", path);
}

static int control_group(sd_bus *bus, const char *path, const char *interface, const char *property,
                         sd_bus_message *reply, void *userdata, sd_bus_error *e)
{
	const char *last = strrchr(path, '/');
	int i = last != NULL && last[1] == 'u' ? atoi(last + 2) : -1;
	if (i < 0 || i >= MAX_UNITS || !units[i].loaded)
		return sd_bus_error_setf(e, "org.freedesktop.DBus.Error.UnknownObject", "no unit");
	return sd_bus_message_append(reply, "s", units[i].cgroup);
}

/* Unprivileged: as a user's manager its client is not root (sd-bus refuses
 * other methods to a client without CAP_SYS_ADMIN; systemd --user runs as
 * its client's uid, which sd-bus lets in). */
static const sd_bus_vtable manager[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", start_unit,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("StopUnit", "ss", "o", stop_unit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("ResetFailedUnit", "s", "", reset_failed, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetUnitProperties", "sba(sv)", "", set_props, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Subscribe", "", "", subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetUnit", "s", "o", get_unit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("JobRemoved", "uoss", 0),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable scope[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("ControlGroup", "s", control_group, 0, 0),
    SD_BUS_VTABLE_END,
};

static int find_unit_object(sd_bus *bus, const char *path, const char *interface, void *userdata,
                            void **found, sd_bus_error *e)
{
	*found = NULL;
	return 1;
}

static void serve(int fd)
{
	sd_bus *bus = NULL;
	sd_id128_t id = {{0}};
	socklen_t len = sizeof(peer);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0)
		peer = (struct ucred){0};
	if (sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, fd, fd) < 0 ||
	    sd_bus_set_server(bus, 1, id) < 0 || sd_bus_set_anonymous(bus, 1) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1",
	                             "org.freedesktop.systemd1.Manager", manager, NULL) < 0 ||
	    sd_bus_add_fallback_vtable(bus, NULL, "/org/freedesktop/systemd1/unit",
	                               "org.freedesktop.systemd1.Scope", scope, find_unit_object,
	                               NULL) < 0 ||
	    sd_bus_start(bus) < 0) {
		fprintf(stderr, "fake_systemd: cannot serve a connection\n");
		close(fd);
		sd_bus_unref(bus);
		return;
	}
	while (!stopping) {
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r > 0)
			continue;
		if (sd_bus_wait(bus, UINT64_MAX) < 0)
			break;
	}
	sd_bus_flush_close_unref(bus);
}

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* USER_ROOT's directories, made at start and removed at the end */
static int user_root_dirs(bool make)
{
	char path[2048];
	size_t len = strlen(mount_point);

	snprintf(path, sizeof(path), "%s%s", mount_point, user_root);
	if (!make) {
		while (strlen(path) > len && rmdir(path) == 0)
			*strrchr(path, '/') = '\0';
		return 0;
	}
	for (char *p = path + len + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct sigaction sa = {.sa_handler = on_term};

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: fake_systemd SOCKET CGROUP2_MOUNT LOG [USER_ROOT]\n");
		return 2;
	}
	mount_point = argv[2];
	if (argc == 5)
		user_root = argv[4];
	logf_ = fopen(argv[3], "a");
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	if (logf_ == NULL || s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 8) < 0 || (user_root[0] != '\0' && chmod(argv[1], 0666) < 0) ||
	    (user_root[0] != '\0' && user_root_dirs(true) < 0)) {
		perror("fake_systemd");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: accept and waits end */
	while (!stopping) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			serve(c);
	}
	for (int i = 0; i < MAX_UNITS; i++)
		if (units[i].loaded && !units[i].failed)
			empty_and_remove(&units[i]);
	if (user_root[0] != '\0')
		user_root_dirs(false);
	return 0;
}
