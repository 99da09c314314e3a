/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ZONE_HOST provider: puts the memory the host lends through the
 * zonehost device into ZONE_HOST. State shared by its files; nothing here
 * is API.
 *
 * The data area of BAR2 is cut into memory blocks (the guest's hot-plug
 * unit) and those into subblocks (the host's plug unit, 2 MiB by
 * default). A subblock is plugged when the host granted it and the guest
 * gave its pages to the page allocator. A memory block is added when it
 * was hot-added as driver-managed System RAM; it is then online in
 * ZONE_HOST, and its subblocks that are not plugged are kept offline
 * (PageOffline) and never touched.
 */
#ifndef _MM_ZONE_HOST_PROVIDER_H
#define _MM_ZONE_HOST_PROVIDER_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vmrpc.h>
#include <linux/workqueue.h>

/* The name of the hot-added resources in /proc/iomem. */
#define ZONE_HOST_RESOURCE_NAME		"System RAM (zonehost)"

/*
 * How long the guest does not ask for more after the host shrank it: long
 * enough not to pull back at once what the host just took, short enough
 * that a workload growing right after a shrink (a host policy shrinks
 * routinely) gets memory before the OOM killer runs. The host has the last
 * word anyway (zhostd --guest-ask, its policy's --ask-holdoff).
 */
#define ZONE_HOST_ASK_HOLDOFF		(5 * HZ)

/* The free memory kept above the kernel's reserves when unplugging. */
#define ZONE_HOST_FLOOR_MARGIN_DEFAULT	(64ULL << 20)

/* Counters shown in /sys/kernel/mm/zone_host/stats/. */
struct zone_host_stats {
	atomic64_t plug_requests;	/* VMRPC_MEM_PLUG calls made */
	atomic64_t plug_refused;	/* of those, refused by the host */
	atomic64_t subblocks_plugged;	/* subblocks plugged, ever */
	atomic64_t blocks_added;	/* memory blocks hot-added, ever */
	atomic64_t subblocks_unplugged;	/* subblocks given back, ever */
	atomic64_t unplug_busy;		/* subblocks that could not be emptied */
	atomic64_t floor_stops;		/* shrinks stopped by the floor */
	atomic64_t asks;		/* VMRPC_MEM_ASK calls made */
	atomic64_t asks_refused;	/* of those, refused by the host */
	atomic64_t errors;		/* resize steps that failed */
	atomic64_t requests;		/* requested sizes the host set */
};

/**
 * struct zone_host_provider - the one provider of this guest
 * @lock: serializes resizing; protects everything below except @stats
 * @attached: a zonehost device is bound and its data area is valid
 * @start: guest-physical start of the data area
 * @size: bytes of the data area used (whole memory blocks)
 * @block_size: the guest's memory block size
 * @sb_size: subblock size
 * @sb_pages: pages per subblock
 * @sb_order: page order of a subblock
 * @nr_sb: subblocks in @size
 * @sb_per_block: subblocks per memory block
 * @nr_blocks: memory blocks in @size
 * @nid: node the memory is added to
 * @mgid: memory group of the data area (memory_group_register_host())
 * @plugged: bitmap of plugged subblocks
 * @pending: bitmap of subblocks the guest does not use whose unplug the
 *	host has not confirmed (emptied and taken offline, or a plug that
 *	may have been granted although its reply was lost); neither plugged
 *	nor free, and never plugged again before the host confirms
 * @added: bitmap of added memory blocks
 * @nr_plugged: subblocks set in @plugged
 * @nr_added: memory blocks set in @added; written under @lock with
 *	WRITE_ONCE(), read without it
 * @req_lock: protects @requested, @req_seq and @stuck against each other;
 *	never held across anything that sleeps
 * @requested: bytes the host wants plugged; written under @req_lock, not
 *	@lock (a reverse call must not wait for a resize), read with
 *	READ_ONCE() where a stale value is harmless
 * @req_seq: incremented with every new requested size
 * @max: bytes the host will grant at most
 * @floor_margin: bytes of free memory kept above the kernel's reserves
 *	when unplugging (sysfs floor_margin_bytes)
 * @error: errno of the last failed step, 0 after a step that succeeded
 * @reason: VMRPC_MEM_R_* of the last resize
 * @stuck: the last resize could not reach @requested (under @req_lock)
 * @wq: the provider's workqueue (WQ_MEM_RECLAIM): resize, pressure and
 *	attach work, which wait for the host; set once at init
 * @work: runs zone_host_resize()
 * @pressure: looks for memory pressure five times a second
 *	(zone_host_pressure.c)
 * @ask_after: jiffies before which the guest does not ask the host again
 * @resync: an ask got no answer, so the host may have raised the
 *	requested size without the guest knowing; the pressure worker reads
 *	the configuration again until it gets it (pressure worker only)
 * @stats: counters
 */
struct zone_host_provider {
	struct mutex lock;		/* see kernel-doc above */
	bool attached;
	phys_addr_t start;
	u64 size;
	u64 block_size;
	u64 sb_size;
	unsigned long sb_pages;
	unsigned int sb_order;
	unsigned long nr_sb;
	unsigned long sb_per_block;
	unsigned long nr_blocks;
	int nid;
	int mgid;
	unsigned long *plugged;
	unsigned long *pending;
	unsigned long *added;
	unsigned long nr_plugged;
	unsigned long nr_added;
	spinlock_t req_lock;		/* see kernel-doc above */
	u64 requested;
	u64 req_seq;
	u64 max;
	u64 floor_margin;
	int error;
	u32 reason;
	bool stuck;
	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work pressure;
	unsigned long ask_after;
	bool resync;
	struct zone_host_stats stats;
};

extern struct zone_host_provider zone_host_prov;

/* zone_host_plug.c */
void zone_host_online_page(struct page *page, unsigned int order);
int zone_host_grow_step(struct zone_host_provider *zp, unsigned long want,
			u32 *reason);
u64 zone_host_plugged_bytes(struct zone_host_provider *zp);
u64 zone_host_added_bytes(struct zone_host_provider *zp);
unsigned long zone_host_sb_pfn(struct zone_host_provider *zp,
			       unsigned long sb);

/**
 * zone_host_floor_allows() - may the guest give up @need pages?
 * @avail: available pages now (si_mem_available(), which already leaves
 *	out the kernel's reserves; may be negative)
 * @margin: bytes of available memory to keep (floor_margin_bytes)
 * @need: pages the unplug takes away
 *
 * No sum here can overflow, whatever @margin is: a margin larger than the
 * guest just means it never unplugs.
 *
 * Return: true when at least @margin stays available afterwards.
 */
static inline bool zone_host_floor_allows(long avail, u64 margin,
					  unsigned long need)
{
	if (avail <= 0)
		return false;
	return (u64)avail >= (margin >> PAGE_SHIFT) + need;
}

/* zone_host_unplug.c */
int zone_host_shrink(struct zone_host_provider *zp, unsigned long want,
		     u32 *reason);
void zone_host_retry_pending(struct zone_host_provider *zp);
u64 zone_host_floor_bytes(struct zone_host_provider *zp);

/* zone_host_resize.c */
void zone_host_resize(struct work_struct *work);
void zone_host_request(struct zone_host_provider *zp, u64 bytes);
const char *zone_host_reason_name(u32 reason);

/* zone_host_pressure.c */
void zone_host_pressure(struct work_struct *work);

/* zone_host_rpc.c */
int zone_host_rpc_config(u64 *requested, u64 *max);
int zone_host_rpc_plug(unsigned long first, unsigned long count);
int zone_host_rpc_unplug(unsigned long first, unsigned long count);
int zone_host_rpc_unplug_all(void);
int zone_host_rpc_done(u64 requested, u64 plugged, u32 reason, int error);
int zone_host_rpc_ask(u64 more, u64 *requested);
int zone_host_rpc_init(void);
void zone_host_rpc_exit(void);

/* zone_host_sysfs.c */
int zone_host_sysfs_init(void);
void zone_host_sysfs_exit(void);

/* zone_host_provider.c */
struct zone *zone_host_zone(struct zone_host_provider *zp);
u32 zone_host_state(struct zone_host_provider *zp);

#endif /* _MM_ZONE_HOST_PROVIDER_H */
