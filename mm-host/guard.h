/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's memory guard: it enforces the memory limit (memory-enforce.h)
 * every --check-interval on a thread of its own and on demand (the control
 * command enforce-memory), and answers a violation as --on-violation says:
 * punch (free the memory, count it, tell) or stop (the same, then ask QEMU
 * over QMP to pause the VM). Every violation is sent as a
 * MEMORY_VIOLATION event; the log gets the first one, then one line per
 * ZHOSTD_GUARD_LOG_EVERY_MS at most saying what it left out, so that a
 * hostile guest cannot flood it.
 *
 * What it cannot do: stop a guest from touching unplugged memory between
 * two checks. ivshmem has no way to take part of BAR2 away from a guest,
 * so such a guest holds at most what it touched for at most one interval.
 */
#ifndef ZHOSTD_GUARD_H
#define ZHOSTD_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "memory-enforce.h"
#include "zhostd.h"

/* Defaults, shown in zhostd --help. */
#define ZHOSTD_CHECK_INTERVAL_MS_DEFAULT	10000
/* A violation is logged at once, the next ones at most this often. */
#define ZHOSTD_GUARD_LOG_EVERY_MS		60000

/* What zhostd does about a violation (zhostd --on-violation). */
enum zhostd_on_violation {
	ZHOSTD_ON_VIOLATION_PUNCH,	/* free the memory, count, report */
	ZHOSTD_ON_VIOLATION_STOP,	/* and pause the VM through QMP */
};

/**
 * struct zhostd_guard_config - how the guard works
 * @interval_ms: time between checks; 0: no thread (enforce-memory still
 *	checks on demand)
 * @action: the answer to a violation
 * @qmp_path: QEMU's QMP socket, for ZHOSTD_ON_VIOLATION_STOP; copied;
 *	NULL: none (a stop then fails, and says so)
 * @qmp_timeout_ms: how long a QMP command may take; 0: ZHOSTD_QMP_TIMEOUT_MS
 * @log_every_ms: log a violation at most this often after the first;
 *	0: ZHOSTD_GUARD_LOG_EVERY_MS
 * @budget: system calls per check; 0: ZHOSTD_ENFORCE_BUDGET_DEFAULT
 */
struct zhostd_guard_config {
	unsigned int interval_ms;
	enum zhostd_on_violation action;
	const char *qmp_path;
	unsigned int qmp_timeout_ms;
	unsigned int log_every_ms;
	uint64_t budget;
};

/**
 * struct zhostd_guard_result - one check
 * @v: what the scan found and freed
 * @found: the guest had host memory it never plugged (@v.extents != 0)
 * @stopped: ZHOSTD_ON_VIOLATION_STOP: QEMU confirmed it paused the VM
 * @error: ZHOSTD_ON_VIOLATION_STOP: why pausing failed; "" otherwise
 */
struct zhostd_guard_result {
	struct zhostd_memory_violation v;
	bool found;
	bool stopped;
	char error[256];
};

struct zhostd_guard;

/**
 * zhostd_guard_create() - set up the guard of @zd (not started)
 * @zd: the daemon: its memory backend (with its spare range set) and
 *	control server
 * @cfg: the configuration, copied
 * @out: the new guard
 *
 * Return: 0 or -ENOMEM.
 */
int zhostd_guard_create(struct zhostd *zd, const struct zhostd_guard_config *cfg,
			struct zhostd_guard **out);

/* Start the thread when the interval is not 0. Return: 0 or -errno. */
int zhostd_guard_start(struct zhostd_guard *g);

/* Stop the thread and wait for it; a check in progress ends first. */
void zhostd_guard_stop(struct zhostd_guard *g);

/* Free the guard, stopped or never started; NULL is fine. */
void zhostd_guard_destroy(struct zhostd_guard *g);

/**
 * zhostd_guard_check() - check now, as the thread does
 * @g: the guard
 * @r: filled in
 *
 * Frees what the guest used without plugging it, pauses the VM when the
 * action says so, logs (rate-limited) and sends MEMORY_VIOLATION when
 * something was found. Checks are serialized.
 *
 * Return: 0, or a negative errno when the memfd could not be scanned
 * (@r still says what was freed before).
 */
int zhostd_guard_check(struct zhostd_guard *g, struct zhostd_guard_result *r);

/**
 * zhostd_guard_result_json() - a check as enforce-memory returns it (and
 * MEMORY_VIOLATION carries it)
 * @g: the guard
 * @r: the check
 *
 * Return: a new object (Documentation/reference/control-protocol.rst).
 */
json_t *zhostd_guard_result_json(struct zhostd_guard *g,
				 const struct zhostd_guard_result *r);

/* The configured interval and action, for query-memory. */
unsigned int zhostd_guard_interval_ms(const struct zhostd_guard *g);
enum zhostd_on_violation zhostd_guard_action(const struct zhostd_guard *g);

/* "punch" or "stop". */
const char *zhostd_on_violation_name(enum zhostd_on_violation action);

/* The action named @name; 0, or -1 for an unknown name. */
int zhostd_on_violation_parse(const char *name,
			      enum zhostd_on_violation *action);

#endif /* ZHOSTD_GUARD_H */
