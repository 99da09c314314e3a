/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The wire side of pinning (VMRPC_MOD_PIN, linux/vmrpc.h): the guest's
 * VMRPC_PIN_UPDATE batch decoded and checked, and the guest's replies to
 * the reverse calls VMRPC_PIN_STATUS and VMRPC_PIN_HOLDERS checked field
 * by field. Everything the guest wrote is read once, from the caller's
 * private copy, and validated before it is used. No state, no system
 * call: tests/fuzz/fuzz-pin.c runs these alone.
 */
#ifndef ZHOSTD_PIN_WIRE_H
#define ZHOSTD_PIN_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vmrpc.h>

/* Longest command name a holder carries, and the sanitised copy's size. */
#define ZH_PIN_COMM_LEN		sizeof(((struct vmrpc_pin_holder *)0)->comm)

/**
 * struct zh_pin_run - one run of a batch, decoded
 * @first: first subblock, inside the data area
 * @count: subblocks, at least 1, the run inside the data area
 * @pin: true for VMRPC_PIN_OP_PIN, false for VMRPC_PIN_OP_UNPIN
 */
struct zh_pin_run {
	uint64_t first;
	uint32_t count;
	bool pin;
};

/**
 * zh_pin_batch_decode() - decode and check a VMRPC_PIN_UPDATE request
 * @req: private copy of the request
 * @len: its length
 * @nr_sb: subblocks in the data area
 * @resp_cap: bytes the caller accepts in the reply
 * @runs: filled with the runs; room for (@len - 8) / 16 of them
 * @nr: set to the number of runs
 *
 * The rules: @len is exactly 8 + 16 * nr with nr at least 1, reserved
 * fields are zero, op is VMRPC_PIN_OP_PIN or VMRPC_PIN_OP_UNPIN, count is
 * at least 1, first + count lies within the data area (no overflow), and
 * the counts add up to at most @nr_sb (runs never overlap, so a batch
 * never names more subblocks than there are: this bounds a call's work),
 * and no two runs name the same subblock.
 * The reply, one struct vmrpc_pin_result per run, must fit @resp_cap.
 *
 * Return: VMRPC_OK, VMRPC_EINVAL for a malformed batch, VMRPC_ERANGE when
 * the reply would not fit @resp_cap, VMRPC_ENOMEM when the overlap check
 * found no memory. Nothing is applied on failure.
 */
uint32_t zh_pin_batch_decode(const void *req, uint32_t len, uint64_t nr_sb,
			     uint32_t resp_cap, struct zh_pin_run *runs,
			     uint32_t *nr);

/* Most runs a request of @len bytes can hold: the size of @runs above. */
uint32_t zh_pin_batch_max_runs(uint32_t len);

/**
 * struct zh_pin_guest_status - the guest's VMRPC_PIN_STATUS, checked
 * @mlocked_pages: pages of ZONE_HOST mlocked in the guest
 * @wanted: subblocks that hold mlocked pages
 * @pinned: of them, pinned by the host as the guest knows it
 * @short_sb: of them, refused by the host
 * @updates: VMRPC_PIN_UPDATE calls the guest made
 * @refused: runs the host refused in part or whole
 * @reason: VMRPC_PIN_R_* of the last refusal
 * @enabled: the guest tracks mlocked pages
 */
struct zh_pin_guest_status {
	uint64_t mlocked_pages;
	uint64_t wanted;
	uint64_t pinned;
	uint64_t short_sb;
	uint64_t updates;
	uint64_t refused;
	uint32_t reason;
	bool enabled;
};

/**
 * zh_pin_status_parse() - check the guest's reply to VMRPC_PIN_STATUS
 * @buf: private copy of the reply
 * @len: its length
 * @nr_sb: subblocks in the data area
 * @st: filled in on success
 *
 * The reply is exactly one struct vmrpc_pin_status, its reason is known,
 * enabled is 0 or 1, reserved is zero, wanted is at most @nr_sb and
 * pinned and short_sb are each at most wanted.
 *
 * Return: 0, or -1 for a reply that breaks a rule (then @st is not used).
 */
int zh_pin_status_parse(const void *buf, uint32_t len, uint64_t nr_sb,
			struct zh_pin_guest_status *st);

/**
 * struct zh_pin_holder - one holder of a VMRPC_PIN_HOLDERS reply, checked
 * @subblock: inside the range asked about
 * @pid: the guest's pid, 0 when unnamed
 * @pages: pages of the subblock it has mlocked, at least 1
 * @comm: its command name, printable ASCII only (others are '?'),
 *	NUL-terminated
 */
struct zh_pin_holder {
	uint64_t subblock;
	uint32_t pid;
	uint32_t pages;
	char comm[ZH_PIN_COMM_LEN + 1];
};

/**
 * struct zh_pin_holders_reply - the header of a VMRPC_PIN_HOLDERS reply
 * @nr: holders in it
 * @truncated: more holders than the reply could carry
 * @next_first: when @truncated, where to ask again from (inside the
 *	range asked about; equal to the first asked about when one subblock
 *	has more holders than a reply carries)
 */
struct zh_pin_holders_reply {
	uint32_t nr;
	bool truncated;
	uint64_t next_first;
};

/**
 * zh_pin_holders_parse() - check the guest's reply to VMRPC_PIN_HOLDERS
 * @buf: private copy of the reply
 * @len: its length
 * @first: the first subblock asked about
 * @count: subblocks asked about
 * @max_pages: the most pages one subblock can hold (subblock size over
 *	the smallest page size, 4 KiB)
 * @hdr: filled in on success
 * @holders: filled with @hdr->nr holders on success; room for
 *	zh_pin_holders_max(@len)
 *
 * The rules: @len is exactly 16 + 32 * nr; flags has only known bits; a
 * truncated reply names a next_first inside the range and no holder
 * after it; every holder's subblock is inside the range, in ascending
 * order, and its pages are from 1 to @max_pages. The comm is made
 * printable. next_first of a reply that is not truncated is ignored.
 *
 * Return: 0, or -1 for a reply that breaks a rule.
 */
int zh_pin_holders_parse(const void *buf, uint32_t len, uint64_t first,
			 uint32_t count, uint32_t max_pages,
			 struct zh_pin_holders_reply *hdr,
			 struct zh_pin_holder *holders);

/* Most holders a reply of @len bytes can hold. */
uint32_t zh_pin_holders_max(uint32_t len);

/* The name of a VMRPC_PIN_R_* reason, "unknown" for one not known. */
const char *zh_pin_reason_name(uint32_t reason);

#endif /* ZHOSTD_PIN_WIRE_H */
