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
#include "zone_host_trace.h"

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
	zp->requested_at = ktime_get_ns();
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

static __le32 zone_host_us(u64 ns)
{
	return cpu_to_le32(min_t(u64, div_u64(ns, NSEC_PER_USEC), U32_MAX));
}

/*
 * The stages of the resize that ends, for VMRPC_MEM_DONE. @start: when the
 * worker took the lock; the wait is from the last request to then.
 */
static void zone_host_stages_fill(struct zone_host_provider *zp, u64 start,
				  u64 end, struct vmrpc_mem_stages *out)
{
	const struct zone_host_stages *st = &zp->stages;
	u64 requested_at;

	spin_lock(&zp->req_lock);
	requested_at = zp->requested_at;
	spin_unlock(&zp->req_lock);
	*out = (struct vmrpc_mem_stages){
		.total_us = zone_host_us(end - start),
		/* A request that came in during this run waited for nothing. */
		.wait_us = zone_host_us(requested_at < start ?
					start - requested_at : 0),
		.host_us = zone_host_us(st->ns[ZONE_HOST_STAGE_HOST]),
		.host_calls = cpu_to_le32(st->host_calls),
		.isolate_us = zone_host_us(st->ns[ZONE_HOST_STAGE_ISOLATE]),
		.offline_us = zone_host_us(st->ns[ZONE_HOST_STAGE_OFFLINE]),
		.online_us = zone_host_us(st->ns[ZONE_HOST_STAGE_ONLINE]),
		.add_us = zone_host_us(st->ns[ZONE_HOST_STAGE_ADD]),
		.watermarks_us =
			zone_host_us(st->ns[ZONE_HOST_STAGE_WATERMARKS]),
		.steps = cpu_to_le32(st->steps),
	};
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
	struct vmrpc_mem_stages stages;
	unsigned long want, before;
	unsigned int retries = 0;
	u64 requested, seq, start, t;
	bool latest;
	int ret = 0;

	mutex_lock(&zp->lock);
	if (!READ_ONCE(zp->attached))
		goto out;
	start = ktime_get_ns();
	memset(&zp->stages, 0, sizeof(zp->stages));
	before = zp->nr_plugged;
	trace_zone_host_resize_start(READ_ONCE(zp->requested),
				     zone_host_plugged_bytes(zp));
	zone_host_retry_pending(zp);
	for (;;) {
		requested = zone_host_requested(zp, &seq);
		want = div64_u64(requested, zp->sb_size);
		if (!READ_ONCE(zp->attached) || zp->nr_plugged == want)
			break;
		zp->stages.steps++;
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
	if (zp->nr_plugged != before) {
		t = ktime_get_ns();
		recalculate_zone_watermarks();
		zone_host_stage_end(zp, ZONE_HOST_STAGE_WATERMARKS, t);
		trace_zone_host_watermarks(zone_managed_pages(zone_host_zone(zp)),
					   zp->stages.ns[ZONE_HOST_STAGE_WATERMARKS]);
	}
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
	t = ktime_get_ns();
	zone_host_stages_fill(zp, start, t, &stages);
	trace_zone_host_resize_done(requested, zone_host_plugged_bytes(zp),
				    reason, zp->error, t - start,
				    zp->stages.steps);
	if (READ_ONCE(zp->attached) &&
	    zone_host_call_done(requested, zone_host_plugged_bytes(zp), reason,
				zp->error, zp->host_stages ? &stages : NULL))
		pr_warn_ratelimited("could not tell the host how the resize ended\n");
out:
	mutex_unlock(&zp->lock);
}
