// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plugging host memory into ZONE_HOST, subblock by subblock.
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
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>

#include "zone_host_provider.h"

static unsigned long zone_host_sb_of(struct zone_host_provider *zp,
				     unsigned long pfn)
{
	return (pfn - PHYS_PFN(zp->start)) >> zp->sb_order;
}

static unsigned long zone_host_sb_pfn(struct zone_host_provider *zp,
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

/**
 * zone_host_online_page() - online_page callback of the data area's memory
 *	group: give the page allocator the plugged subblocks only
 * @page: first page of the range being onlined
 * @order: the range has 2^@order pages, naturally aligned
 *
 * Runs while the provider adds a memory block, under its lock, so the
 * plugged bitmap is stable.
 */
void zone_host_online_page(struct page *page, unsigned int order)
{
	struct zone_host_provider *zp = &zone_host_prov;
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
 * Give a subblock of an added memory block to the page allocator. Pages
 * that were never onlined go through generic_online_page(); pages taken
 * back from the allocator earlier are freed like alloc_contig_range()
 * memory.
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
			for (i = 0; i < chunk; i++)
				__ClearPageOffline(pfn_to_page(pfn + i));
			free_contig_range(pfn, chunk);
			adjust_managed_page_count(page, chunk);
		}
	}
}

/* Hot-add memory block @blk; the kernel onlines it into ZONE_HOST. */
static int zone_host_add_block(struct zone_host_provider *zp,
			       unsigned long blk)
{
	const u64 addr = zp->start + blk * zp->block_size;
	int ret;

	ret = add_memory_driver_managed(zp->mgid, addr, zp->block_size,
					ZONE_HOST_RESOURCE_NAME,
					MHP_NID_IS_MGID);
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
	__set_bit(blk, zp->added);
	atomic64_inc(&zp->stats.blocks_added);
	return 0;
}

static int zone_host_plug_request(unsigned long first, unsigned long count)
{
	struct zone_host_provider *zp = &zone_host_prov;
	int ret;

	atomic64_inc(&zp->stats.plug_requests);
	ret = zone_host_rpc_plug(first, count);
	if (ret == -EPERM)
		atomic64_inc(&zp->stats.plug_refused);
	return ret;
}

/*
 * Plug up to @want more subblocks: first the holes in added memory blocks,
 * then a new memory block. One run of subblocks per step, so the host is
 * asked about one range at a time.
 */
static int zone_host_grow_step(struct zone_host_provider *zp,
			       unsigned long want)
{
	unsigned long blk, first, end, sb, count, i;
	int ret;

	for_each_set_bit(blk, zp->added, zp->nr_blocks) {
		first = blk * zp->sb_per_block;
		end = first + zp->sb_per_block;
		sb = find_next_zero_bit(zp->plugged, end, first);
		if (sb >= end)
			continue;
		count = min(find_next_bit(zp->plugged, end, sb) - sb, want);
		ret = zone_host_plug_request(sb, count);
		if (ret)
			return ret;
		for (i = sb; i < sb + count; i++) {
			__set_bit(i, zp->plugged);
			zone_host_sb_online(zp, i);
		}
		zp->nr_plugged += count;
		atomic64_add(count, &zp->stats.subblocks_plugged);
		/* Managed pages changed without onlining: refresh. */
		recalculate_zone_watermarks();
		return 0;
	}

	blk = find_first_zero_bit(zp->added, zp->nr_blocks);
	if (blk >= zp->nr_blocks)
		return -ENOSPC;
	first = blk * zp->sb_per_block;
	count = min(zp->sb_per_block, want);
	ret = zone_host_plug_request(first, count);
	if (ret)
		return ret;
	bitmap_set(zp->plugged, first, count);
	ret = zone_host_add_block(zp, blk);
	if (ret) {
		bitmap_clear(zp->plugged, first, count);
		/* Never touched: the host may take them back at once. */
		if (zone_host_rpc_unplug(first, count))
			pr_warn("host did not take back subblocks %lu+%lu\n",
				first, count);
		return ret;
	}
	zp->nr_plugged += count;
	atomic64_add(count, &zp->stats.subblocks_plugged);
	return 0;
}

/**
 * zone_host_resize() - work towards the requested size
 * @work: the provider's work item
 *
 * Grows ZONE_HOST subblock by subblock until the plugged size is the
 * requested size, the host refuses, or a step fails; the failure is kept
 * in the provider's error and the work stops until the next request.
 */
void zone_host_resize(struct work_struct *work)
{
	struct zone_host_provider *zp =
		container_of(work, struct zone_host_provider, work);
	unsigned long want;
	int ret = 0;

	mutex_lock(&zp->lock);
	if (!zp->attached)
		goto out;
	want = div64_u64(zp->requested, zp->sb_size);
	while (zp->nr_plugged < want && zp->attached) {
		ret = zone_host_grow_step(zp, want - zp->nr_plugged);
		if (ret)
			break;
		cond_resched();
	}
	if (!ret && zp->nr_plugged > want) {
		/*
		 * Giving memory back is the host's shrink request, which
		 * this guest does not serve: say so instead of pretending.
		 */
		ret = -EOPNOTSUPP;
	}
	zp->error = -ret;
	zp->stuck = ret != 0;
	if (ret) {
		atomic64_inc(&zp->stats.errors);
		pr_warn("plugged %llu MiB of the %llu MiB requested: %d\n",
			zone_host_plugged_bytes(zp) >> 20, zp->requested >> 20,
			ret);
	} else {
		pr_info("plugged %llu MiB into ZONE_HOST\n",
			zone_host_plugged_bytes(zp) >> 20);
	}
out:
	mutex_unlock(&zp->lock);
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
 * Return: the added size.
 */
u64 zone_host_added_bytes(struct zone_host_provider *zp)
{
	if (!zp->added)
		return 0;
	return (u64)bitmap_weight(zp->added, zp->nr_blocks) * zp->block_size;
}
