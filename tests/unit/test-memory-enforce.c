// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memory limit enforced (mm-host/memory-enforce.c) on a real sparse
 * memfd. The test maps the memfd itself, standing in for QEMU, and writes
 * where a hostile guest would: into subblocks it never plugged and past
 * the call slots. A scan punches exactly those extents, counts them, and
 * never touches a plugged subblock or the slots; a bounded scan resumes
 * where it stopped; a guest that plugs, uses and unplugs subblocks while
 * scans run is never counted as violating the limit.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "memory-enforce.h"
#include "../lib/tap.h"

#define KIB		(1ULL << 10)
#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define SLOTS_END	(4 * MIB)	/* the spare range starts here */
#define OFFSET		(128 * MIB)	/* the data area */
#define DATA		(256 * MIB)
#define NR_SB		(DATA / SB)
#define BIG_BUDGET	(1ULL << 30)

static int memfd;
static unsigned char *map;		/* "QEMU's" mapping */
static struct zhostd_memory m;

static uint32_t range_call(uint16_t proc, uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = {
		.first = htole64(first),
		.count = htole32(count),
	};
	uint32_t len;

	return zhostd_memory_serve(&m, proc, &r, sizeof(r), NULL, 0, &len);
}

/* The guest writes @len bytes at @off of BAR2 through QEMU's mapping. */
static void touch(uint64_t off, uint64_t len, int byte)
{
	memset(map + off, byte, len);
}

static uint64_t sb_off(uint64_t i)
{
	return OFFSET + i * SB;
}

/* Bytes allocated in the memfd in [@start, @end), as the kernel says. */
static uint64_t allocated(uint64_t start, uint64_t end)
{
	uint64_t bytes = 0;
	off_t pos = (off_t)start, data, hole;

	while (pos < (off_t)end) {
		data = lseek(memfd, pos, SEEK_DATA);
		if (data < 0 || data >= (off_t)end)
			break;
		hole = lseek(memfd, data, SEEK_HOLE);
		if (hole > (off_t)end)
			hole = (off_t)end;
		bytes += (uint64_t)(hole - data);
		pos = hole;
	}
	return bytes;
}

/*
 * Whether the page at @off reads as zeros. Through the memfd, not the
 * mapping: a read fault on a hole of a shared mapping allocates a page,
 * which is a violation of its own (a guest reading unplugged memory
 * takes host memory too).
 */
static bool zeros(uint64_t off)
{
	unsigned char page[4096], zero[4096] = { 0 };

	return pread(memfd, page, sizeof(page), (off_t)off) == sizeof(page) &&
	       !memcmp(page, zero, sizeof(page));
}

static void test_scan(void)
{
	struct zhostd_memory_violation v;
	struct zhostd_memory_info mi;
	uint64_t want;

	tap_diag("[RUN] a scan frees what the guest never plugged, nothing else");
	tap_ok(range_call(VMRPC_MEM_PLUG, 0, 4) == VMRPC_OK &&
	       range_call(VMRPC_MEM_PLUG, 40, 2) == VMRPC_OK,
	       "the guest plugs subblocks 0-3 and 40-41");
	touch(sb_off(0), 2 * SB, 0x42);		/* plugged, used */
	touch(sb_off(3) + 8 * KIB, 4 * KIB, 0x43);
	touch(sb_off(41), SB, 0x44);
	touch(64 * KIB, 64 * KIB, 0x45);	/* the call slots: in use */
	/* What a hostile guest writes. */
	touch(sb_off(10), SB, 0x66);
	touch(sb_off(11) + 100 * KIB, 4 * KIB, 0x66);
	touch(sb_off(20) + SB / 2, 2 * SB, 0x66);	/* 20, 21 and 22 */
	touch(sb_off(NR_SB - 1) + SB - 4 * KIB, 4 * KIB, 0x66);
	touch(8 * MIB, MIB, 0x66);			/* past the slots */
	touch(OFFSET - 4 * KIB, 4 * KIB, 0x66);		/* its last page */

	tap_ok(zhostd_memory_enforce(&m, BIG_BUDGET, &v) == 0 && v.complete,
	       "a scan completes");
	want = SB + 4 * KIB + 2 * SB + 4 * KIB;
	tap_ok(v.bytes == want && v.subblocks == 6 && v.first == 10 &&
	       v.last == NR_SB - 1 && v.extents == 6,
	       "it freed %llu KiB behind 6 unplugged subblocks, 10 to %llu; 6 extents in all (%llu KiB, %llu subblocks, %llu to %llu, %llu extents)",
	       (unsigned long long)(want >> 10), (unsigned long long)(NR_SB - 1),
	       (unsigned long long)(v.bytes >> 10),
	       (unsigned long long)v.subblocks, (unsigned long long)v.first,
	       (unsigned long long)v.last, (unsigned long long)v.extents);
	tap_ok(v.spare_bytes == MIB + 4 * KIB &&
	       allocated(SLOTS_END, OFFSET) == 0,
	       "and the %llu KiB written past the call slots",
	       (unsigned long long)(v.spare_bytes >> 10));
	tap_ok(allocated(OFFSET, OFFSET + DATA) == 3 * SB + 4 * KIB &&
	       map[sb_off(0)] == 0x42 && map[sb_off(1) + SB - 1] == 0x42 &&
	       map[sb_off(3) + 8 * KIB] == 0x43 && map[sb_off(41)] == 0x44,
	       "plugged subblocks keep their memory and their data");
	tap_ok(allocated(0, SLOTS_END) == 64 * KIB && map[64 * KIB] == 0x45,
	       "the call slots keep theirs");
	tap_ok(zeros(sb_off(10)) && zeros(8 * MIB),
	       "what the guest wrote where it had no right reads back as zeros");

	zhostd_memory_get(&m, &mi);
	tap_ok(mi.enforce_scans == 1 && mi.violations == 1 &&
	       mi.reclaimed == want + MIB + 4 * KIB,
	       "counted: 1 scan, 1 violation, %llu KiB reclaimed",
	       (unsigned long long)(mi.reclaimed >> 10));
	tap_ok(zhostd_memory_enforce(&m, BIG_BUDGET, &v) == 0 && v.complete &&
	       !v.extents && !v.bytes && !v.spare_bytes && !v.subblocks,
	       "a second scan finds nothing");
	zhostd_memory_get(&m, &mi);
	tap_ok(mi.enforce_scans == 2 && mi.violations == 1,
	       "a clean scan is counted as a scan, not as a violation");

	/* Memory the guest gave back is the host's to free, not a violation. */
	touch(sb_off(2), SB, 0x47);
	tap_ok(range_call(VMRPC_MEM_UNPLUG, 2, 1) == VMRPC_OK &&
	       zhostd_memory_enforce(&m, BIG_BUDGET, &v) == 0 && !v.extents &&
	       allocated(sb_off(2), sb_off(3)) == 0,
	       "an unplugged subblock is freed after the unplug, never counted");
}

/* Scans that run out of budget go on where they stopped. */
static void test_budget(void)
{
	struct zhostd_memory_violation v;
	uint64_t extents = 0, most = 0;
	int scans = 0, incomplete = 0;

	tap_diag("[RUN] the work of a scan is bounded; the next one resumes");
	for (uint64_t i = 60; i < 68; i++)
		touch(sb_off(i) + 12 * KIB, 4 * KIB, 0x66);
	/* The spare range costs one call, each extent three. */
	while (scans < 20) {
		scans++;
		if (zhostd_memory_enforce(&m, 10, &v))
			break;
		extents += v.extents;
		if (v.extents > most)
			most = v.extents;
		if (v.complete)
			break;
		incomplete++;
	}
	tap_ok(extents == 8 && most <= 3 && incomplete >= 3 && v.complete &&
	       allocated(sb_off(60), sb_off(68)) == 0,
	       "8 scattered pages freed by %d scans of 10 calls (%d stopped early, at most %llu extents each)",
	       scans, incomplete, (unsigned long long)most);
	tap_ok(zhostd_memory_enforce(&m, 2, &v) == 0 && !v.complete && !v.extents,
	       "a budget too small for one extent stops at once");
}

/*
 * A well-behaved guest: plug, write, check, unplug, as fast as it can,
 * while scans run. Neither a violation nor lost data may show.
 */
static int stop_guest;
static int guest_rounds, guest_corrupt;

static void *guest_thread(void *arg)
{
	uint64_t i = 80;

	(void)arg;
	/* A page per subblock: many rounds, each a chance for a race. */
	while (!__atomic_load_n(&stop_guest, __ATOMIC_ACQUIRE)) {
		if (range_call(VMRPC_MEM_PLUG, i, 2) != VMRPC_OK)
			break;
		touch(sb_off(i), 4 * KIB, 0x5a);
		touch(sb_off(i + 1) + SB - 4 * KIB, 4 * KIB, 0x5a);
		if (map[sb_off(i)] != 0x5a || map[sb_off(i + 1) + SB - 1] != 0x5a)
			guest_corrupt++;
		if (range_call(VMRPC_MEM_UNPLUG, i, 2) != VMRPC_OK)
			break;
		guest_rounds++;
		i = i == 120 ? 80 : i + 2;
	}
	return NULL;
}

static void test_races(void)
{
	struct zhostd_memory_violation v;
	struct zhostd_memory_info before, after;
	struct timespec end, now;
	pthread_t t;
	int scans = 0, failed = 0;

	tap_diag("[RUN] plugs and unplugs during scans");
	zhostd_memory_get(&m, &before);
	if (pthread_create(&t, NULL, guest_thread, NULL)) {
		tap_skip("no thread", "scans during plugs and unplugs");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += 900 * 1000 * 1000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	do {
		failed += zhostd_memory_enforce(&m, BIG_BUDGET, &v) != 0;
		scans++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec ||
		 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
	__atomic_store_n(&stop_guest, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	zhostd_memory_get(&m, &after);
	tap_ok(!failed && guest_rounds > 10 && scans > 10 && !guest_corrupt &&
	       after.violations == before.violations &&
	       after.reclaimed == before.reclaimed,
	       "%d plug-use-unplug rounds during %d scans: no violation, no data lost",
	       guest_rounds, scans);
}

int main(void)
{
	struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = DATA, .subblock_size = SB,
	};
	char err[160];

	tap_timeout(60, NULL);
	tap_plan(14);
	memfd = memfd_create("test-memory-enforce", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(OFFSET + DATA)))
		return 1;
	map = mmap(NULL, OFFSET + DATA, PROT_READ | PROT_WRITE, MAP_SHARED,
		   memfd, 0);
	if (map == MAP_FAILED ||
	    zhostd_memory_init(&m, memfd, &area, 128 * MIB, DATA, err,
			       sizeof(err))) {
		printf("Bail out! cannot set up the memfd and backend\n");
		return 1;
	}
	zhostd_memory_set_spare(&m, SLOTS_END, OFFSET - SLOTS_END);

	test_scan();
	test_budget();
	test_races();

	zhostd_memory_destroy(&m);
	munmap(map, OFFSET + DATA);
	close(memfd);
	return tap_done();
}
