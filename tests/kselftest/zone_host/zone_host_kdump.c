// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_kdump: the first half of tests/e2e/test-kdump.sh, in the guest
 * that crashes. Writes a pattern into pages of ZONE_HOST (each page's
 * words derive from its PFN), loads the same kernel and initramfs as the
 * crash kernel (kexec_file_load, KEXEC_FILE_ON_CRASH) from the read-only
 * hostfs export "kdump", and crashes the kernel (sysrq c) when the host
 * says "crash". The crash kernel runs zone_host_vmcore, which reads the
 * data area through /proc/vmcore and checks the pattern; its command line
 * carries the data area and the PFNs written.
 *
 * Needs crashkernel= on the command line (exits 4 without). Prints no TAP:
 * zone_host_vmcore does. Any failure here is "Bail out!" and exit 1
 * (ksft_exit_fail_msg()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

#include "kselftest.h"
#include "host_channel.h"
#include "zone_host_util.h"
#include "zone_host_pagemap.h"
#include "zone_host_kdump.h"

#define REGION		(64UL << 20)
#define EXPORT_DIR	"/mnt/kdump"

/*
 * The crash kernel's command line: this one without the program to run and
 * the reservation, with zone_host_vmcore's arguments added.
 */
static void crash_cmdline(char *out, size_t len, const char *args)
{
	char line[ZH_CMDLINE_MAX], *tok, *save = NULL;
	size_t n = 0;

	if (read_cmdline(line, sizeof(line)))
		ksft_exit_fail_msg("cannot read /proc/cmdline\n");
	out[0] = '\0';
	for (tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "zonehost.run=", 13) ||
		    !strncmp(tok, "crashkernel=", 12))
			continue;
		n += snprintf(out + n, n < len ? len - n : 0, "%s ", tok);
	}
	n += snprintf(out + n, n < len ? len - n : 0,
		      "zonehost.run=zone_host_vmcore nr_cpus=1 %s", args);
	if (n >= len)
		ksft_exit_fail_msg("crash kernel command line longer than %zu bytes\n",
				   len);
}

int main(void)
{
	char args[ZH_KDUMP_ARGS_MAX], cmdline[ZH_CMDLINE_MAX];
	long long crash_size, plugged, usable;
	struct zh_geometry g;
	unsigned long long pfn, pfns[ZH_KDUMP_SAMPLES];
	size_t n = 0, i, an;
	int pm, kfd, ifd, chan;
	char *p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	crash_size = read_ll("/sys/kernel/kexec_crash_size");
	if (crash_size <= 0) {
		printf("1..0 # SKIP no memory reserved for a crash kernel (crashkernel=)\n");
		return 4;
	}
	if (wait_plugged(3000))
		ksft_exit_fail_msg("the provider never plugged what the host requested\n");
	if (zh_geometry_read(&g))
		ksft_exit_fail_msg("no ZONE_HOST in /proc/zoneinfo or /sys/kernel/mm/zone_host\n");
	plugged = read_ll("/sys/kernel/mm/zone_host/plugged_bytes");
	usable = read_ll("/sys/kernel/mm/zone_host/usable_bytes");

	/* Pages of ZONE_HOST, each filled from its own PFN. */
	p = zh_map_region(REGION);
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (!p || pm < 0)
		ksft_exit_fail_msg("cannot map %lu MiB or open pagemap: %s\n",
				   REGION >> 20, strerror(errno));
	memset(p, 1, REGION);
	for (i = 0; i < REGION / ZH_PAGE; i++) {
		char *page = p + i * ZH_PAGE;

		pfn = zh_pfn_of(pm, page);
		if (pfn < g.data_pfn || pfn >= g.zone_end)
			continue;
		zh_kdump_fill(page, pfn);
		/* Samples spread over the region: every 61st page in the zone. */
		if (n < ZH_KDUMP_SAMPLES && !(i % 61))
			pfns[n++] = pfn;
	}
	if (n < ZH_KDUMP_SAMPLES)
		ksft_exit_fail_msg("only %zu of %d sample pages landed in ZONE_HOST\n",
				   n, ZH_KDUMP_SAMPLES);

	an = snprintf(args, sizeof(args), "zonehost.vmcore=%llx,%llx,%llx,%llx zonehost.vmcore_pfns=",
		      (unsigned long long)g.data_pfn * ZH_PAGE,
		      (unsigned long long)usable,
		      (unsigned long long)g.sb_size,
		      (unsigned long long)plugged);
	for (i = 0; i < n; i++)
		an += snprintf(args + an, an < sizeof(args) ? sizeof(args) - an : 0,
			       "%s%llx", i ? "," : "", pfns[i]);
	if (an >= sizeof(args))
		ksft_exit_fail_msg("vmcore arguments longer than %zu bytes\n",
				   sizeof(args));
	crash_cmdline(cmdline, sizeof(cmdline), args);

	mkdir(EXPORT_DIR, 0755);
	if (mount("kdump", EXPORT_DIR, "hostfs", MS_RDONLY, NULL))
		ksft_exit_fail_msg("cannot mount the hostfs export kdump: %s\n",
				   strerror(errno));
	kfd = open(EXPORT_DIR "/bzImage", O_RDONLY);
	ifd = open(EXPORT_DIR "/initramfs.cpio.gz", O_RDONLY);
	if (kfd < 0 || ifd < 0)
		ksft_exit_fail_msg("no bzImage or initramfs.cpio.gz in the export: %s\n",
				   strerror(errno));
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		    cmdline, KEXEC_FILE_ON_CRASH))
		ksft_exit_fail_msg("kexec_file_load of the crash kernel: %s\n",
				   strerror(errno));
	close(kfd);
	close(ifd);

	chan = host_channel_open();
	if (chan < 0)
		ksft_exit_fail_msg("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	printf("zone-host-kdump: loaded a crash kernel into %lld MiB; %lld MiB plugged of %lld MiB usable; %zu sample pages\n",
	       crash_size >> 20, plugged >> 20, usable >> 20, n);
	if (host_channel_wait(chan, "crash", 600000))
		ksft_exit_fail_msg("the host never said crash\n");
	printf("zone-host-kdump: crashing\n");
	sync();
	write_str("/proc/sysrq-trigger", "c");
	ksft_exit_fail_msg("still running after sysrq c\n");
}
