/* The one error type of nook: a message that carries its context, plus errno.
 *
 * Functions that can fail take a `struct nook_error *err` last and return -1
 * (or NULL) after filling it; callers add the step they were doing with
 * nook_error_prefix() as the error travels up, so the user reads
 * "create: mount /proc (mounts[0]): Permission denied".
 *
 * The struct is plain bytes with no pointers so that the container init can
 * send it to the runtime over the sync socket as it is. */
#ifndef NOOK_ERROR_H
#define NOOK_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define NOOK_ERROR_MSG_MAX 2048

struct nook_error {
	int errnum;                   /* errno of the first cause, 0 if none */
	char msg[NOOK_ERROR_MSG_MAX]; /* context and cause, without strerror */
};

/* Fill `err` with a message and an errno (0 for none). Returns -1 so that a
 * failing function can end with `return nook_fail(err, errno, "...")`. */
int nook_fail(struct nook_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int nook_vfail(struct nook_error *err, int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Put "<context>: " in front of the message already in `err`. Returns -1. */
int nook_error_prefix(struct nook_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The whole message as a user reads it: "msg: strerror(errnum)". */
const char *nook_error_text(const struct nook_error *err, char *buf, size_t size);

void nook_error_clear(struct nook_error *err);

#endif
