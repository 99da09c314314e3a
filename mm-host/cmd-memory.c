// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control command query-memory: the guest's ZONE_HOST memory as the
 * host sees it (requested, plugged, the host memory really backing it)
 * and as the guest sees it (a reverse call, when a guest is there).
 * query-status includes the same object as "memory".
 */
#include <endian.h>
#include <string.h>

#include "cmd-memory.h"
#include "commands.h"

/* Reverse calls made for a status must not hold a status up for long. */
#define MEMORY_GUEST_TIMEOUT_MS		1000

static const char *guest_state_name(uint32_t state)
{
	static const char *const names[] = {
		[VMRPC_MEM_S_NONE] = "none",
		[VMRPC_MEM_S_IDLE] = "idle",
		[VMRPC_MEM_S_RESIZING] = "resizing",
		[VMRPC_MEM_S_STUCK] = "stuck",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

/*
 * The guest's own view, or JSON null when there is no guest or it did not
 * answer sensibly: a status must not fail because the guest is away.
 */
static json_t *guest_memory_json(struct zhostd *zd)
{
	struct vmrpc_mem_status st;
	uint32_t len = 0, status = 0;
	const char *state;

	if (!vmrpc_host_guest_ready(zd->vh) ||
	    vmrpc_host_call(zd->vh, VMRPC_MOD_MEM, VMRPC_MEM_STATUS, NULL, 0,
			    &st, sizeof(st), &len, &status,
			    MEMORY_GUEST_TIMEOUT_MS) ||
	    status != VMRPC_OK || len != sizeof(st))
		return json_null();
	state = guest_state_name(le32toh(st.state));
	if (!state)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I}",
			 "plugged", (json_int_t)le64toh(st.plugged_size),
			 "requested", (json_int_t)le64toh(st.requested_size),
			 "added", (json_int_t)le64toh(st.added_size),
			 "block_size", (json_int_t)le64toh(st.block_size),
			 "zone_managed", (json_int_t)le64toh(st.zone_managed),
			 "zone_free", (json_int_t)le64toh(st.zone_free),
			 "mem_total", (json_int_t)le64toh(st.mem_total),
			 "mem_free", (json_int_t)le64toh(st.mem_free),
			 "state", state,
			 "error", (json_int_t)le32toh(st.error));
}

json_t *zhostd_memory_json(struct zhostd *zd, struct zhostd_error *err)
{
	struct zhostd_memory_info mi;
	uint64_t backed;
	int ret;

	zhostd_memory_get(&zd->mem, &mi);
	ret = zhostd_memory_backed(&zd->mem, &backed);
	if (ret) {
		zhostd_error_set(err, ZERR_GENERIC,
				 "cannot measure the memfd: %s", strerror(-ret));
		return NULL;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:{s:I, s:I, s:I, s:I}}",
			 "data_offset", (json_int_t)mi.offset,
			 "data_size", (json_int_t)mi.size,
			 "subblock_size", (json_int_t)mi.subblock_size,
			 "requested", (json_int_t)mi.requested,
			 "max", (json_int_t)mi.max,
			 "plugged", (json_int_t)mi.plugged,
			 "backed", (json_int_t)backed,
			 "guest", guest_memory_json(zd),
			 "stats",
			 "plug_calls", (json_int_t)mi.plug_calls,
			 "plug_refused", (json_int_t)mi.plug_refused,
			 "unplug_calls", (json_int_t)mi.unplug_calls,
			 "bad_calls", (json_int_t)mi.bad_calls);
}

static json_t *cmd_query_memory(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	(void)args;
	return zhostd_memory_json(zd, err);
}
ZHOSTD_COMMAND("query-memory", cmd_query_memory)
