// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the slot parser (vmrpc/host/slot.c): the code that
 * reads what a hostile guest wrote. Built with
 * -fsanitize=fuzzer,address,undefined by `make` where clang is installed;
 * tests/unit/test-fuzz-slot.sh runs it briefly.
 *
 * Input: byte 0 picks the slot size and alignment, bytes 1-8 the last
 * sequence number served on the slot, bytes 9-16 the sequence number a
 * reverse call expects, byte 17 the response size allowed; the rest is the
 * slot image (zero-padded). Each slot is allocated at exactly its size, so
 * ASan sees any access past it; the checks below trap on a result that
 * breaks the parser's promises.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slot.h"

#define FUZZ_HDR	18

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t fuzz_sizes[] = {
	0, 32, 63, VMRPC_SLOT_HDR_SIZE, VMRPC_SLOT_HDR_SIZE + 1,
	VMRPC_SLOT_HDR_SIZE + 8, 512, VMRPC_SLOT_SIZE_MIN,
};

#define check(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/* The parser side: take, then reverse-call collect, on the same image. */
static void fuzz_parse(const uint8_t *slot, uint32_t slot_size,
		       uint64_t last_seq, uint64_t want_seq, uint32_t resp_max)
{
	uint32_t cap = vmrpc_slot_capacity(slot_size);
	uint8_t *copy = malloc(cap ? cap : 1);
	uint64_t last = last_seq;
	struct vmrpc_call c;
	uint32_t st;
	int ret;

	if (!copy)
		return;
	st = vmrpc_slot_take(slot, slot_size, &last, &c, copy);
	check(st < VMRPC_NR_ERRORS);
	if (st == VMRPC_OK) {
		check(c.state == VMRPC_SLOT_POSTED && !c.flags);
		check(c.seq > last_seq && last == c.seq);
		check(c.module < VMRPC_NR_MODULES);
		check(c.req_len <= cap && c.resp_len <= cap);
		check(!memcmp(copy, slot + VMRPC_SLOT_HDR_SIZE, c.req_len));
	} else if (st == VMRPC_ESTATE || st == VMRPC_ESEQ) {
		check(last == last_seq);
	}

	ret = vmrpc_slot_collect(slot, slot_size, want_seq, resp_max, &c, copy);
	check(ret == 0 || ret == -EAGAIN || ret == -EPROTO);
	if (!ret) {
		check(c.state == VMRPC_SLOT_DONE && c.seq == want_seq);
		check(c.resp_len <= resp_max && c.resp_len <= cap);
		check(c.status < VMRPC_NR_ERRORS);
	}
	free(copy);
}

/* The writer side: whatever lengths come in, nothing lands outside. */
static void fuzz_write(uint8_t *slot, uint32_t slot_size, uint64_t seq,
		       uint32_t len)
{
	uint32_t cap = vmrpc_slot_capacity(slot_size);
	uint8_t *buf = calloc(1, (size_t)cap + 1);

	if (!buf)
		return;
	vmrpc_slot_reply(slot, slot_size, seq, VMRPC_OK, buf,
			 len <= cap + 1 ? len : cap + 1);
	if (slot_size >= VMRPC_SLOT_HDR_SIZE && !((uintptr_t)slot & 7))
		check(le32toh(((struct vmrpc_slot *)slot)->resp_len) <= cap);
	check(vmrpc_slot_post(slot, slot_size, seq, 1, 2, buf,
			      len <= cap + 1 ? len : cap + 1, cap) == 0 ||
	      len > cap || slot_size < VMRPC_SLOT_HDR_SIZE ||
	      ((uintptr_t)slot & 7));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t slot_size, resp_max, cap;
	uint64_t last_seq, want_seq;
	size_t misalign;
	uint8_t *mem, *slot;

	if (size < FUZZ_HDR)
		return 0;
	slot_size = fuzz_sizes[data[0] % 8];
	misalign = data[0] & 8 ? 4 : 0;
	last_seq = load_le64(data + 1);
	want_seq = load_le64(data + 9);
	cap = vmrpc_slot_capacity(slot_size);
	resp_max = cap ? data[17] * (cap / 255 + 1) % (cap + 1) : 0;
	data += FUZZ_HDR;
	size -= FUZZ_HDR;

	/* Exactly the slot (after the misalignment): ASan guards both ends. */
	mem = malloc(misalign + slot_size ? misalign + slot_size : 1);
	if (!mem)
		return 0;
	slot = mem + misalign;
	memset(slot, 0, slot_size);
	memcpy(slot, data, size < slot_size ? size : slot_size);

	fuzz_parse(slot, slot_size, last_seq, want_seq, resp_max);
	fuzz_write(slot, slot_size, want_seq, (uint32_t)size);
	free(mem);
	return 0;
}
