// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --backing: the parser (vmrpc/host/backing.c and zhostd's
 * command line), the file each backing creates, and the memory backend's
 * hugetlb rules (mm-host/memory.c, memory-hugetlb.c, memory-enforce.c):
 * a plug allocates nothing and fails with VMRPC_ENOMEM when it cannot
 * reserve, allocation is measured from the file's blocks and check sees
 * only what exceeds the plugged size, the guard punches and measures.
 * Those rules run here on a shmem memfd (they hold for any file) and on a
 * real hugetlb memfd, with what only the hugetlb pool shows: a plug
 * reserves, all or nothing; an unplug drops the reservations, touched or
 * not; --lock-all's mlock() faults reserved pages in. The test makes the
 * small pool it needs where it may (and takes it off again), and skips
 * with the reason where it cannot.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "backing.h"
#include "memory-enforce.h"
#include "memory.h"
#include "options.h"
#include "pin.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(128 * MIB)
#define SPARE		(4 * MIB)

static char msg[ZHOSTD_OPTIONS_MSG_MAX];

static void test_parse(void)
{
	static const char *const bad[] = {
		"", "shmem", "thp=x", "hugetlb=", "hugetlbfs", "shm=/x", "HUGETLB",
	};
	struct vmrpc_backing b;

	tap_ok(!vmrpc_backing_parse("shm", &b) && b.kind == VMRPC_BACKING_SHM &&
	       !b.path, "shm");
	tap_ok(!vmrpc_backing_parse("thp", &b) && b.kind == VMRPC_BACKING_THP &&
	       !b.path, "thp");
	tap_ok(!vmrpc_backing_parse("hugetlb", &b) &&
	       b.kind == VMRPC_BACKING_HUGETLB && !b.path,
	       "hugetlb: a MFD_HUGETLB memfd");
	tap_ok(!vmrpc_backing_parse("hugetlb=/dev/hugepages", &b) &&
	       b.kind == VMRPC_BACKING_HUGETLB &&
	       !strcmp(b.path, "/dev/hugepages"), "hugetlb=PATH keeps PATH");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(vmrpc_backing_parse(bad[i], &b) == -EINVAL,
		       "'%s' refused", bad[i]);
	tap_ok(!strcmp(vmrpc_backing_name(VMRPC_BACKING_HUGETLB), "hugetlb") &&
	       !strcmp(vmrpc_backing_name(VMRPC_BACKING_THP), "thp") &&
	       !strcmp(vmrpc_backing_name(VMRPC_BACKING_SHM), "shm"),
	       "names round-trip");
}

static enum zhostd_options_result parse_opts(const char *backing,
					     struct zhostd_options *o)
{
	char *argv[] = { "zhostd", "-n", "vm", "--backing", (char *)backing,
			 NULL };

	return zhostd_options_parse(5, argv, o, msg, sizeof(msg));
}

static void test_options(void)
{
	struct zhostd_options o;

	setenv("ZHOST_RUNTIME_DIR", "/rt", 1);
	memset(&o, 0, sizeof(o));
	tap_ok(parse_opts("thp", &o) == ZHOSTD_OPTIONS_RUN &&
	       o.cfg.backing.kind == VMRPC_BACKING_THP,
	       "zhostd --backing thp");
	zhostd_options_free(&o);
	memset(&o, 0, sizeof(o));
	tap_ok(parse_opts("hugetlb=/mnt/huge", &o) == ZHOSTD_OPTIONS_RUN &&
	       o.cfg.backing.kind == VMRPC_BACKING_HUGETLB &&
	       o.cfg.backing.path && !strcmp(o.cfg.backing.path, "/mnt/huge"),
	       "zhostd --backing hugetlb=/mnt/huge");
	zhostd_options_free(&o);
	memset(&o, 0x5a, sizeof(o));
	tap_ok(parse_opts("huge", &o) == ZHOSTD_OPTIONS_BAD &&
	       !strcmp(msg, "--backing: 'huge' is none of shm, thp, hugetlb, hugetlb=PATH"),
	       "zhostd --backing huge: \"%s\"", msg);
	memset(&o, 0, sizeof(o));
	{
		char *argv[] = { "zhostd", "-n", "vm", NULL };

		tap_ok(zhostd_options_parse(3, argv, &o, msg, sizeof(msg)) ==
		       ZHOSTD_OPTIONS_RUN &&
		       o.cfg.backing.kind == VMRPC_BACKING_SHM,
		       "the default is shm");
		zhostd_options_free(&o);
	}
}

static void test_open(void)
{
	struct vmrpc_backing b = { .kind = VMRPC_BACKING_THP };
	char err[512], dir[] = "/tmp/zh-backing-XXXXXX";
	uint64_t page = 0;
	struct stat st;
	int fd;

	fd = vmrpc_backing_open(&b, 256 * MIB, SB, &page, err, sizeof(err));
	tap_ok(fd >= 0 && !fstat(fd, &st) && st.st_size == (off_t)(256 * MIB) &&
	       st.st_blocks == 0 && page == (uint64_t)sysconf(_SC_PAGESIZE),
	       "thp: a sparse memfd of the size asked, small pages");
	tap_ok(fd >= 0 && ftruncate(fd, (off_t)MIB) < 0 && errno == EPERM,
	       "sealed against shrinking");
	if (fd >= 0)
		close(fd);
	b = (struct vmrpc_backing){ .kind = VMRPC_BACKING_HUGETLB,
				    .path = mkdtemp(dir) };
	fd = vmrpc_backing_open(&b, 256 * MIB, SB, &page, err, sizeof(err));
	tap_ok(fd == -EINVAL && strstr(err, "not a hugetlbfs mount"),
	       "hugetlb=DIR on another file system refused: \"%s\"", err);
	if (fd >= 0)
		close(fd);
	rmdir(dir);
	tap_ok(vmrpc_backing_map_flags(VMRPC_BACKING_HUGETLB) == MAP_NORESERVE &&
	       !vmrpc_backing_map_flags(VMRPC_BACKING_SHM),
	       "only hugetlb maps with MAP_NORESERVE");
}

static uint32_t range_call(struct zhostd_memory *m, uint16_t proc,
			   uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = {
		.first = htole64(first),
		.count = htole32(count),
	};
	uint32_t len;

	return zhostd_memory_serve(m, proc, &r, sizeof(r), NULL, 0, &len);
}

static uint64_t blocks(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_blocks * 512;
}

/* The guest writes subblocks [@first, @first + @count), as QEMU's faults would. */
static bool touch(int fd, uint64_t first, uint64_t count)
{
	uint8_t *p;

	p = mmap(NULL, count * SB, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_NORESERVE, fd, (off_t)(OFFSET + first * SB));
	if (p == MAP_FAILED)
		return false;
	/* Every small page: shmem allocates them one by one. */
	for (uint64_t off = 0; off < count * SB; off += 4096)
		p[off] = 1;
	munmap(p, count * SB);
	return true;
}

/* The hugetlb rules of the memory backend on @fd (OFFSET + DATA long). */
static void check_rules(int fd, const char *what)
{
	const struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = DATA, .subblock_size = SB,
	};
	struct zhostd_memory_violation v;
	struct zhostd_memory_check c;
	struct zhostd_memory_info mi;
	struct zhostd_memory m;
	uint64_t backed, base;
	char err[160];

	if (zhostd_memory_init(&m, fd, &area, 16 * MIB, DATA, err, sizeof(err))) {
		tap_ok(false, "%s: memory backend: %s", what, err);
		return;
	}
	zhostd_memory_set_spare(&m, SPARE, OFFSET - SPARE);
	zhostd_memory_set_hugetlb(&m);
	/* The host's own pages, as the layout preallocates them. */
	tap_ok(!fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, SPARE),
	       "%s: the control area's first pages allocated", what);
	base = blocks(fd);
	tap_ok(range_call(&m, VMRPC_MEM_PLUG, 4, 3) == VMRPC_OK &&
	       blocks(fd) == base,
	       "%s: a plug of 3 subblocks allocates nothing", what);
	tap_ok(touch(fd, 4, 2) && blocks(fd) == base + 2 * SB,
	       "%s: the guest touches 2 of them", what);
	backed = 1;
	if (zhostd_memory_backed(&m, &backed))
		backed = 0;
	tap_ok(backed == 2 * SB,
	       "%s: backed counts what the guest touched, the data area only (%llu MiB)",
	       what, (unsigned long long)(backed >> 20));
	tap_ok(!zhostd_memory_check_memfd(&m, &c) && !c.unplugged_backed,
	       "%s: check: nothing behind unplugged subblocks", what);
	/* A guest writing to unplugged memory. */
	tap_ok(touch(fd, 20, 1) && !zhostd_memory_check_memfd(&m, &c) &&
	       !c.unplugged_backed,
	       "%s: check cannot see 2 MiB behind unplugged subblock 20 while 2 MiB plugged are untouched",
	       what);
	tap_ok(touch(fd, 21, 1) && !zhostd_memory_check_memfd(&m, &c) &&
	       c.unplugged_backed == SB &&
	       c.first_bad == ZHOSTD_MEMORY_FIRST_UNKNOWN,
	       "%s: with subblock 21 too, check sees the 2 MiB beyond the plugged size, where unknown",
	       what);
	if (zhostd_memory_enforce(&m, 1ULL << 30, &v))
		v.complete = false;
	/* Subblocks 7 to the last (63) are one unplugged run. */
	tap_ok(v.complete && v.bytes == 2 * SB && v.subblocks == 2 &&
	       v.first == 7 && v.last == DATA / SB - 1 &&
	       blocks(fd) == base + 2 * SB,
	       "%s: the guard punches both and counts 4 MiB, two subblocks, in the run 7-63 (%llu KiB, %llu, %llu-%llu)",
	       what, (unsigned long long)(v.bytes >> 10),
	       (unsigned long long)v.subblocks, (unsigned long long)v.first,
	       (unsigned long long)v.last);
	/* The punch comes after the reply; backed waits for it. */
	tap_ok(range_call(&m, VMRPC_MEM_UNPLUG, 4, 3) == VMRPC_OK &&
	       !zhostd_memory_backed(&m, &backed) && blocks(fd) == base &&
	       !backed,
	       "%s: unplug gives the 4 MiB back", what);
	zhostd_memory_get(&m, &mi);
	tap_ok(mi.plug_no_memory == 0 && !m.fill_failed,
	       "%s: no plug failed, no fill failed", what);
	zhostd_memory_destroy(&m);
}

#define RULES_TESTS	10

/* A plug the host cannot back fails whole, with VMRPC_ENOMEM. */
static void test_short(void)
{
	const struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = DATA, .subblock_size = SB,
	};
	struct zhostd_memory_info mi;
	struct zhostd_memory m;
	char err[160];
	int fd;

	/*
	 * A memfd sealed against writing: the shared writable mapping that
	 * reserves is refused (EPERM), as a short pool's is (ENOMEM).
	 */
	fd = memfd_create("zh-short", MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, (off_t)(OFFSET + DATA)) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) ||
	    zhostd_memory_init(&m, fd, &area, 16 * MIB, DATA, err, sizeof(err))) {
		tap_ok(false, "a write-sealed memfd for a failing plug");
		return;
	}
	zhostd_memory_set_hugetlb(&m);
	tap_ok(range_call(&m, VMRPC_MEM_PLUG, 0, 4) == VMRPC_ENOMEM,
	       "a plug that cannot be reserved: VMRPC_ENOMEM");
	zhostd_memory_get(&m, &mi);
	tap_ok(mi.plugged == 0 && mi.plug_no_memory == 1 &&
	       mi.plug_error == EPERM && blocks(fd) == 0,
	       "nothing plugged, nothing allocated, the failure counted with its errno");
	zhostd_memory_destroy(&m);
	close(fd);
}

/* The 2 MiB pool, from sysfs: the huge page size of the memfds here. */
#define POOL_DIR	"/sys/kernel/mm/hugepages/hugepages-2048kB/"

static long pool_read(const char *name)
{
	char path[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), POOL_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static bool pool_write(long nr)
{
	FILE *f = fopen(POOL_DIR "nr_hugepages", "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", nr) > 0;
	return !fclose(f) && ok;
}

/* Free pages nobody reserved. */
static long pool_avail(void)
{
	return pool_read("free_hugepages") - pool_read("resv_hugepages");
}

/*
 * Pages this test added to the pool. Taken off again at its end, by
 * difference: another user who grew the pool meanwhile keeps his.
 */
static long pool_added;

static void pool_restore(void)
{
	long nr = pool_read("nr_hugepages");

	if (pool_added && nr >= pool_added)
		pool_write(nr - pool_added);
	pool_added = 0;
}

/* At least @want free unreserved pages, made here if needed; else why not. */
static bool pool_make(long want, char *why, size_t len)
{
	long nr = pool_read("nr_hugepages"), avail = pool_avail(), got;

	if (avail >= want)
		return true;
	if (nr < 0) {
		snprintf(why, len, "no " POOL_DIR);
		return false;
	}
	if (!pool_write(nr + want - avail)) {
		snprintf(why, len, "%ld free 2 MiB huge pages, %ld needed, and nr_hugepages cannot be raised: %s",
			 avail, want, strerror(errno));
		return false;
	}
	got = pool_read("nr_hugepages");
	pool_added = got > nr ? got - nr : 0;
	avail = pool_avail();
	if (avail >= want)
		return true;
	snprintf(why, len, "the host gave %ld free 2 MiB huge pages of %ld needed",
		 avail, want);
	pool_restore();
	return false;
}

/* Free and reserved pages, as one value to compare. */
struct pool_state {
	long free_pages;
	long rsvd;
};

static struct pool_state pool_now(void)
{
	return (struct pool_state){
		.free_pages = pool_read("free_hugepages"),
		.rsvd = pool_read("resv_hugepages"),
	};
}

/*
 * What only a real hugetlb memfd shows: a plug reserves, an unplug drops
 * the reservations again, touched or not, and the pin mapping's mlock
 * faults reserved pages in. @fd is OFFSET + BIG_DATA long.
 */
#define BIG_DATA	(2048 * MIB)

static void check_pool(int fd)
{
	const struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = BIG_DATA, .subblock_size = SB,
	};
	struct pool_state before, now;
	struct zhostd_memory_info mi;
	struct zhostd_memory m;
	struct zhostd_pin pin;
	uint64_t backed, base;
	uint32_t len;
	long avail;
	char err[160];
	bool ok;

	if (zhostd_memory_init(&m, fd, &area, BIG_DATA, BIG_DATA, err, sizeof(err))) {
		tap_ok(false, "hugetlb: memory backend: %s", err);
		return;
	}
	zhostd_memory_set_hugetlb(&m);
	base = blocks(fd);
	before = pool_now();
	ok = range_call(&m, VMRPC_MEM_PLUG, 0, 3) == VMRPC_OK;
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd + 3 &&
	       now.free_pages == before.free_pages && blocks(fd) == base,
	       "hugetlb: a plug of 3 subblocks reserves 3 huge pages, allocates none (free %ld -> %ld, reserved %ld -> %ld)",
	       before.free_pages, now.free_pages, before.rsvd, now.rsvd);
	/* Without the fill, the punch would leave all 3 reserved. */
	ok = range_call(&m, VMRPC_MEM_UNPLUG, 0, 3) == VMRPC_OK &&
	     !zhostd_memory_backed(&m, &backed);
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages && blocks(fd) == base,
	       "hugetlb: their unplug, untouched, leaves the pool as before the plug (free %ld, reserved %ld -> %ld)",
	       now.free_pages, before.rsvd, now.rsvd);
	ok = range_call(&m, VMRPC_MEM_PLUG, 0, 3) == VMRPC_OK && touch(fd, 0, 3);
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages - 3 &&
	       blocks(fd) == base + 3 * SB,
	       "hugetlb: plugged again, the guest's writes through a MAP_NORESERVE mapping take the reserved pages (free %ld -> %ld, reserved %ld)",
	       before.free_pages, now.free_pages, now.rsvd);
	ok = range_call(&m, VMRPC_MEM_UNPLUG, 0, 3) == VMRPC_OK &&
	     !zhostd_memory_backed(&m, &backed);
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages && blocks(fd) == base,
	       "hugetlb: their unplug, touched, gives the pages back (free %ld, reserved %ld)",
	       now.free_pages, now.rsvd);

	/* The guest's unplug-all (a reboot) fills the plugged runs too. */
	ok = range_call(&m, VMRPC_MEM_PLUG, 4, 2) == VMRPC_OK && touch(fd, 4, 1) &&
	     zhostd_memory_serve(&m, VMRPC_MEM_UNPLUG_ALL, NULL, 0, NULL, 0,
				 &len) == VMRPC_OK;
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages && blocks(fd) == base,
	       "hugetlb: an unplug-all of 2 plugged subblocks, 1 touched, leaves the pool as before (free %ld, reserved %ld -> %ld)",
	       now.free_pages, before.rsvd, now.rsvd);

	/* All or nothing: one subblock more than the pool can reserve. */
	avail = pool_avail();
	if (avail < 0 || avail + 1 > (long)(BIG_DATA / SB)) {
		tap_skip("the pool has more free pages than the data area has subblocks",
			 "hugetlb: a plug beyond the pool");
		tap_skip("no plug beyond the pool", "hugetlb: its refusal counted");
	} else {
		before = pool_now();
		ok = range_call(&m, VMRPC_MEM_PLUG, 0, (uint32_t)avail + 1) ==
		     VMRPC_ENOMEM;
		now = pool_now();
		tap_ok(ok && now.rsvd == before.rsvd && blocks(fd) == base,
		       "hugetlb: a plug of %ld subblocks on %ld free pages: VMRPC_ENOMEM, nothing reserved (reserved %ld -> %ld)",
		       avail + 1, avail, before.rsvd, now.rsvd);
		zhostd_memory_get(&m, &mi);
		tap_ok(mi.plugged == 0 && mi.plug_no_memory == 1 &&
		       mi.plug_error == ENOMEM,
		       "hugetlb: nothing plugged, the refusal counted with ENOMEM (%d)",
		       mi.plug_error);
	}

	/* --lock-all: mlock() of the pin mapping (MAP_NORESERVE) faults them in. */
	if (zhostd_pin_init(&pin, fd, &area, ZHOSTD_PIN_NO_CEILING, true)) {
		tap_ok(false, "hugetlb: the pin mapping");
		tap_ok(false, "hugetlb: the pin mapping");
		zhostd_memory_destroy(&m);
		return;
	}
	zhostd_memory_set_pin(&m, &pin);
	before = pool_now();
	ok = range_call(&m, VMRPC_MEM_PLUG, 8, 2) == VMRPC_OK;
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages - 2 &&
	       blocks(fd) == base + 2 * SB && pin.nr_locked == 2,
	       "hugetlb: with --lock-all a plug's mlock() faults its pages in from the reservation (free %ld -> %ld, reserved %ld -> %ld)",
	       before.free_pages, now.free_pages, before.rsvd, now.rsvd);
	ok = range_call(&m, VMRPC_MEM_UNPLUG, 8, 2) == VMRPC_OK &&
	     !zhostd_memory_backed(&m, &backed);
	now = pool_now();
	tap_ok(ok && now.rsvd == before.rsvd &&
	       now.free_pages == before.free_pages && blocks(fd) == base &&
	       !pin.nr_locked && !m.fill_failed,
	       "hugetlb: their unplug unlocks them and gives the pages back (free %ld, reserved %ld)",
	       now.free_pages, now.rsvd);
	zhostd_memory_destroy(&m);
	zhostd_pin_destroy(&pin);
}

#define POOL_TESTS	9
/* Pages check_rules() and check_pool() need free at once, with room. */
#define POOL_NEED	16

static void test_rules(void)
{
	struct vmrpc_backing b = { .kind = VMRPC_BACKING_HUGETLB };
	uint64_t page = 0;
	char err[512], why[256];
	int fd;

	fd = memfd_create("zh-rules", 0);
	if (fd >= 0 && !ftruncate(fd, (off_t)(OFFSET + DATA)))
		check_rules(fd, "shmem");
	else
		tap_ok(false, "a memfd");
	if (fd >= 0)
		close(fd);
	test_short();

	fd = vmrpc_backing_open(&b, OFFSET + DATA, SB, &page, err, sizeof(err));
	if (fd < 0 || page != SB) {
		tap_diag("no 2 MiB hugetlb memfd here: %s", fd < 0 ? err : "other page size");
		for (int i = 0; i < RULES_TESTS + POOL_TESTS; i++)
			tap_skip("no 2 MiB hugetlb", "hugetlb rules");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (!pool_make(POOL_NEED, why, sizeof(why))) {
		tap_diag("%s", why);
		for (int i = 0; i < RULES_TESTS + POOL_TESTS; i++)
			tap_skip("hugetlb pool short", "hugetlb rules");
		close(fd);
		return;
	}
	check_rules(fd, "hugetlb");
	close(fd);
	fd = vmrpc_backing_open(&b, OFFSET + BIG_DATA, SB, &page, err, sizeof(err));
	if (fd >= 0) {
		check_pool(fd);
		close(fd);
	} else {
		tap_ok(false, "hugetlb: a second memfd: %s", err);
		for (int i = 1; i < POOL_TESTS; i++)
			tap_skip("no second memfd", "hugetlb pool");
	}
	pool_restore();
}

int main(void)
{
	tap_plan(12 + 4 + 4 + RULES_TESTS + 2 + RULES_TESTS + POOL_TESTS);
	/* The pool goes back to its size however the test ends. */
	atexit(pool_restore);
	test_parse();
	test_options();
	test_open();
	test_rules();
	return tap_done();
}
