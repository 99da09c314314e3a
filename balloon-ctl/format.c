// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: sizes and durations for humans, JSON for scripts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

int bctl_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	/* strtoull() would accept " 12", "+12" and "-12" (as a huge number). */
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
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
