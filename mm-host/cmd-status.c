// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control command query-status: the VM's connection, ABI and
 * memory as the host sees it, what it keeps pinned, host paging, the guest-triggered log lines and events
 * the rate limit dropped, and the VMRPC counters.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing-info.h"
#include "cmd-memory.h"
#include "cmd-export.h"
#include "cmd-paging.h"
#include "cmd-pins.h"
#include "commands.h"
#include "ratelimit.h"

static json_t *abi_json(uint32_t abi)
{
	char s[16];

	if (!abi)
		return json_null();
	snprintf(s, sizeof(s), "%u.%u", VMRPC_ABI_MAJOR_OF(abi), abi & 0xffff);
	return json_string(s);
}

/*
 * The VMRPC counters: the totals, then each refusal by its status
 * ("g2h_enomod", ...), then the doorbells and the wake-ups they cost.
 */
static json_t *stats_json(const struct vmrpc_host_stats *st)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			      "g2h_calls", (json_int_t)st->g2h_calls,
			      "g2h_errors", (json_int_t)st->g2h_errors,
			      "g2h_malformed", (json_int_t)st->g2h_malformed,
			      "h2g_calls", (json_int_t)st->h2g_calls,
			      "h2g_errors", (json_int_t)st->h2g_errors,
			      "h2g_timeouts", (json_int_t)st->h2g_timeouts,
			      "h2g_malformed", (json_int_t)st->h2g_malformed,
			      "h2g_in_flight", (json_int_t)st->h2g_in_flight,
			      "g2h_in_flight", (json_int_t)st->g2h_in_flight,
			      "connects", (json_int_t)st->connects,
			      "refused", (json_int_t)st->refused,
			      "doorbells", (json_int_t)st->doorbells,
			      "wakeups", (json_int_t)st->wakeups);
	char key[32];

	for (uint32_t i = VMRPC_OK + 1; o && i < VMRPC_NR_ERRORS; i++) {
		snprintf(key, sizeof(key), "g2h_%s", vmrpc_status_name(i));
		json_object_set_new(o, key, json_integer((json_int_t)st->g2h_status[i]));
	}
	return o;
}

static json_t *cmd_query_status(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	struct vmrpc_host_stats st;
	json_t *memory, *pins, *paging, *ret;
	struct stat sb;
	bool qemu, guest;
	uint32_t gabi;

	(void)args;
	if (fstat(vmrpc_host_memfd(zd->vh), &sb)) {
		zhostd_error_set(err, ZERR_GENERIC, "cannot stat the memfd");
		return NULL;
	}
	memory = zhostd_memory_json(zd, err);
	if (!memory)
		return NULL;
	/* Here, not in query-memory: finding QEMU's mapping reads /proc. */
	json_object_set_new(memory, "backing", zhostd_backing_json(zd,
		(uint64_t)json_integer_value(json_object_get(memory, "backed"))));
	pins = zhostd_pins_json(zd);
	if (!pins) {
		json_decref(memory);
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	paging = zhostd_paging_json(zd);
	if (!paging) {
		json_decref(memory);
		json_decref(pins);
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	vmrpc_host_get_stats(zd->vh, &st);
	pthread_mutex_lock(&zd->lock);
	qemu = zd->qemu_connected;
	guest = zd->guest_ready;
	gabi = zd->guest_abi;
	pthread_mutex_unlock(&zd->lock);

	ret = json_pack("{s:s, s:I, s:I, s:I, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "name", zd->name,
			 "pid", (json_int_t)getpid(),
			 "bar_size", (json_int_t)zd->cfg.bar_size,
			 "memfd_allocated", (json_int_t)sb.st_blocks * 512,
			 "qemu_connected", qemu,
			 "guest_ready", guest,
			 "abi", abi_json(VMRPC_ABI_VERSION),
			 "guest_abi", abi_json(gabi),
			 "memory", memory,
			 "pins", pins,
			 "paging", paging,
			 "suppressed", zhostd_ratelimit_json(zd->rl),
			 "stats", stats_json(&st));
	if (ret)
		json_object_set_new(ret, "hostfs", zhostd_hostfs_json(zd));
	return ret;
}
ZHOSTD_COMMAND("query-status", cmd_query_status)
