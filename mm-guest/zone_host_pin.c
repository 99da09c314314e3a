// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pinning: the subblocks of ZONE_HOST that hold mlocked pages ask the host
 * to keep the memory behind them resident (VMRPC_MOD_PIN).
 *
 * The page allocator's mlock state changes in atomic context (mm/mlock.c
 * and the page freeing path call zone_host_mlock_update()), so the hook
 * only adds to a per-subblock count and, when a count crosses zero, marks
 * the subblock and queues a work item. The work item reads the marked
 * counts, coalesces the subblocks that changed the same way into runs and
 * sends them in one call; the host answers per run how much it pinned.
 * Every request is idempotent (pin what is pinned, unpin what is not), so
 * a call that got no answer is simply sent again later.
 *
 * The guest never unplugs a subblock that holds mlocked pages or that it
 * asked to be pinned (zone_host_pin_busy()); a shrink that cannot reach
 * its target because of them says "pinned".
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/vmrpc.h>
#include <linux/vmstat.h>

#include "../internal.h"
#include "zone_host_provider.h"

/* How long before the host is asked again for what it refused. */
#define ZONE_HOST_PIN_RETRY		(10 * HZ)
/* Runs per call at most: bounds the buffers and the host's work per call. */
#define ZONE_HOST_PIN_MAX_OPS		256U

DEFINE_STATIC_KEY_FALSE(zone_host_mlock_key);

/*
 * The tracker the mlock hook counts in: the hook gets a folio and nothing
 * else. Set once, with the geometry, before the static key is enabled.
 */
static struct zone_host_pin *zone_host_pin_active;

static const char * const zone_host_pin_reasons[] = { VMRPC_PIN_REASON_NAMES };

/**
 * zone_host_pin_reason_name() - name of a VMRPC_PIN_R_* reason
 * @reason: the reason
 *
 * Return: its name, or "unknown".
 */
const char *zone_host_pin_reason_name(u32 reason)
{
	if (reason < ARRAY_SIZE(zone_host_pin_reasons) &&
	    zone_host_pin_reasons[reason])
		return zone_host_pin_reasons[reason];
	return "unknown";
}

/* The provider's workqueue (WQ_MEM_RECLAIM): mlock happens under pressure. */
static struct workqueue_struct *zone_host_pin_wq(struct zone_host_pin *pin)
{
	return container_of(pin, struct zone_host_provider, pin)->wq;
}

static void zone_host_pin_count(struct zone_host_pin *pin, unsigned long sb,
				int delta)
{
	int old = atomic_fetch_add(delta, &pin->mlocked[sb]);
	bool was = old > 0, is = old + delta > 0;

	if (unlikely(old + delta < 0))
		atomic64_inc(&pin->stats.underflows);
	/* Only a crossing of zero changes what the host must do. */
	if (was != is) {
		set_bit(sb, pin->dirty);
		queue_work(zone_host_pin_wq(pin), &pin->work);
	}
}

/**
 * zone_host_mlock_account() - count a change of a ZONE_HOST folio's
 *	mlocked state
 * @folio: the folio, of ZONE_HOST
 * @nr_pages: pages that became mlocked (positive) or stopped being
 *	(negative)
 *
 * Called through zone_host_mlock_update() in any context, with the
 * folio's PG_mlocked just changed: counts and marks, nothing more.
 */
void zone_host_mlock_account(struct folio *folio, long nr_pages)
{
	struct zone_host_pin *pin = READ_ONCE(zone_host_pin_active);
	unsigned long pfn = folio_pfn(folio), sb, nr_sb;
	int sign = nr_pages < 0 ? -1 : 1;

	if (!pin || pfn < pin->base_pfn)
		return;
	sb = (pfn - pin->base_pfn) >> pin->sb_order;
	if (sb >= pin->nr_sb)
		return;
	/*
	 * Folios are naturally aligned and subblocks are powers of two, so a
	 * folio lies in one subblock or covers whole ones.
	 */
	nr_sb = folio_nr_pages(folio) >> pin->sb_order;
	if (likely(!nr_sb)) {
		zone_host_pin_count(pin, sb, nr_pages);
		return;
	}
	for (; nr_sb-- && sb < pin->nr_sb; sb++)
		zone_host_pin_count(pin, sb, sign << pin->sb_order);
}

/**
 * zone_host_pin_busy() - may a shrink not take this subblock?
 * @zp: the provider
 * @sb: the subblock
 *
 * Return: true when it holds mlocked pages, or the host was asked to pin
 * it and not yet to unpin it.
 */
bool zone_host_pin_busy(struct zone_host_provider *zp, unsigned long sb)
{
	struct zone_host_pin *pin = &zp->pin;

	if (!READ_ONCE(pin->enabled))
		return false;
	return atomic_read(&pin->mlocked[sb]) > 0 || test_bit(sb, pin->wanted);
}

/*
 * What the host must be told about @sb: VMRPC_PIN_OP_PIN, VMRPC_PIN_OP_UNPIN,
 * or -1 for nothing. A pin the host refused is asked for again.
 */
static int zone_host_pin_op_for(bool mlocked, bool wanted, bool refused)
{
	if (mlocked && (!wanted || refused))
		return VMRPC_PIN_OP_PIN;
	if (!mlocked && wanted)
		return VMRPC_PIN_OP_UNPIN;
	return -1;
}

/* Would @sb, sent as @op, continue the batch's last run? */
static bool zone_host_pin_extends(const struct vmrpc_pin_batch *b,
				  unsigned long sb, u16 op)
{
	u32 n = le32_to_cpu(b->nr);
	const struct vmrpc_pin_op *last;

	if (!n)
		return false;
	last = &b->ops[n - 1];
	return le16_to_cpu(last->op) == op &&
	       le64_to_cpu(last->first) + le32_to_cpu(last->count) == sb;
}

/* Append @sb to the batch, which has room for a new run if it needs one. */
static void zone_host_pin_add(struct vmrpc_pin_batch *b, unsigned long sb,
			      u16 op)
{
	u32 n = le32_to_cpu(b->nr);

	if (zone_host_pin_extends(b, sb, op)) {
		le32_add_cpu(&b->ops[n - 1].count, 1);
		return;
	}
	b->ops[n] = (struct vmrpc_pin_op) {
		.first = cpu_to_le64(sb),
		.count = cpu_to_le32(1),
		.op = cpu_to_le16(op),
	};
	b->nr = cpu_to_le32(n + 1);
}

/*
 * Take in the host's answer to the batch, which vmrpc_call() copied to
 * private memory. The host is not trusted: a count larger than its run,
 * or an unknown reason, makes the whole answer -EPROTO (checked before any
 * of it is used), and the runs are sent again later.
 */
static int zone_host_pin_apply(struct zone_host_pin *pin)
{
	u32 n = le32_to_cpu(pin->ops->nr), i;

	for (i = 0; i < n; i++)
		if (le32_to_cpu(pin->results[i].done) >
		    le32_to_cpu(pin->ops->ops[i].count) ||
		    le16_to_cpu(pin->results[i].reason) >=
		    ARRAY_SIZE(zone_host_pin_reasons))
			return -EPROTO;
	for (i = 0; i < n; i++) {
		const struct vmrpc_pin_op *op = &pin->ops->ops[i];
		unsigned long first = le64_to_cpu(op->first);
		u32 count = le32_to_cpu(op->count);
		u32 done = le32_to_cpu(pin->results[i].done);

		if (le16_to_cpu(op->op) == VMRPC_PIN_OP_UNPIN) {
			/* The guest stops asking whatever the host says. */
			bitmap_clear(pin->wanted, first, count);
			bitmap_clear(pin->pinned, first, count);
			bitmap_clear(pin->shortfall, first, count);
			continue;
		}
		bitmap_set(pin->wanted, first, count);
		bitmap_set(pin->pinned, first, done);
		bitmap_clear(pin->shortfall, first, done);
		if (done < count) {
			bitmap_clear(pin->pinned, first + done, count - done);
			bitmap_set(pin->shortfall, first + done, count - done);
			WRITE_ONCE(pin->reason,
				   le16_to_cpu(pin->results[i].reason));
			atomic64_inc(&pin->stats.refused);
		}
	}
	return 0;
}

/* Mark the batch's subblocks to be looked at again. */
static void zone_host_pin_redo(struct zone_host_pin *pin)
{
	u32 n = le32_to_cpu(pin->ops->nr), i;

	for (i = 0; i < n; i++) {
		unsigned long first = le64_to_cpu(pin->ops->ops[i].first);
		u32 count = le32_to_cpu(pin->ops->ops[i].count), j;

		for (j = 0; j < count; j++)
			set_bit(first + j, pin->dirty);
	}
}

/* Send the batch and take in the answer; under @pin->lock. */
static int zone_host_pin_send(struct zone_host_pin *pin)
{
	int ret;

	if (!pin->ops->nr)
		return 0;
	atomic64_inc(&pin->stats.updates);
	ret = zone_host_call_pin(pin->ops, pin->results);
	if (!ret)
		ret = zone_host_pin_apply(pin);
	if (ret == -EOPNOTSUPP) {
		/* An older host: keep the counts, ask again on the next bind. */
		pr_info_once("the host does not pin memory; mlocked pages in ZONE_HOST are not pinned on the host\n");
		WRITE_ONCE(pin->no_host, true);
		WRITE_ONCE(pin->reason, VMRPC_PIN_R_DISABLED);
	}
	if (ret) {
		atomic64_inc(&pin->stats.errors);
		zone_host_pin_redo(pin);
	}
	pin->ops->nr = 0;
	return ret;
}

static void zone_host_pin_recount(struct zone_host_pin *pin)
{
	WRITE_ONCE(pin->nr_wanted, bitmap_weight(pin->wanted, pin->nr_sb));
	WRITE_ONCE(pin->nr_pinned, bitmap_weight(pin->pinned, pin->nr_sb));
	WRITE_ONCE(pin->nr_short, bitmap_weight(pin->shortfall, pin->nr_sb));
}

/*
 * Tell the host what changed since the last run: every marked subblock
 * whose state differs from what the host was told, in runs, in as few
 * calls as the buffers allow. Stops at the first failed call; what it did
 * not send stays marked.
 */
static void zone_host_pin_work(struct work_struct *work)
{
	struct zone_host_pin *pin = container_of(work, struct zone_host_pin,
						 work);
	struct zone_host_provider *zp = container_of(pin,
						     struct zone_host_provider,
						     pin);
	unsigned long sb;
	int op, ret = 0;

	mutex_lock(&pin->lock);
	/* Detached, or an older host: the next attach sends it all. */
	if (!READ_ONCE(zp->attached) || READ_ONCE(pin->no_host))
		goto out;
	pin->ops->nr = 0;
	for_each_set_bit(sb, pin->dirty, pin->nr_sb) {
		if (!test_and_clear_bit(sb, pin->dirty))
			continue;
		op = zone_host_pin_op_for(atomic_read(&pin->mlocked[sb]) > 0,
					  test_bit(sb, pin->wanted),
					  test_bit(sb, pin->shortfall));
		if (op < 0)
			continue;
		if (le32_to_cpu(pin->ops->nr) == pin->max_ops &&
		    !zone_host_pin_extends(pin->ops, sb, op)) {
			ret = zone_host_pin_send(pin);
			if (ret) {
				set_bit(sb, pin->dirty);
				break;
			}
		}
		zone_host_pin_add(pin->ops, sb, op);
	}
	if (!ret)
		ret = zone_host_pin_send(pin);
	zone_host_pin_recount(pin);
	/* A failed call, or pins refused: ask again later. */
	if ((ret && ret != -EOPNOTSUPP && ret != -ENODEV) || pin->nr_short)
		mod_delayed_work(zp->wq, &pin->retry, ZONE_HOST_PIN_RETRY);
out:
	mutex_unlock(&pin->lock);
}

static void zone_host_pin_retry(struct work_struct *work)
{
	struct zone_host_pin *pin = container_of(to_delayed_work(work),
						 struct zone_host_pin, retry);
	unsigned long sb;

	mutex_lock(&pin->lock);
	for_each_set_bit(sb, pin->shortfall, pin->nr_sb)
		set_bit(sb, pin->dirty);
	mutex_unlock(&pin->lock);
	queue_work(zone_host_pin_wq(pin), &pin->work);
}

/**
 * zone_host_pin_init() - set up what does not depend on the device
 * @zp: the provider, being initialized
 */
void zone_host_pin_init(struct zone_host_provider *zp)
{
	mutex_init(&zp->pin.lock);
	INIT_WORK(&zp->pin.work, zone_host_pin_work);
	INIT_DELAYED_WORK(&zp->pin.retry, zone_host_pin_retry);
}

/**
 * zone_host_pin_setup() - start counting mlocked pages in the data area
 * @zp: the provider, locked, with its geometry just set
 *
 * Called before the first memory block is added, so that every folio of
 * the data area is counted from its first mlock. The counts are never
 * freed: the hook cannot be stopped from using them. Called again after a
 * setup that failed later, it keeps them.
 *
 * Return: 0, -ENOMEM, -EINVAL (slots too small for one run) or -EBUSY (a
 * different data area than the one counted).
 */
int zone_host_pin_setup(struct zone_host_provider *zp)
{
	struct zone_host_pin *pin = &zp->pin;
	u32 payload = vmrpc_max_payload();

	/* A setup that failed later ran before: the counts stay as they are. */
	if (pin->enabled)
		return pin->base_pfn == PHYS_PFN(zp->start) &&
		       pin->nr_sb == zp->nr_sb &&
		       pin->sb_order == zp->sb_order ? 0 : -EBUSY;
	/* A reply holds one result per run, none larger than a run: it fits. */
	BUILD_BUG_ON(sizeof(*pin->results) > sizeof(pin->ops->ops[0]));
	if (payload < struct_size(pin->ops, ops, 1))
		return -EINVAL;
	pin->max_ops = min_t(u32, ZONE_HOST_PIN_MAX_OPS,
			     (payload - sizeof(*pin->ops)) /
			     sizeof(pin->ops->ops[0]));
	pin->base_pfn = PHYS_PFN(zp->start);
	pin->nr_sb = zp->nr_sb;
	pin->sb_order = zp->sb_order;
	pin->mlocked = kvcalloc(pin->nr_sb, sizeof(*pin->mlocked), GFP_KERNEL);
	pin->dirty = bitmap_zalloc(pin->nr_sb, GFP_KERNEL);
	pin->wanted = bitmap_zalloc(pin->nr_sb, GFP_KERNEL);
	pin->pinned = bitmap_zalloc(pin->nr_sb, GFP_KERNEL);
	pin->shortfall = bitmap_zalloc(pin->nr_sb, GFP_KERNEL);
	pin->ops = kzalloc(struct_size(pin->ops, ops, pin->max_ops),
			   GFP_KERNEL);
	pin->results = kcalloc(pin->max_ops, sizeof(*pin->results),
			       GFP_KERNEL);
	if (!pin->mlocked || !pin->dirty || !pin->wanted || !pin->pinned ||
	    !pin->shortfall || !pin->ops || !pin->results) {
		kvfree(pin->mlocked);
		bitmap_free(pin->dirty);
		bitmap_free(pin->wanted);
		bitmap_free(pin->pinned);
		bitmap_free(pin->shortfall);
		kfree(pin->ops);
		kfree(pin->results);
		pin->mlocked = NULL;
		return -ENOMEM;
	}
	WRITE_ONCE(pin->enabled, true);
	WRITE_ONCE(zone_host_pin_active, pin);
	static_branch_enable(&zone_host_mlock_key);
	return 0;
}

/**
 * zone_host_pin_attach() - a device bound: tell its host every pin
 * @zp: the provider, just attached
 *
 * A new host (zhostd restarted, a device bound again) knows none of the
 * guest's pins, and one that knew them did no harm in forgetting: pins
 * are idempotent. So every subblock that wants a pin is sent again.
 */
void zone_host_pin_attach(struct zone_host_provider *zp)
{
	struct zone_host_pin *pin = &zp->pin;
	unsigned long sb;

	if (!READ_ONCE(pin->enabled))
		return;
	mutex_lock(&pin->lock);
	WRITE_ONCE(pin->no_host, false);
	for_each_set_bit(sb, pin->wanted, pin->nr_sb)
		set_bit(sb, pin->dirty);
	bitmap_zero(pin->wanted, pin->nr_sb);
	bitmap_zero(pin->pinned, pin->nr_sb);
	bitmap_zero(pin->shortfall, pin->nr_sb);
	zone_host_pin_recount(pin);
	mutex_unlock(&pin->lock);
	queue_work(zone_host_pin_wq(pin), &pin->work);
}

/**
 * zone_host_pin_mlocked() - mlocked pages in ZONE_HOST
 * @zp: the provider
 *
 * Return: the zone's NR_MLOCK, 0 before pinning is set up (no zone yet).
 */
unsigned long zone_host_pin_mlocked(struct zone_host_provider *zp)
{
	if (!READ_ONCE(zp->pin.enabled))
		return 0;
	return zone_page_state(zone_host_zone(zp), NR_MLOCK);
}

/**
 * zone_host_pin_status() - the reply of VMRPC_PIN_STATUS
 * @zp: the provider
 * @resp: the reply buffer
 * @resp_size: its size
 *
 * Return: the reply's length, or -EOVERFLOW.
 */
int zone_host_pin_status(struct zone_host_provider *zp, void *resp,
			 u32 resp_size)
{
	struct zone_host_pin *pin = &zp->pin;
	struct vmrpc_pin_status *st = resp;
	bool enabled = READ_ONCE(pin->enabled);
	unsigned long wanted, pinned, shortfall;

	if (resp_size < sizeof(*st))
		return -EOVERFLOW;
	memset(st, 0, sizeof(*st));
	st->mlocked_pages = cpu_to_le64(zone_host_pin_mlocked(zp));
	/*
	 * Read without @pin->lock (a reverse call must not wait for a call to
	 * the host), so the three may be from different moments: keep them
	 * consistent (pinned + short <= wanted), as the host checks.
	 */
	wanted = READ_ONCE(pin->nr_wanted);
	pinned = min(READ_ONCE(pin->nr_pinned), wanted);
	shortfall = min(READ_ONCE(pin->nr_short), wanted - pinned);
	st->wanted = cpu_to_le64(wanted);
	st->pinned = cpu_to_le64(pinned);
	st->short_sb = cpu_to_le64(shortfall);
	st->updates = cpu_to_le64(atomic64_read(&pin->stats.updates));
	st->refused = cpu_to_le64(atomic64_read(&pin->stats.refused));
	st->reason = cpu_to_le32(READ_ONCE(pin->reason));
	st->enabled = cpu_to_le32(enabled && !READ_ONCE(pin->no_host));
	return sizeof(*st);
}

#include "zone_host_pin_kunit.h"
