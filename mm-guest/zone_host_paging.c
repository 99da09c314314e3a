// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host paging: when the host pages ZONE_HOST (VMRPC_MOD_PAGING), the
 * guest's reclaim does not write the zone's swap-backed folios to the
 * guest's swap. It hands their pages to the host as cold hints and keeps
 * them, and the host pages those pages of its memfd out: one layer pages.
 *
 * Reclaim calls zone_host_keeps_folio() (mm/internal.h) for each
 * swap-backed folio it chose to evict; for ZONE_HOST that lands in
 * zone_host_paging_keep(), which only decides and queues the folio's pages
 * in a buffer. A work item sends the buffer to the host in batches. The
 * host answers each batch with its mode: when it says it pages no more (no
 * swap left, an administrator's choice) the guest goes back to paging the
 * zone itself at once. So does reclaim that grows desperate (a scan
 * priority at or below fallback_priority), so that the guest is never
 * OOM-killed because the host's paging frees nothing in the guest.
 *
 * The working-set estimator feeds the same buffer before any pressure:
 * a sampled swap-backed folio it finds idle for idle_windows windows is
 * hinted once (zone_host_paging_idle()).
 *
 * A hint names page frames the guest may free and reuse right after: the
 * worst a stale hint costs is a host fault, never data.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/vmrpc.h>

#include "../internal.h"
#include "zone_host_provider.h"
#include "zone_host_wss.h"

/* Runs per call at most: bounds the buffers and the host's work per call. */
#define ZONE_HOST_PAGING_MAX_RUNS	256U
/*
 * Runs queued at most (64 KiB): sixteen calls' worth, because reclaim
 * queues in bursts faster than round trips drain them; with four, half
 * the kept pages of the double-paging benchmark were dropped unhinted
 * (Documentation/benchmarks.md). More is dropped, and counted: the folio
 * stays on the LRU and is hinted when reclaim meets it again.
 */
#define ZONE_HOST_PAGING_BUF_RUNS	(16 * ZONE_HOST_PAGING_MAX_RUNS)
/* Calls per run of the work item, so it does not hog the workqueue. */
#define ZONE_HOST_PAGING_CALLS_PER_WORK	16
/*
 * Reclaim at this priority or lower pages ZONE_HOST in the guest again:
 * 1 is reclaim that scanned half of every list and still falls short, the
 * step before the last one (0) after which the OOM killer is considered.
 */
#define ZONE_HOST_PAGING_FALLBACK_DEFAULT	1
/* Windows of the working-set estimator a folio is idle before a hint. */
#define ZONE_HOST_PAGING_IDLE_DEFAULT	2

DEFINE_STATIC_KEY_FALSE(zone_host_paging_key);

/*
 * The state the reclaim hook uses: the hook gets a folio and nothing else.
 * Set once, with the geometry, before the static key is enabled.
 */
static struct zone_host_paging *zone_host_paging_active;

static const char * const zone_host_paging_reasons[] = {
	VMRPC_PAGING_REASON_NAMES
};

/**
 * zone_host_paging_reason_name() - name of a VMRPC_PAGING_R_* reason
 * @reason: the reason
 *
 * Return: its name, or "unknown".
 */
const char *zone_host_paging_reason_name(u32 reason)
{
	if (reason < ARRAY_SIZE(zone_host_paging_reasons) &&
	    zone_host_paging_reasons[reason])
		return zone_host_paging_reasons[reason];
	return "unknown";
}

static struct zone_host_provider *zone_host_paging_zp(struct zone_host_paging *pg)
{
	return container_of(pg, struct zone_host_provider, paging);
}

/*
 * Switch modes; the buffer goes with host mode, since a host that pages no
 * more has no use for it. Under @pg->buf_lock, so that the hook never
 * queues into a buffer that was just emptied for good.
 */
static void zone_host_paging_switch(struct zone_host_paging *pg, u32 mode,
				    u32 reason)
{
	u32 old;

	spin_lock(&pg->buf_lock);
	old = pg->mode;
	WRITE_ONCE(pg->mode, mode);
	if (mode == VMRPC_PAGING_MODE_GUEST) {
		WRITE_ONCE(pg->reason, reason);
		atomic64_add(pg->buf_pages, &pg->stats.dropped);
		pg->nr_buf = 0;
		pg->buf_pages = 0;
	} else {
		WRITE_ONCE(pg->reason, VMRPC_PAGING_R_NONE);
	}
	spin_unlock(&pg->buf_lock);
	/* Ratelimited: a host flipping the mode must not flood the log. */
	if (old == mode)
		return;
	if (mode == VMRPC_PAGING_MODE_HOST)
		pr_info_ratelimited("the host pages ZONE_HOST now\n");
	else
		pr_info_ratelimited("the guest pages ZONE_HOST now: %s\n",
				    zone_host_paging_reason_name(reason));
}

/* Queue @nr pages from @page (of the data area); under nothing. */
static void zone_host_paging_queue(struct zone_host_paging *pg,
				   unsigned long page, unsigned int nr,
				   u16 source)
{
	struct zone_host_paging_run *last;
	bool queued = false;

	spin_lock(&pg->buf_lock);
	if (pg->mode != VMRPC_PAGING_MODE_HOST)
		goto out;
	last = pg->nr_buf ? &pg->buf[pg->nr_buf - 1] : NULL;
	/* Runs lie in one subblock, as the host expects. */
	if (last && last->first + last->count == page &&
	    last->source == source &&
	    last->first >> pg->sb_order == page >> pg->sb_order) {
		last->count += nr;
	} else if (pg->nr_buf < ZONE_HOST_PAGING_BUF_RUNS) {
		pg->buf[pg->nr_buf].first = page;
		pg->buf[pg->nr_buf].count = nr;
		pg->buf[pg->nr_buf].source = source;
		pg->nr_buf++;
	} else {
		goto out;
	}
	pg->buf_pages += nr;
	queued = true;
out:
	spin_unlock(&pg->buf_lock);
	if (!queued) {
		atomic64_add(nr, &pg->stats.dropped);
		return;
	}
	queue_work(zone_host_paging_zp(pg)->wq, &pg->work);
}

/**
 * zone_host_paging_keep() - reclaim chose a swap-backed folio of ZONE_HOST
 * @folio: the folio, locked, not in the swap cache
 * @priority: the reclaim's scan priority
 *
 * Called through zone_host_keeps_folio() from shrink_folio_list(). Decides
 * and queues, nothing more.
 *
 * Return: true when the host pages the folio (it is queued as a hint and
 * reclaim keeps it), false when the guest's reclaim goes on as usual.
 */
bool zone_host_paging_keep(struct folio *folio, int priority)
{
	struct zone_host_paging *pg = READ_ONCE(zone_host_paging_active);
	unsigned long pfn = folio_pfn(folio);
	unsigned int nr = folio_nr_pages(folio);

	if (!pg || pfn < pg->base_pfn || pfn - pg->base_pfn >= pg->nr_pages)
		return false;
	if (READ_ONCE(pg->mode) != VMRPC_PAGING_MODE_HOST ||
	    priority <= READ_ONCE(pg->fallback_priority)) {
		atomic64_add(nr, &pg->stats.guest_swapped);
		return false;
	}
	atomic64_add(nr, &pg->stats.kept);
	zone_host_paging_queue(pg, pfn - pg->base_pfn, nr,
			       VMRPC_PAGING_SRC_RECLAIM);
	return true;
}

/**
 * zone_host_paging_idle() - the working-set estimator found a folio idle
 * @folio: a swap-backed folio of ZONE_HOST, referenced by the caller
 * @age: windows since it was last accessed
 *
 * In host mode, a folio idle for idle_windows windows is hinted once (at
 * that age), before any pressure, so that the host pages out what the
 * guest does not use rather than what its own reclaim happens to pick.
 */
void zone_host_paging_idle(struct folio *folio, unsigned int age)
{
	struct zone_host_paging *pg = READ_ONCE(zone_host_paging_active);
	unsigned long pfn = folio_pfn(folio);
	unsigned int nr = folio_nr_pages(folio);
	unsigned int want;

	if (!pg || pfn < pg->base_pfn || pfn - pg->base_pfn >= pg->nr_pages ||
	    READ_ONCE(pg->mode) != VMRPC_PAGING_MODE_HOST)
		return;
	want = READ_ONCE(pg->idle_windows);
	if (!want || age != want)
		return;
	atomic64_add(nr, &pg->stats.idle);
	zone_host_paging_queue(pg, pfn - pg->base_pfn, nr,
			       VMRPC_PAGING_SRC_IDLE);
}

/*
 * Take in the host's reply to the batch in @pg->hints. The host is not
 * trusted: a reply that accepts more pages than were sent, or names an
 * unknown mode or reason, is -EPROTO and changes nothing.
 */
static int zone_host_paging_apply(struct zone_host_paging *pg, u64 sent)
{
	struct vmrpc_paging_reply r = pg->reply;
	u64 accepted = le64_to_cpu(r.accepted);
	u32 mode = le32_to_cpu(r.mode), reason = le32_to_cpu(r.reason);

	if (accepted > sent || mode > VMRPC_PAGING_MODE_HOST ||
	    reason >= ARRAY_SIZE(zone_host_paging_reasons))
		return -EPROTO;
	atomic64_add(accepted, &pg->stats.accepted);
	if (mode == VMRPC_PAGING_MODE_GUEST)
		zone_host_paging_switch(pg, mode, reason);
	return 0;
}

/* Move up to a call's worth of queued runs into @pg->hints; under @pg->lock. */
static u64 zone_host_paging_take(struct zone_host_paging *pg)
{
	unsigned int n, i;
	u64 pages = 0;

	spin_lock(&pg->buf_lock);
	n = pg->mode == VMRPC_PAGING_MODE_HOST ?
	    min(pg->nr_buf, pg->max_runs) : 0;
	/* From the end: the order of hints does not matter. */
	for (i = 0; i < n; i++) {
		struct zone_host_paging_run *run = &pg->buf[pg->nr_buf - n + i];

		pg->hints->runs[i] = (struct vmrpc_paging_run) {
			.first = cpu_to_le64(run->first),
			.count = cpu_to_le32(run->count),
			.source = cpu_to_le16(run->source),
		};
		pages += run->count;
	}
	pg->nr_buf -= n;
	pg->buf_pages -= pages;
	spin_unlock(&pg->buf_lock);
	pg->hints->nr = cpu_to_le32(n);
	return pages;
}

/* Send what reclaim queued, a bounded number of calls at a time. */
static void zone_host_paging_work(struct work_struct *work)
{
	struct zone_host_paging *pg = container_of(work, struct zone_host_paging,
						   work);
	struct zone_host_provider *zp = zone_host_paging_zp(pg);
	int calls, ret = 0;
	bool more;
	u64 pages;

	mutex_lock(&pg->lock);
	for (calls = 0; calls < ZONE_HOST_PAGING_CALLS_PER_WORK; calls++) {
		pages = zone_host_paging_take(pg);
		if (!pages)
			break;
		atomic64_inc(&pg->stats.hint_calls);
		ret = READ_ONCE(zp->attached) ?
		      zone_host_call_hint(pg->hints, &pg->reply) : -ENODEV;
		if (!ret)
			ret = zone_host_paging_apply(pg, pages);
		if (!ret) {
			atomic64_add(pages, &pg->stats.hinted);
			continue;
		}
		/* Hints are not worth sending again: they age fast. */
		atomic64_inc(&pg->stats.errors);
		atomic64_add(pages, &pg->stats.dropped);
		if (ret == -EOPNOTSUPP) {
			zone_host_paging_switch(pg, VMRPC_PAGING_MODE_GUEST,
						VMRPC_PAGING_R_DISABLED);
		} else if (ret == -ENODEV) {
			zone_host_paging_switch(pg, VMRPC_PAGING_MODE_GUEST,
						VMRPC_PAGING_R_NONE);
		}
		break;
	}
	mutex_unlock(&pg->lock);
	spin_lock(&pg->buf_lock);
	more = pg->nr_buf && pg->mode == VMRPC_PAGING_MODE_HOST;
	spin_unlock(&pg->buf_lock);
	if (more && !ret)
		queue_work(zp->wq, &pg->work);
}

/**
 * zone_host_paging_init() - set up what does not depend on the device
 * @zp: the provider, being initialized
 */
void zone_host_paging_init(struct zone_host_provider *zp)
{
	struct zone_host_paging *pg = &zp->paging;

	mutex_init(&pg->lock);
	spin_lock_init(&pg->buf_lock);
	INIT_WORK(&pg->work, zone_host_paging_work);
	pg->mode = VMRPC_PAGING_MODE_GUEST;
	pg->fallback_priority = ZONE_HOST_PAGING_FALLBACK_DEFAULT;
	pg->idle_windows = ZONE_HOST_PAGING_IDLE_DEFAULT;
}

/**
 * zone_host_paging_setup() - let reclaim ask the provider about the data
 *	area's folios
 * @zp: the provider, locked, with its geometry just set
 *
 * The guest stays in guest mode (stock reclaim) until the host asks for
 * host mode. The buffers are never freed: the hook cannot be stopped from
 * using them. Called again after a setup that failed later, it keeps them.
 *
 * Return: 0, -ENOMEM, -EINVAL (slots too small for one run) or -EBUSY (a
 * different data area than the one set up).
 */
int zone_host_paging_setup(struct zone_host_provider *zp)
{
	struct zone_host_paging *pg = &zp->paging;
	u32 payload = vmrpc_max_payload();

	if (pg->enabled)
		return pg->base_pfn == PHYS_PFN(zp->start) &&
		       pg->nr_pages == PHYS_PFN(zp->size) ? 0 : -EBUSY;
	if (payload < struct_size(pg->hints, runs, 1))
		return -EINVAL;
	pg->max_runs = min_t(u32, ZONE_HOST_PAGING_MAX_RUNS,
			     (payload - sizeof(*pg->hints)) /
			     sizeof(pg->hints->runs[0]));
	pg->base_pfn = PHYS_PFN(zp->start);
	pg->nr_pages = PHYS_PFN(zp->size);
	pg->sb_order = zp->sb_order;
	pg->buf = kvcalloc(ZONE_HOST_PAGING_BUF_RUNS, sizeof(*pg->buf),
			   GFP_KERNEL);
	pg->hints = kzalloc(struct_size(pg->hints, runs, pg->max_runs),
			    GFP_KERNEL);
	if (!pg->buf || !pg->hints) {
		kvfree(pg->buf);
		kfree(pg->hints);
		pg->buf = NULL;
		pg->hints = NULL;
		return -ENOMEM;
	}
	WRITE_ONCE(pg->enabled, true);
	WRITE_ONCE(zone_host_paging_active, pg);
	static_branch_enable(&zone_host_paging_key);
	return 0;
}

/**
 * zone_host_paging_detach() - the device went: the guest pages the zone
 * @zp: the provider
 *
 * The next host decides again whether it pages for the guest. Takes a
 * spinlock only: detaching must not wait.
 */
void zone_host_paging_detach(struct zone_host_provider *zp)
{
	if (READ_ONCE(zp->paging.enabled))
		zone_host_paging_switch(&zp->paging, VMRPC_PAGING_MODE_GUEST,
					VMRPC_PAGING_R_NONE);
}

/**
 * zone_host_paging_set_mode() - the reply of VMRPC_PAGING_SET_MODE
 * @zp: the provider
 * @req: the host's struct vmrpc_paging_mode, copied by VMRPC
 * @req_len: its length
 * @resp: the reply buffer
 * @resp_size: its size
 *
 * Return: the reply's length, -EINVAL for a malformed request or
 * -EOVERFLOW.
 */
int zone_host_paging_set_mode(struct zone_host_provider *zp, const void *req,
			      u32 req_len, void *resp, u32 resp_size)
{
	struct zone_host_paging *pg = &zp->paging;
	struct vmrpc_paging_mode m, *out = resp;
	u32 mode, reason, refused = VMRPC_PAGING_R_NONE;

	if (req_len != sizeof(m) || resp_size < sizeof(*out))
		return req_len != sizeof(m) ? -EINVAL : -EOVERFLOW;
	memcpy(&m, req, sizeof(m));
	mode = le32_to_cpu(m.mode);
	reason = le32_to_cpu(m.reason);
	if (m.reserved || mode > VMRPC_PAGING_MODE_HOST ||
	    reason >= ARRAY_SIZE(zone_host_paging_reasons))
		return -EINVAL;
	if (mode == VMRPC_PAGING_MODE_HOST &&
	    (!READ_ONCE(pg->enabled) || !READ_ONCE(zp->attached)))
		refused = VMRPC_PAGING_R_GUEST;
	else
		zone_host_paging_switch(pg, mode, reason);
	memset(out, 0, sizeof(*out));
	out->mode = cpu_to_le32(READ_ONCE(pg->mode));
	out->reason = cpu_to_le32(refused);
	return sizeof(*out);
}

/**
 * zone_host_paging_status() - the reply of VMRPC_PAGING_STATUS
 * @zp: the provider
 * @resp: the reply buffer
 * @resp_size: its size
 *
 * Return: the reply's length, or -EOVERFLOW.
 */
int zone_host_paging_status(struct zone_host_provider *zp, void *resp,
			    u32 resp_size)
{
	struct zone_host_paging *pg = &zp->paging;
	struct vmrpc_paging_status *st = resp;

	if (resp_size < sizeof(*st))
		return -EOVERFLOW;
	memset(st, 0, sizeof(*st));
	st->hinted = cpu_to_le64(atomic64_read(&pg->stats.hinted));
	st->hint_calls = cpu_to_le64(atomic64_read(&pg->stats.hint_calls));
	st->kept = cpu_to_le64(atomic64_read(&pg->stats.kept));
	st->guest_swapped = cpu_to_le64(atomic64_read(&pg->stats.guest_swapped));
	st->dropped = cpu_to_le64(atomic64_read(&pg->stats.dropped));
	st->mode = cpu_to_le32(READ_ONCE(pg->mode));
	st->reason = cpu_to_le32(READ_ONCE(pg->reason));
	return sizeof(*st);
}

#include "zone_host_paging_kunit.h"
