// SPDX-License-Identifier: GPL-2.0-only
/*
 * ivshmem server protocol (see ivshmem-server.h for the message sequence).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "ivshmem-server.h"

/* Close *fd if open and mark it closed. */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int ivshmem_server_init(struct ivshmem_server *s, const char *path,
			int memfd)
{
	size_t len = path ? strlen(path) : 0;
	unsigned int v;

	if (!len)
		return -EINVAL;
	if (len >= sizeof(s->path))
		return -ENAMETOOLONG;
	memset(s, 0, sizeof(*s));
	memcpy(s->path, path, len + 1);
	s->listen_fd = -1;
	s->client_fd = -1;
	s->memfd = memfd;
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		s->host_fd[v] = -1;
		s->guest_fd[v] = -1;
	}
	return -pthread_mutex_init(&s->irq_lock, NULL);
}

static void server_address(const struct ivshmem_server *s,
			   struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, s->path, sizeof(sa->sun_path));
}

/*
 * Whether a server accepts connections on the socket file: 1 yes, 0 no
 * (a stale file), or a negative errno. Non-blocking, so a live server with
 * a full backlog answers EAGAIN instead of blocking us. The probe binds an
 * abstract address with IVSHMEM_PROBE_PREFIX so that a live server can
 * tell it from QEMU (whose socket is unbound) and drop it without
 * counting a connection.
 */
static int server_probe(const struct ivshmem_server *s)
{
	static unsigned int probes;
	struct sockaddr_un sa, me;
	unsigned int n = __atomic_fetch_add(&probes, 1, __ATOMIC_RELAXED);
	int fd, ret, len;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	memset(&me, 0, sizeof(me));
	me.sun_family = AF_UNIX;
	len = snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1, "%s%d-%u",
		       IVSHMEM_PROBE_PREFIX, (int)getpid(), n);
	/* Unbound if that fails: the live server then sees a short client. */
	bind(fd, (struct sockaddr *)&me,
	     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
	server_address(s, &sa);
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (ret == 0 || errno == EAGAIN || errno == EINPROGRESS)
		ret = 1;
	else if (errno == ECONNREFUSED)
		ret = 0;
	else
		ret = -errno;
	close(fd);
	return ret;
}

/* Whether an accepted connection is another server's server_probe(). */
static bool server_is_probe(int sock)
{
	size_t plen = strlen(IVSHMEM_PROBE_PREFIX);
	struct sockaddr_un peer;
	socklen_t len = sizeof(peer);

	if (getpeername(sock, (struct sockaddr *)&peer, &len) < 0)
		return false;
	return len > offsetof(struct sockaddr_un, sun_path) + 1 + plen &&
		peer.sun_path[0] == 0 &&
		!memcmp(peer.sun_path + 1, IVSHMEM_PROBE_PREFIX, plen);
}

void ivshmem_server_set_owner(struct ivshmem_server *s, uid_t uid, gid_t gid)
{
	s->chown = true;
	s->uid = uid;
	s->gid = gid;
}

int ivshmem_server_listen(struct ivshmem_server *s)
{
	struct sockaddr_un sa;
	struct stat st;
	int ret;

	if (lstat(s->path, &st) == 0) {
		/* Never delete a file that is not a socket. */
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		ret = server_probe(s);
		if (ret < 0)
			return ret;
		if (ret > 0)
			return -EADDRINUSE;
		if (unlink(s->path) < 0 && errno != ENOENT)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}

	s->listen_fd = socket(AF_UNIX,
			      SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->listen_fd < 0)
		return -errno;
	server_address(s, &sa);
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err;
	s->bound = true;
	/*
	 * Whoever connects gets the guest's memory: owner only. A QEMU that
	 * runs as another user (libvirt) gets the socket given to it; lchown
	 * so that a link planted after bind() hands nothing over.
	 */
	if (chmod(s->path, 0600) < 0 ||
	    (s->chown && lchown(s->path, s->uid, s->gid) < 0) ||
	    lstat(s->path, &st) < 0)
		goto err;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		goto err;
	}
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	if (listen(s->listen_fd, IVSHMEM_LISTEN_BACKLOG) < 0)
		goto err;
	return 0;

err:
	ret = -errno;
	if (s->bound)
		unlink(s->path);
	s->bound = false;
	close_fd(&s->listen_fd);
	return ret;
}

/*
 * Send one protocol message: an int64 LE, with @fd attached unless it is
 * -1. Handles EINTR and partial sends (the fd goes with the first byte
 * sent); MSG_NOSIGNAL turns a closed peer into EPIPE instead of SIGPIPE.
 */
static int server_send(int sock, int64_t value, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	uint64_t le = htole64((uint64_t)value);
	const char *p = (const char *)&le;
	size_t left = sizeof(le);

	while (left) {
		struct iovec iov = { .iov_base = (void *)p, .iov_len = left };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (fd >= 0) {
			struct cmsghdr *c;

			memset(&control, 0, sizeof(control));
			msg.msg_control = control.buf;
			msg.msg_controllen = sizeof(control.buf);
			c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &fd, sizeof(int));
		}
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* SO_SNDTIMEO expired: the client is not reading. */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return -ETIMEDOUT;
			return -errno;
		}
		fd = -1;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* Steps 1-5 of the protocol for a new client. */
static int server_handshake(struct ivshmem_server *s, int sock,
			    const int *host_fd, const int *guest_fd)
{
	unsigned int v;
	int ret;

	ret = server_send(sock, IVSHMEM_PROTOCOL_VERSION, -1);
	if (!ret)
		ret = server_send(sock, IVSHMEM_GUEST_PEER_ID, -1);
	if (!ret)
		ret = server_send(sock, -1, s->memfd);
	for (v = 0; !ret && v < VMRPC_NR_VECTORS; v++)
		ret = server_send(sock, IVSHMEM_HOST_PEER_ID, host_fd[v]);
	for (v = 0; !ret && v < VMRPC_NR_VECTORS; v++)
		ret = server_send(sock, IVSHMEM_GUEST_PEER_ID, guest_fd[v]);
	return ret;
}

static void close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		close_fd(&fds[i]);
}

/* The pid of the process at the other end of @sock, 0 if unknown. */
static pid_t peer_pid(int sock)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	return cred.pid;
}

void ivshmem_server_adopt(struct ivshmem_server *s, int pidfd, pid_t pid,
			  const int *host_fd, const int *guest_fd)
{
	s->client_fd = pidfd;
	s->client_is_pidfd = true;
	s->client_pid = pid;
	memcpy(s->host_fd, host_fd, sizeof(s->host_fd));
	pthread_mutex_lock(&s->irq_lock);
	memcpy(s->guest_fd, guest_fd, sizeof(s->guest_fd));
	pthread_mutex_unlock(&s->irq_lock);
}

int ivshmem_server_accept(struct ivshmem_server *s)
{
	struct timeval tv = {
		.tv_sec = IVSHMEM_SEND_TIMEOUT_MS / 1000,
		.tv_usec = (IVSHMEM_SEND_TIMEOUT_MS % 1000) * 1000,
	};
	int host_fd[VMRPC_NR_VECTORS], guest_fd[VMRPC_NR_VECTORS];
	unsigned int v;
	int sock, ret;

	sock = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (sock < 0) {
		/* Gone before we got to it, or a spurious wakeup. */
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED)
			return IVSHMEM_ACCEPT_NONE;
		return -errno;
	}
	if (server_is_probe(sock)) {
		close(sock);
		return IVSHMEM_ACCEPT_NONE;
	}
	if (s->client_fd >= 0) {
		/* One VM per server: the first client keeps its connection. */
		close(sock);
		return IVSHMEM_ACCEPT_REFUSED;
	}

	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		host_fd[v] = guest_fd[v] = -1;
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		host_fd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		guest_fd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (host_fd[v] < 0 || guest_fd[v] < 0) {
			ret = -errno;
			goto err;
		}
	}
	if (setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		ret = -errno;
		goto err;
	}
	ret = server_handshake(s, sock, host_fd, guest_fd);
	if (ret)
		goto err;

	s->client_fd = sock;
	s->client_is_pidfd = false;
	s->client_pid = peer_pid(sock);
	memcpy(s->host_fd, host_fd, sizeof(host_fd));
	pthread_mutex_lock(&s->irq_lock);
	memcpy(s->guest_fd, guest_fd, sizeof(guest_fd));
	pthread_mutex_unlock(&s->irq_lock);
	return IVSHMEM_ACCEPT_CONNECTED;

err:
	close_fds(host_fd, VMRPC_NR_VECTORS);
	close_fds(guest_fd, VMRPC_NR_VECTORS);
	close(sock);
	return ret;
}

bool ivshmem_server_client_input(struct ivshmem_server *s)
{
	char buf[256];
	ssize_t n;

	if (s->client_fd < 0)
		return false;
	/* A pidfd polls readable only once the process has exited. */
	if (s->client_is_pidfd)
		return true;
	n = recv(s->client_fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0)
		return false;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return false;
	return true;
}

void ivshmem_server_disconnect(struct ivshmem_server *s)
{
	/* Nobody may raise a guest vector through a closed (reused) fd. */
	pthread_mutex_lock(&s->irq_lock);
	close_fds(s->guest_fd, VMRPC_NR_VECTORS);
	pthread_mutex_unlock(&s->irq_lock);
	close_fds(s->host_fd, VMRPC_NR_VECTORS);
	close_fd(&s->client_fd);
	s->client_is_pidfd = false;
	s->client_pid = 0;
}

bool ivshmem_server_connected(const struct ivshmem_server *s)
{
	return s->client_fd >= 0;
}

uint64_t ivshmem_server_drain(struct ivshmem_server *s, unsigned int vector)
{
	uint64_t count;
	ssize_t n;

	if (vector >= VMRPC_NR_VECTORS || s->host_fd[vector] < 0)
		return 0;
	do
		n = read(s->host_fd[vector], &count, sizeof(count));
	while (n < 0 && errno == EINTR);
	return n == sizeof(count) ? count : 0;
}

int ivshmem_server_notify(struct ivshmem_server *s, unsigned int vector)
{
	uint64_t one = 1;
	ssize_t n;
	int ret = -ENOTCONN;

	if (vector >= VMRPC_NR_VECTORS)
		return -EINVAL;
	pthread_mutex_lock(&s->irq_lock);
	if (s->guest_fd[vector] >= 0) {
		do
			n = write(s->guest_fd[vector], &one, sizeof(one));
		while (n < 0 && errno == EINTR);
		/* EAGAIN: the counter is full, an interrupt is pending anyway. */
		if (n == sizeof(one) || (n < 0 && errno == EAGAIN))
			ret = 0;
		else
			ret = n < 0 ? -errno : -EIO;
	}
	pthread_mutex_unlock(&s->irq_lock);
	return ret;
}

void ivshmem_server_stop(struct ivshmem_server *s)
{
	struct stat st;

	ivshmem_server_disconnect(s);
	close_fd(&s->listen_fd);
	/* Remove the socket file only if it is still the one we bound. */
	if (s->bound && stat(s->path, &st) == 0 &&
	    st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
		unlink(s->path);
	s->bound = false;
}

void ivshmem_server_destroy(struct ivshmem_server *s)
{
	ivshmem_server_stop(s);
	pthread_mutex_destroy(&s->irq_lock);
}
