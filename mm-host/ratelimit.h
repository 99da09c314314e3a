/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's limit on what a guest can make it write: the log lines and
 * control events a guest triggers (its resize reports, its requests for
 * memory, plug and unplug calls, its driver binding and unbinding, its
 * pins refused, its paging hints, its host-file requests refused) go
 * through one token bucket per kind. A kind passes ZHOSTD_RL_BURST at
 * once, then ZHOSTD_RL_PER_S a second; what is over is counted, not
 * written. When a flood of one kind ends (nothing dropped for
 * ZHOSTD_RL_QUIET_MS), or every ZHOSTD_RL_REPORT_MS while it lasts, the
 * counts of that episode are reported once through a callback.
 */
#ifndef ZHOSTD_RATELIMIT_H
#define ZHOSTD_RATELIMIT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ticker.h"

/* A well-behaved guest stays within these: a resize is a few reports. */
#define ZHOSTD_RL_BURST		20	/* passed at once */
#define ZHOSTD_RL_PER_S		5	/* passed a second after the burst */
#define ZHOSTD_RL_QUIET_MS	1000	/* a flood ended: nothing dropped since */
#define ZHOSTD_RL_REPORT_MS	60000	/* a long flood is reported this often */

/* What a guest triggers, one bucket each. */
enum zhostd_rl_kind {
	ZHOSTD_RL_MEMORY_CHANGED,	/* plug and unplug calls */
	ZHOSTD_RL_GUEST_ASKED,		/* requests for memory, granted or not */
	ZHOSTD_RL_RESIZE_DONE,		/* resize reports */
	ZHOSTD_RL_DRIVER,		/* GUEST_READY, GUEST_GONE, GUEST_BAD_VERSION */
	ZHOSTD_RL_PIN_REFUSED,		/* pin runs the host did not pin in full */
	ZHOSTD_RL_PAGING,		/* malformed hints, page-outs that failed */
	ZHOSTD_RL_HOSTFS,		/* host-file requests refused */
	ZHOSTD_RL_NR,
};

/**
 * struct zhostd_rl_report - one flood's counts, for the callback
 * @kind: what was dropped
 * @dropped: log lines and events dropped (one each per dropped message)
 * @ms: from the first drop to the last
 * @ended: the flood ended (otherwise it goes on: a periodic report)
 */
struct zhostd_rl_report {
	enum zhostd_rl_kind kind;
	uint64_t dropped;
	uint64_t ms;
	bool ended;
};

struct zhostd_ratelimit;

/**
 * zhostd_ratelimit_create() - buckets, full, and a thread reporting floods
 * @report: called, from that thread, for each flood that ended (and every
 *	ZHOSTD_RL_REPORT_MS during one); may be NULL
 * @opaque: its first argument
 * @out: set to the new limiter
 *
 * Return: 0, or -ENOMEM.
 */
int zhostd_ratelimit_create(void (*report)(void *opaque,
					   const struct zhostd_rl_report *r),
			    void *opaque, struct zhostd_ratelimit **out);

/* Start the reporting thread. Return: 0 or -errno. */
int zhostd_ratelimit_start(struct zhostd_ratelimit *rl);

/* Stop it (nothing when not started); a flood still open is reported. */
void zhostd_ratelimit_stop(struct zhostd_ratelimit *rl);

/* Stop and free; NULL is fine. */
void zhostd_ratelimit_destroy(struct zhostd_ratelimit *rl);

/**
 * zhostd_ratelimit_allow() - whether one message of @kind may be written
 * @rl: the limiter; NULL lets everything through
 * @kind: the kind
 *
 * Takes a token; without one, counts the message as dropped. Safe from
 * any thread.
 *
 * Return: true to write the log line and send the event.
 */
bool zhostd_ratelimit_allow(struct zhostd_ratelimit *rl,
			    enum zhostd_rl_kind kind);

/*
 * The same at @now_ms on CLOCK_MONOTONIC, and the check for floods that
 * ended: what the thread runs. For tests.
 */
bool zhostd_ratelimit_allow_at(struct zhostd_ratelimit *rl,
			       enum zhostd_rl_kind kind, uint64_t now_ms);
void zhostd_ratelimit_check_at(struct zhostd_ratelimit *rl, uint64_t now_ms);

/* The kind's name in query-status and the log ("resize_done", ...). */
const char *zhostd_rl_kind_name(enum zhostd_rl_kind kind);

/*
 * query-status's "suppressed": {"limit": {"burst", "per_second"}, "total",
 * then each kind's count since zhostd started}. A new reference; with
 * @rl NULL, all zero.
 */
json_t *zhostd_ratelimit_json(struct zhostd_ratelimit *rl);

#endif /* ZHOSTD_RATELIMIT_H */
