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

#include "log.h"
#include "memory-punch.h"

int memory_punch(struct zhostd_memory *m, uint64_t first, uint64_t count)
{
	const uint64_t sb = m->area.subblock_size;

	if (fallocate(m->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(m->area.offset + first * sb), (off_t)(count * sb)))
		return -errno;
	return 0;
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
	int ret;

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
		ret = memory_punch(m, r.first, r.count);
		pthread_mutex_lock(&m->lock);
		m->punch.busy = false;
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
	while (m->punch.len == ZHOSTD_PUNCH_QUEUE)
		pthread_cond_wait(&m->punch.cond, &m->lock);
	if (!m->punch.started) {
		if (pthread_create(&m->punch.thread, NULL, punch_worker, m))
			return memory_punch(m, first, count);
		m->punch.started = true;
	}
	*punch_at(m, m->punch.len) = (struct zhostd_punch_range){
		.first = first,
		.count = count,
	};
	m->punch.len++;
	m->info.punch_queued += count * m->area.subblock_size;
	m->info.punch_later++;
	pthread_cond_broadcast(&m->punch.cond);
	return 0;
}

/* Does a queued range overlap [first, first + count)? */
static bool punch_pending(struct zhostd_memory *m, uint64_t first,
			  uint64_t count)
{
	const struct zhostd_punch_range *r;

	for (uint32_t i = 0; i < m->punch.len; i++) {
		r = punch_at(m, i);
		if (r->first < first + count && first < r->first + r->count)
			return true;
	}
	return false;
}

void memory_punch_wait_locked(struct zhostd_memory *m, uint64_t first,
			      uint64_t count)
{
	while (punch_pending(m, first, count))
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
