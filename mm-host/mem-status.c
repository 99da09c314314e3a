// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's VMRPC_MEM_STATUS reply as JSON; see mem-status.h.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include <linux/vmrpc.h>

#include "mem-names.h"
#include "mem-status.h"

bool zhostd_mem_status_valid(const struct vmrpc_mem_status *st)
{
	const __le64 sizes[] = {
		st->plugged_size, st->requested_size, st->added_size,
		st->block_size, st->zone_managed, st->zone_free,
		st->mem_total, st->mem_free, st->floor,
	};
	size_t i;

	if (st->reserved0 || !zh_mem_state_name(le32toh(st->state)))
		return false;
	for (i = 0; i < sizeof(st->reserved) / sizeof(st->reserved[0]); i++)
		if (st->reserved[i])
			return false;
	/* JSON integers are signed: a larger size is no size a guest has. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (le64toh(sizes[i]) > INT64_MAX)
			return false;
	return true;
}

json_t *zhostd_mem_status_json(const void *buf, size_t len)
{
	struct vmrpc_mem_status st;
	const char *state;

	if (len != sizeof(st))
		return NULL;
	memcpy(&st, buf, sizeof(st));
	if (!zhostd_mem_status_valid(&st))
		return NULL;
	state = zh_mem_state_name(le32toh(st.state));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:I}",
			 "plugged", (json_int_t)le64toh(st.plugged_size),
			 "requested", (json_int_t)le64toh(st.requested_size),
			 "added", (json_int_t)le64toh(st.added_size),
			 "block_size", (json_int_t)le64toh(st.block_size),
			 "zone_managed", (json_int_t)le64toh(st.zone_managed),
			 "zone_free", (json_int_t)le64toh(st.zone_free),
			 "mem_total", (json_int_t)le64toh(st.mem_total),
			 "mem_free", (json_int_t)le64toh(st.mem_free),
			 "state", state,
			 "error", (json_int_t)le32toh(st.error),
			 "reason", zh_mem_reason_name(le32toh(st.reason)),
			 "floor", (json_int_t)le64toh(st.floor));
}
