/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which subblocks of ZONE_HOST hold a range of a guest program's memory:
 * the zone's span from /proc/zoneinfo, the PFN of each page from
 * /proc/self/pagemap (root sees PFNs), the geometry from
 * /sys/kernel/mm/zone_host. A subblock's number is the one zhostd uses
 * (balloon-ctl pins): (PFN - data_start PFN) / pages per subblock.
 */
#ifndef ZONE_HOST_PAGEMAP_H
#define ZONE_HOST_PAGEMAP_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zone_host_util.h"

#define ZH_PAGE		((size_t)4096)

/**
 * struct zh_geometry - where ZONE_HOST's subblocks are
 * @zone_start: first PFN of the zone's span
 * @zone_end: PFN after it
 * @data_pfn: PFN of subblock 0
 * @sb_pages: pages per subblock
 * @sb_size: bytes per subblock
 * @nsbs: subblocks from @data_pfn to @zone_end
 */
struct zh_geometry {
	unsigned long long zone_start, zone_end, data_pfn, sb_pages;
	long long sb_size;
	size_t nsbs;
};

/* Fill @g from /proc/zoneinfo and sysfs; 0, or -1 if ZONE_HOST is absent. */
static inline int zh_geometry_read(struct zh_geometry *g)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	bool in_host = false;
	long long start = -1, spanned = -1, data_start;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			in_host = strstr(line, "zone     Host") != NULL;
			continue;
		}
		if (!in_host)
			continue;
		sscanf(line, " spanned %lld", &spanned);
		sscanf(line, " start_pfn: %lld", &start);
	}
	fclose(f);
	g->sb_size = read_ll("/sys/kernel/mm/zone_host/subblock_size_bytes");
	data_start = read_ll("/sys/kernel/mm/zone_host/data_start");
	if (start < 0 || spanned <= 0 || g->sb_size < (long long)ZH_PAGE ||
	    data_start <= 0 || data_start / (long long)ZH_PAGE >= start + spanned)
		return -1;
	g->zone_start = start;
	g->zone_end = start + spanned;
	g->sb_pages = g->sb_size / ZH_PAGE;
	g->data_pfn = data_start / ZH_PAGE;
	g->nsbs = (g->zone_end - g->data_pfn) / g->sb_pages + 1;
	return 0;
}

/*
 * An anonymous private mapping of @len bytes without THP, so that its 4 KiB
 * pages spread over subblocks as they come; NULL on failure.
 */
static inline char *zh_map_region(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/* The PFN behind @addr in pagemap @pm (0 if none). */
static inline unsigned long long zh_pfn_of(int pm, const void *addr)
{
	uint64_t e;
	off_t off = (uintptr_t)addr / ZH_PAGE * sizeof(e);

	if (pread(pm, &e, sizeof(e), off) != sizeof(e) || !(e & (1ULL << 63)))
		return 0;
	return e & ((1ULL << 55) - 1);
}

/*
 * Mark in @sbs (@g->nsbs bytes, cleared first) the subblocks holding pages
 * of [@p, @p + @len). Returns how many subblocks, -1 on error; @pages gets
 * how many of the range's pages are in ZONE_HOST.
 */
static inline long zh_subblocks_of(const struct zh_geometry *g, const char *p,
				   size_t len, unsigned char *sbs, long *pages)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	long n = 0;

	*pages = 0;
	if (pm < 0)
		return -1;
	memset(sbs, 0, g->nsbs);
	for (size_t off = 0; off < len; off += ZH_PAGE) {
		unsigned long long pfn = zh_pfn_of(pm, p + off);
		size_t sb;

		if (pfn < g->zone_start || pfn >= g->zone_end || pfn < g->data_pfn)
			continue;
		(*pages)++;
		sb = (pfn - g->data_pfn) / g->sb_pages;
		/* A mark, not a count: a byte would wrap at 256 pages. */
		if (sb < g->nsbs && !sbs[sb]) {
			sbs[sb] = 1;
			n++;
		}
	}
	close(pm);
	return n;
}

/*
 * Print the subblocks marked in @sbs as "FIRST-LAST,..." ("-" for none):
 * the form a host script expands with seq.
 */
static inline void zh_print_subblocks(FILE *out, const unsigned char *sbs,
				      size_t nsbs)
{
	bool any = false;

	for (size_t i = 0; i < nsbs; i++) {
		size_t j = i;

		if (!sbs[i])
			continue;
		while (j + 1 < nsbs && sbs[j + 1])
			j++;
		fprintf(out, "%s%zu-%zu", any ? "," : "", i, j);
		any = true;
		i = j;
	}
	if (!any)
		fputc('-', out);
}

#endif /* ZONE_HOST_PAGEMAP_H */
