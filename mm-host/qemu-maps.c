// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's mappings of the memfd; see qemu-maps.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "qemu-maps.h"

/* One line "start-end perms offset maj:min inode [path]"; 0 when it parses. */
static int parse_line(const char *line, struct zh_map *m, char perms[5],
		      unsigned int *maj, unsigned int *min, uint64_t *ino)
{
	uint64_t start, end, off;
	int n = 0;

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 "%n",
		   &start, &end, perms, &off, maj, min, ino, &n) != 7 || !n)
		return -1;
	if (end <= start || strlen(perms) != 4)
		return -1;
	m->va = start;
	m->offset = off;
	m->len = end - start;
	return 0;
}

size_t zh_maps_parse(const char *text, unsigned int dev_major,
		     unsigned int dev_minor, uint64_t ino, struct zh_map *out,
		     size_t max)
{
	size_t found = 0;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		unsigned int maj, min;
		struct zh_map m;
		uint64_t i;
		char perms[5];

		if (!parse_line(line, &m, perms, &maj, &min, &i) &&
		    maj == dev_major && min == dev_minor && i == ino &&
		    perms[3] == 's' && m.offset <= UINT64_MAX - m.len) {
			if (found < max)
				out[found] = m;
			found++;
		}
		line = nl ? nl + 1 : NULL;
	}
	return found;
}

int zh_maps_translate(const struct zh_map *maps, size_t nr, uint64_t offset,
		      uint64_t len, struct iovec *iov, int max)
{
	uint64_t end;
	int used = 0;

	if (!len || offset > UINT64_MAX - len)
		return -1;
	end = offset + len;
	while (offset < end) {
		const struct zh_map *m = NULL;
		uint64_t n;

		for (size_t i = 0; i < nr && !m; i++)
			if (offset >= maps[i].offset &&
			    offset - maps[i].offset < maps[i].len)
				m = &maps[i];
		if (!m || used >= max)
			return -1;
		n = m->offset + m->len - offset;
		if (n > end - offset)
			n = end - offset;
		iov[used].iov_base = (void *)(uintptr_t)(m->va + (offset - m->offset));
		iov[used].iov_len = (size_t)n;
		used++;
		offset += n;
	}
	return used;
}
