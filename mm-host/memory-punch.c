// SPDX-License-Identifier: GPL-2.0-only
/*
 * Holes punched after the reply; see memory-punch.h. One worker thread
 * per backend, started by the first punch it is given: the queue holds
 * ranges in the order the guest gave them back, and the worker punches
 * the oldest with the backend's lock dropped, so plugs, the guard and
 * control commands go on meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "memory-hugetlb.h"
#include "memory-punch.h"

int memory_punch(struct zhostd_memory *m, uint64_t first, uint64_t count)
{
	if (fallocate(m->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      zhostd_memory_sb_offset(m, first),
		      (off_t)(count * m->area.subblock_size)))
		return -errno;
	return 0;
}

/*
 * Free @r now: on hugetlb a range that was plugged is filled first, so
 * that the punch drops every reservation in it too (memory-hugetlb.h).
 * A fill that fails is no reason to keep the pages: the punch follows
 * anyway, and *@fill_err says why for the caller to report under the lock.
 * Takes no lock.
 */
static int punch_range(struct zhostd_memory *m,
		       const struct zhostd_punch_range *r, int *fill_err)
{
	*fill_err = r->fill ? memory_hugetlb_fill(m, r->first, r->count) : 0;
	return memory_punch(m, r->first, r->count);
}

/* Slot @i of the queue, counted from its oldest range. */
static struct zhostd_punch_range *punch_at(struct zhostd_memory *m,
					   uint32_t i)
{
	return &m->punch.q[(m->punch.head + i) % ZHOSTD_PUNCH_QUEUE];
}

static void *punch_worker(void *arg)
{
	struct zhostd_memory *m = arg;
	struct zhostd_punch_range r;
	int ret, fill_err;
	uint64_t start;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		if (!m->punch.len) {
			if (m->punch.stop)
				break;
			pthread_cond_wait(&m->punch.cond, &m->lock);
			continue;
		}
		r = *punch_at(m, 0);
		m->punch.busy = true;
		pthread_mutex_unlock(&m->lock);
		start = zh_now_ns();
		ret = punch_range(m, &r, &fill_err);
		pthread_mutex_lock(&m->lock);
		m->free_ns += zh_now_ns() - start;
		if (fill_err)
			memory_hugetlb_fill_failed_locked(m, r.first, r.count,
							  fill_err);
		m->punch.busy = false;
		m->punch.done_seq = r.seq + 1;
		m->punch.head = (m->punch.head + 1) % ZHOSTD_PUNCH_QUEUE;
		m->punch.len--;
		m->info.punch_queued -= r.count * m->area.subblock_size;
		if (ret) {
			/*
			 * A memfd punch fails only for good (a seal): the
			 * memory guard frees what is left on its next scan,
			 * and `check` shows it until then.
			 */
			if (!m->info.punch_failed++)
				zlog_err("cannot free subblocks %llu+%llu the guest gave back: %s (the memory guard will try again)",
					 (unsigned long long)r.first,
					 (unsigned long long)r.count,
					 strerror(-ret));
			m->info.punch_error = -ret;
		}
		pthread_cond_broadcast(&m->punch.cond);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int memory_punch_later_locked(struct zhostd_memory *m, uint64_t first,
			      uint64_t count)
{
	const uint64_t end = first + count;
	struct zhostd_punch_range r;
	bool queued = false;
	int ret, fill_err;

	/*
	 * hugetlb: one range per run of subblocks in the same state, each
	 * read from the map just before it is queued (a wait for room drops
	 * the lock): only the plugged runs are filled. A guest repeating an
	 * unplug of subblocks given back long ago, or naming subblocks it
	 * never plugged, gets a plain punch, never a fill of holes.
	 */
	while (first < end) {
		while (m->punch.len == ZHOSTD_PUNCH_QUEUE)
			pthread_cond_wait(&m->punch.cond, &m->lock);
		r = (struct zhostd_punch_range){
			.first = first,
			.count = 1,
			.fill = m->hugetlb && m->map[first],
		};
		while (first + r.count < end &&
		       (!m->hugetlb || m->map[first + r.count] == m->map[first]))
			r.count++;
		first += r.count;
		if (!m->punch.started) {
			if (pthread_create(&m->punch.thread, NULL, punch_worker,
					   m)) {
				/* No worker: punch now, the lock held. */
				ret = punch_range(m, &r, &fill_err);
				if (fill_err)
					memory_hugetlb_fill_failed_locked(m, r.first,
									  r.count,
									  fill_err);
				if (ret)
					return ret;
				continue;
			}
			m->punch.started = true;
		}
		r.seq = m->punch.next_seq++;
		*punch_at(m, m->punch.len) = r;
		m->punch.len++;
		m->info.punch_queued += r.count * m->area.subblock_size;
		queued = true;
		pthread_cond_broadcast(&m->punch.cond);
	}
	/* One unplug, however many runs. */
	m->info.punch_later += queued;
	return 0;
}

/*
 * The queue's place (seq + 1) of the newest queued range that overlaps
 * [first, first + count); 0 when none does.
 */
static uint64_t punch_newest_overlap(struct zhostd_memory *m, uint64_t first,
				     uint64_t count)
{
	const struct zhostd_punch_range *r;
	uint64_t until = 0;

	for (uint32_t i = 0; i < m->punch.len; i++) {
		r = punch_at(m, i);
		if (r->first < first + count && first < r->first + r->count)
			until = r->seq + 1;
	}
	return until;
}

bool memory_punch_queued_locked(struct zhostd_memory *m, uint64_t sb)
{
	return punch_newest_overlap(m, sb, 1) != 0;
}

void memory_punch_wait_locked(struct zhostd_memory *m, uint64_t first,
			      uint64_t count)
{
	/*
	 * Nothing queued after this look counts: a guest unplugging without
	 * pause must not keep a control command, the guard or a plug
	 * waiting for ever.
	 */
	const uint64_t until = punch_newest_overlap(m, first, count);

	while (m->punch.done_seq < until)
		pthread_cond_wait(&m->punch.cond, &m->lock);
}

void memory_punch_init(struct zhostd_memory *m)
{
	memset(&m->punch, 0, sizeof(m->punch));
	pthread_cond_init(&m->punch.cond, NULL);
}

void memory_punch_destroy(struct zhostd_memory *m)
{
	pthread_mutex_lock(&m->lock);
	m->punch.stop = true;
	pthread_cond_broadcast(&m->punch.cond);
	pthread_mutex_unlock(&m->lock);
	if (m->punch.started)
		pthread_join(m->punch.thread, NULL);
	m->punch.started = false;
	pthread_cond_destroy(&m->punch.cond);
}
