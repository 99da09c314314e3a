// SPDX-License-Identifier: GPL-2.0-only
/*
 * The automatic sizing policy; see policy.h for the rules. Arithmetic
 * saturates instead of wrapping: the report is validated, but a guest may
 * still claim sizes near 2^64, and a wrapped sum would shrink a guest that
 * asked for everything.
 */
#include "policy.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t round_up_sat(uint64_t v, uint64_t unit)
{
	uint64_t rem = v % unit;

	return rem ? (v - rem > UINT64_MAX - unit ? v - rem : v - rem + unit) : v;
}

void zhostd_policy_defaults(struct zhostd_policy_params *p, uint64_t subblock,
			    uint64_t max)
{
	*p = (struct zhostd_policy_params){
		.min = 0,
		.max = max,
		.subblock = subblock,
		.headroom = ZHOSTD_POLICY_HEADROOM_DEFAULT,
		.headroom_percent = 0,
		.hysteresis = ZHOSTD_POLICY_HYSTERESIS_DEFAULT,
		.shrink_after = ZHOSTD_POLICY_SHRINK_AFTER_DEFAULT,
		.shrink_step = ZHOSTD_POLICY_SHRINK_STEP_DEFAULT,
		.ask_holdoff_ns = ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT * 1000000000LL,
	};
}

uint64_t zhostd_policy_target(const struct zhostd_policy_params *p,
			      const struct zhostd_wss_report *r,
			      bool *over_max)
{
	const struct zhostd_wss_region *g = &r->region[VMRPC_WSS_REGION_GUEST];
	const struct zhostd_wss_region *h = &r->region[VMRPC_WSS_REGION_HOST];
	/* wss <= size <= 2^64 / 2 in any real guest; the division avoids overflow. */
	uint64_t pct = g->wss / 100 * p->headroom_percent +
		       g->wss % 100 * p->headroom_percent / 100;
	uint64_t need = add_sat(add_sat(add_sat(g->wss, g->wss_error),
					p->headroom), pct);
	/* The decoder guarantees h->size <= g->size. */
	uint64_t outside = g->size - h->size;
	uint64_t t = need > outside ? round_up_sat(need - outside, p->subblock) : 0;

	if (over_max)
		*over_max = t > p->max;
	if (t > p->max)
		t = p->max;
	if (t < p->min)
		t = p->min;
	return t;
}

/* The shrink for a target @diff bytes below @from. */
static uint64_t shrink_to(const struct zhostd_policy_params *p, uint64_t from,
			  uint64_t target)
{
	uint64_t diff = from - target;
	uint64_t step = diff / ZHOSTD_POLICY_SHRINK_DIVISOR;

	step -= step % p->subblock;
	if (step < p->subblock)
		step = p->subblock;
	if (step > p->shrink_step)
		step = p->shrink_step - p->shrink_step % p->subblock;
	if (step > diff)
		step = diff;
	return from - step;
}

void zhostd_policy_decide(const struct zhostd_policy_params *p,
			  struct zhostd_policy_state *st,
			  const struct zhostd_policy_input *in,
			  struct zhostd_policy_decision *d)
{
	const struct zhostd_wss_report *r = in->report;
	const struct zhostd_wss_region *g = &r->region[VMRPC_WSS_REGION_GUEST];
	bool new_window = !st->seen || r->windows != st->last_windows;
	bool over_max = false, asked;
	uint64_t margin;

	*d = (struct zhostd_policy_decision){
		.action = ZHOSTD_POLICY_HOLD,
		.from = in->requested,
		.to = in->requested,
		.wss = g->wss,
	};
	st->last_windows = r->windows;
	st->seen = true;

	if (!zhostd_wss_usable(r)) {
		/* A gap breaks the run: shrinking needs unbroken evidence. */
		st->below = 0;
		d->reason = ZHOSTD_POLICY_R_INVALID;
		goto out;
	}
	d->target = zhostd_policy_target(p, r, &over_max);
	margin = add_sat(p->hysteresis, add_sat(g->wss_error, g->wss_error));
	asked = in->last_ask_ns &&
		in->now_ns - in->last_ask_ns < p->ask_holdoff_ns;

	if (in->requested < p->min ||
	    d->target > add_sat(in->requested, p->subblock)) {
		st->below = 0;
		d->action = ZHOSTD_POLICY_GROW;
		d->to = d->target;
		d->reason = in->requested < p->min && d->target == p->min ?
			    ZHOSTD_POLICY_R_MIN : ZHOSTD_POLICY_R_ABOVE;
	} else if (in->requested > d->target &&
		   in->requested - d->target > margin) {
		if (asked) {
			st->below = 0;
			d->reason = ZHOSTD_POLICY_R_ASKED;
			goto out;
		}
		/* A window seen twice is no new evidence. */
		if (new_window)
			st->below++;
		if (st->below < p->shrink_after) {
			d->reason = ZHOSTD_POLICY_R_PENDING;
			goto out;
		}
		st->below = 0;
		d->action = ZHOSTD_POLICY_SHRINK;
		d->to = shrink_to(p, in->requested, d->target);
		d->reason = ZHOSTD_POLICY_R_BELOW;
	} else {
		st->below = 0;
		d->reason = over_max && in->requested >= p->max ?
			    ZHOSTD_POLICY_R_AT_MAX : ZHOSTD_POLICY_R_STEADY;
	}
out:
	d->below = st->below;
	d->emit = d->action != ZHOSTD_POLICY_HOLD || !st->decided ||
		  d->reason != st->last_reason;
	st->last_reason = d->reason;
	st->decided = true;
}

const char *zhostd_policy_action_name(enum zhostd_policy_action a)
{
	static const char *const names[] = {
		[ZHOSTD_POLICY_HOLD] = "hold",
		[ZHOSTD_POLICY_GROW] = "grow",
		[ZHOSTD_POLICY_SHRINK] = "shrink",
	};

	return (unsigned int)a < sizeof(names) / sizeof(names[0]) ?
	       names[a] : "unknown";
}

const char *zhostd_policy_reason_name(enum zhostd_policy_reason r)
{
	static const char *const names[] = {
		[ZHOSTD_POLICY_R_INVALID] = "invalid-sample",
		[ZHOSTD_POLICY_R_STEADY] = "steady",
		[ZHOSTD_POLICY_R_AT_MAX] = "at-max",
		[ZHOSTD_POLICY_R_PENDING] = "shrink-pending",
		[ZHOSTD_POLICY_R_ASKED] = "guest-asked",
		[ZHOSTD_POLICY_R_ABOVE] = "above-requested",
		[ZHOSTD_POLICY_R_MIN] = "below-min",
		[ZHOSTD_POLICY_R_BELOW] = "below-requested",
	};

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ?
	       names[r] : "unknown";
}
