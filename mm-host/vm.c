// SPDX-License-Identifier: GPL-2.0-only
/*
 * One VM served; see vm.h.
 */
#include <errno.h>
#include <string.h>

#include "backing-info.h"
#include "control.h"
#include "events.h"
#include "guard.h"
#include "hostfs.h"
#include "log.h"
#include "paging-mode.h"
#include "paging-serve.h"
#include "pin-serve.h"
#include "ratelimit.h"
#include "recover.h"
#include "vm.h"
#include "wss-poller.h"

/*
 * The working-set poller, with the policy's sizes checked against the
 * subblock size and the maximum, known only now.
 */
static int vm_open_wss(struct zhostd *zd, const struct zhostd_options *o)
{
	struct zhostd_wss_config wc = o->wss;
	struct zhostd_policy_params *p = &wc.params;
	char msg[ZHOSTD_OPTIONS_MSG_MAX];
	int ret;

	p->subblock = zd->mem.area.subblock_size;
	p->max = zd->mem.info.max;
	if (zhostd_options_check_policy(p, msg, sizeof(msg))) {
		zlog_err("%s", msg);
		return -EINVAL;
	}
	ret = zhostd_wss_create(zd, &wc, &zd->wss);
	if (ret) {
		zlog_err("working-set poller: %s", strerror(-ret));
		return ret;
	}
	if (wc.policy)
		zlog_info("policy auto: headroom %llu MiB + %u%%, between %llu and %llu MiB, shrink after %u windows by at most %llu MiB",
			  (unsigned long long)(p->headroom >> 20),
			  p->headroom_percent,
			  (unsigned long long)(p->min >> 20),
			  (unsigned long long)(p->max >> 20), p->shrink_after,
			  (unsigned long long)(p->shrink_step >> 20));
	return 0;
}

/* The memory backend over the VMRPC host's data area, serving its calls. */
static int vm_open_memory(struct zhostd *zd, const struct zhostd_options *o)
{
	struct vmrpc_host_data_area area;
	uint64_t spare, spare_size;
	char err[160];
	int ret;

	vmrpc_host_data_area(zd->vh, &area);
	ret = zhostd_memory_init(&zd->mem, vmrpc_host_memfd(zd->vh), &area,
				 o->initial,
				 o->max == UINT64_MAX ? area.size : o->max,
				 err, sizeof(err));
	if (ret) {
		zlog_err("memory: %s", ret == -ENOMEM ? "out of memory" : err);
		return ret;
	}
	zd->mem.on_event = zhostd_memory_event;
	zd->mem.allow_ask = o->allow_ask;
	zd->mem.opaque = zd;
	/* The guard frees what a guest puts past the call slots too. */
	vmrpc_host_spare_area(zd->vh, &spare, &spare_size);
	zhostd_memory_set_spare(&zd->mem, spare, spare_size);
	if (o->cfg.backing.kind == VMRPC_BACKING_HUGETLB)
		zhostd_memory_set_hugetlb(&zd->mem);
	ret = vmrpc_host_register(zd->vh, VMRPC_MOD_MEM, zhostd_memory_serve,
				  &zd->mem);
	if (ret)
		zlog_err("cannot serve the memory calls: %s", strerror(-ret));
	return ret;
}

/*
 * The pinned set over the same data area, attached to the memory backend
 * (which calls it on every plug and unplug), serving the guest's pins.
 */
static int vm_open_pin(struct zhostd *zd, const struct zhostd_options *o)
{
	struct vmrpc_host_data_area area;
	int ret;

	vmrpc_host_data_area(zd->vh, &area);
	ret = zhostd_pin_init(&zd->pin, vmrpc_host_memfd(zd->vh), &area,
			      o->max_pinned, o->lock_all);
	if (ret) {
		zlog_err("cannot map the data area for pinning: %s",
			 strerror(-ret));
		return ret;
	}
	zd->pin.on_refused = zhostd_pin_event;
	zd->pin.opaque = zd;
	zhostd_memory_set_pin(&zd->mem, &zd->pin);
	ret = vmrpc_host_register(zd->vh, VMRPC_MOD_PIN, zhostd_pin_serve,
				  &zd->mem);
	if (ret)
		zlog_err("cannot serve the pin calls: %s", strerror(-ret));
	return ret;
}

/*
 * Host paging over the same data area: its state, the thread that keeps
 * its mode, and the guest's hints served.
 */
static int vm_open_paging(struct zhostd *zd, const struct zhostd_options *o)
{
	struct vmrpc_host_data_area area;
	int ret;

	vmrpc_host_data_area(zd->vh, &area);
	ret = zhostd_paging_init(&zd->paging, vmrpc_host_memfd(zd->vh), &area,
				 o->host_paging, o->paging_swap_floor);
	if (ret) {
		zlog_err("host paging: the subblock is not a multiple of %u bytes",
			 VMRPC_PAGING_PAGE_SIZE);
		return ret;
	}
	ret = zhostd_paging_thread_init(zd);
	if (ret)
		return ret;
	if (o->host_paging)
		zlog_info("host paging on when the guest is ready (free host swap floor %llu MiB)",
			  (unsigned long long)(o->paging_swap_floor >> 20));
	ret = vmrpc_host_register(zd->vh, VMRPC_MOD_PAGING, zhostd_paging_serve,
				  zd);
	if (ret)
		zlog_err("cannot serve the paging calls: %s", strerror(-ret));
	return ret;
}

/*
 * hostfs: the --export directories opened, the guest's calls served
 * beneath them, frames checked against the memory backend's map.
 */
static int vm_open_hostfs(struct zhostd *zd, const struct zhostd_options *o)
{
	struct vmrpc_host_data_area area;
	char err[256];
	int ret;

	vmrpc_host_data_area(zd->vh, &area);
	ret = zh_hostfs_create(&zd->hostfs, &zd->mem, vmrpc_host_memfd(zd->vh),
			       &area, o->cfg.backing.kind == VMRPC_BACKING_HUGETLB,
			       zd->rl);
	if (ret) {
		zlog_err("hostfs: out of memory");
		return ret;
	}
	for (unsigned int i = 0; i < o->nr_exports; i++) {
		const struct zh_hostfs_spec *sp = &o->exports[i];

		ret = zh_hostfs_export_add(zd->hostfs, sp, err, sizeof(err));
		if (ret) {
			zlog_err("--export %s: %s", sp->tag, err);
			return ret;
		}
		zlog_info("exporting %s as hostfs %s%s%s", sp->dir, sp->tag,
			  sp->ro ? ", read-only" : "",
			  sp->creds ? ", as its uid and gid" : "");
	}
	ret = vmrpc_host_register(zd->vh, VMRPC_MOD_HOSTFS, zh_hostfs_serve,
				  zd->hostfs);
	if (ret)
		zlog_err("cannot serve the hostfs calls: %s", strerror(-ret));
	return ret;
}

/* The VMRPC host: a new VM, or (zhostd --recover) the dead zhostd's. */
static int vm_open_host(struct zhostd *zd)
{
	char err[256];
	int ret;

	if (!zd->adopt) {
		ret = vmrpc_host_create(&zd->cfg, &zd->vh);
		if (ret)
			zlog_err("cannot set up %llu MiB of shared memory: %s",
				 (unsigned long long)(zd->cfg.bar_size >> 20),
				 strerror(-ret));
		return ret;
	}
	ret = vmrpc_host_adopt(&zd->cfg, zd->adopt, &zd->vh, err, sizeof(err));
	if (ret)
		zlog_err("recover: the VM's shared memory is not what zhostd left: %s",
			 err);
	return ret;
}

int zhostd_vm_open(struct zhostd *zd, const struct zhostd_options *o,
		   void (*on_event)(void *opaque, enum vmrpc_host_event ev,
				    const char *detail),
		   void *opaque)
{
	int ret;

	zd->name = o->name;
	zd->call_timeout_ms = o->call_timeout_ms;
	zd->cfg = o->cfg;
	zd->cfg.on_event = on_event;
	zd->cfg.opaque = opaque;

	/* Before anything the guest can trigger logs or events through. */
	ret = zhostd_ratelimit_create(zhostd_suppressed_event, zd, &zd->rl);
	if (ret) {
		zlog_err("cannot set up the log rate limit: %s", strerror(-ret));
		return ret;
	}
	ret = zhostd_control_open(zd, o->control_path, &zd->ctl);
	if (ret) {
		zlog_err("control socket %s: %s%s", o->control_path, strerror(-ret),
			 ret == -EADDRINUSE ? " (another zhostd serves this VM)" : "");
		zhostd_ratelimit_destroy(zd->rl);
		zd->rl = NULL;
		return ret;
	}
	zhostd_control_set_max_clients(zd->ctl, o->max_clients);
	ret = zhostd_backing_check(&zd->cfg.backing, zd->cfg.bar_size);
	if (ret)
		goto fail;
	ret = vm_open_host(zd);
	if (ret)
		goto fail;
	ret = vm_open_memory(zd, o);
	if (ret)
		goto fail;
	ret = vm_open_pin(zd, o);
	if (ret)
		goto fail;
	ret = vm_open_paging(zd, o);
	if (ret)
		goto fail;
	ret = vm_open_hostfs(zd, o);
	if (ret)
		goto fail;
	ret = vm_open_wss(zd, o);
	if (ret)
		goto fail;
	ret = zhostd_guard_create(zd, &o->guard, &zd->guard);
	if (ret) {
		zlog_err("memory guard: %s", strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	zhostd_vm_close(zd);
	return ret;
}

int zhostd_vm_start(struct zhostd *zd, const struct zhostd_options *o)
{
	int ret;

	ret = vmrpc_host_start(zd->vh);
	if (ret) {
		zlog_err("ivshmem socket %s: %s%s", o->socket_path, strerror(-ret),
			 ret == -EADDRINUSE ? " (another server listens there)" : "");
		return ret;
	}
	/*
	 * Before the poller and the guard: they act on the plugged map,
	 * which a recovery learns from the guest first.
	 */
	if (zd->adopt) {
		ret = zhostd_recover_rebuild(zd);
		if (ret)
			goto fail;
		vmrpc_host_release_calls(zd->vh);
	}
	ret = zhostd_wss_start(zd->wss);
	if (ret) {
		zlog_err("cannot start the working-set poller: %s", strerror(-ret));
		goto fail;
	}
	ret = zhostd_guard_start(zd->guard);
	if (ret) {
		zlog_err("cannot start the memory guard: %s", strerror(-ret));
		goto fail;
	}
	ret = zhostd_ratelimit_start(zd->rl);
	if (ret) {
		zlog_err("cannot start the log rate limit: %s", strerror(-ret));
		goto fail;
	}
	ret = zhostd_paging_thread_start(zd);
	if (ret) {
		zlog_err("cannot start the host paging thread: %s", strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	zhostd_vm_stop(zd);
	return ret;
}

void zhostd_vm_stop(struct zhostd *zd)
{
	zhostd_paging_thread_stop(zd);
	zhostd_guard_stop(zd->guard);
	if (zd->wss)
		zhostd_wss_stop(zd->wss);
	vmrpc_host_stop(zd->vh);
	/* Last: the parts above may still report; a flood left open is told. */
	zhostd_ratelimit_stop(zd->rl);
}

void zhostd_vm_close(struct zhostd *zd)
{
	zhostd_vm_stop(zd);
	/*
	 * Clients first: a command still running uses the host, the memory,
	 * the poller and the guard, which may go only once no client is
	 * left. Events from here on have nobody to go to.
	 */
	zhostd_control_close(zd->ctl);
	zd->ctl = NULL;
	if (zd->vh) {
		vmrpc_host_destroy(zd->vh);
		zd->vh = NULL;
		zhostd_memory_destroy(&zd->mem);
		/* After the memory: nothing plugs or unplugs any more. */
		zhostd_pin_destroy(&zd->pin);
		zhostd_paging_destroy(&zd->paging);
	}
	/* After the host: no call is served any more. */
	zh_hostfs_destroy(zd->hostfs);
	zd->hostfs = NULL;
	if (zd->paging_ticker_init) {
		zhostd_ticker_destroy(&zd->paging_ticker);
		pthread_mutex_destroy(&zd->paging_tick_lock);
		zd->paging_ticker_init = false;
	}
	zhostd_wss_destroy(zd->wss);
	zd->wss = NULL;
	zhostd_guard_destroy(zd->guard);
	zd->guard = NULL;
	zhostd_ratelimit_destroy(zd->rl);
	zd->rl = NULL;
}
