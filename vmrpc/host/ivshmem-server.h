/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ivshmem server side of QEMU's ivshmem-doorbell device, for one VM.
 *
 * QEMU connects to a UNIX socket; the server sends, as 8-byte little-endian
 * numbers with file descriptors attached (QEMU's docs/specs/ivshmem-spec):
 *
 *   0                  protocol version
 *   1                  the client's peer ID (the guest is always peer 1)
 *   -1 + memfd         the shared memory (BAR2)
 *   0 + eventfd, x N   "peer 0 connected": the fds the guest rings the
 *                      host peer through, vector 0..N-1
 *   1 + eventfd, x N   interrupt setup: the fds that raise the guest's
 *                      MSI-X vectors 0..N-1
 *
 * Peer 0 is not a second client but the host itself: the server keeps the
 * other end of the peer-0 eventfds and polls them. N is VMRPC_NR_VECTORS.
 *
 * One client at a time: a second connection is closed at once. When the
 * client goes away its eventfds are closed; the next client gets new ones.
 * A server that finds a socket file probes it with a connect(); a probe
 * from another ivshmem_server is recognized and dropped silently.
 *
 * Threads: every function but ivshmem_server_notify() must be called from
 * one thread at a time (the owner's event thread, or before it runs).
 * ivshmem_server_notify() may be called from any thread.
 */
#ifndef ZONEHOST_IVSHMEM_SERVER_H
#define ZONEHOST_IVSHMEM_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include <linux/vmrpc.h>

#define IVSHMEM_PROTOCOL_VERSION	0
#define IVSHMEM_HOST_PEER_ID		0	/* the superblock's host_peer */
#define IVSHMEM_GUEST_PEER_ID		1	/* QEMU's IVPosition */
#define IVSHMEM_LISTEN_BACKLOG		4
#define IVSHMEM_SEND_TIMEOUT_MS		5000	/* a client must read its handshake */
/* Abstract address of a liveness probe by another server (not a client). */
#define IVSHMEM_PROBE_PREFIX		"zonehost-ivshmem-probe-"

/* Results of ivshmem_server_accept() other than errors. */
enum ivshmem_accept {
	IVSHMEM_ACCEPT_NONE,		/* no connection was pending */
	IVSHMEM_ACCEPT_CONNECTED,	/* a client connected, handshake sent */
	IVSHMEM_ACCEPT_REFUSED,		/* a second client was closed */
};

/**
 * struct ivshmem_server - the server of one VM
 * @path: socket path
 * @listen_fd: listening socket, -1 before ivshmem_server_listen()
 * @sock_dev: device of the socket file we bound, to unlink only ours
 * @sock_ino: inode of the socket file we bound
 * @bound: we created the socket file
 * @chown: give the socket file to @uid:@gid once bound
 * @uid: its owner when @chown
 * @gid: its group when @chown
 * @memfd: shared memory sent to clients (not owned)
 * @client_fd: the connected client, -1 if none; after
 *	ivshmem_server_adopt() a pidfd of the client instead
 * @client_is_pidfd: @client_fd is a pidfd: readable once the client exited
 * @client_pid: the client's pid (SO_PEERCRED), 0 if none
 * @host_fd: eventfds the guest rings the host through (peer 0's vectors);
 *	read and polled by the owner thread; -1 if no client
 * @irq_lock: protects @guest_fd against a concurrent disconnect
 * @guest_fd: eventfds that raise the guest's vectors; -1 if no client
 */
struct ivshmem_server {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd;
	dev_t sock_dev;
	ino_t sock_ino;
	bool bound;
	bool chown;
	uid_t uid;
	gid_t gid;
	int memfd;
	int client_fd;
	bool client_is_pidfd;
	pid_t client_pid;
	int host_fd[VMRPC_NR_VECTORS];
	pthread_mutex_t irq_lock;
	int guest_fd[VMRPC_NR_VECTORS];
};

/**
 * ivshmem_server_init() - set up a server object; no I/O
 * @s: the server
 * @path: socket path (copied)
 * @memfd: the shared memory to hand out (the caller keeps it open)
 *
 * Return: 0, -EINVAL for an empty path, -ENAMETOOLONG for a path that does
 * not fit a UNIX socket address, or another negative errno. After a
 * failure there is nothing to close.
 */
int ivshmem_server_init(struct ivshmem_server *s, const char *path,
			int memfd);

/**
 * ivshmem_server_set_owner() - who may connect, when not the caller
 * @s: the server, initialized and not listening yet
 * @uid: the socket file's owner
 * @gid: its group
 *
 * The socket stays mode 0600: only @uid can connect (QEMU run by libvirt
 * as libvirt-qemu). Changing the owner needs CAP_CHOWN, so
 * ivshmem_server_listen() fails with -EPERM without it.
 */
void ivshmem_server_set_owner(struct ivshmem_server *s, uid_t uid, gid_t gid);

/**
 * ivshmem_server_listen() - create the socket and listen
 * @s: the server, initialized
 *
 * A socket file left by a dead server is removed; a live one is not.
 * The socket file is mode 0600, owned by the caller or by whom
 * ivshmem_server_set_owner() named.
 *
 * Return: 0, -EADDRINUSE when another server accepts connections on the
 * path, -EEXIST when the path is not a socket, or another negative errno.
 */
int ivshmem_server_listen(struct ivshmem_server *s);

/**
 * ivshmem_server_accept() - take one pending connection (listen_fd polled
 * readable)
 * @s: the server, listening
 *
 * Return: an enum ivshmem_accept value (IVSHMEM_ACCEPT_NONE also for
 * another server's probe), or a negative errno when accept() failed or the
 * handshake could not be sent (that client is closed).
 */
int ivshmem_server_accept(struct ivshmem_server *s);

/**
 * ivshmem_server_adopt() - take over a client another server set up
 * @s: the server, initialized, without a client
 * @pidfd: a pidfd of the client (QEMU); owned from now on
 * @pid: its pid
 * @host_fd: the client's peer-0 eventfds, owned from now on
 * @guest_fd: the eventfds that raise its vectors, owned from now on
 *
 * For a server restarted while QEMU kept running (zhostd --recover): the
 * connection is gone, QEMU keeps the eventfds, and @pidfd tells when it
 * exits (ivshmem_server_client_input() then reports the client gone).
 */
void ivshmem_server_adopt(struct ivshmem_server *s, int pidfd, pid_t pid,
			  const int *host_fd, const int *guest_fd);

/**
 * ivshmem_server_client_input() - the client socket is readable or hung up
 * @s: the server, with a client
 *
 * The protocol is one-way; bytes a client sends are read and dropped.
 *
 * Return: true when the client has gone (EOF or error); the caller then
 * calls ivshmem_server_disconnect().
 */
bool ivshmem_server_client_input(struct ivshmem_server *s);

/**
 * ivshmem_server_disconnect() - close the client and its eventfds
 * @s: the server; no-op without a client
 */
void ivshmem_server_disconnect(struct ivshmem_server *s);

/**
 * ivshmem_server_connected() - whether a client is connected
 * @s: the server
 *
 * Return: true with a client.
 */
bool ivshmem_server_connected(const struct ivshmem_server *s);

/**
 * ivshmem_server_drain() - consume the doorbells rung on a host vector
 * @s: the server, with a client
 * @vector: host vector, < VMRPC_NR_VECTORS
 *
 * Return: how many times the guest rang it since the last drain (the
 * eventfd's count: a flood of rings is one read), 0 for none.
 */
uint64_t ivshmem_server_drain(struct ivshmem_server *s, unsigned int vector);

/**
 * ivshmem_server_notify() - raise one of the guest's vectors
 * @s: the server
 * @vector: guest vector, < VMRPC_NR_VECTORS
 *
 * Return: 0, -ENOTCONN without a client, -EINVAL for a bad vector, or
 * another negative errno.
 */
int ivshmem_server_notify(struct ivshmem_server *s, unsigned int vector);

/**
 * ivshmem_server_stop() - disconnect, stop listening, remove our socket
 * file; idempotent
 * @s: the server, initialized
 */
void ivshmem_server_stop(struct ivshmem_server *s);

/**
 * ivshmem_server_destroy() - ivshmem_server_stop() and free the object's
 * resources; it must be initialized again before reuse
 * @s: the server, initialized
 */
void ivshmem_server_destroy(struct ivshmem_server *s);

#endif /* ZONEHOST_IVSHMEM_SERVER_H */
