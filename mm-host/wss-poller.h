/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's working-set poller: a thread that asks the guest for its
 * working set (VMRPC_WSS_REPORT) every --wss-interval while a guest is
 * ready, keeps the samples in a bounded history, sends WSS_UPDATED and
 * WSS_ERROR events, and applies the automatic policy (policy.h) when it
 * is on. The control commands query-wss and query-wss-history read it.
 */
#ifndef ZHOSTD_WSS_POLLER_H
#define ZHOSTD_WSS_POLLER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "errors.h"
#include "policy.h"
#include "zhostd.h"

/* Defaults, shown in zhostd --help. */
#define ZHOSTD_WSS_INTERVAL_MS_DEFAULT	5000
#define ZHOSTD_WSS_HISTORY_DEFAULT	720	/* an hour at 5 s */
#define ZHOSTD_WSS_HISTORY_MAX		10000	/* a reply stays under 16 MiB */
/* WSS_ERROR is sent for the first failure, then at most this often. */
#define ZHOSTD_WSS_ERROR_EVERY_MS	60000

struct zhostd_wss;

/**
 * struct zhostd_wss_config - how the poller works
 * @interval_ms: time between polls; 0: no thread (query-wss can still
 *	poll on demand)
 * @history: samples kept (1 to ZHOSTD_WSS_HISTORY_MAX)
 * @policy: apply the automatic policy to every new sample
 * @params: its parameters
 */
struct zhostd_wss_config {
	unsigned int interval_ms;
	size_t history;
	bool policy;
	struct zhostd_policy_params params;
};

/**
 * zhostd_wss_create() - set up the poller of @zd (not started)
 * @zd: the daemon: its VMRPC host, memory backend and control server
 * @cfg: the configuration, copied
 * @out: the new poller
 *
 * Return: 0, -EINVAL for a bad configuration, or -ENOMEM.
 */
int zhostd_wss_create(struct zhostd *zd, const struct zhostd_wss_config *cfg,
		      struct zhostd_wss **out);

/* Start the thread when the interval is not 0. Return: 0 or -errno. */
int zhostd_wss_start(struct zhostd_wss *w);

/* Stop the thread and wait for it; a poll in progress ends first. */
void zhostd_wss_stop(struct zhostd_wss *w);

/* Free the poller, stopped or never started; NULL is fine. */
void zhostd_wss_destroy(struct zhostd_wss *w);

/**
 * zhostd_wss_poll() - poll the guest now, as the thread does
 * @w: the poller
 * @err: on failure, why (GuestNotConnected, Timeout, GuestError for a
 *	failed call or a malformed report)
 *
 * A valid report is added to the history and sent as WSS_UPDATED, and the
 * policy decides on it; failures are counted and sent as WSS_ERROR. When
 * no guest driver is bound it fails at once (GuestNotConnected) without
 * counting anything.
 *
 * Return: 0, or -1 with @err set.
 */
int zhostd_wss_poll(struct zhostd_wss *w, struct zhostd_error *err);

/* The return object of query-wss (reference/control-protocol.rst). */
json_t *zhostd_wss_status_json(struct zhostd_wss *w);

/* The return object of query-wss-history: the newest @limit samples. */
json_t *zhostd_wss_history_json(struct zhostd_wss *w, size_t limit);

#endif /* ZHOSTD_WSS_POLLER_H */
