/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A thread that calls a function every interval until it is stopped: the
 * working-set poller and the memory guard each run one. Intervals are
 * measured on CLOCK_MONOTONIC (immune to the wall clock being set), from
 * the end of one call to the start of the next; a stop wakes the thread
 * at once, and a call in progress ends first.
 */
#ifndef ZHOSTD_TICKER_H
#define ZHOSTD_TICKER_H

#include <pthread.h>
#include <stdbool.h>

/**
 * struct zhostd_ticker - one periodic thread
 * @interval_ms: time between calls; 0: no thread
 * @fn: the function, called without @lock held
 * @arg: its argument
 * @thread: the thread
 * @running: @thread was started; written by start and stop only
 * @lock: protects @stop
 * @wake: signalled when @stop is set
 * @stop: the thread must return
 */
struct zhostd_ticker {
	unsigned int interval_ms;
	void (*fn)(void *arg);
	void *arg;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

/* Set @t up, not started. */
void zhostd_ticker_init(struct zhostd_ticker *t, unsigned int interval_ms,
			void (*fn)(void *arg), void *arg);

/* Start the thread unless the interval is 0. Return: 0 or -errno. */
int zhostd_ticker_start(struct zhostd_ticker *t);

/* Stop the thread and wait for it; nothing when it is not running. */
void zhostd_ticker_stop(struct zhostd_ticker *t);

/* Free what init set up; stops the thread first. */
void zhostd_ticker_destroy(struct zhostd_ticker *t);

#endif /* ZHOSTD_TICKER_H */
