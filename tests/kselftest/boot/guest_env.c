// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_env: check that the booted guest kernel offers what zonehost builds
 * on: the -zonehost release, memory hotplug, zones (ZONE_HOST among them),
 * PCI, THP, swap, the memory cgroup, the baseline virtio drivers, 9p and
 * KUnit.
 *
 * Each check looks at the user-visible interface a feature creates, so a
 * kernel built from a config that lost an option fails here, by name.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest.h"

/* Read a whole (small) text file into buf; false if it cannot be read. */
static bool read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		ksft_print_msg("%s: %s\n", path, strerror(errno));
		return false;
	}
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

/* Whether a file's text contains needle. */
static bool file_contains(const char *path, const char *needle)
{
	static char buf[1 << 16];

	return read_text(path, buf, sizeof(buf)) && strstr(buf, needle);
}

static bool exists(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return true;
	ksft_print_msg("%s: %s\n", path, strerror(errno));
	return false;
}

/* Number of entries in a directory, not counting . and .. */
static int count_entries(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_release(void)
{
	struct utsname u;
	size_t len;

	if (uname(&u)) {
		ksft_test_result_fail("kernel release: uname: %s\n", strerror(errno));
		return;
	}
	len = strlen(u.release);
	ksft_print_msg("kernel release %s\n", u.release);
	ksft_test_result(len > 9 && !strcmp(u.release + len - 9, "-zonehost") &&
			 !strncmp(u.release, "6.12.", 5),
			 "kernel release is 6.12.y-zonehost\n");
}

static void test_memory_blocks(void)
{
	char buf[64];
	unsigned long long bs = 0;
	int blocks;

	if (read_text("/sys/devices/system/memory/block_size_bytes", buf, sizeof(buf)))
		bs = strtoull(buf, NULL, 16);
	blocks = count_entries("/sys/devices/system/memory");
	ksft_print_msg("memory block size %llu MiB, %d sysfs entries\n", bs >> 20, blocks);
	ksft_test_result(bs >= (128ULL << 20) && blocks > 2,
			 "memory hotplug interface present\n");
}

/*
 * Zones the guest has: every zone of the node appears in /proc/zoneinfo,
 * populated or not. ZONE_MOVABLE (memory hotplug needs it) and ZONE_HOST
 * must exist, and the zones together must manage the guest's RAM.
 */
static void test_zones(void)
{
	static char buf[1 << 16];
	unsigned long managed, total = 0;
	bool movable = false, host = false;
	char name[32];
	const char *p;

	if (!read_text("/proc/zoneinfo", buf, sizeof(buf))) {
		ksft_test_result_fail("zones: /proc/zoneinfo unreadable\n");
		return;
	}
	for (p = strstr(buf, "zone "); p; p = strstr(p + 1, "\nNode ")) {
		const char *z = strstr(p, "zone ");
		const char *m;

		if (!z || sscanf(z, "zone %31s", name) != 1)
			break;
		m = strstr(z, "managed");
		managed = m ? strtoul(m + strlen("managed"), NULL, 10) : 0;
		ksft_print_msg("zone %-8s %lu managed pages\n", name, managed);
		total += managed;
		if (!strcmp(name, "Movable"))
			movable = true;
		if (!strcmp(name, "Host"))
			host = true;
	}
	ksft_test_result(movable && host && total > 0,
			 "zones listed, Movable and Host among them, RAM managed\n");
}

/* ZONE_HOST has its own vmstat event counters. */
static void test_vmstat_host(void)
{
	ksft_test_result(file_contains("/proc/vmstat", "\npgalloc_host ") &&
			 file_contains("/proc/vmstat", "\nallocstall_host "),
			 "vmstat counts ZONE_HOST events\n");
}

static void test_pci(void)
{
	ksft_test_result(count_entries("/sys/bus/pci/devices") > 0 &&
			 exists("/sys/bus/pci/drivers"),
			 "PCI bus enumerated\n");
}

static void test_thp(void)
{
	ksft_test_result(exists("/sys/kernel/mm/transparent_hugepage/enabled"),
			 "transparent huge pages available\n");
}

static void test_swap(void)
{
	ksft_test_result(exists("/proc/swaps"), "swap support present\n");
}

static void test_memcg(void)
{
	ksft_test_result(file_contains("/sys/fs/cgroup/cgroup.controllers", "memory"),
			 "memory cgroup controller available\n");
}

static void test_virtio_drivers(void)
{
	static const char * const drivers[] = {
		"virtio_balloon", "virtio_mem", "virtio_console", "9pnet_virtio",
	};
	char path[128];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(drivers); i++) {
		snprintf(path, sizeof(path), "/sys/bus/virtio/drivers/%s", drivers[i]);
		ok &= exists(path);
	}
	ksft_test_result(ok, "virtio balloon, mem, console and 9p drivers registered\n");
}

static void test_9p(void)
{
	ksft_test_result(file_contains("/proc/filesystems", "9p"),
			 "9p filesystem registered\n");
}

static void test_kunit(void)
{
	ksft_test_result(exists("/sys/kernel/debug/kunit"), "KUnit available\n");
}

static void test_zonehost_config(void)
{
	/* CONFIG_IKCONFIG_PROC exposes the config gzipped; the guest's
	 * busybox zcat reads it, which keeps this program free of zlib.
	 */
	FILE *p = popen("zcat /proc/config.gz", "r");
	char line[256];
	bool found = false;

	if (!p) {
		ksft_test_result_fail("CONFIG_ZONE_HOST=y: popen: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), p))
		if (!strcmp(line, "CONFIG_ZONE_HOST=y\n"))
			found = true;
	pclose(p);
	ksft_test_result(found, "kernel built with CONFIG_ZONE_HOST=y\n");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(12);
	test_release();
	test_memory_blocks();
	test_zones();
	test_vmstat_host();
	test_pci();
	test_thp();
	test_swap();
	test_memcg();
	test_virtio_drivers();
	test_9p();
	test_kunit();
	test_zonehost_config();
	ksft_finished();
}
