# SPDX-License-Identifier: GPL-2.0-only
#
# zonehost: outsourcing a Linux guest's memory management to its host.
#
#   make            host programs into build/bin/
#   make deps       install the Debian packages needed (root; no-op when present)
#   make guest      guest kernel and initramfs into build/guest/ (incremental)
#   make check      fast host unit tests (no VM)
#   make test       deps, build, unit tests and end-to-end tests in QEMU
#   make demo       deps, build, and the narrated demo
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
HOST_CPPFLAGS := -D_GNU_SOURCE -Ivmrpc/include/uapi -Ivmrpc/host -Imm-host
HOST_CFLAGS   := -std=c11 $(WARNINGS) -pthread -MMD -MP
SAN_CFLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer \
		 -fno-sanitize-recover=all
HOST_LDLIBS   := -pthread

LIBVMRPC_SRCS := $(wildcard vmrpc/host/*.c)
LIB_OBJS      := $(LIBVMRPC_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_SAN_OBJS  := $(LIBVMRPC_SRCS:%.c=$(BUILD)/obj-san/%.o)
UNIT_SRCS     := $(wildcard tests/unit/test-*.c)
UNIT_PROGS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

HOST_PROGS := $(BIN)/zhost-run

.PHONY: all
all: $(HOST_PROGS) $(UNIT_PROGS)

$(BIN)/zhost-run: scripts/zhost-run | $(BIN)
	install -m 0755 $< $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj-san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(CFLAGS) $(SAN_CFLAGS) -c -o $@ $<

# Each unit test links the sanitized library objects.
$(BUILD)/tests/test-%: $(BUILD)/obj-san/tests/unit/test-%.o $(LIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(BIN):
	mkdir -p $@

-include $(shell find $(BUILD)/obj $(BUILD)/obj-san -name '*.d' 2>/dev/null)

# --- dependencies -----------------------------------------------------------

.PHONY: deps
deps:
	@scripts/deps.sh

# --- guest kernel and initramfs ---------------------------------------------

.PHONY: guest guest-source guest-kernel guest-tests guest-initramfs guest-clean
guest: guest-kernel guest-initramfs

guest-source:
	@scripts/kernel-source.sh

guest-kernel: guest-source
	@scripts/build-kernel.sh

guest-tests: guest-source
	@$(MAKE) -s -C tests/kselftest KSFT_DIR=$(KSRC)/tools/testing/selftests \
		O=$(BUILD)/guest-tests

guest-initramfs: guest-tests
	@scripts/mkinitramfs.sh

# Forget the kernel tree (keeps host programs); the next `make guest`
# extracts and builds from scratch.
guest-clean:
	rm -rf $(BUILD)/linux-src $(BUILD)/linux-obj $(BUILD)/guest $(BUILD)/guest-tests

# --- tests and demo ---------------------------------------------------------

.PHONY: check test demo
check: all
	@tests/run --unit

test: deps
	@$(MAKE) -s all guest
	@tests/run

demo: deps
	@$(MAKE) -s all guest
	@scripts/demo.sh

# --- cleaning ---------------------------------------------------------------

.PHONY: clean distclean
clean:
	rm -rf $(BIN) $(BUILD)/tests $(BUILD)/test-logs

distclean:
	rm -rf $(BUILD)
