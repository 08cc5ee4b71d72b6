/* libFuzzer harness for the config parser: every input is a config.json.
 *
 * One input goes through what `create` does with the bytes before any
 * syscall: nook_spec_parse(), the support check for each combination of
 * the host's security modules (AppArmor on/off, SELinux on/off: the
 * process.apparmorProfile, process.selinuxLabel and linux.mountLabel
 * branches), each with the namespace paths naming the runtime's own
 * namespaces or not (the host-change policy), the mount-option parser for
 * every mount, and nook_spec_free().
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz`
 * (build-fuzz/fuzz-config); the seeds are tests/fuzz/corpus/, the
 * dictionary tests/fuzz/config.dict. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nook/error.h"
#include "nook/mount_options.h"
#include "nook/spec.h"

/* The message must be a C string whatever the input: err starts as
 * non-NUL bytes, so a message left unterminated makes strlen() run into
 * ASan's redzone. */
static size_t touch(const struct nook_error *err)
{
	return strlen(err->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nook_spec spec;
	struct nook_error err;
	volatile size_t sink = 0;

	memset(&err, 'x', sizeof(err));
	if (nook_spec_parse("config.json", (const char *)data, size, &spec, &err) < 0) {
		sink += touch(&err);
		return 0;
	}
	for (unsigned v = 0; v < 8; v++) {
		struct nook_host_facts host = {.apparmor = v & 1, .selinux = (v & 2) != 0};
		for (size_t t = 0; t < NOOK_NS_COUNT; t++)
			host.joins_runtime_ns[t] = (v & 4) != 0;
		if (nook_spec_check_supported_on(&spec, &host, &err) < 0)
			sink += touch(&err);
	}
	for (size_t i = 0; i < spec.n_mounts; i++) {
		struct nook_mount_options opts;
		if (nook_mount_options_parse(&spec.mounts[i].options, i, &opts, &err) < 0) {
			sink += touch(&err);
			continue;
		}
		sink += opts.data != NULL ? strlen(opts.data) : 0;
		nook_mount_options_free(&opts);
	}
	nook_spec_free(&spec);
	(void)sink;
	return 0;
}
