/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test doubles for the host library, shared by the C unit tests:
 *
 * - a fake QEMU: an ivshmem-doorbell client written from the protocol
 *   text (connect, receive the nine handshake messages and their fds, map
 *   the memfd);
 * - a fake guest driver: reads the superblock, posts guest->host calls and
 *   rings the host through the fds the fake QEMU received; a thread that
 *   answers host->guest calls through a callback;
 * - an event log for vmrpc_host_config.on_event;
 * - a test environment: temp dir, socket, host, connected fake QEMU.
 *
 * The guest-side code is written independently of vmrpc/host/slot.c, so
 * the tests do not check the library against itself.
 */
#ifndef ZONEHOST_TESTS_FAKE_QEMU_H
#define ZONEHOST_TESTS_FAKE_QEMU_H

#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmrpc-host.h"

#if defined(__SANITIZE_ADDRESS__)
#define FQ_SANITIZED
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FQ_SANITIZED
#endif
#endif
#ifdef FQ_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

#define FQ_NR_MSGS		(3 + 2 * VMRPC_NR_VECTORS)
#define FQ_TIMEOUT_MS		5000	/* any single wait in a test */
#define FQ_BAR_SIZE		(256ULL << 20)

/* --- time ------------------------------------------------------------- */

static inline long long fq_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void fq_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Poll @cond every millisecond for up to @ms; @ok gets its last value. */
#define FQ_WAIT_FOR(ok, cond, ms)					\
	do {								\
		long long fq_end_ = fq_now_ms() + (ms);			\
		while (!((ok) = (cond)) && fq_now_ms() < fq_end_)	\
			fq_sleep_ms(1);					\
	} while (0)

/* --- fake QEMU -------------------------------------------------------- */

/**
 * struct fq_msg - one message of the server, as received
 * @value: the int64
 * @fd: the fd that came with it, or -1
 */
struct fq_msg {
	int64_t value;
	int fd;
};

/**
 * struct fake_qemu - a connected ivshmem client
 * @sock: connection to the server
 * @msg: the handshake messages in the order received
 * @nmsg: messages received
 * @bar: our mapping of the memfd (msg[2].fd)
 * @bar_size: its size (from fstat)
 * @host_fd: peer 0's vectors: writing rings the host (msg[3..5])
 * @guest_fd: our vectors: readable when the host raised them (msg[6..8])
 */
struct fake_qemu {
	int sock;
	struct fq_msg msg[FQ_NR_MSGS];
	int nmsg;
	uint8_t *bar;
	uint64_t bar_size;
	int host_fd[VMRPC_NR_VECTORS];
	int guest_fd[VMRPC_NR_VECTORS];
};

/*
 * Receive one 8-byte message and the fd that came with it (-1 if none).
 * Returns 0, -ETIMEDOUT, -ECONNRESET on EOF, -EPROTO for a bad control
 * message, or -errno.
 */
static inline int fq_recv(int sock, int64_t *value, int *fd, int timeout_ms)
{
	unsigned char buf[8];
	uint64_t le;
	size_t got = 0;

	*fd = -1;
	while (got < sizeof(buf)) {
		union {
			struct cmsghdr hdr;
			char b[CMSG_SPACE(4 * sizeof(int))];
		} ctl;
		struct iovec iov = { buf + got, sizeof(buf) - got };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
		};
		struct pollfd p = { sock, POLLIN, 0 };
		struct cmsghdr *c;
		ssize_t n;
		int r;

		r = poll(&p, 1, timeout_ms);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			size_t i, nfd;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < nfd; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int),
				       sizeof(f));
				/* One fd per message: keep the first. */
				if (*fd < 0)
					*fd = f;
				else
					close(f);
			}
		}
		if (m.msg_flags & MSG_CTRUNC)
			return -EPROTO;
		got += (size_t)n;
	}
	memcpy(&le, buf, sizeof(le));
	*value = (int64_t)le64toh(le);
	return 0;
}

static inline int fq_dial(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static inline void fq_init(struct fake_qemu *q)
{
	unsigned int v;

	memset(q, 0, sizeof(*q));
	q->sock = -1;
	for (v = 0; v < FQ_NR_MSGS; v++)
		q->msg[v].fd = -1;
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		q->host_fd[v] = q->guest_fd[v] = -1;
}

static inline void fq_close(struct fake_qemu *q)
{
	int i;

	if (q->bar)
		munmap(q->bar, q->bar_size);
	for (i = 0; i < FQ_NR_MSGS; i++)
		if (q->msg[i].fd >= 0)
			close(q->msg[i].fd);
	if (q->sock >= 0)
		close(q->sock);
	fq_init(q);
}

/*
 * Connect and receive the handshake, as QEMU does. Does not judge the
 * messages (test-ivshmem-server does); it only needs an fd in message 2
 * to map. Returns 0 or a negative errno; on failure @q is closed.
 */
static inline int fq_connect(struct fake_qemu *q, const char *path)
{
	struct stat st;
	unsigned int v;
	int ret;

	fq_init(q);
	q->sock = fq_dial(path);
	if (q->sock < 0) {
		ret = q->sock;
		q->sock = -1;
		return ret;
	}
	for (q->nmsg = 0; q->nmsg < FQ_NR_MSGS; q->nmsg++) {
		struct fq_msg *m = &q->msg[q->nmsg];

		ret = fq_recv(q->sock, &m->value, &m->fd, FQ_TIMEOUT_MS);
		if (ret)
			goto err;
	}
	ret = -EPROTO;
	if (q->msg[2].fd < 0 || fstat(q->msg[2].fd, &st) < 0)
		goto err;
	q->bar_size = (uint64_t)st.st_size;
	q->bar = mmap(NULL, q->bar_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      q->msg[2].fd, 0);
	if (q->bar == MAP_FAILED) {
		q->bar = NULL;
		ret = -errno;
		goto err;
	}
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		q->host_fd[v] = q->msg[3 + v].fd;
		q->guest_fd[v] = q->msg[3 + VMRPC_NR_VECTORS + v].fd;
	}
	return 0;

err:
	fq_close(q);
	return ret;
}

/* Ring host vector @v (what the guest's doorbell write turns into). */
static inline void fq_ring(const struct fake_qemu *q, unsigned int v)
{
	uint64_t one = 1;

	if (write(q->host_fd[v], &one, sizeof(one)) != sizeof(one))
		perror("fq_ring");
}

/* Whether guest vector @v fires within @ms; consumes the interrupt. */
static inline bool fq_wait_irq(const struct fake_qemu *q, unsigned int v,
			       int ms)
{
	struct pollfd p = { q->guest_fd[v], POLLIN, 0 };
	uint64_t count;

	if (q->guest_fd[v] < 0 || poll(&p, 1, ms) <= 0)
		return false;
	return read(q->guest_fd[v], &count, sizeof(count)) == sizeof(count);
}

/* --- fake guest driver ------------------------------------------------ */

static inline volatile struct vmrpc_superblock *fq_sb(const struct fake_qemu *q)
{
	return (volatile struct vmrpc_superblock *)q->bar;
}

static inline uint32_t fq_slot_size(const struct fake_qemu *q)
{
	return le32toh(fq_sb(q)->slot_size);
}

static inline uint32_t fq_cap(const struct fake_qemu *q)
{
	return fq_slot_size(q) - VMRPC_SLOT_HDR_SIZE;
}

static inline volatile struct vmrpc_slot *fq_g2h(const struct fake_qemu *q,
						  uint32_t i)
{
	return (volatile struct vmrpc_slot *)(q->bar +
		le64toh(fq_sb(q)->g2h_offset) + (uint64_t)i * fq_slot_size(q));
}

static inline volatile struct vmrpc_slot *fq_h2g(const struct fake_qemu *q,
						  uint32_t i)
{
	return (volatile struct vmrpc_slot *)(q->bar +
		le64toh(fq_sb(q)->h2g_offset) + (uint64_t)i * fq_slot_size(q));
}

static inline uint8_t *fq_payload(volatile struct vmrpc_slot *s)
{
	return (uint8_t *)s + VMRPC_SLOT_HDR_SIZE;
}

static inline uint32_t fq_state(volatile struct vmrpc_slot *s)
{
	return le32toh(__atomic_load_n(&s->state, __ATOMIC_ACQUIRE));
}

static inline void fq_set_state(volatile struct vmrpc_slot *s, uint32_t st)
{
	__atomic_store_n(&s->state, htole32(st), __ATOMIC_RELEASE);
}

/* Announce the driver's state as the guest does at bind/unbind. */
static inline void fq_guest_state(const struct fake_qemu *q, uint32_t abi,
				  uint32_t state, uint32_t generation)
{
	volatile struct vmrpc_superblock *sb = fq_sb(q);

	sb->guest_abi_version = htole32(abi);
	sb->guest_features = htole64(VMRPC_F_REVERSE_CALLS);
	sb->guest_generation = htole32(generation);
	__atomic_store_n(&sb->guest_state, htole32(state), __ATOMIC_RELEASE);
	fq_ring(q, VMRPC_HVEC_CONFIG);
}

/* Fill a guest->host slot and set it POSTED (no doorbell). */
static inline void fq_post(volatile struct vmrpc_slot *s, uint64_t seq,
			   uint16_t module, uint16_t proc, const void *req,
			   uint32_t req_len, uint32_t resp_max)
{
	unsigned int i;

	if (req_len)
		memcpy(fq_payload(s), req, req_len);
	s->flags = 0;
	s->seq = htole64(seq);
	s->module = htole16(module);
	s->proc = htole16(proc);
	s->status = 0;
	s->req_len = htole32(req_len);
	s->resp_len = htole32(resp_max);
	for (i = 0; i < 4; i++)
		s->reserved[i] = 0;
	fq_set_state(s, VMRPC_SLOT_POSTED);
}

/* Wait until the host completed the slot. */
static inline bool fq_wait_done(volatile struct vmrpc_slot *s, int ms)
{
	bool done;

	FQ_WAIT_FOR(done, fq_state(s) == VMRPC_SLOT_DONE, ms);
	return done;
}

/**
 * struct fq_reply - what the host wrote into a completed slot
 * @status: status
 * @seq: echoed sequence number
 * @len: response bytes
 */
struct fq_reply {
	uint32_t status;
	uint64_t seq;
	uint32_t len;
};

/*
 * One guest->host call on slot @i: post, ring, wait, read the reply into
 * @resp (resp_max bytes), set the slot FREE. Returns false on timeout.
 */
static inline bool fq_call(const struct fake_qemu *q, uint32_t i,
			   uint64_t seq, uint16_t module, uint16_t proc,
			   const void *req, uint32_t req_len, void *resp,
			   uint32_t resp_max, struct fq_reply *r)
{
	volatile struct vmrpc_slot *s = fq_g2h(q, i);

	memset(r, 0, sizeof(*r));
	fq_post(s, seq, module, proc, req, req_len, resp_max);
	fq_ring(q, VMRPC_HVEC_CALL);
	if (!fq_wait_done(s, FQ_TIMEOUT_MS))
		return false;
	r->status = le32toh(s->status);
	r->seq = le64toh(s->seq);
	r->len = le32toh(s->resp_len);
	if (resp && r->len <= resp_max)
		memcpy(resp, fq_payload(s), r->len);
	fq_set_state(s, VMRPC_SLOT_FREE);
	return true;
}

/* --- event log -------------------------------------------------------- */

#define EV_LOG_MAX	64

/**
 * struct ev_log - events a host reported
 * @lock: protects the rest
 * @cond: signalled on every event
 * @n: events recorded
 * @ev: the events in order
 * @detail: their detail strings ("" for NULL)
 * @hook: if set, called for every event after it is logged, on the
 *	host's event thread (set it before the host starts)
 * @hook_arg: for @hook
 */
struct ev_log {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int n;
	enum vmrpc_host_event ev[EV_LOG_MAX];
	char detail[EV_LOG_MAX][128];
	void (*hook)(void *arg, enum vmrpc_host_event ev);
	void *hook_arg;
};

static inline void ev_log_init(struct ev_log *l)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
}

static inline void ev_log_destroy(struct ev_log *l)
{
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
}

/* vmrpc_host_config.on_event */
static inline void ev_log_cb(void *opaque, enum vmrpc_host_event ev,
			     const char *detail)
{
	struct ev_log *l = opaque;

	pthread_mutex_lock(&l->lock);
	if (l->n < EV_LOG_MAX) {
		l->ev[l->n] = ev;
		snprintf(l->detail[l->n], sizeof(l->detail[0]), "%s",
			 detail ? detail : "");
		l->n++;
	}
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (l->hook)
		l->hook(l->hook_arg, ev);
}

static inline int ev_log_count(struct ev_log *l, enum vmrpc_host_event ev)
{
	int i, n = 0;

	pthread_mutex_lock(&l->lock);
	for (i = 0; i < l->n; i++)
		n += l->ev[i] == ev;
	pthread_mutex_unlock(&l->lock);
	return n;
}

/* Wait until @ev was reported at least @count times. */
static inline bool ev_log_wait(struct ev_log *l, enum vmrpc_host_event ev,
			       int count, int ms)
{
	bool ok;

	FQ_WAIT_FOR(ok, ev_log_count(l, ev) >= count, ms);
	return ok;
}

/* Detail of the last @ev reported, copied to @buf ("" if none). */
static inline void ev_log_detail(struct ev_log *l, enum vmrpc_host_event ev,
				 char *buf, size_t len)
{
	int i;

	buf[0] = 0;
	pthread_mutex_lock(&l->lock);
	for (i = l->n - 1; i >= 0; i--)
		if (l->ev[i] == ev) {
			snprintf(buf, len, "%s", l->detail[i]);
			break;
		}
	pthread_mutex_unlock(&l->lock);
}

/* --- fake guest server: answers host->guest calls --------------------- */

/*
 * Answers one host->guest call: the request is a private copy, the reply
 * goes to @resp (at most @resp_max bytes) with its length in *@resp_len.
 * Returns the VMRPC status.
 */
typedef uint32_t (*fq_answer_fn)(void *arg, uint16_t module, uint16_t proc,
				 const uint8_t *req, uint32_t req_len,
				 uint8_t *resp, uint32_t resp_max,
				 uint32_t *resp_len);

/**
 * struct fq_server - a guest driver thread answering reverse calls
 * @q: the fake QEMU whose mapping and fds it uses
 * @fn: answers each call
 * @arg: for @fn
 * @thread: the thread
 * @running: @thread was started
 * @stop: tells it to return (atomic)
 */
struct fq_server {
	const struct fake_qemu *q;
	fq_answer_fn fn;
	void *arg;
	pthread_t thread;
	bool running;
	int stop;
};

static inline void fq_server_answer(struct fq_server *sv,
				    volatile struct vmrpc_slot *s, uint8_t *req)
{
	uint32_t req_len = le32toh(s->req_len), resp_max = le32toh(s->resp_len);
	uint32_t len = 0, status = VMRPC_E2BIG;

	fq_set_state(s, VMRPC_SLOT_TAKEN);
	if (req_len <= fq_cap(sv->q)) {
		memcpy(req, fq_payload(s), req_len);
		if (resp_max > fq_cap(sv->q))
			resp_max = fq_cap(sv->q);
		status = sv->fn(sv->arg, le16toh(s->module), le16toh(s->proc),
				req, req_len, fq_payload(s), resp_max, &len);
	}
	s->status = htole32(status);
	s->resp_len = htole32(len);
	fq_set_state(s, VMRPC_SLOT_DONE);
}

static inline void *fq_server_thread(void *arg)
{
	struct fq_server *sv = arg;
	uint8_t *req = malloc(fq_cap(sv->q));

	while (req && !__atomic_load_n(&sv->stop, __ATOMIC_ACQUIRE)) {
		uint32_t i, n = le16toh(fq_sb(sv->q)->h2g_slots);
		bool rang = false;

		/* Scan on every wake-up too: an interrupt may be coalesced. */
		fq_wait_irq(sv->q, VMRPC_GVEC_CALL, 10);
		for (i = 0; i < n; i++) {
			volatile struct vmrpc_slot *s = fq_h2g(sv->q, i);

			if (fq_state(s) != VMRPC_SLOT_POSTED)
				continue;
			fq_server_answer(sv, s, req);
			rang = true;
		}
		if (rang)
			fq_ring(sv->q, VMRPC_HVEC_DONE);
	}
	free(req);
	return NULL;
}

static inline bool fq_server_start(struct fq_server *sv,
				   const struct fake_qemu *q, fq_answer_fn fn,
				   void *arg)
{
	memset(sv, 0, sizeof(*sv));
	sv->q = q;
	sv->fn = fn;
	sv->arg = arg;
	sv->running = pthread_create(&sv->thread, NULL, fq_server_thread,
				     sv) == 0;
	return sv->running;
}

static inline void fq_server_stop(struct fq_server *sv)
{
	if (!sv->running)
		return;
	__atomic_store_n(&sv->stop, 1, __ATOMIC_RELEASE);
	pthread_join(sv->thread, NULL);
	sv->running = false;
}

/* --- test environment ------------------------------------------------- */

/*
 * Paths the SIGALRM handler removes if a test hangs (see tap_timeout()).
 * One environment directory at a time per test program.
 */
static char fq_cleanup_dir[80];
static char fq_cleanup_sock[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* Async-signal-safe: for tap_timeout(). */
static inline void fq_cleanup_paths(void)
{
	if (fq_cleanup_sock[0])
		unlink(fq_cleanup_sock);
	if (fq_cleanup_dir[0])
		rmdir(fq_cleanup_dir);
}

/*
 * A fresh private directory, under the test runner's runtime directory when
 * there is one (the runner then sees anything left behind), else $TMPDIR.
 * Returns false on failure (also for a base too long for a socket path).
 */
static inline bool fq_mkdtemp(char *dir, size_t len)
{
	const char *base = getenv("ZHOST_RUNTIME_DIR");
	int n;

	if (base && *base && mkdir(base, 0700) < 0 && errno != EEXIST)
		base = NULL;
	if (!base || !*base)
		base = getenv("TMPDIR");
	n = snprintf(dir, len, "%s/vmrpc-test.XXXXXX",
		     base && *base ? base : "/tmp");
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return false;
	}
	return mkdtemp(dir) != NULL;
}

/**
 * struct fq_env - a host serving one fake QEMU in a temp directory
 * @dir: the directory
 * @sock: socket path inside it
 * @log: events
 * @h: the host
 * @q: the fake QEMU (closed if fq_env_connect() was not called)
 */
struct fq_env {
	char dir[80];
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct ev_log log;
	struct vmrpc_host *h;
	struct fake_qemu q;
};

/* The configuration the tests use unless they say otherwise. */
static inline struct vmrpc_host_config fq_config(struct fq_env *e,
						 uint32_t nr_slots,
						 unsigned int workers)
{
	struct vmrpc_host_config cfg = {
		.socket_path = e->sock,
		.bar_size = FQ_BAR_SIZE,
		.nr_slots = nr_slots,
		.slot_size = VMRPC_SLOT_SIZE_MIN,
		.workers = workers,
		.on_event = ev_log_cb,
		.opaque = &e->log,
	};
	return cfg;
}

/*
 * Directory, socket path and host (created, not started). Returns 0 or a
 * negative errno; on failure fq_env_teardown() still must be called.
 */
static inline int fq_env_create(struct fq_env *e, uint32_t nr_slots,
				unsigned int workers)
{
	struct vmrpc_host_config cfg;

	memset(e, 0, sizeof(*e));
	ev_log_init(&e->log);
	fq_init(&e->q);
#ifdef FQ_SANITIZED
	/* A sanitizer report ends the program: remove our files first. */
	__sanitizer_set_death_callback(fq_cleanup_paths);
#endif
	if (!fq_mkdtemp(e->dir, sizeof(e->dir)))
		return -errno;
	snprintf(e->sock, sizeof(e->sock), "%s/ivshmem.sock", e->dir);
	snprintf(fq_cleanup_dir, sizeof(fq_cleanup_dir), "%s", e->dir);
	snprintf(fq_cleanup_sock, sizeof(fq_cleanup_sock), "%s", e->sock);
	cfg = fq_config(e, nr_slots, workers);
	return vmrpc_host_create(&cfg, &e->h);
}

/* Start the host and connect the fake QEMU. */
static inline int fq_env_connect(struct fq_env *e)
{
	int ret = vmrpc_host_start(e->h);

	if (ret)
		return ret;
	ret = fq_connect(&e->q, e->sock);
	if (ret)
		return ret;
	return ev_log_wait(&e->log, VMRPC_HOST_EV_QEMU_CONNECTED, 1,
			   FQ_TIMEOUT_MS) ? 0 : -ETIMEDOUT;
}

/* Announce a driver with our ABI and wait until the host saw it. */
static inline int fq_env_guest_ready(struct fq_env *e, uint32_t generation)
{
	int before = ev_log_count(&e->log, VMRPC_HOST_EV_GUEST_READY);

	fq_guest_state(&e->q, VMRPC_ABI_VERSION, VMRPC_GUEST_READY,
		       generation);
	return ev_log_wait(&e->log, VMRPC_HOST_EV_GUEST_READY, before + 1,
			   FQ_TIMEOUT_MS) ? 0 : -ETIMEDOUT;
}

/* Undo everything, whatever state the environment is in. */
static inline void fq_env_teardown(struct fq_env *e)
{
	vmrpc_host_destroy(e->h);
	e->h = NULL;
	fq_close(&e->q);
	if (e->sock[0])
		unlink(e->sock);
	if (e->dir[0])
		rmdir(e->dir);
	fq_cleanup_dir[0] = fq_cleanup_sock[0] = 0;
	ev_log_destroy(&e->log);
}

static inline struct vmrpc_host_stats fq_stats(const struct vmrpc_host *h)
{
	struct vmrpc_host_stats st;

	vmrpc_host_get_stats(h, &st);
	return st;
}

#endif /* ZONEHOST_TESTS_FAKE_QEMU_H */
