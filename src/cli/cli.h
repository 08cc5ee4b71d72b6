/* The command line: runc's global flags, then a command and its flags. */
#ifndef NOOK_CLI_H
#define NOOK_CLI_H

#include <stdbool.h>

#include "nook/version.h"

struct nook_globals {
	const char *root; /* --root: state directory */
	const char *log;  /* --log FILE */
	bool log_json;    /* --log-format json */
	bool debug;
	bool systemd_cgroup; /* --systemd-cgroup: create makes a systemd scope */
	bool rootless;       /* --rootless, else as runc decides (nook/userns.h) */
};

struct nook_command {
	const char *name;
	const char *summary;
	int (*main)(const struct nook_globals *g, int argc, char **argv);
};

int nook_cli_main(int argc, char **argv);

int nook_cmd_create(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_job(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_exec(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_events(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_pause(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_resume(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_update(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_delete(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_features(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_kill(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_list(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_ps(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_run(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_spec(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_start(const struct nook_globals *g, int argc, char **argv);
int nook_cmd_state(const struct nook_globals *g, int argc, char **argv);

#endif
