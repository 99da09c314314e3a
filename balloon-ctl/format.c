// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: sizes and durations for humans, JSON for scripts.
 */
#include <stdio.h>

#include "balloon-ctl.h"
#include "format.h"

char *bctl_fmt_size(uint64_t bytes, char *buf)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = (double)bytes / 1024;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, BCTL_FMT_LEN, "%u B", (unsigned int)bytes);
		return buf;
	}
	/* 1023.95 and above would print as "1024.0": use the next unit. */
	while (v >= 1023.95 && u + 1 < BCTL_ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, BCTL_FMT_LEN, "%.1f %s", v, units[u]);
	return buf;
}

char *bctl_fmt_duration(uint64_t ns, char *buf)
{
	if (ns < 1000)
		snprintf(buf, BCTL_FMT_LEN, "%u ns", (unsigned int)ns);
	else if (ns < 1000000)
		snprintf(buf, BCTL_FMT_LEN, "%.3f ms", (double)ns / 1e6);
	else if (ns < 10000000)
		snprintf(buf, BCTL_FMT_LEN, "%.1f ms", (double)ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, BCTL_FMT_LEN, "%.0f ms", (double)ns / 1e6);
	else
		snprintf(buf, BCTL_FMT_LEN, "%.3f s", (double)ns / 1e9);
	return buf;
}

int bctl_print_json(const json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS |
		       JSON_ENCODE_ANY) < 0)
		return -1;
	return fputc('\n', stdout) == EOF ? -1 : 0;
}

uint64_t bctl_json_u64(const json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}
