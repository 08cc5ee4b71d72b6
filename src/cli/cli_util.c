#include "cli_util.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
	    CLI_ARG("bundle", 'b'),         CLI_ARG("pid-file", 'p'),
	    CLI_ARG("console-socket", 'c'), CLI_ARG("preserve-fds", 'F'),
	    CLI_FLAG("no-pivot", 'P'),      CLI_FLAG("no-new-keyring", 'K'),
	    CLI_FLAG("detach", 'd'),        CLI_FLAG("keep", 'k'),
	    CLI_FLAG("help", 'h'),          {0},
	};
	bool run = strcmp(command, "run") == 0;
	int ch;

	*done = false;
	memset(out, 0, sizeof(*out));
	out->opts.root = g->root;
	out->opts.bundle = ".";
	out->opts.systemd_cgroup = g->systemd_cgroup;
	out->opts.rootless = g->rootless;
	while ((ch = cli_getopt(command, argc, argv, run ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
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
		cli_error("%s: missing the container ID (see nook %s --help)", command, command);
		return NULL;
	}
	if (optind + 1 != argc) {
		cli_error("%s: expected one container ID, got %d arguments", command,
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

int cli_error(const char *fmt, ...)
{
	char msg[NOOK_LOG_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nook_log(NOOK_LOG_ERROR, "%s", msg);
	return 1;
}

static char bad_option[512];

const char *cli_bad_option(void)
{
	return bad_option;
}

int cli_getopt_quiet(const char *command, int argc, char **argv, const char *shortopts,
                     const struct option *longopts, int *idx)
{
	char spec[128];
	bool plus = shortopts[0] == '+';
	int ch;

	/* ':' first (after a '+'): a missing value returns ':', not '?' */
	snprintf(spec, sizeof(spec), "%s:%s", plus ? "+" : "", shortopts + plus);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, longopts, idx);
	if (ch != '?' && ch != ':')
		return ch;
	/* a long flag as typed (without any =VALUE), a short one as -c */
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char flag[256];
	if (strncmp(arg, "--", 2) == 0 && (optopt == 0 || ch == ':'))
		snprintf(flag, sizeof(flag), "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(flag, sizeof(flag), "-%c", optopt);
	snprintf(bad_option, sizeof(bad_option), "%s%s%s \"%s\" (see nook %s%s--help)",
	         command != NULL ? command : "", command != NULL ? ": " : "",
	         ch == ':' ? "missing the value of" : "unknown option", flag,
	         command != NULL ? command : "", command != NULL ? " " : "");
	return ch;
}

int cli_getopt(const char *command, int argc, char **argv, const char *shortopts,
               const struct option *longopts, int *idx)
{
	int ch = cli_getopt_quiet(command, argc, argv, shortopts, longopts, idx);

	if (ch == '?' || ch == ':')
		cli_error("%s", bad_option);
	return ch;
}
