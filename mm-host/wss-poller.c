// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's working-set poller; see wss-poller.h.
 *
 * Polls are serialized by @poll_lock (the thread and query-wss's refresh
 * may race), and everything the control commands read is under @lock,
 * held only for copies: no guest call and no event is made with @lock
 * held, so a slow client never holds up a poll and a slow guest never
 * holds up query-wss.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "log.h"
#include "resize.h"
#include "ticker.h"
#include "wss-json.h"
#include "wss-poller.h"
#include "wss-ring.h"

/**
 * struct zhostd_wss - the poller
 * @zd: the daemon
 * @cfg: the configuration
 * @ticker: the polling thread
 * @poll_lock: one poll at a time
 * @resp: reply buffer of a poll (a slot's payload, so that an oversized
 *	reply arrives whole and is refused by the decoder, with its length)
 * @resp_cap: its size
 * @lock: protects everything below
 * @ring: the history
 * @seq: samples taken so far
 * @polls: calls made
 * @errors: calls that failed (no answer, or an error status)
 * @rejected: reports refused as malformed
 * @failures: consecutive failed polls (either kind)
 * @last_error: why the last poll failed, "" before any failure
 * @error_sent_ns: CLOCK_MONOTONIC of the last WSS_ERROR sent, 0 before
 * @suppressed: failures since then not sent
 * @pstate: the policy's state
 * @last: the last decision
 * @decided: @last is set
 */
struct zhostd_wss {
	struct zhostd *zd;
	struct zhostd_wss_config cfg;
	struct zhostd_ticker ticker;
	pthread_mutex_t poll_lock;
	void *resp;
	uint32_t resp_cap;

	pthread_mutex_t lock;
	struct zhostd_wss_ring ring;
	uint64_t seq;
	uint64_t polls;
	uint64_t errors;
	uint64_t rejected;
	uint64_t failures;
	char last_error[256];
	int64_t error_sent_ns;
	uint64_t suppressed;
	struct zhostd_policy_state pstate;
	struct zhostd_policy_decision last;
	bool decided;
};

static int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The ticker's call; without a guest, zhostd_wss_poll() returns at once. */
static void poller_tick(void *arg)
{
	struct zhostd_error err = { 0 };

	zhostd_wss_poll(arg, &err);
}

int zhostd_wss_create(struct zhostd *zd, const struct zhostd_wss_config *cfg,
		      struct zhostd_wss **out)
{
	struct zhostd_wss *w;

	if (!cfg->history || cfg->history > ZHOSTD_WSS_HISTORY_MAX)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->zd = zd;
	w->cfg = *cfg;
	w->resp_cap = zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
	w->resp = malloc(w->resp_cap);
	if (!w->resp || zhostd_wss_ring_init(&w->ring, cfg->history)) {
		free(w->resp);
		free(w);
		return -ENOMEM;
	}
	pthread_mutex_init(&w->poll_lock, NULL);
	pthread_mutex_init(&w->lock, NULL);
	zhostd_ticker_init(&w->ticker, cfg->interval_ms, poller_tick, w);
	*out = w;
	return 0;
}

void zhostd_wss_destroy(struct zhostd_wss *w)
{
	if (!w)
		return;
	zhostd_ticker_destroy(&w->ticker);
	zhostd_wss_ring_destroy(&w->ring);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->poll_lock);
	free(w->resp);
	free(w);
}

/*
 * A failed poll: count it, log it and send WSS_ERROR for the first failure
 * after a success, then at most every ZHOSTD_WSS_ERROR_EVERY_MS: a guest
 * without the module (or a broken one) must not flood logs and clients.
 */
static void poll_failed(struct zhostd_wss *w, const char *reason,
			bool malformed, const struct zhostd_error *err)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);
	uint64_t failures, suppressed = 0;
	bool send;

	pthread_mutex_lock(&w->lock);
	if (malformed)
		w->rejected++;
	else
		w->errors++;
	failures = ++w->failures;
	snprintf(w->last_error, sizeof(w->last_error), "%s", err->desc);
	send = failures == 1 || !w->error_sent_ns ||
	       now - w->error_sent_ns >= ZHOSTD_WSS_ERROR_EVERY_MS * 1000000LL;
	if (send) {
		suppressed = w->suppressed;
		w->suppressed = 0;
		w->error_sent_ns = now;
	} else {
		w->suppressed++;
	}
	pthread_mutex_unlock(&w->lock);

	if (!send) {
		zlog_debug("working set: %s", err->desc);
		return;
	}
	zlog_warn("working set: %s (%llu failures in a row; repeats are logged at most every %d s)",
		  err->desc, (unsigned long long)failures,
		  ZHOSTD_WSS_ERROR_EVERY_MS / 1000);
	zhostd_event(w->zd, "WSS_ERROR",
		     json_pack("{s:s, s:s, s:s, s:I, s:I}",
			       "reason", reason,
			       "class", err->cls,
			       "desc", err->desc,
			       "failures", (json_int_t)failures,
			       "suppressed", (json_int_t)suppressed));
}

/* Set a new requested size as the policy decided, and tell the guest. */
static void policy_apply(struct zhostd_wss *w,
			 const struct zhostd_policy_decision *d)
{
	struct zhostd_error err = { 0 };
	bool notified = false;

	if (d->emit)
		zlog_info("policy: %s %llu MiB -> %llu MiB (working set %llu MiB, target %llu MiB): %s",
			  zhostd_policy_action_name(d->action),
			  (unsigned long long)(d->from >> 20),
			  (unsigned long long)(d->to >> 20),
			  (unsigned long long)(d->wss >> 20),
			  (unsigned long long)(d->target >> 20),
			  zhostd_policy_reason_name(d->reason));
	if (d->emit)
		zhostd_event(w->zd, "POLICY_DECISION",
			     zhostd_policy_decision_json(d));
	if (d->action == ZHOSTD_POLICY_HOLD)
		return;
	if (zhostd_resize(w->zd, d->to, &notified, &err))
		zlog_warn("policy: cannot request %llu MiB: %s",
			  (unsigned long long)(d->to >> 20), err.desc);
}

/* A valid report: into the history, out as WSS_UPDATED, to the policy. */
static void poll_succeeded(struct zhostd_wss *w,
			   const struct zhostd_wss_report *r)
{
	struct zhostd_wss_sample s = { .report = *r };
	struct zhostd_policy_decision d = { 0 };
	struct zhostd_memory_info mi;
	int ret;

	s.time_ns = clock_ns(CLOCK_REALTIME);
	s.mono_ns = clock_ns(CLOCK_MONOTONIC);
	zhostd_memory_get(&w->zd->mem, &mi);
	s.plugged = mi.plugged;
	s.requested = mi.requested;
	ret = zhostd_memory_backed(&w->zd->mem, &s.backed);
	if (ret)
		zlog_warn("working set: cannot measure the memfd: %s",
			  strerror(-ret));

	pthread_mutex_lock(&w->lock);
	s.seq = ++w->seq;
	w->failures = 0;
	zhostd_wss_ring_push(&w->ring, &s);
	if (w->cfg.policy) {
		struct zhostd_policy_input in = {
			.report = r,
			.requested = mi.requested,
			.now_ns = s.mono_ns,
			.last_ask_ns = mi.last_ask_ns,
		};

		zhostd_policy_decide(&w->cfg.params, &w->pstate, &in, &d);
		w->last = d;
		w->decided = true;
	}
	pthread_mutex_unlock(&w->lock);

	zlog_debug("working set: guest %llu MiB, ZONE_HOST %llu MiB (window %llu)",
		   (unsigned long long)(r->region[VMRPC_WSS_REGION_GUEST].wss >> 20),
		   (unsigned long long)(r->region[VMRPC_WSS_REGION_HOST].wss >> 20),
		   (unsigned long long)r->windows);
	zhostd_event(w->zd, "WSS_UPDATED", zhostd_wss_sample_json(&s));
	if (w->cfg.policy)
		policy_apply(w, &d);
}

int zhostd_wss_poll(struct zhostd_wss *w, struct zhostd_error *err)
{
	struct zhostd_wss_report r;
	uint32_t len = 0, status = 0;
	char why[200];
	int ret;

	/* No guest is no failure of the guest's: not counted, not sent. */
	if (!vmrpc_host_guest_ready(w->zd->vh)) {
		zhostd_error_from_call(err, "the working-set report", -ENOTCONN, 0);
		return -1;
	}
	pthread_mutex_lock(&w->poll_lock);
	pthread_mutex_lock(&w->lock);
	w->polls++;
	pthread_mutex_unlock(&w->lock);
	ret = vmrpc_host_call(w->zd->vh, VMRPC_MOD_WSS, VMRPC_WSS_REPORT, NULL,
			      0, w->resp, w->resp_cap, &len, &status,
			      w->zd->call_timeout_ms);
	if (ret || status != VMRPC_OK) {
		zhostd_error_from_call(err, "the working-set report", ret,
				       status);
		poll_failed(w, ret ? "no-answer" : "guest-error", false, err);
		ret = -1;
	} else if (zhostd_wss_decode(w->resp, len, &r, why, sizeof(why))) {
		zhostd_error_set(err, ZERR_GUEST_ERROR,
				 "malformed working-set report refused: %s", why);
		poll_failed(w, "malformed", true, err);
		ret = -1;
	} else {
		poll_succeeded(w, &r);
	}
	pthread_mutex_unlock(&w->poll_lock);
	return ret;
}

int zhostd_wss_start(struct zhostd_wss *w)
{
	return zhostd_ticker_start(&w->ticker);
}

void zhostd_wss_stop(struct zhostd_wss *w)
{
	zhostd_ticker_stop(&w->ticker);
}

/* Per second between two counters; null when unknown or reset. */
static json_t *rate_json(uint64_t now, uint64_t before, int64_t ns)
{
	if (ns <= 0 || now < before)
		return json_null();
	return json_real((double)(now - before) * 1e9 / (double)ns);
}

json_t *zhostd_wss_status_json(struct zhostd_wss *w)
{
	const struct zhostd_wss_sample *s, *prev;
	json_t *sample = json_null(), *derived = json_null(), *policy;
	int64_t now = clock_ns(CLOCK_MONOTONIC);
	json_t *ret;

	pthread_mutex_lock(&w->lock);
	s = zhostd_wss_ring_latest(&w->ring);
	prev = w->ring.count > 1 ? zhostd_wss_ring_at(&w->ring, w->ring.count - 2) :
				   NULL;
	if (s) {
		json_decref(sample);
		json_decref(derived);
		sample = zhostd_wss_sample_json(s);
		derived = json_pack("{s:I, s:f, s:o, s:o}",
				    "age_ms", (json_int_t)((now - s->mono_ns) / 1000000),
				    "scan_cpu_share", zhostd_wss_scan_share(&s->report),
				    "pgfault_per_s", prev ?
					rate_json(s->report.pgfault, prev->report.pgfault,
						  s->mono_ns - prev->mono_ns) : json_null(),
				    "pgmajfault_per_s", prev ?
					rate_json(s->report.pgmajfault, prev->report.pgmajfault,
						  s->mono_ns - prev->mono_ns) : json_null());
	}
	policy = json_pack("{s:s, s:o, s:i, s:o}",
			   "mode", w->cfg.policy ? "auto" : "off",
			   "params", zhostd_policy_params_json(&w->cfg.params),
			   "below", (int)w->pstate.below,
			   "last_decision", w->decided ?
				zhostd_policy_decision_json(&w->last) : json_null());
	ret = json_pack("{s:I, s:{s:I, s:I}, s:o?, s:o?, s:{s:I, s:I, s:I, s:I, s:I, s:o}, s:o?}",
			"interval_ms", (json_int_t)w->cfg.interval_ms,
			"history", "entries", (json_int_t)w->ring.count,
			"capacity", (json_int_t)w->ring.cap,
			"sample", sample,
			"derived", derived,
			"stats", "polls", (json_int_t)w->polls,
			"samples", (json_int_t)w->seq,
			"errors", (json_int_t)w->errors,
			"rejected", (json_int_t)w->rejected,
			"failures", (json_int_t)w->failures,
			"last_error", w->last_error[0] ?
				json_string(w->last_error) : json_null(),
			"policy", policy);
	pthread_mutex_unlock(&w->lock);
	return ret;
}

json_t *zhostd_wss_history_json(struct zhostd_wss *w, size_t limit)
{
	json_t *list = json_array();
	size_t first;

	pthread_mutex_lock(&w->lock);
	first = limit < w->ring.count ? w->ring.count - limit : 0;
	for (size_t i = first; list && i < w->ring.count; i++)
		json_array_append_new(list, zhostd_wss_sample_json(
					      zhostd_wss_ring_at(&w->ring, i)));
	pthread_mutex_unlock(&w->lock);
	return json_pack("{s:I, s:I, s:o?}",
			 "interval_ms", (json_int_t)w->cfg.interval_ms,
			 "capacity", (json_int_t)w->cfg.history,
			 "samples", list);
}
