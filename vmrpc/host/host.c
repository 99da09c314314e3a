// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMRPC host of one VM: life cycle and the event thread.
 *
 * One event thread polls the listening socket, the QEMU connection, the
 * host peer's doorbell eventfds and an internal wake-up eventfd. It accepts
 * and drops QEMU, tracks the guest driver's state, scans guest->host slots
 * (the calls themselves run on the dispatcher's workers) and collects
 * replies to host->guest calls; it answers the echo doorbell itself (the
 * floor, VMRPC_F_ECHO). Everything it owns is touched by no other
 * thread once vmrpc_host_start() returned, until vmrpc_host_stop() joined
 * it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "call.h"
#include "dispatch.h"
#include "ivshmem-server.h"
#include "layout.h"
#include "stats.h"
#include "vmrpc-host.h"

#define HOST_WORKERS_MAX	1024
#define HOST_BACKOFF_MS		100	/* after accept() ran out of resources */
#define HOST_DETAIL_MAX		128

/* The host whose event thread this is, on that thread; NULL elsewhere. */
static _Thread_local const struct vmrpc_host *host_event_self;

/**
 * struct vmrpc_host - see vmrpc-host.h
 * @cfg: configuration; @cfg.socket_path points at @socket_path
 * @socket_path: our copy of the path
 * @layout: BAR2
 * @stats: counters
 * @server: the ivshmem server; its fds belong to the event thread
 * @server_ok: @server was initialized
 * @dispatch: guest->host calls
 * @calls: host->guest calls
 * @wake_fd: eventfd that wakes the event thread for vmrpc_host_stop()
 * @life_lock: protects @started and @stopped
 * @started: vmrpc_host_start() succeeded
 * @stopped: vmrpc_host_stop() ran
 * @thread: the event thread, valid while @started
 * @stopping: tells the event thread to return (atomic)
 * @guest_ready: event thread: a driver with our ABI major is bound
 * @seen: event thread: the guest fields at the last VMRPC_HVEC_CONFIG
 * @seen_valid: event thread: @seen holds something since the connection
 * @adopted: made by vmrpc_host_adopt(): the event thread starts with the
 *	VM already connected
 * @hold_calls: guest->host calls are not run until
 *	vmrpc_host_release_calls() (atomic)
 * @scan_held: event thread: the guest rang while @hold_calls was set
 * @orphaned: reverse calls of the dead host that vmrpc_host_adopt() found
 * @stale_done: event thread: the dead host's taken calls were answered
 */
struct vmrpc_host {
	struct vmrpc_host_config cfg;
	char *socket_path;
	struct vmrpc_layout layout;
	struct vmrpc_stats stats;
	struct ivshmem_server server;
	bool server_ok;
	struct vmrpc_dispatch *dispatch;
	struct vmrpc_calls *calls;
	int wake_fd;

	pthread_mutex_t life_lock;
	bool started;
	bool stopped;
	pthread_t thread;
	bool stopping;

	bool guest_ready;
	struct vmrpc_guest_view seen;
	bool seen_valid;

	bool adopted;
	bool hold_calls;
	bool scan_held;
	uint32_t orphaned;
	bool stale_done;
};

static void host_emit(struct vmrpc_host *h, enum vmrpc_host_event ev,
		      const char *detail)
{
	if (h->cfg.on_event)
		h->cfg.on_event(h->cfg.opaque, ev, detail);
}

/* vmrpc_raise_fn for the dispatcher and the reverse calls. */
static void host_raise(void *opaque, unsigned int vector)
{
	struct vmrpc_host *h = opaque;

	/* Without a client there is nobody to interrupt; nothing to do. */
	ivshmem_server_notify(&h->server, vector);
}

/* --- guest state ------------------------------------------------------ */

/*
 * The driver the host was talking to is gone: fail reverse calls, forget
 * sequence numbers and drop replies of calls still running.
 * Returns true if a ready guest was lost.
 */
static bool host_guest_lost(struct vmrpc_host *h)
{
	bool was_ready = h->guest_ready;

	h->guest_ready = false;
	vmrpc_calls_set_ready(h->calls, false);
	vmrpc_dispatch_reset(h->dispatch);
	return was_ready;
}

static void host_bad_version(struct vmrpc_host *h, uint32_t guest_abi)
{
	char detail[HOST_DETAIL_MAX];

	snprintf(detail, sizeof(detail),
		 "guest ABI %u.%u, host ABI %u.%u",
		 VMRPC_ABI_MAJOR_OF(guest_abi), guest_abi & 0xffff,
		 VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR);
	host_emit(h, VMRPC_HOST_EV_GUEST_BAD_VERSION, detail);
}

/* The guest rang VMRPC_HVEC_CONFIG: read its superblock fields once. */
static void host_guest_config(struct vmrpc_host *h)
{
	struct vmrpc_guest_view g;
	char detail[HOST_DETAIL_MAX];

	vmrpc_layout_read_guest(&h->layout, &g);
	/* A doorbell without a change (or a repeated one) is no event. */
	if (h->seen_valid && g.state == h->seen.state &&
	    g.abi_version == h->seen.abi_version &&
	    g.generation == h->seen.generation)
		return;
	h->seen = g;
	h->seen_valid = true;

	switch (g.state) {
	case VMRPC_GUEST_READY:
		if (VMRPC_ABI_MAJOR_OF(g.abi_version) != VMRPC_ABI_MAJOR) {
			if (host_guest_lost(h))
				host_emit(h, VMRPC_HOST_EV_GUEST_GONE,
					  "driver replaced");
			host_bad_version(h, g.abi_version);
			break;
		}
		/* A new generation without GONE: the guest rebooted. */
		if (h->guest_ready && host_guest_lost(h))
			host_emit(h, VMRPC_HOST_EV_GUEST_GONE,
				  "driver replaced");
		h->guest_ready = true;
		vmrpc_calls_set_ready(h->calls, true);
		snprintf(detail, sizeof(detail),
			 "guest ABI %u.%u, generation %u",
			 VMRPC_ABI_MAJOR_OF(g.abi_version),
			 g.abi_version & 0xffff, g.generation);
		host_emit(h, VMRPC_HOST_EV_GUEST_READY, detail);
		break;
	case VMRPC_GUEST_BAD_VERSION:
		if (host_guest_lost(h))
			host_emit(h, VMRPC_HOST_EV_GUEST_GONE,
				  "driver replaced");
		host_bad_version(h, g.abi_version);
		break;
	case VMRPC_GUEST_GONE:
	case VMRPC_GUEST_ABSENT:
		if (host_guest_lost(h))
			host_emit(h, VMRPC_HOST_EV_GUEST_GONE,
				  "driver unbound");
		break;
	default:
		/* Not a state: ignore it, keep what we knew. */
		break;
	}
}

/* --- QEMU connection -------------------------------------------------- */

static void host_accept(struct vmrpc_host *h)
{
	int ret = ivshmem_server_accept(&h->server);

	switch (ret) {
	case IVSHMEM_ACCEPT_NONE:
		break;
	case IVSHMEM_ACCEPT_CONNECTED:
		vmrpc_stats_connection(&h->stats, true);
		vmrpc_dispatch_reset(h->dispatch);
		h->seen_valid = false;
		host_emit(h, VMRPC_HOST_EV_QEMU_CONNECTED, "peer 1");
		break;
	case IVSHMEM_ACCEPT_REFUSED:
		vmrpc_stats_connection(&h->stats, false);
		host_emit(h, VMRPC_HOST_EV_QEMU_REFUSED,
			  "a VM is already connected");
		break;
	default:
		/* Out of fds or memory: do not spin on a readable listener. */
		if (ret == -EMFILE || ret == -ENFILE || ret == -ENOBUFS ||
		    ret == -ENOMEM)
			poll(NULL, 0, HOST_BACKOFF_MS);
		break;
	}
}

static void host_disconnected(struct vmrpc_host *h)
{
	char detail[HOST_DETAIL_MAX];
	bool was_ready;
	int ret;

	ivshmem_server_disconnect(&h->server);
	was_ready = host_guest_lost(h);
	/*
	 * Nothing uses a slot now; a new VM starts from a clean area, before
	 * this thread accepts it.
	 */
	ret = vmrpc_layout_forget_guest(&h->layout);
	h->seen_valid = false;
	if (was_ready)
		host_emit(h, VMRPC_HOST_EV_GUEST_GONE, "QEMU disconnected");
	snprintf(detail, sizeof(detail), "connection closed%s%s",
		 ret ? "; cannot free the control area: " : "",
		 ret ? strerror(-ret) : "");
	host_emit(h, VMRPC_HOST_EV_QEMU_DISCONNECTED, detail);
}

/*
 * First thing on the event thread of an adopted host: QEMU is connected
 * already and the guest's driver state is in the superblock. The guest's
 * calls wait for vmrpc_host_release_calls() (host_run_held()).
 */
static void host_adopted(struct vmrpc_host *h)
{
	char detail[HOST_DETAIL_MAX];

	vmrpc_stats_connection(&h->stats, true);
	snprintf(detail, sizeof(detail),
		 "peer 1, recovered (pid %d); %u reverse calls of the last host orphaned",
		 (int)h->server.client_pid, h->orphaned);
	host_emit(h, VMRPC_HOST_EV_QEMU_CONNECTED, detail);
	h->seen_valid = false;
	host_guest_config(h);
	h->scan_held = true;
}

/*
 * vmrpc_host_release_calls() was called: answer what the dead host had
 * taken, then run what the guest posted. Not before: a recovery that is
 * refused leaves the slots as it found them.
 */
static void host_run_held(struct vmrpc_host *h)
{
	h->scan_held = false;
	if (h->adopted && !h->stale_done) {
		h->stale_done = true;
		if (vmrpc_dispatch_fail_stale(h->dispatch))
			ivshmem_server_notify(&h->server, VMRPC_GVEC_DONE);
	}
	vmrpc_dispatch_scan(h->dispatch);
}

/* --- event thread ----------------------------------------------------- */

enum {
	PFD_WAKE,
	PFD_LISTEN,
	PFD_CLIENT,
	PFD_VECTOR,	/* VMRPC_NR_VECTORS entries from here */
	PFD_MAX = PFD_VECTOR + VMRPC_NR_VECTORS,
};

/*
 * Consume the doorbells of host vector @v and count them. However many the
 * guest rang, the caller then does one bounded pass: a flood costs the
 * host one pass per wake-up, not one per ring.
 */
static bool host_drain(struct vmrpc_host *h, unsigned int v)
{
	uint64_t rung = ivshmem_server_drain(&h->server, v);

	if (rung)
		vmrpc_stats_doorbells(&h->stats, rung);
	return rung != 0;
}

static void *host_event_thread(void *arg)
{
	struct vmrpc_host *h = arg;
	struct ivshmem_server *s = &h->server;

	host_event_self = h;
	if (h->adopted)
		host_adopted(h);
	while (!__atomic_load_n(&h->stopping, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd[PFD_MAX];
		nfds_t n = PFD_CLIENT;
		unsigned int v;
		uint64_t count;

		pfd[PFD_WAKE] = (struct pollfd){ h->wake_fd, POLLIN, 0 };
		pfd[PFD_LISTEN] = (struct pollfd){ s->listen_fd, POLLIN, 0 };
		if (ivshmem_server_connected(s)) {
			pfd[PFD_CLIENT] =
				(struct pollfd){ s->client_fd, POLLIN, 0 };
			for (v = 0; v < VMRPC_NR_VECTORS; v++)
				pfd[PFD_VECTOR + v] = (struct pollfd){
					s->host_fd[v], POLLIN, 0 };
			n = PFD_MAX;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno != EINTR)
				poll(NULL, 0, HOST_BACKOFF_MS);
			continue;
		}
		if (pfd[PFD_WAKE].revents &&
		    read(h->wake_fd, &count, sizeof(count)) < 0 &&
		    errno != EAGAIN)
			break;

		if (n == PFD_MAX) {
			/*
			 * The echo first, at once and with nothing else: it
			 * is the floor the calls are measured against. One
			 * ring back per wake-up however often the guest rang.
			 */
			if (pfd[PFD_VECTOR + VMRPC_HVEC_ECHO].revents &&
			    host_drain(h, VMRPC_HVEC_ECHO))
				ivshmem_server_notify(s, VMRPC_GVEC_ECHO);
			/* Doorbells first: a guest may ring, then hang up. */
			if (pfd[PFD_VECTOR + VMRPC_HVEC_CONFIG].revents &&
			    host_drain(h, VMRPC_HVEC_CONFIG))
				host_guest_config(h);
			if (pfd[PFD_VECTOR + VMRPC_HVEC_CALL].revents &&
			    host_drain(h, VMRPC_HVEC_CALL))
				h->scan_held = true;
			/* Held while zhostd --recover rebuilds its state. */
			if (h->scan_held &&
			    !__atomic_load_n(&h->hold_calls, __ATOMIC_ACQUIRE))
				host_run_held(h);
			if (pfd[PFD_VECTOR + VMRPC_HVEC_DONE].revents &&
			    host_drain(h, VMRPC_HVEC_DONE))
				vmrpc_calls_collect(h->calls);
			if (pfd[PFD_CLIENT].revents &&
			    ivshmem_server_client_input(s))
				host_disconnected(h);
		}
		if (pfd[PFD_LISTEN].revents)
			host_accept(h);
	}
	return NULL;
}

/* --- API -------------------------------------------------------------- */

static int host_check_config(const struct vmrpc_host_config *cfg)
{
	if (!cfg->socket_path || !cfg->socket_path[0])
		return -EINVAL;
	if (!cfg->workers || cfg->workers > HOST_WORKERS_MAX)
		return -EINVAL;
	return vmrpc_layout_check(cfg->bar_size, cfg->nr_slots,
				  cfg->slot_size);
}

/* A host object with its configuration copied; nothing else set up. */
static int host_new(const struct vmrpc_host_config *cfg,
		    struct vmrpc_host **out)
{
	struct vmrpc_host *h;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg)
		return -EINVAL;
	ret = host_check_config(cfg);
	if (ret)
		return ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->layout.memfd = -1;
	h->wake_fd = -1;
	h->cfg = *cfg;
	h->socket_path = strdup(cfg->socket_path);
	if (!h->socket_path) {
		free(h);
		return -ENOMEM;
	}
	h->cfg.socket_path = h->socket_path;
	ret = -pthread_mutex_init(&h->life_lock, NULL);
	if (ret) {
		free(h->socket_path);
		free(h);
		return ret;
	}
	ret = vmrpc_stats_init(&h->stats);
	if (ret) {
		pthread_mutex_destroy(&h->life_lock);
		free(h->socket_path);
		free(h);
		return ret;
	}
	*out = h;
	return 0;
}

/* What goes on the layout: server, dispatcher, calls, wake-up eventfd. */
static int host_setup(struct vmrpc_host *h)
{
	int ret;

	ret = ivshmem_server_init(&h->server, h->socket_path, h->layout.memfd);
	if (ret)
		return ret;
	if (h->cfg.sock_chown)
		ivshmem_server_set_owner(&h->server, h->cfg.sock_uid,
					 h->cfg.sock_gid);
	h->server_ok = true;
	ret = vmrpc_dispatch_create(&h->dispatch, &h->layout, &h->stats,
				    h->cfg.workers, host_raise, h);
	if (ret)
		return ret;
	ret = vmrpc_calls_create(&h->calls, &h->layout, &h->stats,
				 host_raise, h);
	if (ret)
		return ret;
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return h->wake_fd < 0 ? -errno : 0;
}

int vmrpc_host_create(const struct vmrpc_host_config *cfg,
		      struct vmrpc_host **out)
{
	struct vmrpc_host *h;
	int ret;

	ret = host_new(cfg, &h);
	if (ret)
		return ret;
	/* From here vmrpc_host_destroy() undoes whatever was done. */
	ret = vmrpc_layout_create(&h->layout, cfg->bar_size, cfg->nr_slots,
				  cfg->slot_size, &cfg->backing);
	if (!ret)
		ret = host_setup(h);
	if (ret) {
		vmrpc_host_destroy(h);
		h = NULL;
	}
	*out = h;
	return ret;
}

int vmrpc_host_adopt(const struct vmrpc_host_config *cfg,
		     struct vmrpc_host_adopted *a, struct vmrpc_host **out,
		     char *err, size_t errlen)
{
	struct vmrpc_host *h;
	unsigned int v;
	int ret;

	if (!out || !a)
		return -EINVAL;
	*out = NULL;
	snprintf(err, errlen, "invalid configuration");
	ret = host_new(cfg, &h);
	if (ret)
		return ret;
	ret = vmrpc_layout_adopt(&h->layout, a->memfd, cfg->bar_size,
				 cfg->nr_slots, cfg->slot_size, &cfg->backing,
				 err, errlen);
	if (ret) {
		vmrpc_host_destroy(h);
		return ret;
	}
	/* The layout owns the memfd now, the server the rest. */
	a->memfd = -1;
	ret = host_setup(h);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		vmrpc_host_destroy(h);
		return ret;
	}
	ivshmem_server_adopt(&h->server, a->pidfd, a->pid, a->host_fd,
			     a->guest_fd);
	a->pidfd = -1;
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		a->host_fd[v] = a->guest_fd[v] = -1;
	h->adopted = true;
	h->hold_calls = true;
	h->orphaned = vmrpc_calls_adopt(h->calls);
	*out = h;
	return 0;
}

void vmrpc_host_release_calls(struct vmrpc_host *h)
{
	uint64_t one = 1;

	__atomic_store_n(&h->hold_calls, false, __ATOMIC_RELEASE);
	while (write(h->wake_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

pid_t vmrpc_host_peer_pid(const struct vmrpc_host *h)
{
	return h->server.client_pid;
}

int vmrpc_host_peer_fds(const struct vmrpc_host *h, int *host_fd,
			int *guest_fd)
{
	if (!ivshmem_server_connected(&h->server))
		return -ENOTCONN;
	memcpy(host_fd, h->server.host_fd, sizeof(h->server.host_fd));
	memcpy(guest_fd, h->server.guest_fd, sizeof(h->server.guest_fd));
	return 0;
}

int vmrpc_host_register(struct vmrpc_host *h, uint16_t module,
			vmrpc_handler_fn fn, void *opaque)
{
	if (!h)
		return -EINVAL;
	return vmrpc_dispatch_register(h->dispatch, module, fn, opaque);
}

int vmrpc_host_start(struct vmrpc_host *h)
{
	int ret;

	if (!h)
		return -EINVAL;
	pthread_mutex_lock(&h->life_lock);
	if (h->started || h->stopped) {
		ret = -EINVAL;
		goto out;
	}
	ret = ivshmem_server_listen(&h->server);
	if (ret)
		goto out;
	ret = vmrpc_dispatch_start(h->dispatch);
	if (ret)
		goto err_server;
	vmrpc_layout_set_host_state(&h->layout, VMRPC_HOST_READY);
	ret = -pthread_create(&h->thread, NULL, host_event_thread, h);
	if (ret)
		goto err_dispatch;
	h->started = true;
	goto out;

err_dispatch:
	vmrpc_layout_set_host_state(&h->layout, VMRPC_HOST_STARTING);
	vmrpc_dispatch_stop(h->dispatch);
err_server:
	ivshmem_server_stop(&h->server);
out:
	pthread_mutex_unlock(&h->life_lock);
	return ret;
}

int vmrpc_host_call(struct vmrpc_host *h, uint16_t module, uint16_t proc,
		    const void *req, uint32_t req_len, void *resp,
		    uint32_t resp_cap, uint32_t *resp_len, uint32_t *status,
		    unsigned int timeout_ms)
{
	if (!h)
		return -EINVAL;
	/* The event thread collects replies: it must not wait for one. */
	if (host_event_self == h)
		return -EDEADLK;
	return vmrpc_calls_call(h->calls, module, proc, req, req_len, resp,
				resp_cap, resp_len, status, timeout_ms);
}

void vmrpc_host_stop(struct vmrpc_host *h)
{
	uint64_t one = 1;
	bool running;

	if (!h)
		return;
	pthread_mutex_lock(&h->life_lock);
	running = h->started && !h->stopped;
	h->stopped = true;
	pthread_mutex_unlock(&h->life_lock);
	if (!running)
		return;

	/*
	 * Tell the guest first: its calls will fail from now on. Unless this
	 * is a recovery that never served the guest's calls: that leaves
	 * the VM as it found it, for another try.
	 */
	if (!__atomic_load_n(&h->hold_calls, __ATOMIC_ACQUIRE)) {
		vmrpc_layout_set_host_state(&h->layout, VMRPC_HOST_GONE);
		ivshmem_server_notify(&h->server, VMRPC_GVEC_CONFIG);
	}
	vmrpc_calls_shutdown(h->calls);

	__atomic_store_n(&h->stopping, true, __ATOMIC_RELEASE);
	while (write(h->wake_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(h->thread, NULL);
	vmrpc_dispatch_stop(h->dispatch);
}

void vmrpc_host_destroy(struct vmrpc_host *h)
{
	if (!h)
		return;
	vmrpc_host_stop(h);
	if (h->server_ok)
		ivshmem_server_destroy(&h->server);
	vmrpc_calls_destroy(h->calls);
	vmrpc_dispatch_destroy(h->dispatch);
	if (h->wake_fd >= 0)
		close(h->wake_fd);
	vmrpc_layout_destroy(&h->layout);
	vmrpc_stats_destroy(&h->stats);
	pthread_mutex_destroy(&h->life_lock);
	free(h->socket_path);
	free(h);
}

int vmrpc_host_memfd(const struct vmrpc_host *h)
{
	return h->layout.memfd;
}

void *vmrpc_host_bar(const struct vmrpc_host *h)
{
	return h->layout.bar;
}

void vmrpc_host_data_area(const struct vmrpc_host *h,
			  struct vmrpc_host_data_area *area)
{
	vmrpc_layout_data_area(&h->layout, &area->offset, &area->size,
			       &area->subblock_size);
}

void vmrpc_host_spare_area(const struct vmrpc_host *h, uint64_t *offset,
			   uint64_t *size)
{
	vmrpc_layout_spare(&h->layout, offset, size);
}

bool vmrpc_host_guest_ready(const struct vmrpc_host *h)
{
	return vmrpc_calls_ready(h->calls);
}

uint32_t vmrpc_host_guest_abi(const struct vmrpc_host *h)
{
	return h->seen_valid ? h->seen.abi_version : 0;
}

void vmrpc_host_get_stats(const struct vmrpc_host *h,
			  struct vmrpc_host_stats *stats)
{
	/* Taking the counters' lock is not a change to the host. */
	vmrpc_stats_get((struct vmrpc_stats *)&h->stats, stats);
}

/* Each status's text and short name, indexed by status. */
static const struct {
	const char *text;
	const char *name;
} vmrpc_statuses[VMRPC_NR_ERRORS] = {
	[VMRPC_OK] = { "success", "ok" },
	[VMRPC_ENOMOD] = { "no such module", "enomod" },
	[VMRPC_ENOPROC] = { "no such procedure", "enoproc" },
	[VMRPC_EINVAL] = { "malformed request", "einval" },
	[VMRPC_E2BIG] = { "length exceeds the payload area", "e2big" },
	[VMRPC_ESTATE] = { "slot was not posted", "estate" },
	[VMRPC_ESEQ] = { "sequence number replayed", "eseq" },
	[VMRPC_ENOMEM] = { "out of memory", "enomem" },
	[VMRPC_EIO] = { "handler failed", "eio" },
	[VMRPC_EPERM] = { "refused by policy", "eperm" },
	[VMRPC_EBUSY] = { "busy, try again later", "ebusy" },
	[VMRPC_ERANGE] = { "response too large", "erange" },
	[VMRPC_ESHUTDOWN] = { "callee is shutting down", "eshutdown" },
};

const char *vmrpc_status_str(uint32_t status)
{
	return status < VMRPC_NR_ERRORS ? vmrpc_statuses[status].text :
	       "unknown status";
}

const char *vmrpc_status_name(uint32_t status)
{
	return status < VMRPC_NR_ERRORS ? vmrpc_statuses[status].name :
	       "unknown";
}
