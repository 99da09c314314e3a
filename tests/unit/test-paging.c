// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host paging in zhostd without a VM: QEMU's mappings found in a maps
 * text and a file range turned into its addresses (mm-host/qemu-maps.c);
 * host swap read from /proc/meminfo and the mode decided from it and the
 * administrator's switch (mm-host/paging.c); a hint's runs checked
 * against the plugged map and the pinned set, merged and bounded
 * (zhostd_paging_plan()); and the page-out on a child process that maps a
 * memfd as QEMU does, through process_madvise() on its pidfd.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memory.h"
#include "paging-serve.h"
#include "paging.h"
#include "pin-serve.h"
#include "zhostd.h"
#include "../lib/tap.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(32 * MIB)
#define PG		4096ULL

static void test_maps(void)
{
	static const char text[] =
		"55d0c0000000-55d0c0100000 r-xp 00000000 fe:01 1234 /usr/bin/qemu\n"
		"7f0000000000-7f0008000000 rw-s 00000000 00:01 77 /memfd:zonehost (deleted)\n"
		"7f0010000000-7f0014000000 rw-s 08000000 00:01 77 /memfd:zonehost (deleted)\n"
		"7f0014000000-7f0016000000 rw-s 0c000000 00:01 77 /memfd:zonehost (deleted)\n"
		"7f0020000000-7f0021000000 rw-p 00000000 00:01 77 /memfd:zonehost (deleted)\n"
		"7f0030000000-7f0031000000 rw-s 00000000 00:02 77 /memfd:other\n"
		"garbage line\n"
		"7f0040000000-7f0030000000 rw-s 00000000 00:01 77 backwards\n"
		"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]";
	struct zh_map maps[8];
	struct iovec iov[4];
	size_t n = zh_maps_parse(text, 0, 1, 77, maps, 8);

	tap_ok(n == 3 && maps[0].va == 0x7f0000000000 && maps[0].len == 128 * MIB &&
	       maps[1].offset == 128 * MIB && maps[1].va == 0x7f0010000000 &&
	       maps[2].offset == 192 * MIB,
	       "the shared mappings of the memfd's device and inode, and nothing else (%zu)", n);
	tap_ok(zh_maps_parse(text, 0, 1, 77, maps, 1) == 3 && maps[0].va == 0x7f0000000000,
	       "more mappings than room: counted, the first stored");
	n = zh_maps_parse(text, 0, 1, 77, maps, 8);
	tap_ok(zh_maps_translate(maps, n, 128 * MIB + 4 * PG, 2 * PG, iov, 4) == 1 &&
	       iov[0].iov_base == (void *)(0x7f0010000000 + 4 * PG) &&
	       iov[0].iov_len == 2 * PG,
	       "a range inside one mapping: one address range");
	tap_ok(zh_maps_translate(maps, n, 192 * MIB - PG, 2 * PG, iov, 4) == 2 &&
	       iov[0].iov_base == (void *)(0x7f0010000000 + 64 * MIB - PG) &&
	       iov[1].iov_base == (void *)0x7f0014000000 && iov[1].iov_len == PG,
	       "a range across two mappings: two address ranges");
	tap_ok(zh_maps_translate(maps, n, 224 * MIB - PG, 2 * PG, iov, 4) == -1 &&
	       zh_maps_translate(maps, n, 192 * MIB - PG, 2 * PG, iov, 1) == -1 &&
	       zh_maps_translate(maps, n, UINT64_MAX - PG, 2 * PG, iov, 4) == -1 &&
	       zh_maps_translate(maps, n, 0, 0, iov, 4) == -1,
	       "unmapped bytes, too little room, overflow, empty: refused");
}

static void test_swap_and_mode(void)
{
	static const char mi[] = "MemTotal: 100 kB\nSwapCached: 0 kB\n"
				 "SwapTotal:     1048576 kB\nSwapFree:       524288 kB\n";
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct zhostd_paging p;
	uint64_t t = 0, f = 0;
	uint32_t reason, mode;
	bool ok;

	tap_ok(!zh_meminfo_swap(mi, &t, &f) && t == 1ULL << 30 && f == 512 * MIB &&
	       zh_meminfo_swap("SwapTotal: 1 kB\n", &t, &f) == -1 &&
	       zh_meminfo_swap("SwapTotal: 1 kB\nSwapFree: 2 kB\n", &t, &f) == -1 &&
	       zh_meminfo_swap("SwapTotal: x kB\nSwapFree: 0 kB\n", &t, &f) == -1,
	       "SwapTotal and SwapFree read; missing, more free than total, malformed: refused");
	tap_ok(zh_paging_swap_verdict(0, 0, 64 * MIB, false) == VMRPC_PAGING_R_NO_SWAP &&
	       zh_paging_swap_verdict((1ULL << 30), 63 * MIB, 64 * MIB, true) == VMRPC_PAGING_R_LIMIT &&
	       zh_paging_swap_verdict((1ULL << 30), 64 * MIB, 64 * MIB, true) == VMRPC_PAGING_R_NONE &&
	       zh_paging_swap_verdict((1ULL << 30), 100 * MIB, 64 * MIB, false) == VMRPC_PAGING_R_LIMIT &&
	       zh_paging_swap_verdict((1ULL << 30), 128 * MIB, 64 * MIB, false) == VMRPC_PAGING_R_NONE,
	       "no swap; below the floor; at it; restarting needs twice the floor");

	area.subblock_size = 6000;
	tap_ok(zhostd_paging_init(&p, -1, &area, true, 0) == -EINVAL,
	       "a subblock that is not a multiple of 4 KiB is refused");
	area.subblock_size = SB;
	zhostd_paging_init(&p, -1, &area, false, 64 * MIB);
	mode = zhostd_paging_update(&p, 1ULL << 30, 1ULL << 30, &reason);
	ok = mode == VMRPC_PAGING_MODE_GUEST && reason == VMRPC_PAGING_R_DISABLED;
	zhostd_paging_set_wanted(&p, true);
	mode = zhostd_paging_update(&p, 1ULL << 30, 1ULL << 30, &reason);
	ok &= mode == VMRPC_PAGING_MODE_HOST && reason == VMRPC_PAGING_R_NONE;
	mode = zhostd_paging_update(&p, 1ULL << 30, 10 * MIB, &reason);
	ok &= mode == VMRPC_PAGING_MODE_GUEST && reason == VMRPC_PAGING_R_LIMIT;
	mode = zhostd_paging_update(&p, 0, 0, &reason);
	ok &= mode == VMRPC_PAGING_MODE_GUEST && reason == VMRPC_PAGING_R_NO_SWAP;
	zhostd_paging_set_wanted(&p, false);
	mode = zhostd_paging_update(&p, 1ULL << 30, 1ULL << 30, &reason);
	ok &= mode == VMRPC_PAGING_MODE_GUEST && reason == VMRPC_PAGING_R_ADMIN;
	tap_ok(ok && p.st.mode_changes == 2,
	       "mode: disabled, host when turned on, off at the floor and without swap, admin when turned off");
	zhostd_paging_destroy(&p);
}

/* Plug @count subblocks from @first in @m. */
static uint32_t plug(struct zhostd_memory *m, uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = { .first = htole64(first), .count = htole32(count) };
	uint32_t len;

	return zhostd_memory_serve(m, VMRPC_MEM_PLUG, &r, sizeof(r), NULL, 0, &len);
}

static uint32_t pin_sb(struct zhostd_memory *m, uint64_t sb)
{
	uint8_t req[24] = { 0 }, resp[16];
	struct vmrpc_pin_batch b = { .nr = htole32(1) };
	struct vmrpc_pin_op o = { .first = htole64(sb), .count = htole32(1),
				  .op = htole16(VMRPC_PIN_OP_PIN) };
	uint32_t len;

	memcpy(req, &b, sizeof(b));
	memcpy(req + 8, &o, sizeof(o));
	return zhostd_pin_serve(m, VMRPC_PIN_UPDATE, req, sizeof(req), resp,
				sizeof(resp), &len);
}

static void test_plan(int memfd)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct zh_paging_geom g = { .pages = DATA / PG, .sb_pages = SB / PG };
	struct zhostd_paging_range out[8];
	struct zhostd_paging_stats d = { 0 };
	struct zhostd_memory m;
	struct zhostd_pin pin;
	char err[160];
	size_t n;
	/* sb 0 and 1 plugged, 2 pinned, 10 not plugged */
	struct zh_paging_run runs[6] = {
		{ .first = 512 + 10, .count = 5 },	/* sb 1 */
		{ .first = 3, .count = 4 },		/* sb 0 */
		{ .first = 5, .count = 4 },		/* sb 0, 2 pages twice */
		{ .first = 2 * 512, .count = 7 },	/* sb 2, pinned */
		{ .first = 10 * 512, .count = 9 },	/* sb 10, unplugged */
		{ .first = 512 + 15, .count = 1 },	/* sb 1, adjacent */
	};

	if (zhostd_memory_init(&m, memfd, &area, DATA, DATA, err, sizeof(err)) ||
	    zhostd_pin_init(&pin, memfd, &area, ZHOSTD_PIN_NO_CEILING, false)) {
		tap_ok(false, "backend: %s", err);
		return;
	}
	zhostd_memory_set_pin(&m, &pin);
	plug(&m, 0, 3);
	pin_sb(&m, 2);
	n = zhostd_paging_plan(&m, &g, OFFSET, runs, 6, 1000, out, &d);
	tap_ok(n == 2 && out[0].offset == OFFSET + 3 * PG && out[0].len == 6 * PG &&
	       out[1].offset == OFFSET + (512 + 10) * PG && out[1].len == 6 * PG,
	       "sorted, overlaps merged, adjacent runs joined: 2 ranges");
	tap_ok(d.accepted == 12 && d.duplicate == 2 && d.skipped_pinned == 7 &&
	       d.skipped_unplugged == 9 && d.over_budget == 0,
	       "12 accepted, 2 duplicate, 7 pinned, 9 unplugged (%llu %llu %llu %llu)",
	       (unsigned long long)d.accepted, (unsigned long long)d.duplicate,
	       (unsigned long long)d.skipped_pinned,
	       (unsigned long long)d.skipped_unplugged);

	/* 16 whole subblocks plugged: more than the budget of one call. */
	{
		struct zh_paging_run big[16];
		struct zhostd_paging_range o2[16];

		plug(&m, 3, 13);
		for (int i = 0; i < 16; i++)
			big[i] = (struct zh_paging_run){ .first = (uint64_t)i * 512,
							 .count = 512 };
		memset(&d, 0, sizeof(d));
		n = zhostd_paging_plan(&m, &g, OFFSET, big, 16, 1000, o2, &d);
		tap_ok(d.accepted == 1000 && d.skipped_pinned == 512 &&
		       d.over_budget == 15 * 512 - 1000 && n == 1 &&
		       o2[0].offset == OFFSET && o2[0].len == 1000 * PG,
		       "a call pages no more than its budget: 1000 pages, from the lowest");
	}
	zhostd_pin_destroy(&pin);
	zhostd_memory_destroy(&m);
}

/* A hint request of @n runs of one page each, from page @first on. */
static uint32_t hint_req(uint8_t *req, uint32_t n, uint64_t first)
{
	struct vmrpc_paging_hints h = { .nr = htole32(n) };

	memcpy(req, &h, sizeof(h));
	for (uint32_t i = 0; i < n; i++) {
		struct vmrpc_paging_run r = { .first = htole64(first + i),
					      .count = htole32(1) };

		memcpy(req + 8 + 16 * i, &r, sizeof(r));
	}
	return 8 + 16 * n;
}

/*
 * zhostd_paging_serve() as a hostile guest calls it: every refusal is
 * counted in the module's bad_calls (a reply with no room for it too),
 * and hints of unplugged or pinned subblocks page nothing.
 */
static void test_serve(int memfd)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct zhostd_paging_info pi;
	struct vmrpc_paging_reply rep;
	struct zhostd zd;
	uint8_t req[8 + 16 * 4];
	uint32_t len, rlen = 0, st, reason;
	char err[160];

	memset(&zd, 0, sizeof(zd));
	if (zhostd_memory_init(&zd.mem, memfd, &area, DATA, DATA, err, sizeof(err)) ||
	    zhostd_pin_init(&zd.pin, memfd, &area, ZHOSTD_PIN_NO_CEILING, false) ||
	    zhostd_paging_init(&zd.paging, memfd, &area, true, 0)) {
		tap_ok(false, "backend: %s", err);
		return;
	}
	zhostd_memory_set_pin(&zd.mem, &zd.pin);
	plug(&zd.mem, 0, 2);
	pin_sb(&zd.mem, 1);

	len = hint_req(req, 1, 3);
	req[8 + 14] = 1;	/* reserved */
	st = zhostd_paging_serve(&zd, VMRPC_PAGING_HINT, req, len, &rep,
				 sizeof(rep), &rlen);
	len = hint_req(req, 1, 3);
	st |= zhostd_paging_serve(&zd, VMRPC_PAGING_HINT, req, len, &rep, 8,
				  &rlen) << 8;
	zhostd_paging_get(&zd.paging, &pi);
	tap_ok(st == (VMRPC_EINVAL | VMRPC_ERANGE << 8) && rlen == 0 &&
	       pi.stats.bad_calls == 2 && pi.stats.hint_calls == 2,
	       "a malformed hint and one without room for the reply: both refused and counted (status %#x, bad_calls %llu)",
	       st, (unsigned long long)pi.stats.bad_calls);

	/* The host pages: hints of sb 1 (pinned) and sb 5 (not plugged). */
	zhostd_paging_update(&zd.paging, 1ULL << 30, 1ULL << 30, &reason);
	len = hint_req(req, 2, 512);
	st = zhostd_paging_serve(&zd, VMRPC_PAGING_HINT, req, len, &rep,
				 sizeof(rep), &rlen);
	len = hint_req(req, 4, 5 * 512);
	st |= zhostd_paging_serve(&zd, VMRPC_PAGING_HINT, req, len, &rep,
				  sizeof(rep), &rlen);
	zhostd_paging_get(&zd.paging, &pi);
	tap_ok(st == VMRPC_OK && rlen == sizeof(rep) && !rep.accepted &&
	       le32toh(rep.mode) == VMRPC_PAGING_MODE_HOST &&
	       pi.stats.skipped_pinned == 2 && pi.stats.skipped_unplugged == 4 &&
	       pi.stats.accepted == 0 && pi.stats.pageout_calls == 0,
	       "hints of a pinned and an unplugged subblock: none accepted, none paged (%llu pinned, %llu unplugged)",
	       (unsigned long long)pi.stats.skipped_pinned,
	       (unsigned long long)pi.stats.skipped_unplugged);
	zhostd_paging_destroy(&zd.paging);
	zhostd_pin_destroy(&zd.pin);
	zhostd_memory_destroy(&zd.mem);
}

/* A child maps the memfd as QEMU does and touches 4 MiB of the data area. */
static void test_pageout(int memfd)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct zhostd_paging_range r[2] = {
		{ OFFSET, 2 * MIB }, { OFFSET + 4 * MIB, 2 * MIB },
	};
	struct zhostd_paging p;
	uint64_t res = 0, swp = 0;
	int to[2], from[2], st;
	int64_t done;
	char c = 0;
	pid_t pid;

	if (pipe(to) || pipe(from))
		return;
	pid = fork();
	if (pid == 0) {
		uint8_t *q = mmap(NULL, OFFSET + DATA, PROT_READ | PROT_WRITE,
				  MAP_SHARED, memfd, 0);

		if (q == MAP_FAILED)
			_exit(1);
		memset(q + OFFSET, 0x5a, 8 * MIB);
		if (write(from[1], "r", 1) != 1 || read(to[0], &c, 1) != 1)
			_exit(1);
		_exit(q[OFFSET + 5 * MIB] == 0x5a ? 0 : 2);
	}
	if (read(from[0], &c, 1) != 1) {
		tap_ok(false, "the child mapped and wrote the memfd");
		return;
	}
	zhostd_paging_init(&p, memfd, &area, true, 0);
	st = zhostd_paging_residency(&p, &res, &swp);
	tap_ok(!st && res >= 8 * MIB,
	       "cachestat(): %llu MiB of the data area resident, %llu MiB swapped",
	       (unsigned long long)(res >> 20), (unsigned long long)(swp >> 20));
	done = zhostd_paging_pageout(&p, 0, r, 2);
	if (done == -EPERM) {
		tap_skip("no CAP_SYS_NICE", "process_madvise() on the child's mapping");
	} else {
		tap_ok(done == (int64_t)(4 * MIB) && p.st.paged_out == 1024 &&
		       p.st.pageout_calls == 1 && !p.failed && p.pid == pid,
		       "QEMU found as the process that maps the memfd; MADV_PAGEOUT on its mapping advised both ranges in one call (%lld)",
		       (long long)done);
	}
	if (write(to[1], "x", 1) != 1 || waitpid(pid, &st, 0) != pid)
		st = -1;
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's data is intact");
	/* The child is gone: nobody maps the memfd; a call fails, nothing breaks. */
	done = zhostd_paging_pageout(&p, 0, r, 2);
	tap_ok(done == -ESRCH && !p.failed && p.pid == 0,
	       "QEMU gone: no process found, nothing advised, paging not turned off (%lld)",
	       (long long)done);
	zhostd_paging_destroy(&p);
	close(to[0]);
	close(to[1]);
	close(from[0]);
	close(from[1]);
}

int main(void)
{
	int memfd;

	tap_timeout(60, NULL);
	tap_plan(18);
	test_maps();
	test_swap_and_mode();
	memfd = memfd_create("test-paging", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(OFFSET + DATA)))
		return 1;
	test_plan(memfd);
	test_serve(memfd);
	test_pageout(memfd);
	return tap_done();
}
