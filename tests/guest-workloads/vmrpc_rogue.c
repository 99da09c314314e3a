// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmrpc_rogue: a hostile guest for tests/e2e/test-memory-guard.sh. As root
 * it maps BAR2 of the zonehost device through sysfs (resource2), behind
 * its own kernel's back, and writes one byte in every page of the last
 * 64 MiB of the data area, which it never plugged: QEMU maps all of BAR2,
 * so each write takes a page of host memory. It prints the subblocks it
 * wrote, then waits until the host says it is done (the host channel,
 * tests/lib/vm.sh) and exits. It never reads the area
 * back: on the host, a read allocates too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest.h"
#include "host_channel.h"

#include <linux/vmrpc.h>

#define MIB		(1ULL << 20)
#define ROGUE_BYTES	(64 * MIB)

/* The zonehost device's resource2 path in @path; 0 if found. */
static int find_bar2(char *path, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found && (e = readdir(d))) {
		char p[512];
		long vendor = 0, device = 0;
		FILE *f;

		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fscanf(f, "%li", &vendor) != 1)
			vendor = 0;
		fclose(f);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		if (fscanf(f, "%li", &device) != 1)
			device = 0;
		fclose(f);
		if (vendor == VMRPC_PCI_VENDOR_ID && device == VMRPC_PCI_DEVICE_ID) {
			snprintf(path, len, "/sys/bus/pci/devices/%s/resource2",
				 e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vmrpc_superblock sb;
	uint64_t doff, dsize, sbs, first;
	char path[600];
	struct stat st;
	int fd, done, host = host_channel_open();
	uint8_t *bar;

	ksft_print_header();
	if (host < 0)
		ksft_exit_skip("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	ksft_set_plan(1);
	if (find_bar2(path, sizeof(path)))
		ksft_exit_fail_msg("no zonehost device\n");
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st))
		ksft_exit_fail_msg("%s: %m\n", path);
	bar = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		ksft_exit_fail_msg("mmap %s: %m\n", path);
	memcpy(&sb, bar, sizeof(sb));
	doff = le64toh(sb.data_offset);
	dsize = le64toh(sb.data_size);
	sbs = le32toh(sb.subblock_size);
	if (le64toh(sb.magic) != VMRPC_MAGIC || !sbs || dsize < ROGUE_BYTES ||
	    doff + dsize > (uint64_t)st.st_size)
		ksft_exit_fail_msg("unexpected superblock\n");
	first = (dsize - ROGUE_BYTES) / sbs;
	for (uint64_t off = 0; off < ROGUE_BYTES; off += page)
		bar[doff + dsize - ROGUE_BYTES + off] = 0x5a;
	printf("vmrpc-rogue: wrote %llu MiB at subblocks %llu-%llu\n",
	       ROGUE_BYTES / MIB, (unsigned long long)first,
	       (unsigned long long)(first + ROGUE_BYTES / sbs - 1));
	fflush(stdout);
	done = !host_channel_wait(host, "done", 600 * 1000);
	munmap(bar, st.st_size);
	close(fd);
	ksft_test_result(done, "wrote to unplugged memory and the host said it was done\n");
	ksft_finished();
}
