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
#include <linux/types.h>
#include <linux/workqueue.h>

/* The name of the hot-added resources in /proc/iomem. */
#define ZONE_HOST_RESOURCE_NAME		"System RAM (zonehost)"

/* Counters shown in /sys/kernel/mm/zone_host/stats/. */
struct zone_host_stats {
	atomic64_t plug_requests;	/* VMRPC_MEM_PLUG calls made */
	atomic64_t plug_refused;	/* of those, refused by the host */
	atomic64_t subblocks_plugged;	/* subblocks plugged, ever */
	atomic64_t blocks_added;	/* memory blocks hot-added, ever */
	atomic64_t errors;		/* resize steps that failed */
	atomic64_t requests;		/* requested sizes received */
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
 * @added: bitmap of added memory blocks
 * @nr_plugged: subblocks set in @plugged
 * @requested: bytes the host wants plugged
 * @max: bytes the host will grant at most
 * @error: errno of the last failed step, 0 after a step that succeeded
 * @stuck: the last resize could not reach @requested
 * @work: runs zone_host_resize()
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
	unsigned long *added;
	unsigned long nr_plugged;
	u64 requested;
	u64 max;
	int error;
	bool stuck;
	struct work_struct work;
	struct zone_host_stats stats;
};

extern struct zone_host_provider zone_host_prov;

/* zone_host_plug.c */
void zone_host_online_page(struct page *page, unsigned int order);
void zone_host_resize(struct work_struct *work);
u64 zone_host_plugged_bytes(struct zone_host_provider *zp);
u64 zone_host_added_bytes(struct zone_host_provider *zp);

/* zone_host_rpc.c */
int zone_host_rpc_config(u64 *requested, u64 *max);
int zone_host_rpc_plug(unsigned long first, unsigned long count);
int zone_host_rpc_unplug(unsigned long first, unsigned long count);
int zone_host_rpc_unplug_all(void);
int zone_host_rpc_init(void);

/* zone_host_sysfs.c */
int zone_host_sysfs_init(void);

/* zone_host_provider.c */
struct zone *zone_host_zone(struct zone_host_provider *zp);
u32 zone_host_state(struct zone_host_provider *zp);
void zone_host_set_requested(struct zone_host_provider *zp, u64 bytes);

#endif /* _MM_ZONE_HOST_PROVIDER_H */
