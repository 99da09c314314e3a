// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host paging's wire format (mm-host/paging-wire.c), rule by rule: a
 * VMRPC_PAGING_HINT request (exact length, nr at least 1, reserved zero,
 * count at least 1, known source, every run inside the data area without
 * overflow and inside one subblock), the run-to-memfd-offset arithmetic,
 * and the guest's replies to VMRPC_PAGING_SET_MODE and _STATUS.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "paging-wire.h"
#include "../lib/tap.h"

/* 64 subblocks of 2 MiB: 512 pages each. */
static const struct zh_paging_geom geom = { .pages = 64 * 512, .sb_pages = 512 };

/* A request of @n runs in @buf; returns its length. */
static uint32_t hints(uint8_t *buf, const struct vmrpc_paging_run *runs,
		      uint32_t n)
{
	struct vmrpc_paging_hints h = { .nr = htole32(n) };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), runs, n * sizeof(*runs));
	return (uint32_t)(sizeof(h) + n * sizeof(*runs));
}

static struct vmrpc_paging_run run(uint64_t first, uint32_t count, uint16_t src)
{
	return (struct vmrpc_paging_run){
		.first = htole64(first), .count = htole32(count),
		.source = htole16(src),
	};
}

/* Decode one run @r alone; VMRPC_OK or the error. */
static uint32_t decode1(struct vmrpc_paging_run r)
{
	uint8_t buf[64];
	struct zh_paging_run out[1];
	uint32_t nr;
	uint64_t pages;

	return zh_paging_hints_decode(buf, hints(buf, &r, 1), &geom, out, &nr,
				      &pages);
}

static void test_good(void)
{
	struct vmrpc_paging_run in[3] = {
		run(0, 512, VMRPC_PAGING_SRC_RECLAIM),
		run(64 * 512 - 1, 1, VMRPC_PAGING_SRC_IDLE),
		run(600, 10, VMRPC_PAGING_SRC_RECLAIM),
	};
	uint8_t buf[128];
	struct zh_paging_run out[3];
	uint32_t len = hints(buf, in, 3), nr;
	uint64_t pages;

	tap_ok(zh_paging_hints_decode(buf, len, &geom, out, &nr, &pages) == VMRPC_OK &&
	       nr == 3 && pages == 523 && out[0].first == 0 && out[0].count == 512 &&
	       out[1].first == 64 * 512 - 1 && out[1].source == VMRPC_PAGING_SRC_IDLE &&
	       out[2].first == 600 && out[2].count == 10,
	       "a good request: whole subblock, last page, a run in the middle");
	tap_ok(zh_paging_hints_max_runs(len) == 3 && zh_paging_hints_max_runs(7) == 0,
	       "the most runs a request can hold");
}

static void test_bad_runs(void)
{
	struct vmrpc_paging_run r;
	bool ok = true;

#define BAD(what, value) do {						\
		r = (value);						\
		if (decode1(r) != VMRPC_EINVAL) {			\
			tap_diag("accepted: %s", what);			\
			ok = false;					\
		}							\
	} while (0)
	BAD("count 0", run(5, 0, 0));
	BAD("source 2", run(5, 1, 2));
	BAD("crosses a subblock", run(511, 2, 0));
	BAD("a whole subblock, one page late", run(1, 512, 0));
	BAD("first past the end", run(64 * 512, 1, 0));
	BAD("ends past the end", run(64 * 512 - 1, 2, 0));
	BAD("first + count overflows", run(UINT64_MAX - 1, 4, 0));
	BAD("count larger than the area", run(0, UINT32_MAX, 0));
	r = run(5, 1, 0);
	r.reserved = htole16(1);
	BAD("reserved set", r);
#undef BAD
	tap_ok(ok, "zero count, unknown source, outside one subblock, outside the area, overflow, reserved: refused");
}

static void test_bad_lengths(void)
{
	struct vmrpc_paging_run in[2] = { run(0, 1, 0), run(1, 1, 0) };
	struct vmrpc_paging_hints h;
	uint8_t buf[128];
	struct zh_paging_run out[4];
	uint32_t len = hints(buf, in, 2), nr;
	uint64_t pages;
	bool ok = true;

	ok &= zh_paging_hints_decode(buf, len - 1, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	ok &= zh_paging_hints_decode(buf, len + 16, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	ok &= zh_paging_hints_decode(buf, 8, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	ok &= zh_paging_hints_decode(buf, 4, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	ok &= zh_paging_hints_decode(buf, 0, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	memcpy(&h, buf, sizeof(h));
	h.reserved = htole32(1);
	memcpy(buf, &h, sizeof(h));
	ok &= zh_paging_hints_decode(buf, len, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	h.reserved = 0;
	h.nr = 0;
	memcpy(buf, &h, sizeof(h));
	ok &= zh_paging_hints_decode(buf, 8, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	h.nr = htole32(UINT32_MAX);
	memcpy(buf, &h, sizeof(h));
	ok &= zh_paging_hints_decode(buf, len, &geom, out, &nr, &pages) == VMRPC_EINVAL;
	tap_ok(ok && nr == 0, "short, long, empty, nr 0, nr past the request, reserved header: refused, nothing decoded");
}

static void test_overlap_and_bytes(void)
{
	struct vmrpc_paging_run in[2] = { run(1030, 4, 0), run(1031, 2, 1) };
	uint8_t buf[64];
	struct zh_paging_run out[2];
	uint64_t pages, off, len;
	uint32_t nr;

	tap_ok(zh_paging_hints_decode(buf, hints(buf, in, 2), &geom, out, &nr,
				      &pages) == VMRPC_OK && nr == 2 && pages == 6,
	       "overlapping runs are allowed (the host pages a page once)");
	zh_paging_run_bytes(&out[0], 128 << 20, &off, &len);
	tap_ok(off == (128ULL << 20) + 1030 * 4096ULL && len == 4 * 4096 &&
	       zh_paging_run_subblock(&out[0], &geom) == 2,
	       "a run is at the data area's offset + first * 4 KiB, count * 4 KiB long, in subblock first / 512");
	out[0] = (struct zh_paging_run){ .first = 64 * 512 - 512, .count = 512 };
	zh_paging_run_bytes(&out[0], 1ULL << 40, &off, &len);
	tap_ok(off == (1ULL << 40) + (64 * 512 - 512) * 4096ULL && len == 2 << 20 &&
	       zh_paging_run_subblock(&out[0], &geom) == 63,
	       "the last subblock of an area at 1 TiB: 64-bit arithmetic");
}

static void test_replies(void)
{
	struct vmrpc_paging_mode m;
	struct vmrpc_paging_status s;
	struct vmrpc_paging_reply r;
	struct zh_paging_guest_status st;
	uint32_t mode = 9, reason = 9;
	bool ok = true;

	zh_paging_reply_encode(&r, 77, VMRPC_PAGING_MODE_GUEST, VMRPC_PAGING_R_LIMIT);
	tap_ok(le64toh(r.accepted) == 77 && le32toh(r.mode) == VMRPC_PAGING_MODE_GUEST &&
	       le32toh(r.reason) == VMRPC_PAGING_R_LIMIT,
	       "the hint reply carries accepted, mode and reason");
	zh_paging_mode_encode(&m, VMRPC_PAGING_MODE_HOST, VMRPC_PAGING_R_NONE);
	tap_ok(!zh_paging_mode_parse(&m, sizeof(m), &mode, &reason) &&
	       mode == VMRPC_PAGING_MODE_HOST && reason == VMRPC_PAGING_R_NONE,
	       "a mode encoded parses back");
	m.mode = htole32(2);
	ok &= zh_paging_mode_parse(&m, sizeof(m), &mode, &reason) == -1;
	zh_paging_mode_encode(&m, 0, 7);
	ok &= zh_paging_mode_parse(&m, sizeof(m), &mode, &reason) == -1;
	zh_paging_mode_encode(&m, 0, 0);
	m.reserved = 1;
	ok &= zh_paging_mode_parse(&m, sizeof(m), &mode, &reason) == -1;
	ok &= zh_paging_mode_parse(&m, sizeof(m) - 1, &mode, &reason) == -1;
	tap_ok(ok, "a mode reply with an unknown mode or reason, reserved set or short: refused");

	memset(&s, 0, sizeof(s));
	s.hinted = htole64(100);
	s.hint_calls = htole64(3);
	s.kept = htole64(90);
	s.guest_swapped = htole64(5);
	s.dropped = htole64(2);
	s.mode = htole32(VMRPC_PAGING_MODE_HOST);
	tap_ok(!zh_paging_status_parse(&s, sizeof(s), &st) && st.hinted == 100 &&
	       st.hint_calls == 3 && st.kept == 90 && st.guest_swapped == 5 &&
	       st.dropped == 2 && st.mode == VMRPC_PAGING_MODE_HOST,
	       "a good status is read field by field");
	ok = true;
	s.reserved[1] = 1;
	ok &= zh_paging_status_parse(&s, sizeof(s), &st) == -1;
	s.reserved[1] = 0;
	s.kept = htole64((uint64_t)INT64_MAX + 1);
	ok &= zh_paging_status_parse(&s, sizeof(s), &st) == -1;
	s.kept = 0;
	s.reason = htole32(99);
	ok &= zh_paging_status_parse(&s, sizeof(s), &st) == -1;
	s.reason = 0;
	ok &= zh_paging_status_parse(&s, sizeof(s) + 1, &st) == -1;
	tap_ok(ok, "a status with reserved set, a counter past 2^63, an unknown reason, the wrong length: refused");
	tap_ok(!strcmp(zh_paging_reason_name(VMRPC_PAGING_R_NO_SWAP), "no-swap") &&
	       !strcmp(zh_paging_reason_name(99), "unknown") &&
	       !strcmp(zh_paging_mode_name(VMRPC_PAGING_MODE_HOST), "host") &&
	       !strcmp(zh_paging_mode_name(5), "unknown"),
	       "reason and mode names, unknown ones named so");
}

int main(void)
{
	tap_plan(13);
	test_good();
	test_bad_runs();
	test_bad_lengths();
	test_overlap_and_bytes();
	test_replies();
	return tap_done();
}
