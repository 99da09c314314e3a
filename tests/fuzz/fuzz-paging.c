// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for host paging as a hostile guest drives it: the
 * VMRPC_PAGING_HINT decoder (paging-wire.c) and what zhostd would page out
 * of a hint (zhostd_paging_plan() on a backend over a real memfd), the
 * checks of the guest's VMRPC_PAGING_SET_MODE and _STATUS replies, and
 * the parser of QEMU's /proc/PID/maps (qemu-maps.c).
 *
 * Input: byte 0 picks what is fuzzed (modulo 3): 0 a hint, with bytes 1-2
 * the plugged map (16 subblocks of 8 pages) and byte 3 the budget in
 * pages, then the request; 1 a reply, with byte 1 picking SET_MODE or
 * STATUS; 2 a maps text, with byte 1 the range's first page and byte 2
 * its length in pages. Requests and replies sit in buffers of exactly
 * their size, so ASan sees a read past them; the promises of each
 * function are checked after it.
 */
#include <endian.h>

#include "fuzz.h"
#include "log.h"
#include "memory.h"
#include "paging-serve.h"
#include "qemu-maps.h"

#define NR_SB		16
#define SB_PAGES	8

static int memfd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = fuzz_memfd("fuzz-paging", (off_t)NR_SB * SB_PAGES * 4096);
	if (zlog_open(ZLOG_ERR, "/dev/null", 0))
		abort();
	return 0;
}

static void fuzz_hint(const uint8_t *data, size_t size)
{
	struct vmrpc_host_data_area area = {
		.offset = 0, .size = NR_SB * SB_PAGES * 4096,
		.subblock_size = SB_PAGES * 4096,
	};
	struct zh_paging_geom g = { .pages = NR_SB * SB_PAGES, .sb_pages = SB_PAGES };
	uint32_t len = (uint32_t)(size - 4), nr = 0, max = zh_paging_hints_max_runs(len);
	uint8_t *req = fuzz_dup(data + 4, len);
	struct zh_paging_run *runs = calloc(max + 1, sizeof(*runs));
	struct zhostd_paging_range *out = calloc(max + 1, sizeof(*out));
	struct zhostd_paging_stats d = { 0 };
	uint16_t map = (uint16_t)(data[1] | data[2] << 8);
	uint64_t pages = 0, sum = 0, end = 0, budget = data[3];
	struct zhostd_memory m;
	char err[160];
	uint32_t st;
	size_t n;

	if (!runs || !out)
		abort();
	st = zh_paging_hints_decode(req, len, &g, runs, &nr, &pages);
	fuzz_check(st == VMRPC_OK || st == VMRPC_EINVAL);
	fuzz_check(st == VMRPC_OK || (nr == 0 && pages == 0));
	if (st != VMRPC_OK)
		goto out;
	fuzz_check(nr >= 1 && nr <= max && len == 8 + 16 * nr);
	for (uint32_t i = 0; i < nr; i++) {
		fuzz_check(runs[i].count >= 1 && runs[i].first < g.pages &&
			   runs[i].count <= g.pages - runs[i].first);
		fuzz_check(runs[i].first / SB_PAGES ==
			   (runs[i].first + runs[i].count - 1) / SB_PAGES);
		sum += runs[i].count;
	}
	fuzz_check(sum == pages);
	if (zhostd_memory_init(&m, memfd, &area, area.size, area.size, err, sizeof(err)))
		abort();
	for (int i = 0; i < NR_SB; i++)
		m.map[i] = (map >> i) & 1;
	n = zhostd_paging_plan(&m, &g, area.offset, runs, nr, budget, out, &d);
	sum = 0;
	for (size_t i = 0; i < n; i++) {
		fuzz_check(out[i].len && out[i].len % 4096 == 0 &&
			   out[i].offset % 4096 == 0);
		fuzz_check(out[i].offset + out[i].len <= area.size);
		/* Ascending, not overlapping, not even touching (merged). */
		fuzz_check(!i || out[i].offset > end);
		end = out[i].offset + out[i].len;
		for (uint64_t o = out[i].offset; o < end; o += 4096)
			fuzz_check(m.map[o / area.subblock_size]);
		sum += out[i].len / 4096;
	}
	fuzz_check(n <= nr && sum == d.accepted && d.accepted <= budget);
	fuzz_check(d.accepted + d.duplicate + d.skipped_unplugged +
		   d.skipped_pinned + d.over_budget == pages);
	memset(m.map, 0, NR_SB);
	zhostd_memory_destroy(&m);
out:
	free(runs);
	free(out);
	free(req);
}

static void fuzz_reply(const uint8_t *data, size_t size)
{
	uint32_t len = (uint32_t)(size - 2), mode = 7, reason = 7;
	uint8_t *buf = fuzz_dup(data + 2, len);
	struct zh_paging_guest_status st;

	if (data[1] & 1) {
		if (!zh_paging_mode_parse(buf, len, &mode, &reason))
			fuzz_check(len == 16 && mode <= VMRPC_PAGING_MODE_HOST &&
				   strcmp(zh_paging_reason_name(reason), "unknown"));
	} else if (!zh_paging_status_parse(buf, len, &st)) {
		fuzz_check(len == 64 && st.mode <= VMRPC_PAGING_MODE_HOST &&
			   st.hinted <= INT64_MAX && st.kept <= INT64_MAX &&
			   st.guest_swapped <= INT64_MAX && st.dropped <= INT64_MAX &&
			   st.hint_calls <= INT64_MAX &&
			   strcmp(zh_paging_reason_name(st.reason), "unknown"));
	}
	free(buf);
}

static void fuzz_maps(const uint8_t *data, size_t size)
{
	char *text = malloc(size - 3 + 1);
	struct zh_map maps[4];
	struct iovec iov[8];
	uint64_t off = (uint64_t)data[1] * 4096, len = (uint64_t)data[2] * 4096;
	size_t n;
	int k;

	if (!text)
		abort();
	memcpy(text, data + 3, size - 3);
	text[size - 3] = '\0';
	n = zh_maps_parse(text, 0, 1, 77, maps, 4);
	if (n > 4)
		n = 4;
	for (size_t i = 0; i < n; i++)
		fuzz_check(maps[i].len && maps[i].offset <= UINT64_MAX - maps[i].len);
	k = zh_maps_translate(maps, n, off, len, iov, 8);
	if (k >= 0) {
		uint64_t sum = 0;

		fuzz_check(len && k >= 1 && k <= 8);
		for (int i = 0; i < k; i++)
			sum += iov[i].iov_len;
		fuzz_check(sum == len);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_hint(data, size);
		break;
	case 1:
		fuzz_reply(data, size);
		break;
	default:
		fuzz_maps(data, size);
	}
	return 0;
}
