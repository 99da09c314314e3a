/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of VMRPC, as zhostd uses it.
 *
 * One struct vmrpc_host serves one VM: it creates the shared memfd (BAR2),
 * writes the superblock, is the ivshmem server QEMU's ivshmem-doorbell
 * device connects to, and at the same time the host peer (ivshmem ID 0)
 * that the guest rings. Calls from the guest are validated and dispatched
 * to handlers registered by module number, on worker threads. Calls to the
 * guest (reverse calls) are made with vmrpc_host_call() from any thread.
 *
 * Unless a function says otherwise it returns 0 on success and a negative
 * errno value on failure.
 */
#ifndef ZONEHOST_VMRPC_HOST_H
#define ZONEHOST_VMRPC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vmrpc.h>

#include "backing.h"

struct vmrpc_host;

/* What happened to the VM, reported through vmrpc_host_config.on_event. */
enum vmrpc_host_event {
	VMRPC_HOST_EV_QEMU_CONNECTED,	/* QEMU connected to the socket */
	VMRPC_HOST_EV_QEMU_REFUSED,	/* a second client was turned away */
	VMRPC_HOST_EV_QEMU_DISCONNECTED,/* QEMU closed the connection */
	VMRPC_HOST_EV_GUEST_READY,	/* guest driver bound, same ABI major */
	VMRPC_HOST_EV_GUEST_BAD_VERSION,/* guest driver speaks another ABI */
	VMRPC_HOST_EV_GUEST_GONE,	/* guest driver unbound */
};

/**
 * vmrpc_handler_fn - serves the calls of one module from the guest
 * @opaque: the pointer given to vmrpc_host_register()
 * @proc: procedure number within the module
 * @req: validated private copy of the request (never shared memory)
 * @req_len: bytes at @req
 * @resp: where to write the response
 * @resp_cap: at most this many bytes may be written to @resp
 * @resp_len: set to the bytes written
 *
 * Runs on a worker thread; several may run at once.
 *
 * Return: VMRPC_OK or a VMRPC_E* status for the guest.
 */
typedef uint32_t (*vmrpc_handler_fn)(void *opaque, uint16_t proc,
				     const void *req, uint32_t req_len,
				     void *resp, uint32_t resp_cap,
				     uint32_t *resp_len);

/**
 * struct vmrpc_host_config - how to set up a VM's VMRPC host
 * @socket_path: ivshmem server socket QEMU connects to
 * @bar_size: size of the memfd and BAR2, a power of two >= 256 MiB
 * @nr_slots: call slots per direction (1..VMRPC_NR_SLOTS_MAX)
 * @slot_size: bytes per slot, a power of two in
 *	[VMRPC_SLOT_SIZE_MIN, VMRPC_SLOT_SIZE_MAX]
 * @backing: what backs the memfd (backing.h); zeroed: shm. Check it
 *	with vmrpc_backing_open() first for a message that says why not.
 * @workers: threads running guest->host handlers (>= 1)
 * @sock_chown: give the ivshmem socket to @sock_uid:@sock_gid (mode stays
 *	0600), for a QEMU that runs as another user; needs CAP_CHOWN
 * @sock_uid: the socket's owner when @sock_chown
 * @sock_gid: its group when @sock_chown
 * @on_event: called on the library's thread when the VM connects,
 *	disconnects, binds or unbinds its driver; may be NULL
 * @opaque: passed to @on_event
 */
struct vmrpc_host_config {
	const char *socket_path;
	uint64_t bar_size;
	uint32_t nr_slots;
	uint32_t slot_size;
	struct vmrpc_backing backing;
	unsigned int workers;
	bool sock_chown;
	uid_t sock_uid;
	gid_t sock_gid;
	void (*on_event)(void *opaque, enum vmrpc_host_event ev,
			 const char *detail);
	void *opaque;
};

/**
 * struct vmrpc_host_stats - counters of one VM's VMRPC host
 * @g2h_calls: guest->host calls completed with any status
 * @g2h_errors: of those, completed with a status other than VMRPC_OK
 * @g2h_malformed: slots refused by validation (a subset of @g2h_errors)
 * @h2g_calls: host->guest calls that got a reply
 * @h2g_errors: of those, replies with a status other than VMRPC_OK
 * @h2g_timeouts: host->guest calls that timed out
 * @h2g_malformed: guest replies refused by validation
 * @h2g_in_flight: host->guest calls waiting for a reply now
 * @g2h_in_flight: guest->host calls being handled now
 * @connects: QEMU connections accepted
 * @refused: QEMU connections refused (one VM per server)
 * @g2h_status: guest->host calls completed, by the status written
 *	(index VMRPC_OK to VMRPC_NR_ERRORS - 1): how many of each kind of
 *	rejection a hostile guest got
 * @doorbells: doorbells the guest rang on any vector, as the eventfds
 *	counted them
 * @wakeups: times the event thread woke to serve them; the work of one
 *	wake-up is bounded (one pass over the slots), however many rang
 */
struct vmrpc_host_stats {
	uint64_t g2h_calls;
	uint64_t g2h_errors;
	uint64_t g2h_malformed;
	uint64_t h2g_calls;
	uint64_t h2g_errors;
	uint64_t h2g_timeouts;
	uint64_t h2g_malformed;
	uint64_t h2g_in_flight;
	uint64_t g2h_in_flight;
	uint64_t connects;
	uint64_t refused;
	uint64_t g2h_status[VMRPC_NR_ERRORS];
	uint64_t doorbells;
	uint64_t wakeups;
};

/* Defaults for struct vmrpc_host_config, shown in zhostd --help. */
#define VMRPC_HOST_BAR_SIZE_DEFAULT	(1ULL << 30)
#define VMRPC_HOST_WORKERS_DEFAULT	4

/**
 * vmrpc_host_create() - create the memfd, map it and write the superblock
 * @cfg: configuration; copied
 * @out: the new host
 *
 * Return: 0, -EINVAL for a bad configuration, or another negative errno.
 */
int vmrpc_host_create(const struct vmrpc_host_config *cfg,
		      struct vmrpc_host **out);

/**
 * struct vmrpc_host_adopted - what a host that died left with QEMU
 * @memfd: BAR2's memfd
 * @host_fd: the eventfds the guest rings the host through (peer 0)
 * @guest_fd: the eventfds that raise the guest's vectors
 * @pidfd: a pidfd of QEMU
 * @pid: its pid
 *
 * vmrpc_host_adopt() takes the descriptors and sets each it took to -1.
 */
struct vmrpc_host_adopted {
	int memfd;
	int host_fd[VMRPC_NR_VECTORS];
	int guest_fd[VMRPC_NR_VECTORS];
	int pidfd;
	pid_t pid;
};

/**
 * vmrpc_host_adopt() - set up a host over the VM of a host that died
 * @cfg: the configuration the dead host had (geometry, socket)
 * @a: what it left; the descriptors are taken on success
 * @out: set to the new host, NULL on failure
 * @err: on failure, why
 * @errlen: size of @err
 *
 * Nothing of the VM is written: the memfd must hold the superblock of a
 * serving host with @cfg's geometry (vmrpc_layout_adopt()). Reverse calls
 * the dead host left are orphaned (their replies dropped). Once started,
 * the host is connected to QEMU already and runs none of the guest's
 * calls until vmrpc_host_release_calls(), which answers those the dead
 * host had taken with VMRPC_EBUSY and runs the others; reverse calls
 * work at once, so the
 * caller can ask the guest for what it needs first. The socket listens
 * as after vmrpc_host_create(), for the VM's next QEMU; QEMU exiting is
 * a disconnect.
 *
 * Return: 0, -EPROTO when the memfd is not the dead host's (@err says
 * why), or another negative errno.
 */
int vmrpc_host_adopt(const struct vmrpc_host_config *cfg,
		     struct vmrpc_host_adopted *a, struct vmrpc_host **out,
		     char *err, size_t errlen);

/**
 * vmrpc_host_release_calls() - run the guest's calls from now on
 * @h: a host made by vmrpc_host_adopt(), started; a no-op for others
 */
void vmrpc_host_release_calls(struct vmrpc_host *h);

/**
 * vmrpc_host_peer_pid() - QEMU's pid
 * @h: the host
 *
 * Return: the pid of the connected QEMU (SO_PEERCRED), 0 without one.
 * On the event thread only (vmrpc_host_config.on_event).
 */
pid_t vmrpc_host_peer_pid(const struct vmrpc_host *h);

/**
 * vmrpc_host_peer_fds() - the eventfds shared with the connected QEMU
 * @h: the host
 * @host_fd: VMRPC_NR_VECTORS entries: the guest rings the host on these
 * @guest_fd: VMRPC_NR_VECTORS entries: these raise the guest's vectors
 *
 * The descriptors stay the host's. On the event thread only.
 *
 * Return: 0, or -ENOTCONN without QEMU.
 */
int vmrpc_host_peer_fds(const struct vmrpc_host *h, int *host_fd,
			int *guest_fd);

/**
 * vmrpc_host_register() - serve guest->host calls of one module
 * @h: the host
 * @module: module number (< VMRPC_NR_MODULES)
 * @fn: handler
 * @opaque: passed to @fn
 *
 * Must be called before vmrpc_host_start(). Module VMRPC_MOD_CORE is
 * served by the library itself (ping, host_info).
 *
 * Return: 0, -EINVAL for a bad module number, -EEXIST if taken.
 */
int vmrpc_host_register(struct vmrpc_host *h, uint16_t module,
			vmrpc_handler_fn fn, void *opaque);

/**
 * vmrpc_host_start() - listen on the socket and serve, on own threads
 * @h: the host
 *
 * Return: 0, or a negative errno (-EADDRINUSE when another server is
 * listening on the socket path).
 */
int vmrpc_host_start(struct vmrpc_host *h);

/**
 * vmrpc_host_call() - call a procedure in the guest and wait for its reply
 * @h: the host
 * @module: module number
 * @proc: procedure number
 * @req: request bytes
 * @req_len: bytes at @req (at most the slot payload size)
 * @resp: buffer for the response
 * @resp_cap: size of @resp
 * @resp_len: set to the response bytes received
 * @status: set to the guest's VMRPC status when the guest answered
 * @timeout_ms: give up after this many milliseconds (waiting for a free
 *	slot included)
 *
 * Safe to call from several threads at once; calls run in parallel, one
 * per slot.
 *
 * Return: 0 when the guest answered (see @status), -ENOTCONN when no guest
 * driver is bound, -ETIMEDOUT, -EPROTO for a malformed reply, -EINVAL for
 * bad arguments.
 */
int vmrpc_host_call(struct vmrpc_host *h, uint16_t module, uint16_t proc,
		    const void *req, uint32_t req_len, void *resp,
		    uint32_t resp_cap, uint32_t *resp_len, uint32_t *status,
		    unsigned int timeout_ms);

/**
 * vmrpc_host_stop() - stop serving: mark the host gone in the superblock,
 * tell the guest, fail waiting calls with -ESHUTDOWN, join the threads
 * @h: the host
 */
void vmrpc_host_stop(struct vmrpc_host *h);

/**
 * vmrpc_host_destroy() - unmap and close everything, unlink the socket
 * @h: the host, stopped or never started; may be NULL
 */
void vmrpc_host_destroy(struct vmrpc_host *h);

/* The memfd backing BAR2, for the memory backend (fallocate, mlock). */
int vmrpc_host_memfd(const struct vmrpc_host *h);

/* The host's mapping of BAR2 (bar_size bytes). */
void *vmrpc_host_bar(const struct vmrpc_host *h);

/**
 * struct vmrpc_host_data_area - the data area of BAR2 (ZONE_HOST memory),
 * from the host's own copy of the layout, never from shared memory
 * @offset: offset in the memfd
 * @size: bytes
 * @subblock_size: the plug unit
 */
struct vmrpc_host_data_area {
	uint64_t offset;
	uint64_t size;
	uint32_t subblock_size;
};

/* Where the data area is, as published to the guest. */
void vmrpc_host_data_area(const struct vmrpc_host *h,
			  struct vmrpc_host_data_area *area);

/**
 * vmrpc_host_spare_area() - the part of the control area nobody uses
 * @h: the host
 * @offset: set to its offset in the memfd (after the call slots)
 * @size: set to its size, up to the data area (0: none)
 *
 * No one puts anything there, but QEMU maps all of BAR2: what a guest
 * writes there takes host memory. The host frees it when QEMU
 * disconnects; a memory backend may free it any time (it is never in
 * use), with fallocate(FALLOC_FL_PUNCH_HOLE).
 */
void vmrpc_host_spare_area(const struct vmrpc_host *h, uint64_t *offset,
			   uint64_t *size);

/* Whether a guest driver with our ABI major is bound now. */
bool vmrpc_host_guest_ready(const struct vmrpc_host *h);

/**
 * vmrpc_host_guest_abi() - the guest driver's VMRPC_ABI_VERSION
 * @h: the host
 *
 * As the host read it from the superblock, once, for the last
 * VMRPC_HOST_EV_GUEST_READY or VMRPC_HOST_EV_GUEST_BAD_VERSION. Call it
 * from the on_event callback of those events: the VMRPC thread writes it.
 *
 * Return: the version (major << 16 | minor), 0 before a guest spoke.
 */
uint32_t vmrpc_host_guest_abi(const struct vmrpc_host *h);

/* A consistent snapshot of the counters. */
void vmrpc_host_get_stats(const struct vmrpc_host *h,
			  struct vmrpc_host_stats *stats);

/* Human-readable text of a VMRPC_E* status ("no such module", ...). */
const char *vmrpc_status_str(uint32_t status);

/**
 * vmrpc_status_name() - short name of a VMRPC status, for counters
 * @status: VMRPC_OK or a VMRPC_E* code
 *
 * Return: "ok", "enomod", ... as in vmrpc.h, lower case; "unknown" for
 * a number that is no status.
 */
const char *vmrpc_status_name(uint32_t status);

#endif /* ZONEHOST_VMRPC_HOST_H */
