// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_vmcore: the second half of tests/e2e/test-kdump.sh, in the
 * crash kernel that zone_host_kdump loaded. Reads every byte of the
 * crashed kernel's data area that /proc/vmcore holds, as a dump tool
 * would, and checks the pages zone_host_kdump wrote. The host checks,
 * meanwhile, that the read made it allocate nothing behind subblocks the
 * guest had not plugged. Then waits for the host's "done".
 *
 * Command line (zone_host_kdump writes it): zonehost.vmcore=START,SIZE,SB,
 * PLUGGED (hex: the data area's first byte, its usable size, the subblock
 * size, the bytes plugged at the crash) and zonehost.vmcore_pfns=PFN,...
 * (hex). Exits 4 when not run in a crash kernel.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "host_channel.h"
#include "zone_host_kdump.h"
#include "zone_host_util.h"

#define CHUNK		(1UL << 20)
#define MAX_PHDRS	256

static char cmdline[ZH_CMDLINE_MAX];

/* The value of @key on the command line, or NULL. */
static const char *arg(const char *key)
{
	const char *p = cmdline;
	size_t n = strlen(key);

	while ((p = strstr(p, key))) {
		if (p == cmdline || p[-1] == ' ')
			return p + n;
		p += n;
	}
	return NULL;
}

/* The file offset in @fd's dump of physical address @addr, or -1. */
static off_t dump_offset(const Elf64_Phdr *ph, int nph, unsigned long long addr)
{
	for (int i = 0; i < nph; i++)
		if (ph[i].p_type == PT_LOAD && addr >= ph[i].p_paddr &&
		    addr - ph[i].p_paddr < ph[i].p_filesz)
			return (off_t)(ph[i].p_offset + (addr - ph[i].p_paddr));
	return -1;
}

/*
 * The part of loadable segment @ph inside [@start, @start + @size), in
 * [*@lo, *@hi); false when there is none.
 */
static bool clip(const Elf64_Phdr *ph, unsigned long long start,
		 unsigned long long size, unsigned long long *lo,
		 unsigned long long *hi)
{
	unsigned long long a = ph->p_paddr, b = a + ph->p_filesz;

	if (ph->p_type != PT_LOAD || b <= start || a >= start + size)
		return false;
	*lo = a > start ? a : start;
	*hi = b < start + size ? b : start + size;
	return true;
}

int main(void)
{
	unsigned long long start, size, sb, plugged, pfns[ZH_KDUMP_SAMPLES];
	unsigned long long in_area = 0, read_bytes = 0, nonzero = 0;
	static char buf[CHUNK];
	Elf64_Phdr ph[MAX_PHDRS];
	const char *v;
	Elf64_Ehdr eh;
	int fd, chan, nph, npfn = 0, good = 0, bad_read = 0;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open("/proc/vmcore", O_RDONLY);
	if (fd < 0) {
		printf("1..0 # SKIP no /proc/vmcore: not a crash kernel\n");
		return 4;
	}
	if (read_cmdline(cmdline, sizeof(cmdline)))
		ksft_exit_fail_msg("cannot read /proc/cmdline\n");
	v = arg("zonehost.vmcore=");
	if (!v || sscanf(v, "%llx,%llx,%llx,%llx", &start, &size, &sb,
			 &plugged) != 4 || !sb)
		ksft_exit_fail_msg("no zonehost.vmcore=START,SIZE,SB,PLUGGED on the command line\n");
	v = arg("zonehost.vmcore_pfns=");
	while (v && npfn < ZH_KDUMP_SAMPLES) {
		pfns[npfn++] = strtoull(v, &end, 16);
		v = *end == ',' ? end + 1 : NULL;
	}

	ksft_print_header();
	ksft_set_plan(3);
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > MAX_PHDRS ||
	    pread(fd, ph, eh.e_phnum * sizeof(ph[0]), eh.e_phoff) !=
		    (ssize_t)(eh.e_phnum * sizeof(ph[0])))
		ksft_exit_fail_msg("/proc/vmcore is not an ELF64 core this program can read\n");
	nph = eh.e_phnum;
	for (int i = 0; i < nph; i++) {
		unsigned long long lo, hi;

		if (clip(&ph[i], start, size, &lo, &hi))
			in_area += hi - lo;
	}
	/* Else no unplugged subblock is in the dump and nothing is tested. */
	ksft_test_result(in_area > plugged,
			 "the dump covers %llu MiB of the data area, more than the %llu MiB plugged (%d program headers)\n",
			 in_area >> 20, plugged >> 20, nph);

	for (int i = 0; i < npfn; i++) {
		off_t off = dump_offset(ph, nph, pfns[i] * 4096);
		int w = -2;

		if (off >= 0 && pread(fd, buf, 4096, off) == 4096)
			w = zh_kdump_check(buf, pfns[i]);
		if (w == -1)
			good++;
		else
			ksft_print_msg("page %#llx: %s (word %d)\n", pfns[i],
				       off < 0 ? "not in the dump" : "differs", w);
	}
	ksft_test_result(npfn == ZH_KDUMP_SAMPLES && good == npfn,
			 "%d of %d pages written to ZONE_HOST before the crash read back intact\n",
			 good, npfn);

	/* Everything of the data area, as a dump tool copies it. */
	for (int i = 0; i < nph; i++) {
		unsigned long long lo, hi;

		if (!clip(&ph[i], start, size, &lo, &hi))
			continue;
		for (unsigned long long a = lo; a < hi; a += CHUNK) {
			size_t n = hi - a < CHUNK ? hi - a : CHUNK;
			off_t off = ph[i].p_offset + (a - ph[i].p_paddr);

			if (pread(fd, buf, n, off) != (ssize_t)n) {
				bad_read = errno ? errno : EIO;
				break;
			}
			read_bytes += n;
			for (size_t p = 0; p < n; p += 4096) {
				const unsigned long long *q = (void *)(buf + p);
				size_t k = 0;

				while (k < 512 && !q[k])
					k++;
				nonzero += k < 512 ? 4096 : 0;
			}
		}
	}
	ksft_test_result(!bad_read && read_bytes == in_area &&
			 nonzero <= plugged,
			 "read all %llu MiB of the data area in the dump (%s); %llu MiB of it not zero, at most the %llu MiB plugged\n",
			 read_bytes >> 20, bad_read ? strerror(bad_read) : "no error",
			 nonzero >> 20, plugged >> 20);

	chan = host_channel_open();
	printf("zone-host-vmcore: read %llu MiB, %llu MiB not zero\n",
	       read_bytes >> 20, nonzero >> 20);
	if (chan < 0 || host_channel_wait(chan, "done", 600000))
		ksft_print_msg("no word from the host\n");
	ksft_finished();
}
