/* nook run [--bundle DIR] [--pid-file FILE] [--no-pivot] ID
 * create + start + wait + delete, in the foreground; the exit code is the
 * workload's (128+N for a signal), 1 if nook itself fails. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "nook/cli.h"
#include "nook/container.h"
#include "nook/log.h"

static void run_usage(FILE *out)
{
	fprintf(out, "usage: nook run [--bundle DIR] [--pid-file FILE] [--no-pivot] ID\n\n"
	             "Create and run a container from the bundle, in the foreground, and remove\n"
	             "it when its process exits. The exit code is the process's own (128+N when\n"
	             "killed by signal N). SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2\n"
	             "are forwarded to it.\n\n"
	             "  -b, --bundle DIR    the bundle: config.json and the root filesystem "
	             "(default .)\n"
	             "      --pid-file FILE write the container process's host pid to FILE\n"
	             "      --no-pivot      chroot instead of pivot_root (for a ramfs root)\n");
}

int nook_cmd_run(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, 'p'},
	    {"no-pivot", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct nook_create_opts o = {.root = g->root, .bundle = "."};
	struct nook_container c;
	struct nook_error err;
	sigset_t forwarded;
	int ch, code;

	while ((ch = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'p':
			o.pid_file = optarg;
			break;
		case 'P':
			o.no_pivot = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "nook: run: expected one container ID (see nook run --help)\n");
		return 1;
	}
	o.id = argv[optind];

	/* Held from here on so that none is lost before the container exists;
	 * the init unblocks them for itself. */
	nook_forwarded_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, NULL);

	nook_container_init(&c);
	if (nook_container_create(&o, &c, &err) < 0) {
		nook_log_error(&err);
		return 1;
	}
	if (nook_container_start(&c, &err) < 0) {
		nook_log_error(&err);
		nook_container_destroy(&c, &err);
		return 1;
	}
	code = nook_container_wait(&c, &err);
	if (code < 0)
		nook_log_error(&err);
	if (nook_container_destroy(&c, &err) < 0) {
		nook_log_error(&err);
		return code < 0 ? 1 : code;
	}
	return code < 0 ? 1 : code;
}
