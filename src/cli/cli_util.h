/* Pieces shared by the command files of src/cli/. */
#ifndef NOOK_CLI_UTIL_H
#define NOOK_CLI_UTIL_H

#include <stdbool.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "nook/container.h"

/* One entry of a command's getopt_long table: a flag with a value, a flag
 * without one (the short letter, or a number above 255, as `val`). */
#define CLI_ARG(name, val)                                                                         \
	{                                                                                          \
		name, required_argument, NULL, val                                                 \
	}
#define CLI_FLAG(name, val)                                                                        \
	{                                                                                          \
		name, no_argument, NULL, val                                                       \
	}

/* getopt_long for `command`'s flags (NULL: the global ones), its own
 * diagnostics off: an unknown flag or one without its value returns '?' or
 * ':' with the message in cli_bad_option() ("kill: unknown option
 * \"--x\""), which cli_getopt logs and cli_getopt_quiet leaves to the
 * caller (the global flags come before the log is open). */
int cli_getopt(const char *command, int argc, char **argv, const char *shortopts,
               const struct option *longopts, int *idx);
int cli_getopt_quiet(const char *command, int argc, char **argv, const char *shortopts,
                     const struct option *longopts, int *idx);
const char *cli_bad_option(void);

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

/* A numeric flag's value: the whole string a decimal integer in [min, max]
 * (nook_parse_integer: no junk, no overflow, no sign unless min < 0). On
 * failure it reports "nook: COMMAND: FLAG: expected an integer from MIN to
 * MAX, got "S"" and returns -1. */
int cli_integer(const char *command, const char *flag, const char *s, int64_t min, int64_t max,
                int64_t *out);

/* --preserve-fds N: fds 3 .. 3+N-1, so N up to INT_MAX - 3 (create, run, exec). */
int cli_preserve_fds(const char *command, const char *s, int *out);

/* "KILL", "SIGKILL", "9", "RTMIN+2" -> the number; -1 if unknown. */
int cli_signal_number(const char *name);

/* The one ID after the options: prints an error and returns NULL if there
 * is not exactly one. */
const char *cli_one_id(const char *command, int argc, char **argv);

/* A usage error, through the logger (stderr, and the --log file when one is
 * given, in its format): "nook: MESSAGE". Returns 1, the exit code. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report an error as the command's last word; returns the exit code 1. */
int cli_fail(const struct nook_error *err);

#endif
