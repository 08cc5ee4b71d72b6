/* Diagnostics. Text goes to stderr ("nook: warning: ...") unless a log file
 * is set; the json format writes one object per line with level, msg and
 * time, as runc does for containerd and podman to read back. */
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

void nook_log(enum nook_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define nook_debug(...) nook_log(NOOK_LOG_DEBUG, __VA_ARGS__)
#define nook_info(...)  nook_log(NOOK_LOG_INFO, __VA_ARGS__)
#define nook_warn(...)  nook_log(NOOK_LOG_WARN, __VA_ARGS__)

/* Report an error as the final word of a command (level error). */
void nook_log_error(const struct nook_error *err);

#endif
