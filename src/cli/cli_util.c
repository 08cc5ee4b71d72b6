#include "cli_util.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "nook/log.h"
#include "nook/number.h"

int cli_integer(const char *command, const char *flag, const char *s, int64_t min, int64_t max,
                int64_t *out)
{
	struct nook_error err;

	if (nook_parse_integer(s, min, max, flag, out, &err) == 0)
		return 0;
	nook_error_prefix(&err, "%s", command);
	nook_log_error(&err);
	return -1;
}

int cli_preserve_fds(const char *command, const char *s, int *out)
{
	int64_t n;

	/* A negative N would make the first fd closed 3+N: -1 closed stderr. */
	if (cli_integer(command, "--preserve-fds", s, 0, INT_MAX - 3, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

static void create_usage(FILE *out, const char *command)
{
	bool run = strcmp(command, "run") == 0;

	fprintf(out, "usage: nook %s [options] ID\n\n", command);
	if (run)
		fprintf(out, "Create a container from the bundle and run its process. In the "
		             "foreground\nnook waits for it, forwards signals to it, relays its "
		             "terminal, exits with\nits exit code (128+N for signal N) and removes "
		             "the container.\n\n");
	else
		fprintf(out, "Create a container from the bundle: its process is set up and waits "
		             "for\n`nook start`.\n\n");
	fprintf(out, "  -b, --bundle DIR          the bundle (default: the working directory)\n"
	             "      --pid-file FILE       write the container process's host pid to "
	             "FILE\n"
	             "      --console-socket PATH send the pty master of process.terminal to "
	             "this\n"
	             "                            unix socket\n"
	             "      --preserve-fds N      pass fds 3 .. 3+N-1 on to the container\n"
	             "      --no-pivot            chroot instead of pivot_root (root on ramfs)\n"
	             "      --no-new-keyring      keep nook's session keyring\n");
	if (run)
		fprintf(out, "  -d, --detach              return once started; leave it running\n"
		             "      --keep                do not delete the container after it "
		             "exits\n");
}

int cli_parse_create(const struct nook_globals *g, const char *command, int argc, char **argv,
                     struct cli_create_args *out, bool *done)
{
	static const struct option opts[] = {
	    {"bundle", required_argument, NULL, 'b'},
	    {"pid-file", required_argument, NULL, 'p'},
	    {"console-socket", required_argument, NULL, 'c'},
	    {"preserve-fds", required_argument, NULL, 'F'},
	    {"no-pivot", no_argument, NULL, 'P'},
	    {"no-new-keyring", no_argument, NULL, 'K'},
	    {"detach", no_argument, NULL, 'd'},
	    {"keep", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	bool run = strcmp(command, "run") == 0;
	int ch;

	*done = false;
	memset(out, 0, sizeof(*out));
	out->opts.root = g->root;
	out->opts.bundle = ".";
	while ((ch = getopt_long(argc, argv, run ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			out->opts.bundle = optarg;
			break;
		case 'p':
			out->opts.pid_file = optarg;
			break;
		case 'c':
			out->opts.console_socket = optarg;
			break;
		case 'F':
			if (cli_preserve_fds(command, optarg, &out->opts.preserve_fds) < 0)
				return 1;
			break;
		case 'P':
			out->opts.no_pivot = true;
			break;
		case 'K':
			out->opts.no_new_keyring = true;
			break;
		case 'd':
		case 'k':
			if (!run)
				goto bad;
			if (ch == 'd')
				out->detach = true;
			else
				out->keep = true;
			break;
		case 'h':
			create_usage(stdout, command);
			*done = true;
			return 0;
		default:
		bad:
			create_usage(stderr, command);
			return 1;
		}
	}
	out->opts.id = cli_one_id(command, argc, argv);
	if (out->opts.id == NULL)
		return 1;
	out->opts.relay_terminal = run && !out->detach && out->opts.console_socket == NULL;
	return 0;
}

static const struct {
	const char *name;
	int number;
} signals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

int cli_signal_number(const char *name)
{
	struct nook_error ignored;
	int64_t n = 0;

	if (name[0] >= '0' && name[0] <= '9')
		return nook_parse_integer(name, 1, NSIG - 1, "signal", &n, &ignored) == 0 ? (int)n
		                                                                          : -1;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(name, signals[i].name) == 0)
			return signals[i].number;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		/* RTMIN+N counts up, RTMAX-N down, within the real-time range */
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		const char *off = name + 5;
		if (*off != '\0' && (*off != (min ? '+' : '-') ||
		                     nook_parse_integer(off + 1, 0, SIGRTMAX - SIGRTMIN, "signal",
		                                        &n, &ignored) < 0))
			return -1;
		return min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
	}
	return -1;
}

const char *cli_one_id(const char *command, int argc, char **argv)
{
	if (optind >= argc) {
		fprintf(stderr, "nook: %s: missing the container ID (see nook %s --help)\n",
		        command, command);
		return NULL;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "nook: %s: expected one container ID, got %d arguments\n", command,
		        argc - optind);
		return NULL;
	}
	return argv[optind];
}

int cli_fail(const struct nook_error *err)
{
	nook_log_error(err);
	return 1;
}
