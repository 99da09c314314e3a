// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plugged map taken from the guest after zhostd restarted; see
 * zhostd_memory_adopt() in memory.h.
 */
#include <errno.h>
#include <stdio.h>

#include "memory.h"

int zhostd_memory_adopt(struct zhostd_memory *m, const uint8_t *bits,
			char *err, size_t errlen)
{
	uint64_t i, n = 0, run;

	for (i = 0; i < m->nr_sb; i++)
		n += (bits[i / 8] >> (i % 8)) & 1;
	pthread_mutex_lock(&m->lock);
	if (n * m->area.subblock_size > m->info.max) {
		pthread_mutex_unlock(&m->lock);
		snprintf(err, errlen, "the guest has %llu MiB plugged, more than the maximum of %llu MiB (--max must be the one the VM started with)",
			 (unsigned long long)((n * m->area.subblock_size) >> 20),
			 (unsigned long long)(m->info.max >> 20));
		return -EPROTO;
	}
	if (m->nr_plugged) {
		pthread_mutex_unlock(&m->lock);
		snprintf(err, errlen, "the memory backend is in use already");
		return -EBUSY;
	}
	for (i = 0; i < m->nr_sb; i++)
		m->map[i] = (bits[i / 8] >> (i % 8)) & 1;
	m->nr_plugged = n;
	/* A resize under way is not known: the guest stays where it is. */
	m->info.requested = n * m->area.subblock_size;
	/* --lock-all locks what is plugged, run by run. */
	for (i = 0; m->pin && i < m->nr_sb; i += run) {
		for (run = 1; i + run < m->nr_sb && m->map[i + run] == m->map[i];
		     run++)
			;
		if (m->map[i])
			zhostd_pin_plugged_locked(m->pin, i, run);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}
