/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory limit, enforced: QEMU maps all of BAR2, so a guest can write
 * to subblocks it never plugged, or to the spare part of the control area,
 * and get host memory that zhostd's map does not count. A scan finds the
 * memfd's allocated extents there with SEEK_DATA/SEEK_HOLE (zhostd never
 * maps or touches the data area for it) and punches them.
 *
 * Only memory the guest touched without owning it is ever punched: the
 * scan looks at a subblock under the backend's lock and only when the map
 * says unplugged, and plugs and unplugs change the map under that lock. A
 * subblock being plugged is in the map before the guest may touch it; an
 * unplug clears the map and queues the subblock's punch in one step
 * (memory-punch.h), and a scan waits for the queued punches of a run
 * before it looks at it, so memory the guest gave back is never counted
 * as a violation.
 */
#ifndef ZHOSTD_MEMORY_ENFORCE_H
#define ZHOSTD_MEMORY_ENFORCE_H

#include <stdbool.h>
#include <stdint.h>

#include "memory.h"

/*
 * System calls (lseek, fallocate) one scan makes at most. A clean data
 * area costs one lseek per run of unplugged subblocks; a guest that
 * scattered pages over unplugged memory costs three calls per extent,
 * and the next scan goes on where this one stopped.
 */
#define ZHOSTD_ENFORCE_BUDGET_DEFAULT	65536

/**
 * struct zhostd_memory_violation - what one scan found and freed
 * @bytes: bytes freed behind unplugged subblocks of the data area
 * @subblocks: unplugged subblocks that had host memory behind them
 * @first: the lowest of them (valid when @subblocks is not 0)
 * @last: the highest of them (valid when @subblocks is not 0)
 * @spare_bytes: bytes freed in the spare range (the control area after
 *	the call slots)
 * @extents: allocated extents punched, in both
 * @complete: the whole data area and the spare range were scanned; false
 *	when the budget ran out first
 */
struct zhostd_memory_violation {
	uint64_t bytes;
	uint64_t subblocks;
	uint64_t first;
	uint64_t last;
	uint64_t spare_bytes;
	uint64_t extents;
	bool complete;
};

/**
 * zhostd_memory_set_spare() - name a range of the memfd nobody uses
 * @m: the backend
 * @offset: its offset in the memfd
 * @size: its size; 0 for none
 *
 * Every scan frees whatever is allocated there (vmrpc_host_spare_area()
 * gives the control area's). Call before the first scan.
 */
void zhostd_memory_set_spare(struct zhostd_memory *m, uint64_t offset,
			     uint64_t size);

/**
 * zhostd_memory_enforce() - free host memory the guest took without
 * plugging it
 * @m: the backend
 * @budget: at most this many system calls (at least 3; see
 *	ZHOSTD_ENFORCE_BUDGET_DEFAULT)
 * @v: filled in with what was found and freed
 *
 * Punches (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) every allocated
 * extent of the spare range and of the unplugged subblocks of the data
 * area, never anything of a plugged subblock. The data area is scanned
 * from where the last scan stopped, around once. The backend's lock is
 * held for one run of subblocks at a time (at most 64), so plugs and
 * unplugs wait little. Counted in the backend's enforce_scans,
 * violations and reclaimed.
 *
 * Return: 0, or a negative errno from lseek() or fallocate() (@v then
 * says what was freed before).
 */
int zhostd_memory_enforce(struct zhostd_memory *m, uint64_t budget,
			  struct zhostd_memory_violation *v);

#endif /* ZHOSTD_MEMORY_ENFORCE_H */
