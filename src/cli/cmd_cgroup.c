/* Commands that act through the container's cgroup: pause, resume, events,
 * update. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "nook/cleanup.h"
#include "nook/log.h"
#include "nook/number.h"

static int pause_or_resume(const struct nook_globals *g, bool pause, int argc, char **argv)
{
	const char *name = pause ? "pause" : "resume";
	struct nook_error err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: nook %s ID\n\n%s every process of the container (cgroup freezer).\n",
		       name, pause ? "Freeze" : "Thaw");
		return 0;
	}
	optind = 1;
	const char *id = cli_one_id(name, argc, argv);
	if (id == NULL)
		return 1;
	if (nook_container_pause_by_id(g->root, id, pause, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int nook_cmd_pause(const struct nook_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, true, argc, argv);
}

int nook_cmd_resume(const struct nook_globals *g, int argc, char **argv)
{
	return pause_or_resume(g, false, argc, argv);
}

/* --interval: "5s", "500ms", "1.5m", "2" (seconds) -> milliseconds, from
 * 1 ms to INT_MAX ms (24 days); else an error naming the flag, and -1. */
static int parse_interval(const char *s)
{
	char *end;
	double v, ms = -1;

	if (*s >= '0' && *s <= '9') {
		v = strtod(s, &end);
		if (strcmp(end, "ms") == 0)
			ms = v;
		else if (strcmp(end, "s") == 0 || *end == '\0')
			ms = v * 1000;
		else if (strcmp(end, "m") == 0)
			ms = v * 60000;
	}
	if (ms >= 1 && ms <= INT_MAX) /* false for NaN and infinity too */
		return (int)ms;
	struct nook_error err;
	nook_fail(&err, 0,
	          "events: --interval: expected a duration from 1ms to 24 days like 5s, 500ms or "
	          "1m, got \"%s\"",
	          s);
	nook_log_error(&err);
	return -1;
}

/* One event a line, flushed: a reader sees each as it happens. */
static void print_event(void *ctx, const char *json, size_t len)
{
	(void)ctx;
	printf("%.*s\n", (int)len, json);
	fflush(stdout);
}

int nook_cmd_events(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_FLAG("stats", 's'), CLI_ARG("interval", 'i'), CLI_FLAG("help", 'h'), {0}};
	struct nook_error err;
	bool stats = false;
	int interval = 5000, ch;

	while ((ch = cli_getopt("events", argc, argv, "+h", opts, NULL)) != -1) {
		if (ch == 's') {
			stats = true;
		} else if (ch == 'i') {
			if ((interval = parse_interval(optarg)) < 0)
				return 1;
		} else {
			fprintf(
			    ch == 'h' ? stdout : stderr,
			    "usage: nook events [--stats] [--interval 5s] ID\n\nOne JSON object a "
			    "line: with --stats the cgroup statistics once;\nelse statistics every "
			    "interval and an \"oom\" event for each OOM kill,\nuntil the container "
			    "stops.\n");
			return ch == 'h' ? 0 : 1;
		}
	}
	const char *id = cli_one_id("events", argc, argv);
	if (id == NULL)
		return 1;
	if (nook_container_events_by_id(g->root, id, stats, interval, print_event, NULL, &err) < 0)
		return cli_fail(&err);
	return 0;
}

/* docker-style sizes: "64m", "1G", "1024", "-1" (no limit). */
static int parse_bytes(const char *flag, const char *s, int64_t *out)
{
	struct nook_error err;

	if (nook_parse_size(s, flag, out, &err) == 0)
		return 0;
	nook_error_prefix(&err, "update");
	nook_log_error(&err);
	return -1;
}

static void update_usage(FILE *out)
{
	fprintf(out, "usage: nook update [options] ID\n\nChange the resource limits of a running "
	             "container.\n\n"
	             "  -r, --resources FILE   linux.resources as JSON (- for stdin)\n"
	             "      --memory SIZE, --memory-reservation SIZE, --memory-swap SIZE,\n"
	             "      --kernel-memory SIZE, --kernel-memory-tcp SIZE\n"
	             "      --cpu-shares N, --cpu-quota N, --cpu-period N, --cpu-rt-period N,\n"
	             "      --cpu-rt-runtime N, --cpuset-cpus LIST, --cpuset-mems LIST\n"
	             "      --blkio-weight N, --pids-limit N\n");
}

enum update_flag {
	U_MEMORY = 256,
	U_MEMORY_RESERVATION,
	U_MEMORY_SWAP,
	U_KERNEL_MEMORY,
	U_KERNEL_TCP,
	U_CPU_SHARES,
	U_CPU_QUOTA,
	U_CPU_PERIOD,
	U_CPU_RT_PERIOD,
	U_CPU_RT_RUNTIME,
	U_CPUSET_CPUS,
	U_CPUSET_MEMS,
	U_BLKIO_WEIGHT,
	U_PIDS_LIMIT,
};

static int update_flag(int ch, const char *flag, struct nook_resources *r)
{
	struct nook_memory *m = &r->memory;
	struct nook_cpu *c = &r->cpu;
	int64_t v = 0;

	switch (ch) {
	case U_MEMORY:
		m->present = m->has_limit = true;
		return parse_bytes(flag, optarg, &m->limit);
	case U_MEMORY_RESERVATION:
		m->present = m->has_reservation = true;
		return parse_bytes(flag, optarg, &m->reservation);
	case U_MEMORY_SWAP:
		m->present = m->has_swap = true;
		return parse_bytes(flag, optarg, &m->swap);
	case U_KERNEL_MEMORY:
		m->present = m->has_kernel = true;
		return parse_bytes(flag, optarg, &m->kernel);
	case U_KERNEL_TCP:
		m->present = m->has_kernel_tcp = true;
		return parse_bytes(flag, optarg, &m->kernel_tcp);
	case U_CPUSET_CPUS:
		c->present = true;
		c->cpus = optarg;
		return 0;
	case U_CPUSET_MEMS:
		c->present = true;
		c->mems = optarg;
		return 0;
	}
	/* The ranges of the config's types (config-linux.md "linux.resources"):
	 * unsigned ones from 0; quota, realtimeRuntime and pids -1 for "no limit". */
	static const struct {
		int ch;
		int64_t min, max;
	} ranges[] = {
	    {U_CPU_SHARES, 0, INT64_MAX},      {U_CPU_QUOTA, -1, INT64_MAX},
	    {U_CPU_PERIOD, 0, INT64_MAX},      {U_CPU_RT_PERIOD, 0, INT64_MAX},
	    {U_CPU_RT_RUNTIME, -1, INT64_MAX}, {U_BLKIO_WEIGHT, 0, UINT16_MAX},
	    {U_PIDS_LIMIT, -1, INT64_MAX},
	};
	size_t i = 0;
	while (i < NOOK_ARRAY_SIZE(ranges) && ranges[i].ch != ch)
		i++;
	if (i == NOOK_ARRAY_SIZE(ranges) ||
	    cli_integer("update", flag, optarg, ranges[i].min, ranges[i].max, &v) < 0)
		return -1;
	switch (ch) {
	case U_CPU_SHARES:
		c->present = c->has_shares = true;
		c->shares = (uint64_t)v;
		break;
	case U_CPU_QUOTA:
		c->present = c->has_quota = true;
		c->quota = v;
		break;
	case U_CPU_PERIOD:
		c->present = c->has_period = true;
		c->period = (uint64_t)v;
		break;
	case U_CPU_RT_PERIOD:
		c->present = c->has_realtime_period = true;
		c->realtime_period = (uint64_t)v;
		break;
	case U_CPU_RT_RUNTIME:
		c->present = c->has_realtime_runtime = true;
		c->realtime_runtime = v;
		break;
	case U_BLKIO_WEIGHT:
		r->block_io.present = r->block_io.has_weight = true;
		r->block_io.weight = (uint16_t)v;
		break;
	case U_PIDS_LIMIT:
		r->has_pids_limit = true;
		r->pids_limit = v;
		break;
	}
	return 0;
}

int nook_cmd_update(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_ARG("resources", 'r'),
	    CLI_ARG("memory", U_MEMORY),
	    CLI_ARG("memory-reservation", U_MEMORY_RESERVATION),
	    CLI_ARG("memory-swap", U_MEMORY_SWAP),
	    CLI_ARG("kernel-memory", U_KERNEL_MEMORY),
	    CLI_ARG("kernel-memory-tcp", U_KERNEL_TCP),
	    CLI_ARG("cpu-shares", U_CPU_SHARES),
	    CLI_ARG("cpu-share", U_CPU_SHARES),
	    CLI_ARG("cpu-quota", U_CPU_QUOTA),
	    CLI_ARG("cpu-period", U_CPU_PERIOD),
	    CLI_ARG("cpu-rt-period", U_CPU_RT_PERIOD),
	    CLI_ARG("cpu-rt-runtime", U_CPU_RT_RUNTIME),
	    CLI_ARG("cpuset-cpus", U_CPUSET_CPUS),
	    CLI_ARG("cpuset-mems", U_CPUSET_MEMS),
	    CLI_ARG("blkio-weight", U_BLKIO_WEIGHT),
	    CLI_ARG("pids-limit", U_PIDS_LIMIT),
	    CLI_FLAG("help", 'h'),
	    {0},
	};
	struct nook_resources flags = {0};
	const char *file = NULL;
	struct nook_error err;
	int ch, idx;

	while ((ch = cli_getopt("update", argc, argv, "+r:h", opts, &idx)) != -1) {
		if (ch == 'r') {
			file = optarg;
		} else if (ch >= U_MEMORY) {
			char flag[64];
			snprintf(flag, sizeof(flag), "--%s", opts[idx].name);
			if (update_flag(ch, flag, &flags) < 0)
				return 1;
		} else {
			update_usage(ch == 'h' ? stdout : stderr);
			return ch == 'h' ? 0 : 1;
		}
	}
	const char *id = cli_one_id("update", argc, argv);
	if (id == NULL)
		return 1;
	if (nook_container_update_by_id(g->root, id, file, &flags, &err) < 0)
		return cli_fail(&err);
	return 0;
}
