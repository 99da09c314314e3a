/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The history of working-set samples: a ring of fixed capacity that keeps
 * the newest, so a zhostd running for months holds a bounded amount of
 * memory. No locking: the poller (wss-poller.c) holds its own lock around
 * every use.
 */
#ifndef ZHOSTD_WSS_RING_H
#define ZHOSTD_WSS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "wss.h"

/**
 * struct zhostd_wss_sample - one poll of the guest's working set
 * @seq: 1 for the first sample zhostd took, counting up
 * @time_ns: host wall clock (CLOCK_REALTIME) when the report arrived
 * @mono_ns: CLOCK_MONOTONIC then, for the sample's age
 * @report: the guest's report, validated
 * @plugged: bytes the guest had plugged at that moment (zhostd's map)
 * @requested: the requested size at that moment
 * @backed: host memory really behind the data area then (the memfd's
 *	allocated extents)
 */
struct zhostd_wss_sample {
	uint64_t seq;
	int64_t time_ns;
	int64_t mono_ns;
	struct zhostd_wss_report report;
	uint64_t plugged;
	uint64_t requested;
	uint64_t backed;
};

/**
 * struct zhostd_wss_ring - the newest @cap samples
 * @s: @cap slots
 * @cap: capacity
 * @head: the slot the next sample goes to
 * @count: samples held (at most @cap)
 */
struct zhostd_wss_ring {
	struct zhostd_wss_sample *s;
	size_t cap;
	size_t head;
	size_t count;
};

/* Allocate @cap (>= 1) slots. Return: 0 or -ENOMEM (-EINVAL for 0). */
int zhostd_wss_ring_init(struct zhostd_wss_ring *r, size_t cap);

void zhostd_wss_ring_destroy(struct zhostd_wss_ring *r);

/* Add a copy of @s, dropping the oldest sample when full. */
void zhostd_wss_ring_push(struct zhostd_wss_ring *r,
			  const struct zhostd_wss_sample *s);

/*
 * The @i-th sample counted from the oldest (0) to the newest (count - 1),
 * or NULL when @i is out of range. Valid until the next push.
 */
const struct zhostd_wss_sample *
zhostd_wss_ring_at(const struct zhostd_wss_ring *r, size_t i);

/* The newest sample, or NULL when there is none. */
const struct zhostd_wss_sample *
zhostd_wss_ring_latest(const struct zhostd_wss_ring *r);

#endif /* ZHOSTD_WSS_RING_H */
