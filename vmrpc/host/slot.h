/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One VMRPC call slot in shared memory, seen from the host.
 *
 * The guest can write any slot byte at any time, so every function that
 * reads a slot copies the header once (state first, with acquire ordering),
 * validates the copy and never reads the shared header again for that call.
 * Every function that writes a slot stores its state last, with release
 * ordering, so the other side sees the rest of the slot before the state.
 *
 * @slot always points at the slot header (8-byte aligned) followed by
 * slot_size - VMRPC_SLOT_HDR_SIZE payload bytes; @slot_size is at least
 * VMRPC_SLOT_HDR_SIZE.
 */
#ifndef ZONEHOST_VMRPC_SLOT_H
#define ZONEHOST_VMRPC_SLOT_H

#include <stdint.h>

#include <linux/vmrpc.h>

/**
 * struct vmrpc_call - host-private copy of a slot header, in host byte order
 * @state: VMRPC_SLOT_* as read
 * @flags: as read (must be zero)
 * @seq: sequence number
 * @module: module number
 * @proc: procedure number
 * @status: callee's status (replies only)
 * @req_len: request bytes
 * @resp_len: requests: largest response the caller accepts; replies: bytes
 *	of response
 */
struct vmrpc_call {
	uint32_t state;
	uint32_t flags;
	uint64_t seq;
	uint16_t module;
	uint16_t proc;
	uint32_t status;
	uint32_t req_len;
	uint32_t resp_len;
};

/**
 * vmrpc_slot_capacity() - payload bytes of a slot
 * @slot_size: bytes per slot, header included
 *
 * Return: slot_size - VMRPC_SLOT_HDR_SIZE, or 0 for a slot too small.
 */
uint32_t vmrpc_slot_capacity(uint32_t slot_size);

/**
 * vmrpc_slot_take() - copy and validate a call the guest posted
 * @slot: the shared slot
 * @slot_size: bytes per slot
 * @last_seq: host-private: the last sequence number served on this slot;
 *	advanced when the call has a fresh sequence number, even if the call
 *	is then refused, so the same call cannot be replayed
 * @out: filled with the header as read, whatever the result (so an error
 *	reply can echo the sequence number)
 * @req_copy: at least vmrpc_slot_capacity(@slot_size) bytes; receives
 *	@out->req_len request bytes on success
 *
 * Checks, in order: state POSTED (VMRPC_ESTATE), seq > *@last_seq
 * (VMRPC_ESEQ), flags and reserved zero (VMRPC_EINVAL), module below
 * VMRPC_NR_MODULES (VMRPC_ENOMOD), req_len and resp_len within the payload
 * (VMRPC_E2BIG). A misaligned or too small slot gives VMRPC_EINVAL.
 *
 * Return: VMRPC_OK or the VMRPC_E* status the call is refused with.
 */
uint32_t vmrpc_slot_take(const volatile void *slot, uint32_t slot_size,
			 uint64_t *last_seq, struct vmrpc_call *out,
			 void *req_copy);

/**
 * vmrpc_slot_reply() - complete a guest->host call
 * @slot: the shared slot
 * @slot_size: bytes per slot
 * @seq: the call's sequence number, echoed
 * @status: VMRPC status
 * @resp: response bytes (may be NULL when @resp_len is 0)
 * @resp_len: bytes at @resp; a length past the payload is replaced by an
 *	empty VMRPC_ERANGE reply rather than written out of bounds
 *
 * Writes the payload, resp_len, status and seq, then state DONE.
 */
void vmrpc_slot_reply(volatile void *slot, uint32_t slot_size, uint64_t seq,
		      uint32_t status, const void *resp, uint32_t resp_len);

/**
 * vmrpc_slot_set_state() - store a slot's state with release ordering
 * @slot: the shared slot
 * @state: VMRPC_SLOT_*
 */
void vmrpc_slot_set_state(volatile void *slot, uint32_t state);

/**
 * vmrpc_slot_post() - post a host->guest call
 * @slot: the shared slot, owned by the host (not in use by the guest)
 * @slot_size: bytes per slot
 * @seq: a sequence number greater than any used on this slot before
 * @module: module number
 * @proc: procedure number
 * @req: request bytes (may be NULL when @req_len is 0)
 * @req_len: bytes at @req, at most vmrpc_slot_capacity(@slot_size)
 * @resp_max: largest response accepted, at most the capacity
 *
 * Writes the header and request, then state POSTED.
 *
 * Return: 0, or -EINVAL if a length exceeds the payload (nothing written).
 */
int vmrpc_slot_post(volatile void *slot, uint32_t slot_size, uint64_t seq,
		    uint16_t module, uint16_t proc, const void *req,
		    uint32_t req_len, uint32_t resp_max);

/**
 * vmrpc_slot_collect() - copy and validate the guest's reply to a
 * host->guest call
 * @slot: the shared slot
 * @slot_size: bytes per slot
 * @seq: the sequence number the host posted
 * @resp_max: the largest response the host allowed
 * @out: filled with the header as read
 * @resp_copy: at least @resp_max bytes; receives @out->resp_len bytes; or
 *	NULL to validate without copying (a reply nobody waits for)
 *
 * Return: 0 for a valid reply (state DONE, seq echoed, resp_len <=
 * @resp_max, status < VMRPC_NR_ERRORS), -EAGAIN while the guest has not
 * answered yet (POSTED or TAKEN), -EPROTO for anything else.
 */
int vmrpc_slot_collect(const volatile void *slot, uint32_t slot_size,
		       uint64_t seq, uint32_t resp_max, struct vmrpc_call *out,
		       void *resp_copy);

#endif /* ZONEHOST_VMRPC_SLOT_H */
