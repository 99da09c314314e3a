// SPDX-License-Identifier: GPL-2.0-only
/*
 * The history ring of working-set samples; see wss-ring.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "wss-ring.h"

int zhostd_wss_ring_init(struct zhostd_wss_ring *r, size_t cap)
{
	r->head = r->count = 0;
	r->cap = cap;
	r->s = NULL;
	if (!cap)
		return -EINVAL;
	r->s = calloc(cap, sizeof(*r->s));
	return r->s ? 0 : -ENOMEM;
}

void zhostd_wss_ring_destroy(struct zhostd_wss_ring *r)
{
	free(r->s);
	r->s = NULL;
	r->cap = r->head = r->count = 0;
}

void zhostd_wss_ring_push(struct zhostd_wss_ring *r,
			  const struct zhostd_wss_sample *s)
{
	r->s[r->head] = *s;
	r->head = (r->head + 1) % r->cap;
	if (r->count < r->cap)
		r->count++;
}

const struct zhostd_wss_sample *
zhostd_wss_ring_at(const struct zhostd_wss_ring *r, size_t i)
{
	if (i >= r->count)
		return NULL;
	/* The oldest sits at head once the ring is full, else at 0. */
	return &r->s[(r->head + r->cap - r->count + i) % r->cap];
}

const struct zhostd_wss_sample *
zhostd_wss_ring_latest(const struct zhostd_wss_ring *r)
{
	return r->count ? zhostd_wss_ring_at(r, r->count - 1) : NULL;
}
