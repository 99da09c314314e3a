/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd: the state of the daemon that serves one VM, shared by its parts.
 *
 * The parts, each using only those below it:
 *
 *   main.c                  the command line (options.c, help.c), then
 *   daemon.c                the process: VM directory, log, --daemon
 *                           (daemonize.c), signals, pid file (pid-file.c)
 *   vm.c                    puts one VM's parts together, in this order
 *   control.c, commands.c   the control socket and its command table;
 *   cmd-*.c                 the commands
 *   resize.c, wss-poller.c, the services commands and threads share;
 *   guard.c, ticker.c       the threads run on ticker.c
 *   events.c                events to the control clients: the one call
 *                           upwards, through zhostd_control_event()
 *   pin-serve.c             the guest's pin calls, under memory.c's lock
 *   paging-mode.c, paging-serve.c   host paging: its mode, the guest's
 *                           hints (paging.h has the layers)
 *   cmd-export.c            hostfs exports; hostfs/host/ serves the guest
 *   memory.c, memory-enforce.c, pin.c, pin-wire.c, policy.c, wss*.c,
 *   qmp.c, ratelimit.c, guestinfo-parse.c, unix-socket.c, log.c, errors.c
 *                           what needs no daemon: unit tests run them alone
 *   vmrpc/host/, mm-host/common/
 */
#ifndef ZHOSTD_H
#define ZHOSTD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "memory.h"
#include "paging.h"
#include "ticker.h"
#include "vmrpc-host.h"

#define ZHOSTD_VERSION			"0.1"

/* Defaults, shown in zhostd --help. */
#define ZHOSTD_NAME_DEFAULT		"zonehost"
#define ZHOSTD_CALL_TIMEOUT_MS_DEFAULT	5000

struct zh_hostfs;
struct zhostd_control;
struct zhostd_guard;
struct zhostd_ratelimit;
struct zhostd_wss;

/**
 * struct zhostd - one daemon, one VM
 * @name: VM name
 * @vh: the VMRPC host (memfd, ivshmem server, calls)
 * @cfg: the configuration @vh was created with
 * @call_timeout_ms: timeout of reverse calls made for control commands
 * @ctl: the control socket server
 * @lock: protects @qemu_connected, @guest_ready, @guest_abi and
 *	@guest_status_after
 * @qemu_connected: QEMU is connected to the ivshmem socket
 * @guest_ready: a guest driver with our ABI is bound
 * @guest_abi: the guest driver's VMRPC_ABI_VERSION, 0 before it spoke
 * @guest_status_after: CLOCK_MONOTONIC ms before which a status does not
 *	ask the guest again: it did not answer the last time (cmd-memory.c)
 * @mem: the memory backend (ZONE_HOST memory of the guest)
 * @pin: the pinned set (pin.h), attached to @mem
 * @wss: the working-set poller (wss-poller.h); NULL when not set up
 * @guard: the memory guard (guard.h); NULL when not set up
 * @rl: the limit on guest-triggered log lines and events (ratelimit.h);
 *	NULL lets everything through
 * @paging: host paging (paging.h)
 * @paging_ticker: the thread that keeps its mode (paging-mode.h)
 * @paging_ticker_init: @paging_ticker and @paging_tick_lock are set up
 * @paging_tick_lock: one tick at a time
 * @hostfs: the exports and the guest's mounts (hostfs/host/hostfs.h)
 * @adopt: set before zhostd_vm_open() for zhostd --recover: the dead
 *	zhostd's VM, taken over instead of a new one (recover.h); NULL
 * @vm_dir: the VM directory, when @keep_state
 * @keep_state: keep the state file zhostd --recover reads in @vm_dir
 *	while QEMU is connected (recover-fds.h)
 */
struct zhostd {
	const char *name;
	struct vmrpc_host *vh;
	struct vmrpc_host_config cfg;
	unsigned int call_timeout_ms;
	struct zhostd_control *ctl;
	pthread_mutex_t lock;
	bool qemu_connected;
	bool guest_ready;
	uint32_t guest_abi;
	uint64_t guest_status_after;
	struct zhostd_memory mem;
	struct zhostd_pin pin;
	struct zhostd_wss *wss;
	struct zhostd_guard *guard;
	struct zhostd_ratelimit *rl;
	struct zhostd_paging paging;
	struct zhostd_ticker paging_ticker;
	bool paging_ticker_init;
	pthread_mutex_t paging_tick_lock;
	struct zh_hostfs *hostfs;
	struct vmrpc_host_adopted *adopt;
	int vm_dir;
	bool keep_state;
};

#endif /* ZHOSTD_H */
