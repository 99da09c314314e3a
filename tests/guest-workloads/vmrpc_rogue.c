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
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "host_channel.h"
#include "vmrpc_bar.h"

#include <linux/vmrpc.h>

#define MIB		(1ULL << 20)
#define ROGUE_BYTES	(64 * MIB)

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vmrpc_superblock sb;
	uint64_t doff, dsize, sbs, first;
	size_t size;
	int done, host = host_channel_open();
	uint8_t *bar;

	ksft_print_header();
	if (host < 0)
		ksft_exit_skip("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	ksft_set_plan(1);
	bar = vmrpc_bar_map(2, &size);
	if (!bar)
		ksft_exit_fail_msg("zonehost BAR2: %m\n");
	memcpy(&sb, bar, sizeof(sb));
	doff = le64toh(sb.data_offset);
	dsize = le64toh(sb.data_size);
	sbs = le32toh(sb.subblock_size);
	if (le64toh(sb.magic) != VMRPC_MAGIC || !sbs || dsize < ROGUE_BYTES ||
	    doff + dsize > (uint64_t)size)
		ksft_exit_fail_msg("unexpected superblock\n");
	first = (dsize - ROGUE_BYTES) / sbs;
	for (uint64_t off = 0; off < ROGUE_BYTES; off += page)
		bar[doff + dsize - ROGUE_BYTES + off] = 0x5a;
	printf("vmrpc-rogue: wrote %llu MiB at subblocks %llu-%llu\n",
	       ROGUE_BYTES / MIB, (unsigned long long)first,
	       (unsigned long long)(first + ROGUE_BYTES / sbs - 1));
	fflush(stdout);
	done = !host_channel_wait(host, "done", 600 * 1000);
	munmap(bar, size);
	ksft_test_result(done, "wrote to unplugged memory and the host said it was done\n");
	ksft_finished();
}
