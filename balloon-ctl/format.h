/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl: numbers for humans (sizes, durations) and JSON for scripts.
 * Sizes typed by users are parsed by size_parse() (size.h), the grammar
 * all host tools share.
 */
#ifndef BALLOON_CTL_FORMAT_H
#define BALLOON_CTL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Room for any string bctl_fmt_size() or bctl_fmt_duration() produce. */
#define BCTL_FMT_LEN	32

/**
 * bctl_fmt_size() - a byte count in binary units: "1.0 GiB", "512 B"
 * @bytes: the size
 * @buf: at least BCTL_FMT_LEN bytes
 *
 * Under 1 KiB the exact count; above, one decimal in the largest unit that
 * keeps the number under 1024 (so 1048575 bytes is "1.0 MiB", not
 * "1024.0 KiB").
 *
 * Return: @buf.
 */
char *bctl_fmt_size(uint64_t bytes, char *buf);

/**
 * bctl_fmt_duration() - a duration for humans: "0.412 ms", "2.500 s"
 * @ns: the duration in nanoseconds
 * @buf: at least BCTL_FMT_LEN bytes
 *
 * Under a microsecond in nanoseconds, under a second in milliseconds with
 * three decimals (as ping(8) prints round trips), else in seconds.
 *
 * Return: @buf.
 */
char *bctl_fmt_duration(uint64_t ns, char *buf);

/**
 * bctl_json_u64() - a byte count or counter of a reply
 * @obj: a JSON object (or anything: then 0)
 * @key: the member
 *
 * Return: the member's value, or 0 when it is missing, not an integer or
 * negative.
 */
uint64_t bctl_json_u64(const json_t *obj, const char *key);

/**
 * bctl_print_json() - print a JSON value for scripts
 * @v: the value
 *
 * Indented by two spaces with sorted keys, so the output is stable and
 * diffable, followed by a newline, on stdout.
 *
 * Return: 0 on success, -1 if it could not be written.
 */
int bctl_print_json(const json_t *v);

#endif /* BALLOON_CTL_FORMAT_H */
