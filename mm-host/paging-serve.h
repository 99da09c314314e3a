/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's VMRPC_PAGING_HINT calls: decoded (paging-wire.h), checked
 * against the plugged map and the pinned set under the memory backend's
 * lock (memory.h, pin.h), then paged out on QEMU's mapping outside it
 * (paging.h). See paging.h for the layers.
 */
#ifndef ZHOSTD_PAGING_SERVE_H
#define ZHOSTD_PAGING_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "memory.h"
#include "paging.h"

/**
 * zhostd_paging_plan() - what of a decoded hint to page out
 * @m: the memory backend (its plugged map and pinned set)
 * @g: the data area in hint pages
 * @area_offset: the data area's offset in the memfd
 * @runs: the runs, zh_paging_hints_decode()d; sorted and changed here
 * @nr: how many
 * @budget: the most pages to accept (ZHOSTD_PAGING_MAX_PAGES_PER_CALL)
 * @out: filled with the byte ranges of the memfd to page out, ascending,
 *	not overlapping; room for @nr
 * @d: its skipped_unplugged, skipped_pinned, duplicate, over_budget and
 *	accepted counters are added to
 *
 * Skips runs in subblocks not plugged or pinned (checked under the
 * backend's lock), pages named twice, and pages past @budget.
 *
 * Return: the number of ranges in @out.
 */
size_t zhostd_paging_plan(struct zhostd_memory *m,
			  const struct zh_paging_geom *g, uint64_t area_offset,
			  struct zh_paging_run *runs, uint32_t nr, uint64_t budget,
			  struct zhostd_paging_range *out,
			  struct zhostd_paging_stats *d);

/**
 * zhostd_paging_serve() - the vmrpc_handler_fn of VMRPC_MOD_PAGING
 * @opaque: the struct zhostd, its paging state initialized
 * @proc: VMRPC_PAGING_HINT (the only guest->host procedure)
 * @req: validated private copy of the request
 * @req_len: its length
 * @resp: reply buffer: one struct vmrpc_paging_reply
 * @resp_cap: its size
 * @resp_len: set to the reply length
 *
 * A malformed request changes nothing, is counted and logged within the
 * rate limit. With the host's mode guest the reply accepts nothing and
 * tells the guest so. Otherwise pages of unplugged and pinned subblocks
 * are skipped, a page named twice is paged once, at most
 * ZHOSTD_PAGING_MAX_PAGES_PER_CALL pages are paged out, and the reply
 * says how many were accepted.
 *
 * Return: VMRPC_OK, VMRPC_EINVAL, VMRPC_ERANGE, VMRPC_ENOMEM or
 * VMRPC_ENOPROC.
 */
uint32_t zhostd_paging_serve(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len);

#endif /* ZHOSTD_PAGING_SERVE_H */
