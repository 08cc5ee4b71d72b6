/* nook job [options] -- COMMAND [ARG...]: run one CI job in a throwaway
 * container (issue 14; src/container/job.c does it). Exit code: the job's
 * (128+N for a signal), 124 at --timeout, 125 when nook fails before the
 * job runs (a bad flag included: nothing is made then). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_util.h"
#include "nook/job.h"
#include "nook/log.h"
#include "nook/number.h"

#define MAX_ITEMS 64

static void usage(FILE *out)
{
	fprintf(out, "usage: nook job [options] -- COMMAND [ARG...]\n\n"
	             "Run COMMAND in a new container that is thrown away when it ends: the\n"
	             "config is `nook spec`'s with the options below; the root is an overlay\n"
	             "whose writes go to a tmpfs. Exit code: COMMAND's (128+N for signal N),\n"
	             "124 when --timeout ends it, 125 when nook fails before it runs. If nook\n"
	             "job is killed (even SIGKILL), the job's processes, cgroup, mounts and\n"
	             "state go with it.\n\n"
	             "root:\n"
	             "      --rootfs DIR        read-only lower layer of the root (default: the\n"
	             "                          host's / read-only); DIR is never modified\n"
	             "      --disk SIZE         size of the tmpfs the writes go to (e.g. 512m)\n"
	             "      --upper DIR         keep the writes: overlay upper in DIR/upper\n"
	             "workspace:\n"
	             "      --bind SRC:DST[:ro] bind SRC on DST (repeatable)\n"
	             "      --tmpfs DST[:SIZE]  a tmpfs on DST (repeatable)\n"
	             "      --workdir DIR       working directory (default /)\n"
	             "      --env K=V           environment (repeatable; PATH, HOME set)\n"
	             "      --user UID[:GID]    run as UID (and GID; default 0:0)\n"
	             "      --network none|host|bridge\n"
	             "                          none: loopback only (default); host: the host's\n"
	             "                          network; bridge: eth0 on the host bridge nook0\n"
	             "                          with an address of 10.77.0.0/24\n"
	             "limits:\n"
	             "      --timeout SECONDS   kill the whole job after SECONDS (exit 124)\n"
	             "      --memory SIZE       memory limit (no swap beyond it); OOM reported\n"
	             "      --pids N            at most N processes\n"
	             "      --cpus N            CPU quota, e.g. 0.5 or 2\n"
	             "      --nofile N          RLIMIT_NOFILE (default 1024)\n"
	             "      --id ID             the container's id (default job-PID-RANDOM)\n"
	             "output:\n"
	             "      --report FILE       JSON usage report when the job ends\n"
	             "      --print-config      print the config.json and exit\n");
}

struct job_args {
	struct nook_job_opts o;
	struct nook_job_bind binds[MAX_ITEMS];
	struct nook_job_tmpfs tmpfs[MAX_ITEMS];
	const char *env[MAX_ITEMS];
};

static int bad(const char *flag, const char *value, const char *why)
{
	cli_error("job: %s \"%s\": %s", flag, value, why);
	return -1;
}

static int size_arg(const char *flag, const char *s, int64_t *out)
{
	struct nook_error err;

	if (nook_parse_size(s, flag, out, &err) < 0 || *out <= 0)
		return bad(flag, s, "expected a size in bytes, e.g. 512m or 2g");
	return 0;
}

static int int_arg(const char *flag, const char *s, int64_t min, int64_t max, int64_t *out)
{
	return cli_integer("job", flag, s, min, max, out);
}

/* --cpus: up to three decimals, as a quota per 100 ms period. */
static int cpus_arg(const char *s, struct nook_job_spec *spec)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0.001 && v <= 1024))
		return bad("--cpus", s, "expected a number of CPUs from 0.001 to 1024");
	spec->cpu_period = 100000;
	spec->cpu_quota = (int64_t)(v * 100000 + 0.5);
	return 0;
}

/* The flags' strings are copied before they are cut: argv stays as it was
 * for the re-exec of nook_exe_seal. */
static int bind_arg(struct job_args *a, const char *raw)
{
	struct nook_job_bind *b = &a->binds[a->o.spec.n_binds];
	char *s = strdup(raw);

	if (s == NULL || a->o.spec.n_binds == MAX_ITEMS)
		return bad("--bind", raw, "too many");
	char *dst = strchr(s, ':');
	if (dst == NULL || dst == s || dst[1] != '/')
		return bad("--bind", raw, "expected SRC:DST[:ro] with DST absolute");
	*dst++ = '\0';
	char *mode = strchr(dst, ':');
	if (mode != NULL) {
		*mode++ = '\0';
		if (strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0)
			return bad("--bind", raw, "the mode after DST is ro or rw");
		b->ro = strcmp(mode, "ro") == 0;
	}
	/* A mount source in a config is relative to the bundle: absolute. */
	char *abs = realpath(s, NULL);
	b->src = abs != NULL ? abs : s;
	b->dst = dst;
	a->o.spec.n_binds++;
	return 0;
}

static int tmpfs_arg(struct job_args *a, const char *raw)
{
	struct nook_job_tmpfs *t = &a->tmpfs[a->o.spec.n_tmpfs];
	char *s = strdup(raw);

	if (s == NULL || a->o.spec.n_tmpfs == MAX_ITEMS)
		return bad("--tmpfs", raw, "too many");
	char *size = strchr(s, ':');
	if (s[0] != '/')
		return bad("--tmpfs", raw, "expected DST[:SIZE] with DST absolute");
	if (size != NULL) {
		*size++ = '\0';
		if (size_arg("--tmpfs", size, &t->size) < 0)
			return -1;
	}
	t->dst = s;
	a->o.spec.n_tmpfs++;
	return 0;
}

static int user_arg(const char *s, struct nook_job_spec *spec)
{
	char uid[32];
	const char *colon = strchr(s, ':');
	int64_t u, g;
	struct nook_error err;

	snprintf(uid, sizeof(uid), "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
	if (nook_parse_integer(uid, 0, UINT32_MAX - 1, "--user", &u, &err) < 0 ||
	    (colon != NULL &&
	     nook_parse_integer(colon + 1, 0, UINT32_MAX - 1, "--user", &g, &err) < 0))
		return bad("--user", s, "expected UID[:GID], numbers");
	spec->uid = (uid_t)u;
	spec->gid = colon != NULL ? (gid_t)g : (gid_t)u;
	return 0;
}

static int network_arg(const char *s, struct nook_job_spec *spec)
{
	if (strcmp(s, "none") == 0)
		spec->network = NOOK_JOB_NET_NONE;
	else if (strcmp(s, "host") == 0)
		spec->network = NOOK_JOB_NET_HOST;
	else if (strcmp(s, "bridge") == 0)
		spec->network = NOOK_JOB_NET_BRIDGE;
	else
		return bad("--network", s, "expected none, host or bridge");
	return 0;
}

/* One flag; -1 on a bad value (reported). */
static int flag(struct job_args *a, int c, char *arg)
{
	struct nook_job_opts *o = &a->o;

	switch (c) {
	case 'r':
		o->rootfs = arg;
		return 0;
	case 'D':
		return size_arg("--disk", arg, &o->disk);
	case 'U':
		o->upper = arg;
		return 0;
	case 'B':
		return bind_arg(a, arg);
	case 'T':
		return tmpfs_arg(a, arg);
	case 'w':
		if (arg[0] != '/')
			return bad("--workdir", arg, "expected an absolute path");
		o->spec.workdir = arg;
		return 0;
	case 'e':
		if (strchr(arg, '=') == NULL || arg[0] == '=' || o->spec.n_env == MAX_ITEMS)
			return bad("--env", arg, "expected K=V");
		a->env[o->spec.n_env++] = arg;
		return 0;
	case 'u':
		return user_arg(arg, &o->spec);
	case 't':
		return int_arg("--timeout", arg, 1, 100000000, &o->timeout);
	case 'm':
		return size_arg("--memory", arg, &o->spec.memory);
	case 'p':
		return int_arg("--pids", arg, 1, INT64_MAX, &o->spec.pids);
	case 'c':
		return cpus_arg(arg, &o->spec);
	case 'n':
		return int_arg("--nofile", arg, 1, 1 << 30, &o->spec.nofile);
	case 'N':
		return network_arg(arg, &o->spec);
	case 'R':
		o->report = arg;
		return 0;
	case 'P':
		o->print_config = true;
		return 0;
	case 'i':
		o->id = arg;
		return 0;
	}
	usage(stderr);
	return -1;
}

int nook_cmd_job(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_ARG("rootfs", 'r'),
	    CLI_ARG("disk", 'D'),
	    CLI_ARG("upper", 'U'),
	    CLI_ARG("bind", 'B'),
	    CLI_ARG("tmpfs", 'T'),
	    CLI_ARG("workdir", 'w'),
	    CLI_ARG("env", 'e'),
	    CLI_ARG("user", 'u'),
	    CLI_ARG("timeout", 't'),
	    CLI_ARG("memory", 'm'),
	    CLI_ARG("pids", 'p'),
	    CLI_ARG("cpus", 'c'),
	    CLI_ARG("nofile", 'n'),
	    CLI_ARG("network", 'N'),
	    CLI_ARG("report", 'R'),
	    CLI_FLAG("print-config", 'P'),
	    CLI_ARG("id", 'i'),
	    CLI_FLAG("help", 'h'),
	    {0},
	};
	static struct job_args a;
	struct nook_error err;
	int c;

	a.o.state_root = g->root;
	a.o.spec.binds = a.binds;
	a.o.spec.tmpfs = a.tmpfs;
	a.o.spec.env = a.env;
	while ((c = cli_getopt("job", argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || c == ':' || flag(&a, c, optarg) < 0)
			return NOOK_JOB_EXIT_ERROR;
	}
	if (optind >= argc) {
		cli_error("job: no COMMAND given (nook job [options] -- COMMAND [ARG...])");
		return NOOK_JOB_EXIT_ERROR;
	}
	a.o.spec.args = argv + optind;
	a.o.spec.n_args = (size_t)(argc - optind);
	int code = nook_job_run(&a.o, &err);
	if (code < 0) {
		nook_error_prefix(&err, "job");
		nook_log_error(&err);
		return NOOK_JOB_EXIT_ERROR;
	}
	return code;
}
