// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where a resize's time went; see resize-stages.h. The numbers come from
 * zhostd as the guest sent them: each is read with bctl_json_u64(), so a
 * missing or odd field shows as 0 rather than stopping the report.
 */
#include <stdio.h>

#include "clock.h"
#include "format.h"
#include "resize-stages.h"

/* Longest wait for an event before looking again without one. */
#define STAGES_IDLE_S	0.5

int bctl_stages_wait(struct bctl_client *c, uint64_t count0, uint64_t target,
		     double wait_s, json_t **report)
{
	const double deadline = zh_now_s() + wait_s;
	json_t *ret, *last;
	double left;
	int st;

	*report = NULL;
	for (;;) {
		st = bctl_client_call(c, "query-memory", NULL, &ret);
		if (st)
			return st;
		last = json_object_get(ret, "last_resize");
		if (bctl_json_u64(last, "count") > count0 &&
		    bctl_json_u64(last, "requested") == target) {
			*report = json_incref(last);
			json_decref(ret);
			return BCTL_EXIT_OK;
		}
		json_decref(ret);
		left = deadline - zh_now_s();
		if (left <= 0)
			return BCTL_EXIT_OK;
		/* RESIZE_DONE wakes us; zhostd may rate-limit it, so look again. */
		st = bctl_client_wake(c, left < STAGES_IDLE_S ? left : STAGES_IDLE_S);
		if (st)
			return st;
	}
}

static void stages_line(const char *name, uint64_t us, uint64_t total_us,
			const char *note)
{
	printf("  %-14s %10.3f ms %6.1f%%%s\n", name, us / 1e3,
	       total_us ? 100.0 * (double)us / (double)total_us : 0.0, note);
}

void bctl_stages_print(const json_t *report, double wait_s)
{
	const json_t *s = json_object_get(report, "stages");
	const struct { const char *name, *key; } parts[] = {
		{ "isolate", "isolate_us" }, { "offline", "offline_us" },
		{ "online", "online_us" }, { "add", "add_us" },
		{ "watermarks", "watermarks_us" },
	};
	uint64_t total, host, sum, zhostd, vmrpc, v;
	char note[64];

	if (!report) {
		printf("stages: no report of this resize from the guest within %.1f s\n",
		       wait_s);
		return;
	}
	if (!json_is_object(s)) {
		printf("stages: the guest sent none (its kernel is older than VMRPC ABI 1.7)\n");
		return;
	}
	total = bctl_json_u64(s, "total_us");
	host = bctl_json_u64(s, "host_us");
	zhostd = bctl_json_u64(s, "zhostd_us");
	vmrpc = bctl_json_u64(s, "vmrpc_us");
	printf("where the time went: %.3f ms in the guest, %llu steps, after %.3f ms queued\n",
	       total / 1e3, (unsigned long long)bctl_json_u64(s, "steps"),
	       bctl_json_u64(s, "wait_us") / 1e3);
	snprintf(note, sizeof(note), "  %llu calls",
		 (unsigned long long)bctl_json_u64(s, "host_calls"));
	stages_line("host calls", host, total, note);
	snprintf(note, sizeof(note), "  %llu calls, host's clock",
		 (unsigned long long)bctl_json_u64(s, "zhostd_calls"));
	stages_line("  zhostd", zhostd, total, note);
	stages_line("  VMRPC", vmrpc, total, "  round trips");
	sum = host;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		v = bctl_json_u64(s, parts[i].key);
		stages_line(parts[i].name, v, total, "");
		sum += v;
	}
	/* The worker's own bookkeeping between the stages. */
	stages_line("other", total > sum ? total - sum : 0, total, "");
	/* Host-side, after the answers: beside the guest's time, not in it. */
	printf("host frees after its answers: %.3f ms, of which the report waited %.3f ms\n",
	       bctl_json_u64(s, "free_us") / 1e3,
	       bctl_json_u64(s, "free_wait_us") / 1e3);
}
