// SPDX-License-Identifier: GPL-2.0-only
/*
 * The working-set estimator: samples page frames of every populated zone
 * once per window and turns what it finds into a per-region estimate (see
 * zone_host_wss.h for the sampling scheme, zone_host_wss_rmap.c for how a
 * sample's accesses are seen).
 *
 * Samples are stratified: one frame in every cell of @stride frames, at an
 * offset fixed per cell. Compared with frames drawn anywhere, this cannot
 * miss or double-count a contiguous run much longer than a cell, and user
 * memory is mostly allocated in such runs.
 *
 * The scan runs on an unbound workqueue, reschedules every few samples and
 * costs, per window, one reverse-map walk per sampled user folio; its CPU
 * time is measured and reported with every result.
 */
#define pr_fmt(fmt) "zone_host_wss: " fmt

#include <linux/hash.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/page_idle.h>
#include <linux/page-flags.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/cputime.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/tlbflush.h>

#include "zone_host_wss.h"

/* Ages are windows since the last access; this one means "not known". */
#define ZONE_HOST_WSS_AGE_NEW		U8_MAX
#define ZONE_HOST_WSS_AGE_MAX		(U8_MAX - 1)
/* Samples between two chances to reschedule. */
#define ZONE_HOST_WSS_BATCH		64

/* The samples of one zone. */
struct zone_host_wss_zone {
	unsigned long start_pfn;	/* first frame of cell 0 */
	unsigned long nr_cells;
	u8 *age;			/* per cell */
};

/* What a scan of one zone counted, in samples. */
struct zone_host_wss_counts {
	u32 samples;		/* on managed frames of the zone */
	u32 anon;		/* user, accessed, anonymous */
	u32 file;		/* user, accessed, file-backed */
	u32 kernel;
	u32 free;
	u32 user;
	u32 pinned;
	u32 idle[VMRPC_WSS_NR_AGES];
	bool cleared;		/* an accessed bit in a page table was cleared */
	/*
	 * The last large folio tested in this zone and what the test said.
	 * Samples are taken in frame order, so all samples of one folio come
	 * one after the other; the first one tests it, and clears its
	 * accessed bits, and the others must reuse that answer instead of
	 * finding the folio idle.
	 */
	unsigned long last_pfn;	/* its first frame, 0 when none */
	unsigned long last_nr;	/* its frames */
	bool last_accessed;
};

/*
 * @lock serializes configuration changes against the scan and protects
 * the sample arrays; @res_lock protects @res, which reverse calls and
 * sysfs read without waiting for a scan.
 */
static struct {
	struct mutex lock;		/* see above */
	bool enabled;
	unsigned int window_ms;
	unsigned int stride;		/* as set; 0: zone_host_wss_auto_stride() */
	unsigned int cur_stride;	/* that the samples were drawn with */
	u32 seed;
	struct zone_host_wss_zone *zones;	/* nr_node_ids * MAX_NR_ZONES */
	u64 windows;
	u64 scan_total_ns;
	u64 next_start;			/* jiffies64 of the next scan */
	struct delayed_work work;
	spinlock_t res_lock;		/* see above */
	struct zone_host_wss_result res;
} wss = {
	.lock = __MUTEX_INITIALIZER(wss.lock),
	.res_lock = __SPIN_LOCK_UNLOCKED(wss.res_lock),
	.enabled = true,
	.window_ms = ZONE_HOST_WSS_WINDOW_MS_DEFAULT,
};

static struct zone_host_wss_zone *zone_host_wss_zone_of(struct zone *zone)
{
	return &wss.zones[zone_to_nid(zone) * MAX_NR_ZONES + zone_idx(zone)];
}

static void zone_host_wss_free_samples(void)
{
	int i;

	for (i = 0; i < nr_node_ids * MAX_NR_ZONES; i++) {
		kvfree(wss.zones[i].age);
		wss.zones[i] = (struct zone_host_wss_zone){};
	}
	wss.windows = 0;
	wss.scan_total_ns = 0;
}

/*
 * The stride when none is set: ZONE_HOST_WSS_STRIDE_DEFAULT pages, or more
 * (a power of two) so that there are at most ZONE_HOST_WSS_SAMPLES_AUTO
 * samples; the cost of a window stays bounded however large the guest.
 * Spans are used, not managed pages, because they do not shrink when
 * memory is unplugged: the stride does not flip back and forth with the
 * guest's size.
 */
static unsigned int zone_host_wss_stride_for(unsigned long spanned)
{
	/* Rounded up without DIV_ROUND_UP(), which wraps near ULONG_MAX. */
	unsigned long pages = spanned / ZONE_HOST_WSS_SAMPLES_AUTO +
			      !!(spanned % ZONE_HOST_WSS_SAMPLES_AUTO);

	if (pages <= ZONE_HOST_WSS_STRIDE_DEFAULT)
		return ZONE_HOST_WSS_STRIDE_DEFAULT;
	if (pages >= ZONE_HOST_WSS_STRIDE_MAX)
		return ZONE_HOST_WSS_STRIDE_MAX;
	return roundup_pow_of_two(pages);
}

static unsigned int zone_host_wss_auto_stride(void)
{
	unsigned long pages = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		pages += zone->spanned_pages;
	return zone_host_wss_stride_for(pages);
}

/*
 * Fit the sample array to the zone's span, which memory hot-add grows. The
 * ages of cells that stay are kept; new cells start unknown.
 */
static int zone_host_wss_fit(struct zone_host_wss_zone *zs, struct zone *zone)
{
	unsigned long start = zone->zone_start_pfn;
	unsigned long cells = DIV_ROUND_UP(zone->spanned_pages, wss.cur_stride);
	unsigned long keep = 0;
	u8 *age;

	if (zs->start_pfn == start && zs->nr_cells == cells && zs->age)
		return 0;
	if (zs->start_pfn == start && zs->age)
		keep = min(cells, zs->nr_cells);
	age = kvmalloc(max(cells, 1UL), GFP_KERNEL);
	if (!age)
		return -ENOMEM;
	if (keep)
		memcpy(age, zs->age, keep);
	memset(age + keep, ZONE_HOST_WSS_AGE_NEW, cells - keep);
	kvfree(zs->age);
	zs->age = age;
	zs->start_pfn = start;
	zs->nr_cells = cells;
	return 0;
}

/* The sampled frame of a cell: a fixed offset in it, random per cell. */
static unsigned long zone_host_wss_pfn(struct zone_host_wss_zone *zs,
				       unsigned long cell)
{
	u32 off = hash_32((u32)cell ^ wss.seed, 32) % wss.cur_stride;

	return zs->start_pfn + cell * wss.cur_stride + off;
}

/* Test one user folio and age its sample. */
static void zone_host_wss_user(struct folio *folio, u8 *age,
			       struct zone_host_wss_counts *c)
{
	unsigned long pfn = folio_pfn(folio), nr = folio_nr_pages(folio);
	bool accessed;
	int i;

	if (nr > 1 && pfn == c->last_pfn && nr == c->last_nr) {
		accessed = c->last_accessed;
	} else {
		accessed = zone_host_wss_folio_accessed(folio, &c->cleared);
		if (nr > 1) {
			c->last_pfn = pfn;
			c->last_nr = nr;
			c->last_accessed = accessed;
		}
	}

	c->user++;
	if (folio_maybe_dma_pinned(folio) || folio_test_mlocked(folio))
		c->pinned++;
	if (accessed) {
		*age = 0;
		if (folio_test_anon(folio))
			c->anon++;
		else
			c->file++;
	} else if (*age == ZONE_HOST_WSS_AGE_NEW) {
		*age = 1;
	} else if (*age < ZONE_HOST_WSS_AGE_MAX) {
		(*age)++;
	}
	/* What the guest does not use, the host may page first. */
	if (!accessed && folio_test_swapbacked(folio) &&
	    folio_zonenum(folio) == ZONE_HOST)
		zone_host_paging_idle(folio, *age);
	for (i = 0; i < VMRPC_WSS_NR_AGES; i++)
		if (*age < (1U << i))
			c->idle[i]++;
}

/* Classify one sample; user folios are tested and aged. */
static void zone_host_wss_sample(struct zone *zone, unsigned long pfn,
				 u8 *age, struct zone_host_wss_counts *c)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio;

	/* Holes, other zones' frames, unplugged subblocks, memblock memory. */
	if (!page || page_zone(page) != zone || PageOffline(page) ||
	    PageReserved(page))
		return;
	c->samples++;
	if (PageBuddy(page) || !page_count(page)) {
		c->free++;
		*age = ZONE_HOST_WSS_AGE_NEW;
		return;
	}
	folio = page_folio(page);
	if (!folio_test_lru(folio) || !folio_try_get(folio)) {
		/* Freed under us (count), or slab, page tables, hugetlb... */
		if (page_count(page))
			c->kernel++;
		else
			c->free++;
		*age = ZONE_HOST_WSS_AGE_NEW;
		return;
	}
	if (unlikely(page_folio(page) != folio || !folio_test_lru(folio))) {
		/* Split, or isolated for reclaim or migration: in use now. */
		c->kernel++;
		*age = ZONE_HOST_WSS_AGE_NEW;
	} else {
		zone_host_wss_user(folio, age, c);
	}
	folio_put(folio);
}

static void zone_host_wss_scan_zone(struct zone *zone,
				    struct zone_host_wss_counts *c)
{
	struct zone_host_wss_zone *zs = zone_host_wss_zone_of(zone);
	unsigned long end = zone_end_pfn(zone);
	unsigned long cell, pfn;

	if (zone_host_wss_fit(zs, zone)) {
		pr_warn_ratelimited("no memory for the samples of zone %s: no estimate for it this window\n",
				    zone->name);
		return;
	}
	for (cell = 0; cell < zs->nr_cells; cell++) {
		pfn = zone_host_wss_pfn(zs, cell);
		if (pfn < end)
			zone_host_wss_sample(zone, pfn, &zs->age[cell], c);
		if (!(cell % ZONE_HOST_WSS_BATCH))
			cond_resched();
	}
}

/*
 * Samples -> bytes: each sample stands for managed / samples pages. The
 * product takes 128 bits: a zone of 2^49 bytes times 2^15 samples would
 * not fit in 64.
 */
static u64 zone_host_wss_scale(u32 count, u64 managed_bytes, u32 samples)
{
	if (!samples)
		return 0;
	return mul_u64_u32_div(managed_bytes, min(count, samples), samples);
}

/*
 * Variance of the zone's working-set estimate, in pages squared, for a
 * binomial proportion k/n of N pages: N^2 * k * (n - k) / n^3. Each step
 * is at most N, and the last takes 128 bits, so nothing overflows for
 * any zone a 64-bit guest can have.
 */
static u64 zone_host_wss_variance(u64 pages, u32 k, u32 n)
{
	u64 v;

	if (!n || k >= n)
		return 0;
	v = mul_u64_u32_div(pages, k, n);	/* N k / n <= N */
	v = mul_u64_u32_div(v, n - k, n);	/* N k (n - k) / n^2 <= N / 4 */
	return mul_u64_u64_div_u64(v, pages, n);
}

static void zone_host_wss_add(struct zone_host_wss_region *r, u64 *var,
			      struct zone *zone,
			      const struct zone_host_wss_counts *c)
{
	u64 pages = zone_managed_pages(zone);
	u64 bytes = pages << PAGE_SHIFT;
	u32 n = c->samples;
	int i;

	r->size += bytes;
	r->anon += zone_host_wss_scale(c->anon, bytes, n);
	r->file += zone_host_wss_scale(c->file, bytes, n);
	r->kernel += zone_host_wss_scale(c->kernel, bytes, n);
	r->free += zone_host_wss_scale(c->free, bytes, n);
	r->user += zone_host_wss_scale(c->user, bytes, n);
	r->pinned += zone_host_wss_scale(c->pinned, bytes, n);
	r->wss += zone_host_wss_scale(c->anon + c->file + c->kernel, bytes, n);
	for (i = 0; i < VMRPC_WSS_NR_AGES; i++)
		r->idle[i] += zone_host_wss_scale(c->idle[i], bytes, n);
	r->samples += n;
	r->accessed += c->anon + c->file;
	*var += zone_host_wss_variance(pages, c->anon + c->file + c->kernel, n);
}

/* 1.96 standard deviations: the half-width of a 95% interval. */
static u64 zone_host_wss_error(u64 var_pages)
{
	return div_u64(int_sqrt64(var_pages) * 196, 100) << PAGE_SHIFT;
}

static void zone_host_wss_scan(struct zone_host_wss_result *res)
{
	u64 var[VMRPC_WSS_NR_REGIONS] = {};
	struct zone_host_wss_counts c;
	u64 cpu = task_sched_runtime(current);
	bool cleared = false;
	struct zone *zone;
	int r;

	memset(res, 0, sizeof(*res));
	for_each_populated_zone(zone) {
		memset(&c, 0, sizeof(c));
		zone_host_wss_scan_zone(zone, &c);
		cleared |= c.cleared;
		zone_host_wss_add(&res->region[VMRPC_WSS_REGION_GUEST],
				  &var[VMRPC_WSS_REGION_GUEST], zone, &c);
		if (IS_ENABLED(CONFIG_ZONE_HOST) && zone_idx(zone) == ZONE_HOST)
			zone_host_wss_add(&res->region[VMRPC_WSS_REGION_HOST],
					  &var[VMRPC_WSS_REGION_HOST], zone, &c);
	}
	/* Cached translations would hide the next window's accesses. */
	if (cleared)
		flush_tlb_all();
	for (r = 0; r < VMRPC_WSS_NR_REGIONS; r++)
		res->region[r].wss_error = zone_host_wss_error(var[r]);
	res->scan_ns = task_sched_runtime(current) - cpu;
}

static void zone_host_wss_window(struct work_struct *work)
{
	struct zone_host_wss_result res;
	unsigned int stride;
	u64 now;

	mutex_lock(&wss.lock);
	if (!wss.enabled) {
		mutex_unlock(&wss.lock);
		return;
	}
	wss.next_start = get_jiffies_64() + msecs_to_jiffies(wss.window_ms);
	stride = wss.stride ?: zone_host_wss_auto_stride();
	if (stride != wss.cur_stride) {
		/* New cells: the old ages mean nothing for them. */
		zone_host_wss_free_samples();
		wss.cur_stride = stride;
	}
	zone_host_wss_scan(&res);
	wss.windows++;
	wss.scan_total_ns += res.scan_ns;
	res.windows = wss.windows;
	res.window_ms = wss.window_ms;
	res.stride = wss.cur_stride;
	res.flags = VMRPC_WSS_F_ENABLED;
	/* The first scan only marks: it cannot tell what was accessed. */
	if (wss.windows >= 2)
		res.flags |= VMRPC_WSS_F_VALID;
	res.scan_total_ns = wss.scan_total_ns;
	res.uptime_ns = ktime_get_boottime_ns();

	spin_lock(&wss.res_lock);
	wss.res = res;
	spin_unlock(&wss.res_lock);

	/* Windows are start to start; a scan longer than one starts at once. */
	now = get_jiffies_64();
	queue_delayed_work(system_unbound_wq, &wss.work,
			   time_after64(wss.next_start, now) ?
			   wss.next_start - now : 0);
	mutex_unlock(&wss.lock);
}

/**
 * zone_host_wss_result() - the result of the last window
 * @res: filled in; all zero with no flags before the first window
 */
void zone_host_wss_result(struct zone_host_wss_result *res)
{
	spin_lock(&wss.res_lock);
	*res = wss.res;
	spin_unlock(&wss.res_lock);
}

/* Forget every sample and result; called with wss.lock held. */
static void zone_host_wss_reset(void)
{
	zone_host_wss_free_samples();
	spin_lock(&wss.res_lock);
	memset(&wss.res, 0, sizeof(wss.res));
	spin_unlock(&wss.res_lock);
}

/*
 * Stop the window work; the lock is dropped meanwhile because the work
 * takes it. Returns with wss.lock held and the work idle.
 */
static void zone_host_wss_stop_locked(void)
{
	wss.enabled = false;
	mutex_unlock(&wss.lock);
	cancel_delayed_work_sync(&wss.work);
	mutex_lock(&wss.lock);
}

/*
 * Change a setting the samples depend on: the estimator starts over, and a
 * running one starts a new first window at once.
 */
static void zone_host_wss_reconfigure(unsigned int *setting, unsigned int val)
{
	bool was_on;

	mutex_lock(&wss.lock);
	was_on = wss.enabled;
	if (was_on)
		zone_host_wss_stop_locked();
	zone_host_wss_reset();
	WRITE_ONCE(*setting, val);
	if (was_on) {
		wss.enabled = true;
		queue_delayed_work(system_unbound_wq, &wss.work, 0);
	}
	mutex_unlock(&wss.lock);
}

/**
 * zone_host_wss_enabled() - is the estimator running?
 *
 * Return: true if it runs.
 */
bool zone_host_wss_enabled(void)
{
	return READ_ONCE(wss.enabled);
}

/**
 * zone_host_wss_set_enabled() - start or stop the estimator
 * @on: start it (a no-op if it runs) or stop it and forget its samples
 *
 * Return: 0.
 */
int zone_host_wss_set_enabled(bool on)
{
	mutex_lock(&wss.lock);
	if (on && !wss.enabled) {
		wss.enabled = true;
		queue_delayed_work(system_unbound_wq, &wss.work, 0);
	} else if (!on && wss.enabled) {
		zone_host_wss_stop_locked();
		zone_host_wss_reset();
	}
	mutex_unlock(&wss.lock);
	return 0;
}

/**
 * zone_host_wss_window_ms() - the window length
 *
 * Return: milliseconds.
 */
unsigned int zone_host_wss_window_ms(void)
{
	return READ_ONCE(wss.window_ms);
}

/**
 * zone_host_wss_set_window_ms() - change the window length
 * @ms: from ZONE_HOST_WSS_WINDOW_MS_MIN to ZONE_HOST_WSS_WINDOW_MS_MAX
 *
 * Ages count windows, so the estimator starts over.
 *
 * Return: 0, or -EINVAL when @ms is out of range.
 */
int zone_host_wss_set_window_ms(unsigned int ms)
{
	if (ms < ZONE_HOST_WSS_WINDOW_MS_MIN || ms > ZONE_HOST_WSS_WINDOW_MS_MAX)
		return -EINVAL;
	zone_host_wss_reconfigure(&wss.window_ms, ms);
	return 0;
}

/**
 * zone_host_wss_stride() - pages per sample
 *
 * Return: the stride the samples are drawn with (before the first window:
 * the one set, or the automatic one).
 */
unsigned int zone_host_wss_stride(void)
{
	return READ_ONCE(wss.cur_stride) ?: READ_ONCE(wss.stride) ?:
	       zone_host_wss_auto_stride();
}

/**
 * zone_host_wss_set_stride() - change how densely frames are sampled
 * @stride: pages per sample, from 1 to ZONE_HOST_WSS_STRIDE_MAX, or 0 for
 *	the automatic stride (the default)
 *
 * The samples are drawn again, so the estimator starts over.
 *
 * Return: 0, or -EINVAL when @stride is out of range.
 */
int zone_host_wss_set_stride(unsigned int stride)
{
	if (stride > ZONE_HOST_WSS_STRIDE_MAX)
		return -EINVAL;
	zone_host_wss_reconfigure(&wss.stride, stride);
	return 0;
}

/**
 * zone_host_wss_init() - allocate the estimator's state and start it
 *
 * Return: 0 or a negative errno.
 */
int zone_host_wss_init(void)
{
	wss.zones = kcalloc(nr_node_ids * MAX_NR_ZONES, sizeof(*wss.zones),
			    GFP_KERNEL);
	if (!wss.zones)
		return -ENOMEM;
	wss.seed = get_random_u32();
	INIT_DELAYED_WORK(&wss.work, zone_host_wss_window);
	return 0;
}

/**
 * zone_host_wss_attach() - a zonehost device is in use: start sampling
 *
 * The estimator is for the host, so it does not run before a device is
 * bound (unless someone turns it on in sysfs). Starting it again when it
 * runs already is a no-op.
 */
void zone_host_wss_attach(void)
{
	mutex_lock(&wss.lock);
	if (wss.enabled && !wss.windows && !delayed_work_pending(&wss.work))
		queue_delayed_work(system_unbound_wq, &wss.work, 0);
	mutex_unlock(&wss.lock);
}

/**
 * zone_host_wss_exit() - stop the estimator and free its state
 */
void zone_host_wss_exit(void)
{
	mutex_lock(&wss.lock);
	if (wss.enabled)
		zone_host_wss_stop_locked();
	zone_host_wss_reset();
	mutex_unlock(&wss.lock);
	kfree(wss.zones);
	wss.zones = NULL;
}

#include "zone_host_wss_kunit.h"
