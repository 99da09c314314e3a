// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory guard; see guard.h.
 *
 * Checks are serialized by @check_lock (the thread and enforce-memory may
 * race; the scan's resume point is one). The log's rate limit is under
 * @lock, held only for a few assignments. No event is sent and no QMP
 * command made with the backend's lock held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "events.h"
#include "guard.h"
#include "log.h"
#include "qmp.h"
#include "ticker.h"

/**
 * struct zhostd_guard - the guard
 * @zd: the daemon
 * @cfg: the configuration, defaults filled in; @cfg.qmp_path is ours
 * @ticker: the checking thread
 * @check_lock: one check at a time
 * @lock: protects everything below
 * @logged_ns: CLOCK_MONOTONIC of the last violation logged, 0 before
 * @unlogged: violations since then not logged
 * @unlogged_bytes: the bytes they freed
 */
struct zhostd_guard {
	struct zhostd *zd;
	struct zhostd_guard_config cfg;
	struct zhostd_ticker ticker;
	pthread_mutex_t check_lock;

	pthread_mutex_t lock;
	int64_t logged_ns;
	uint64_t unlogged;
	uint64_t unlogged_bytes;
};

const char *zhostd_on_violation_name(enum zhostd_on_violation action)
{
	return action == ZHOSTD_ON_VIOLATION_STOP ? "stop" : "punch";
}

int zhostd_on_violation_parse(const char *name,
			      enum zhostd_on_violation *action)
{
	if (!strcmp(name, "punch"))
		*action = ZHOSTD_ON_VIOLATION_PUNCH;
	else if (!strcmp(name, "stop"))
		*action = ZHOSTD_ON_VIOLATION_STOP;
	else
		return -1;
	return 0;
}

/* The ticker's call. */
static void guard_tick(void *arg)
{
	struct zhostd_guard_result r;

	zhostd_guard_check(arg, &r);
}

int zhostd_guard_create(struct zhostd *zd, const struct zhostd_guard_config *cfg,
			struct zhostd_guard **out)
{
	struct zhostd_guard *g;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->zd = zd;
	g->cfg = *cfg;
	g->cfg.qmp_path = NULL;
	if (cfg->qmp_path) {
		g->cfg.qmp_path = strdup(cfg->qmp_path);
		if (!g->cfg.qmp_path) {
			free(g);
			return -ENOMEM;
		}
	}
	if (!g->cfg.qmp_timeout_ms)
		g->cfg.qmp_timeout_ms = ZHOSTD_QMP_TIMEOUT_MS;
	if (!g->cfg.log_every_ms)
		g->cfg.log_every_ms = ZHOSTD_GUARD_LOG_EVERY_MS;
	if (!g->cfg.budget)
		g->cfg.budget = ZHOSTD_ENFORCE_BUDGET_DEFAULT;
	pthread_mutex_init(&g->check_lock, NULL);
	pthread_mutex_init(&g->lock, NULL);
	zhostd_ticker_init(&g->ticker, g->cfg.interval_ms, guard_tick, g);
	*out = g;
	return 0;
}

void zhostd_guard_destroy(struct zhostd_guard *g)
{
	if (!g)
		return;
	zhostd_ticker_destroy(&g->ticker);
	pthread_mutex_destroy(&g->lock);
	pthread_mutex_destroy(&g->check_lock);
	free((char *)g->cfg.qmp_path);
	free(g);
}

unsigned int zhostd_guard_interval_ms(const struct zhostd_guard *g)
{
	return g->cfg.interval_ms;
}

enum zhostd_on_violation zhostd_guard_action(const struct zhostd_guard *g)
{
	return g->cfg.action;
}

json_t *zhostd_guard_result_json(struct zhostd_guard *g,
				 const struct zhostd_guard_result *r)
{
	const struct zhostd_memory_violation *v = &r->v;
	struct zhostd_memory_info mi;
	bool stop = g->cfg.action == ZHOSTD_ON_VIOLATION_STOP;

	zhostd_memory_get(&g->zd->mem, &mi);
	return json_pack("{s:b, s:b, s:o, s:o, s:I, s:I, s:I, s:s, s:b, s:o, s:I, s:I}",
			 "found", r->found,
			 "complete", v->complete,
			 "first", v->subblocks ? json_integer((json_int_t)v->first) :
						 json_null(),
			 "last", v->subblocks ? json_integer((json_int_t)v->last) :
						json_null(),
			 "subblocks", (json_int_t)v->subblocks,
			 "bytes", (json_int_t)v->bytes,
			 "control_bytes", (json_int_t)v->spare_bytes,
			 "action", zhostd_on_violation_name(g->cfg.action),
			 "stopped", r->stopped,
			 "error", stop && r->found && !r->stopped ?
				  json_string(r->error) : json_null(),
			 "violations", (json_int_t)mi.violations,
			 "reclaimed", (json_int_t)mi.reclaimed);
}

/*
 * Where the guest took memory, for the log: "subblock 5: 2048 KiB",
 * "3 subblocks from 5 to 9: 12 KiB, the unused control area: 256 KiB".
 */
static void guard_where(const struct zhostd_memory_violation *v, char *buf,
			size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (v->subblocks == 1)
		n = snprintf(buf, len, "subblock %llu: %llu KiB",
			     (unsigned long long)v->first,
			     (unsigned long long)(v->bytes >> 10));
	else if (v->subblocks)
		n = snprintf(buf, len, "%llu subblocks from %llu to %llu: %llu KiB",
			     (unsigned long long)v->subblocks,
			     (unsigned long long)v->first,
			     (unsigned long long)v->last,
			     (unsigned long long)(v->bytes >> 10));
	if (v->spare_bytes && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%sthe unused control area: %llu KiB",
			 n ? ", " : "", (unsigned long long)(v->spare_bytes >> 10));
}

/*
 * Log a violation: the first at once, then at most every log_every_ms
 * with the count and bytes of those left out in between; those go to the
 * debug level only. A guest touching unplugged memory all the time makes
 * one line a minute, not one per check.
 */
static void guard_log(struct zhostd_guard *g, const struct zhostd_guard_result *r)
{
	const struct zhostd_memory_violation *v = &r->v;
	int64_t now = (int64_t)zh_now_ns();
	uint64_t skipped = 0, skipped_bytes = 0;
	char where[200], stop[300] = "", since[120] = "";
	bool log;

	pthread_mutex_lock(&g->lock);
	log = !g->logged_ns ||
	      now - g->logged_ns >= (int64_t)g->cfg.log_every_ms * 1000000;
	if (log) {
		skipped = g->unlogged;
		skipped_bytes = g->unlogged_bytes;
		g->unlogged = g->unlogged_bytes = 0;
		g->logged_ns = now;
	} else {
		g->unlogged++;
		g->unlogged_bytes += v->bytes + v->spare_bytes;
	}
	pthread_mutex_unlock(&g->lock);

	guard_where(v, where, sizeof(where));
	if (g->cfg.action == ZHOSTD_ON_VIOLATION_STOP)
		snprintf(stop, sizeof(stop), "; %s%s",
			 r->stopped ? "VM paused (QMP stop)" : "cannot pause the VM: ",
			 r->stopped ? "" : r->error);
	if (!log) {
		zlog_debug("memory violation: freed host memory behind %s%s",
			   where, stop);
		return;
	}
	if (skipped)
		snprintf(since, sizeof(since), "; %llu more violations (%llu KiB) since the last message",
			 (unsigned long long)skipped,
			 (unsigned long long)(skipped_bytes >> 10));
	zlog_warn("memory violation: the guest used host memory it never plugged, freed it: %s%s%s (logged at most every %g s)",
		  where, stop, since, g->cfg.log_every_ms / 1000.0);
}

int zhostd_guard_check(struct zhostd_guard *g, struct zhostd_guard_result *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&g->check_lock);
	ret = zhostd_memory_enforce(&g->zd->mem, g->cfg.budget, &r->v);
	r->found = r->v.extents != 0;
	/* The memory is freed already; pausing keeps the guest from retrying. */
	if (r->found && g->cfg.action == ZHOSTD_ON_VIOLATION_STOP) {
		if (!g->cfg.qmp_path)
			snprintf(r->error, sizeof(r->error), "no QMP socket known (zhostd --qmp)");
		else if (!zhostd_qmp_execute(g->cfg.qmp_path, "stop",
					     g->cfg.qmp_timeout_ms, r->error,
					     sizeof(r->error)))
			r->stopped = true;
	}
	pthread_mutex_unlock(&g->check_lock);

	if (ret)
		zlog_err("memory guard: cannot scan the memfd: %s", strerror(-ret));
	if (r->found) {
		guard_log(g, r);
		zhostd_event(g->zd, "MEMORY_VIOLATION",
			     zhostd_guard_result_json(g, r));
	}
	return ret;
}

int zhostd_guard_start(struct zhostd_guard *g)
{
	return zhostd_ticker_start(&g->ticker);
}

void zhostd_guard_stop(struct zhostd_guard *g)
{
	if (g)
		zhostd_ticker_stop(&g->ticker);
}
