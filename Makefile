# nook: an OCI container runtime.  `make`, `make check`, `make install`.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC      ?= cc
PKGS    := yajl libseccomp libcap libcgroup libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -Wno-format-truncation
ALL_CFLAGS := -std=gnu17 $(WARN) -D_GNU_SOURCE -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS)

# Every .c under src/ is part of the runtime; src/main.c is the program.
LIB_SRC := $(sort $(shell find src -name '*.c' ! -path src/main.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(sort $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]')

.PHONY: all unit-tests check check-unit check-asan check-integration check-clients check-peer check-vm check-distro man install uninstall \
	format format-check bench example clean fuzz fuzz-build

all: $(BUILD)/nook

$(BUILD)/nook: $(BUILD)/src/main.o $(BUILD)/libnook.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libnook.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPERS) $(BUILD)/libnook.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(UNIT_HELPERS) $(BUILD)/libnook.a $(LDFLAGS) \
		$(LDLIBS) $(shell pkg-config --libs cmocka)

unit-tests: $(UNIT_BIN)

# The libFuzzer harness of the config parser (tests/fuzz/): clang with
# ASan and UBSan, over the parser sources only (no syscall in them).
# `make fuzz` runs it FUZZ_SECONDS; the long run: make fuzz FUZZ_SECONDS=3600.
# New inputs collect in build-fuzz/corpus, a crash in build-fuzz/crash-*.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BIN     := build-fuzz/fuzz-config
FUZZ_SRC     := tests/fuzz/fuzz_config.c $(filter-out src/spec/default.c src/spec/job_config.c,$(sort $(wildcard src/spec/*.c))) \
	src/linux/rootfs/mount_options.c src/util/error.c
FUZZ_CFLAGS  := -std=gnu17 $(filter-out -Wno-format-truncation,$(WARN)) -D_GNU_SOURCE -Iinclude -Isrc \
	$(shell pkg-config --cflags yajl) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard include/nook/*.h src/spec/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRC) $(shell pkg-config --libs yajl)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	FUZZ_BIN=$(abspath $(FUZZ_BIN)) FUZZ_SECONDS=$(FUZZ_SECONDS) SUITES=fuzz bash tests/run-all.sh

# Everything (unit, ASan/UBSan unit, FUZZ_SECONDS of fuzzing the config
# parser, integration, and integration inside a cgroup v2 VM), ending in one
# line "N passed, N failed".
check: all unit-tests fuzz-build
	$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit-tests
	NOOK=$(abspath $(BUILD)/nook) UNIT_DIRS="$(BUILD)/tests build-asan/tests" \
		FUZZ_BIN=$(abspath $(FUZZ_BIN)) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run-all.sh

check-unit: unit-tests
	NOOK=$(abspath $(BUILD)/nook) UNIT_DIRS="$(BUILD)/tests" SUITES=unit bash tests/run-all.sh

check-integration: all
	NOOK=$(abspath $(BUILD)/nook) SUITES=integration bash tests/run-all.sh $(TESTS)

# podman and containerd driving build/nook (tests/clients/)
check-clients: all
	NOOK=$(abspath $(BUILD)/nook) SUITES=clients bash tests/run-all.sh $(TESTS)

# crun's integration suite against build/nook, judged by tests/peer/crun-expected.txt
# (PEER_SUITE: its folder, default ../shared/peer-suites/crun; absent: a SKIP line).
check-peer: all
	NOOK=$(abspath $(BUILD)/nook) SUITES=peer bash tests/run-all.sh $(TESTS)

# The integration tests inside a VM on a pure cgroup v2 kernel (tests/vm/).
check-vm: all
	NOOK=$(abspath $(BUILD)/nook) SUITES=vm bash tests/run-all.sh $(TESTS)

# podman, containerd and nook on a stock Debian 12 with systemd and AppArmor,
# in a VM (tests/distro/; TESTS: guest test files, e.g. test_podman.sh).
check-distro: all
	NOOK=$(abspath $(BUILD)/nook) SUITES=distro bash tests/run-all.sh $(TESTS)

# The man page, built from docs/nook.8.md by go-md2man (Debian's go-md2man,
# as runc and crun build theirs). Not part of `all`: only `install` and
# `make man` need go-md2man.
GO_MD2MAN ?= go-md2man
MAN_PAGE  := $(BUILD)/nook.8

man: $(MAN_PAGE)

$(MAN_PAGE): docs/nook.8.md
	@command -v $(GO_MD2MAN) >/dev/null 2>&1 || { \
		echo "make: $(GO_MD2MAN) not found: the man page $@ is built from $< by it;" \
			"install it (Debian, Ubuntu: apt-get install go-md2man;" \
			"Fedora: dnf install golang-github-cpuguy83-md2man) or set GO_MD2MAN=PATH" >&2; \
		exit 1; }
	@mkdir -p $(dir $@)
	$(GO_MD2MAN) -in $< -out $@

# What a distribution's package holds: the program, its man page, its bash
# completion (docs/completion/nook.bash) and the docs the man page names.
COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions

# The man page first: without go-md2man, install stops before it compiles.
install: $(MAN_PAGE) all
	install -D -m 0755 $(BUILD)/nook $(DESTDIR)$(PREFIX)/sbin/nook
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man8/nook.8
	install -D -m 0644 docs/completion/nook.bash $(DESTDIR)$(COMPLETION_DIR)/nook
	install -D -m 0644 docs/orchestrators.md $(DESTDIR)$(PREFIX)/share/doc/nook/orchestrators.md
	install -D -m 0644 docs/design.md $(DESTDIR)$(PREFIX)/share/doc/nook/design.md

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/nook
	rm -f $(DESTDIR)$(PREFIX)/share/man/man8/nook.8
	rm -f $(DESTDIR)$(COMPLETION_DIR)/nook
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/nook

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

bench: all
	bash bench/run-vs-runc.sh
	bash bench/job-vs-run.sh

example: all
	bash tests/lib/make-example-bundle.sh example
	cd example && ../$(BUILD)/nook run nook-example

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
