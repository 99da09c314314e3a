// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest->host call dispatch.
 *
 * The event thread scans the slots when the guest rings; a valid call is
 * copied into the slot's private buffers, marked busy and queued. Worker
 * threads run handlers, so a slow handler delays only its own call. Every
 * slot is busy at most once, so the queue (a ring of slot indices) never
 * holds more than nr_slots entries and a slot is never dispatched twice.
 *
 * A guest may post again on a slot the very moment the host writes DONE,
 * before the slot is marked idle; such a ring would be lost, so a scan that
 * meets a busy slot marks it for a rescan, done by the worker that frees it.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "dispatch.h"
#include "slot.h"

#define DISPATCH_WORKERS_MAX	1024

/**
 * struct dispatch_slot - host-private state of one guest->host slot; all
 * fields under vmrpc_dispatch.lock, except @req and @resp, which belong to
 * the worker while @busy
 * @busy: a call of this slot is queued or running
 * @rescan: the slot was scanned while busy
 * @last_seq: the last sequence number served
 * @gen: vmrpc_dispatch.gen when the call was taken
 * @call: validated copy of the header
 * @req: private copy of the request
 * @resp: private response buffer
 */
struct dispatch_slot {
	bool busy;
	bool rescan;
	uint64_t last_seq;
	uint64_t gen;
	struct vmrpc_call call;
	uint8_t *req;
	uint8_t *resp;
};

/**
 * struct vmrpc_dispatch - the dispatcher of one VM
 * @layout: BAR2
 * @stats: counters
 * @raise: raises a guest vector
 * @raise_opaque: for @raise
 * @mods: handler of each module; written only before start
 * @cap: payload bytes per slot
 * @buffers: backing store of every slot's @req and @resp
 * @lock: protects what follows
 * @work: signalled when the queue gets an entry or on stop
 * @slots: per slot state, layout->nr_slots entries
 * @queue: ring of slot indices waiting for a worker
 * @q_head: index in @queue of the oldest entry
 * @q_len: entries in @queue
 * @gen: bumped when a new guest takes over; replies of calls taken in an
 *	older generation are dropped
 * @started: workers were started
 * @stopping: vmrpc_dispatch_stop() was called
 * @nr_workers: threads to run
 * @nr_threads: threads created
 * @threads: the workers
 */
struct vmrpc_dispatch {
	const struct vmrpc_layout *layout;
	struct vmrpc_stats *stats;
	vmrpc_raise_fn raise;
	void *raise_opaque;
	struct {
		vmrpc_handler_fn fn;
		void *opaque;
	} mods[VMRPC_NR_MODULES];
	uint32_t cap;
	uint8_t *buffers;

	pthread_mutex_t lock;
	pthread_cond_t work;
	struct dispatch_slot *slots;
	uint32_t *queue;
	uint32_t q_head;
	uint32_t q_len;
	uint64_t gen;
	bool started;
	bool stopping;
	unsigned int nr_workers;
	unsigned int nr_threads;
	pthread_t *threads;
};

/* --- slots ------------------------------------------------------------ */

/*
 * Look at slot @i. Answers a malformed call or one of an unknown module at
 * once, queues a valid one. Called with d->lock held.
 * Returns true when it wrote a reply (the caller raises VMRPC_GVEC_DONE).
 */
static bool dispatch_examine(struct vmrpc_dispatch *d, uint32_t i)
{
	struct dispatch_slot *ds = &d->slots[i];
	volatile void *slot = vmrpc_layout_g2h_slot(d->layout, i);
	uint32_t status;

	if (ds->busy) {
		ds->rescan = true;
		return false;
	}
	status = vmrpc_slot_take(slot, d->layout->slot_size, &ds->last_seq,
				 &ds->call, ds->req);
	if (status == VMRPC_ESTATE &&
	    (ds->call.state == VMRPC_SLOT_FREE ||
	     ds->call.state == VMRPC_SLOT_TAKEN ||
	     ds->call.state == VMRPC_SLOT_DONE))
		/* Not a call: the guest is filling it or reading a reply. */
		return false;
	if (status != VMRPC_OK) {
		vmrpc_slot_reply(slot, d->layout->slot_size, ds->call.seq,
				 status, NULL, 0);
		vmrpc_stats_g2h_end(d->stats, false, true, status, true);
		return true;
	}
	if (!d->mods[ds->call.module].fn || d->stopping) {
		status = d->stopping ? VMRPC_ESHUTDOWN : VMRPC_ENOMOD;
		vmrpc_slot_reply(slot, d->layout->slot_size, ds->call.seq,
				 status, NULL, 0);
		vmrpc_stats_g2h_end(d->stats, false, true, status, false);
		return true;
	}

	vmrpc_slot_set_state(slot, VMRPC_SLOT_TAKEN);
	ds->busy = true;
	ds->rescan = false;
	ds->gen = d->gen;
	d->queue[(d->q_head + d->q_len) % d->layout->nr_slots] = i;
	d->q_len++;
	vmrpc_stats_g2h_begin(d->stats);
	pthread_cond_signal(&d->work);
	return false;
}

void vmrpc_dispatch_scan(struct vmrpc_dispatch *d)
{
	bool replied = false;
	uint32_t i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->layout->nr_slots; i++)
		replied |= dispatch_examine(d, i);
	pthread_mutex_unlock(&d->lock);
	if (replied)
		d->raise(d->raise_opaque, VMRPC_GVEC_DONE);
}

/*
 * Finish the call of a busy slot: write the reply unless the guest that
 * posted it is gone, free the slot and look at it again if it was rung
 * meanwhile. Called with d->lock held. Returns true if a reply was written.
 */
static bool dispatch_finish(struct vmrpc_dispatch *d, uint32_t i,
			    uint32_t status, uint32_t resp_len)
{
	struct dispatch_slot *ds = &d->slots[i];
	bool replied = ds->gen == d->gen;

	if (replied)
		vmrpc_slot_reply(vmrpc_layout_g2h_slot(d->layout, i),
				 d->layout->slot_size, ds->call.seq, status,
				 ds->resp, resp_len);
	vmrpc_stats_g2h_end(d->stats, true, replied, status, false);
	ds->busy = false;
	if (ds->rescan) {
		ds->rescan = false;
		replied |= dispatch_examine(d, i);
	}
	return replied;
}

/* Run the handler of slot @i. Called without the lock; the slot is busy. */
static uint32_t dispatch_run(struct vmrpc_dispatch *d, uint32_t i,
			     vmrpc_handler_fn fn, void *opaque,
			     uint32_t *resp_len)
{
	struct dispatch_slot *ds = &d->slots[i];
	uint32_t resp_cap = ds->call.resp_len;
	uint32_t status;

	*resp_len = 0;
	status = fn(opaque, ds->call.proc, ds->req, ds->call.req_len,
		    ds->resp, resp_cap, resp_len);
	/* A handler bug must not become an out-of-bounds reply. */
	if (status >= VMRPC_NR_ERRORS || *resp_len > resp_cap) {
		status = VMRPC_EIO;
		*resp_len = 0;
	}
	return status;
}

static void *dispatch_worker(void *arg)
{
	struct vmrpc_dispatch *d = arg;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		vmrpc_handler_fn fn;
		uint32_t i, status, resp_len;
		void *opaque;
		bool replied;

		while (!d->q_len && !d->stopping)
			pthread_cond_wait(&d->work, &d->lock);
		if (!d->q_len)
			break;
		i = d->queue[d->q_head];
		d->q_head = (d->q_head + 1) % d->layout->nr_slots;
		d->q_len--;
		fn = d->mods[d->slots[i].call.module].fn;
		opaque = d->mods[d->slots[i].call.module].opaque;
		pthread_mutex_unlock(&d->lock);

		status = dispatch_run(d, i, fn, opaque, &resp_len);

		pthread_mutex_lock(&d->lock);
		replied = dispatch_finish(d, i, status, resp_len);
		if (replied) {
			pthread_mutex_unlock(&d->lock);
			d->raise(d->raise_opaque, VMRPC_GVEC_DONE);
			pthread_mutex_lock(&d->lock);
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* --- life cycle ------------------------------------------------------- */

int vmrpc_dispatch_create(struct vmrpc_dispatch **out,
			  const struct vmrpc_layout *layout,
			  struct vmrpc_stats *stats, unsigned int workers,
			  vmrpc_raise_fn raise, void *raise_opaque)
{
	struct vmrpc_dispatch *d;
	uint32_t i, n = layout->nr_slots;
	int ret;

	*out = NULL;
	if (!workers || workers > DISPATCH_WORKERS_MAX || !raise || !n)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->layout = layout;
	d->stats = stats;
	d->raise = raise;
	d->raise_opaque = raise_opaque;
	d->cap = vmrpc_slot_capacity(layout->slot_size);
	d->nr_workers = workers;
	/* The handler only reads the layout. */
	d->mods[VMRPC_MOD_CORE].fn = vmrpc_core_serve;
	d->mods[VMRPC_MOD_CORE].opaque = (void *)layout;

	d->slots = calloc(n, sizeof(*d->slots));
	d->queue = calloc(n, sizeof(*d->queue));
	d->threads = calloc(workers, sizeof(*d->threads));
	/* Two private buffers per slot; untouched pages cost nothing. */
	d->buffers = malloc((size_t)n * 2 * d->cap);
	if (!d->slots || !d->queue || !d->threads || !d->buffers) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < n; i++) {
		d->slots[i].req = d->buffers + (size_t)i * 2 * d->cap;
		d->slots[i].resp = d->slots[i].req + d->cap;
	}
	ret = -pthread_mutex_init(&d->lock, NULL);
	if (ret)
		goto err_free;
	ret = -pthread_cond_init(&d->work, NULL);
	if (ret)
		goto err_mutex;
	*out = d;
	return 0;

err_mutex:
	pthread_mutex_destroy(&d->lock);
err_free:
	free(d->buffers);
	free(d->threads);
	free(d->queue);
	free(d->slots);
	free(d);
	return ret;
}

int vmrpc_dispatch_register(struct vmrpc_dispatch *d, uint16_t module,
			    vmrpc_handler_fn fn, void *opaque)
{
	int ret = 0;

	if (module >= VMRPC_NR_MODULES || !fn)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (d->started)
		ret = -EBUSY;
	else if (d->mods[module].fn)
		ret = -EEXIST;
	else {
		d->mods[module].fn = fn;
		d->mods[module].opaque = opaque;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Ask the workers to end and join them. Called without the lock. */
static void dispatch_join(struct vmrpc_dispatch *d)
{
	unsigned int t;

	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->work);
	pthread_mutex_unlock(&d->lock);
	for (t = 0; t < d->nr_threads; t++)
		pthread_join(d->threads[t], NULL);
	d->nr_threads = 0;
}

int vmrpc_dispatch_start(struct vmrpc_dispatch *d)
{
	int ret;

	pthread_mutex_lock(&d->lock);
	if (d->started || d->stopping) {
		pthread_mutex_unlock(&d->lock);
		return -EINVAL;
	}
	d->started = true;
	pthread_mutex_unlock(&d->lock);

	while (d->nr_threads < d->nr_workers) {
		ret = -pthread_create(&d->threads[d->nr_threads], NULL,
				      dispatch_worker, d);
		if (ret) {
			dispatch_join(d);
			return ret;
		}
		d->nr_threads++;
	}
	return 0;
}

uint32_t vmrpc_dispatch_fail_stale(struct vmrpc_dispatch *d)
{
	uint32_t i, failed = 0;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->layout->nr_slots; i++) {
		volatile struct vmrpc_slot *slot =
			vmrpc_layout_g2h_slot(d->layout, i);

		if (d->slots[i].busy ||
		    le32toh(__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE)) !=
		    VMRPC_SLOT_TAKEN)
			continue;
		vmrpc_slot_reply(slot, d->layout->slot_size,
				 le64toh(slot->seq), VMRPC_EBUSY, NULL, 0);
		vmrpc_stats_g2h_end(d->stats, false, true, VMRPC_EBUSY, false);
		failed++;
	}
	pthread_mutex_unlock(&d->lock);
	return failed;
}

void vmrpc_dispatch_reset(struct vmrpc_dispatch *d)
{
	uint32_t i;

	pthread_mutex_lock(&d->lock);
	d->gen++;
	for (i = 0; i < d->layout->nr_slots; i++) {
		d->slots[i].last_seq = 0;
		d->slots[i].rescan = false;
	}
	pthread_mutex_unlock(&d->lock);
}

void vmrpc_dispatch_stop(struct vmrpc_dispatch *d)
{
	bool replied = false;

	pthread_mutex_lock(&d->lock);
	if (!d->started || d->stopping) {
		d->stopping = true;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	d->stopping = true;
	/* Calls no worker has picked up yet are refused, not run. */
	while (d->q_len) {
		uint32_t i = d->queue[d->q_head];

		d->q_head = (d->q_head + 1) % d->layout->nr_slots;
		d->q_len--;
		replied |= dispatch_finish(d, i, VMRPC_ESHUTDOWN, 0);
	}
	pthread_mutex_unlock(&d->lock);
	if (replied)
		d->raise(d->raise_opaque, VMRPC_GVEC_DONE);
	dispatch_join(d);
}

void vmrpc_dispatch_destroy(struct vmrpc_dispatch *d)
{
	if (!d)
		return;
	if (d->nr_threads)
		dispatch_join(d);
	pthread_cond_destroy(&d->work);
	pthread_mutex_destroy(&d->lock);
	free(d->buffers);
	free(d->threads);
	free(d->queue);
	free(d->slots);
	free(d);
}
