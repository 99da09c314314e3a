// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands of the guest's working set: query-wss (the
 * latest sample, derived values, the poller's counters and the policy)
 * and query-wss-history (the samples kept). Both read what the poller
 * stored; query-wss with "refresh" polls the guest first.
 */
#include "commands.h"
#include "wss-poller.h"

static bool wss_ready(struct zhostd *zd, struct zhostd_error *err)
{
	if (!zd->wss)
		zhostd_error_set(err, ZERR_GENERIC,
				 "the working-set poller is not set up");
	return zd->wss != NULL;
}

static json_t *cmd_query_wss(struct zhostd *zd, json_t *args,
			     struct zhostd_error *err)
{
	json_t *refresh = json_object_get(args, "refresh");

	if (refresh && !json_is_boolean(refresh)) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'refresh' must be true or false");
		return NULL;
	}
	if (!wss_ready(zd, err))
		return NULL;
	if (json_is_true(refresh) && zhostd_wss_poll(zd->wss, err))
		return NULL;
	return zhostd_wss_status_json(zd->wss);
}
ZHOSTD_COMMAND("query-wss", cmd_query_wss)

static json_t *cmd_query_wss_history(struct zhostd *zd, json_t *args,
				     struct zhostd_error *err)
{
	json_t *limit = json_object_get(args, "limit");

	if (limit && (!json_is_integer(limit) || json_integer_value(limit) < 0)) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'limit' must be a count of samples");
		return NULL;
	}
	if (!wss_ready(zd, err))
		return NULL;
	return zhostd_wss_history_json(zd->wss, limit ?
				       (size_t)json_integer_value(limit) :
				       ZHOSTD_WSS_HISTORY_MAX);
}
ZHOSTD_COMMAND("query-wss-history", cmd_query_wss_history)
