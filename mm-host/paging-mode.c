// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's paging mode kept and told; see paging-mode.h.
 */
#include <string.h>

#include "events.h"
#include "log.h"
#include "paging-mode.h"
#include "paging.h"

/* The guest's VMRPC_PAGING_STATUS; 0, 1 for no module 5, -1 otherwise. */
static int ask_status(struct zhostd *zd, struct zh_paging_guest_status *st)
{
	struct vmrpc_paging_status buf;
	uint32_t len = 0, status = 0;
	int ret;

	ret = vmrpc_host_call(zd->vh, VMRPC_MOD_PAGING, VMRPC_PAGING_STATUS,
			      NULL, 0, &buf, sizeof(buf), &len, &status,
			      zd->call_timeout_ms);
	if (ret)
		return -1;
	if (status == VMRPC_ENOMOD || status == VMRPC_ENOPROC)
		return 1;
	if (status != VMRPC_OK || zh_paging_status_parse(&buf, len, st)) {
		if (zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PAGING))
			zlog_warn("guest paging status: %s",
				  status != VMRPC_OK ? vmrpc_status_name(status) :
						       "malformed reply");
		return -1;
	}
	return 0;
}

/* VMRPC_PAGING_SET_MODE; the guest's mode after it, or -1. */
static int set_mode(struct zhostd *zd, uint32_t mode, uint32_t reason)
{
	struct vmrpc_paging_mode req, buf;
	uint32_t len = 0, status = 0, gmode, greason;

	zh_paging_mode_encode(&req, mode, reason);
	if (vmrpc_host_call(zd->vh, VMRPC_MOD_PAGING, VMRPC_PAGING_SET_MODE,
			    &req, sizeof(req), &buf, sizeof(buf), &len, &status,
			    zd->call_timeout_ms))
		return -1;
	if (status != VMRPC_OK || zh_paging_mode_parse(&buf, len, &gmode, &greason)) {
		if (zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PAGING))
			zlog_warn("guest paging mode: %s",
				  status != VMRPC_OK ? vmrpc_status_name(status) :
						       "malformed reply");
		return -1;
	}
	if (gmode != mode && zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PAGING))
		zlog_warn("guest stays in paging mode %s: %s",
			  zh_paging_mode_name(gmode), zh_paging_reason_name(greason));
	return (int)gmode;
}

static void mode_event(struct zhostd *zd, uint32_t mode, uint32_t reason,
		       int guest_mode)
{
	zhostd_event(zd, "PAGING_MODE",
		     json_pack("{s:s, s:s, s:s?}", "mode", zh_paging_mode_name(mode),
			       "reason", zh_paging_reason_name(reason),
			       "guest_mode", guest_mode < 0 ? NULL :
			       zh_paging_mode_name((uint32_t)guest_mode)));
}

void zhostd_paging_tick(struct zhostd *zd)
{
	struct zhostd_paging *p = &zd->paging;
	uint32_t old, old_reason, mode, reason;
	struct zhostd_paging_info before;
	struct zh_paging_guest_status st;
	uint64_t total = 0, avail = 0;
	int gmode = -1, ret;

	if (!p->geom.sb_pages)
		return;
	/* One tick at a time: the thread and the paging command. */
	pthread_mutex_lock(&zd->paging_tick_lock);
	zhostd_paging_get(p, &before);
	old = before.mode;
	old_reason = before.reason;
	if (zhostd_read_swap(&total, &avail))
		total = avail = 0;
	mode = zhostd_paging_update(p, total, avail, &reason);
	if (mode != old || reason != old_reason) {
		zlog_info("host paging %s (%s); host swap %llu of %llu MiB free",
			  mode == VMRPC_PAGING_MODE_HOST ? "on" : "off",
			  zh_paging_reason_name(reason),
			  (unsigned long long)(avail >> 20),
			  (unsigned long long)(total >> 20));
	}
	if (!vmrpc_host_guest_ready(zd->vh)) {
		zhostd_paging_set_guest(p, NULL, false);
		goto out;
	}
	/*
	 * Nothing to tell a guest without the module, or one left stock that
	 * knows why (the reason matters only when host paging is wanted).
	 */
	if (before.guest_unsupported ||
	    (mode == VMRPC_PAGING_MODE_GUEST && before.guest_known &&
	     before.guest.mode == VMRPC_PAGING_MODE_GUEST &&
	     (reason == VMRPC_PAGING_R_DISABLED || before.guest.reason == reason)))
		goto out;
	ret = ask_status(zd, &st);
	if (ret) {
		if (ret > 0)
			zlog_info("the guest does not support host paging (no VMRPC module %d)",
				  VMRPC_MOD_PAGING);
		zhostd_paging_set_guest(p, NULL, ret > 0);
		goto out;
	}
	/*
	 * Also when the mode is right but the guest does not know why the
	 * host does not page (it asked for host paging and cannot): the
	 * guest's reason says so to whoever looks inside.
	 */
	if (st.mode != mode ||
	    (mode == VMRPC_PAGING_MODE_GUEST && reason != VMRPC_PAGING_R_DISABLED &&
	     st.reason != reason)) {
		gmode = set_mode(zd, mode, reason);
		if (gmode >= 0)
			st.mode = (uint32_t)gmode;
	}
	zhostd_paging_set_guest(p, &st, false);
	if (gmode >= 0 && (!before.guest_known || before.guest.mode != (uint32_t)gmode))
		mode_event(zd, mode, reason, gmode);
	else if (mode != old || reason != old_reason)
		mode_event(zd, mode, reason, (int)st.mode);
	pthread_mutex_unlock(&zd->paging_tick_lock);
	return;
out:
	if (mode != old || reason != old_reason)
		mode_event(zd, mode, reason, -1);
	pthread_mutex_unlock(&zd->paging_tick_lock);
}

static void paging_tick(void *arg)
{
	zhostd_paging_tick(arg);
}

int zhostd_paging_thread_init(struct zhostd *zd)
{
	pthread_mutex_init(&zd->paging_tick_lock, NULL);
	zhostd_ticker_init(&zd->paging_ticker, ZHOSTD_PAGING_TICK_MS,
			   paging_tick, zd);
	zd->paging_ticker_init = true;
	return 0;
}

int zhostd_paging_thread_start(struct zhostd *zd)
{
	return zhostd_ticker_start(&zd->paging_ticker);
}

void zhostd_paging_thread_stop(struct zhostd *zd)
{
	if (zd->paging_ticker_init)
		zhostd_ticker_stop(&zd->paging_ticker);
}
