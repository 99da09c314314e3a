// SPDX-License-Identifier: GPL-2.0-only
/*
 * A periodic thread; see ticker.h.
 */
#include <errno.h>
#include <time.h>

#include "ticker.h"

void zhostd_ticker_init(struct zhostd_ticker *t, unsigned int interval_ms,
			void (*fn)(void *arg), void *arg)
{
	pthread_condattr_t ca;

	*t = (struct zhostd_ticker){
		.interval_ms = interval_ms, .fn = fn, .arg = arg,
	};
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
}

static void *ticker_thread(void *arg)
{
	struct zhostd_ticker *t = arg;
	struct timespec at;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += t->interval_ms / 1000;
		at.tv_nsec += (long)(t->interval_ms % 1000) * 1000000;
		if (at.tv_nsec >= 1000000000) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000;
		}
		while (!t->stop &&
		       pthread_cond_timedwait(&t->wake, &t->lock, &at) != ETIMEDOUT)
			;
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->lock);
		t->fn(t->arg);
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int zhostd_ticker_start(struct zhostd_ticker *t)
{
	int ret;

	if (!t->interval_ms)
		return 0;
	t->stop = false;
	ret = pthread_create(&t->thread, NULL, ticker_thread, t);
	if (ret)
		return -ret;
	t->running = true;
	return 0;
}

void zhostd_ticker_stop(struct zhostd_ticker *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->running = false;
}

void zhostd_ticker_destroy(struct zhostd_ticker *t)
{
	zhostd_ticker_stop(t);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
}
