// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --recover's library half against a fake QEMU: a host serves,
 * then "dies" leaving a call it had taken, a call the guest posted after
 * it died and a reverse call of its own; a second host takes the VM's
 * descriptors back from the fake QEMU (this very process, so ptrace
 * rights are a given) with zh_recover_take() and adopts the VM. It must
 * refuse a memfd it did not build, change nothing while it holds the
 * guest's calls, and on release fail the taken call, run the posted one
 * and drop the dead host's reply.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "fake-qemu.h"
#include "recover-fds.h"

#define MOD_ECHO	7

static struct fq_env e;
static char sock2[sizeof(e.sock)];

static void cleanup(void)
{
	if (sock2[0])
		unlink(sock2);
	fq_cleanup_paths();
}

static uint32_t echo(void *opaque, uint16_t proc, const void *req,
		     uint32_t req_len, void *resp, uint32_t resp_cap,
		     uint32_t *resp_len)
{
	(void)opaque;
	(void)proc;
	*resp_len = req_len < resp_cap ? req_len : resp_cap;
	memcpy(resp, req, *resp_len);
	return VMRPC_OK;
}

/* The fake guest answers reverse calls with an empty OK. */
static uint32_t answer(void *arg, uint16_t module, uint16_t proc,
		       const uint8_t *req, uint32_t req_len, uint8_t *resp,
		       uint32_t resp_max, uint32_t *resp_len)
{
	(void)arg; (void)module; (void)proc; (void)req; (void)req_len;
	(void)resp; (void)resp_max;
	*resp_len = 0;
	return VMRPC_OK;
}

/* What the serving host records once QEMU connected (this process). */
static int record(struct zh_recover_state *s)
{
	memset(s, 0, sizeof(*s));
	s->bar_size = FQ_BAR_SIZE;
	s->nr_slots = 4;
	s->slot_size = VMRPC_SLOT_SIZE_MIN;
	return zh_recover_state_fill(s, getpid(), e.q.msg[2].fd, e.q.host_fd,
				     e.q.guest_fd);
}

/* A second host over the VM, its calls held; NULL when refused. */
static struct vmrpc_host *adopt(const struct zh_recover_state *s,
				uint64_t bar_size, char *err, size_t len)
{
	struct vmrpc_host_config cfg = fq_config(&e, 4, 1);
	struct vmrpc_host_adopted a;
	struct vmrpc_host *h = NULL;

	cfg.socket_path = sock2;
	cfg.bar_size = bar_size;
	if (zh_recover_take(s, &a, err, len))
		return NULL;
	if (!vmrpc_host_adopt(&cfg, &a, &h, err, len) &&
	    vmrpc_host_register(h, MOD_ECHO, echo, NULL) == 0 &&
	    vmrpc_host_start(h) == 0) {
		zh_recover_adopted_close(&a);
		return h;
	}
	zh_recover_adopted_close(&a);
	vmrpc_host_destroy(h);
	return NULL;
}

int main(void)
{
	volatile struct vmrpc_superblock *sb;
	volatile struct vmrpc_slot *taken, *posted, *orphan;
	struct zh_recover_state s, bad;
	struct fq_server srv;
	char err[ZH_RECOVER_ERR_MAX];
	struct vmrpc_host *h;
	uint32_t len, status;
	bool up, ok;

	tap_timeout(60, cleanup);
	tap_plan(11);
	up = fq_env_create(&e, 4, 1) == 0 &&
	     vmrpc_host_register(e.h, MOD_ECHO, echo, NULL) == 0 &&
	     fq_env_connect(&e) == 0 && fq_env_guest_ready(&e, 1) == 0 &&
	     record(&s) == 0;
	if (!up) {
		printf("Bail out! cannot set up a host and a fake QEMU\n");
		fq_env_teardown(&e);
		return 1;
	}
	snprintf(sock2, sizeof(sock2), "%s/ivshmem2.sock", e.dir);
	sb = fq_sb(&e.q);
	taken = fq_g2h(&e.q, 0);
	posted = fq_g2h(&e.q, 1);
	orphan = fq_h2g(&e.q, 2);

	/* The host dies: no GONE reaches the superblock (restored here). */
	vmrpc_host_destroy(e.h);
	e.h = NULL;
	__atomic_store_n(&sb->host_state, htole32(VMRPC_HOST_READY),
			 __ATOMIC_RELEASE);
	fq_post(taken, 5, MOD_ECHO, 0, "half", 4, 16);
	fq_set_state(taken, VMRPC_SLOT_TAKEN);
	fq_post(posted, 6, MOD_ECHO, 0, "late", 4, 16);
	fq_ring(&e.q, VMRPC_HVEC_CALL);
	/* A reverse call the dead host posted (host-written seq 9). */
	orphan->seq = htole64(9);
	orphan->resp_len = htole32(16);
	fq_set_state(orphan, VMRPC_SLOT_POSTED);

	bad = s;
	bad.qemu_start++;
	tap_ok(!adopt(&bad, FQ_BAR_SIZE, err, sizeof(err)) &&
	       strstr(err, "has exited"),
	       "a QEMU started at another time is not ours: %s", err);
	bad = s;
	bad.guest_id[2] = 1ULL << 40;
	tap_ok(!adopt(&bad, FQ_BAR_SIZE, err, sizeof(err)) &&
	       strstr(err, "guest eventfd of vector 2"),
	       "an eventfd QEMU does not hold refuses: %s", err);
	tap_ok(!adopt(&s, FQ_BAR_SIZE * 2, err, sizeof(err)) &&
	       strstr(err, "bytes, expected"),
	       "a memfd of another size is refused: %s", err);
	sb->g2h_slots = htole16(3);
	tap_ok(!adopt(&s, FQ_BAR_SIZE, err, sizeof(err)) &&
	       strstr(err, "g2h_slots"),
	       "a superblock the guest changed is refused: %s", err);
	sb->g2h_slots = htole16(4);

	/* Refused after it started (calls still held): nothing changes. */
	h = adopt(&s, FQ_BAR_SIZE, err, sizeof(err));
	ok = h && ev_log_wait(&e.log, VMRPC_HOST_EV_GUEST_READY, 2,
			      FQ_TIMEOUT_MS);
	vmrpc_host_destroy(h);
	tap_ok(ok && le32toh(sb->host_state) == VMRPC_HOST_READY &&
	       fq_state(taken) == VMRPC_SLOT_TAKEN &&
	       fq_state(posted) == VMRPC_SLOT_POSTED,
	       "a recovery given up before release leaves host_state and the slots as they were");

	h = adopt(&s, FQ_BAR_SIZE, err, sizeof(err));
	ok = h && ev_log_wait(&e.log, VMRPC_HOST_EV_GUEST_READY, 3,
			      FQ_TIMEOUT_MS);
	tap_ok(ok && vmrpc_host_guest_ready(h),
	       "the adopted host knows the guest's driver without a new bind");
	/* Reverse calls work while the guest's calls are held. */
	fq_server_start(&srv, &e.q, answer, NULL);
	fq_ring(&e.q, VMRPC_HVEC_CALL);
	ok = ok && vmrpc_host_call(h, MOD_ECHO, 16, NULL, 0, NULL, 0, &len,
				   &status, FQ_TIMEOUT_MS) == 0 &&
	     status == VMRPC_OK;
	tap_ok(ok && fq_state(taken) == VMRPC_SLOT_TAKEN &&
	       fq_state(posted) == VMRPC_SLOT_POSTED,
	       "a reverse call works while the guest's calls wait");
	FQ_WAIT_FOR(ok, fq_state(orphan) == VMRPC_SLOT_FREE, FQ_TIMEOUT_MS);
	tap_ok(ok, "the dead host's reverse call is answered and its slot freed");

	vmrpc_host_release_calls(h);
	ok = fq_wait_done(taken, FQ_TIMEOUT_MS) &&
	     le32toh(taken->status) == VMRPC_EBUSY && le64toh(taken->seq) == 5;
	tap_ok(ok, "released: the call the dead host had taken fails with EBUSY");
	ok = fq_wait_done(posted, FQ_TIMEOUT_MS) &&
	     le32toh(posted->status) == VMRPC_OK &&
	     le64toh(posted->seq) == 6 && !memcmp(fq_payload(posted), "late", 4);
	tap_ok(ok, "released: the call posted meanwhile runs");
	fq_server_stop(&srv);
	vmrpc_host_destroy(h);
	tap_ok(le32toh(sb->host_state) == VMRPC_HOST_GONE,
	       "a recovered host that stops tells the guest, as any host does");
	unlink(sock2);
	fq_env_teardown(&e);
	return tap_done();
}
