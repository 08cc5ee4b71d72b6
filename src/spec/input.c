/* Checks on the raw bytes of config.json before yajl sees them. */
#include "input.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "nook/spec.h"

static void position(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static bool blank(const char *json, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (strchr(" \t\r\n", json[i]) == NULL || json[i] == '\0')
			return false;
	return true;
}

/* Skip a comment starting at json[i] ('/'), as yajl_tree_parse allows them;
 * returns the index of its last byte. */
static size_t skip_comment(const char *json, size_t len, size_t i)
{
	if (i + 1 >= len)
		return i;
	if (json[i + 1] == '/') {
		while (i < len && json[i] != '\n')
			i++;
		return i;
	}
	if (json[i + 1] == '*') {
		for (i += 2; i + 1 < len; i++)
			if (json[i] == '*' && json[i + 1] == '/')
				return i + 1;
		return len - 1;
	}
	return i;
}

/* Nesting depth of arrays and objects, outside strings and comments. */
static int check_depth(const char *name, const char *json, size_t len, struct nook_error *err)
{
	bool in_string = false;
	size_t depth = 0, line, col;

	for (size_t i = 0; i < len; i++) {
		char ch = json[i];

		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '/') {
			i = skip_comment(json, len, i);
		} else if (ch == '[' || ch == '{') {
			if (++depth > NOOK_SPEC_MAX_DEPTH) {
				position(json, i, &line, &col);
				return nook_fail(err, 0,
				                 "%s: nested deeper than %d levels at line %zu, "
				                 "column %zu",
				                 name, NOOK_SPEC_MAX_DEPTH, line, col);
			}
		} else if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

int spec_check_input(const char *name, const char *json, size_t len, struct nook_error *err)
{
	const char *nul;
	size_t line, col;

	if (len > NOOK_SPEC_MAX_FILE_SIZE)
		return nook_fail(err, 0, "%s: file is %zu bytes, larger than the %u MiB limit",
		                 name, len, NOOK_SPEC_MAX_FILE_SIZE >> 20);
	if (len == 0 || blank(json, len))
		return nook_fail(err, 0, "%s: empty, expected a JSON object", name);
	nul = memchr(json, '\0', len);
	if (nul != NULL) {
		position(json, (size_t)(nul - json), &line, &col);
		return nook_fail(err, 0, "%s: invalid JSON at line %zu, column %zu: NUL byte", name,
		                 line, col);
	}
	return check_depth(name, json, len, err);
}

/* yajl's short message without its "parse error: " and the final newline. */
static void short_reason(const char *msg, char *buf, size_t size)
{
	const char *colon = strstr(msg, "error: ");
	size_t n;

	if (colon != NULL)
		msg = colon + strlen("error: ");
	snprintf(buf, size, "%s", msg);
	n = strlen(buf);
	while (n > 0 && strchr("\n. ", buf[n - 1]) != NULL)
		buf[--n] = '\0';
}

/* yajl_tree_parse only gives a multi-line message without a position; run
 * the parser again without a tree to learn where it stopped. */
int spec_syntax_error(const char *name, const char *text, size_t len, struct nook_error *err)
{
	const unsigned char *u = (const unsigned char *)text;
	char reason[256] = "syntax error";
	size_t off = len, line, col;
	yajl_handle h;
	yajl_status st;

	h = yajl_alloc(NULL, NULL, NULL);
	if (h == NULL)
		return nook_fail(err, ENOMEM, "%s: parsing", name);
	yajl_config(h, yajl_allow_comments, 1);
	st = yajl_parse(h, u, len);
	if (st != yajl_status_ok) {
		off = yajl_get_bytes_consumed(h);
		off = off > 0 ? off - 1 : 0;
	} else {
		st = yajl_complete_parse(h);
	}
	if (st != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(h, 0, u, len);

		if (msg != NULL)
			short_reason((const char *)msg, reason, sizeof(reason));
		yajl_free_error(h, msg);
	}
	yajl_free(h);
	position(text, off, &line, &col);
	return nook_fail(err, 0, "%s: invalid JSON at line %zu, column %zu: %s", name, line, col,
	                 reason);
}
