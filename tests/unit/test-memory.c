// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory backend (mm-host/memory.c) against a real sparse memfd:
 * the guest may plug only within the requested size, only subblocks of the
 * data area, never twice; unplugging frees exactly the host memory behind
 * the named subblocks and nothing else, and may be repeated; malformed
 * requests change nothing; a reset frees the whole data area. Then the
 * resize side: the requested size, the guest asking for more (granted
 * within the maximum, or refused by policy), resize reports with their
 * stages and zhostd's own handling time, and the consistency checks
 * against the guest's map and the memfd.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "memory.h"
#include "../lib/tap.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(256 * MIB)

static int memfd;
static char *map;
static struct zhostd_memory m;
static int changes;
static struct zhostd_memory_event last_ev;
/* Work zhostd does inside a call, in ms: on_event() is part of it. */
static long event_work_ms;

static void on_event(void *opaque, const struct zhostd_memory_event *ev)
{
	struct timespec ts = { .tv_nsec = event_work_ms * 1000000 };

	(void)opaque;
	last_ev = *ev;
	changes++;
	if (event_work_ms)
		nanosleep(&ts, NULL);
}

static uint32_t call(uint16_t proc, const void *req, uint32_t len,
		     void *resp, uint32_t cap, uint32_t *rlen)
{
	uint32_t dummy;

	return zhostd_memory_serve(&m, proc, req, len, resp, cap,
				   rlen ? rlen : &dummy);
}

static uint32_t range_call(uint16_t proc, uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = {
		.first = htole64(first),
		.count = htole32(count),
	};

	return call(proc, &r, sizeof(r), NULL, 0, NULL);
}

static uint64_t backed(void)
{
	uint64_t b = ~0ULL;

	if (zhostd_memory_backed(&m, &b))
		return ~0ULL;
	return b;
}

/* The guest writes into subblock @sb (through QEMU, in real life). */
static void touch(uint64_t sb)
{
	memset(map + OFFSET + sb * SB, 0x42, SB);
}

/* Host memory behind subblock @sb, measured without waiting for punches. */
static uint64_t allocated(uint64_t sb)
{
	uint64_t b = ~0ULL;

	if (zhostd_memory_allocated(memfd, (off_t)(OFFSET + sb * SB),
				    (off_t)(OFFSET + (sb + 1) * SB), &b))
		return ~0ULL;
	return b;
}

/* A guest that unplugs without pause: each call queues another punch. */
static int spam_done;

static void *spam_unplugs(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++)
		if (range_call(VMRPC_MEM_UNPLUG, 60, 1) != VMRPC_OK)
			break;
	__atomic_store_n(&spam_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * backed, check and the guard wait for the punches queued when they
 * began, never for those a guest keeps queueing: otherwise a guest
 * unplugging in a loop would hold zhostd's control commands for as long
 * as it likes.
 */
static void test_punch_no_starving(void)
{
	struct zhostd_memory_info info;
	struct zhostd_memory_check c;
	pthread_t t;
	int looks = 0, during;

	zhostd_memory_get(&m, &info);
	if (pthread_create(&t, NULL, spam_unplugs, NULL)) {
		tap_ok(false, "cannot start the unplugging thread");
		return;
	}
	/* Until the guest's punches are queueing. */
	for (uint64_t later = info.punch_later; info.punch_later < later + 100;)
		zhostd_memory_get(&m, &info);
	for (; looks < 10; looks++)
		if (backed() == ~0ULL || zhostd_memory_check_memfd(&m, &c))
			break;
	during = !__atomic_load_n(&spam_done, __ATOMIC_ACQUIRE);
	pthread_join(t, NULL);
	tap_ok(looks == 10 && during,
	       "10 looks at backed and check came back while a guest kept unplugging");
}

/*
 * zhostd answers an unplug before it punches the hole (memory-punch.h):
 * nothing may plug the subblock again, call it free, or call it a
 * violation before the punch returned.
 */
static void test_punch_later(void)
{
	struct vmrpc_mem_done d = {
		.requested_size = htole64(8 * MIB),
		.plugged_size = htole64(4 * MIB),
	};
	struct zhostd_memory_info before, info;
	struct zhostd_memory_check c;
	int corrupt = 0, rounds;

	zhostd_memory_get(&m, &before);
	tap_ok(range_call(VMRPC_MEM_PLUG, 20, 4) == VMRPC_OK, "plug 20-23");
	for (uint64_t sb = 20; sb < 24; sb++)
		touch(sb);
	tap_ok(range_call(VMRPC_MEM_UNPLUG, 20, 4) == VMRPC_OK &&
	       call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_OK &&
	       allocated(20) + allocated(21) + allocated(22) + allocated(23) == 0,
	       "the resize report comes after the unplug's punch");
	zhostd_memory_get(&m, &info);
	tap_ok(info.punch_later == before.punch_later + 1 &&
	       info.punch_queued == 0 && !info.punch_failed,
	       "the punch was queued, and nothing is left in the queue");
	tap_ok(last_ev.what == ZHOSTD_MEM_DONE &&
	       last_ev.done.stages.free_us > 0 &&
	       last_ev.done.stages.free_wait_us <= 60ULL * 1000 * 1000,
	       "the report carries the time zhostd spent freeing them");

	/* Written after the plug again: the punch queued before must not hit it. */
	for (rounds = 0; rounds < 200; rounds++) {
		if (range_call(VMRPC_MEM_PLUG, 30, 1) != VMRPC_OK)
			break;
		touch(30);
		if (range_call(VMRPC_MEM_UNPLUG, 30, 1) != VMRPC_OK ||
		    range_call(VMRPC_MEM_PLUG, 30, 1) != VMRPC_OK)
			break;
		memset(map + OFFSET + 30 * SB, 0x77, 4096);
		map[OFFSET + 31 * SB - 1] = 0x77;
		if (backed() == ~0ULL)
			break;
		corrupt += map[OFFSET + 30 * SB] != 0x77 ||
			   map[OFFSET + 31 * SB - 1] != 0x77;
		if (range_call(VMRPC_MEM_UNPLUG, 30, 1) != VMRPC_OK)
			break;
	}
	tap_ok(rounds == 200 && corrupt == 0,
	       "a plug waits for the punch queued for it: %d of 200 rounds, %d corrupt",
	       rounds, corrupt);

	/* check and the memory guard wait too: given back is no violation. */
	tap_ok(range_call(VMRPC_MEM_PLUG, 40, 8) == VMRPC_OK, "plug 40-47");
	for (uint64_t sb = 40; sb < 48; sb++)
		touch(sb);
	tap_ok(range_call(VMRPC_MEM_UNPLUG, 40, 8) == VMRPC_OK &&
	       zhostd_memory_check_memfd(&m, &c) == 0 &&
	       c.unplugged_backed == SB && c.first_bad == 5,
	       "check right after an unplug sees only the old violation");
}

static uint32_t host_map(uint64_t first, uint32_t count, uint8_t *bits,
			 uint32_t cap, uint32_t *len)
{
	struct vmrpc_mem_range r = {
		.first = htole64(first), .count = htole32(count),
	};

	return call(VMRPC_MEM_HOST_MAP, &r, sizeof(r), bits, cap, len);
}

/* With subblocks 0-2 and 10 plugged: what a kdump kernel asks. */
static void test_host_map(void)
{
	struct zhostd_memory_info before, after;
	uint8_t bits[4];
	uint32_t len = 0;

	zhostd_memory_get(&m, &before);
	memset(bits, 0xff, sizeof(bits));
	tap_ok(host_map(0, 16, bits, sizeof(bits), &len) == VMRPC_OK &&
	       len == 2 && bits[0] == 0x07 && bits[1] == 0x04 && bits[2] == 0xff,
	       "host map of subblocks 0-15: 0-2 and 10 backed, two bytes written (%u: %#x %#x)",
	       len, bits[0], bits[1]);
	tap_ok(host_map(9, 3, bits, sizeof(bits), &len) == VMRPC_OK &&
	       len == 1 && bits[0] == 0x02,
	       "host map of subblocks 9-11: bit 1 only (%#x)", bits[0]);
	tap_ok(host_map(0, 33, bits, sizeof(bits), &len) == VMRPC_EINVAL &&
	       host_map(DATA / SB - 1, 2, bits, sizeof(bits), &len) == VMRPC_EINVAL &&
	       host_map(0, 0, bits, sizeof(bits), &len) == VMRPC_EINVAL &&
	       call(VMRPC_MEM_HOST_MAP, "x", 1, bits, sizeof(bits), &len) == VMRPC_EINVAL,
	       "host map larger than the reply, outside the data area, empty or short: refused");
	zhostd_memory_get(&m, &after);
	tap_ok(after.host_map_calls == before.host_map_calls + 2 &&
	       after.bad_calls == before.bad_calls + 4 &&
	       after.plugged == before.plugged,
	       "counted: 2 host map calls, 4 malformed; nothing plugged or unplugged");
}

int main(void)
{
	struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = DATA, .subblock_size = SB,
	};
	struct vmrpc_mem_config cfg;
	struct zhostd_memory_info info;
	char err[160];
	uint32_t rlen = 0;
	struct vmrpc_mem_range bad;

	tap_plan(62);
	memfd = memfd_create("test-memory", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(OFFSET + DATA)))
		return 1;
	map = mmap(NULL, OFFSET + DATA, PROT_READ | PROT_WRITE, MAP_SHARED,
		   memfd, 0);
	if (map == MAP_FAILED)
		return 1;

	tap_ok(zhostd_memory_init(&m, memfd, &area, 3 * MIB, DATA, err,
				  sizeof(err)) == -EINVAL,
	       "initial size not a multiple of 2M refused: %s", err);
	tap_ok(zhostd_memory_init(&m, memfd, &area, 0, DATA + SB, err,
				  sizeof(err)) == -EINVAL,
	       "maximum beyond the data area refused: %s", err);
	tap_ok(zhostd_memory_init(&m, memfd, &area, 64 * MIB, 32 * MIB, err,
				  sizeof(err)) == -EINVAL,
	       "initial above the maximum refused: %s", err);
	tap_ok(zhostd_memory_init(&m, memfd, &area, 8 * MIB, 128 * MIB, err,
				  sizeof(err)) == 0, "8 MiB requested, 128 MiB max");
	m.on_event = on_event;

	tap_ok(call(VMRPC_MEM_CONFIG, NULL, 0, &cfg, sizeof(cfg), &rlen) == VMRPC_OK &&
	       rlen == sizeof(cfg) && le64toh(cfg.requested_size) == 8 * MIB &&
	       le64toh(cfg.max_size) == 128 * MIB &&
	       le32toh(cfg.flags) == VMRPC_MEM_CFG_STAGES && !cfg.reserved0,
	       "config reports requested and max, and takes stages in DONE");
	tap_ok(call(VMRPC_MEM_CONFIG, "x", 1, &cfg, sizeof(cfg), &rlen) == VMRPC_EINVAL,
	       "config with a request body refused");

	tap_ok(range_call(VMRPC_MEM_PLUG, 0, 3) == VMRPC_OK, "plug 3 subblocks");
	tap_ok(range_call(VMRPC_MEM_PLUG, 2, 1) == VMRPC_EINVAL,
	       "plugging a plugged subblock refused");
	tap_ok(range_call(VMRPC_MEM_PLUG, 10, 2) == VMRPC_EPERM,
	       "plug beyond the requested size refused (EPERM)");
	tap_ok(range_call(VMRPC_MEM_PLUG, 10, 1) == VMRPC_OK,
	       "the 4th subblock fits the 8 MiB requested");
	tap_ok(range_call(VMRPC_MEM_PLUG, DATA / SB, 1) == VMRPC_EINVAL &&
	       range_call(VMRPC_MEM_PLUG, DATA / SB - 1, 2) == VMRPC_EINVAL &&
	       range_call(VMRPC_MEM_PLUG, ~0ULL, 2) == VMRPC_EINVAL &&
	       range_call(VMRPC_MEM_PLUG, 0, 0) == VMRPC_EINVAL,
	       "ranges outside the data area or empty refused");
	bad = (struct vmrpc_mem_range){ .first = htole64(20), .count = htole32(1),
					.reserved = htole32(1) };
	tap_ok(call(VMRPC_MEM_PLUG, &bad, sizeof(bad), NULL, 0, NULL) == VMRPC_EINVAL &&
	       call(VMRPC_MEM_PLUG, &bad, sizeof(bad) - 1, NULL, 0, NULL) == VMRPC_EINVAL,
	       "non-zero reserved field or short request refused");

	zhostd_memory_get(&m, &info);
	tap_ok(info.plugged == 8 * MIB && info.plug_calls == 3 &&
	       info.plug_refused == 1 && info.bad_calls == 8,
	       "counters: plugged %llu MiB, %llu plug calls, %llu refused, %llu bad",
	       (unsigned long long)(info.plugged >> 20),
	       (unsigned long long)info.plug_calls,
	       (unsigned long long)info.plug_refused,
	       (unsigned long long)info.bad_calls);

	test_host_map();
	tap_ok(backed() == 0, "nothing backed before the guest touches memory");
	touch(0);
	touch(1);
	touch(10);
	tap_ok(backed() == 3 * SB, "3 touched subblocks are backed");
	map[0] = 1;	/* the control area does not count */
	tap_ok(backed() == 3 * SB, "control area pages are not counted as backed");

	tap_ok(range_call(VMRPC_MEM_UNPLUG, 1, 1) == VMRPC_OK && backed() == 2 * SB,
	       "unplugging subblock 1 frees exactly its 2 MiB");
	zhostd_memory_get(&m, &info);
	tap_ok(info.unplug_unplugged == 0, "an unplug of plugged subblocks is not counted as unplugging unplugged ones");
	tap_ok(range_call(VMRPC_MEM_UNPLUG, 1, 1) == VMRPC_OK && backed() == 2 * SB &&
	       range_call(VMRPC_MEM_UNPLUG, DATA / SB, 1) == VMRPC_EINVAL,
	       "repeating an unplug is harmless; outside the data area refused");
	zhostd_memory_get(&m, &info);
	tap_ok(info.unplug_unplugged == 1,
	       "the repeated unplug counts 1 subblock that was not plugged (got %llu)",
	       (unsigned long long)info.unplug_unplugged);
	tap_ok(map[OFFSET + SB] == 0 && map[OFFSET] == 0x42 &&
	       map[OFFSET + 10 * SB] == 0x42,
	       "its data is gone, its neighbours' data is intact");
	tap_ok(range_call(VMRPC_MEM_PLUG, 1, 1) == VMRPC_OK,
	       "an unplugged subblock can be plugged again");
	tap_ok(call(VMRPC_MEM_UNPLUG_ALL, "x", 1, NULL, 0, NULL) == VMRPC_EINVAL,
	       "unplug-all with a body refused");
	tap_ok(call(VMRPC_MEM_UNPLUG_ALL, NULL, 0, NULL, 0, NULL) == VMRPC_OK &&
	       backed() == 0,
	       "unplug-all frees the whole data area");
	zhostd_memory_get(&m, &info);
	tap_ok(info.plugged == 0 && map[0] == 1,
	       "nothing plugged; the control area is untouched");
	tap_ok(changes == 6 && call(99, NULL, 0, NULL, 0, NULL) == VMRPC_ENOPROC,
	       "every change was reported (%d); unknown procedures refused",
	       changes);

	/* The requested size. */
	tap_ok(zhostd_memory_set_requested(&m, 3 * MIB, err, sizeof(err)) == -EINVAL &&
	       zhostd_memory_set_requested(&m, 130 * MIB, err, sizeof(err)) == -EINVAL,
	       "requested sizes off the subblock grid or above max refused: %s", err);
	tap_ok(zhostd_memory_set_requested(&m, 4 * MIB, err, sizeof(err)) == 0 &&
	       last_ev.what == ZHOSTD_MEM_REQUESTED && last_ev.requested == 4 * MIB &&
	       range_call(VMRPC_MEM_PLUG, 0, 3) == VMRPC_EPERM &&
	       range_call(VMRPC_MEM_PLUG, 0, 2) == VMRPC_OK,
	       "a lower requested size limits plugs at once");

	/* The guest asks for more. */
	{
		struct vmrpc_mem_request ask = { .requested_size = htole64(3 * MIB) },
					 got = { 0 };

		m.allow_ask = false;
		tap_ok(call(VMRPC_MEM_ASK, &ask, sizeof(ask), &got, sizeof(got), &rlen) == VMRPC_EPERM &&
		       last_ev.what == ZHOSTD_MEM_ASKED && last_ev.granted == 0,
		       "--guest-ask deny: asking is refused, and reported");
		m.allow_ask = true;
		tap_ok(call(VMRPC_MEM_ASK, &ask, sizeof(ask), &got, sizeof(got), &rlen) == VMRPC_OK &&
		       rlen == sizeof(got) && le64toh(got.requested_size) == 8 * MIB,
		       "asking for 3 MiB grants 4 (whole subblocks): requested 8 MiB");
		ask.requested_size = htole64(DATA);
		tap_ok(call(VMRPC_MEM_ASK, &ask, sizeof(ask), &got, sizeof(got), &rlen) == VMRPC_OK &&
		       le64toh(got.requested_size) == 128 * MIB &&
		       call(VMRPC_MEM_ASK, &ask, sizeof(ask), &got, sizeof(got), &rlen) == VMRPC_EPERM,
		       "asks are granted up to the maximum, then refused");
	}

	/* Resize reports. */
	{
		struct vmrpc_mem_done d = {
			.requested_size = htole64(64 * MIB),
			.plugged_size = htole64(40 * MIB),
			.reason = htole32(VMRPC_MEM_R_FLOOR),
		};

		/* Since the unplug-all: the two plugs of the requested size. */
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_OK &&
		       last_ev.what == ZHOSTD_MEM_DONE && last_ev.done.plugged == 40 * MIB &&
		       last_ev.done.reason == VMRPC_MEM_R_FLOOR && last_ev.done_seq == 1,
		       "a resize report is kept and sent on");
		tap_ok(!last_ev.done.has_stages && last_ev.done.stages.zhostd_calls == 2,
		       "all-zero stages are none (a guest before 1.7); zhostd counted %llu calls",
		       (unsigned long long)last_ev.done.stages.zhostd_calls);
		d.plugged_size = htole64(DATA + SB);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL,
		       "a report of more plugged than the data area holds is refused");
		d.plugged_size = htole64(40 * MIB + 4096);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL,
		       "a plugged size that is no number of subblocks is refused");
		d.plugged_size = htole64(40 * MIB);
		d.requested_size = htole64(~0ULL);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL,
		       "a requested size past the data area is refused");
		d.requested_size = htole64(64 * MIB);
		d.error = htole32(100000);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL,
		       "an errno past the kernel's largest is refused");
		d.error = 0;
		zhostd_memory_get(&m, &info);
		tap_ok(info.done_seq == 1 && info.done.requested == 64 * MIB,
		       "query sees the last report");

		/* One resize: a plug and an unplug, zhostd busy 3 ms in each. */
		event_work_ms = 3;
		tap_ok(range_call(VMRPC_MEM_PLUG, 7, 1) == VMRPC_OK &&
		       range_call(VMRPC_MEM_UNPLUG, 7, 1) == VMRPC_OK,
		       "a resize plugs and unplugs");
		event_work_ms = 0;
		d.stages = (struct vmrpc_mem_stages){
			.total_us = htole32(9000), .wait_us = htole32(50000),
			.host_us = htole32(4000), .host_calls = htole32(2),
			.isolate_us = htole32(1000), .offline_us = htole32(1000),
			.online_us = htole32(1000), .add_us = htole32(1000),
			.watermarks_us = htole32(1000), .steps = htole32(2),
		};
		d.stages.total_us = htole32(8999);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL &&
		       last_ev.what == ZHOSTD_MEM_UNPLUGGED,
		       "stages summing past the resize's total are refused, not sent on");
		d.stages.total_us = htole32(1);
		d.stages.host_us = htole32(UINT32_MAX);
		d.stages.isolate_us = htole32(2);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_EINVAL,
		       "stages are summed in 64 bits: a sum that wraps to the total is refused");
		d.stages.host_us = htole32(4000);
		d.stages.isolate_us = htole32(1000);
		d.stages.total_us = htole32(9000);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_OK &&
		       last_ev.done.has_stages && last_ev.done_seq == 2 &&
		       last_ev.done.stages.total_us == 9000 &&
		       last_ev.done.stages.wait_us == 50000 &&
		       last_ev.done.stages.host_us == 4000 &&
		       last_ev.done.stages.host_calls == 2 &&
		       last_ev.done.stages.watermarks_us == 1000 &&
		       last_ev.done.stages.steps == 2,
		       "stages that fit the total are kept and sent on");
		tap_ok(last_ev.done.stages.zhostd_calls == 2 &&
		       last_ev.done.stages.zhostd_us >= 6000,
		       "zhostd's own handling since the last accepted report: %llu calls, %llu us",
		       (unsigned long long)last_ev.done.stages.zhostd_calls,
		       (unsigned long long)last_ev.done.stages.zhostd_us);
		zhostd_memory_get(&m, &info);
		tap_ok(info.done_seq == 2 && info.done.has_stages &&
		       info.done.stages.add_us == 1000,
		       "query sees the stages");
		d.stages.total_us = htole32(UINT32_MAX);
		d.stages.host_us = htole32(UINT32_MAX);
		d.stages.online_us = htole32(UINT32_MAX);
		tap_ok(call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_OK &&
		       last_ev.done.stages.total_us == UINT32_MAX &&
		       last_ev.done.stages.zhostd_calls == 0 &&
		       last_ev.done.stages.zhostd_us == 0,
		       "a saturated total takes any parts; zhostd's count started again");
		tap_ok(range_call(VMRPC_MEM_PLUG, 7, 1) == VMRPC_OK &&
		       call(VMRPC_MEM_UNPLUG_ALL, NULL, 0, NULL, 0, NULL) == VMRPC_OK &&
		       range_call(VMRPC_MEM_PLUG, 0, 2) == VMRPC_OK &&
		       call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0, NULL) == VMRPC_OK &&
		       last_ev.done.stages.zhostd_calls == 1,
		       "an unplug-all (a guest starting afresh) starts the count again");
	}

	/* Consistency: the guest's map and the memfd. */
	{
		uint8_t bits[16] = { 0x03 };	/* subblocks 0 and 1 */
		struct zhostd_memory_check c;
		uint64_t diff_at = 0;

		tap_ok(zhostd_memory_compare(&m, 0, DATA / SB, bits, &diff_at) == 0,
		       "the guest's map agrees with zhostd's");
		bits[0] = 0x07;
		tap_ok(zhostd_memory_compare(&m, 0, DATA / SB, bits, &diff_at) == 1 &&
		       diff_at == 2, "a difference is found, at subblock 2");
		tap_ok(zhostd_memory_check_memfd(&m, &c) == 0 && c.unplugged_backed == 0,
		       "no unplugged subblock is backed");
		touch(5);	/* a guest touching what it does not own */
		tap_ok(zhostd_memory_check_memfd(&m, &c) == 0 &&
		       c.unplugged_backed == SB && c.first_bad == 5,
		       "host memory behind unplugged subblock 5 is found");
	}

	test_punch_later();
	test_punch_no_starving();

	zhostd_memory_destroy(&m);
	munmap(map, OFFSET + DATA);
	close(memfd);
	return tap_done();
}
