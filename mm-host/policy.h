/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The automatic sizing policy (zhostd --policy auto): from each working-set
 * sample, the size of ZONE_HOST the host should request. A pure function of
 * its parameters, its state and the sample, so that every rule below is
 * unit-tested without a guest; the poller (wss-poller.c) applies it.
 *
 * The target: the guest's whole working set, at the top of its confidence
 * interval, plus headroom, minus the memory the guest has outside
 * ZONE_HOST (its own RAM), in whole subblocks, within [min, max]:
 *
 *   need   = wss + wss_error + headroom + wss * headroom_percent / 100
 *   target = clamp(round_up(need - (size - host size), subblock), min, max)
 *
 * with wss, wss_error and size those of the guest region.
 *
 * Grow fast: as soon as the target exceeds the requested size by more than
 * one subblock, request the target. Shrink slowly: only after the target
 * stayed below the requested size by more than the margin (hysteresis plus
 * the full width of the confidence interval, 2 * wss_error, so that noise
 * the guest itself calls noise never counts) for shrink_after consecutive
 * new windows, and then by a quarter of the difference, at most
 * shrink_step. Never shrink within ask_holdoff of the guest asking for
 * memory, and never act on a sample that is not ENABLED and VALID.
 */
#ifndef ZHOSTD_POLICY_H
#define ZHOSTD_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "wss.h"

/* Defaults, shown in zhostd --help. */
#define ZHOSTD_POLICY_HEADROOM_DEFAULT		(128ULL << 20)
#define ZHOSTD_POLICY_HYSTERESIS_DEFAULT	(64ULL << 20)
#define ZHOSTD_POLICY_SHRINK_AFTER_DEFAULT	6
#define ZHOSTD_POLICY_SHRINK_STEP_DEFAULT	(256ULL << 20)
#define ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT	60
/* A shrink takes at most this fraction (1/N) of the difference at once. */
#define ZHOSTD_POLICY_SHRINK_DIVISOR		4

enum zhostd_policy_action {
	ZHOSTD_POLICY_HOLD,
	ZHOSTD_POLICY_GROW,
	ZHOSTD_POLICY_SHRINK,
};

/* Why; the names (zhostd_policy_reason_name()) are part of the protocol. */
enum zhostd_policy_reason {
	ZHOSTD_POLICY_R_INVALID,	/* hold: sample not ENABLED and VALID */
	ZHOSTD_POLICY_R_STEADY,		/* hold: target within the band */
	ZHOSTD_POLICY_R_AT_MAX,		/* hold: the guest wants more than max */
	ZHOSTD_POLICY_R_PENDING,	/* hold: below, counting windows */
	ZHOSTD_POLICY_R_ASKED,		/* hold: the guest asked recently */
	ZHOSTD_POLICY_R_ABOVE,		/* grow: target above requested */
	ZHOSTD_POLICY_R_MIN,		/* grow: requested below min */
	ZHOSTD_POLICY_R_BELOW,		/* shrink: below for long enough */
};

/**
 * struct zhostd_policy_params - the knobs, all sizes in bytes
 * @min: never request less (a multiple of @subblock)
 * @max: never request more (a multiple of @subblock)
 * @subblock: the plug unit; targets are rounded up to it
 * @headroom: bytes added to the working set
 * @headroom_percent: and this percentage of the working set
 * @hysteresis: a shrink needs the target below requested by more than
 *	this plus 2 * wss_error
 * @shrink_after: ... for this many consecutive new windows (>= 1)
 * @shrink_step: the most one shrink takes (>= @subblock)
 * @ask_holdoff_ns: no shrink this long after the guest asked for memory
 */
struct zhostd_policy_params {
	uint64_t min;
	uint64_t max;
	uint64_t subblock;
	uint64_t headroom;
	unsigned int headroom_percent;
	uint64_t hysteresis;
	unsigned int shrink_after;
	uint64_t shrink_step;
	int64_t ask_holdoff_ns;
};

/**
 * struct zhostd_policy_state - what the policy remembers; zero to start
 * @below: consecutive new windows with the target below by the margin
 * @last_windows: the report's window count when last seen
 * @seen: @last_windows is set
 * @last_reason: reason of the last decision
 * @decided: @last_reason is set
 */
struct zhostd_policy_state {
	unsigned int below;
	uint64_t last_windows;
	bool seen;
	enum zhostd_policy_reason last_reason;
	bool decided;
};

/**
 * struct zhostd_policy_input - one sample as the policy sees it
 * @report: the guest's validated report
 * @requested: the requested size now
 * @now_ns: CLOCK_MONOTONIC now
 * @last_ask_ns: CLOCK_MONOTONIC of the guest's last VMRPC_MEM_ASK; 0: never
 */
struct zhostd_policy_input {
	const struct zhostd_wss_report *report;
	uint64_t requested;
	int64_t now_ns;
	int64_t last_ask_ns;
};

/**
 * struct zhostd_policy_decision - what to do
 * @action: hold, grow or shrink
 * @from: the requested size before
 * @to: the requested size to set (== @from for hold)
 * @wss: the guest region's working set
 * @target: the target computed from the sample (0 for invalid samples)
 * @reason: why
 * @below: the state's count of windows below, after this sample
 * @emit: log and send it: always for grow and shrink, for hold only when
 *	the reason differs from the last decision's, so a steady guest does
 *	not flood the clients
 */
struct zhostd_policy_decision {
	enum zhostd_policy_action action;
	uint64_t from;
	uint64_t to;
	uint64_t wss;
	uint64_t target;
	enum zhostd_policy_reason reason;
	unsigned int below;
	bool emit;
};

/* The defaults, for @subblock and @max. */
void zhostd_policy_defaults(struct zhostd_policy_params *p, uint64_t subblock,
			    uint64_t max);

/**
 * zhostd_policy_target() - the requested size a report calls for
 * @p: the parameters
 * @r: a validated report
 * @over_max: set when the unclamped target is above @p->max; may be NULL
 *
 * Return: the target, a multiple of the subblock within [min, max].
 */
uint64_t zhostd_policy_target(const struct zhostd_policy_params *p,
			      const struct zhostd_wss_report *r,
			      bool *over_max);

/**
 * zhostd_policy_decide() - the decision for one sample
 * @p: the parameters
 * @st: the state, updated
 * @in: the sample
 * @d: filled in
 */
void zhostd_policy_decide(const struct zhostd_policy_params *p,
			  struct zhostd_policy_state *st,
			  const struct zhostd_policy_input *in,
			  struct zhostd_policy_decision *d);

/* "hold", "grow", "shrink". */
const char *zhostd_policy_action_name(enum zhostd_policy_action a);
/* "invalid-sample", "steady", ...: see policy.c. */
const char *zhostd_policy_reason_name(enum zhostd_policy_reason r);

#endif /* ZHOSTD_POLICY_H */
