// SPDX-License-Identifier: GPL-2.0-only
/*
 * Giving ZONE_HOST memory back to the host, subblock by subblock.
 *
 * The guest picks the subblocks cheapest to empty: those with the fewest
 * pages in use, and among equals the highest, so that memory blocks at the
 * end of the data area empty first. It takes a subblock out of the page
 * allocator with alloc_contig_range(), which migrates the pages in use
 * elsewhere (to the rest of ZONE_HOST first, then the other zones), marks
 * its pages PageOffline and only then tells the host, which punches the
 * hole (one call per contiguous run, at most 512 MiB at a time). Pages
 * that cannot be migrated (pinned, say) make that subblock
 * busy; the guest moves on to the next one.
 *
 * The floor: the guest never unplugs a subblock if afterwards its
 * available memory (MemAvailable, which already leaves out the kernel's
 * reserves: high watermarks and lowmem reserves) would be below a margin
 * (floor_margin_bytes, 64 MiB by default). Below that the workload would
 * have to be reclaimed or OOM-killed to make room; the guest stops and
 * says "floor" instead.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/sort.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include "../internal.h"
#include "zone_host_provider.h"
#include "zone_host_trace.h"

/* alloc_contig_range() tries per subblock before calling it busy. */
#define ZONE_HOST_UNPLUG_TRIES	5

/* A plugged subblock and how many of its pages are in use. */
struct zone_host_candidate {
	unsigned long sb;
	unsigned long used;
};

/**
 * zone_host_floor_bytes() - the least available memory the guest keeps
 * @zp: the provider
 *
 * Return: the floor in bytes.
 */
u64 zone_host_floor_bytes(struct zone_host_provider *zp)
{
	return READ_ONCE(zp->floor_margin);
}

/*
 * Pages of @pfn's free buddy block that lie at or after @pfn, when @pfn is
 * inside one, else 0. A buddy block larger than a subblock starts in an
 * earlier subblock, so look for its head at every larger order.
 */
static unsigned long zone_host_free_run(unsigned long pfn)
{
	unsigned int order, head_order;
	unsigned long head;

	for (order = 0; order <= MAX_PAGE_ORDER; order++) {
		head = pfn & ~((1UL << order) - 1);
		if (!PageBuddy(pfn_to_page(head)))
			continue;
		head_order = buddy_order_unsafe(pfn_to_page(head));
		if (head_order > MAX_PAGE_ORDER || head_order < order)
			continue;
		return head + (1UL << head_order) - pfn;
	}
	return 0;
}

/*
 * Pages of a subblock in use. Free buddy blocks, whole or the part of a
 * larger one, and pages with no reference (on a per-CPU free list, or
 * being freed) count as free. Read without the zone lock: a hint for
 * ordering the candidates, nothing more.
 */
static unsigned long zone_host_sb_used(struct zone_host_provider *zp,
				       unsigned long sb)
{
	unsigned long pfn = zone_host_sb_pfn(zp, sb);
	unsigned long end = pfn + zp->sb_pages, used = 0, run;

	while (pfn < end) {
		run = zone_host_free_run(pfn);
		if (run) {
			pfn += run;
			continue;
		}
		if (page_count(pfn_to_page(pfn)))
			used++;
		pfn++;
	}
	return used;
}

static int zone_host_candidate_cmp(const void *a, const void *b)
{
	const struct zone_host_candidate *x = a, *y = b;

	if (x->used != y->used)
		return x->used < y->used ? -1 : 1;
	return x->sb > y->sb ? -1 : x->sb < y->sb;
}

/*
 * How many candidates from @i on go in one piece: free ones (no page in
 * use) whose subblocks follow each other. The candidates are sorted
 * highest first among equals, so a run descends. At most @limit.
 */
static unsigned long zone_host_free_run_len(const struct zone_host_candidate *cand,
					    unsigned long i, unsigned long n,
					    unsigned long limit)
{
	unsigned long run = 1;

	if (cand[i].used)
		return 1;
	while (i + run < n && run < limit && !cand[i + run].used &&
	       cand[i + run].sb == cand[i].sb - run)
		run++;
	return run;
}

/*
 * Take subblocks [@first, @first + @count) out of the page allocator,
 * migrating their pages in use. Return: 0, -EBUSY when their pages could
 * not all be taken, -ENOMEM when there was no room for migrated pages.
 */
static int zone_host_sbs_offline(struct zone_host_provider *zp,
				 unsigned long first, unsigned long count)
{
	const unsigned long pfn = zone_host_sb_pfn(zp, first);
	const unsigned long nr = count * zp->sb_pages;
	u64 start = ktime_get_ns();
	unsigned long i;
	int ret = -EBUSY, try;

	for (try = 0; try < ZONE_HOST_UNPLUG_TRIES; try++) {
		ret = alloc_contig_range(pfn, pfn + nr, MIGRATE_MOVABLE,
					 GFP_KERNEL | __GFP_NOWARN);
		if (ret != -EBUSY)
			break;
		cond_resched();
	}
	zone_host_stage_end(zp, ZONE_HOST_STAGE_ISOLATE, start);
	trace_zone_host_isolate(first, count, ret);
	if (ret)
		return ret;
	start = ktime_get_ns();
	page_offline_begin();
	for (i = 0; i < nr; i++)
		__SetPageOffline(pfn_to_page(pfn + i));
	page_offline_end();
	adjust_managed_page_count(pfn_to_page(pfn), -(long)nr);
	zone_host_stage_end(zp, ZONE_HOST_STAGE_OFFLINE, start);
	return 0;
}

/*
 * Subblocks taken out per isolation and per unplug call at most (512 MiB
 * of 2 MiB subblocks): fewer drains and round trips, while the host still
 * gets memory back as the shrink goes rather than all at its end.
 */
#define ZONE_HOST_UNPLUG_BATCH	256

/*
 * Tell the host about the subblocks in @batch, one call per contiguous run;
 * a run the host did not confirm stays offline, pending, until it listens.
 */
static void zone_host_report_unplugged(struct zone_host_provider *zp,
				       unsigned long *batch)
{
	unsigned int first, end;

	for_each_set_bitrange(first, end, batch, zp->nr_sb) {
		if (zone_host_unplug_request(zp, first, end - first))
			bitmap_set(zp->pending, first, end - first);
		else
			atomic64_add(end - first, &zp->stats.subblocks_unplugged);
	}
	bitmap_zero(batch, zp->nr_sb);
}

/**
 * zone_host_retry_pending() - tell the host about subblocks it has not
 *	confirmed yet
 * @zp: the provider, locked
 *
 * The host unplugs idempotently, so a subblock whose first unplug did
 * reach the host but whose reply got lost is simply confirmed again.
 */
void zone_host_retry_pending(struct zone_host_provider *zp)
{
	unsigned long sb;

	for_each_set_bit(sb, zp->pending, zp->nr_sb) {
		if (zone_host_unplug_request(zp, sb, 1))
			return;
		__clear_bit(sb, zp->pending);
		atomic64_inc(&zp->stats.subblocks_unplugged);
	}
}

/**
 * zone_host_shrink() - unplug subblocks until @want are left
 * @zp: the provider, locked
 * @want: subblocks to keep plugged
 * @reason: set to a VMRPC_MEM_R_* when it stops short
 *
 * One pass over the plugged subblocks, cheapest first, leaving out those
 * that hold mlocked pages or are pinned. Returns early, with 0, when the
 * requested size changed to at least what is plugged.
 *
 * Return: 0, -ENOMEM (the floor, or no room for migrated pages), -EBUSY
 * (no other subblock could be emptied, or the rest are pinned), or another
 * negative errno.
 */
int zone_host_shrink(struct zone_host_provider *zp, unsigned long want,
		     u32 *reason)
{
	const u64 margin = zone_host_floor_bytes(zp);
	unsigned long n = 0, i, sb, first, run, batched = 0, pinned = 0;
	struct zone_host_candidate *cand;
	unsigned long *batch;
	u64 start = ktime_get_ns();
	int ret = 0;

	cand = kvmalloc_array(zp->nr_plugged, sizeof(*cand), GFP_KERNEL);
	batch = bitmap_zalloc(zp->nr_sb, GFP_KERNEL);
	if (!cand || !batch) {
		kvfree(cand);
		bitmap_free(batch);
		*reason = VMRPC_MEM_R_ERROR;
		return -ENOMEM;
	}
	for_each_set_bit(sb, zp->plugged, zp->nr_sb) {
		/* The host keeps it resident for an mlock: never take it. */
		if (zone_host_pin_busy(zp, sb)) {
			pinned++;
			continue;
		}
		cand[n].sb = sb;
		cand[n].used = zone_host_sb_used(zp, sb);
		n++;
	}
	sort(cand, n, sizeof(*cand), zone_host_candidate_cmp, NULL);
	zone_host_stage_end(zp, ZONE_HOST_STAGE_OFFLINE, start);

	for (i = 0; i < n && zp->nr_plugged > want; i += run) {
		if (div64_u64(READ_ONCE(zp->requested), zp->sb_size) >=
		    zp->nr_plugged || !READ_ONCE(zp->attached))
			break;
		/*
		 * Free subblocks next to each other go in one piece: one
		 * isolation and one call instead of one per subblock.
		 */
		run = zone_host_free_run_len(cand, i, n,
					     min_t(unsigned long,
						   ZONE_HOST_UNPLUG_BATCH,
						   zp->nr_plugged - want));
		if (!zone_host_floor_allows(si_mem_available(), margin,
					    run * zp->sb_pages)) {
			atomic64_inc(&zp->stats.floor_stops);
			*reason = VMRPC_MEM_R_FLOOR;
			ret = -ENOMEM;
			break;
		}
		first = cand[i].sb + 1 - run;
		ret = zone_host_sbs_offline(zp, first, run);
		if (ret == -EBUSY && run > 1) {
			/* Something got allocated there meanwhile: one by one. */
			run = 1;
			first = cand[i].sb;
			ret = zone_host_sbs_offline(zp, first, 1);
		}
		if (ret == -EBUSY) {
			atomic64_inc(&zp->stats.unplug_busy);
			ret = 0;
			continue;
		}
		if (ret) {
			/* No room for the pages to migrate: that is the floor. */
			*reason = ret == -ENOMEM ? VMRPC_MEM_R_FLOOR :
						   VMRPC_MEM_R_ERROR;
			break;
		}
		/* Gone from the guest now; the host hears of it in batches. */
		bitmap_clear(zp->plugged, first, run);
		WRITE_ONCE(zp->nr_plugged, zp->nr_plugged - run);
		bitmap_set(batch, first, run);
		batched += run;
		if (batched >= ZONE_HOST_UNPLUG_BATCH) {
			zone_host_report_unplugged(zp, batch);
			batched = 0;
		}
	}
	zone_host_report_unplugged(zp, batch);
	bitmap_free(batch);
	kvfree(cand);
	if (!ret && zp->nr_plugged > want &&
	    div64_u64(READ_ONCE(zp->requested), zp->sb_size) < zp->nr_plugged) {
		/* What is left is mlocked, or could not be emptied. */
		*reason = pinned ? VMRPC_MEM_R_PINNED : VMRPC_MEM_R_BUSY;
		ret = -EBUSY;
	}
	return ret;
}

#include "zone_host_unplug_kunit.h"
