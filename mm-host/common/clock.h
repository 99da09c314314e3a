/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one clock the host tools measure durations and deadlines with:
 * CLOCK_MONOTONIC, which no clock setting moves.
 */
#ifndef ZH_CLOCK_H
#define ZH_CLOCK_H

#include <stdint.h>
#include <time.h>

/**
 * zh_now_ns() - CLOCK_MONOTONIC in nanoseconds
 *
 * Return: nanoseconds since an arbitrary start (the host's boot).
 */
static inline uint64_t zh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* The same clock in milliseconds. */
static inline uint64_t zh_now_ms(void)
{
	return zh_now_ns() / 1000000;
}

/* The same clock in seconds, for deadlines kept as a double. */
static inline double zh_now_s(void)
{
	return zh_now_ns() / 1e9;
}

#endif /* ZH_CLOCK_H */
