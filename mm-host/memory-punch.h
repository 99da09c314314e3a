/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holes punched after the reply: the memory backend's part that frees
 * the host memory behind subblocks the guest gave back.
 *
 * fallocate(PUNCH_HOLE) of 512 MiB of 4 KiB shmem pages takes 45-65 ms
 * on an idle host (Documentation/benchmarks.md), as long as the guest's
 * own work in the shrink or longer. The guest gave the memory up before
 * it called VMRPC_MEM_UNPLUG, so nothing is lost if the host answers
 * first and punches afterwards, while the guest goes on with its next
 * batch or the end of its resize: that much of the punch costs the
 * shrink nothing.
 *
 * What keeps it safe: a range stays queued, and counts as not yet freed,
 * until its punch returned. A plug of a subblock whose punch is queued
 * waits for it (the punch would otherwise free what the guest writes
 * after the plug); so do the memory guard (memory-enforce.h) before it
 * scans a run, `check` before it looks, and a reset or the resize report
 * (VMRPC_MEM_DONE, RESIZE_DONE) before they say the memory is gone.
 * For memory*.c only.
 */
#ifndef ZHOSTD_MEMORY_PUNCH_H
#define ZHOSTD_MEMORY_PUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include "memory.h"

/**
 * memory_punch() - free the host memory behind subblocks now
 * @m: the backend
 * @first: first subblock
 * @count: subblocks
 *
 * A plain punch: on hugetlb it leaves the reservations of pages never
 * touched. Subblocks that were plugged are filled first
 * (memory_hugetlb_fill()).
 *
 * Return: 0 or a negative errno from fallocate().
 */
int memory_punch(struct zhostd_memory *m, uint64_t first, uint64_t count);

/**
 * memory_punch_later_locked() - queue the punch of subblocks
 * @m: the backend, locked
 * @first: first subblock
 * @count: subblocks
 *
 * Call before the map says the subblocks are unplugged: on hugetlb the
 * runs the map still says plugged are filled before their punch
 * (memory-hugetlb.h), the others only punched. Waits (the lock dropped)
 * while the queue is full. Punches at once when no worker thread can be
 * started.
 *
 * Return: 0, or the negative errno of a punch made at once.
 */
int memory_punch_later_locked(struct zhostd_memory *m, uint64_t first,
			      uint64_t count);

/**
 * memory_punch_wait_locked() - wait until no queued punch overlaps a range
 * @m: the backend, locked
 * @first: first subblock
 * @count: subblocks; m->nr_sb from 0 waits for every queued punch
 *
 * Only the ranges queued when it is called count: what is queued while it
 * waits does not make it wait longer. The lock is dropped while waiting:
 * the caller reads the map afresh afterwards.
 */
void memory_punch_wait_locked(struct zhostd_memory *m, uint64_t first,
			      uint64_t count);

/**
 * memory_punch_queued_locked() - is a punch of a subblock still queued?
 * @m: the backend, locked
 * @sb: the subblock
 *
 * For scans that must not wait for a guest that keeps unplugging: the
 * memory guard and `check` pass over such a subblock, which is being
 * freed, rather than count its memory.
 *
 * Return: true when a queued range holds @sb.
 */
bool memory_punch_queued_locked(struct zhostd_memory *m, uint64_t sb);

/* Set up the queue; no thread runs until the first punch is queued. */
void memory_punch_init(struct zhostd_memory *m);

/* Punch what is queued, stop the worker and free what init set up. */
void memory_punch_destroy(struct zhostd_memory *m);

#endif /* ZHOSTD_MEMORY_PUNCH_H */
