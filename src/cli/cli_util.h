/* Pieces shared by the command files of src/cli/. */
#ifndef NOOK_CLI_UTIL_H
#define NOOK_CLI_UTIL_H

#include <stdbool.h>
#include <stdio.h>

#include "nook/cli.h"
#include "nook/container.h"

/* Options of create, and of run (which adds --detach and --keep). */
struct cli_create_args {
	struct nook_create_opts opts;
	bool detach;
	bool keep;
};

/* Parse create's or run's flags and the ID. Returns 0, or the exit code to
 * end with (after printing usage or an error); *done is set for --help. */
int cli_parse_create(const struct nook_globals *g, const char *command, int argc, char **argv,
                     struct cli_create_args *out, bool *done);

/* "KILL", "SIGKILL", "9" -> 9; -1 if unknown. */
int cli_signal_number(const char *name);

/* The one ID after the options: prints an error and returns NULL if there
 * is not exactly one. */
const char *cli_one_id(const char *command, int argc, char **argv);

/* Report an error as the command's last word; returns the exit code 1. */
int cli_fail(const struct nook_error *err);

#endif
