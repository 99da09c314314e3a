/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The wire side of host paging (VMRPC_MOD_PAGING, linux/vmrpc.h): the
 * guest's VMRPC_PAGING_HINT request decoded and checked, the runs turned
 * into byte ranges of the memfd, and the guest's replies to the reverse
 * calls VMRPC_PAGING_SET_MODE and VMRPC_PAGING_STATUS checked field by
 * field. Everything the guest wrote is read once, from the caller's
 * private copy. No state, no system call: tests/fuzz/fuzz-paging.c runs
 * these alone.
 */
#ifndef ZHOSTD_PAGING_WIRE_H
#define ZHOSTD_PAGING_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vmrpc.h>

/**
 * struct zh_paging_geom - the data area as hints name it
 * @pages: VMRPC_PAGING_PAGE_SIZE pages in the data area
 * @sb_pages: pages per subblock (a power of two, at least 1)
 */
struct zh_paging_geom {
	uint64_t pages;
	uint64_t sb_pages;
};

/**
 * struct zh_paging_run - one run of a hint, decoded
 * @first: first page, counted from the start of the data area
 * @count: pages, at least 1, all in the subblock @first / sb_pages
 * @source: VMRPC_PAGING_SRC_*
 */
struct zh_paging_run {
	uint64_t first;
	uint32_t count;
	uint16_t source;
};

/* Most runs a request of @len bytes can hold: the size of @runs below. */
uint32_t zh_paging_hints_max_runs(uint32_t len);

/**
 * zh_paging_hints_decode() - decode and check a VMRPC_PAGING_HINT request
 * @req: private copy of the request
 * @len: its length
 * @g: the data area
 * @runs: filled with the runs; room for zh_paging_hints_max_runs(@len)
 * @nr: set to the number of runs
 * @pages: set to the pages the runs add up to (overlaps counted twice)
 *
 * The rules: @len is exactly 8 + 16 * nr with nr at least 1, the reserved
 * fields are zero, every run has a count of at least 1, a known source,
 * lies inside the data area (no overflow) and inside one subblock. Runs
 * may overlap and come in any order.
 *
 * Return: VMRPC_OK, or VMRPC_EINVAL for a request that breaks a rule
 * (then @runs is not to be used).
 */
uint32_t zh_paging_hints_decode(const void *req, uint32_t len,
				const struct zh_paging_geom *g,
				struct zh_paging_run *runs, uint32_t *nr,
				uint64_t *pages);

/**
 * zh_paging_run_bytes() - a run as a byte range of the memfd
 * @run: a decoded run
 * @area_offset: the data area's offset in the memfd
 * @offset: set to the offset of the run's first byte in the memfd
 * @len: set to its length in bytes
 */
void zh_paging_run_bytes(const struct zh_paging_run *run, uint64_t area_offset,
			 uint64_t *offset, uint64_t *len);

/* The subblock a decoded run lies in. */
uint64_t zh_paging_run_subblock(const struct zh_paging_run *run,
				const struct zh_paging_geom *g);

/* The reply of VMRPC_PAGING_HINT, little-endian, in @out. */
void zh_paging_reply_encode(struct vmrpc_paging_reply *out, uint64_t accepted,
			    uint32_t mode, uint32_t reason);

/* The request of VMRPC_PAGING_SET_MODE, little-endian, in @out. */
void zh_paging_mode_encode(struct vmrpc_paging_mode *out, uint32_t mode,
			   uint32_t reason);

/**
 * zh_paging_mode_parse() - check the guest's reply to VMRPC_PAGING_SET_MODE
 * @buf: private copy of the reply
 * @len: its length
 * @mode: set to the guest's mode now
 * @reason: set to why it did not take the mode asked for
 *
 * The reply is exactly one struct vmrpc_paging_mode, with a known mode and
 * reason and reserved zero.
 *
 * Return: 0, or -1 for a reply that breaks a rule.
 */
int zh_paging_mode_parse(const void *buf, uint32_t len, uint32_t *mode,
			 uint32_t *reason);

/**
 * struct zh_paging_guest_status - the guest's VMRPC_PAGING_STATUS, checked
 * @hinted: pages the guest sent as hints
 * @hint_calls: VMRPC_PAGING_HINT calls it made
 * @kept: swap-backed ZONE_HOST pages reclaim kept and hinted
 * @guest_swapped: swap-backed ZONE_HOST pages it wrote to its own swap
 * @dropped: pages kept but not hinted
 * @mode: VMRPC_PAGING_MODE_*
 * @reason: VMRPC_PAGING_R_*
 */
struct zh_paging_guest_status {
	uint64_t hinted;
	uint64_t hint_calls;
	uint64_t kept;
	uint64_t guest_swapped;
	uint64_t dropped;
	uint32_t mode;
	uint32_t reason;
};

/**
 * zh_paging_status_parse() - check the guest's reply to VMRPC_PAGING_STATUS
 * @buf: private copy of the reply
 * @len: its length
 * @st: filled in on success
 *
 * The reply is exactly one struct vmrpc_paging_status with a known mode
 * and reason, reserved zero and counters below 2^63 (they go into JSON).
 *
 * Return: 0, or -1 for a reply that breaks a rule.
 */
int zh_paging_status_parse(const void *buf, uint32_t len,
			   struct zh_paging_guest_status *st);

/* The name of a VMRPC_PAGING_R_* reason, "unknown" for one not known. */
const char *zh_paging_reason_name(uint32_t reason);

/* "guest" or "host" for a VMRPC_PAGING_MODE_*, "unknown" otherwise. */
const char *zh_paging_mode_name(uint32_t mode);

#endif /* ZHOSTD_PAGING_WIRE_H */
