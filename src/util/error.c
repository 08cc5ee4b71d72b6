#include "nook/error.h"

#include <stdio.h>
#include <string.h>

int nook_vfail(struct nook_error *err, int errnum, const char *fmt, va_list ap)
{
	if (err == NULL)
		return -1;
	err->errnum = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int nook_fail(struct nook_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nook_vfail(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int nook_error_prefix(struct nook_error *err, const char *fmt, ...)
{
	char joined[NOOK_ERROR_MSG_MAX];
	va_list ap;
	int n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(joined))
		snprintf(joined + n, sizeof(joined) - (size_t)n, ": %s", err->msg);
	memcpy(err->msg, joined, sizeof(err->msg));
	return -1;
}

const char *nook_error_text(const struct nook_error *err, char *buf, size_t size)
{
	if (err->errnum != 0)
		snprintf(buf, size, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, size, "%s", err->msg);
	return buf;
}

void nook_error_clear(struct nook_error *err)
{
	err->errnum = 0;
	err->msg[0] = '\0';
}
