/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory backend on a hugetlb memfd: a plug reserves huge pages for
 * its subblocks, and freeing subblocks that were plugged fills them
 * before the punch. Documentation/design/huge-pages.rst has the
 * measurements; in short:
 *
 * - QEMU maps BAR2 MAP_SHARED, and a fault through a shared hugetlb
 *   mapping with neither a page nor a reservation in the file is a
 *   SIGBUS. A MAP_SHARED mapping without MAP_NORESERVE reserves one huge
 *   page for every unallocated page it covers, all or nothing (ENOMEM
 *   when the pool is short), in the file's reserve map: the reservation
 *   outlives the mapping, and a later fault through any shared mapping
 *   (QEMU's, the pin mapping's mlock) takes its page from it. Reserving
 *   allocates and zeroes nothing: 256 pages in under 0.1 ms, where
 *   fallocate() took 25 ms.
 * - A punch drops the reservation of the pages it frees only: a page
 *   reserved and never touched keeps its reservation through the punch,
 *   out of the pool until the file goes. fallocate() (mode 0) of the
 *   range first turns every such reservation into a page the punch then
 *   frees; it costs nothing where the guest touched every page.
 *
 * For memory*.c only.
 */
#ifndef ZHOSTD_MEMORY_HUGETLB_H
#define ZHOSTD_MEMORY_HUGETLB_H

#include <stdint.h>

#include "memory.h"

/**
 * memory_hugetlb_reserve() - reserve huge pages for subblocks to be plugged
 * @m: the backend
 * @first: first subblock
 * @count: subblocks
 *
 * Maps exactly the subblocks' range MAP_SHARED without MAP_NORESERVE and
 * unmaps it again, touching nothing: the reservation stays in the file.
 * Pages allocated already, or reserved already (QEMU's mapping reserves
 * every hole of BAR2 when it connects), are not reserved twice.
 *
 * Return: 0, or a negative errno from mmap() with nothing reserved
 * (-ENOMEM: the pool has too few free pages that nobody reserved).
 */
int memory_hugetlb_reserve(const struct zhostd_memory *m, uint64_t first,
			   uint64_t count);

/**
 * memory_hugetlb_fill() - allocate subblocks that were plugged, to be punched
 * @m: the backend
 * @first: first subblock
 * @count: subblocks
 *
 * fallocate() (FALLOC_FL_KEEP_SIZE) of the range: every page still only
 * reserved gets allocated from its reservation, so that the punch that
 * must follow frees it and the reservation with it. Takes no lock. Only
 * for subblocks that were plugged: in a hole without a reservation it
 * would allocate (and zero) a page from the pool for nothing.
 *
 * Return: 0 or a negative errno from fallocate(); the caller punches the
 * range either way and reports the failure with
 * memory_hugetlb_fill_failed_locked().
 */
int memory_hugetlb_fill(const struct zhostd_memory *m, uint64_t first,
			uint64_t count);

/**
 * memory_hugetlb_fill_failed_locked() - count and log a failed fill
 * @m: the backend, locked
 * @first: first subblock of the fill
 * @count: subblocks
 * @err: the negative errno
 *
 * Logged once per backend: a fill should not fail (the pages were
 * reserved), and a failure that repeats would flood the log. What it
 * leaves behind is reservations of pages never touched, out of the pool
 * until QEMU and zhostd let go of the file.
 */
void memory_hugetlb_fill_failed_locked(struct zhostd_memory *m,
				       uint64_t first, uint64_t count, int err);

/**
 * memory_hugetlb_fill_plugged_locked() - fill every plugged subblock
 * @m: the backend, locked
 *
 * For a reset, before it punches the whole data area: only the plugged
 * runs are filled, never the subblocks QEMU's own mapping reserved and
 * nobody plugged (filling those would allocate the rest of BAR2).
 * Failures are reported with memory_hugetlb_fill_failed_locked().
 */
void memory_hugetlb_fill_plugged_locked(struct zhostd_memory *m);

#endif /* ZHOSTD_MEMORY_HUGETLB_H */
