// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl wss: the guest's working set as zhostd last sampled it
 * (query-wss): both regions, the idle histogram, what the estimate costs
 * the guest, the page fault rate, how old the sample is and, when it is
 * on, what the automatic policy last decided. --refresh polls the guest
 * first instead of showing the poller's last sample.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "wss-view.h"

/* "120.0/s", or "unknown" before two samples. */
static const char *rate(const json_t *v, char *buf, size_t len)
{
	if (!json_is_number(v))
		return "unknown";
	snprintf(buf, len, "%.1f/s", json_number_value(v));
	return buf;
}

static void wss_print(const json_t *ret)
{
	const json_t *s = json_object_get(ret, "sample");
	const json_t *dv = json_object_get(ret, "derived");
	const json_t *pol = json_object_get(ret, "policy");
	const json_t *last = json_object_get(pol, "last_decision");
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN];

	printf("sample:       #%llu, %s old; window %s, stride %llu, %llu windows, %s\n",
	       (unsigned long long)bctl_json_u64(s, "seq"),
	       bctl_fmt_duration(bctl_json_u64(dv, "age_ms") * 1000000, a),
	       bctl_fmt_duration(bctl_json_u64(s, "window_ms") * 1000000, b),
	       (unsigned long long)bctl_json_u64(s, "stride"),
	       (unsigned long long)bctl_json_u64(s, "windows"),
	       !json_is_true(json_object_get(s, "enabled")) ? "estimator stopped" :
	       json_is_true(json_object_get(s, "valid")) ? "valid" :
	       "not valid yet");
	printf("scan cost:    %.2f%% of one CPU (%s per window)\n",
	       json_number_value(json_object_get(dv, "scan_cpu_share")) * 100,
	       bctl_fmt_duration(bctl_json_u64(s, "scan_ns"), c));
	printf("page faults:  %s", rate(json_object_get(dv, "pgfault_per_s"),
				       a, sizeof(a)));
	printf(", major %s\n", rate(json_object_get(dv, "pgmajfault_per_s"),
				    a, sizeof(a)));
	printf("host memory:  plugged %s, backing it %s, requested %s\n\n",
	       bctl_fmt_size(bctl_json_u64(s, "plugged"), a),
	       bctl_fmt_size(bctl_json_u64(s, "backed"), b),
	       bctl_fmt_size(bctl_json_u64(s, "requested"), c));
	bctl_wss_print_regions(s);
	if (!json_is_object(last))
		return;
	printf("\npolicy %s:  %s %s -> %s (target %s), %s\n",
	       json_string_value(json_object_get(pol, "mode")),
	       json_string_value(json_object_get(last, "action")),
	       bctl_fmt_size(bctl_json_u64(last, "from"), a),
	       bctl_fmt_size(bctl_json_u64(last, "to"), b),
	       bctl_fmt_size(bctl_json_u64(last, "target"), c),
	       json_string_value(json_object_get(last, "reason")));
}

static int wss_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		   int argc, char **argv)
{
	bool refresh = false;
	json_t *ret, *s;
	const char *err;
	int st;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--refresh"))
			return bctl_usage_err(cmd, "unexpected argument '%s'",
					      argv[i]);
		refresh = true;
	}
	st = bctl_client_run(opts, cmd->execute, refresh ?
			     json_pack("{s:b}", "refresh", 1) : NULL, &ret);
	if (st)
		return st;
	s = json_object_get(ret, "sample");
	if (opts->json) {
		bctl_print_json(ret);
	} else if (!json_is_object(ret)) {
		st = bctl_client_bad_reply(cmd->execute, "not an object");
	} else if (!json_is_object(s)) {
		err = json_string_value(json_object_get(
			json_object_get(ret, "stats"), "last_error"));
		printf("no working-set sample yet%s%s\n", err ? ": " : "",
		       err ? err : (bctl_json_u64(ret, "interval_ms") ?
				    " (is the guest up?)" :
				    " (zhostd --wss-interval is 0: try --refresh)"));
	} else {
		wss_print(ret);
	}
	json_decref(ret);
	return st;
}

BCTL_COMMAND(wss, "wss", "[--refresh]",
	     "the guest's working set, as zhostd last sampled it",
	     "query-wss", wss_run)
