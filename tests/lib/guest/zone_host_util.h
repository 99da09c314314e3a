/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guest test programs and workloads read from procfs and sysfs: a
 * number in a file, a /proc/vmstat or /proc/meminfo value, a value on the
 * kernel command line.
 */
#ifndef ZONE_HOST_UTIL_H
#define ZONE_HOST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Write @val to a sysfs or procfs file; 0, or -1 on any error. */
static inline int write_str(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(val, f) >= 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
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

/* A /proc/meminfo value in kB ("MemTotal"), -1 if missing. */
static inline long long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	size_t klen = strlen(key);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = atoll(line + klen + 1);
			break;
		}
	fclose(f);
	return v;
}

/*
 * Wait until the provider plugged what the host requested, looking every
 * 100 ms at most @tenths times. 0 when it did, -1 if it never came.
 */
static inline int wait_plugged(int tenths)
{
	for (int i = 0; i < tenths; i++) {
		if (read_ll("/sys/kernel/mm/zone_host/plugged_bytes") ==
		    read_ll("/sys/kernel/mm/zone_host/requested_bytes"))
			return 0;
		usleep(100000);
	}
	return -1;
}

/*
 * Wait until the number in @path reads @want, looking every 100 ms at most
 * @tenths times. Returns the last value read.
 */
static inline long long wait_ll(const char *path, long long want, int tenths)
{
	long long v = -1;

	for (int i = 0; i < tenths; i++) {
		v = read_ll(path);
		if (v == want)
			break;
		usleep(100000);
	}
	return v;
}

/* The kernel command line can be this long (COMMAND_LINE_SIZE on x86). */
#define ZH_CMDLINE_MAX		2048

/*
 * The kernel command line, without its newline, in @buf; "" and -1 when
 * it cannot be read.
 */
static inline int read_cmdline(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cmdline", "r");
	int ret = -1;

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			ret = 0;
		else
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/* The number after @key ("zonehost.wait=") on the kernel command line. */
static inline long long cmdline_value(const char *key, long long def)
{
	char buf[ZH_CMDLINE_MAX], *p;

	read_cmdline(buf, sizeof(buf));
	p = strstr(buf, key);
	return p ? atoll(p + strlen(key)) : def;
}

/*
 * Set the working-set estimator's window and stride from
 * zonehost.wss_window= (ms) and zonehost.wss_stride= (pages) when given
 * (@window_ms and @stride are used when not, 0 keeping the kernel's), and
 * start it. Returns 0, or -1 if a setting was refused.
 */
static inline int wss_configure(long long window_ms, long long stride)
{
	const char *dir = "/sys/kernel/mm/zone_host/wss";
	char path[128], num[32];
	int ret = 0;

	window_ms = cmdline_value("zonehost.wss_window=", window_ms);
	stride = cmdline_value("zonehost.wss_stride=", stride);
	if (window_ms > 0) {
		snprintf(path, sizeof(path), "%s/window_ms", dir);
		snprintf(num, sizeof(num), "%lld", window_ms);
		ret |= write_str(path, num);
	}
	if (stride > 0) {
		snprintf(path, sizeof(path), "%s/stride", dir);
		snprintf(num, sizeof(num), "%lld", stride);
		ret |= write_str(path, num);
	}
	snprintf(path, sizeof(path), "%s/enabled", dir);
	return ret | write_str(path, "1");
}

/*
 * The word after @key on the kernel command line, copied to @buf (at most
 * @len - 1 characters); @def if the key is absent. Returns @buf.
 */
static inline char *cmdline_string(const char *key, const char *def,
				   char *buf, size_t len)
{
	char line[ZH_CMDLINE_MAX], *p;
	size_t n;

	read_cmdline(line, sizeof(line));
	p = strstr(line, key);
	if (p) {
		p += strlen(key);
		n = strcspn(p, " \n");
	} else {
		p = (char *)def;
		n = strlen(def);
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

#endif /* ZONE_HOST_UTIL_H */
