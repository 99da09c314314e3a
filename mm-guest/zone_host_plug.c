// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plugging host memory into ZONE_HOST, subblock by subblock (growing;
 * shrinking is zone_host_unplug.c).
 *
 * The guest asks the host for a run of subblocks (VMRPC_MEM_PLUG) before
 * it touches them. Subblocks in a memory block that is already added go to
 * the page allocator at once. Otherwise the next memory block is hot-added
 * as driver-managed System RAM; the kernel onlines it into ZONE_HOST (its
 * memory group says so), and zone_host_online_page() hands only the
 * granted subblocks to the page allocator while the others stay
 * PageOffline, untouched, with no host memory behind them.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>

#include "zone_host_provider.h"
#include "zone_host_trace.h"

/*
 * The provider whose memory group is being onlined: the online_page
 * callback gets no argument of its own. The only global of the provider;
 * set once by zone_host_plug_register().
 */
static struct zone_host_provider *zone_host_onlining;

static unsigned long zone_host_sb_of(struct zone_host_provider *zp,
				     unsigned long pfn)
{
	return (pfn - PHYS_PFN(zp->start)) >> zp->sb_order;
}

/**
 * zone_host_sb_pfn() - first page frame of a subblock
 * @zp: the provider
 * @sb: subblock index
 *
 * Return: the PFN.
 */
unsigned long zone_host_sb_pfn(struct zone_host_provider *zp,
			       unsigned long sb)
{
	return PHYS_PFN(zp->start) + (sb << zp->sb_order);
}

/*
 * Keep pages the host has not granted away from the page allocator. They
 * are PageOffline since their memmap was initialized; PageDirty remembers
 * that they never went through generic_online_page().
 */
static void zone_host_keep_offline(unsigned long pfn, unsigned long nr)
{
	page_offline_begin();
	for (; nr--; pfn++)
		SetPageDirty(pfn_to_page(pfn));
	page_offline_end();
}

/*
 * The online_page callback of the data area's memory group: give the page
 * allocator the plugged subblocks only. Runs while the provider adds a
 * memory block, under its lock, so the plugged bitmap is stable.
 */
static void zone_host_online_page(struct page *page, unsigned int order)
{
	struct zone_host_provider *zp = zone_host_onlining;
	unsigned int step_order = min(order, zp->sb_order);
	unsigned long step = 1UL << step_order;
	unsigned long pfn = page_to_pfn(page);
	unsigned long nr = 1UL << order;

	for (; nr; nr -= step, pfn += step) {
		if (test_bit(zone_host_sb_of(zp, pfn), zp->plugged))
			generic_online_page(pfn_to_page(pfn), step_order);
		else
			zone_host_keep_offline(pfn, step);
	}
}

/*
 * Free 2^@order pages that alloc_contig_range() took back earlier as one
 * buddy block. They are order-0 pages with a reference each, all charged
 * to that call's allocation tag; free_contig_range() would free them one
 * by one, a buddy merge each, which was most of a grow's time (the
 * resize stages showed it). Instead drop the tails' references and tags,
 * so the range is what a free of the head at @order expects, and free it
 * once: the head's tag is then uncharged for the whole range.
 */
static void zone_host_free_taken(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		VM_WARN_ON_ONCE_PAGE(page_count(page + i) != 1, page + i);
		__ClearPageOffline(page + i);
		if (!i)
			continue;
		set_page_count(page + i, 0);
		clear_page_tag_ref(page + i);
	}
	__free_pages(page, order);
}

/*
 * Give a subblock of an added memory block to the page allocator, in
 * blocks of the largest order it allows. Pages that were never onlined go
 * through generic_online_page(); pages taken back from the allocator
 * earlier through zone_host_free_taken().
 */
static void zone_host_sb_online(struct zone_host_provider *zp,
				unsigned long sb)
{
	const unsigned int order = min_t(unsigned int, zp->sb_order,
					 MAX_PAGE_ORDER);
	const unsigned long chunk = 1UL << order;
	unsigned long pfn = zone_host_sb_pfn(zp, sb);
	unsigned long end = pfn + zp->sb_pages, i;

	for (; pfn < end; pfn += chunk) {
		struct page *page = pfn_to_page(pfn);

		if (PageDirty(page)) {
			for (i = 0; i < chunk; i++)
				ClearPageDirty(pfn_to_page(pfn + i));
			generic_online_page(page, order);
		} else {
			zone_host_free_taken(page, order);
			adjust_managed_page_count(page, chunk);
		}
	}
}

/* Hot-add memory block @blk; the kernel onlines it into ZONE_HOST. */
static int zone_host_add_block(struct zone_host_provider *zp,
			       unsigned long blk)
{
	const u64 addr = zp->start + blk * zp->block_size;
	u64 start = ktime_get_ns();
	int ret;

	ret = add_memory_driver_managed(zp->mgid, addr, zp->block_size,
					ZONE_HOST_RESOURCE_NAME,
					MHP_NID_IS_MGID);
	zone_host_stage_end(zp, ZONE_HOST_STAGE_ADD, start);
	trace_zone_host_block_add(blk, ret);
	if (ret) {
		pr_err("cannot add memory block [%#llx-%#llx]: %d\n", addr,
		       addr + zp->block_size - 1, ret);
		return ret;
	}
	if (!pfn_to_online_page(PHYS_PFN(addr))) {
		/* Onlining failed (no memory for its memmap, say): undo. */
		pr_err("memory block [%#llx-%#llx] was added but did not come online\n",
		       addr, addr + zp->block_size - 1);
		if (remove_memory(addr, zp->block_size))
			pr_err("and cannot be removed again\n");
		return -EIO;
	}
	/* Atomic: a detach tests these bits without @lock. */
	set_bit(blk, zp->added);
	atomic64_inc(&zp->stats.blocks_added);
	return 0;
}

/**
 * zone_host_plug_release_resources() - take the added blocks out of BAR2
 * @zp: the provider, attached until just now (its geometry and @added no
 *	longer change but for bits a resize still sets); @lock need not and
 *	must not be held
 *
 * The "System RAM (zonehost)" resource of each added block is a child of
 * the data area's BAR resource, which the PCI core releases with the
 * device, children and all: left there they would point at a freed parent
 * and leak. A block in @added is fully added and never removed, so its
 * resource can go; the memory stays online. A block whose hot-add is in
 * progress is not in @added yet and keeps its resource, which
 * zone_host_plug_claim_resources() finds missing later.
 */
void zone_host_plug_release_resources(struct zone_host_provider *zp)
{
	unsigned long blk;

	for (blk = 0; blk < zp->nr_blocks; blk++)
		if (test_bit(blk, zp->added))
			release_mem_region_adjustable(zp->start +
						      blk * zp->block_size,
						      zp->block_size);
}

/**
 * zone_host_plug_claim_resources() - put the added blocks back into
 *	/proc/iomem after the device was bound again
 * @zp: the provider, locked, bound again to the data area it used before
 *
 * Requests a "System RAM (zonehost)" resource, flagged as
 * add_memory_driver_managed() flags it, for every added block that has
 * none, inside the new BAR resource: kexec and kdump tools look for
 * hot-added RAM there.
 */
void zone_host_plug_claim_resources(struct zone_host_provider *zp)
{
	unsigned long blk, n = 0;

	for_each_set_bit(blk, zp->added, zp->nr_blocks) {
		const u64 addr = zp->start + blk * zp->block_size;

		if (region_intersects(addr, zp->block_size,
				      IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT)
			continue;
		if (!__request_region(&iomem_resource, addr, zp->block_size,
				      ZONE_HOST_RESOURCE_NAME,
				      IORESOURCE_SYSTEM_RAM |
				      IORESOURCE_SYSRAM_DRIVER_MANAGED)) {
			pr_warn("cannot list memory block [%#llx-%#llx] in /proc/iomem again\n",
				addr, addr + zp->block_size - 1);
			continue;
		}
		n++;
	}
	if (n)
		pr_info("%lu memory block(s) listed in /proc/iomem again\n", n);
}

static int zone_host_plug_request(struct zone_host_provider *zp,
				  unsigned long first, unsigned long count)
{
	u64 start = ktime_get_ns();
	int ret;

	atomic64_inc(&zp->stats.plug_requests);
	ret = zone_host_call_plug(first, count);
	zone_host_stage_end(zp, ZONE_HOST_STAGE_HOST, start);
	zp->stages.host_calls++;
	trace_zone_host_plug(first, count, ret);
	if (ret == -EPERM)
		atomic64_inc(&zp->stats.plug_refused);
	return ret;
}

/**
 * zone_host_unplug_request() - give subblocks back to the host, timed
 * @zp: the provider, locked by its resize worker
 * @first: first subblock
 * @count: number of subblocks
 *
 * Return: 0 when the host confirmed, or a negative errno.
 */
int zone_host_unplug_request(struct zone_host_provider *zp,
			     unsigned long first, unsigned long count)
{
	u64 start = ktime_get_ns();
	int ret;

	ret = zone_host_call_unplug(first, count);
	zone_host_stage_end(zp, ZONE_HOST_STAGE_HOST, start);
	zp->stages.host_calls++;
	trace_zone_host_unplug(first, count, ret);
	return ret;
}

/*
 * Subblocks plugged with one call at most (512 MiB of 2 MiB subblocks): a
 * call costs a round trip, so a grow asks for its holes in as few calls as
 * it can, but a host that preallocates (hugetlb) must answer each well
 * within the call's timeout.
 */
#define ZONE_HOST_PLUG_BATCH	256

/*
 * How many subblocks from hole @sb on are holes too, in added memory
 * blocks (one run may cross blocks), at most @limit.
 */
static unsigned long zone_host_hole_len(struct zone_host_provider *zp,
					unsigned long sb, unsigned long limit)
{
	unsigned long count = 1, next;

	for (next = sb + 1; count < limit && next < zp->nr_sb; next++, count++)
		if (!test_bit(next / zp->sb_per_block, zp->added) ||
		    test_bit(next, zp->plugged) || test_bit(next, zp->pending))
			break;
	return count;
}

/* First subblock in [@sb, @end) that is neither plugged nor pending. */
static unsigned long zone_host_next_hole(struct zone_host_provider *zp,
					 unsigned long sb, unsigned long end)
{
	for (; sb < end; sb++)
		if (!test_bit(sb, zp->plugged) && !test_bit(sb, zp->pending))
			break;
	return sb;
}

/*
 * A plug that failed other than by a refusal may have been granted all the
 * same: a timeout or a lost reply says nothing about what the host did.
 * The guest has not touched those subblocks, so giving them back is always
 * right and costs the host nothing if it never granted them; until the
 * host confirms, they stay pending, and no grow picks them again.
 */
static void zone_host_plug_undo(struct zone_host_provider *zp,
				unsigned long first, unsigned long count,
				int err)
{
	if (err == -EPERM)
		return;
	if (!zone_host_unplug_request(zp, first, count))
		return;
	pr_warn("plug of subblocks %lu+%lu failed (%d) and the host did not take them back yet: retrying later\n",
		first, count, err);
	bitmap_set(zp->pending, first, count);
}

/* Whether memory block @blk has a subblock the host has not confirmed. */
static bool zone_host_block_pending(struct zone_host_provider *zp,
				    unsigned long blk)
{
	unsigned long first = blk * zp->sb_per_block;
	unsigned long end = first + zp->sb_per_block;

	return find_next_bit(zp->pending, end, first) < end;
}

static u32 zone_host_plug_reason(int err)
{
	if (err == -EPERM)
		return VMRPC_MEM_R_REFUSED;
	if (err == -ENOSPC)
		return VMRPC_MEM_R_NO_ROOM;
	return VMRPC_MEM_R_ERROR;
}

/**
 * zone_host_grow_step() - plug up to @want more subblocks
 * @zp: the provider, locked
 * @want: subblocks still missing
 * @reason: set to a VMRPC_MEM_R_* on failure
 *
 * First the holes in added memory blocks (a run of them may span blocks),
 * then a new memory block. One run of subblocks per step, so the host is
 * asked about one range at a time.
 *
 * Return: 0, or a negative errno: -EPERM when the host refused, -ENOSPC
 * when the data area is full.
 */
int zone_host_grow_step(struct zone_host_provider *zp, unsigned long want,
			u32 *reason)
{
	unsigned long blk, first, end, sb, count, i;
	u64 start;
	int ret;

	for_each_set_bit(blk, zp->added, zp->nr_blocks) {
		first = blk * zp->sb_per_block;
		end = first + zp->sb_per_block;
		sb = zone_host_next_hole(zp, first, end);
		if (sb >= end)
			continue;
		count = zone_host_hole_len(zp, sb,
					   min_t(unsigned long, want,
						 ZONE_HOST_PLUG_BATCH));
		ret = zone_host_plug_request(zp, sb, count);
		if (ret) {
			zone_host_plug_undo(zp, sb, count, ret);
			*reason = zone_host_plug_reason(ret);
			return ret;
		}
		start = ktime_get_ns();
		for (i = sb; i < sb + count; i++) {
			__set_bit(i, zp->plugged);
			zone_host_sb_online(zp, i);
		}
		zone_host_stage_end(zp, ZONE_HOST_STAGE_ONLINE, start);
		WRITE_ONCE(zp->nr_plugged, zp->nr_plugged + count);
		atomic64_add(count, &zp->stats.subblocks_plugged);
		return 0;
	}

	/* A block with pending subblocks waits until the host confirms. */
	for_each_clear_bit(blk, zp->added, zp->nr_blocks)
		if (!zone_host_block_pending(zp, blk))
			break;
	if (blk >= zp->nr_blocks) {
		*reason = VMRPC_MEM_R_NO_ROOM;
		return -ENOSPC;
	}
	first = blk * zp->sb_per_block;
	count = min(zp->sb_per_block, want);
	ret = zone_host_plug_request(zp, first, count);
	if (ret) {
		zone_host_plug_undo(zp, first, count, ret);
		*reason = zone_host_plug_reason(ret);
		return ret;
	}
	bitmap_set(zp->plugged, first, count);
	ret = zone_host_add_block(zp, blk);
	if (ret) {
		bitmap_clear(zp->plugged, first, count);
		/* Never touched: the host may take them back at once. */
		zone_host_plug_undo(zp, first, count, ret);
		*reason = VMRPC_MEM_R_ERROR;
		return ret;
	}
	WRITE_ONCE(zp->nr_added, zp->nr_added + 1);
	WRITE_ONCE(zp->nr_plugged, zp->nr_plugged + count);
	atomic64_add(count, &zp->stats.subblocks_plugged);
	return 0;
}

/**
 * zone_host_plugged_bytes() - bytes of plugged subblocks
 * @zp: the provider
 *
 * Return: the plugged size; read without the lock, so possibly one step
 * old.
 */
u64 zone_host_plugged_bytes(struct zone_host_provider *zp)
{
	return (u64)READ_ONCE(zp->nr_plugged) * zp->sb_size;
}

/**
 * zone_host_added_bytes() - bytes of memory blocks hot-added
 * @zp: the provider
 *
 * Return: the added size; read without the lock.
 */
u64 zone_host_added_bytes(struct zone_host_provider *zp)
{
	/* A counter, not the bitmap: setup may free that under the lock. */
	return (u64)READ_ONCE(zp->nr_added) * zp->block_size;
}

/**
 * zone_host_zone() - ZONE_HOST of the node the data area was added to
 * @zp: the provider
 *
 * Return: the zone.
 */
struct zone *zone_host_zone(struct zone_host_provider *zp)
{
	return &NODE_DATA(zp->nid < 0 ? first_online_node : zp->nid)->node_zones[ZONE_HOST];
}

/**
 * zone_host_plug_register() - let @zp decide which pages of its memory
 *	group go to the page allocator when a block comes online
 * @zp: the provider, locked, with its memory group registered
 *
 * Return: 0 or a negative errno.
 */
int zone_host_plug_register(struct zone_host_provider *zp)
{
	/* One provider per guest: a second one would be a bug. */
	if (WARN_ON_ONCE(zone_host_onlining && zone_host_onlining != zp))
		return -EBUSY;
	zone_host_onlining = zp;
	return memory_group_set_online_page_callback(zp->mgid,
						     zone_host_online_page);
}
