/* Diagnostics. Text goes to stderr ("nook: warning: ...") unless a log file
 * is set; the json format writes one object per line with level, msg and
 * time, as runc does for containerd and podman to read back.
 *
 * The processes nook forks into a container (the init, the child of `nook
 * exec`) write nothing themselves: their messages travel to the runtime (the
 * relay, see nook_sync_route_log) and leave by the runtime's route, in its
 * format, as if they were its own. */
#ifndef NOOK_LOG_H
#define NOOK_LOG_H

#include <stdbool.h>

#include "nook/error.h"

enum nook_log_level { NOOK_LOG_DEBUG, NOOK_LOG_INFO, NOOK_LOG_WARN, NOOK_LOG_ERROR };
enum nook_log_format { NOOK_LOG_TEXT, NOOK_LOG_JSON };

/* path NULL: stderr. Returns -1 if the file cannot be opened. */
int nook_log_open(const char *path, enum nook_log_format format, bool debug,
                  struct nook_error *err);
void nook_log_close(void);

/* The longest message; longer ones are cut. */
#define NOOK_LOG_MSG_MAX 4096

void nook_log(enum nook_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define nook_debug(...) nook_log(NOOK_LOG_DEBUG, __VA_ARGS__)
#define nook_info(...)  nook_log(NOOK_LOG_INFO, __VA_ARGS__)
#define nook_warn(...)  nook_log(NOOK_LOG_WARN, __VA_ARGS__)

/* Report an error as the final word of a command (level error). */
void nook_log_error(const struct nook_error *err);

/* From now on this process hands every message (its level already checked
 * against --debug) to relay(fd, ...) instead of writing it, and closes its
 * log file. relay returns -1 when nobody listens any more: a message is then
 * dropped, but an error still goes to this process's stderr. */
typedef int (*nook_log_relay_fn)(int fd, enum nook_log_level level, const char *msg);
void nook_log_relay_to(nook_log_relay_fn relay, int fd);

/* Write a message a child relayed, by this process's route. */
void nook_log_relayed(enum nook_log_level level, const char *msg);

#endif
