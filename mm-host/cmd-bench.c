// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control command bench-guest-calls: time host->guest calls from
 * inside zhostd, so the numbers are VMRPC's and not those of a client
 * process started per call.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmd-bench.h"
#include "commands.h"

#define BENCH_MAX_CALLS		1000000

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

uint64_t zhostd_bench_per_s(uint64_t units, int64_t ns)
{
	/* In floating point: units * 10^9 overflows 64 bits at 1 MiB x 10^6. */
	double r = (double)units * 1e9 / (double)(ns > 0 ? ns : 1);

	/* JSON integers are signed: the largest rate is INT64_MAX. */
	return r >= 9223372036854775807.0 ? INT64_MAX : (uint64_t)r;
}

/*
 * Arguments: count (calls), size (ping payload bytes, echoed back), call
 * ("ping" or "meminfo"). Returns min/median/p99 in ns, calls per second
 * and, for ping, payload bytes moved per second (both directions).
 */
static json_t *cmd_bench_guest_calls(struct zhostd *zd, json_t *args,
				     struct zhostd_error *err)
{
	json_int_t count = json_integer_value(json_object_get(args, "count"));
	json_int_t size = json_integer_value(json_object_get(args, "size"));
	const char *call = json_string_value(json_object_get(args, "call"));
	uint32_t cap = zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
	uint16_t module = VMRPC_MOD_CORE, proc = VMRPC_CORE_PING;
	bool ping = true;
	uint32_t len, status;
	int64_t *ns, t0, total;
	char *req, *resp;
	json_t *ret = NULL;
	int rc;

	if (!call)
		call = "ping";
	if (!strcmp(call, "meminfo")) {
		module = VMRPC_MOD_GUESTINFO;
		proc = VMRPC_GUESTINFO_MEMINFO;
		ping = false;
		size = 0;
	} else if (strcmp(call, "ping")) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "call must be \"ping\" or \"meminfo\"");
		return NULL;
	}
	if (count < 1 || count > BENCH_MAX_CALLS || size < 0 || size > cap) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "count must be 1 to %d and size 0 to %u",
				 BENCH_MAX_CALLS, cap);
		return NULL;
	}
	ns = calloc((size_t)count, sizeof(*ns));
	req = calloc(1, cap);
	resp = malloc(cap);
	if (!ns || !req || !resp) {
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		goto out;
	}
	memset(req, 0x5a, (size_t)size);
	total = (int64_t)zh_now_ns();
	for (json_int_t i = 0; i < count; i++) {
		t0 = (int64_t)zh_now_ns();
		rc = vmrpc_host_call(zd->vh, module, proc, req, (uint32_t)size,
				     resp, ping ? (uint32_t)size : cap, &len, &status,
				     zd->call_timeout_ms);
		if (rc || status != VMRPC_OK) {
			zhostd_error_from_call(err, call, rc, status);
			goto out;
		}
		if (ping && (len != size || memcmp(req, resp, len))) {
			zhostd_error_set(err, ZERR_GUEST_ERROR,
					 "guest echoed a different payload");
			goto out;
		}
		ns[i] = (int64_t)zh_now_ns() - t0;
	}
	total = (int64_t)zh_now_ns() - total;
	qsort(ns, (size_t)count, sizeof(*ns), cmp_i64);
	ret = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"call", call, "count", count, "size", size,
			"min_ns", (json_int_t)ns[0],
			"median_ns", (json_int_t)ns[count / 2],
			"p99_ns", (json_int_t)ns[count * 99 / 100],
			"calls_per_s", (json_int_t)zhostd_bench_per_s((uint64_t)count, total),
			"bytes_per_s", (json_int_t)zhostd_bench_per_s(2 * (uint64_t)size *
								      (uint64_t)count, total));
out:
	free(ns);
	free(req);
	free(resp);
	return ret;
}
ZHOSTD_COMMAND("bench-guest-calls", cmd_bench_guest_calls)
