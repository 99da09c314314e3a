# SPDX-License-Identifier: GPL-2.0-only
#
# zonehost: outsourcing a Linux guest's memory management to its host.
#
#   make            host programs into build/bin/
#   make deps       install the Debian packages needed (root; no-op when present)
#   make guest      guest kernel and initramfs into build/guest/ (incremental)
#   make check      fast host unit tests (no VM)
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS (default 60)
#   make test       deps, build, unit tests and end-to-end tests in QEMU
#   make demo       deps, build, and the narrated demo
#   make bench      deps, build, benchmarks against today's baselines
#   make soak       SOAK_MINUTES (default 30) of resizes on a debug guest
#   make deb        the Debian package zonehost_VERSION_amd64.deb in build/deb/
#   make export-patches  the series as linux-mm would receive it, in build/patches/
#   make check-series    build the kernel after every patch (about an hour)
#   make check-reproducible  build the guest twice, compare (about 30 minutes)
#   make clean      remove host build output; `make distclean` removes build/
#
# Everything generated lives under build/.

BUILD    := $(CURDIR)/build
BIN      := $(BUILD)/bin
KSRC     := $(BUILD)/linux-src

# Host C code: C11, warnings are errors. Unit tests link the same sources
# built a second time with AddressSanitizer and UndefinedBehaviorSanitizer.
CC        ?= cc
CFLAGS    ?= -O2 -g
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wformat=2 -Wvla
HOST_CPPFLAGS := -D_GNU_SOURCE -Ivmrpc/include/uapi -Ivmrpc/host -Imm-host \
		 -Imm-host/common -Ihostfs/host
HOST_CFLAGS   := -std=c11 $(WARNINGS) -pthread -MMD -MP
SAN_CFLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer \
		 -fno-sanitize-recover=all
HOST_LDLIBS   := -pthread

LIBVMRPC_SRCS := $(wildcard vmrpc/host/*.c)
LIB_OBJS      := $(LIBVMRPC_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_SAN_OBJS  := $(LIBVMRPC_SRCS:%.c=$(BUILD)/obj-san/%.o)
# What the host tools share (mm-host/common/): the runtime directory and
# its checks, VM names and paths, the size grammar, resize state names.
COMMON_SRCS   := $(wildcard mm-host/common/*.c)
COMMON_OBJS   := $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o)
COMMON_SAN_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/obj-san/%.o)
# hostfs/host/: the host side of hostfs, compiled into zhostd.
ZHOSTD_SRCS   := $(wildcard mm-host/*.c hostfs/host/*.c)
ZHOSTD_OBJS   := $(ZHOSTD_SRCS:%.c=$(BUILD)/obj/%.o)
# zhostd's code without its main(), for the unit tests.
ZHOSTD_SAN_OBJS := $(filter-out %/main.o,$(ZHOSTD_SRCS:%.c=$(BUILD)/obj-san/%.o))
JANSSON_LIBS  := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
UNIT_SRCS     := $(wildcard tests/unit/test-*.c)
UNIT_PROGS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

HOST_PROGS := $(BIN)/zhost-run $(BIN)/zhostd

# balloon-ctl, the command-line client of zhostd (balloon-ctl/, jansson).
# Its unit test drives a sanitized build of the program against a fake zhostd.
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
BCTL_SRCS      := $(wildcard balloon-ctl/*.c)
BCTL_OBJS      := $(BCTL_SRCS:%.c=$(BUILD)/obj/%.o)
BCTL_SAN_OBJS  := $(BCTL_SRCS:%.c=$(BUILD)/obj-san/%.o)
HOST_PROGS     += $(BIN)/balloon-ctl

# libFuzzer harnesses (tests/fuzz/fuzz-*.c), built only where clang is
# installed (`make deps` installs it); tests/unit/test-fuzz.sh runs each
# briefly over its corpus (tests/fuzz/corpus/NAME/), `make fuzz` for long.
# Each links the code it fuzzes built a third time, by clang with
# coverage for libFuzzer: zhostd without main(), vmrpc and common; the
# fuzz-bctl-* ones balloon-ctl instead, its main() renamed bctl_main().
CLANG       ?= $(shell command -v clang 2>/dev/null || command -v clang-14 2>/dev/null)
FUZZ_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_PROGS  := $(if $(CLANG),$(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%))
FUZZ_ZHOSTD_OBJS := $(filter-out %/main.o,$(ZHOSTD_SRCS:%.c=$(BUILD)/obj-fuzz/%.o)) \
		    $(LIBVMRPC_SRCS:%.c=$(BUILD)/obj-fuzz/%.o) \
		    $(COMMON_SRCS:%.c=$(BUILD)/obj-fuzz/%.o)
FUZZ_BCTL_OBJS := $(BCTL_SRCS:%.c=$(BUILD)/obj-fuzz/%.o) \
		  $(COMMON_SRCS:%.c=$(BUILD)/obj-fuzz/%.o)

.PHONY: all
all: $(HOST_PROGS) $(UNIT_PROGS) $(FUZZ_PROGS)

$(BIN)/zhost-run: mm-host/zhost-run | $(BIN)
	install -m 0755 $< $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj-san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

$(BIN)/zhostd: $(ZHOSTD_OBJS) $(LIB_OBJS) $(COMMON_OBJS) | $(BIN)
	$(CC) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

# zhostd built with ASan and UBSan, for the e2e tests that attack it from
# the guest (tests/e2e/test-hostile-guest.sh runs it as ZHOST_ZHOSTD).
ZHOSTD_SAN := $(BUILD)/tests/zhostd-san
all: $(ZHOSTD_SAN)
$(ZHOSTD_SAN): $(ZHOSTD_SAN_OBJS) $(BUILD)/obj-san/mm-host/main.o \
		$(LIB_SAN_OBJS) $(COMMON_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

# Each unit test links the sanitized library, zhostd and common objects.
$(BUILD)/tests/test-%: $(BUILD)/obj-san/tests/unit/test-%.o $(LIB_SAN_OBJS) \
		$(ZHOSTD_SAN_OBJS) $(COMMON_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

$(BUILD)/obj-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

# balloon-ctl's main() becomes a function the harness calls (which
# declares it).
$(BUILD)/obj-fuzz/balloon-ctl/main.o: HOST_CPPFLAGS += -Dmain=bctl_main
$(BUILD)/obj-fuzz/balloon-ctl/main.o: HOST_CFLAGS += -Wno-missing-prototypes

# With libFuzzer's main(); every harness links all of them.
$(BUILD)/fuzz/fuzz-%: $(BUILD)/obj-fuzz/tests/fuzz/fuzz-%.o $(FUZZ_ZHOSTD_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

$(BUILD)/fuzz/fuzz-bctl-%: $(BUILD)/obj-fuzz/tests/fuzz/fuzz-bctl-%.o $(FUZZ_BCTL_OBJS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

# The tests of balloon-ctl against a fake zhostd (tests/unit/fake-zhostd.h).
BCTL_TESTS := test-balloon-ctl test-balloon-ctl-wss test-balloon-ctl-dirs \
	      test-balloon-ctl-pins test-balloon-ctl-paging
BCTL_TEST_PROGS := $(BCTL_TESTS:%=$(BUILD)/tests/%)

$(BCTL_OBJS) $(BCTL_SAN_OBJS) $(BCTL_TESTS:%=$(BUILD)/obj-san/tests/unit/%.o) \
$(FUZZ_BCTL_OBJS): HOST_CPPFLAGS += $(JANSSON_CFLAGS)

$(BIN)/balloon-ctl: $(BCTL_OBJS) $(COMMON_OBJS) | $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

$(BUILD)/tests/balloon-ctl-san: $(BCTL_SAN_OBJS) $(COMMON_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

# They link neither vmrpc nor zhostd: this explicit rule overrides test-%.
$(BCTL_TEST_PROGS): $(BUILD)/tests/%: $(BUILD)/obj-san/tests/unit/%.o \
		$(BUILD)/tests/balloon-ctl-san
	$(CC) $(SAN_CFLAGS) -o $@ $< $(HOST_LDLIBS) $(JANSSON_LIBS)

# Host programs of the benchmarks (tests/bench/*.c).
BENCH_SRCS  := $(wildcard tests/bench/*.c)
BENCH_PROGS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
all: $(BENCH_PROGS)

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(HOST_LDLIBS) $(JANSSON_LIBS)

$(BIN):
	mkdir -p $@

-include $(shell find $(BUILD)/obj $(BUILD)/obj-san $(BUILD)/obj-fuzz -name '*.d' 2>/dev/null)

# --- dependencies -----------------------------------------------------------

.PHONY: deps
deps:
	@scripts/deps.sh

# --- guest kernel and initramfs ---------------------------------------------

.PHONY: guest guest-source guest-kernel guest-tests guest-initramfs guest-clean
guest: guest-kernel guest-initramfs
	@scripts/guest-versions.sh

guest-source:
	@scripts/kernel-source.sh

guest-kernel: guest-source
	@scripts/build-kernel.sh

guest-tests: guest-source
	@$(MAKE) -s -C tests/kselftest KSFT_DIR=$(KSRC)/tools/testing/selftests \
		O=$(BUILD)/guest-tests

guest-initramfs: guest-tests
	@scripts/mkinitramfs.sh

# The complete series for linux-mm (git format-patch, cover letter) in
# build/patches/; and every patch of it built in turn, then the whole
# series with CONFIG_ZONE_HOST=n (about an hour; not part of `make test`).
.PHONY: export-patches check-series
export-patches: deps
	@scripts/export-patches.sh

check-series: export-patches
	@scripts/check-series.sh

# The guest built twice from one snapshot of its inputs in two object trees,
# bzImage and initramfs compared byte for byte (two kernel builds, about
# 30 minutes; not part of `make test`).
.PHONY: check-reproducible
check-reproducible: guest-source
	@scripts/check-reproducible.sh

# The soak's debug guest kernel: configs/guest-debug.config (lockdep,
# DEBUG_VM, KASAN, DEBUG_LIST, DEBUG_ATOMIC_SLEEP) on top of the ordinary
# configuration, in its own object tree, into build/guest-debug/ (longer
# than the ordinary guest from scratch, incremental after; not part of
# `make guest`: Documentation/design/build.rst).
.PHONY: guest-debug
guest-debug: guest-source
	@scripts/build-debug-kernel.sh

# Forget the kernel tree (keeps host programs); the next `make guest`
# extracts and builds from scratch.
guest-clean:
	rm -rf $(BUILD)/linux-src $(BUILD)/linux-obj $(BUILD)/linux-config $(BUILD)/guest $(BUILD)/guest-tests \
		$(BUILD)/linux-obj-debug $(BUILD)/guest-debug

# --- tests and demo ---------------------------------------------------------

.PHONY: check test demo bench fuzz
check: all
	@tests/run --unit

# Each libFuzzer harness for FUZZ_SECONDS (scripts/fuzz.sh), one after the
# other; inputs found and crashes in build/fuzz-runs/, a summary at the end.
FUZZ_SECONDS ?= 60
fuzz: all
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

test: deps
	@$(MAKE) -s all guest
	@tests/run

demo: deps
	@$(MAKE) -s all guest
	@scripts/demo.sh

# Benchmarks: each compares zonehost with today's baseline in one run and
# writes its results to build/bench/*.md (Documentation/benchmarks.md
# keeps the recorded ones).
bench: deps
	@$(MAKE) -s all guest
	@tests/bench/run

# The soak (scripts/soak.sh, tests/e2e/test-soak.sh) for SOAK_MINUTES on
# the debug guest; results in build/soak/<time>/. `make test` runs its
# 3-minute version on the ordinary guest.
.PHONY: soak
SOAK_MINUTES ?= 30
soak: deps
	@$(MAKE) -s all guest-initramfs guest-debug
	@SOAK_MINUTES=$(SOAK_MINUTES) scripts/soak.sh

# --- the Debian package -----------------------------------------------------

# The host programs built afresh with Debian's flags, the libvirt hook, the
# systemd unit, man pages and the admin guide (scripts/mkdeb.sh; the guest
# stays a build product: Documentation/admin-guide/packaging.rst).
.PHONY: deb
deb:
	@scripts/mkdeb.sh

# --- cleaning ---------------------------------------------------------------

.PHONY: clean distclean
clean:
	rm -rf $(BIN) $(BUILD)/tests $(BUILD)/fuzz $(BUILD)/test-logs

distclean:
	rm -rf $(BUILD)
