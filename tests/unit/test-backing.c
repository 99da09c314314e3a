// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --backing: the parser (vmrpc/host/backing.c and zhostd's
 * command line), the file each backing creates, and the memory backend's
 * hugetlb rules (mm-host/memory.c, memory-enforce.c): a plug preallocates
 * all of its subblocks or none and fails with VMRPC_ENOMEM, allocation is
 * measured from the file's blocks, the guard punches and measures. Those
 * rules run here on a shmem memfd (they hold for any file); where the
 * host has free 2 MiB huge pages, a real hugetlb memfd is checked too.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
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
	       blocks(fd) == base + 3 * SB,
	       "%s: a plug of 3 subblocks preallocates 6 MiB", what);
	backed = 1;
	if (zhostd_memory_backed(&m, &backed))
		backed = 0;
	tap_ok(backed == 3 * SB,
	       "%s: backed counts the data area only (%llu MiB)", what,
	       (unsigned long long)(backed >> 20));
	tap_ok(!zhostd_memory_check_memfd(&m, &c) && !c.unplugged_backed,
	       "%s: check: nothing behind unplugged subblocks", what);
	/* A guest writing to unplugged memory, as QEMU's faults would. */
	tap_ok(!fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)(OFFSET + 20 * SB),
			  (off_t)SB),
	       "%s: memory appears behind unplugged subblock 20", what);
	tap_ok(!zhostd_memory_check_memfd(&m, &c) && c.unplugged_backed == SB &&
	       c.first_bad == ZHOSTD_MEMORY_FIRST_UNKNOWN,
	       "%s: check sees 2 MiB behind unplugged subblocks, where unknown",
	       what);
	if (zhostd_memory_enforce(&m, 1ULL << 30, &v))
		v.complete = false;
	/* Subblocks 7 to the last (63) are one unplugged run. */
	tap_ok(v.complete && v.bytes == SB && v.subblocks == 1 &&
	       v.first == 7 && v.last == DATA / SB - 1 && blocks(fd) == base + 3 * SB,
	       "%s: the guard punches it and counts 2 MiB, one subblock, in the run 7-63 (%llu KiB, %llu, %llu-%llu)",
	       what, (unsigned long long)(v.bytes >> 10),
	       (unsigned long long)v.subblocks, (unsigned long long)v.first,
	       (unsigned long long)v.last);
	/* The punch comes after the reply; backed waits for it. */
	tap_ok(range_call(&m, VMRPC_MEM_UNPLUG, 4, 3) == VMRPC_OK &&
	       !zhostd_memory_backed(&m, &backed) && blocks(fd) == base,
	       "%s: unplug gives the 6 MiB back", what);
	zhostd_memory_get(&m, &mi);
	tap_ok(mi.plug_no_memory == 0, "%s: no plug failed", what);
	zhostd_memory_destroy(&m);
}

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
	 * The data area past the end of a memfd sealed against growing:
	 * preallocating there fails (EPERM), as a short pool does (ENOSPC).
	 */
	fd = memfd_create("zh-short", MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, (off_t)OFFSET) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) ||
	    zhostd_memory_init(&m, fd, &area, 16 * MIB, DATA, err, sizeof(err))) {
		tap_ok(false, "a write-sealed memfd for a failing plug");
		return;
	}
	zhostd_memory_set_hugetlb(&m);
	tap_ok(range_call(&m, VMRPC_MEM_PLUG, 0, 4) == VMRPC_ENOMEM,
	       "a plug that cannot be preallocated: VMRPC_ENOMEM");
	zhostd_memory_get(&m, &mi);
	tap_ok(mi.plugged == 0 && mi.plug_no_memory == 1 &&
	       mi.plug_error == EPERM && blocks(fd) == 0,
	       "nothing plugged, nothing allocated, the failure counted with its errno");
	zhostd_memory_destroy(&m);
	close(fd);
}

static void test_rules(void)
{
	struct vmrpc_backing b = { .kind = VMRPC_BACKING_HUGETLB };
	uint64_t page = 0;
	char err[512];
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
		for (int i = 0; i < 9; i++)
			tap_skip("no 2 MiB hugetlb", "hugetlb rules");
	} else {
		long free_pages = 0;
		FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");

		if (f) {
			if (fscanf(f, "%ld", &free_pages) != 1)
				free_pages = 0;
			fclose(f);
		}
		if (free_pages >= 8) {
			check_rules(fd, "hugetlb");
		} else {
			tap_diag("%ld free 2 MiB huge pages, 8 needed (nr_hugepages)", free_pages);
			for (int i = 0; i < 9; i++)
				tap_skip("hugetlb pool short", "hugetlb rules");
		}
	}
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	tap_plan(12 + 4 + 4 + 9 + 2 + 9);
	test_parse();
	test_options();
	test_open();
	test_rules();
	return tap_done();
}
