/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-guest-calls' arithmetic, for its unit test.
 */
#ifndef ZHOSTD_CMD_BENCH_H
#define ZHOSTD_CMD_BENCH_H

#include <stdint.h>

/**
 * zhostd_bench_per_s() - a rate: @units in @ns nanoseconds, per second
 * @units: calls or bytes; up to 2 MiB x BENCH_MAX_CALLS and beyond
 * @ns: elapsed time; 0 or less counts as 1
 *
 * Return: the rate, INT64_MAX when it does not fit a JSON integer.
 */
uint64_t zhostd_bench_per_s(uint64_t units, int64_t ns);

#endif /* ZHOSTD_CMD_BENCH_H */
