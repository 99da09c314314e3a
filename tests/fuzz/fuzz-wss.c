// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the guest's working-set report (VMRPC_WSS_REPORT):
 * zhostd_wss_decode() (mm-host/wss.c) on any reply, and what zhostd does
 * with an accepted one (wss-poller.c): the sample's JSON (WSS_UPDATED,
 * query-wss), the estimator's CPU share, the policy's target and decision
 * (policy.c) for a few requested sizes.
 *
 * Input: the reply bytes, in a buffer of exactly their size. An accepted
 * report must keep every promise wss.h makes, the policy's target must be
 * a subblock multiple within [min, max], and the JSON must print.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"
#include "wss-json.h"
#include "wss.h"

#define SUBBLOCK	(2ULL << 20)
#define MAX_SIZE	(4ULL << 30)

/* The relations wss.h says an accepted report has. */
static void check_report(const struct zhostd_wss_report *r)
{
	fuzz_check(!(r->flags & ~ZHOSTD_WSS_KNOWN_FLAGS));
	fuzz_check(r->window_ms && r->stride);
	for (int i = 0; i < VMRPC_WSS_NR_REGIONS; i++) {
		const struct zhostd_wss_region *g = &r->region[i];

		fuzz_check(g->wss <= g->size && g->user <= g->size &&
			   g->kernel <= g->size && g->free <= g->size);
		fuzz_check(g->anon <= g->user && g->file <= g->user - g->anon);
		fuzz_check(g->pinned <= g->user);
		fuzz_check(g->accessed <= g->samples);
		for (int a = 0; a < VMRPC_WSS_NR_AGES; a++) {
			fuzz_check(g->idle[a] <= g->user);
			fuzz_check(!a || g->idle[a - 1] <= g->idle[a]);
		}
	}
	fuzz_check(r->region[VMRPC_WSS_REGION_HOST].size <=
		   r->region[VMRPC_WSS_REGION_GUEST].size);
}

static void print_json(json_t *v)
{
	char *text;

	fuzz_check(v);
	text = json_dumps(v, JSON_COMPACT);
	fuzz_check(text);
	free(text);
	json_decref(v);
}

static void use_report(const struct zhostd_wss_report *r)
{
	static const uint64_t requested[] = { 0, SUBBLOCK, 1ULL << 30, MAX_SIZE };
	struct zhostd_wss_sample s = { .seq = 1, .report = *r };
	struct zhostd_policy_params p;
	struct zhostd_policy_state st = { 0 };
	struct zhostd_policy_decision d;
	uint64_t target;
	double share;

	share = zhostd_wss_scan_share(r);
	fuzz_check(share >= 0);
	print_json(zhostd_wss_sample_json(&s));

	zhostd_policy_defaults(&p, SUBBLOCK, MAX_SIZE);
	target = zhostd_policy_target(&p, r, NULL);
	fuzz_check(target % SUBBLOCK == 0 && target >= p.min && target <= p.max);
	for (size_t i = 0; i < sizeof(requested) / sizeof(requested[0]); i++) {
		struct zhostd_policy_input in = {
			.report = r, .requested = requested[i],
			.now_ns = 1000000000LL * (int64_t)(i + 1),
		};

		zhostd_policy_decide(&p, &st, &in, &d);
		fuzz_check(d.to % SUBBLOCK == 0 || d.to == d.from);
		fuzz_check(zhostd_policy_action_name(d.action) &&
			   zhostd_policy_reason_name(d.reason));
		print_json(zhostd_policy_decision_json(&d));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_dup(data, size);
	struct zhostd_wss_report r;
	char why[256];

	memset(why, 0, sizeof(why));
	if (!zhostd_wss_decode(buf, size, &r, why, sizeof(why))) {
		fuzz_check(size == sizeof(struct vmrpc_wss_report));
		check_report(&r);
		use_report(&r);
	} else {
		fuzz_check(why[0] && memchr(why, '\0', sizeof(why)));
	}
	free(buf);
	return 0;
}
