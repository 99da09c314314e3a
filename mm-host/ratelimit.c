// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's limit on guest-triggered log lines and events; see ratelimit.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "clock.h"
#include "ratelimit.h"

/* Tokens are counted in thousandths: ZHOSTD_RL_PER_S adds one per ms. */
#define RL_MILLI	1000

/**
 * struct rl_bucket - one kind
 * @tokens: thousandths of a message that may pass now
 * @refilled_ms: when @tokens was last brought up to date
 * @dropped: dropped since zhostd started
 * @pending: dropped in the flood not yet reported
 * @first_ms: the first drop of that flood (or of its period)
 * @last_ms: the last drop
 */
struct rl_bucket {
	uint64_t tokens;
	uint64_t refilled_ms;
	uint64_t dropped;
	uint64_t pending;
	uint64_t first_ms;
	uint64_t last_ms;
};

/**
 * struct zhostd_ratelimit - see ratelimit.h
 * @lock: protects @b
 * @b: the buckets
 * @report: the flood report callback, and @opaque its argument
 * @ticker: the thread that looks for floods that ended
 */
struct zhostd_ratelimit {
	pthread_mutex_t lock;
	struct rl_bucket b[ZHOSTD_RL_NR];
	void (*report)(void *opaque, const struct zhostd_rl_report *r);
	void *opaque;
	struct zhostd_ticker ticker;
};

static void rl_tick(void *arg)
{
	zhostd_ratelimit_check_at(arg, zh_now_ms());
}

int zhostd_ratelimit_create(void (*report)(void *opaque,
					   const struct zhostd_rl_report *r),
			    void *opaque, struct zhostd_ratelimit **out)
{
	struct zhostd_ratelimit *rl = calloc(1, sizeof(*rl));
	uint64_t now = zh_now_ms();

	if (!rl)
		return -ENOMEM;
	pthread_mutex_init(&rl->lock, NULL);
	for (int k = 0; k < ZHOSTD_RL_NR; k++) {
		rl->b[k].tokens = (uint64_t)ZHOSTD_RL_BURST * RL_MILLI;
		rl->b[k].refilled_ms = now;
	}
	rl->report = report;
	rl->opaque = opaque;
	zhostd_ticker_init(&rl->ticker, ZHOSTD_RL_QUIET_MS / 2, rl_tick, rl);
	*out = rl;
	return 0;
}

int zhostd_ratelimit_start(struct zhostd_ratelimit *rl)
{
	return zhostd_ticker_start(&rl->ticker);
}

void zhostd_ratelimit_stop(struct zhostd_ratelimit *rl)
{
	if (!rl)
		return;
	zhostd_ticker_stop(&rl->ticker);
	/* Whatever is still open: as if it ended now. */
	zhostd_ratelimit_check_at(rl, UINT64_MAX / 2);
}

void zhostd_ratelimit_destroy(struct zhostd_ratelimit *rl)
{
	if (!rl)
		return;
	zhostd_ticker_destroy(&rl->ticker);
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

bool zhostd_ratelimit_allow_at(struct zhostd_ratelimit *rl,
			       enum zhostd_rl_kind kind, uint64_t now_ms)
{
	const uint64_t full = (uint64_t)ZHOSTD_RL_BURST * RL_MILLI;
	struct rl_bucket *b;
	bool ok;

	if (!rl || (unsigned int)kind >= ZHOSTD_RL_NR)
		return true;
	b = &rl->b[kind];
	pthread_mutex_lock(&rl->lock);
	if (now_ms > b->refilled_ms) {
		uint64_t add = (now_ms - b->refilled_ms) * ZHOSTD_RL_PER_S;

		b->tokens = add >= full - b->tokens ? full : b->tokens + add;
		b->refilled_ms = now_ms;
	}
	ok = b->tokens >= RL_MILLI;
	if (ok) {
		b->tokens -= RL_MILLI;
	} else {
		b->dropped++;
		if (!b->pending++)
			b->first_ms = now_ms;
		b->last_ms = now_ms;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

bool zhostd_ratelimit_allow(struct zhostd_ratelimit *rl,
			    enum zhostd_rl_kind kind)
{
	return !rl || zhostd_ratelimit_allow_at(rl, kind, zh_now_ms());
}

void zhostd_ratelimit_check_at(struct zhostd_ratelimit *rl, uint64_t now_ms)
{
	struct zhostd_rl_report r[ZHOSTD_RL_NR];
	int n = 0;

	pthread_mutex_lock(&rl->lock);
	for (int k = 0; k < ZHOSTD_RL_NR; k++) {
		struct rl_bucket *b = &rl->b[k];
		bool ended = now_ms >= b->last_ms + ZHOSTD_RL_QUIET_MS;

		if (!b->pending ||
		    (!ended && now_ms < b->first_ms + ZHOSTD_RL_REPORT_MS))
			continue;
		r[n++] = (struct zhostd_rl_report){
			.kind = (enum zhostd_rl_kind)k, .dropped = b->pending,
			.ms = b->last_ms - b->first_ms, .ended = ended,
		};
		b->pending = 0;
	}
	pthread_mutex_unlock(&rl->lock);
	/* Outside the lock: the callback logs and sends events. */
	for (int i = 0; i < n && rl->report; i++)
		rl->report(rl->opaque, &r[i]);
}

const char *zhostd_rl_kind_name(enum zhostd_rl_kind kind)
{
	static const char *const names[ZHOSTD_RL_NR] = {
		[ZHOSTD_RL_MEMORY_CHANGED] = "memory_changed",
		[ZHOSTD_RL_GUEST_ASKED] = "guest_asked",
		[ZHOSTD_RL_RESIZE_DONE] = "resize_done",
		[ZHOSTD_RL_DRIVER] = "driver",
		[ZHOSTD_RL_PIN_REFUSED] = "pin_refused",
		[ZHOSTD_RL_PAGING] = "paging",
		[ZHOSTD_RL_HOSTFS] = "hostfs",
	};

	return (unsigned int)kind < ZHOSTD_RL_NR ? names[kind] : "unknown";
}

json_t *zhostd_ratelimit_json(struct zhostd_ratelimit *rl)
{
	json_t *obj = json_pack("{s:{s:i, s:i}}", "limit", "burst",
				ZHOSTD_RL_BURST, "per_second", ZHOSTD_RL_PER_S);
	uint64_t total = 0;

	if (!obj)
		return NULL;
	if (rl)
		pthread_mutex_lock(&rl->lock);
	for (int k = 0; k < ZHOSTD_RL_NR; k++) {
		uint64_t d = rl ? rl->b[k].dropped : 0;

		total += d;
		json_object_set_new(obj, zhostd_rl_kind_name((enum zhostd_rl_kind)k),
				    json_integer((json_int_t)d));
	}
	if (rl)
		pthread_mutex_unlock(&rl->lock);
	json_object_set_new(obj, "total", json_integer((json_int_t)total));
	return obj;
}
