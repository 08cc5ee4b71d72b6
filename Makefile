# nook: an OCI container runtime.  `make`, `make check`, `make install`.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC      ?= cc
PKGS    := yajl libseccomp libcap libcgroup
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -Wno-format-truncation
ALL_CFLAGS := -std=gnu17 $(WARN) -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS)

# Every .c under src/ is part of the runtime; src/main.c is the program.
LIB_SRC := $(sort $(shell find src -name '*.c' ! -path src/main.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELPERS := $(sort $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]')

.PHONY: all unit-tests check check-unit check-asan check-integration check-clients check-peer check-vm install uninstall \
	format format-check bench example clean

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

# Everything (unit, ASan/UBSan unit, integration, and integration inside a
# cgroup v2 VM), ending in one line "N passed, N failed".
check: all unit-tests
	$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit-tests
	NOOK=$(abspath $(BUILD)/nook) UNIT_DIRS="$(BUILD)/tests build-asan/tests" \
		bash tests/run-all.sh

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

install: all
	install -D -m 0755 $(BUILD)/nook $(DESTDIR)$(PREFIX)/sbin/nook
	install -D -m 0644 docs/nook.8.md $(DESTDIR)$(PREFIX)/share/doc/nook/nook.8.md

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/nook
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/nook

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

bench: all
	bash bench/run-vs-runc.sh

example: all
	bash tests/lib/make-example-bundle.sh example
	cd example && ../$(BUILD)/nook run nook-example

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
