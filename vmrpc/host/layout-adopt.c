// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR2 taken over from a host that died (zhostd --recover); see
 * vmrpc_layout_adopt() in layout.h. Nothing is written: a memfd whose
 * size or superblock is not what this host would have built is refused.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "backing.h"
#include "layout.h"

/* One host-written superblock field against what we expect; 0 or -EPROTO. */
static int adopt_field(const char *name, uint64_t got, uint64_t want,
		       char *err, size_t errlen)
{
	if (got == want)
		return 0;
	snprintf(err, errlen, "superblock %s is %#llx, expected %#llx", name,
		 (unsigned long long)got, (unsigned long long)want);
	return -EPROTO;
}

/* The superblock's host fields, read once each, against @l's geometry. */
static int adopt_check_superblock(const struct vmrpc_layout *l, char *err,
				  size_t errlen)
{
	const volatile struct vmrpc_superblock *sb = l->bar;
	uint64_t doff, dsize, features;
	uint32_t sbs;
	int ret = 0;

	vmrpc_layout_data_area(l, &doff, &dsize, &sbs);
#define CHECK(f, conv, want) \
	do { if (!ret) ret = adopt_field(#f, conv(sb->f), (want), err, errlen); } while (0)
	CHECK(magic, le64toh, VMRPC_MAGIC);
	CHECK(abi_version, le32toh, VMRPC_ABI_VERSION);
	CHECK(sb_size, le32toh, VMRPC_SUPERBLOCK_SIZE);
	CHECK(host_peer, le32toh, 0);
	CHECK(bar_size, le64toh, l->bar_size);
	CHECK(ctrl_size, le64toh, l->ctrl_size);
	CHECK(data_offset, le64toh, doff);
	CHECK(data_size, le64toh, dsize);
	CHECK(subblock_size, le32toh, sbs);
	CHECK(slot_size, le32toh, l->slot_size);
	CHECK(g2h_offset, le64toh, l->g2h_offset);
	CHECK(h2g_offset, le64toh, l->h2g_offset);
	CHECK(g2h_slots, le16toh, l->nr_slots);
	CHECK(h2g_slots, le16toh, l->nr_slots);
	CHECK(host_state, le32toh, VMRPC_HOST_READY);
#undef CHECK
	/* A host from before the echo vector offered reverse calls only. */
	features = le64toh(sb->host_features);
	if (!ret && (features | VMRPC_F_ECHO) != VMRPC_HOST_FEATURES)
		ret = adopt_field("host_features", features,
				  VMRPC_HOST_FEATURES, err, errlen);
	return ret;
}

int vmrpc_layout_adopt(struct vmrpc_layout *l, int memfd, uint64_t bar_size,
		       uint32_t nr_slots, uint32_t slot_size,
		       const struct vmrpc_backing *backing, char *err,
		       size_t errlen)
{
	struct statfs sfs;
	struct stat st;
	long page;
	int ret;

	snprintf(err, errlen, "bad geometry");
	ret = vmrpc_layout_init(l, bar_size, nr_slots, slot_size);
	if (ret)
		return ret;
	if (fstat(memfd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		return ret;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != bar_size) {
		snprintf(err, errlen, "the memfd has %lld bytes, expected %llu (--bar-size must be the one the VM started with)",
			 (long long)st.st_size, (unsigned long long)bar_size);
		return -EPROTO;
	}
	/* The backing the options name: the page size of the file itself. */
	page = sysconf(_SC_PAGESIZE);
	l->backing = backing->kind;
	l->page_size = page > 0 ? (uint64_t)page : 4096;
	if (l->backing == VMRPC_BACKING_HUGETLB) {
		if (fstatfs(memfd, &sfs) || sfs.f_bsize <= 0) {
			snprintf(err, errlen, "fstatfs: %s", strerror(errno));
			return -EPROTO;
		}
		l->page_size = (uint64_t)sfs.f_bsize;
	}
	l->bar = mmap(NULL, bar_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | vmrpc_backing_map_flags(l->backing), memfd, 0);
	if (l->bar == MAP_FAILED) {
		ret = -errno;
		l->bar = NULL;
		snprintf(err, errlen, "cannot map the memfd: %s",
			 strerror(-ret));
		return ret;
	}
	if (l->backing == VMRPC_BACKING_THP)
		madvise(l->bar, bar_size, MADV_HUGEPAGE);
	ret = adopt_check_superblock(l, err, errlen);
	if (ret) {
		munmap(l->bar, bar_size);
		l->bar = NULL;
		return ret;
	}
	l->memfd = memfd;
	return 0;
}
