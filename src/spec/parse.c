/* nook_spec_load() and nook_spec_parse(): config.json into struct nook_spec.
 *
 * Unknown keys, at any level, are ignored: runc and crun do the same, and it
 * lets a config written for a later 1.x spec run when nook can honour what it
 * knows. The sections of the other platforms (windows, solaris, vm, zos,
 * freebsd) are not ignored: they are checked to be objects, their names kept
 * in spec->platforms, and nook_spec_check_supported() refuses them, because a
 * config meant for another platform must not run half-understood on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#include "input.h"
#include "json.h"
#include "nook/cleanup.h"

static const char *const other_platforms[] = {"windows", "solaris", "vm", "zos", "freebsd"};

static int parse_root(struct jctx *c, yajl_val v, void *out)
{
	struct nook_root *r = out;

	if (j_str(c, v, "path", true, &r->path) < 0 ||
	    j_bool(c, v, "readonly", &r->readonly, NULL) < 0)
		return -1;
	return 0;
}

static int parse_platforms(struct jctx *c, yajl_val doc, struct nook_strv *out)
{
	size_t n = NOOK_ARRAY_SIZE(other_platforms);

	out->v = j_calloc(c, n + 1, sizeof(char *));
	if (out->v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		yajl_val v;
		size_t mark;

		if (j_get(c, doc, other_platforms[i], &v) < 0)
			return -1;
		if (v == NULL)
			continue;
		mark = j_push_key(c, other_platforms[i]);
		if (j_is_object(c, v) < 0)
			return -1;
		j_pop(c, mark);
		out->v[out->n] = j_strdup(c, other_platforms[i]);
		if (out->v[out->n] == NULL)
			return -1;
		out->n++;
	}
	return 0;
}

static int parse_document(struct jctx *c, yajl_val doc, struct nook_spec *s)
{
	if (j_is_object(c, doc) < 0)
		return -1;
	if (spec_parse_version(c, doc, &s->oci_version) < 0 ||
	    j_obj(c, doc, "root", false, parse_root, &s->root, &s->has_root) < 0 ||
	    j_obj(c, doc, "process", false, spec_parse_process, &s->process, &s->has_process) < 0 ||
	    j_str(c, doc, "hostname", false, &s->hostname) < 0 ||
	    j_str(c, doc, "domainname", false, &s->domainname) < 0 ||
	    j_arr(c, doc, "mounts", sizeof(*s->mounts), &s->mounts, &s->n_mounts,
	          spec_parse_mount) < 0 ||
	    j_obj(c, doc, "hooks", false, spec_parse_hooks, &s->hooks, &s->has_hooks) < 0 ||
	    j_map(c, doc, "annotations", &s->annotations) < 0 ||
	    j_obj(c, doc, "linux", false, spec_parse_linux, &s->linux, &s->linux.present) < 0)
		return -1;
	return parse_platforms(c, doc, &s->platforms);
}

int nook_spec_parse(const char *name, const char *json, size_t len, struct nook_spec *spec,
                    struct nook_error *err)
{
	struct jctx c = {.file = name, .err = err};
	autofree char *text = NULL;
	char errbuf[512];
	yajl_val doc;
	int rc;

	memset(spec, 0, sizeof(*spec));
	if (spec_check_input(name, json, len, err) < 0)
		return -1;
	text = malloc(len + 1);
	if (text == NULL)
		return nook_fail(err, ENOMEM, "%s", name);
	memcpy(text, json, len);
	text[len] = '\0';
	doc = yajl_tree_parse(text, errbuf, sizeof(errbuf));
	if (doc == NULL)
		return spec_syntax_error(name, text, len, err);
	rc = parse_document(&c, doc, spec);
	yajl_tree_free(doc);
	if (rc < 0)
		nook_spec_free(spec);
	return rc;
}

static int read_all(const char *path, int fd, size_t size, char *buf, struct nook_error *err)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nook_fail(err, errno, "read %s", path);
		if (n == 0)
			return nook_fail(err, 0, "%s: file shrank while being read", path);
		got += (size_t)n;
	}
	return 0;
}

int nook_spec_load(const char *path, struct nook_spec *spec, struct nook_error *err)
{
	autoclose int fd = -1;
	autofree char *buf = NULL;
	struct stat st;

	memset(spec, 0, sizeof(*spec));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return nook_fail(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return nook_fail(err, errno, "stat %s", path);
	if (S_ISDIR(st.st_mode))
		return nook_fail(err, 0, "%s: is a directory, expected a file", path);
	if (!S_ISREG(st.st_mode))
		return nook_fail(err, 0, "%s: not a regular file", path);
	if ((uintmax_t)st.st_size > NOOK_SPEC_MAX_FILE_SIZE)
		return nook_fail(err, 0, "%s: file is %jd bytes, larger than the %u MiB limit",
		                 path, (intmax_t)st.st_size, NOOK_SPEC_MAX_FILE_SIZE >> 20);
	if (st.st_size == 0)
		return nook_fail(err, 0, "%s: empty, expected a JSON object", path);
	buf = malloc((size_t)st.st_size);
	if (buf == NULL)
		return nook_fail(err, ENOMEM, "%s", path);
	if (read_all(path, fd, (size_t)st.st_size, buf, err) < 0)
		return -1;
	return nook_spec_parse(path, buf, (size_t)st.st_size, spec, err);
}
