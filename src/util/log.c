#include "nook/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDERR_FILENO;
static enum nook_log_format log_format = NOOK_LOG_TEXT;
static bool log_debug;
static nook_log_relay_fn log_relay;
static int log_relay_fd = -1;

int nook_log_open(const char *path, enum nook_log_format format, bool debug, struct nook_error *err)
{
	log_format = format;
	log_debug = debug;
	if (path == NULL || path[0] == '\0')
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return nook_fail(err, errno, "open log file %s", path);
	log_fd = fd;
	return 0;
}

void nook_log_relay_to(nook_log_relay_fn relay, int fd)
{
	nook_log_close();
	log_relay = relay;
	log_relay_fd = fd;
}

void nook_log_close(void)
{
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = STDERR_FILENO;
}

static const char *level_name(enum nook_log_level level)
{
	switch (level) {
	case NOOK_LOG_DEBUG:
		return "debug";
	case NOOK_LOG_INFO:
		return "info";
	case NOOK_LOG_WARN:
		return "warning";
	case NOOK_LOG_ERROR:
		return "error";
	}
	return "error";
}

/* JSON string escaping for the message field. */
static size_t json_escape(char *out, size_t size, const char *in)
{
	size_t n = 0;

	for (; *in != '\0' && n + 7 < size; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20) {
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return n;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		len -= (size_t)w;
	}
}

static void log_line(enum nook_log_level level, const char *msg)
{
	char line[8192];
	int len;

	if (log_relay != NULL) {
		if (log_relay(log_relay_fd, level, msg) == 0 || level != NOOK_LOG_ERROR)
			return;
		/* The runtime is gone: an error still gets told. */
		len = snprintf(line, sizeof(line), "nook: %s\n", msg);
		if (len > 0)
			write_all(STDERR_FILENO, line,
			          (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
		return;
	}
	if (log_format == NOOK_LOG_JSON) {
		char escaped[6144];
		char stamp[64];
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		json_escape(escaped, sizeof(escaped), msg);
		len = snprintf(line, sizeof(line),
		               "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s.%09ldZ\"}\n",
		               level_name(level), escaped, stamp, ts.tv_nsec);
	} else if (level == NOOK_LOG_ERROR) {
		len = snprintf(line, sizeof(line), "nook: %s\n", msg);
	} else {
		len = snprintf(line, sizeof(line), "nook: %s: %s\n", level_name(level), msg);
	}
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = sizeof(line) - 1;
	write_all(log_fd, line, (size_t)len);
	/* An error always reaches the person at the terminal too. */
	if (level == NOOK_LOG_ERROR && log_fd != STDERR_FILENO) {
		len = snprintf(line, sizeof(line), "nook: %s\n", msg);
		if (len > 0)
			write_all(STDERR_FILENO, line, (size_t)len);
	}
}

void nook_log(enum nook_log_level level, const char *fmt, ...)
{
	char msg[NOOK_LOG_MSG_MAX];
	va_list ap;
	int saved = errno;

	if (level == NOOK_LOG_DEBUG && !log_debug) {
		errno = saved;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(level, msg);
	errno = saved;
}

void nook_log_relayed(enum nook_log_level level, const char *msg)
{
	int saved = errno;

	if (level == NOOK_LOG_DEBUG && !log_debug) {
		errno = saved;
		return;
	}
	log_line(level, msg);
	errno = saved;
}

void nook_log_error(const struct nook_error *err)
{
	char text[NOOK_ERROR_MSG_MAX + 256];

	log_line(NOOK_LOG_ERROR, nook_error_text(err, text, sizeof(text)));
}
