// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --backing as the host allows it; see backing-info.h.
 *
 * How much of a shmem memfd is huge is only told by the mappings that
 * fault it in: QEMU's. zhostd never faults data-area pages into its own
 * mappings (Documentation/design/zone-host.rst), so the number is the
 * ShmemPmdMapped of QEMU's mapping of the memfd, found by its inode in
 * /proc/PID/smaps. hugetlb is huge through and through.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backing-info.h"
#include "log.h"
#include "zhostd.h"

#define THP_SHMEM_ENABLED	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define HUGEPAGES_DIR		"/sys/kernel/mm/hugepages"
/* The huge page a shmem file may be mapped with (x86-64, arm64 4K). */
#define BACKING_PMD_SIZE	(2ULL << 20)

/* The [selected] word of a sysfs choice file, or "unknown". */
static void read_choice(const char *path, char *out, size_t len)
{
	char line[256], *open, *close;
	FILE *f = fopen(path, "re");

	snprintf(out, len, "unknown");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (open = strchr(line, '[')) &&
	    (close = strchr(open, ']'))) {
		*close = 0;
		snprintf(out, len, "%s", open + 1);
	}
	fclose(f);
}

/* One number of the hugetlb pool of @page_size; -1 when unknown. */
static long long pool_value(uint64_t page_size, const char *what)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), HUGEPAGES_DIR "/hugepages-%llukB/%s",
		 (unsigned long long)(page_size >> 10), what);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* What shmem_enabled makes of a memfd that QEMU maps with MADV_HUGEPAGE. */
static const char *shmem_meaning(const char *mode)
{
	if (!strcmp(mode, "always") || !strcmp(mode, "within_size") ||
	    !strcmp(mode, "force"))
		return "huge pages wherever they fit, where a mapping is 2 MiB-aligned (QEMU 7.2's BAR2 is not: see query-status, memory.backing.qemu_map_aligned)";
	if (!strcmp(mode, "advise"))
		return "huge pages where the faulting mapping asked (QEMU's does) and is 2 MiB-aligned (QEMU 7.2's BAR2 is not: see query-status, memory.backing.qemu_map_aligned)";
	return "no huge pages";
}

int zhostd_backing_check(const struct vmrpc_backing *b, uint64_t bar_size)
{
	uint64_t page = 0;
	char err[512], mode[32];
	long long free_pages, total;
	int fd;

	fd = vmrpc_backing_open(b, bar_size, VMRPC_SUBBLOCK_SIZE_DEFAULT, &page,
				err, sizeof(err));
	if (fd < 0) {
		zlog_err("--backing %s: %s", vmrpc_backing_name(b->kind), err);
		return fd;
	}
	close(fd);
	if (b->kind != VMRPC_BACKING_HUGETLB) {
		read_choice(THP_SHMEM_ENABLED, mode, sizeof(mode));
		zlog_info("backing %s: the host's shmem_enabled is %s: %s",
			  vmrpc_backing_name(b->kind), mode,
			  shmem_meaning(mode));
		return 0;
	}
	free_pages = pool_value(page, "free_hugepages");
	total = pool_value(page, "nr_hugepages");
	zlog_info("backing hugetlb%s%s: %llu KiB pages, pool %lld free of %lld",
		  b->path ? " on " : "", b->path ? b->path : "",
		  (unsigned long long)(page >> 10), free_pages, total);
	/* Measured: QEMU maps BAR2 without MAP_NORESERVE (design doc). */
	if (free_pages >= 0 && (uint64_t)free_pages < bar_size / page)
		zlog_warn("QEMU's mapping of BAR2 reserves %llu huge pages when it connects, the pool has %lld free: QEMU will fail to map it",
			  (unsigned long long)(bar_size / page), free_pages);
	return 0;
}

/* Whether /proc/@pid/@file has a line with @want. */
static bool proc_has(const char *pid, const char *file, const char *want)
{
	char path[300], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	fclose(f);
	return found;
}

/*
 * ShmemPmdMapped (kB) of another process's mapping of the file
 * @dev:@ino in /proc/@pid/smaps; -1 when it has none. maps first: it is
 * cheap, smaps walks page tables. *@misaligned is set when a mapping's
 * address and file offset differ modulo 2 MiB: no huge page of the file
 * can be mapped there with a PMD.
 */
static long long smaps_pmd_kb(const char *pid, dev_t dev, ino_t ino,
			      bool *misaligned)
{
	char path[300], line[512], want[64];
	unsigned long long start, offset;
	long long kb = -1, v;
	bool in = false;
	FILE *f;

	snprintf(want, sizeof(want), " %02x:%02x %ju ", major(dev), minor(dev),
		 (uintmax_t)ino);
	if (!proc_has(pid, "maps", want))
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line has an address range and no colon key. */
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ') &&
		    !strstr(line, "kB")) {
			in = strstr(line, want) != NULL;
			if (in && sscanf(line, "%llx-%*x %*s %llx", &start,
					 &offset) == 2 &&
			    (start - offset) % BACKING_PMD_SIZE)
				*misaligned = true;
			continue;
		}
		if (in && sscanf(line, "ShmemPmdMapped: %lld kB", &v) == 1)
			kb = (kb < 0 ? 0 : kb) + v;
	}
	fclose(f);
	return kb;
}

/*
 * Bytes of the memfd that QEMU (any other process) maps with PMDs, -1
 * when no other process maps it; *@misaligned as smaps_pmd_kb() says.
 */
static long long thp_bytes(int memfd, bool *misaligned)
{
	char self[16];
	struct dirent *d;
	struct stat st;
	long long kb = -1, v;
	DIR *dir;

	if (fstat(memfd, &st))
		return -1;
	dir = opendir("/proc");
	if (!dir)
		return -1;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    !strcmp(d->d_name, self))
			continue;
		v = smaps_pmd_kb(d->d_name, st.st_dev, st.st_ino, misaligned);
		if (v >= 0)
			kb = (kb < 0 ? 0 : kb) + v;
	}
	closedir(dir);
	return kb < 0 ? -1 : kb * 1024;
}

json_t *zhostd_backing_json(struct zhostd *zd, uint64_t backed)
{
	const struct vmrpc_backing *b = &zd->cfg.backing;
	int memfd = vmrpc_host_memfd(zd->vh);
	bool misaligned = false;
	struct statfs sfs;
	uint64_t page = 4096;
	char mode[32];
	long long huge;
	json_t *obj;

	if (b->kind == VMRPC_BACKING_HUGETLB && !fstatfs(memfd, &sfs))
		page = (uint64_t)sfs.f_bsize;
	huge = b->kind == VMRPC_BACKING_HUGETLB ? (long long)backed :
						  thp_bytes(memfd, &misaligned);
	obj = json_pack("{s:s, s:s?, s:I, s:o}",
			"kind", vmrpc_backing_name(b->kind),
			"path", b->path,
			"page_size", (json_int_t)page,
			"huge_bytes", huge >= 0 ? json_integer(huge) : json_null());
	if (!obj)
		return NULL;
	if (b->kind == VMRPC_BACKING_HUGETLB) {
		json_object_set_new(obj, "pool_free",
				    json_integer(pool_value(page, "free_hugepages")));
		json_object_set_new(obj, "pool_total",
				    json_integer(pool_value(page, "nr_hugepages")));
	} else {
		read_choice(THP_SHMEM_ENABLED, mode, sizeof(mode));
		json_object_set_new(obj, "shmem_enabled", json_string(mode));
		json_object_set_new(obj, "qemu_map_aligned", huge < 0 ?
				    json_null() : json_boolean(!misaligned));
	}
	return obj;
}
