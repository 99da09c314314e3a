// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file behind BAR2; see backing.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backing.h"

/* statfs(2) f_type of hugetlbfs (linux/magic.h). */
#define BACKING_HUGETLBFS_MAGIC	0x958458f6

/* The name QEMU's and zhostd's /proc/PID/maps show. */
#define BACKING_NAME		"zonehost-bar2"

int vmrpc_backing_parse(const char *s, struct vmrpc_backing *b)
{
	static const char hugetlb[] = "hugetlb";
	const size_t n = sizeof(hugetlb) - 1;

	if (!strcmp(s, "shm") || !strcmp(s, "thp")) {
		*b = (struct vmrpc_backing){
			.kind = s[0] == 's' ? VMRPC_BACKING_SHM :
					      VMRPC_BACKING_THP,
		};
		return 0;
	}
	if (strncmp(s, hugetlb, n) || (s[n] && s[n] != '='))
		return -EINVAL;
	*b = (struct vmrpc_backing){ .kind = VMRPC_BACKING_HUGETLB };
	if (!s[n])
		return 0;
	if (!s[n + 1] || strlen(s + n + 1) >= VMRPC_BACKING_PATH_MAX)
		return -EINVAL;
	b->path = s + n + 1;
	return 0;
}

const char *vmrpc_backing_name(enum vmrpc_backing_kind kind)
{
	switch (kind) {
	case VMRPC_BACKING_SHM:
		return "shm";
	case VMRPC_BACKING_THP:
		return "thp";
	case VMRPC_BACKING_HUGETLB:
		return "hugetlb";
	}
	return "unknown";
}

int vmrpc_backing_map_flags(enum vmrpc_backing_kind kind)
{
	/*
	 * Without it a shared hugetlb mapping reserves a huge page for every
	 * hole it covers, at mmap() time: zhostd would hold the whole BAR2
	 * out of the pool. Its pages are preallocated before use instead.
	 */
	return kind == VMRPC_BACKING_HUGETLB ? MAP_NORESERVE : 0;
}

/* A file on the hugetlbfs mounted at @dir, already unlinked. */
static int backing_open_dir(const char *dir, char *err, size_t errlen)
{
	char tmpl[VMRPC_BACKING_PATH_MAX + sizeof("/" BACKING_NAME ".XXXXXX")];
	struct statfs sfs;
	int fd, ret;

	if (statfs(dir, &sfs)) {
		ret = -errno;
		snprintf(err, errlen, "hugetlb=%s: %s", dir, strerror(-ret));
		return ret;
	}
	if ((unsigned long)sfs.f_type != BACKING_HUGETLBFS_MAGIC) {
		snprintf(err, errlen, "hugetlb=%s: not a hugetlbfs mount (mount -t hugetlbfs none %s)",
			 dir, dir);
		return -EINVAL;
	}
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* Kernels before O_TMPFILE on hugetlbfs: create, then unlink. */
	snprintf(tmpl, sizeof(tmpl), "%s/%s.XXXXXX", dir, BACKING_NAME);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "hugetlb=%s: cannot create a file: %s",
			 dir, strerror(-ret));
		return ret;
	}
	unlink(tmpl);
	return fd;
}

/* The file of @b, empty. */
static int backing_create(const struct vmrpc_backing *b, char *err,
			  size_t errlen)
{
	unsigned int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	int fd, ret;

	if (b->kind == VMRPC_BACKING_HUGETLB && b->path)
		return backing_open_dir(b->path, err, errlen);
	if (b->kind == VMRPC_BACKING_HUGETLB)
		flags |= MFD_HUGETLB;
	fd = memfd_create(BACKING_NAME, flags);
	if (fd >= 0)
		return fd;
	ret = -errno;
	if (b->kind == VMRPC_BACKING_HUGETLB)
		snprintf(err, errlen, "hugetlb: memfd_create(MFD_HUGETLB): %s (does the host kernel have CONFIG_HUGETLBFS and a default huge page size?)",
			 strerror(-ret));
	else
		snprintf(err, errlen, "memfd_create: %s", strerror(-ret));
	return ret;
}

int vmrpc_backing_open(const struct vmrpc_backing *b, uint64_t size,
		       uint64_t unit, uint64_t *page_size, char *err,
		       size_t errlen)
{
	struct statfs sfs;
	int fd, ret;

	fd = backing_create(b, err, errlen);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) || sfs.f_bsize <= 0) {
		ret = -errno;
		snprintf(err, errlen, "fstatfs: %s", strerror(-ret));
		goto fail;
	}
	*page_size = (uint64_t)sfs.f_bsize;
	if (b->kind != VMRPC_BACKING_HUGETLB) {
		long page = sysconf(_SC_PAGESIZE);

		*page_size = page > 0 ? (uint64_t)page : 4096;
	}
	if (*page_size > unit || unit % *page_size) {
		snprintf(err, errlen, "hugetlb: the huge page size (%llu KiB) does not divide the %llu KiB subblock: plugging and freeing works in subblocks; use a hugetlbfs mounted with pagesize=2M",
			 (unsigned long long)(*page_size >> 10),
			 (unsigned long long)(unit >> 10));
		ret = -EINVAL;
		goto fail;
	}
	/* A hole: no host memory until a page is written or preallocated. */
	if (ftruncate(fd, (off_t)size)) {
		ret = -errno;
		snprintf(err, errlen, "ftruncate to %llu bytes: %s",
			 (unsigned long long)size, strerror(-ret));
		goto fail;
	}
	/*
	 * The size is what QEMU maps as BAR2: a shrink would fault both
	 * mappings. Punching holes (returning memory) stays allowed. A
	 * file on hugetlbfs has no seals; nobody else can open it.
	 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) &&
	    !(b->kind == VMRPC_BACKING_HUGETLB && b->path)) {
		ret = -errno;
		snprintf(err, errlen, "sealing the memfd: %s", strerror(-ret));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return ret;
}
