/* Typed getters with path tracking: see json.h. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the path ---- */

static size_t path_append(struct jctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t path_append(struct jctx *c, const char *fmt, ...)
{
	size_t mark = c->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->len, sizeof(c->path) - c->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	c->len += (size_t)n;
	if (c->len >= sizeof(c->path)) /* cut short: still one readable line */
		c->len = sizeof(c->path) - 1;
	return mark;
}

size_t j_push_key(struct jctx *c, const char *key)
{
	return path_append(c, "%s%s", c->len > 0 ? "." : "", key);
}

size_t j_push_index(struct jctx *c, size_t i)
{
	return path_append(c, "[%zu]", i);
}

size_t j_push_mapkey(struct jctx *c, const char *key)
{
	char q[80];

	return path_append(c, "[%s]", j_quote(key, q, sizeof(q)));
}

void j_pop(struct jctx *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = '\0';
}

/* ---- errors ---- */

int j_error(struct jctx *c, const char *fmt, ...)
{
	char msg[NOOK_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->len == 0)
		return nook_fail(c->err, 0, "%s: %s", c->file, msg);
	return nook_fail(c->err, 0, "%s: %s: %s", c->file, c->path, msg);
}

int j_expected(struct jctx *c, const char *what, yajl_val got)
{
	char d[120];

	return j_error(c, "expected %s, got %s", what, j_describe(got, d, sizeof(d)));
}

int j_missing(struct jctx *c, const char *key)
{
	size_t mark = j_push_key(c, key);
	int rc = j_error(c, "required field is missing");

	j_pop(c, mark);
	return rc;
}

int j_nomem(struct jctx *c)
{
	return nook_fail(c->err, ENOMEM, "%s: %s", c->file, c->len ? c->path : "reading");
}

/* s escaped and cut short, between `quote` characters (none if '\0'). */
static const char *sanitize(const char *s, char quote, char *buf, size_t size)
{
	static const size_t max_chars = 60;
	size_t o = 0, i;

	if (size < 16)
		return "...";
	if (quote)
		buf[o++] = quote;
	for (i = 0; s[i] != '\0' && i < max_chars && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	if (s[i] != '\0')
		o += (size_t)snprintf(buf + o, size - o, "...");
	if (quote)
		buf[o++] = quote;
	buf[o] = '\0';
	return buf;
}

const char *j_quote(const char *s, char *buf, size_t size)
{
	return sanitize(s, '"', buf, size);
}

const char *j_describe(yajl_val v, char *buf, size_t size)
{
	char q[100];

	if (v == NULL || YAJL_IS_NULL(v))
		snprintf(buf, size, "null");
	else if (YAJL_IS_STRING(v))
		snprintf(buf, size, "string %s", j_quote(v->u.string, q, sizeof(q)));
	else if (YAJL_IS_NUMBER(v))
		snprintf(buf, size, "%s", sanitize(v->u.number.r, '\0', q, sizeof(q)));
	else if (YAJL_IS_OBJECT(v))
		snprintf(buf, size, "object");
	else if (YAJL_IS_ARRAY(v))
		snprintf(buf, size, "array");
	else if (YAJL_IS_TRUE(v))
		snprintf(buf, size, "true");
	else
		snprintf(buf, size, "false");
	return buf;
}

/* ---- lookups ---- */

int j_get(struct jctx *c, yajl_val obj, const char *key, yajl_val *out)
{
	size_t i, n = obj->u.object.len;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(obj->u.object.keys[i], key) != 0)
			continue;
		if (*out != NULL) {
			size_t mark = j_push_key(c, key);

			j_error(c, "key given twice");
			j_pop(c, mark);
			return -1;
		}
		*out = obj->u.object.values[i];
	}
	if (*out != NULL && YAJL_IS_NULL(*out))
		*out = NULL;
	return 0;
}

void *j_calloc(struct jctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		j_nomem(c);
	return p;
}

char *j_strdup(struct jctx *c, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		j_nomem(c);
	return p;
}

int j_is_object(struct jctx *c, yajl_val v)
{
	if (!YAJL_IS_OBJECT(v))
		return j_expected(c, "object", v);
	return 0;
}

enum jtype { J_ANY, J_STRING, J_BOOL, J_ARRAY, J_OBJECT };

static bool has_type(yajl_val v, enum jtype type)
{
	switch (type) {
	case J_STRING:
		return YAJL_IS_STRING(v);
	case J_BOOL:
		return YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v);
	case J_ARRAY:
		return YAJL_IS_ARRAY(v);
	case J_OBJECT:
		return YAJL_IS_OBJECT(v);
	default:
		return true;
	}
}

/* Find key: 1 with its value in *v and the key pushed on the path (the
 * caller pops with *mark); 0 when not given; -1 when a required key is
 * missing or the value is not of `type`. */
static int field(struct jctx *c, yajl_val obj, const char *key, bool required, enum jtype type,
                 yajl_val *v, size_t *mark)
{
	static const char *const what[] = {[J_STRING] = "string",
	                                   [J_BOOL] = "boolean",
	                                   [J_ARRAY] = "array",
	                                   [J_OBJECT] = "object"};

	if (j_get(c, obj, key, v) < 0)
		return -1;
	if (*v == NULL)
		return required ? j_missing(c, key) : 0;
	*mark = j_push_key(c, key);
	return has_type(*v, type) ? 1 : j_expected(c, what[type], *v);
}

/* ---- scalars ---- */

int j_str(struct jctx *c, yajl_val obj, const char *key, bool required, char **out)
{
	yajl_val v;
	size_t mark;
	int rc = field(c, obj, key, required, J_STRING, &v, &mark);

	if (rc <= 0)
		return rc;
	*out = j_strdup(c, v->u.string);
	if (*out == NULL)
		return -1;
	j_pop(c, mark);
	return 0;
}

int j_bool(struct jctx *c, yajl_val obj, const char *key, bool *out, bool *has)
{
	yajl_val v;
	size_t mark;
	int rc = field(c, obj, key, false, J_BOOL, &v, &mark);

	if (rc > 0) {
		*out = YAJL_IS_TRUE(v);
		if (has != NULL)
			*has = true;
		j_pop(c, mark);
	}
	return rc < 0 ? -1 : 0;
}

/* An integer read exactly from the text of the number: yajl turns what does
 * not fit an int64 into a double, which would lose RLIM_INFINITY. */
struct jint {
	bool neg;
	uint64_t mag;
};

static int integer(struct jctx *c, yajl_val v, const char *type, int64_t min, uint64_t max,
                   struct jint *out)
{
	char what[96];
	const char *r;
	char *end;

	if (min < 0)
		snprintf(what, sizeof(what), "%s (%" PRId64 "..%" PRIu64 ")", type, min, max);
	else
		snprintf(what, sizeof(what), "%s (0..%" PRIu64 ")", type, max);
	if (!YAJL_IS_NUMBER(v))
		return j_expected(c, "integer", v);
	r = v->u.number.r;
	if (strpbrk(r, ".eE") != NULL)
		return j_expected(c, "integer", v);
	out->neg = r[0] == '-';
	errno = 0;
	out->mag = strtoull(out->neg ? r + 1 : r, &end, 10);
	if (errno != 0 || *end != '\0' || end == r)
		return j_expected(c, what, v);
	if (out->mag == 0)
		out->neg = false;
	if (out->neg && (min >= 0 || out->mag - 1 > (uint64_t)(-(min + 1))))
		return j_expected(c, what, v);
	if (!out->neg && out->mag > max)
		return j_expected(c, what, v);
	return 0;
}

static int int_field(struct jctx *c, yajl_val obj, const char *key, bool required, const char *type,
                     int64_t min, uint64_t max, struct jint *out, bool *found)
{
	yajl_val v;
	size_t mark;
	int rc;

	*found = false;
	rc = field(c, obj, key, required, J_ANY, &v, &mark);
	if (rc <= 0)
		return rc;
	if (integer(c, v, type, min, max, out) < 0)
		return -1;
	j_pop(c, mark);
	*found = true;
	return 0;
}

static int64_t to_signed(struct jint n)
{
	if (!n.neg)
		return (int64_t)n.mag;
	return -(int64_t)(n.mag - 1) - 1;
}

#define DEFINE_UINT_GETTER(name, T, TNAME, MAX)                                                    \
	int name(struct jctx *c, yajl_val obj, const char *key, bool required, T *out, bool *has)  \
	{                                                                                          \
		struct jint n;                                                                     \
		bool found;                                                                        \
                                                                                                   \
		if (int_field(c, obj, key, required, TNAME, 0, MAX, &n, &found) < 0)               \
			return -1;                                                                 \
		if (found) {                                                                       \
			*out = (T)n.mag;                                                           \
			if (has != NULL)                                                           \
				*has = true;                                                       \
		}                                                                                  \
		return 0;                                                                          \
	}

#define DEFINE_INT_GETTER(name, T, TNAME, MIN, MAX)                                                \
	int name(struct jctx *c, yajl_val obj, const char *key, bool required, T *out, bool *has)  \
	{                                                                                          \
		struct jint n;                                                                     \
		bool found;                                                                        \
                                                                                                   \
		if (int_field(c, obj, key, required, TNAME, MIN, MAX, &n, &found) < 0)             \
			return -1;                                                                 \
		if (found) {                                                                       \
			*out = (T)to_signed(n);                                                    \
			if (has != NULL)                                                           \
				*has = true;                                                       \
		}                                                                                  \
		return 0;                                                                          \
	}

DEFINE_UINT_GETTER(j_u16, uint16_t, "uint16", UINT16_MAX)
DEFINE_UINT_GETTER(j_u32, uint32_t, "uint32", UINT32_MAX)
DEFINE_UINT_GETTER(j_u64, uint64_t, "uint64", UINT64_MAX)
DEFINE_INT_GETTER(j_i32, int32_t, "int32", INT32_MIN, INT32_MAX)
DEFINE_INT_GETTER(j_i64, int64_t, "int64", INT64_MIN, INT64_MAX)

static void join_names(const struct nook_names *names, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < names->n && o < size; i++) {
		int n = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", names->v[i].name);

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

int j_check_enum(struct jctx *c, yajl_val v, const struct nook_names *names)
{
	char list[1024], q[100];

	if (!YAJL_IS_STRING(v))
		return j_expected(c, "string", v);
	if (nook_name_find(names, v->u.string) != NULL)
		return 0;
	join_names(names, list, sizeof(list));
	return j_error(c, "expected one of %s, got %s", list, j_quote(v->u.string, q, sizeof(q)));
}

int j_enum(struct jctx *c, yajl_val obj, const char *key, bool required,
           const struct nook_names *names, char **out)
{
	yajl_val v;
	size_t mark;
	int rc = field(c, obj, key, required, J_ANY, &v, &mark);

	if (rc <= 0)
		return rc;
	if (j_check_enum(c, v, names) < 0)
		return -1;
	*out = j_strdup(c, v->u.string);
	if (*out == NULL)
		return -1;
	j_pop(c, mark);
	return 0;
}

/* ---- containers ---- */

int j_strv(struct jctx *c, yajl_val obj, const char *key, const struct nook_names *names,
           struct nook_strv *out)
{
	yajl_val v;
	size_t mark, i, n;
	int rc = field(c, obj, key, false, J_ARRAY, &v, &mark);

	if (rc <= 0)
		return rc;
	n = v->u.array.len;
	out->v = j_calloc(c, n + 1, sizeof(char *)); /* NULL-terminated, for execve */
	if (out->v == NULL)
		return -1;
	out->n = n;
	for (i = 0; i < n; i++) {
		yajl_val e = v->u.array.values[i];
		size_t m = j_push_index(c, i);

		if (names != NULL ? j_check_enum(c, e, names) < 0
		                  : !YAJL_IS_STRING(e) && j_expected(c, "string", e) < 0)
			return -1;
		out->v[i] = j_strdup(c, e->u.string);
		if (out->v[i] == NULL)
			return -1;
		j_pop(c, m);
	}
	j_pop(c, mark);
	return 0;
}

int j_u32v(struct jctx *c, yajl_val obj, const char *key, uint32_t **out, size_t *n)
{
	yajl_val v;
	size_t mark, i;
	struct jint x;
	int rc = field(c, obj, key, false, J_ARRAY, &v, &mark);

	if (rc <= 0)
		return rc;
	*out = j_calloc(c, v->u.array.len, sizeof(**out));
	if (*out == NULL)
		return -1;
	*n = v->u.array.len;
	for (i = 0; i < v->u.array.len; i++) {
		size_t m = j_push_index(c, i);

		if (integer(c, v->u.array.values[i], "uint32", 0, UINT32_MAX, &x) < 0)
			return -1;
		(*out)[i] = (uint32_t)x.mag;
		j_pop(c, m);
	}
	j_pop(c, mark);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* yajl keeps both copies of a repeated key; refuse them in O(n log n). */
static int keys_unique(struct jctx *c, yajl_val obj)
{
	size_t i, n = obj->u.object.len;
	const char **sorted;

	if (n < 2)
		return 0;
	sorted = j_calloc(c, n, sizeof(*sorted));
	if (sorted == NULL)
		return -1;
	memcpy(sorted, obj->u.object.keys, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (i = 1; i < n && strcmp(sorted[i - 1], sorted[i]) != 0; i++)
		;
	if (i < n) {
		size_t mark = j_push_mapkey(c, sorted[i]);

		free(sorted);
		j_error(c, "key given twice");
		j_pop(c, mark);
		return -1;
	}
	free(sorted);
	return 0;
}

int j_map(struct jctx *c, yajl_val obj, const char *key, struct nook_map *out)
{
	yajl_val v;
	size_t mark, i, n;
	int rc = field(c, obj, key, false, J_OBJECT, &v, &mark);

	if (rc <= 0)
		return rc;
	if (keys_unique(c, v) < 0)
		return -1;
	n = v->u.object.len;
	out->v = j_calloc(c, n, sizeof(*out->v));
	if (out->v == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val e = v->u.object.values[i];
		size_t m = j_push_mapkey(c, k);

		if (k[0] == '\0')
			return j_error(c, "empty key");
		if (!YAJL_IS_STRING(e))
			return j_expected(c, "string", e);
		out->v[i].key = j_strdup(c, k);
		out->n = i + 1;
		if (out->v[i].key == NULL)
			return -1;
		out->v[i].value = j_strdup(c, e->u.string);
		if (out->v[i].value == NULL)
			return -1;
		j_pop(c, m);
	}
	j_pop(c, mark);
	return 0;
}

int j_obj(struct jctx *c, yajl_val obj, const char *key, bool required, j_fn fn, void *out,
          bool *present)
{
	yajl_val v;
	size_t mark;
	int rc = field(c, obj, key, required, J_OBJECT, &v, &mark);

	if (rc <= 0)
		return rc;
	if (present != NULL)
		*present = true;
	if (fn(c, v, out) < 0)
		return -1;
	j_pop(c, mark);
	return 0;
}

/* fn over each object of the array (type J_ARRAY) or object (J_OBJECT,
 * c->key naming the member) at `key`, into a calloc'd array of `size`-byte
 * elements. */
static int elements(struct jctx *c, yajl_val obj, const char *key, enum jtype type, size_t size,
                    void *out_array, size_t *n, j_fn fn)
{
	yajl_val v;
	size_t mark;
	int rc = field(c, obj, key, false, type, &v, &mark);
	bool map = type == J_OBJECT;
	const char **keys;
	yajl_val *values;
	size_t len;
	char *arr;

	if (rc <= 0)
		return rc;
	if (map && keys_unique(c, v) < 0)
		return -1;
	keys = map ? v->u.object.keys : NULL;
	values = map ? v->u.object.values : v->u.array.values;
	len = map ? v->u.object.len : v->u.array.len;
	arr = j_calloc(c, len, size);
	if (arr == NULL)
		return -1;
	memcpy(out_array, &arr, sizeof(arr)); /* out_array is a `T **` */
	*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t m = map ? j_push_mapkey(c, keys[i]) : j_push_index(c, i);

		if (map)
			c->key = keys[i];
		if (j_is_object(c, values[i]) < 0 || fn(c, values[i], arr + i * size) < 0)
			return -1;
		j_pop(c, m);
	}
	j_pop(c, mark);
	return 0;
}

int j_arr(struct jctx *c, yajl_val obj, const char *key, size_t size, void *out_array, size_t *n,
          j_fn fn)
{
	return elements(c, obj, key, J_ARRAY, size, out_array, n, fn);
}

int j_objmap(struct jctx *c, yajl_val obj, const char *key, size_t size, void *out_array, size_t *n,
             j_fn fn)
{
	return elements(c, obj, key, J_OBJECT, size, out_array, n, fn);
}
