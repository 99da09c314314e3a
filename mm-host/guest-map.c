// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's plugged map; see guest-map.h.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "guest-map.h"

uint8_t *zhostd_guest_map_read(struct zhostd *zd, struct zhostd_error *err)
{
	const uint32_t cap = zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
	const uint64_t nr = zhostd_memory_nr_subblocks(&zd->mem);
	/* On the heap: up to 1 MiB, more than a thread's stack may hold. */
	uint8_t *chunk = malloc(cap), *bits = calloc((nr + 7) / 8, 1);
	uint32_t count, len, status;
	uint64_t first;
	int ret;

	if (!chunk || !bits) {
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		goto fail;
	}
	/* Chunks of a multiple of 8 subblocks: whole bytes of @bits. */
	for (first = 0; first < nr; first += count) {
		struct vmrpc_mem_range r = { .first = htole64(first) };

		count = (uint32_t)(nr - first < (uint64_t)cap * 8 ?
				   nr - first : (uint64_t)cap * 8);
		r.count = htole32(count);
		ret = vmrpc_host_call(zd->vh, VMRPC_MOD_MEM, VMRPC_MEM_MAP, &r,
				      sizeof(r), chunk, cap, &len, &status,
				      zd->call_timeout_ms);
		if (ret || status != VMRPC_OK || len != (count + 7) / 8) {
			zhostd_error_from_call(err, "the guest's memory map",
					       ret, ret || status ? status :
					       VMRPC_EINVAL);
			goto fail;
		}
		memcpy(bits + first / 8, chunk, len);
	}
	/* Bits past the last subblock are the guest's; they mean nothing. */
	if (nr % 8)
		bits[nr / 8] &= (uint8_t)((1U << (nr % 8)) - 1);
	free(chunk);
	return bits;
fail:
	free(chunk);
	free(bits);
	return NULL;
}
