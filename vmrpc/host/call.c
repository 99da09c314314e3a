// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host->guest calls.
 *
 * Each host->guest slot has a host-private state:
 *
 *   FREE ---post---> WAITING ---reply/failure---> DONE ---caller---> FREE
 *                       |
 *                    timeout
 *                       v
 *                   ORPHANED ---late reply or guest gone---> FREE
 *
 * A call that timed out keeps its slot (ORPHANED) until the guest
 * completes it or goes away, so a late reply can never land in a slot that
 * was already given to another call. All slot memory of this direction is
 * read and written under the one lock; the payloads are small and the
 * lock is never held while sleeping.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "call.h"
#include "slot.h"

enum call_state {
	CALL_FREE,
	CALL_WAITING,
	CALL_DONE,
	CALL_ORPHANED,
};

/**
 * struct call_slot - host-private state of one host->guest slot, under
 * vmrpc_calls.lock
 * @state: see the diagram above
 * @seq: sequence number of the last call posted here
 * @resp_max: largest reply the current call accepts
 * @resp: the caller's response buffer, while WAITING
 * @result: once DONE: 0 (the guest answered) or a negative errno
 * @status: once DONE with @result 0: the guest's status
 * @resp_len: once DONE with @result 0: reply bytes copied to @resp
 * @done: signalled when the state leaves WAITING
 */
struct call_slot {
	enum call_state state;
	uint64_t seq;
	uint32_t resp_max;
	void *resp;
	int result;
	uint32_t status;
	uint32_t resp_len;
	pthread_cond_t done;
};

/**
 * struct vmrpc_calls - reverse calls of one VM
 * @layout: BAR2
 * @stats: counters
 * @raise: raises a guest vector
 * @raise_opaque: for @raise
 * @cap: payload bytes per slot
 * @lock: protects everything below and the host->guest slots
 * @slot_free: signalled when a slot becomes FREE, and on state changes
 * @ready: a guest driver takes calls (also read without the lock)
 * @shutdown: the host is stopping
 * @slots: layout->nr_slots entries
 */
struct vmrpc_calls {
	const struct vmrpc_layout *layout;
	struct vmrpc_stats *stats;
	vmrpc_raise_fn raise;
	void *raise_opaque;
	uint32_t cap;
	pthread_mutex_t lock;
	pthread_cond_t slot_free;
	bool ready;
	bool shutdown;
	struct call_slot *slots;
};

/* Condition variables time out on CLOCK_MONOTONIC: wall clock jumps must
 * not shorten or stretch a call's timeout. */
static int calls_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int ret;

	ret = pthread_condattr_init(&attr);
	if (ret)
		return -ret;
	ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return -ret;
}

static void deadline_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int vmrpc_calls_create(struct vmrpc_calls **out,
		       const struct vmrpc_layout *layout,
		       struct vmrpc_stats *stats, vmrpc_raise_fn raise,
		       void *raise_opaque)
{
	struct vmrpc_calls *c;
	uint32_t i;
	int ret;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->layout = layout;
	c->stats = stats;
	c->raise = raise;
	c->raise_opaque = raise_opaque;
	c->cap = vmrpc_slot_capacity(layout->slot_size);
	c->slots = calloc(layout->nr_slots, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return -ENOMEM;
	}
	ret = -pthread_mutex_init(&c->lock, NULL);
	if (ret)
		goto err_free;
	ret = calls_cond_init(&c->slot_free);
	if (ret)
		goto err_mutex;
	for (i = 0; i < layout->nr_slots; i++) {
		ret = calls_cond_init(&c->slots[i].done);
		if (ret)
			goto err_conds;
	}
	*out = c;
	return 0;

err_conds:
	while (i--)
		pthread_cond_destroy(&c->slots[i].done);
	pthread_cond_destroy(&c->slot_free);
err_mutex:
	pthread_mutex_destroy(&c->lock);
err_free:
	free(c->slots);
	free(c);
	return ret;
}

void vmrpc_calls_destroy(struct vmrpc_calls *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < c->layout->nr_slots; i++)
		pthread_cond_destroy(&c->slots[i].done);
	pthread_cond_destroy(&c->slot_free);
	pthread_mutex_destroy(&c->lock);
	free(c->slots);
	free(c);
}

/* A FREE slot, or -1. Called with c->lock held. */
static int calls_find_free(const struct vmrpc_calls *c)
{
	uint32_t i;

	for (i = 0; i < c->layout->nr_slots; i++)
		if (c->slots[i].state == CALL_FREE)
			return (int)i;
	return -1;
}

/*
 * Wait for a free slot until @deadline. Called with c->lock held.
 * Returns the slot index or a negative errno.
 */
static int calls_reserve(struct vmrpc_calls *c, const struct timespec *deadline)
{
	bool timed_out = false;
	int i;

	for (;;) {
		if (c->shutdown)
			return -ESHUTDOWN;
		if (!c->ready)
			return -ENOTCONN;
		i = calls_find_free(c);
		if (i >= 0)
			return i;
		if (timed_out) {
			vmrpc_stats_h2g_timeout(c->stats);
			return -ETIMEDOUT;
		}
		timed_out = pthread_cond_timedwait(&c->slot_free, &c->lock,
						   deadline) == ETIMEDOUT;
	}
}

int vmrpc_calls_call(struct vmrpc_calls *c, uint16_t module, uint16_t proc,
		     const void *req, uint32_t req_len, void *resp,
		     uint32_t resp_cap, uint32_t *resp_len, uint32_t *status,
		     unsigned int timeout_ms)
{
	struct timespec deadline;
	struct call_slot *cs;
	int i, ret;

	if (!resp_len || !status || module >= VMRPC_NR_MODULES ||
	    req_len > c->cap || (req_len && !req) || (resp_cap && !resp))
		return -EINVAL;
	deadline_after(&deadline, timeout_ms);

	pthread_mutex_lock(&c->lock);
	i = calls_reserve(c, &deadline);
	if (i < 0) {
		pthread_mutex_unlock(&c->lock);
		return i;
	}
	cs = &c->slots[i];
	cs->state = CALL_WAITING;
	cs->seq++;
	cs->resp_max = resp_cap < c->cap ? resp_cap : c->cap;
	cs->resp = resp;
	vmrpc_slot_post(vmrpc_layout_h2g_slot(c->layout, (uint32_t)i),
			c->layout->slot_size, cs->seq, module, proc, req,
			req_len, cs->resp_max);
	vmrpc_stats_h2g_begin(c->stats);
	pthread_mutex_unlock(&c->lock);

	c->raise(c->raise_opaque, VMRPC_GVEC_CALL);

	pthread_mutex_lock(&c->lock);
	while (cs->state == CALL_WAITING)
		if (pthread_cond_timedwait(&cs->done, &c->lock,
					   &deadline) == ETIMEDOUT)
			break;
	if (cs->state == CALL_WAITING) {
		/* Keep the slot until the guest lets go of it. */
		cs->state = CALL_ORPHANED;
		cs->resp = NULL;
		vmrpc_stats_h2g_end(c->stats, VMRPC_STATS_H2G_TIMEOUT, 0);
		ret = -ETIMEDOUT;
	} else {
		ret = cs->result;
		if (!ret) {
			*status = cs->status;
			*resp_len = cs->resp_len;
		}
		cs->state = CALL_FREE;
		pthread_cond_signal(&c->slot_free);
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* End the call waiting on slot @i with @result. Called with c->lock held. */
static void calls_complete(struct vmrpc_calls *c, uint32_t i, int result)
{
	struct call_slot *cs = &c->slots[i];

	cs->result = result;
	cs->state = CALL_DONE;
	cs->resp = NULL;
	pthread_cond_signal(&cs->done);
}

void vmrpc_calls_collect(struct vmrpc_calls *c)
{
	struct vmrpc_call reply;
	bool freed = false;
	uint32_t i;
	int ret;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->layout->nr_slots; i++) {
		struct call_slot *cs = &c->slots[i];
		volatile void *slot = vmrpc_layout_h2g_slot(c->layout, i);

		if (cs->state != CALL_WAITING && cs->state != CALL_ORPHANED)
			continue;
		ret = vmrpc_slot_collect(slot, c->layout->slot_size, cs->seq,
					 cs->resp_max, &reply,
					 cs->state == CALL_WAITING ?
					 cs->resp : NULL);
		if (ret == -EAGAIN)
			continue;
		/* Answered or botched: the slot is the host's again. */
		vmrpc_slot_set_state(slot, VMRPC_SLOT_FREE);
		if (cs->state == CALL_ORPHANED) {
			/* Nobody waits for this reply any more. */
			if (ret)
				vmrpc_stats_h2g_malformed(c->stats);
			cs->state = CALL_FREE;
			freed = true;
			continue;
		}
		if (ret) {
			vmrpc_stats_h2g_end(c->stats,
					    VMRPC_STATS_H2G_MALFORMED, 0);
		} else {
			cs->status = reply.status;
			cs->resp_len = reply.resp_len;
			vmrpc_stats_h2g_end(c->stats, VMRPC_STATS_H2G_REPLY,
					    reply.status);
		}
		calls_complete(c, i, ret);
	}
	if (freed)
		pthread_cond_broadcast(&c->slot_free);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Fail every waiting call with @result; with @reclaim, also take back the
 * slots of calls that timed out and mark every slot FREE in shared memory
 * (the guest that held them is gone). Called with c->lock held.
 */
static void calls_fail_all(struct vmrpc_calls *c, int result, bool reclaim)
{
	uint32_t i;

	for (i = 0; i < c->layout->nr_slots; i++) {
		struct call_slot *cs = &c->slots[i];

		if (cs->state == CALL_WAITING) {
			vmrpc_stats_h2g_end(c->stats, VMRPC_STATS_H2G_FAILED, 0);
			calls_complete(c, i, result);
		} else if (cs->state == CALL_ORPHANED && reclaim) {
			cs->state = CALL_FREE;
		}
		if (reclaim)
			vmrpc_slot_set_state(vmrpc_layout_h2g_slot(c->layout, i),
					     VMRPC_SLOT_FREE);
	}
	pthread_cond_broadcast(&c->slot_free);
}

void vmrpc_calls_set_ready(struct vmrpc_calls *c, bool ready)
{
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->ready, ready, __ATOMIC_RELEASE);
	if (!ready)
		calls_fail_all(c, -ENOTCONN, true);
	pthread_mutex_unlock(&c->lock);
}

bool vmrpc_calls_ready(const struct vmrpc_calls *c)
{
	return __atomic_load_n(&c->ready, __ATOMIC_ACQUIRE);
}

uint32_t vmrpc_calls_adopt(struct vmrpc_calls *c)
{
	uint32_t i, orphaned = 0;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->layout->nr_slots; i++) {
		const volatile struct vmrpc_slot *slot =
			vmrpc_layout_h2g_slot(c->layout, i);
		struct call_slot *cs = &c->slots[i];

		/* Our own numbers from before: only the host writes them here. */
		cs->seq = le64toh(slot->seq);
		if (le32toh(__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE)) !=
		    VMRPC_SLOT_FREE) {
			cs->state = CALL_ORPHANED;
			cs->resp_max = c->cap;
			orphaned++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return orphaned;
}

void vmrpc_calls_shutdown(struct vmrpc_calls *c)
{
	pthread_mutex_lock(&c->lock);
	c->shutdown = true;
	__atomic_store_n(&c->ready, false, __ATOMIC_RELEASE);
	calls_fail_all(c, -ESHUTDOWN, false);
	pthread_mutex_unlock(&c->lock);
}
