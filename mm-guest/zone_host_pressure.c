// SPDX-License-Identifier: GPL-2.0-only
/*
 * Asking the host for more memory when the guest runs short.
 *
 * The provider looks at two things: whether ZONE_HOST is nearly full
 * (free pages below its high watermark plus 16 MiB) and whether the guest
 * as a whole is short (MemAvailable below 1/8 of MemTotal). It looks when
 * the kernel starts reclaiming (a shrinker that frees nothing tells it),
 * five times a second while MemAvailable is below 1/4 of MemTotal, and
 * otherwise once a second on a deferrable timer, which does not wake an
 * idle CPU: a guest far from short costs next to nothing, one close to it
 * is watched closely, since a workload ramping at 50 MiB/s under TCG
 * crosses the 1/8 line in about a second.
 *
 * When both hold and the host's maximum leaves room, it asks for more
 * (VMRPC_MEM_ASK): 1/4 of what it has plugged, at least 128 MiB.
 * The host grants it (the requested size grows and the guest plugs it) or
 * refuses; after a refusal the guest waits 30 s before it asks again and
 * meanwhile reclaims as any guest would. An ask that gets no answer may
 * have been granted, so the guest then reads the requested size back
 * (VMRPC_MEM_CONFIG) rather than guess. The worker runs on the provider's
 * own WQ_MEM_RECLAIM queue: it may wait for the host for seconds. It also
 * waits 5 s after the host lowered its size, so that it does not ask
 * straight back for what the host just took, unless its own use (MemTotal
 * - MemAvailable, which unplugging leaves alone) grew by 32 MiB since: a
 * workload that starts right after a shrink must not wait for the
 * hold-off to end and be OOM-killed meanwhile.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/shrinker.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "zone_host_provider.h"

#define ZONE_HOST_PRESSURE_PERIOD	(HZ / 5)	/* close to short */
#define ZONE_HOST_PRESSURE_IDLE_PERIOD	HZ		/* far from it */
/*
 * What one ask wants: a quarter of what is plugged, at least 128 MiB. An
 * eighth and 64 MiB grew a guest by about 45 MiB/s under TCG, less than a
 * workload ramping at 50 MiB/s needs: it was OOM-killed now and then. More
 * than is needed costs little, the host's policy gives the rest back.
 */
#define ZONE_HOST_ASK_MIN		(128ULL << 20)
#define ZONE_HOST_ASK_BACKOFF		(30 * HZ)
#define ZONE_HOST_ASK_SLACK_PAGES	((16UL << 20) >> PAGE_SHIFT)

static bool zone_host_short(struct zone_host_provider *zp, long avail)
{
	struct zone *zone = zone_host_zone(zp);

	return zone_page_state(zone, NR_FREE_PAGES) <
	       high_wmark_pages(zone) + ZONE_HOST_ASK_SLACK_PAGES &&
	       avail < (long)(totalram_pages() / 8);
}

/*
 * An ask that got no answer (a timeout, a lost reply) may have been
 * granted: the host then waits for the guest to plug a size the guest
 * never heard of. Read the requested size from the host instead of
 * guessing; until that works, ask nothing new.
 */
static void zone_host_resync(struct zone_host_provider *zp)
{
	u64 requested, max;

	if (zone_host_call_config(&requested, &max, NULL))
		return;
	zp->resync = false;
	if (requested != READ_ONCE(zp->requested)) {
		pr_info("the host's requested size is %llu MiB\n", requested >> 20);
		zone_host_request(zp, requested);
	}
}

/* MemTotal - MemAvailable, with @avail pages available; 0 at the least. */
static unsigned long zone_host_used(long avail)
{
	unsigned long total = totalram_pages();

	return avail < 0 ? total : total - min_t(unsigned long, avail, total);
}

/**
 * zone_host_pages_used() - pages in use: MemTotal - MemAvailable
 *
 * Unplugging takes as much from one as from the other, so this moves with
 * the guest's demand only.
 *
 * Return: the pages, 0 if MemAvailable exceeds MemTotal.
 */
unsigned long zone_host_pages_used(void)
{
	return zone_host_used(si_mem_available());
}

/*
 * Whether the guest may ask now: not within the backoff after a refusal,
 * and not within the hold-off after the host shrank it unless its own use
 * grew since (a workload starting just after a shrink is new demand, not
 * the guest pulling back what the host took).
 */
static bool zone_host_may_ask(struct zone_host_provider *zp, long avail)
{
	if (time_before(jiffies, READ_ONCE(zp->ask_after)))
		return false;
	if (time_after_eq(jiffies, READ_ONCE(zp->shrunk_until)))
		return true;
	return zone_host_used(avail) >
	       READ_ONCE(zp->used_at_shrink) + ZONE_HOST_ASK_NEW_DEMAND;
}

/* Whether MemAvailable is below 1/4 of MemTotal: look often. */
static bool zone_host_close_to_short(long avail)
{
	return avail < (long)(totalram_pages() / 4);
}

/**
 * zone_host_pressure() - look for memory pressure, ask the host if short
 * @work: the provider's delayed work
 */
void zone_host_pressure(struct work_struct *work)
{
	struct zone_host_provider *zp =
		container_of(to_delayed_work(work), struct zone_host_provider,
			     pressure);
	u64 requested = READ_ONCE(zp->requested), more, granted;
	/* One reading for every decision of this look. */
	long avail = si_mem_available();
	int ret;

	if (!READ_ONCE(zp->attached))
		return;
	if (zp->resync)
		zone_host_resync(zp);
	if (!zp->resync && zone_host_may_ask(zp, avail) &&
	    requested < zp->max && zone_host_plugged_bytes(zp) == requested &&
	    zone_host_short(zp, avail)) {
		more = max(round_down(requested / 4, zp->sb_size),
			   ZONE_HOST_ASK_MIN);
		more = min(more, zp->max - requested);
		atomic64_inc(&zp->stats.asks);
		ret = zone_host_call_ask(more, &granted);
		if (!ret && granted > requested) {
			pr_info("short of memory: asked the host for %llu MiB more, got %llu MiB\n",
				more >> 20, (granted - requested) >> 20);
			zone_host_request(zp, granted);
		} else if (ret && ret != -EPERM) {
			/* No answer: the host may have said yes. */
			atomic64_inc(&zp->stats.asks_refused);
			pr_info("short of memory: no answer to asking for %llu MiB more (%d); reading the host's requested size\n",
				more >> 20, ret);
			zp->resync = true;
			zone_host_resync(zp);
		} else {
			atomic64_inc(&zp->stats.asks_refused);
			WRITE_ONCE(zp->ask_after, jiffies + ZONE_HOST_ASK_BACKOFF);
			pr_info("short of memory: the host did not grant %llu MiB more (%d)\n",
				more >> 20, ret);
		}
	}
	queue_delayed_work(zp->wq, &zp->pressure,
			   zone_host_close_to_short(avail) ?
			   ZONE_HOST_PRESSURE_PERIOD :
			   ZONE_HOST_PRESSURE_IDLE_PERIOD);
}

/*
 * Reclaim calls every shrinker: the moment to look at once rather than at
 * the next tick. Nothing is freed here, and the look runs on the
 * provider's queue, since it may wait for the host.
 */
static unsigned long zone_host_pressure_count(struct shrinker *shrinker,
					      struct shrink_control *sc)
{
	struct zone_host_provider *zp = shrinker->private_data;

	if (READ_ONCE(zp->attached))
		mod_delayed_work(zp->wq, &zp->pressure, 0);
	return 0;
}

static unsigned long zone_host_pressure_scan(struct shrinker *shrinker,
					     struct shrink_control *sc)
{
	return SHRINK_STOP;
}

/**
 * zone_host_pressure_init() - be told when the kernel starts reclaiming
 * @zp: the provider
 *
 * Return: 0 or -ENOMEM.
 */
int zone_host_pressure_init(struct zone_host_provider *zp)
{
	zp->shrinker = shrinker_alloc(0, "zone_host");
	if (!zp->shrinker)
		return -ENOMEM;
	zp->shrinker->count_objects = zone_host_pressure_count;
	zp->shrinker->scan_objects = zone_host_pressure_scan;
	zp->shrinker->private_data = zp;
	shrinker_register(zp->shrinker);
	return 0;
}

/**
 * zone_host_pressure_exit() - stop being told
 * @zp: the provider given to zone_host_pressure_init()
 */
void zone_host_pressure_exit(struct zone_host_provider *zp)
{
	shrinker_free(zp->shrinker);
	zp->shrinker = NULL;
}
