/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the zone_host guest test programs read from procfs and sysfs: a
 * number in a file, a /proc/vmstat counter, a value on the kernel command
 * line.
 */
#ifndef ZONE_HOST_UTIL_H
#define ZONE_HOST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number a file starts with (decimal, or hex with 0x), -1 if none. */
static inline long long read_ll(const char *path)
{
	char buf[64];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtoll(buf, NULL, 0);
	fclose(f);
	return v;
}

/* A /proc/vmstat counter, -1 if missing. */
static inline long long vmstat(const char *key)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char name[64];
	long long v, r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key)) {
			r = v;
			break;
		}
	fclose(f);
	return r;
}

/* The number after @key ("zonehost.wait=") on the kernel command line. */
static inline long long cmdline_value(const char *key, long long def)
{
	char buf[1024] = "", *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	p = strstr(buf, key);
	return p ? atoll(p + strlen(key)) : def;
}

#endif /* ZONE_HOST_UTIL_H */
