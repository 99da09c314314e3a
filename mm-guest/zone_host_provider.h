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
 *
 * Its files, each using only those above it in this list:
 *
 *   zone_host_call.c      calls to the host (VMRPC_MOD_MEM,
 *                         VMRPC_MOD_PIN and VMRPC_MOD_PAGING, guest to host)
 *   zone_host_plug.c      subblock geometry, plugging, the online callback
 *   zone_host_pin.c       mlocked pages per subblock, pinning by the host
 *   zone_host_paging.c    host paging: reclaim's cold hints for the host
 *   zone_host_pin_holders.c  which processes hold the pinned subblocks
 *   zone_host_unplug.c    unplugging and the floor
 *   zone_host_resize.c    the requested size and the worker that reaches it
 *   zone_host_pressure.c  asking the host for more when the guest runs short
 *   zone_host_serve.c     the host's calls to the guest (VMRPC_MOD_MEM,
 *                         VMRPC_MOD_PIN and VMRPC_MOD_PAGING)
 *   zone_host_sysfs.c     /sys/kernel/mm/zone_host/
 *   zone_host_vmcore.c    a kdump kernel: which page frames of the data
 *                         area /proc/vmcore may read
 *   zone_host_provider.c  binding to the device, setup, notifiers, init
 *
 * zone_host_trace.c creates the tracepoints of zone_host_trace.h, which
 * any of them may fire.
 *
 * The working-set estimator (zone_host_wss*.c, zone_host_wss.h) uses none
 * of them but zone_host_paging_idle(), declared in its own header;
 * zone_host_provider.c starts it.
 */
#ifndef _MM_ZONE_HOST_PROVIDER_H
#define _MM_ZONE_HOST_PROVIDER_H

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vmrpc.h>
#include <linux/workqueue.h>

/* The name of the hot-added resources in /proc/iomem. */
#define ZONE_HOST_RESOURCE_NAME		"System RAM (zonehost)"

/*
 * How long the guest does not ask for more after the host shrank it, unless
 * its own use grew by ZONE_HOST_ASK_NEW_DEMAND since: long enough not to
 * pull back at once what the host just took, while a workload growing
 * right after a shrink (a host policy shrinks routinely) still gets memory
 * before the OOM killer runs. The host has the last word anyway (zhostd
 * --guest-ask, its policy's --ask-holdoff).
 */
#define ZONE_HOST_ASK_HOLDOFF		(5 * HZ)
#define ZONE_HOST_ASK_NEW_DEMAND	((32UL << 20) >> PAGE_SHIFT)

/* The free memory kept above the kernel's reserves when unplugging. */
#define ZONE_HOST_FLOOR_MARGIN_DEFAULT	(64ULL << 20)

/* Counters shown in /sys/kernel/mm/zone_host/stats/; atomic, no lock. */
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

/* The stages of a resize whose time the host hears of (vmrpc_mem_stages). */
enum zone_host_stage {
	ZONE_HOST_STAGE_HOST,		/* waiting for PLUG and UNPLUG replies */
	ZONE_HOST_STAGE_ISOLATE,	/* alloc_contig_range() */
	ZONE_HOST_STAGE_OFFLINE,	/* choosing subblocks, marking pages offline */
	ZONE_HOST_STAGE_ONLINE,		/* plugged pages to the page allocator */
	ZONE_HOST_STAGE_ADD,		/* hot-adding memory blocks */
	ZONE_HOST_STAGE_WATERMARKS,	/* recalculate_zone_watermarks() */
	ZONE_HOST_NR_STAGES
};

/**
 * struct zone_host_stages - where the time of the resize in progress goes
 * @ns: nanoseconds spent in each stage
 * @host_calls: VMRPC_MEM_PLUG and VMRPC_MEM_UNPLUG calls made
 * @steps: grow and shrink steps
 *
 * Only the resize worker and the steps it calls touch it, under the
 * provider's @lock; zone_host_resize() zeroes it at its start and sends
 * it with VMRPC_MEM_DONE at its end.
 */
struct zone_host_stages {
	u64 ns[ZONE_HOST_NR_STAGES];
	unsigned int host_calls;
	unsigned int steps;
};

/* Counters of pinning, in /sys/kernel/mm/zone_host/pin/; atomic, no lock. */
struct zone_host_pin_stats {
	atomic64_t updates;		/* VMRPC_PIN_UPDATE calls made */
	atomic64_t refused;		/* runs the host pinned only in part */
	atomic64_t errors;		/* calls that failed (sent again later) */
	atomic64_t underflows;		/* counts that went below zero (a bug) */
};

/**
 * struct zone_host_pin - the subblocks that hold mlocked pages, and which
 *	of them the host pinned
 *
 * The mlock hook (zone_host_mlock_account(), called from mm/ in any
 * context) only counts and marks; @work, in process context, tells the
 * host. Geometry fields are set once, before @enabled is set and the hook
 * can run, and never change.
 *
 * @base_pfn: geometry: first page frame of the data area
 * @nr_sb: geometry: subblocks in the data area
 * @sb_order: geometry: page order of a subblock
 * @mlocked: per subblock, its mlocked pages. Changed by the hook with
 *	atomic operations only; allocated with the geometry and never freed
 *	(the hook cannot be stopped from reading it)
 * @dirty: subblocks whose @mlocked crossed zero since @work last looked
 *	at them, or whose pin must be sent again; set_bit() by anyone,
 *	test_and_clear_bit() by @work
 * @enabled: the hook counts: set once, after the geometry, with
 *	WRITE_ONCE(), before the static key is enabled
 * @lock: serializes @work; protects everything below
 * @wanted: subblocks the guest asked the host to pin (a PIN sent, no
 *	UNPIN since); bits change under @lock. The unplug reads it without
 *	the lock, as a hint that @mlocked backs up
 * @pinned: of @wanted, those the host confirmed pinned; under @lock
 * @shortfall: of @wanted, those the host refused to pin; under @lock
 * @nr_wanted: bits set in @wanted; written under @lock with WRITE_ONCE(),
 *	read with READ_ONCE() anywhere
 * @nr_pinned: bits set in @pinned; as @nr_wanted
 * @nr_short: bits set in @shortfall; as @nr_wanted
 * @reason: VMRPC_PIN_R_* of the last refusal; as @nr_wanted
 * @no_host: the host has no pinning (an older zhostd answered
 *	VMRPC_ENOMOD): nothing is sent until a device binds again; as
 *	@nr_wanted
 * @ops: the batch being built, vmrpc_max_payload() permitting; under @lock
 * @results: the host's answer to it; under @lock
 * @max_ops: entries @ops and @results hold; set with the geometry
 * @work: sends what changed (runs on the provider's workqueue)
 * @retry: asks again, some seconds later, for what the host refused or
 *	never answered
 * @stats: counters
 */
struct zone_host_pin {
	unsigned long base_pfn;
	unsigned long nr_sb;
	unsigned int sb_order;
	atomic_t *mlocked;
	unsigned long *dirty;
	bool enabled;
	struct mutex lock;		/* see kernel-doc above */
	unsigned long *wanted;
	unsigned long *pinned;
	unsigned long *shortfall;
	unsigned long nr_wanted;
	unsigned long nr_pinned;
	unsigned long nr_short;
	u32 reason;
	bool no_host;
	struct vmrpc_pin_batch *ops;
	struct vmrpc_pin_result *results;
	unsigned int max_ops;
	struct work_struct work;
	struct delayed_work retry;
	struct zone_host_pin_stats stats;
};

/* Counters of host paging, in /sys/kernel/mm/zone_host/paging/; atomic. */
struct zone_host_paging_stats {
	atomic64_t hinted;		/* pages sent to the host as hints */
	atomic64_t hint_calls;		/* VMRPC_PAGING_HINT calls made */
	atomic64_t accepted;		/* of @hinted, pages the host took */
	atomic64_t kept;		/* pages reclaim kept for the host */
	atomic64_t idle;		/* idle pages the estimator hinted */
	atomic64_t guest_swapped;	/* pages reclaim left to the guest's swap */
	atomic64_t dropped;		/* kept pages never hinted */
	atomic64_t errors;		/* hint calls that failed */
};

/* A run of queued pages, counted from the start of the data area. */
struct zone_host_paging_run {
	unsigned long first;
	unsigned int count;
	u16 source;		/* VMRPC_PAGING_SRC_* */
};

/**
 * struct zone_host_paging - who pages ZONE_HOST, and the hints for the host
 *
 * The reclaim hook (zone_host_paging_keep(), called from mm/vmscan.c)
 * only decides and queues; @work, in process context, sends the hints.
 * Geometry fields are set once, before @enabled is set and the hook can
 * run, and never change.
 *
 * @base_pfn: geometry: first page frame of the data area
 * @nr_pages: geometry: pages in the data area
 * @sb_order: geometry: page order of a subblock (a run stays in one)
 * @enabled: the hook looks at the data area: set once, after the geometry,
 *	with WRITE_ONCE(), before the static key is enabled
 * @fallback_priority: reclaim at this scan priority or a lower (more
 *	desperate) one leaves folios to the guest's swap even in host mode;
 *	written by sysfs with WRITE_ONCE(), read with READ_ONCE()
 * @idle_windows: the working-set estimator hints a folio idle this many
 *	windows, 0 never; as @fallback_priority
 * @buf_lock: protects @buf, @nr_buf and @buf_pages; @mode and @reason
 *	are written under it (WRITE_ONCE()) and read with READ_ONCE() anywhere
 * @mode: VMRPC_PAGING_MODE_*: who pages the zone now
 * @reason: VMRPC_PAGING_R_* the host gave when it last stopped paging
 * @buf: runs queued by the hook, ZONE_HOST_PAGING_BUF_RUNS of them at
 *	most; allocated with the geometry and never freed
 * @nr_buf: runs in @buf
 * @buf_pages: pages in @buf
 * @lock: serializes @work; protects @hints and @reply
 * @hints: the call being sent
 * @reply: the host's reply to it
 * @max_runs: runs @hints holds; set with the geometry
 * @work: sends the queued runs (on the provider's workqueue)
 * @stats: counters
 */
struct zone_host_paging {
	unsigned long base_pfn;
	unsigned long nr_pages;
	unsigned int sb_order;
	bool enabled;
	int fallback_priority;
	unsigned int idle_windows;
	spinlock_t buf_lock;		/* see kernel-doc above */
	u32 mode;
	u32 reason;
	struct zone_host_paging_run *buf;
	unsigned int nr_buf;
	unsigned long buf_pages;
	struct mutex lock;		/* see kernel-doc above */
	struct vmrpc_paging_hints *hints;
	struct vmrpc_paging_reply reply;
	unsigned int max_runs;
	struct work_struct work;
	struct zone_host_paging_stats stats;
};

/**
 * struct zone_host_provider - the one provider of this guest
 *
 * Who writes each field, under which lock, and who may read it without.
 * "Geometry" fields are written once, by the first setup under @lock,
 * before @attached is first set, and never change afterwards (a device
 * bound again must bring the same data area); readers that saw @attached
 * set, or that run under @lock, need no lock for them.
 *
 * @lock: serializes setup, detach and resizing (one resize at a time)
 * @attached: a device is bound and the data area is valid. Set by setup
 *	under @lock and @req_lock, cleared by detach under @req_lock only
 *	(detach must not wait for @lock); read with READ_ONCE() anywhere,
 *	and again after every resize step, so that a detach stops a resize
 * @start: geometry: guest-physical start of the data area
 * @size: geometry: bytes of the data area used (whole memory blocks)
 * @block_size: geometry: the guest's memory block size
 * @sb_size: geometry: subblock size
 * @sb_pages: geometry: pages per subblock
 * @sb_order: geometry: page order of a subblock
 * @nr_sb: geometry: subblocks in @size
 * @sb_per_block: geometry: subblocks per memory block
 * @nr_blocks: geometry: memory blocks in @size
 * @nid: geometry: node the memory is added to
 * @mgid: geometry: memory group of the data area
 *	(memory_group_register_host()), -1 before the first setup
 * @plugged: bitmap of plugged subblocks. Allocated with the geometry;
 *	bits change under @lock only. The online callback reads it under
 *	@lock (it runs inside a hot-add); the host's MAP call reads it
 *	without, as a snapshot for a consistency check
 * @pending: bitmap of subblocks the guest does not use whose unplug the
 *	host has not confirmed (emptied and taken offline, or a plug that
 *	may have been granted although its reply was lost); neither plugged
 *	nor free, and never plugged again before the host confirms. Under
 *	@lock
 * @added: bitmap of added memory blocks; bits are set under @lock and
 *	never cleared (blocks are not removed). Once setup attached, the
 *	bitmap and the geometry stay for the provider's lifetime, so detach
 *	tests bits without @lock
 * @nr_plugged: subblocks set in @plugged; written under @lock with
 *	WRITE_ONCE(), read without it with READ_ONCE() (one step old at worst)
 * @nr_added: memory blocks set in @added; as @nr_plugged
 * @req_lock: protects @requested, @req_seq, @stuck, @bind_gen, @area and
 *	@dev_name, and orders the writes of @attached; never held across
 *	anything that sleeps
 * @requested: bytes the host wants plugged; written under @req_lock, not
 *	@lock (a reverse call must not wait for a resize), read with
 *	READ_ONCE() where a stale value is harmless
 * @req_seq: incremented with every new requested size; under @req_lock
 * @stuck: the last resize could not reach @requested; written under
 *	@req_lock, read with READ_ONCE()
 * @requested_at: ktime_get_ns() when @requested was last set; under
 *	@req_lock
 * @max: bytes the host will grant at most; written by setup under @lock
 *	before @attached is set, read with READ_ONCE()
 * @host_stages: the host takes a resize's stages with VMRPC_MEM_DONE
 *	(VMRPC_MEM_CFG_STAGES); written by setup under @lock, read under
 *	@lock
 * @floor_margin: bytes of free memory kept above the kernel's reserves
 *	when unplugging; written by sysfs (floor_margin_bytes) with
 *	WRITE_ONCE() and no lock, read with READ_ONCE()
 * @error: errno of the last failed step, 0 after a step that succeeded;
 *	written under @lock with WRITE_ONCE(), read with READ_ONCE()
 * @reason: VMRPC_MEM_R_* of the last resize; as @error
 * @ask_after: jiffies before which the guest does not ask the host again
 *	after a refusal; pressure worker only
 * @shrunk_until: jiffies before which the guest does not ask after the
 *	host lowered its size, unless its use grew since; written by the
 *	host's SET_REQUESTED call with WRITE_ONCE() and no lock, read by the
 *	pressure worker with READ_ONCE()
 * @used_at_shrink: pages in use (MemTotal - MemAvailable, which unplugging
 *	does not change) when the host last lowered the size; as @shrunk_until
 * @resync: an ask got no answer, so the host may have raised the
 *	requested size without the guest knowing; the pressure worker reads
 *	the configuration again until it gets it. Pressure worker only
 * @wq: the provider's workqueue (WQ_MEM_RECLAIM) for resize, pressure and
 *	attach work, which wait for the host; set once at init
 * @work: runs zone_host_resize()
 * @pressure: runs zone_host_pressure() while attached: five times a
 *	second when close to short, else every second (deferrable), and at once
 *	when reclaim calls @shrinker
 * @shrinker: frees nothing; tells the provider that reclaim started; set
 *	once at init
 * @attach_work: runs setup once a device binds
 * @bind_gen: incremented when a device binds and when it goes, under
 *	@req_lock; setup attaches only if it did not change meanwhile
 * @area: the data area the device published (without its device
 *	pointer: the device may go before the work runs); written by the
 *	attach callback, copied by @attach_work, both under @req_lock
 * @dev_name: the device's name, for messages; as @area
 * @client: this provider as a VMRPC client (attach and detach callbacks)
 * @memory_nb: refuses to offline the data area's memory blocks
 * @pm_nb: refuses hibernation while host memory is plugged
 * @kobj: /sys/kernel/mm/zone_host/; set once at init
 * @stats: counters
 * @stages: where the time of the resize in progress goes; under @lock
 * @pin: mlocked subblocks and their pins (its own locking)
 * @paging: who pages the zone, and the host's hints (its own locking)
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
	bool stuck;
	u64 requested_at;
	u64 max;
	bool host_stages;
	u64 floor_margin;
	int error;
	u32 reason;
	unsigned long ask_after;
	unsigned long shrunk_until;
	unsigned long used_at_shrink;
	bool resync;
	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work pressure;
	struct shrinker *shrinker;
	struct work_struct attach_work;
	u64 bind_gen;
	struct vmrpc_data_area area;
	char dev_name[32];
	struct vmrpc_client client;
	struct notifier_block memory_nb;
	struct notifier_block pm_nb;
	struct kobject *kobj;
	struct zone_host_stats stats;
	struct zone_host_stages stages;
	struct zone_host_pin pin;
	struct zone_host_paging paging;
};

/**
 * zone_host_stage_end() - count the time since @start to a stage
 * @zp: the provider, locked by its resize worker
 * @stage: the stage
 * @start: ktime_get_ns() when the stage began
 */
static inline void zone_host_stage_end(struct zone_host_provider *zp,
				       enum zone_host_stage stage, u64 start)
{
	zp->stages.ns[stage] += ktime_get_ns() - start;
}

/* zone_host_call.c */
int zone_host_call_config(u64 *requested, u64 *max, u32 *flags);
int zone_host_call_plug(unsigned long first, unsigned long count);
int zone_host_call_unplug(unsigned long first, unsigned long count);
int zone_host_call_unplug_all(void);
int zone_host_call_host_map(u64 first, u32 count, u8 *bits);
int zone_host_call_done(u64 requested, u64 plugged, u32 reason, int error,
			const struct vmrpc_mem_stages *stages);
int zone_host_call_ask(u64 more, u64 *requested);
int zone_host_call_pin(const struct vmrpc_pin_batch *batch,
		       struct vmrpc_pin_result *results);
int zone_host_call_hint(const struct vmrpc_paging_hints *hints,
			struct vmrpc_paging_reply *reply);

/* zone_host_plug.c */
int zone_host_plug_register(struct zone_host_provider *zp);
void zone_host_plug_release_resources(struct zone_host_provider *zp);
void zone_host_plug_claim_resources(struct zone_host_provider *zp);
int zone_host_unplug_request(struct zone_host_provider *zp,
			     unsigned long first, unsigned long count);
int zone_host_grow_step(struct zone_host_provider *zp, unsigned long want,
			u32 *reason);
u64 zone_host_plugged_bytes(struct zone_host_provider *zp);
u64 zone_host_added_bytes(struct zone_host_provider *zp);
unsigned long zone_host_sb_pfn(struct zone_host_provider *zp,
			       unsigned long sb);
struct zone *zone_host_zone(struct zone_host_provider *zp);

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

/* zone_host_pin.c */
void zone_host_pin_init(struct zone_host_provider *zp);
int zone_host_pin_setup(struct zone_host_provider *zp);
void zone_host_pin_attach(struct zone_host_provider *zp);
bool zone_host_pin_busy(struct zone_host_provider *zp, unsigned long sb);
unsigned long zone_host_pin_mlocked(struct zone_host_provider *zp);
int zone_host_pin_status(struct zone_host_provider *zp, void *resp,
			 u32 resp_size);
const char *zone_host_pin_reason_name(u32 reason);

/* zone_host_paging.c */
void zone_host_paging_init(struct zone_host_provider *zp);
int zone_host_paging_setup(struct zone_host_provider *zp);
void zone_host_paging_detach(struct zone_host_provider *zp);
int zone_host_paging_set_mode(struct zone_host_provider *zp, const void *req,
			      u32 req_len, void *resp, u32 resp_size);
int zone_host_paging_status(struct zone_host_provider *zp, void *resp,
			    u32 resp_size);
const char *zone_host_paging_reason_name(u32 reason);

/* zone_host_pin_holders.c */
int zone_host_pin_holders(struct zone_host_provider *zp, const void *req,
			  u32 req_len, void *resp, u32 resp_size);

/* zone_host_unplug.c */
int zone_host_shrink(struct zone_host_provider *zp, unsigned long want,
		     u32 *reason);
void zone_host_retry_pending(struct zone_host_provider *zp);
u64 zone_host_floor_bytes(struct zone_host_provider *zp);

/* zone_host_resize.c */
void zone_host_resize(struct work_struct *work);
void zone_host_request(struct zone_host_provider *zp, u64 bytes);
const char *zone_host_reason_name(u32 reason);
u32 zone_host_state(struct zone_host_provider *zp);

/* zone_host_pressure.c */
unsigned long zone_host_pages_used(void);
void zone_host_pressure(struct work_struct *work);
int zone_host_pressure_init(struct zone_host_provider *zp);
void zone_host_pressure_exit(struct zone_host_provider *zp);

/* zone_host_serve.c */
int zone_host_serve_init(struct zone_host_provider *zp);
void zone_host_serve_exit(struct zone_host_provider *zp);

/* zone_host_sysfs.c */
int zone_host_sysfs_init(struct zone_host_provider *zp);
void zone_host_sysfs_exit(struct zone_host_provider *zp);

/* zone_host_vmcore.c */
#if IS_ENABLED(CONFIG_PROC_VMCORE)
void zone_host_vmcore_attach(const struct vmrpc_data_area *area);
#else
static inline void zone_host_vmcore_attach(const struct vmrpc_data_area *area)
{
}
#endif

#endif /* _MM_ZONE_HOST_PROVIDER_H */
