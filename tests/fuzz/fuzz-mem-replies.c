// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the guest's replies to the host's VMRPC_MOD_MEM
 * reverse calls: VMRPC_MEM_STATUS (zhostd_mem_status_json(), the "guest"
 * object of query-memory) and VMRPC_MEM_MAP (zhostd_memory_compare(), the
 * bitmap check-memory compares with zhostd's map).
 *
 * Input: byte 0 picks the reply; for STATUS the rest is the reply; for
 * MAP bytes 1-8 are zhostd's map (64 subblocks), byte 9 the first
 * subblock asked for, and the rest the guest's bitmap, whose bit count is
 * the range asked for (cut to the data area, as check-memory asks). The
 * reply sits in a buffer of exactly its size; a decoded status must be
 * printable JSON, and the compare must count what a plain loop counts.
 */
#include <endian.h>

#include "fuzz.h"
#include "mem-names.h"
#include "mem-status.h"
#include "memory.h"

#define NR_SB		64
#define SB_SIZE		4096u

/* The backend's memfd, made at the first MAP input. */
static int memfd = -1;

static void fuzz_status(const uint8_t *reply, size_t len)
{
	json_t *obj = zhostd_mem_status_json(reply, len);
	char *text;

	if (!obj) {
		struct vmrpc_mem_status st;

		if (len == sizeof(st)) {
			memcpy(&st, reply, sizeof(st));
			fuzz_check(!zhostd_mem_status_valid(&st));
		}
		return;
	}
	fuzz_check(len == sizeof(struct vmrpc_mem_status));
	fuzz_check(json_is_string(json_object_get(obj, "state")));
	fuzz_check(json_is_string(json_object_get(obj, "reason")));
	text = json_dumps(obj, JSON_COMPACT);
	fuzz_check(text);
	free(text);
	json_decref(obj);
}

static void fuzz_map(const uint8_t *ours, uint64_t first, const uint8_t *bits,
		     size_t len)
{
	struct vmrpc_host_data_area area = {
		.size = (uint64_t)NR_SB * SB_SIZE, .subblock_size = SB_SIZE,
	};
	uint64_t count = len * 8, diff, at = UINT64_MAX, want = 0, want_at = 0;
	struct zhostd_memory m;
	char err[128];

	if (memfd < 0)
		memfd = fuzz_memfd("fuzz-mem", (off_t)NR_SB * SB_SIZE);
	if (zhostd_memory_init(&m, memfd, &area, 0, 0, err, sizeof(err)))
		abort();
	for (int i = 0; i < NR_SB; i++)
		m.map[i] = (ours[i / 8] >> (i % 8)) & 1;
	/* check-memory asks for at most the rest of the data area. */
	if (count > NR_SB - first)
		count = NR_SB - first;
	diff = zhostd_memory_compare(&m, first, count, bits, &at);
	for (uint64_t i = 0; i < count; i++) {
		if (((bits[i / 8] >> (i % 8)) & 1) != m.map[first + i] && !want++)
			want_at = first + i;
	}
	fuzz_check(diff == want && diff <= count);
	fuzz_check(!diff || at == want_at);
	zhostd_memory_destroy(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *reply;
	size_t len;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (size < 10)
			return 0;
		len = size - 10;
		reply = fuzz_dup(data + 10, len);
		fuzz_map(data + 1, data[9] % NR_SB, reply, len);
	} else {
		len = size - 1;
		reply = fuzz_dup(data + 1, len);
		fuzz_status(reply, len);
	}
	free(reply);
	return 0;
}
