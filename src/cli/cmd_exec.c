/* nook exec [options] ID [COMMAND [ARG...]]
 * The exit code is the process's own; 255 when nook itself fails (runc). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "nook/cleanup.h"
#include "nook/exec.h"
#include "nook/log.h"

#define EXEC_FAILED 255

static void exec_usage(FILE *out)
{
	fprintf(out, "usage: nook exec [options] ID [COMMAND [ARG...]]\n\n"
	             "Run a new process in a running container: it joins the container's\n"
	             "namespaces, cgroup, capabilities, seccomp filter and root. nook exits\n"
	             "with its exit code; 255 when nook itself fails.\n\n"
	             "  -p, --process FILE        the process as JSON (config.md \"process\")\n"
	             "  -t, --tty                 give it a terminal\n"
	             "      --console-socket PATH send the terminal's master to this socket\n"
	             "  -d, --detach              return once it runs\n"
	             "      --pid-file FILE       write its host pid to FILE\n"
	             "      --cwd DIR             working directory in the container\n"
	             "  -e, --env KEY=VALUE       add or replace an environment variable\n"
	             "  -u, --user UID[:GID]      run as this user\n"
	             "  -g, --additional-gids GID more groups (repeatable)\n"
	             "  -c, --cap CAP             add a capability (repeatable)\n"
	             "      --no-new-privs        set no_new_privs\n"
	             "      --apparmor PROFILE    run under this AppArmor profile\n"
	             "      --process-label LABEL run with this SELinux label\n"
	             "      --preserve-fds N      pass fds 3 .. 3+N-1 on\n"
	             "      --cgroup [CTRL[,CTRL]:]SUB\n"
	             "                            join the existing sub-cgroup SUB of the\n"
	             "                            container's (in every hierarchy, or in\n"
	             "                            those of CTRL; repeatable with CTRL)\n"
	             "      --ignore-paused       exec into a paused container (the process\n"
	             "                            runs once it is resumed)\n");
}

static int push(char ***v, size_t *n, char *s)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(char *));

	if (grown == NULL)
		return -1;
	grown[(*n)++] = s;
	*v = grown;
	return 0;
}

static int push_gid(struct nook_exec_opts *o, const char *s)
{
	uint32_t *grown;
	int64_t gid;

	/* (gid_t)-1 is no group: setgroups refuses it, setresgid reads "unchanged" */
	if (cli_integer("exec", "--additional-gids", s, 0, UINT32_MAX - 1, &gid) < 0)
		return -1;
	grown = realloc(o->gids, (o->n_gids + 1) * sizeof(uint32_t));
	if (grown == NULL)
		return -1;
	grown[o->n_gids++] = (uint32_t)gid;
	o->gids = grown;
	return 0;
}

enum {
	X_CONSOLE = 256,
	X_PID_FILE,
	X_CWD,
	X_NNP,
	X_PRESERVE,
	X_APPARMOR,
	X_LABEL,
	X_CGROUP,
	X_IGNORE_PAUSED
};

/* Returns -1 to go on, else the exit code. */
static int exec_flag(int ch, struct nook_exec_opts *o)
{
	switch (ch) {
	case 'p':
		o->process_file = optarg;
		return -1;
	case 't':
		o->tty = true;
		return -1;
	case 'd':
		o->detach = true;
		return -1;
	case X_CONSOLE:
		o->console_socket = optarg;
		return -1;
	case X_PID_FILE:
		o->pid_file = optarg;
		return -1;
	case X_CWD:
		o->cwd = optarg;
		return -1;
	case 'e':
		return push(&o->env, &o->n_env, optarg) < 0 ? EXEC_FAILED : -1;
	case 'u':
		o->user = optarg;
		return -1;
	case 'g':
		return push_gid(o, optarg) < 0 ? EXEC_FAILED : -1;
	case 'c':
		return push(&o->caps, &o->n_caps, optarg) < 0 ? EXEC_FAILED : -1;
	case X_NNP:
		o->no_new_privs = true;
		return -1;
	case X_APPARMOR:
		o->apparmor = optarg;
		return -1;
	case X_LABEL:
		o->process_label = optarg;
		return -1;
	case X_PRESERVE:
		return cli_preserve_fds("exec", optarg, &o->preserve_fds) < 0 ? EXEC_FAILED : -1;
	case X_CGROUP:
		return push(&o->cgroups, &o->n_cgroups, optarg) < 0 ? EXEC_FAILED : -1;
	case X_IGNORE_PAUSED:
		o->ignore_paused = true;
		return -1;
	case 'h':
		exec_usage(stdout);
		return 0;
	default:
		exec_usage(stderr);
		return EXEC_FAILED;
	}
}

int nook_cmd_exec(const struct nook_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_ARG("process", 'p'),
	    CLI_FLAG("tty", 't'),
	    CLI_FLAG("detach", 'd'),
	    CLI_ARG("console-socket", X_CONSOLE),
	    CLI_ARG("pid-file", X_PID_FILE),
	    CLI_ARG("cwd", X_CWD),
	    CLI_ARG("env", 'e'),
	    CLI_ARG("user", 'u'),
	    CLI_ARG("additional-gids", 'g'),
	    CLI_ARG("cap", 'c'),
	    CLI_FLAG("no-new-privs", X_NNP),
	    CLI_ARG("preserve-fds", X_PRESERVE),
	    CLI_ARG("apparmor", X_APPARMOR),
	    CLI_ARG("process-label", X_LABEL),
	    CLI_ARG("cgroup", X_CGROUP),
	    CLI_FLAG("ignore-paused", X_IGNORE_PAUSED),
	    CLI_FLAG("help", 'h'),
	    {0},
	};
	struct nook_exec_opts o = {0};
	struct nook_error err;
	int ch, code = -1;

	/* '+': options end at the ID; what follows is the command's own. */
	while (code < 0 &&
	       (ch = cli_getopt("exec", argc, argv, "+p:tde:u:g:c:h", opts, NULL)) != -1)
		code = exec_flag(ch, &o);
	if (code >= 0)
		goto out;
	if (optind >= argc) {
		cli_error("exec: missing the container ID (see nook exec --help)");
		code = EXEC_FAILED;
		goto out;
	}
	o.args = argv + optind + 1;
	o.n_args = (size_t)(argc - optind - 1);
	code = nook_container_exec_by_id(g->root, argv[optind], &o, &err);
	if (code < 0) {
		nook_log_error(&err);
		code = EXEC_FAILED;
	}
out:
	free(o.env);
	free(o.caps);
	free(o.gids);
	free(o.cgroups);
	return code;
}
