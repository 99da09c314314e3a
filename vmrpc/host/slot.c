// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading and writing VMRPC call slots in shared memory.
 *
 * This file is the boundary of the trust model: it is the only code that
 * reads what the guest wrote into a slot, and it is the fuzz target
 * (tests/fuzz/fuzz-slot.c). It touches nothing but the slot it is given
 * and the private buffers of the caller.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "slot.h"

_Static_assert(sizeof(struct vmrpc_slot) == VMRPC_SLOT_HDR_SIZE,
	       "slot header size is ABI");

uint32_t vmrpc_slot_capacity(uint32_t slot_size)
{
	return slot_size < VMRPC_SLOT_HDR_SIZE ?
		0 : slot_size - VMRPC_SLOT_HDR_SIZE;
}

/* Whether the slot pointer and size can be used at all. */
static int slot_usable(const volatile void *slot, uint32_t slot_size)
{
	return slot_size >= VMRPC_SLOT_HDR_SIZE &&
		((uintptr_t)slot & (sizeof(uint64_t) - 1)) == 0;
}

/*
 * Copy the header once: the state with acquire ordering (it pairs with the
 * writer's barrier before it stored the state), then every other field
 * through volatile reads, so the compiler cannot re-read shared memory later.
 * Returns the OR of the reserved words, which must be zero.
 */
static uint64_t slot_read_header(const volatile struct vmrpc_slot *s,
				 struct vmrpc_call *out)
{
	uint64_t reserved = 0;
	unsigned int i;

	out->state = le32toh(__atomic_load_n(&s->state, __ATOMIC_ACQUIRE));
	out->flags = le32toh(s->flags);
	out->seq = le64toh(s->seq);
	out->module = le16toh(s->module);
	out->proc = le16toh(s->proc);
	out->status = le32toh(s->status);
	out->req_len = le32toh(s->req_len);
	out->resp_len = le32toh(s->resp_len);
	for (i = 0; i < sizeof(s->reserved) / sizeof(s->reserved[0]); i++)
		reserved |= s->reserved[i];
	return reserved;
}

/*
 * Copy payload bytes out of shared memory. The bytes are read once, into
 * private memory; whatever the guest changes afterwards is not seen.
 */
static void slot_copy_out(void *dst, const volatile void *slot, uint32_t len)
{
	if (len)
		memcpy(dst, (const char *)slot + VMRPC_SLOT_HDR_SIZE, len);
}

static void slot_copy_in(volatile void *slot, const void *src, uint32_t len)
{
	if (len)
		memcpy((char *)slot + VMRPC_SLOT_HDR_SIZE, src, len);
}

uint32_t vmrpc_slot_take(const volatile void *slot, uint32_t slot_size,
			 uint64_t *last_seq, struct vmrpc_call *out,
			 void *req_copy)
{
	uint32_t cap = vmrpc_slot_capacity(slot_size);
	uint64_t reserved;

	memset(out, 0, sizeof(*out));
	if (!slot_usable(slot, slot_size))
		return VMRPC_EINVAL;

	reserved = slot_read_header(slot, out);
	if (out->state != VMRPC_SLOT_POSTED)
		return VMRPC_ESTATE;
	if (out->seq <= *last_seq)
		return VMRPC_ESEQ;
	/* From here on the call gets an answer, so its number is used up. */
	*last_seq = out->seq;
	if (out->flags || reserved)
		return VMRPC_EINVAL;
	if (out->module >= VMRPC_NR_MODULES)
		return VMRPC_ENOMOD;
	if (out->req_len > cap || out->resp_len > cap)
		return VMRPC_E2BIG;

	slot_copy_out(req_copy, slot, out->req_len);
	return VMRPC_OK;
}

void vmrpc_slot_reply(volatile void *slot, uint32_t slot_size, uint64_t seq,
		      uint32_t status, const void *resp, uint32_t resp_len)
{
	volatile struct vmrpc_slot *s = slot;

	if (!slot_usable(slot, slot_size))
		return;
	if (resp_len > vmrpc_slot_capacity(slot_size)) {
		status = VMRPC_ERANGE;
		resp_len = 0;
	}
	slot_copy_in(slot, resp, resp_len);
	s->resp_len = htole32(resp_len);
	s->status = htole32(status);
	s->seq = htole64(seq);
	vmrpc_slot_set_state(slot, VMRPC_SLOT_DONE);
}

void vmrpc_slot_set_state(volatile void *slot, uint32_t state)
{
	volatile struct vmrpc_slot *s = slot;

	__atomic_store_n(&s->state, htole32(state), __ATOMIC_RELEASE);
}

int vmrpc_slot_post(volatile void *slot, uint32_t slot_size, uint64_t seq,
		    uint16_t module, uint16_t proc, const void *req,
		    uint32_t req_len, uint32_t resp_max)
{
	volatile struct vmrpc_slot *s = slot;
	uint32_t cap = vmrpc_slot_capacity(slot_size);
	unsigned int i;

	if (!slot_usable(slot, slot_size) || req_len > cap || resp_max > cap)
		return -EINVAL;
	slot_copy_in(slot, req, req_len);
	s->flags = 0;
	s->seq = htole64(seq);
	s->module = htole16(module);
	s->proc = htole16(proc);
	s->status = 0;
	s->req_len = htole32(req_len);
	s->resp_len = htole32(resp_max);
	for (i = 0; i < sizeof(s->reserved) / sizeof(s->reserved[0]); i++)
		s->reserved[i] = 0;
	vmrpc_slot_set_state(slot, VMRPC_SLOT_POSTED);
	return 0;
}

int vmrpc_slot_collect(const volatile void *slot, uint32_t slot_size,
		       uint64_t seq, uint32_t resp_max, struct vmrpc_call *out,
		       void *resp_copy)
{
	uint32_t cap = vmrpc_slot_capacity(slot_size);

	memset(out, 0, sizeof(*out));
	if (!slot_usable(slot, slot_size))
		return -EPROTO;
	if (resp_max > cap)
		resp_max = cap;

	slot_read_header(slot, out);
	if (out->state == VMRPC_SLOT_POSTED || out->state == VMRPC_SLOT_TAKEN)
		return -EAGAIN;
	if (out->state != VMRPC_SLOT_DONE || out->seq != seq ||
	    out->resp_len > resp_max || out->status >= VMRPC_NR_ERRORS)
		return -EPROTO;

	if (resp_copy)
		slot_copy_out(resp_copy, slot, out->resp_len);
	return 0;
}
