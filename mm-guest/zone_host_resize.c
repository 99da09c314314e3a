// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resizing ZONE_HOST: the host sets the requested size (at boot, or with a
 * reverse call when balloon-ctl sets a new one), and one worker grows or
 * shrinks the zone subblock by subblock until the plugged size is the
 * requested size or it cannot get closer. It then tells the host how it
 * ended (VMRPC_MEM_DONE) and why, when it stopped short.
 *
 * The requested size may change while the worker runs; it reads it again
 * after every step, so a new request takes over at once.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/mm.h>
#include <linux/workqueue.h>

#include "zone_host_provider.h"

/**
 * zone_host_request() - record a new requested size and start the worker
 * @zp: the provider
 * @bytes: requested size, rounded down to subblocks and capped by the data
 *	area and the host's maximum
 *
 * Does not take @zp->lock: it is called from a reverse call, which must
 * not wait for a resize in progress. @zp->req_lock ties the size to its
 * sequence number, so that a worker never calls a newer request stuck.
 */
void zone_host_request(struct zone_host_provider *zp, u64 bytes)
{
	spin_lock(&zp->req_lock);
	WRITE_ONCE(zp->requested, min(round_down(bytes, zp->sb_size), zp->max));
	zp->req_seq++;
	WRITE_ONCE(zp->stuck, false);
	spin_unlock(&zp->req_lock);
	queue_work(zp->wq, &zp->work);
}

/* The requested size and its sequence number, read together. */
static u64 zone_host_requested(struct zone_host_provider *zp, u64 *seq)
{
	u64 requested;

	spin_lock(&zp->req_lock);
	requested = zp->requested;
	*seq = zp->req_seq;
	spin_unlock(&zp->req_lock);
	return requested;
}

/**
 * zone_host_reason_name() - a VMRPC_MEM_R_* for people
 * @reason: the reason
 *
 * Return: a short name ("floor", "busy", ...).
 */
const char *zone_host_reason_name(u32 reason)
{
	static const char *const names[] = { VMRPC_MEM_REASON_NAMES };

	return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

/**
 * zone_host_state() - where the provider stands
 * @zp: the provider
 *
 * Read without the lock: a resize may hold it for long.
 *
 * Return: a VMRPC_MEM_S_* value.
 */
u32 zone_host_state(struct zone_host_provider *zp)
{
	if (!READ_ONCE(zp->attached))
		return VMRPC_MEM_S_NONE;
	if (READ_ONCE(zp->stuck))
		return VMRPC_MEM_S_STUCK;
	if (zone_host_plugged_bytes(zp) == READ_ONCE(zp->requested))
		return VMRPC_MEM_S_IDLE;
	return VMRPC_MEM_S_RESIZING;
}

/*
 * A step that failed for want of an answer (a lost or malformed reply) is
 * tried again a few times in the same run; a refusal or a full guest is not.
 */
#define ZONE_HOST_STEP_RETRIES	3

static bool zone_host_transient(int err)
{
	return err == -ETIMEDOUT || err == -EPROTO;
}

/**
 * zone_host_resize() - work towards the requested size
 * @work: the provider's work item
 */
void zone_host_resize(struct work_struct *work)
{
	struct zone_host_provider *zp =
		container_of(work, struct zone_host_provider, work);
	u32 reason = VMRPC_MEM_R_NONE;
	unsigned long want, before;
	unsigned int retries = 0;
	u64 requested, seq;
	bool latest;
	int ret = 0;

	mutex_lock(&zp->lock);
	if (!READ_ONCE(zp->attached))
		goto out;
	before = zp->nr_plugged;
	zone_host_retry_pending(zp);
	for (;;) {
		requested = zone_host_requested(zp, &seq);
		want = div64_u64(requested, zp->sb_size);
		if (!READ_ONCE(zp->attached) || zp->nr_plugged == want)
			break;
		if (zp->nr_plugged < want)
			ret = zone_host_grow_step(zp, want - zp->nr_plugged,
						  &reason);
		else
			ret = zone_host_shrink(zp, want, &reason);
		if (ret && zone_host_transient(ret) &&
		    retries++ < ZONE_HOST_STEP_RETRIES) {
			/* What the step left undone is pending: tell the host. */
			zone_host_retry_pending(zp);
			reason = VMRPC_MEM_R_NONE;
			ret = 0;
		}
		if (ret)
			break;
		cond_resched();
	}
	/*
	 * Plugging into added blocks and unplugging change managed pages
	 * without onlining or offlining, which would recompute the
	 * watermarks: do it here, once per resize rather than per step (it
	 * takes the hotplug lock and resets every zone's watermark boost).
	 */
	if (zp->nr_plugged != before)
		recalculate_zone_watermarks();
	/*
	 * A newer request came in while the last step failed (a plug the
	 * host refused because it had lowered the size, say): this run is
	 * superseded. The next one reports; saying "stuck" now would be
	 * about a size nobody asks for any more.
	 */
	spin_lock(&zp->req_lock);
	latest = zp->req_seq == seq;
	if (latest)
		WRITE_ONCE(zp->stuck, ret != 0);
	spin_unlock(&zp->req_lock);
	if (ret && !latest) {
		queue_work(zp->wq, &zp->work);
		goto out;
	}
	WRITE_ONCE(zp->error, reason == VMRPC_MEM_R_ERROR ? -ret : 0);
	WRITE_ONCE(zp->reason, reason);
	if (ret) {
		atomic64_inc(&zp->stats.errors);
		pr_warn("%llu MiB plugged of the %llu MiB requested: %s (%d)\n",
			zone_host_plugged_bytes(zp) >> 20, requested >> 20,
			zone_host_reason_name(reason), ret);
	} else if (zp->nr_plugged != before) {
		pr_info("%llu MiB plugged, as requested\n",
			zone_host_plugged_bytes(zp) >> 20);
	}
	if (READ_ONCE(zp->attached) &&
	    zone_host_call_done(requested, zone_host_plugged_bytes(zp), reason,
				zp->error))
		pr_warn_ratelimited("could not tell the host how the resize ended\n");
out:
	mutex_unlock(&zp->lock);
}
