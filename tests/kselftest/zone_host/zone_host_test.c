// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_test: ZONE_HOST in a guest whose host granted it memory
 * (zhost-run -H SIZE).
 *
 * Waits until the provider has plugged what the host requested, then
 * checks that /proc/zoneinfo, /proc/meminfo, /proc/iomem and
 * /sys/kernel/mm/zone_host/ agree; that anonymous memory and tmpfs pages
 * land in ZONE_HOST and kernel allocations (a slab cache grown by creating
 * many files) do not; that the zone's blocks cannot be offlined or put in
 * another zone; that hibernation is refused; that when ZONE_HOST is full,
 * user memory falls back to the normal zones without an OOM kill; and
 * that, with a host that does not page for it, the guest pages ZONE_HOST
 * itself (paging/).
 *
 * At the end it prints "zone-host-guest: ready for host" and, when the
 * kernel command line has zonehost.wait=S, waits up to S seconds so the
 * host can look at it (balloon-ctl status) before powering it off.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define SYSFS		"/sys/kernel/mm/zone_host"
#define PAGE		4096ULL
#define MIB		(1ULL << 20)
#define TOUCH_MIB	64
#define TMPFS_DIR	"/tmp/zone_host_test"
#define NR_FILES	20000
#define PLUG_WAIT_S	120

/*
 * One zone of /proc/zoneinfo, in pages. @free counts the pages on the
 * per-CPU lists too: they are free, but "pages free" leaves them out, and
 * since Linux 6.7 those lists may grow to an eighth of the zone, which
 * would hide tens of MiB from a before/after comparison.
 */
struct zone_info {
	char name[16];
	long long free, min, present, managed;
};

#define MAX_ZONES	8

static int read_zones(struct zone_info *z)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256], name[16];
	int n = -1;
	long long v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %*d, zone %15s", name) == 1) {
			if (++n >= MAX_ZONES)
				break;
			memset(&z[n], 0, sizeof(z[n]));
			snprintf(z[n].name, sizeof(z[n].name), "%s", name);
		} else if (n < 0) {
			continue;
		} else if (sscanf(line, " pages free %lld", &v) == 1 ||
			   sscanf(line, " count: %lld", &v) == 1) {
			z[n].free += v;
		} else if (sscanf(line, " min %lld", &v) == 1) {
			z[n].min = v;
		} else if (sscanf(line, " present %lld", &v) == 1) {
			z[n].present = v;
		} else if (sscanf(line, " managed %lld", &v) == 1) {
			z[n].managed = v;
		}
	}
	fclose(f);
	return n + 1;
}

static struct zone_info *zone_by_name(struct zone_info *z, int n,
				      const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(z[i].name, name))
			return &z[i];
	return NULL;
}

/* Free pages of every zone but Host. */
static long long normal_free(struct zone_info *z, int n)
{
	long long sum = 0;

	for (int i = 0; i < n; i++)
		if (strcmp(z[i].name, "Host"))
			sum += z[i].free;
	return sum;
}

/*
 * How many MiB left the free lists between the zones @a and @b were read:
 * ZONE_HOST's into @host, the other zones' into @other.
 */
static void free_drop(struct zone_info *a, int na, struct zone_info *b, int nb,
		      long long *host, long long *other)
{
	*host = (zone_by_name(a, na, "Host")->free -
		 zone_by_name(b, nb, "Host")->free) * PAGE / MIB;
	*other = (normal_free(a, na) - normal_free(b, nb)) * PAGE / MIB;
}

static long long host_free(void)
{
	struct zone_info z[MAX_ZONES];
	int n = read_zones(z);
	struct zone_info *h = zone_by_name(z, n, "Host");

	return h ? h->free : -1;
}

static bool read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		if (write(fd, "3\n", 2) != 2)
			ksft_print_msg("drop_caches: %s\n", strerror(errno));
		close(fd);
	}
}

/* Wait until the provider reached the requested size. */
static void test_plugged(void)
{
	long long plugged = -1, requested = -1;
	char state[32] = "";
	int i;

	for (i = 0; i < PLUG_WAIT_S * 10; i++) {
		plugged = read_ll(SYSFS "/plugged_bytes");
		requested = read_ll(SYSFS "/requested_bytes");
		read_str(SYSFS "/state", state, sizeof(state));
		if (!strcmp(state, "idle") || !strcmp(state, "stuck"))
			break;
		usleep(100000);
	}
	ksft_print_msg("state %s, plugged %lld MiB of %lld MiB requested, after %.1f s\n",
		       state, plugged >> 20, requested >> 20, i / 10.0);
	ksft_test_result(!strcmp(state, "idle") && requested > 0 &&
			 plugged == requested,
			 "provider plugged the size the host requested\n");
}

/* zoneinfo, meminfo, iomem and sysfs tell the same story. */
static void test_views_agree(void)
{
	long long plugged = read_ll(SYSFS "/plugged_bytes");
	long long added = read_ll(SYSFS "/added_bytes");
	long long sb = read_ll(SYSFS "/subblock_size_bytes");
	long long blk = read_ll(SYSFS "/block_size_bytes");
	long long total_kb = meminfo_kb("MemTotal"), managed = 0, iomem = 0;
	struct zone_info z[MAX_ZONES], *h;
	char line[256];
	int n = read_zones(z);
	FILE *f;

	h = zone_by_name(z, n, "Host");
	if (!h) {
		ksft_test_result_fail("no Host zone in /proc/zoneinfo\n");
		return;
	}
	for (int i = 0; i < n; i++)
		managed += z[i].managed;
	ksft_print_msg("Host: present %lld managed %lld free %lld min %lld pages; sysfs plugged %lld added %lld\n",
		       h->present, h->managed, h->free, h->min, plugged, added);
	ksft_test_result(h->managed * PAGE == (unsigned long long)plugged,
			 "Host managed pages are the plugged bytes\n");
	ksft_test_result(h->present * PAGE == (unsigned long long)added,
			 "Host present pages are the added memory blocks\n");
	ksft_test_result(managed * 4 == total_kb,
			 "MemTotal (%lld kB) is the sum of managed pages, Host included\n",
			 total_kb);
	ksft_test_result(sb == 2 * MIB && blk > 0 && added % blk == 0 &&
			 plugged % sb == 0,
			 "block (%lld MiB) and subblock (%lld MiB) sizes are sane\n",
			 blk >> 20, sb >> 20);

	f = fopen("/proc/iomem", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		if (strstr(line, "System RAM (zonehost)") &&
		    sscanf(line, " %llx-%llx", &s, &e) == 2)
			iomem += e - s + 1;
	}
	if (f)
		fclose(f);
	ksft_test_result(iomem == added,
			 "/proc/iomem has %lld MiB of \"System RAM (zonehost)\"\n",
			 iomem >> 20);
	/* The ZONE_MOVABLE-style watermark cap and lowmem reserve. */
	ksft_test_result(h->min > 0 && h->min <= 128,
			 "Host min watermark is capped like ZONE_MOVABLE's (%lld pages)\n",
			 h->min);
}

/* The zone's memory blocks: in Host, and not to be offlined by hand. */
static void test_blocks_pinned_to_host(void)
{
	long long start = read_ll(SYSFS "/data_start");
	long long blk = read_ll(SYSFS "/block_size_bytes");
	char path[128], zones[64] = "", state[32] = "";
	int fd;
	bool refused;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/memory/memory%lld/valid_zones",
		 start / blk);
	read_str(path, zones, sizeof(zones));
	ksft_test_result(!strcmp(zones, "Host"),
			 "first data area block is in zone Host (valid_zones: %s)\n",
			 zones);
	snprintf(path, sizeof(path),
		 "/sys/devices/system/memory/memory%lld/state", start / blk);
	fd = open(path, O_WRONLY);
	refused = fd >= 0 && write(fd, "offline", 7) < 0;
	if (fd >= 0)
		close(fd);
	read_str(path, state, sizeof(state));
	ksft_test_result(refused && !strcmp(state, "online"),
			 "offlining a ZONE_HOST block by hand is refused (state %s)\n",
			 state);
}

/*
 * Hibernation would save frames the resumed kernel has not added, and
 * memory the host may have taken back: refused while the zone holds host
 * memory, with EBUSY to the writer.
 */
static void test_hibernation_refused(void)
{
	char states[64] = "";
	int fd, err = 0;

	read_str("/sys/power/state", states, sizeof(states));
	if (!strstr(states, "disk")) {
		ksft_test_result_skip("no hibernation in this kernel (/sys/power/state: %s)\n",
				      states);
		return;
	}
	fd = open("/sys/power/state", O_WRONLY);
	if (fd < 0)
		err = errno;
	else if (write(fd, "disk", 4) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	ksft_test_result(err == EBUSY,
			 "hibernation refused while host memory is plugged (%s)\n",
			 err ? strerror(err) : "it went ahead");
}

/* Touch @mib MiB of anonymous memory in a child; report zone free drops. */
static void test_anon(void)
{
	struct zone_info a[MAX_ZONES], b[MAX_ZONES];
	long long host_drop, normal_drop;
	int na, nb;
	char *p;

	drop_caches();
	na = read_zones(a);
	p = mmap(NULL, TOUCH_MIB * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		ksft_test_result_fail("mmap: %s\n", strerror(errno));
		return;
	}
	memset(p, 0x5a, TOUCH_MIB * MIB);
	nb = read_zones(b);
	free_drop(a, na, b, nb, &host_drop, &normal_drop);
	ksft_print_msg("anon %d MiB: Host free -%lld MiB, other zones -%lld MiB\n",
		       TOUCH_MIB, host_drop, normal_drop);
	ksft_test_result(host_drop >= TOUCH_MIB - 4 && host_drop <= TOUCH_MIB + 16 &&
			 normal_drop < 8,
			 "64 MiB of anonymous memory came from ZONE_HOST\n");
	munmap(p, TOUCH_MIB * MIB);
}

static void test_tmpfs(void)
{
	struct zone_info a[MAX_ZONES], b[MAX_ZONES];
	long long host_drop, normal_drop;
	static char buf[1 << 20];
	int na, nb, fd, i;
	bool ok = true;

	mkdir(TMPFS_DIR, 0700);
	if (mount("tmpfs", TMPFS_DIR, "tmpfs", 0, "size=256m")) {
		ksft_test_result_fail("mount tmpfs: %s\n", strerror(errno));
		return;
	}
	memset(buf, 0xa5, sizeof(buf));
	na = read_zones(a);
	fd = open(TMPFS_DIR "/file", O_CREAT | O_RDWR, 0600);
	for (i = 0; fd >= 0 && i < TOUCH_MIB; i++)
		ok &= write(fd, buf, sizeof(buf)) == sizeof(buf);
	/* And read it all back: the pages stay in the page cache. */
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0)
		for (i = 0; i < TOUCH_MIB; i++)
			ok &= read(fd, buf, sizeof(buf)) == sizeof(buf);
	nb = read_zones(b);
	free_drop(a, na, b, nb, &host_drop, &normal_drop);
	ksft_print_msg("tmpfs %d MiB: Host free -%lld MiB, other zones -%lld MiB\n",
		       TOUCH_MIB, host_drop, normal_drop);
	ksft_test_result(fd >= 0 && ok && host_drop >= TOUCH_MIB - 4 &&
			 host_drop <= TOUCH_MIB + 16 && normal_drop < 8,
			 "64 MiB of tmpfs page cache came from ZONE_HOST\n");
	if (fd >= 0)
		close(fd);
	unlink(TMPFS_DIR "/file");
}

/* Inodes and dentries are kernel memory: they must stay out of Host. */
static void test_kernel_allocations(void)
{
	long long slab0 = meminfo_kb("Slab"), slab1, h0, h1;
	char path[64];
	int i, fd;

	h0 = host_free();
	for (i = 0; i < NR_FILES; i++) {
		snprintf(path, sizeof(path), TMPFS_DIR "/f%d", i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			break;
		close(fd);
	}
	slab1 = meminfo_kb("Slab");
	h1 = host_free();
	ksft_print_msg("%d files: Slab +%lld kB, Host free %+lld kB\n", i,
		       slab1 - slab0, (h1 - h0) * 4);
	ksft_test_result(i == NR_FILES && slab1 - slab0 > 2048 &&
			 h0 - h1 < 512,
			 "a slab cache grown by %d files took no ZONE_HOST pages\n",
			 NR_FILES);
	umount(TMPFS_DIR);
	rmdir(TMPFS_DIR);
}

/*
 * Ask for all of ZONE_HOST's free memory and 64 MiB more in a child: the
 * rest must come from the normal zones, and nothing may be OOM-killed.
 */
static void test_fallback(void)
{
	long long oom0 = vmstat("oom_kill"), oom1, pg0, pg1;
	struct zone_info a[MAX_ZONES];
	int na, status = 0;
	size_t len;
	pid_t pid;

	drop_caches();
	na = read_zones(a);
	len = (zone_by_name(a, na, "Host")->free * PAGE) + TOUCH_MIB * MIB;
	pg0 = vmstat("pgalloc_normal") + vmstat("pgalloc_dma32");
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	oom1 = vmstat("oom_kill");
	pg1 = vmstat("pgalloc_normal") + vmstat("pgalloc_dma32");
	ksft_print_msg("asked for %zu MiB: child status %#x, oom_kill %lld -> %lld, pgalloc normal+dma32 +%lld MiB\n",
		       len >> 20, status, oom0, oom1, (pg1 - pg0) * PAGE / MIB);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			 oom1 == oom0 && (pg1 - pg0) * PAGE >= (TOUCH_MIB - 8) * MIB,
			 "a full ZONE_HOST falls back to the normal zones without OOM\n");
}

/* The first line of a sysfs file, newline dropped; "" if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f && fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/*
 * Host paging's files (paging/): this host did not ask to page ZONE_HOST,
 * so the guest pages it itself, and nothing was hinted; fallback_priority
 * takes -1 to DEF_PRIORITY (12) and nothing else.
 */
static void test_paging_interface(void)
{
	static const char *const counters[] = {
		"hinted", "hint_calls", "accepted", "kept", "idle",
		"guest_swapped", "dropped", "errors",
	};
	static const char *const bad[] = { "-2", "13", "x" };
	char mode[32], reason[32], path[128];
	long long old, v;
	bool ok = true;
	size_t i;

	read_line(SYSFS "/paging/mode", mode, sizeof(mode));
	read_line(SYSFS "/paging/reason", reason, sizeof(reason));
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		snprintf(path, sizeof(path), SYSFS "/paging/%s", counters[i]);
		v = read_ll(path);
		if (v < 0 || (v && strcmp(counters[i], "guest_swapped"))) {
			ksft_print_msg("paging/%s: %lld\n", counters[i], v);
			ok = false;
		}
	}
	ksft_test_result(ok && !strcmp(mode, "guest") && !strcmp(reason, "none"),
			 "paging: mode guest, reason none, nothing hinted or kept (mode %s, reason %s)\n",
			 mode, reason);
	old = read_ll(SYSFS "/paging/fallback_priority");
	ok = old >= -1 && old <= 12;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!write_str(SYSFS "/paging/fallback_priority", bad[i])) {
			ksft_print_msg("fallback_priority took \"%s\"\n", bad[i]);
			ok = false;
		}
	ok = ok && !write_str(SYSFS "/paging/fallback_priority", "-1") &&
	     read_ll(SYSFS "/paging/fallback_priority") == -1 &&
	     !write_str(SYSFS "/paging/fallback_priority", "12") &&
	     read_ll(SYSFS "/paging/fallback_priority") == 12;
	snprintf(path, sizeof(path), "%lld", old);
	ok = !write_str(SYSFS "/paging/fallback_priority", path) && ok;
	ksft_test_result(ok && read_ll(SYSFS "/paging/fallback_priority") == old,
			 "paging: fallback_priority takes -1..12 only (was %lld, restored)\n",
			 old);
}

int main(void)
{
	int wait_s = (int)cmdline_value("zonehost.wait=", 0);
	ksft_print_header();
	if (access(SYSFS, F_OK))
		ksft_exit_skip("%s: %s (kernel without CONFIG_ZONE_HOST_PROVIDER?)\n",
			       SYSFS, strerror(errno));
	ksft_set_plan(17);
	test_plugged();
	test_views_agree();
	test_blocks_pinned_to_host();
	test_hibernation_refused();
	test_anon();
	test_tmpfs();
	test_kernel_allocations();
	test_fallback();
	test_paging_interface();
	/* The views still agree after all that. */
	{
		struct zone_info z[MAX_ZONES];
		int n = read_zones(z);
		struct zone_info *h = zone_by_name(z, n, "Host");

		ksft_test_result(h && h->managed * PAGE ==
				 (unsigned long long)read_ll(SYSFS "/plugged_bytes"),
				 "Host managed pages still match plugged bytes\n");
	}
	printf("zone-host-guest: ready for host\n");
	fflush(stdout);
	for (int i = 0; i < wait_s; i++)
		sleep(1);
	ksft_finished();
}
