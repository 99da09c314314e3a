// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands of the guest's ZONE_HOST memory:
 * query-memory (as the host sees it: requested, plugged, the host memory
 * really backing it; and as the guest sees it, with a reverse call;
 * query-status includes the same object as "memory"), set-memory (a new
 * requested size, through resize.h), check-memory (zhostd's map, the
 * guest's map and the memfd agree) and enforce-memory (the memory
 * guard's check, now: free what the guest used without plugging it).
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmd-memory.h"
#include "commands.h"
#include "guard.h"
#include "guest-map.h"
#include "mem-done.h"
#include "mem-status.h"
#include "resize.h"

/* Reverse calls made for a status must not hold a status up for long. */
#define MEMORY_GUEST_TIMEOUT_MS		1000
/*
 * ... nor each of them: after a guest left one unanswered, statuses go
 * without its view for this long (or until its driver binds again).
 */
#define MEMORY_GUEST_BACKOFF_MS		5000

int zhostd_guest_status_call(struct zhostd *zd, uint16_t module, uint16_t proc,
			     void *resp, uint32_t cap, uint32_t *len,
			     uint32_t *status)
{
	uint64_t now = zh_now_ms();
	bool skip;
	int ret;

	pthread_mutex_lock(&zd->lock);
	skip = now < zd->guest_status_after;
	pthread_mutex_unlock(&zd->lock);
	if (skip)
		return -ETIMEDOUT;
	ret = vmrpc_host_call(zd->vh, module, proc, NULL, 0, resp, cap, len,
			      status, MEMORY_GUEST_TIMEOUT_MS);
	pthread_mutex_lock(&zd->lock);
	zd->guest_status_after = ret == -ETIMEDOUT ?
				 zh_now_ms() + MEMORY_GUEST_BACKOFF_MS : 0;
	pthread_mutex_unlock(&zd->lock);
	return ret;
}

/*
 * The guest's own view, or JSON null when there is no guest or it did not
 * answer sensibly: a status must not fail because the guest is away.
 */
static json_t *guest_memory_json(struct zhostd *zd)
{
	struct vmrpc_mem_status st;
	uint32_t len = 0, status = 0;
	json_t *obj;

	if (!vmrpc_host_guest_ready(zd->vh) ||
	    zhostd_guest_status_call(zd, VMRPC_MOD_MEM, VMRPC_MEM_STATUS,
				     &st, sizeof(st), &len, &status) ||
	    status != VMRPC_OK)
		return json_null();
	obj = zhostd_mem_status_json(&st, len);
	return obj ? obj : json_null();
}

static json_t *last_resize_json(const struct zhostd_memory_info *mi)
{
	if (!mi->done_seq)
		return json_null();
	return zhostd_mem_done_json(&mi->done, mi->done_seq);
}

/* How the guard is set up: "on_violation" and "check_interval_ms". */
static void guard_config_json(struct zhostd *zd, json_t *obj)
{
	if (!zd->guard)
		return;
	json_object_set_new(obj, "on_violation",
			    json_string(zhostd_on_violation_name(zhostd_guard_action(zd->guard))));
	json_object_set_new(obj, "check_interval_ms",
			    json_integer(zhostd_guard_interval_ms(zd->guard)));
}

json_t *zhostd_memory_json(struct zhostd *zd, struct zhostd_error *err)
{
	struct zhostd_memory_info mi;
	uint64_t backed;
	json_t *obj;
	int ret;

	zhostd_memory_get(&zd->mem, &mi);
	ret = zhostd_memory_backed(&zd->mem, &backed);
	if (ret) {
		zhostd_error_set(err, ZERR_GENERIC,
				 "cannot measure the memfd: %s", strerror(-ret));
		return NULL;
	}
	obj = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:{s:I, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:I}}",
			"data_offset", (json_int_t)mi.offset,
			"data_size", (json_int_t)mi.size,
			"subblock_size", (json_int_t)mi.subblock_size,
			"requested", (json_int_t)mi.requested,
			"max", (json_int_t)mi.max,
			"plugged", (json_int_t)mi.plugged,
			"backed", (json_int_t)backed,
			"violations", (json_int_t)mi.violations,
			"reclaimed", (json_int_t)mi.reclaimed,
			"guest", guest_memory_json(zd),
			"last_resize", last_resize_json(&mi),
			"stats",
			"plug_calls", (json_int_t)mi.plug_calls,
			"plug_refused", (json_int_t)mi.plug_refused,
			"plug_no_memory", (json_int_t)mi.plug_no_memory,
			"plug_error", mi.plug_error,
			"unplug_calls", (json_int_t)mi.unplug_calls,
			"unplug_unplugged", (json_int_t)mi.unplug_unplugged,
			"punch_later", (json_int_t)mi.punch_later,
			"punch_failed", (json_int_t)mi.punch_failed,
			"punch_error", mi.punch_error,
			"bad_calls", (json_int_t)mi.bad_calls,
			"host_map_calls", (json_int_t)mi.host_map_calls,
			"asks", (json_int_t)mi.asks,
			"asks_granted", (json_int_t)mi.asks_granted,
			"enforce_scans", (json_int_t)mi.enforce_scans);
	if (obj)
		guard_config_json(zd, obj);
	return obj;
}

static json_t *cmd_query_memory(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	(void)args;
	return zhostd_memory_json(zd, err);
}
ZHOSTD_COMMAND("query-memory", cmd_query_memory)

static json_t *cmd_set_memory(struct zhostd *zd, json_t *args,
			      struct zhostd_error *err)
{
	json_t *jsize = json_object_get(args, "size");
	struct zhostd_memory_info mi;
	bool notified;

	if (!json_is_integer(jsize) || json_integer_value(jsize) < 0) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'size' must be a byte count");
		return NULL;
	}
	if (zhostd_resize(zd, (uint64_t)json_integer_value(jsize),
				  &notified, err))
		return NULL;
	zhostd_memory_get(&zd->mem, &mi);
	return json_pack("{s:I, s:I, s:b}",
			 "requested", (json_int_t)mi.requested,
			 "plugged", (json_int_t)mi.plugged,
			 "guest_notified", notified);
}
ZHOSTD_COMMAND("set-memory", cmd_set_memory)

/*
 * Compare the guest's map with zhostd's.
 * Return: 0, or -1 with @err set when the guest did not answer.
 */
static int check_guest_map(struct zhostd *zd, uint64_t *diff,
			   uint64_t *first_diff, struct zhostd_error *err)
{
	uint8_t *bits = zhostd_guest_map_read(zd, err);

	*diff = 0;
	if (!bits)
		return -1;
	*diff = zhostd_memory_compare(&zd->mem, 0,
				      zhostd_memory_nr_subblocks(&zd->mem),
				      bits, first_diff);
	free(bits);
	return 0;
}

static json_t *cmd_check_memory(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	struct zhostd_memory_check c;
	struct zhostd_memory_info mi;
	uint64_t diff = 0, first_diff = 0, backed;
	json_int_t gplugged = -1;
	bool ok, checked;
	json_t *guest;
	int ret;

	(void)args;
	ret = zhostd_memory_check_memfd(&zd->mem, &c);
	if (!ret)
		ret = zhostd_memory_backed(&zd->mem, &backed);
	if (ret) {
		zhostd_error_set(err, ZERR_GENERIC, "cannot scan the memfd: %s",
				 strerror(-ret));
		return NULL;
	}
	zhostd_memory_get(&zd->mem, &mi);
	guest = guest_memory_json(zd);
	checked = json_is_object(guest);
	if (checked)
		gplugged = json_integer_value(json_object_get(guest, "plugged"));
	json_decref(guest);
	if (checked && check_guest_map(zd, &diff, &first_diff, err))
		return NULL;
	ok = !c.unplugged_backed && backed <= mi.plugged &&
	     (!checked || (!diff && gplugged == (json_int_t)mi.plugged));
	return json_pack("{s:b, s:b, s:I, s:o, s:I, s:o, s:I, s:o, s:I}",
			 "consistent", ok,
			 "guest_checked", checked,
			 "plugged", (json_int_t)mi.plugged,
			 "guest_plugged", checked ? json_integer(gplugged) : json_null(),
			 "map_differences", (json_int_t)diff,
			 "first_difference", diff ? json_integer((json_int_t)first_diff) :
						    json_null(),
			 "backed", (json_int_t)backed,
			 "first_backed_unplugged", c.unplugged_backed &&
				c.first_bad != ZHOSTD_MEMORY_FIRST_UNKNOWN ?
				json_integer((json_int_t)c.first_bad) : json_null(),
			 "unplugged_backed", (json_int_t)c.unplugged_backed);
}
ZHOSTD_COMMAND("check-memory", cmd_check_memory)

/* The guard's check, now; a violation is also sent as MEMORY_VIOLATION. */
static json_t *cmd_enforce_memory(struct zhostd *zd, json_t *args,
				  struct zhostd_error *err)
{
	struct zhostd_guard_result r;
	int ret;

	(void)args;
	if (!zd->guard) {
		zhostd_error_set(err, ZERR_GENERIC, "zhostd has no memory guard");
		return NULL;
	}
	ret = zhostd_guard_check(zd->guard, &r);
	if (ret) {
		zhostd_error_set(err, ZERR_GENERIC, "cannot scan the memfd: %s",
				 strerror(-ret));
		return NULL;
	}
	return zhostd_guard_result_json(zd->guard, &r);
}
ZHOSTD_COMMAND("enforce-memory", cmd_enforce_memory)
