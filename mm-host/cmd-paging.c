// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands query-paging and paging (turn host paging on or
 * off), and the "paging" object query-status includes.
 */
#include "cmd-paging.h"
#include "log.h"
#include "paging-mode.h"
#include "pin-serve.h"

#define PAGE	((json_int_t)VMRPC_PAGING_PAGE_SIZE)

static json_t *guest_json(const struct zhostd_paging_info *pi)
{
	const struct zh_paging_guest_status *g = &pi->guest;

	if (!pi->guest_known)
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
			 "mode", zh_paging_mode_name(g->mode),
			 "reason", zh_paging_reason_name(g->reason),
			 "hinted", (json_int_t)g->hinted * PAGE,
			 "hint_calls", (json_int_t)g->hint_calls,
			 "kept", (json_int_t)g->kept * PAGE,
			 "guest_swapped", (json_int_t)g->guest_swapped * PAGE,
			 "dropped", (json_int_t)g->dropped * PAGE);
}

static json_t *counters_json(const struct zhostd_paging_stats *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:I}",
			 "hint_calls", (json_int_t)s->hint_calls,
			 "bad_calls", (json_int_t)s->bad_calls,
			 "hinted", (json_int_t)s->hinted * PAGE,
			 "refused_mode", (json_int_t)s->refused_mode * PAGE,
			 "skipped_unplugged", (json_int_t)s->skipped_unplugged * PAGE,
			 "skipped_pinned", (json_int_t)s->skipped_pinned * PAGE,
			 "over_budget", (json_int_t)s->over_budget * PAGE,
			 "duplicate", (json_int_t)s->duplicate * PAGE,
			 "accepted", (json_int_t)s->accepted * PAGE,
			 "paged_out", (json_int_t)s->paged_out * PAGE,
			 "pageout_calls", (json_int_t)s->pageout_calls,
			 "pageout_errors", (json_int_t)s->pageout_errors,
			 "last_error", s->last_error,
			 "mode_changes", (json_int_t)s->mode_changes);
}

json_t *zhostd_paging_json(struct zhostd *zd)
{
	struct zhostd_paging_info pi;
	struct zhostd_pin_info pin;
	uint64_t resident = 0, swapped = 0;
	json_t *o;
	bool known;

	zhostd_paging_get(&zd->paging, &pi);
	zhostd_pin_get(&zd->mem, &pin);
	known = !zhostd_paging_residency(&zd->paging, &resident, &swapped);
	o = json_pack("{s:b, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:b, s:o, s:o}",
		      "enabled", pi.wanted,
		      "mode", zh_paging_mode_name(pi.mode),
		      "reason", zh_paging_reason_name(pi.reason),
		      "resident", known ? json_integer((json_int_t)resident) : json_null(),
		      "swapped", known ? json_integer((json_int_t)swapped) : json_null(),
		      "pinned", (json_int_t)pin.locked,
		      "hinted", (json_int_t)pi.stats.hinted * PAGE,
		      "swap_total", (json_int_t)pi.swap_total,
		      "swap_free", (json_int_t)pi.swap_free,
		      "guest_unsupported", pi.guest_unsupported,
		      "guest", guest_json(&pi),
		      "counters", counters_json(&pi.stats));
	if (o)
		json_object_set_new(o, "swap_floor", json_integer((json_int_t)pi.swap_floor));
	return o;
}

static json_t *cmd_query_paging(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	(void)args;
	(void)err;
	return zhostd_paging_json(zd);
}
ZHOSTD_COMMAND("query-paging", cmd_query_paging)

static json_t *cmd_paging(struct zhostd *zd, json_t *args,
			  struct zhostd_error *err)
{
	json_t *on = json_object_get(args, "enabled");

	if (!json_is_boolean(on) || json_object_size(args) != 1) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'enabled' must be true or false, and the only argument");
		return NULL;
	}
	zlog_info("host paging turned %s by a control client",
		  json_is_true(on) ? "on" : "off");
	zhostd_paging_set_wanted(&zd->paging, json_is_true(on));
	/* Now, not at the next tick: the reply shows the outcome. */
	zhostd_paging_tick(zd);
	return zhostd_paging_json(zd);
}
ZHOSTD_COMMAND("paging", cmd_paging)
