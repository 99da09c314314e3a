// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reserving and filling hugetlb subblocks; see memory-hugetlb.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "memory-hugetlb.h"

int memory_hugetlb_reserve(const struct zhostd_memory *m, uint64_t first,
			   uint64_t count)
{
	const size_t len = count * m->area.subblock_size;
	void *p;

	/*
	 * The reservation is made by mmap() itself, for the whole range or
	 * not at all; nothing is touched, so nothing is allocated.
	 * PROT_READ | PROT_WRITE as QEMU maps it: the flags that were
	 * measured.
	 */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd,
		 zhostd_memory_sb_offset(m, first));
	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

int memory_hugetlb_fill(const struct zhostd_memory *m, uint64_t first,
			uint64_t count)
{
	if (fallocate(m->memfd, FALLOC_FL_KEEP_SIZE,
		      zhostd_memory_sb_offset(m, first),
		      (off_t)(count * m->area.subblock_size)))
		return -errno;
	return 0;
}

void memory_hugetlb_fill_failed_locked(struct zhostd_memory *m,
				       uint64_t first, uint64_t count, int err)
{
	if (!m->fill_failed++)
		zlog_err("cannot allocate subblocks %llu+%llu before freeing them: %s (huge pages reserved and never touched there stay reserved)",
			 (unsigned long long)first, (unsigned long long)count,
			 strerror(-err));
}

void memory_hugetlb_fill_plugged_locked(struct zhostd_memory *m)
{
	uint64_t i, j;
	int ret;

	for (i = 0; i < m->nr_sb; i = j) {
		for (j = i + 1; j < m->nr_sb && m->map[j] == m->map[i]; j++)
			;
		if (!m->map[i])
			continue;
		ret = memory_hugetlb_fill(m, i, j - i);
		if (ret)
			memory_hugetlb_fill_failed_locked(m, i, j - i, ret);
	}
}
