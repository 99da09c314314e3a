/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What zone_host_kdump writes before the crash and zone_host_vmcore reads
 * back from /proc/vmcore after it: a page's words derive from its PFN, so
 * a page read from the wrong place, or not at all (zeros), does not match.
 */
#ifndef ZONE_HOST_KDUMP_H
#define ZONE_HOST_KDUMP_H

#include <stdint.h>

/* Pages whose PFN the crash kernel's command line carries. */
#define ZH_KDUMP_SAMPLES	16
/* zonehost.vmcore= and zonehost.vmcore_pfns= together. */
#define ZH_KDUMP_ARGS_MAX	512
#define ZH_KDUMP_MAGIC		0x7a686b64756d7000ULL	/* "zhkdump" */

static inline uint64_t zh_kdump_word(unsigned long long pfn, unsigned int i)
{
	return ZH_KDUMP_MAGIC ^ ((uint64_t)pfn << 9) ^ i;
}

static inline void zh_kdump_fill(void *page, unsigned long long pfn)
{
	uint64_t *w = page;

	for (unsigned int i = 0; i < 4096 / sizeof(*w); i++)
		w[i] = zh_kdump_word(pfn, i);
}

/* The index of the first word of @page that does not match, or -1. */
static inline int zh_kdump_check(const void *page, unsigned long long pfn)
{
	const uint64_t *w = page;

	for (unsigned int i = 0; i < 4096 / sizeof(*w); i++)
		if (w[i] != zh_kdump_word(pfn, i))
			return (int)i;
	return -1;
}

#endif /* ZONE_HOST_KDUMP_H */
