// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ivshmem server protocol, checked by a fake QEMU client: the
 * handshake messages and their fds in order, doorbells in both
 * directions, one VM per server, reconnection with fresh eventfds, and the
 * socket file's life (stale file removed, live server kept, non-socket
 * untouched, removed at the end), and a socket given to another user
 * (zhostd --socket-owner).
 */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>

#include "../lib/tap.h"
#include "fake-qemu.h"

/* What an fd is, as /proc/self/fd shows it ("anon_inode:[eventfd]"). */
static void fd_kind(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	buf[n < 0 ? 0 : n] = 0;
}

static bool is_eventfd(int fd)
{
	char kind[64];

	if (fd < 0)
		return false;
	fd_kind(fd, kind, sizeof(kind));
	return strcmp(kind, "anon_inode:[eventfd]") == 0;
}

/* Messages [first, first + VMRPC_NR_VECTORS) are @id, each with an eventfd. */
static bool msgs_are_vectors(const struct fake_qemu *q, int first, int64_t id)
{
	int i;

	for (i = first; i < first + VMRPC_NR_VECTORS; i++)
		if (q->msg[i].value != id || !is_eventfd(q->msg[i].fd))
			return false;
	return true;
}

/*
 * Whether two fds refer to the same open file. Eventfds share one anonymous
 * inode, so fstat cannot tell them apart; kcmp(2) compares the files.
 * Returns 1 same, 0 different, -1 unknown (no kcmp in this kernel).
 */
static int same_file(int a, int b)
{
	pid_t pid = getpid();
	long r = syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b);

	return r < 0 ? -1 : r == 0;
}

/* The eventfds of the handshake are six different files. */
static bool fds_distinct(const struct fake_qemu *q)
{
	int i, j;

	for (i = 3; i < FQ_NR_MSGS; i++)
		for (j = i + 1; j < FQ_NR_MSGS; j++)
			if (same_file(q->msg[i].fd, q->msg[j].fd) != 0)
				return false;
	return true;
}

/* A ping posted on g2h slot @slot is served: reply echoed, DONE raised. */
static bool ping_served(const struct fake_qemu *q, uint32_t slot,
			uint64_t seq, const char *text)
{
	char resp[64] = "";
	struct fq_reply r;
	uint32_t len = (uint32_t)strlen(text);

	if (!fq_call(q, slot, seq, VMRPC_MOD_CORE, VMRPC_CORE_PING, text, len,
		     resp, sizeof(resp), &r))
		return false;
	return r.status == VMRPC_OK && r.seq == seq && r.len == len &&
		!memcmp(resp, text, len) &&
		fq_wait_irq(q, VMRPC_GVEC_DONE, FQ_TIMEOUT_MS);
}

/*
 * What the memory backend relies on: a guest write into the data area
 * allocates host memory, fallocate(PUNCH_HOLE) returns it (the host then
 * reads zeros), and nobody can shrink or grow the memfd under QEMU.
 */
static bool memfd_backend_ok(const struct fake_qemu *q, int memfd, void *bar)
{
	off_t off = (off_t)VMRPC_CTRL_SIZE_DEFAULT + (4 << 20);
	struct stat a, b, c;

	if (fstat(memfd, &a))
		return false;
	memset(q->bar + off, 0x77, 2 << 20);
	if (fstat(memfd, &b) || b.st_blocks - a.st_blocks < (2 << 20) / 512 ||
	    ((volatile uint8_t *)bar)[off + 4096] != 0x77)
		return false;
	if (fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		      2 << 20) || fstat(memfd, &c) || c.st_blocks != a.st_blocks ||
	    ((volatile uint8_t *)bar)[off + 4096] != 0)
		return false;
	return ftruncate(memfd, (off_t)FQ_BAR_SIZE / 2) < 0 && errno == EPERM &&
		ftruncate(memfd, (off_t)FQ_BAR_SIZE * 2) < 0 && errno == EPERM;
}

/* Whether the server sends anything more (it must not) within @ms. */
static bool quiet(const struct fake_qemu *q, int ms)
{
	struct pollfd p = { q->sock, POLLIN, 0 };

	return poll(&p, 1, ms) == 0;
}

static void test_socket_files(void)
{
	struct vmrpc_host_config cfg;
	struct sockaddr_un sa;
	struct vmrpc_host *h = NULL;
	struct stat st;
	struct fq_env e;
	char buf[16] = "";
	int fd, ret;

	/* A stale socket file: bound, never listened on, closed. */
	ret = fq_env_create(&e, 4, 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", e.sock);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	tap_ok(!ret && vmrpc_host_start(e.h) == 0 &&
	       fq_connect(&e.q, e.sock) == 0,
	       "a stale socket file is replaced and clients can connect");
	fq_env_teardown(&e);

	/* A regular file where the socket should be is left alone. */
	ret = fq_env_create(&e, 4, 1);
	fd = open(e.sock, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ret |= write(fd, "keep", 4) != 4;
		close(fd);
	}
	ret = !ret ? vmrpc_host_start(e.h) : 1;
	fd = open(e.sock, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ret = ret == -EEXIST && read(fd, buf, sizeof(buf)) == 4 &&
			!memcmp(buf, "keep", 4) ? -EEXIST : 1;
		close(fd);
	}
	tap_ok(ret == -EEXIST, "a non-socket file at the path: -EEXIST, file kept");
	vmrpc_host_destroy(e.h);
	e.h = NULL;
	tap_ok(stat(e.sock, &st) == 0 && S_ISREG(st.st_mode),
	       "destroying that host does not remove the file");
	fq_env_teardown(&e);

	/* Configurations that cannot work are refused up front. */
	ret = fq_env_create(&e, 4, 1);
	cfg = fq_config(&e, 4, 1);
	cfg.bar_size = (256ULL << 20) + 4096;
	ret = !ret && vmrpc_host_create(&cfg, &h) == -EINVAL && !h;
	cfg = fq_config(&e, 4, 1);
	cfg.bar_size = 128ULL << 20;
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	cfg = fq_config(&e, 4, 1);
	cfg.slot_size = 3000;
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	cfg = fq_config(&e, VMRPC_NR_SLOTS_MAX, 1);
	cfg.slot_size = VMRPC_SLOT_SIZE_MAX;	/* 512 MiB of slots */
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	cfg = fq_config(&e, 0, 1);
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	cfg = fq_config(&e, 4, 0);
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	cfg = fq_config(&e, 4, 1);
	cfg.socket_path = "";
	ret = ret && vmrpc_host_create(&cfg, &h) == -EINVAL;
	tap_ok(ret && !h, "bad bar_size, slot_size, nr_slots, workers, path: -EINVAL");
	fq_env_teardown(&e);
}

/*
 * A socket given to another user is theirs, still mode 0600; giving it away
 * needs CAP_CHOWN, so without it starting fails with -EPERM.
 */
static void test_socket_owner(void)
{
	const uid_t uid = 4242;
	const gid_t gid = 4243;
	struct vmrpc_host_config cfg;
	struct stat st;
	struct fq_env e;
	int ret;

	ret = fq_env_create(&e, 4, 1);
	vmrpc_host_destroy(e.h);
	e.h = NULL;
	cfg = fq_config(&e, 4, 1);
	cfg.sock_chown = true;
	cfg.sock_uid = uid;
	cfg.sock_gid = gid;
	ret = ret ? ret : vmrpc_host_create(&cfg, &e.h);
	ret = ret ? ret : vmrpc_host_start(e.h);
	if (geteuid() == 0)
		tap_ok(!ret && lstat(e.sock, &st) == 0 && S_ISSOCK(st.st_mode) &&
		       st.st_uid == uid && st.st_gid == gid &&
		       (st.st_mode & 07777) == 0600,
		       "--socket-owner: the socket is %u:%u's, mode 0600 (%s)",
		       (unsigned int)uid, (unsigned int)gid, strerror(-ret));
	else
		tap_ok(ret == -EPERM && lstat(e.sock, &st) < 0,
		       "--socket-owner without CAP_CHOWN: -EPERM, no socket left (%s)",
		       strerror(-ret));
	fq_env_teardown(&e);
}

int main(void)
{
	struct fake_qemu q2, q3, old;
	struct vmrpc_host_config cfg;
	struct vmrpc_host *h2 = NULL;
	volatile struct vmrpc_superblock *sb;
	struct vmrpc_host_stats st;
	struct stat mst;
	struct fq_env e;
	int64_t v;
	int ret, fd, rfd = -1, i;
	bool ok;

	tap_timeout(30, fq_cleanup_paths);
	tap_plan(31);
	fq_init(&q2);
	fq_init(&q3);
	fq_init(&old);

	ret = fq_env_create(&e, 4, 2);
	ret = ret ? ret : vmrpc_host_start(e.h);
	tap_ok(!ret && stat(e.sock, &mst) == 0 && S_ISSOCK(mst.st_mode),
	       "host starts and listens on its socket");
	if (ret) {
		tap_diag("setup failed: %s", strerror(-ret));
		goto out;
	}

	cfg = fq_config(&e, 4, 1);
	ret = vmrpc_host_create(&cfg, &h2);
	tap_ok(!ret && vmrpc_host_start(h2) == -EADDRINUSE &&
	       stat(e.sock, &mst) == 0,
	       "a second server on the same path: -EADDRINUSE, socket kept");
	vmrpc_host_destroy(h2);
	fq_sleep_ms(100);
	st = fq_stats(e.h);
	tap_ok(stat(e.sock, &mst) == 0 && st.connects == 0 &&
	       st.refused == 0 && ev_log_count(&e.log,
				VMRPC_HOST_EV_QEMU_CONNECTED) == 0,
	       "its probe and destroy leave the live server and socket alone");

	/* The handshake, message by message. */
	ret = fq_connect(&e.q, e.sock);
	tap_ok(!ret && e.q.nmsg == FQ_NR_MSGS, "client receives %d messages",
	       FQ_NR_MSGS);
	if (ret) {
		tap_diag("connect: %s", strerror(-ret));
		goto out;
	}
	tap_ok(e.q.msg[0].value == 0 && e.q.msg[0].fd < 0,
	       "message 1: protocol version 0, no fd");
	tap_ok(e.q.msg[1].value == 1 && e.q.msg[1].fd < 0,
	       "message 2: client ID 1, no fd");
	tap_ok(e.q.msg[2].value == -1 && e.q.msg[2].fd >= 0 &&
	       fstat(e.q.msg[2].fd, &mst) == 0 &&
	       (uint64_t)mst.st_size == FQ_BAR_SIZE,
	       "message 3: -1 with an fd of bar_size bytes");
	sb = fq_sb(&e.q);
	((volatile uint8_t *)e.q.bar)[FQ_BAR_SIZE - 1] = 0xa5;
	tap_ok(le64toh(sb->magic) == VMRPC_MAGIC &&
	       ((volatile uint8_t *)vmrpc_host_bar(e.h))[FQ_BAR_SIZE - 1] == 0xa5,
	       "that fd is the memfd: superblock visible, client writes seen by the host");
	fstat(vmrpc_host_memfd(e.h), &mst);
	tap_ok(mst.st_blocks * 512 < 4 << 20,
	       "the memfd is sparse (%lld KiB allocated of %llu MiB)",
	       (long long)mst.st_blocks / 2, FQ_BAR_SIZE >> 20);
	tap_ok(memfd_backend_ok(&e.q, vmrpc_host_memfd(e.h),
				vmrpc_host_bar(e.h)),
	       "memfd sealed against resizing; writes allocate, punched holes free");
	tap_ok(msgs_are_vectors(&e.q, 3, 0),
	       "messages 4-%d: host peer 0 connected, one eventfd per vector",
	       3 + VMRPC_NR_VECTORS);
	tap_ok(msgs_are_vectors(&e.q, 3 + VMRPC_NR_VECTORS, 1) &&
	       fds_distinct(&e.q),
	       "messages %d-%d: interrupt setup for ID 1, %d distinct eventfds",
	       4 + VMRPC_NR_VECTORS, 3 + 2 * VMRPC_NR_VECTORS,
	       2 * VMRPC_NR_VECTORS);
	tap_ok(quiet(&e.q, 200), "nothing else is sent");
	st = fq_stats(e.h);
	tap_ok(ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_CONNECTED, 1,
			   FQ_TIMEOUT_MS) && st.connects == 1,
	       "QEMU_CONNECTED reported, connects = 1");
	tap_ok(le32toh(sb->abi_version) == VMRPC_ABI_VERSION &&
	       le32toh(sb->sb_size) == VMRPC_SUPERBLOCK_SIZE &&
	       le32toh(sb->host_peer) == 0 &&
	       le32toh(sb->host_state) == VMRPC_HOST_READY &&
	       le64toh(sb->bar_size) == FQ_BAR_SIZE &&
	       le64toh(sb->ctrl_size) == VMRPC_CTRL_SIZE_DEFAULT &&
	       le64toh(sb->data_offset) == VMRPC_CTRL_SIZE_DEFAULT &&
	       le64toh(sb->data_size) == FQ_BAR_SIZE - VMRPC_CTRL_SIZE_DEFAULT &&
	       le16toh(sb->g2h_slots) == 4 && le16toh(sb->h2g_slots) == 4 &&
	       le64toh(sb->h2g_offset) ==
	       le64toh(sb->g2h_offset) + 4 * fq_slot_size(&e.q) &&
	       le64toh(sb->host_features) ==
	       (VMRPC_F_REVERSE_CALLS | VMRPC_F_ECHO),
	       "superblock: version, sizes, offsets, host READY");

	tap_ok(ping_served(&e.q, 0, 1, "hello") &&
	       !fq_wait_irq(&e.q, VMRPC_GVEC_CALL, 0) &&
	       !fq_wait_irq(&e.q, VMRPC_GVEC_CONFIG, 0),
	       "ringing host vector 0 serves a ping; only guest vector 0 fires");
	fq_ring(&e.q, VMRPC_HVEC_ECHO);
	tap_ok(fq_wait_irq(&e.q, VMRPC_GVEC_ECHO, FQ_TIMEOUT_MS) &&
	       !fq_wait_irq(&e.q, VMRPC_GVEC_DONE, 0) &&
	       !fq_wait_irq(&e.q, VMRPC_GVEC_CALL, 0),
	       "ringing the echo doorbell raises the echo vector, nothing else");
	ok = true;
	for (i = 0; ok && i < 100; i++) {
		fq_ring(&e.q, VMRPC_HVEC_ECHO);
		ok = fq_wait_irq(&e.q, VMRPC_GVEC_ECHO, FQ_TIMEOUT_MS);
	}
	tap_ok(ok && !fq_wait_irq(&e.q, VMRPC_GVEC_ECHO, 100),
	       "100 echo round trips, one answer each, none left over");

	/* One VM per server. */
	fd = fq_dial(e.sock);
	ret = fd >= 0 ? fq_recv(fd, &v, &rfd, FQ_TIMEOUT_MS) : fd;
	if (fd >= 0)
		close(fd);
	if (rfd >= 0)
		close(rfd);
	ok = ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_REFUSED, 1, FQ_TIMEOUT_MS);
	st = fq_stats(e.h);
	tap_ok(ret == -ECONNRESET && ok && st.refused == 1 && st.connects == 1,
	       "a second client gets EOF without a message; refused = 1");
	tap_ok(ping_served(&e.q, 1, 1, "still here"),
	       "the first client keeps working");

	/* Disconnect and reconnect. */
	old = e.q;
	fq_init(&e.q);
	close(old.sock);
	old.sock = -1;
	tap_ok(ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_DISCONNECTED, 1,
			   FQ_TIMEOUT_MS),
	       "closing the connection is reported as QEMU_DISCONNECTED");
	ret = fq_connect(&q2, e.sock);
	tap_ok(!ret && q2.msg[1].value == 1 && msgs_are_vectors(&q2, 3, 0) &&
	       msgs_are_vectors(&q2, 3 + VMRPC_NR_VECTORS, 1) &&
	       ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_CONNECTED, 2,
			   FQ_TIMEOUT_MS) && fq_stats(e.h).connects == 2,
	       "a new client connects afterwards: ID 1, new eventfds");
	if (ret)
		goto out;
	/* The old eventfds are dead: the host no longer listens on them. */
	fq_post(fq_g2h(&q2, 2), 1, VMRPC_MOD_CORE, VMRPC_CORE_PING, "x", 1, 8);
	fq_ring(&old, VMRPC_HVEC_CALL);
	fq_sleep_ms(300);
	ok = fq_state(fq_g2h(&q2, 2)) == VMRPC_SLOT_POSTED;
	fq_ring(&q2, VMRPC_HVEC_CALL);
	ok = ok && fq_wait_done(fq_g2h(&q2, 2), FQ_TIMEOUT_MS) &&
		fq_wait_irq(&q2, VMRPC_GVEC_DONE, FQ_TIMEOUT_MS) &&
		!fq_wait_irq(&old, VMRPC_GVEC_DONE, 0);
	tap_ok(ok, "old eventfds ring nobody; the new ones serve the call");
	fq_set_state(fq_g2h(&q2, 2), VMRPC_SLOT_FREE);
	tap_ok(ping_served(&q2, 0, 1, "new VM"),
	       "sequence numbers start over for the new VM");

	/* Stop tells a connected guest; destroy removes the socket. */
	vmrpc_host_stop(e.h);
	tap_ok(le32toh(fq_sb(&q2)->host_state) == VMRPC_HOST_GONE &&
	       fq_wait_irq(&q2, VMRPC_GVEC_CONFIG, FQ_TIMEOUT_MS),
	       "stop sets host_state GONE and raises guest vector 2");
	vmrpc_host_destroy(e.h);
	e.h = NULL;
	tap_ok(stat(e.sock, &mst) < 0 && errno == ENOENT,
	       "destroy removes the socket file");

out:
	fq_close(&q2);
	fq_close(&q3);
	fq_close(&old);
	fq_env_teardown(&e);
	test_socket_files();
	test_socket_owner();
	return tap_done();
}
