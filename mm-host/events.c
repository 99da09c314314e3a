// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's events; see events.h.
 */
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "events.h"
#include "hostfs.h"
#include "log.h"
#include "mem-done.h"
#include "ratelimit.h"
#include "recover.h"

void zhostd_event(struct zhostd *zd, const char *name, json_t *data)
{
	zhostd_control_event(zd->ctl, name, data);
}

static const char *vmrpc_event_name(enum vmrpc_host_event ev)
{
	static const char *const names[] = {
		[VMRPC_HOST_EV_QEMU_CONNECTED] = "QEMU_CONNECTED",
		[VMRPC_HOST_EV_QEMU_REFUSED] = "QEMU_REFUSED",
		[VMRPC_HOST_EV_QEMU_DISCONNECTED] = "QEMU_DISCONNECTED",
		[VMRPC_HOST_EV_GUEST_READY] = "GUEST_READY",
		[VMRPC_HOST_EV_GUEST_BAD_VERSION] = "GUEST_BAD_VERSION",
		[VMRPC_HOST_EV_GUEST_GONE] = "GUEST_GONE",
	};

	return (unsigned int)ev < sizeof(names) / sizeof(names[0]) ?
	       names[ev] : "UNKNOWN";
}

void zhostd_vmrpc_event(struct zhostd *zd, enum vmrpc_host_event ev,
			const char *detail)
{
	uint32_t gabi = 0;
	json_t *data;

	pthread_mutex_lock(&zd->lock);
	switch (ev) {
	case VMRPC_HOST_EV_QEMU_CONNECTED:
		zd->qemu_connected = true;
		break;
	case VMRPC_HOST_EV_QEMU_DISCONNECTED:
		zd->qemu_connected = false;
		zd->guest_ready = false;
		break;
	case VMRPC_HOST_EV_GUEST_READY:
	case VMRPC_HOST_EV_GUEST_BAD_VERSION:
		zd->guest_ready = ev == VMRPC_HOST_EV_GUEST_READY;
		zd->guest_abi = gabi = vmrpc_host_guest_abi(zd->vh);
		/* A new driver: ask it, whatever the last one did. */
		zd->guest_status_after = 0;
		break;
	case VMRPC_HOST_EV_GUEST_GONE:
		zd->guest_ready = false;
		break;
	case VMRPC_HOST_EV_QEMU_REFUSED:
		break;
	}
	pthread_mutex_unlock(&zd->lock);
	/* A guest driver that went or came back has no mounts any more. */
	if (ev != VMRPC_HOST_EV_QEMU_CONNECTED && ev != VMRPC_HOST_EV_QEMU_REFUSED)
		zh_hostfs_reset(zd->hostfs);

	/* The state above is kept; what a guest rebinding says is limited. */
	if ((ev == VMRPC_HOST_EV_GUEST_READY ||
	     ev == VMRPC_HOST_EV_GUEST_BAD_VERSION ||
	     ev == VMRPC_HOST_EV_GUEST_GONE) &&
	    !zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_DRIVER))
		goto out;

	if (ev == VMRPC_HOST_EV_GUEST_BAD_VERSION)
		zlog_err("guest speaks VMRPC ABI %u.%u, zhostd %u.%u: calls disabled (%s)",
			 VMRPC_ABI_MAJOR_OF(gabi), gabi & 0xffff,
			 VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR, detail ? detail : "");
	else if (ev == VMRPC_HOST_EV_QEMU_REFUSED)
		zlog_warn("refused a second QEMU: one VM per zhostd (%s)",
			  detail ? detail : "");
	else
		zlog_info("%s%s%s", vmrpc_event_name(ev), detail ? ": " : "",
			  detail ? detail : "");

	data = json_pack("{s:s?}", "detail", detail);
	if (data && (ev == VMRPC_HOST_EV_GUEST_READY ||
		     ev == VMRPC_HOST_EV_GUEST_BAD_VERSION)) {
		char s[16];

		snprintf(s, sizeof(s), "%u.%u", VMRPC_ABI_MAJOR_OF(gabi),
			 gabi & 0xffff);
		json_object_set_new(data, "guest_abi", json_string(s));
		snprintf(s, sizeof(s), "%u.%u", VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR);
		json_object_set_new(data, "host_abi", json_string(s));
	}
	zhostd_event(zd, vmrpc_event_name(ev), data);
out:
	/* What zhostd --recover needs, while QEMU runs. */
	if (ev == VMRPC_HOST_EV_QEMU_CONNECTED)
		zhostd_recover_record(zd);
	/* The VM is gone with all its memory: give the host all of it back. */
	if (ev == VMRPC_HOST_EV_QEMU_DISCONNECTED) {
		zhostd_recover_forget(zd);
		int ret = zhostd_memory_reset(&zd->mem);

		if (ret)
			zlog_err("cannot free the data area: %s", strerror(-ret));
	}
}

/*
 * The bucket of a memory event the guest triggers (a reset too: a guest
 * can unplug everything at will; zhostd's own, when QEMU left, shares the
 * bucket), or ZHOSTD_RL_NR (never limited) for a new requested size, which
 * only a control client or the policy sets.
 */
static enum zhostd_rl_kind memory_event_kind(enum zhostd_memory_change what)
{
	switch (what) {
	case ZHOSTD_MEM_PLUGGED:
	case ZHOSTD_MEM_UNPLUGGED:
	case ZHOSTD_MEM_RESET:
		return ZHOSTD_RL_MEMORY_CHANGED;
	case ZHOSTD_MEM_ASKED:
		return ZHOSTD_RL_GUEST_ASKED;
	case ZHOSTD_MEM_DONE:
		return ZHOSTD_RL_RESIZE_DONE;
	default:
		return ZHOSTD_RL_NR;
	}
}

void zhostd_memory_event(void *opaque, const struct zhostd_memory_event *ev)
{
	struct zhostd *zd = opaque;
	json_t *data;

	if (!zhostd_ratelimit_allow(zd->rl, memory_event_kind(ev->what)))
		return;
	switch (ev->what) {
	case ZHOSTD_MEM_PLUGGED:
	case ZHOSTD_MEM_UNPLUGGED:
	case ZHOSTD_MEM_RESET:
		zlog_debug("memory %s: subblocks %llu+%llu, %llu MiB plugged",
			   zhostd_memory_change_name(ev->what),
			   (unsigned long long)ev->first,
			   (unsigned long long)ev->count,
			   (unsigned long long)(ev->plugged >> 20));
		data = json_pack("{s:s, s:I, s:I, s:I, s:I}",
				 "change", zhostd_memory_change_name(ev->what),
				 "first", (json_int_t)ev->first,
				 "count", (json_int_t)ev->count,
				 "plugged", (json_int_t)ev->plugged,
				 "requested", (json_int_t)ev->requested);
		zhostd_event(zd, "MEMORY_CHANGED", data);
		break;
	case ZHOSTD_MEM_REQUESTED:
		zlog_info("requested size now %llu MiB (%llu MiB plugged)",
			  (unsigned long long)(ev->requested >> 20),
			  (unsigned long long)(ev->plugged >> 20));
		zhostd_event(zd, "MEMORY_REQUESTED",
			     json_pack("{s:I, s:I}",
				       "requested", (json_int_t)ev->requested,
				       "plugged", (json_int_t)ev->plugged));
		break;
	case ZHOSTD_MEM_ASKED:
		zlog_info("guest asked for %llu MiB more: %s%llu MiB, requested now %llu MiB",
			  (unsigned long long)(ev->asked >> 20),
			  ev->granted ? "granted " : "refused, ",
			  (unsigned long long)(ev->granted >> 20),
			  (unsigned long long)(ev->requested >> 20));
		zhostd_event(zd, "GUEST_ASKED",
			     json_pack("{s:I, s:I, s:I}",
				       "asked", (json_int_t)ev->asked,
				       "granted", (json_int_t)ev->granted,
				       "requested", (json_int_t)ev->requested));
		break;
	case ZHOSTD_MEM_DONE:
		if (ev->done.has_stages)
			zlog_info("guest resize ended at %llu MiB of %llu MiB: %s, in %.1f ms",
				  (unsigned long long)(ev->done.plugged >> 20),
				  (unsigned long long)(ev->done.requested >> 20),
				  zhostd_memory_reason_name(ev->done.reason),
				  ev->done.stages.total_us / 1e3);
		else
			zlog_info("guest resize ended at %llu MiB of %llu MiB: %s",
				  (unsigned long long)(ev->done.plugged >> 20),
				  (unsigned long long)(ev->done.requested >> 20),
				  zhostd_memory_reason_name(ev->done.reason));
		zhostd_event(zd, "RESIZE_DONE",
			     zhostd_mem_done_json(&ev->done, ev->done_seq));
		break;
	}
}

void zhostd_pin_event(void *opaque, const struct zhostd_pin_refusal *r)
{
	struct zhostd *zd = opaque;
	const char *reason = zh_pin_reason_name(r->reason);

	if (!zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PIN_REFUSED))
		return;
	zlog_warn("guest pin of subblocks %llu+%u: %u pinned, %llu MiB not pinned: %s%s%s",
		  (unsigned long long)r->first, r->count, r->done,
		  (unsigned long long)(r->bytes >> 20), reason,
		  r->error ? ": " : "", r->error ? strerror(r->error) : "");
	zhostd_event(zd, "PIN_REFUSED",
		     json_pack("{s:I, s:I, s:I, s:I, s:s, s:I}",
			       "first", (json_int_t)r->first,
			       "count", (json_int_t)r->count,
			       "pinned", (json_int_t)r->done,
			       "not_pinned", (json_int_t)r->bytes,
			       "reason", reason,
			       "error", (json_int_t)r->error));
}

void zhostd_suppressed_event(void *opaque, const struct zhostd_rl_report *r)
{
	struct zhostd *zd = opaque;
	const char *kind = zhostd_rl_kind_name(r->kind);

	zlog_warn("guest flood%s: %llu %s log lines and events suppressed in %.1f s (limit %d, then %d/s)",
		  r->ended ? " over" : " goes on",
		  (unsigned long long)r->dropped, kind, r->ms / 1000.0,
		  ZHOSTD_RL_BURST, ZHOSTD_RL_PER_S);
	zhostd_event(zd, "EVENTS_SUPPRESSED",
		     json_pack("{s:s, s:I, s:I, s:b}", "kind", kind,
			       "count", (json_int_t)r->dropped,
			       "ms", (json_int_t)r->ms, "ended", r->ended));
}
