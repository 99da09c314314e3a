// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding and freeing host memory behind unplugged subblocks; see
 * memory-enforce.h. The scan only asks the memfd where its data is
 * (lseek SEEK_DATA/SEEK_HOLE): zhostd must not fault data-area pages into
 * its own page tables (host paging acts on QEMU's mapping alone), and a
 * read through a shared mapping of a hole would allocate the very memory
 * the scan looks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memory-enforce.h"
#include "memory-punch.h"

/*
 * Subblocks looked at per hold of the backend's lock, at most: the guest's
 * plugs and unplugs wait for the lock, and punching 128 MiB that a guest
 * filled takes a few milliseconds.
 */
#define ENFORCE_CHUNK		64

/* System calls one extent costs: SEEK_DATA, SEEK_HOLE, the punch. */
#define ENFORCE_EXTENT_CALLS	3

/**
 * struct enforce_scan - one scan in progress
 * @fd: the memfd
 * @budget: system calls allowed
 * @calls: system calls made
 * @v: the result
 * @m: the backend, to count subblocks; NULL while in the spare range
 * @last_counted: the subblock counted last in @v->subblocks
 * @stopped: the budget ran out
 * @stop_at: where: the next scan resumes there
 * @hugetlb: the memfd is hugetlb (no SEEK_DATA)
 */
struct enforce_scan {
	int fd;
	uint64_t budget;
	uint64_t calls;
	struct zhostd_memory_violation *v;
	const struct zhostd_memory *m;
	uint64_t last_counted;
	bool stopped;
	off_t stop_at;
	bool hugetlb;
};

void zhostd_memory_set_spare(struct zhostd_memory *m, uint64_t offset,
			     uint64_t size)
{
	pthread_mutex_lock(&m->lock);
	m->spare_offset = offset;
	m->spare_size = size;
	pthread_mutex_unlock(&m->lock);
}

/* Count the subblocks of the data-area extent [@data, @hole) in @s->v. */
static void enforce_count(struct enforce_scan *s, off_t data, off_t hole)
{
	const uint64_t sb = s->m->area.subblock_size;
	uint64_t first = ((uint64_t)data - s->m->area.offset) / sb;
	uint64_t last = ((uint64_t)hole - 1 - s->m->area.offset) / sb;
	struct zhostd_memory_violation *v = s->v;

	/* Extents come in order: only the previous one can share a subblock. */
	if (v->subblocks && first == s->last_counted)
		first++;
	if (first > last)
		return;
	if (!v->subblocks || first < v->first)
		v->first = first;
	if (!v->subblocks || last > v->last)
		v->last = last;
	v->subblocks += last - first + 1;
	s->last_counted = last;
}

/* The memfd's allocated bytes, from its size in blocks. */
static int enforce_blocks(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*bytes = (uint64_t)st.st_blocks * 512;
	return 0;
}

/*
 * hugetlb has no SEEK_DATA (every byte reads as data): punch all of
 * [@start, @end), which costs little where nothing is allocated, and
 * count what the file's blocks went down by. Which subblocks held it is
 * not known: first and last span the range, and the subblocks are the
 * bytes freed in subblocks (each was a whole huge page).
 *
 * No fill before this punch (memory-hugetlb.h), unlike an unplug's: the
 * range is unplugged subblocks only. Those the guest gave back were
 * filled and punched then and hold no reservation of ours; those never
 * plugged hold QEMU's (its mapping reserves every hole of BAR2), which a
 * fill would turn into pages: the rest of BAR2 allocated and zeroed at
 * every scan. Pages a guest took without a plug are freed, reservations
 * are left alone.
 */
static int enforce_range_hugetlb(struct enforce_scan *s, off_t start,
				 off_t end, uint64_t *bytes)
{
	struct zhostd_memory_violation *v = s->v;
	uint64_t before, after, sb, first, last;
	int ret;

	if (s->calls + ENFORCE_EXTENT_CALLS > s->budget) {
		s->stopped = true;
		s->stop_at = start;
		return 0;
	}
	s->calls += ENFORCE_EXTENT_CALLS;
	ret = enforce_blocks(s->fd, &before);
	if (ret)
		return ret;
	if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      start, end - start))
		return -errno;
	ret = enforce_blocks(s->fd, &after);
	if (ret || after >= before)
		return ret;
	*bytes += before - after;
	v->extents++;
	if (!s->m)
		return 0;
	sb = s->m->area.subblock_size;
	first = ((uint64_t)start - s->m->area.offset) / sb;
	last = ((uint64_t)end - 1 - s->m->area.offset) / sb;
	if (!v->subblocks || first < v->first)
		v->first = first;
	if (!v->subblocks || last > v->last)
		v->last = last;
	v->subblocks += (before - after + sb - 1) / sb;
	return 0;
}

/*
 * Punch every allocated extent of [@start, @end), adding its bytes to
 * *@bytes. Stops early, with @s->stopped set, when the budget runs out.
 * For the data area the caller holds the backend's lock and the range is
 * unplugged subblocks only.
 */
static int enforce_range(struct enforce_scan *s, off_t start, off_t end,
			 uint64_t *bytes)
{
	off_t pos = start, data, hole;

	if (s->hugetlb)
		return enforce_range_hugetlb(s, start, end, bytes);
	while (pos < end) {
		if (s->calls + ENFORCE_EXTENT_CALLS > s->budget) {
			s->stopped = true;
			s->stop_at = pos;
			return 0;
		}
		s->calls++;
		data = lseek(s->fd, pos, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;	/* no data up to EOF */
		if (data >= end)
			return 0;
		s->calls += 2;
		hole = lseek(s->fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > end)
			hole = end;
		if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      data, hole - data))
			return -errno;
		*bytes += (uint64_t)(hole - data);
		s->v->extents++;
		if (s->m)
			enforce_count(s, data, hole);
		pos = hole;
	}
	return 0;
}

/* Not to be scanned: plugged, or given back with its punch still queued. */
static bool enforce_skip(struct zhostd_memory *m, uint64_t i)
{
	return m->map[i] || memory_punch_queued_locked(m, i);
}

int zhostd_memory_enforce(struct zhostd_memory *m, uint64_t budget,
			  struct zhostd_memory_violation *v)
{
	struct enforce_scan s = { .fd = m->memfd, .budget = budget, .v = v };
	uint64_t i, j, cap, left;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	s.hugetlb = m->hugetlb;
	/* Nobody uses the spare range: no lock, and every byte there is bad. */
	if (m->spare_size)
		ret = enforce_range(&s, (off_t)m->spare_offset,
				    (off_t)(m->spare_offset + m->spare_size),
				    &v->spare_bytes);

	s.m = m;
	pthread_mutex_lock(&m->lock);
	i = m->enforce_next < m->nr_sb ? m->enforce_next : 0;
	for (left = s.stopped ? 0 : m->nr_sb; left && !ret;) {
		/* One run of subblocks in the same state, within the chunk. */
		cap = m->nr_sb - i;
		if (cap > left)
			cap = left;
		if (cap > ENFORCE_CHUNK)
			cap = ENFORCE_CHUNK;
		/*
		 * Given back but not freed yet is no violation: wait for what
		 * is queued now, and pass over what a guest queued meanwhile.
		 */
		memory_punch_wait_locked(m, i, cap);
		for (j = i + 1; j < i + cap &&
		     enforce_skip(m, j) == enforce_skip(m, i); j++)
			;
		if (!enforce_skip(m, i)) {
			ret = enforce_range(&s, zhostd_memory_sb_offset(m, i),
					    zhostd_memory_sb_offset(m, j),
					    &v->bytes);
			if (s.stopped) {
				/* Resume in the subblock where the budget ran out. */
				i = ((uint64_t)s.stop_at - m->area.offset) /
				    m->area.subblock_size;
				break;
			}
		}
		left -= j - i;
		i = j == m->nr_sb ? 0 : j;
		/* Plugs and unplugs waiting for the lock get their chance. */
		pthread_mutex_unlock(&m->lock);
		pthread_mutex_lock(&m->lock);
	}
	m->enforce_next = i;
	v->complete = !s.stopped && !ret;
	m->info.enforce_scans++;
	if (v->extents)
		m->info.violations++;
	m->info.reclaimed += v->bytes + v->spare_bytes;
	pthread_mutex_unlock(&m->lock);
	return ret;
}
