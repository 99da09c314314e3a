/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Working-set samples and policy decisions as JSON, the one shape used by
 * query-wss, query-wss-history and the WSS_UPDATED and POLICY_DECISION
 * events (Documentation/reference/control-protocol.rst).
 */
#ifndef ZHOSTD_WSS_JSON_H
#define ZHOSTD_WSS_JSON_H

#include <jansson.h>

#include "policy.h"
#include "wss-ring.h"

/* A sample: {"seq", "timestamp", "windows", ..., "host", "guest"}. */
json_t *zhostd_wss_sample_json(const struct zhostd_wss_sample *s);

/* A decision: {"action", "from", "to", "wss", "target", "reason", "below"}. */
json_t *zhostd_policy_decision_json(const struct zhostd_policy_decision *d);

/* The parameters: {"min", "max", "headroom", ...}. */
json_t *zhostd_policy_params_json(const struct zhostd_policy_params *p);

#endif /* ZHOSTD_WSS_JSON_H */
