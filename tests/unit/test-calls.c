// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls end to end in one process: a fake guest thread serves host->guest
 * calls through the fake QEMU's fds and the memfd mapping. Concurrent
 * callers, slot contention, timeouts and late replies, malformed replies,
 * disconnect and shutdown, guest driver states and ABI versions, and
 * guest->host calls running in parallel on the worker pool.
 */
#include "../lib/tap.h"
#include "fake-qemu.h"

#define MOD_TEST	5	/* fake guest: proc 1 answers each byte + 1 */
#define PROC_INC	1
#define MOD_SLOW	7	/* host handler that sleeps */
#define SLOW_MS		200
#define CALLERS		8
#define CALLS_EACH	40

enum guest_mode {
	GUEST_SERVE,	/* answer every call */
	GUEST_HOLD,	/* answer nothing */
	GUEST_BADSEQ,	/* answer with a wrong sequence number */
	GUEST_BIGLEN,	/* claim a longer response than allowed */
};

/**
 * struct fake_guest - a guest driver thread serving host->guest calls
 * @q: the fake QEMU whose fds and mapping it uses
 * @thread: the thread
 * @running: @thread was started
 * @mode: enum guest_mode (atomic)
 * @stop: tells the thread to return (atomic)
 * @served: calls answered (atomic)
 */
struct fake_guest {
	const struct fake_qemu *q;
	pthread_t thread;
	bool running;
	int mode;
	int stop;
	unsigned long served;
};

/* Answer one posted host->guest slot the way the mode says. */
static void guest_answer(struct fake_guest *g, volatile struct vmrpc_slot *s)
{
	uint64_t seq = le64toh(s->seq);
	uint32_t req_len = le32toh(s->req_len);
	uint32_t resp_max = le32toh(s->resp_len);
	uint16_t module = le16toh(s->module), proc = le16toh(s->proc);
	uint32_t status = VMRPC_OK, len = 0, i;
	uint8_t *p = fq_payload(s);

	fq_set_state(s, VMRPC_SLOT_TAKEN);
	if (req_len > fq_cap(g->q)) {
		status = VMRPC_E2BIG;
	} else if (module == MOD_TEST && proc == PROC_INC) {
		if (req_len > resp_max) {
			status = VMRPC_ERANGE;
		} else {
			for (i = 0; i < req_len; i++)
				p[i]++;
			len = req_len;
		}
	} else {
		status = VMRPC_ENOMOD;
	}
	switch (__atomic_load_n(&g->mode, __ATOMIC_ACQUIRE)) {
	case GUEST_BADSEQ:
		seq += 1000;
		break;
	case GUEST_BIGLEN:
		len = resp_max + 1;
		break;
	}
	s->status = htole32(status);
	s->resp_len = htole32(len);
	s->seq = htole64(seq);
	fq_set_state(s, VMRPC_SLOT_DONE);
	__atomic_add_fetch(&g->served, 1, __ATOMIC_RELAXED);
}

static void *guest_thread(void *arg)
{
	struct fake_guest *g = arg;

	while (!__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE)) {
		uint32_t i, n = le16toh(fq_sb(g->q)->h2g_slots);
		bool rang = false;

		/* Scan on every wake-up too: an interrupt may be coalesced. */
		fq_wait_irq(g->q, VMRPC_GVEC_CALL, 10);
		if (__atomic_load_n(&g->mode, __ATOMIC_ACQUIRE) == GUEST_HOLD)
			continue;
		for (i = 0; i < n; i++) {
			volatile struct vmrpc_slot *s = fq_h2g(g->q, i);

			if (fq_state(s) != VMRPC_SLOT_POSTED)
				continue;
			guest_answer(g, s);
			rang = true;
		}
		if (rang)
			fq_ring(g->q, VMRPC_HVEC_DONE);
	}
	return NULL;
}

static bool guest_start(struct fake_guest *g, const struct fake_qemu *q,
			enum guest_mode mode)
{
	memset(g, 0, sizeof(*g));
	g->q = q;
	g->mode = mode;
	g->running = pthread_create(&g->thread, NULL, guest_thread, g) == 0;
	return g->running;
}

static void guest_set_mode(struct fake_guest *g, enum guest_mode mode)
{
	__atomic_store_n(&g->mode, mode, __ATOMIC_RELEASE);
}

static void guest_stop(struct fake_guest *g)
{
	if (!g->running)
		return;
	__atomic_store_n(&g->stop, 1, __ATOMIC_RELEASE);
	pthread_join(g->thread, NULL);
	g->running = false;
}

/* An environment with a ready guest and a fake guest thread. */
static int env_up(struct fq_env *e, struct fake_guest *g, uint32_t nr_slots,
		  enum guest_mode mode)
{
	int ret = fq_env_create(e, nr_slots, 2);

	g->running = false;
	if (!ret)
		ret = fq_env_connect(e);
	if (!ret)
		ret = fq_env_guest_ready(e, 1);
	if (!ret && !guest_start(g, &e->q, mode))
		ret = -EAGAIN;
	if (ret)
		tap_diag("environment setup failed: %s", strerror(-ret));
	return ret;
}

static void env_down(struct fq_env *e, struct fake_guest *g)
{
	guest_stop(g);
	fq_env_teardown(e);
}

/* One host->guest call of MOD_TEST/PROC_INC, checked. */
static int inc_call(struct vmrpc_host *h, const char *text,
		    unsigned int timeout_ms, char *out, size_t out_cap)
{
	uint32_t len = (uint32_t)strlen(text), resp_len = 0, status = ~0u;
	int ret;

	ret = vmrpc_host_call(h, MOD_TEST, PROC_INC, text, len, out,
			      (uint32_t)out_cap - 1, &resp_len, &status,
			      timeout_ms);
	if (ret)
		return ret;
	out[resp_len < out_cap ? resp_len : out_cap - 1] = 0;
	return status == VMRPC_OK && resp_len == len ? 0 : -EBADMSG;
}

/* The text every byte + 1. */
static void inc_text(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < cap; i++)
		out[i] = (char)(in[i] + 1);
	out[i] = 0;
}

/* --- concurrent callers --------------------------------------------- */

/**
 * struct self_call - a call made from the host's own event thread
 * @h: the host
 * @ret: what vmrpc_host_call() returned there (1: not called yet)
 * @ms: how long it took
 */
struct self_call {
	struct vmrpc_host *h;
	int ret;
	long long ms;
};

/* ev_log hook: on GUEST_READY, call the guest from the event callback. */
static void self_call_hook(void *arg, enum vmrpc_host_event ev)
{
	struct self_call *sc = arg;
	uint32_t rl, status;
	long long t0 = fq_now_ms();
	char buf[8];

	if (ev != VMRPC_HOST_EV_GUEST_READY || sc->ret != 1)
		return;
	sc->ret = vmrpc_host_call(sc->h, MOD_TEST, PROC_INC, "x", 1, buf,
				  sizeof(buf), &rl, &status, 1000);
	sc->ms = fq_now_ms() - t0;
}

struct caller {
	struct vmrpc_host *h;
	int id;
	int failures;
	pthread_t thread;
};

static void *caller_thread(void *arg)
{
	struct caller *c = arg;
	char req[256], want[256], got[256];
	int n, k;

	for (n = 0; n < CALLS_EACH; n++) {
		/* Lengths vary, and every request is unique. */
		k = snprintf(req, sizeof(req), "caller %d call %d ", c->id, n);
		while (k < (int)sizeof(req) - 1 &&
		       k < 20 + (c->id * 37 + n * 11) % 200) {
			req[k] = (char)('a' + (k + c->id) % 26);
			k++;
		}
		req[k] = 0;
		inc_text(req, want, sizeof(want));
		if (inc_call(c->h, req, FQ_TIMEOUT_MS, got, sizeof(got)) ||
		    strcmp(got, want))
			c->failures++;
	}
	return NULL;
}

static void test_concurrent(void)
{
	struct caller callers[CALLERS];
	struct vmrpc_host_stats st;
	struct fake_guest g;
	struct fq_env e;
	struct self_call sc;
	uint32_t rl, status;
	char buf[64], *small;
	int i, failures = 0, started = 0, ret;

	ret = fq_env_create(&e, 4, 2);
	sc = (struct self_call){ .h = e.h, .ret = 1 };
	e.log.hook = self_call_hook;
	e.log.hook_arg = &sc;
	ret = ret ? ret : fq_env_connect(&e);
	g.running = false;
	tap_ok(!ret && inc_call(e.h, "x", 1000, buf, sizeof(buf)) == -ENOTCONN &&
	       !vmrpc_host_guest_ready(e.h),
	       "before the guest driver is ready a call fails with -ENOTCONN");
	ret = ret ? ret : fq_env_guest_ready(&e, 1);
	ret = ret ? ret : (guest_start(&g, &e.q, GUEST_SERVE) ? 0 : -EAGAIN);
	tap_ok(!ret && vmrpc_host_guest_ready(e.h),
	       "GUEST_READY once the guest announces our ABI");
	tap_ok(sc.ret == -EDEADLK && sc.ms < 500,
	       "vmrpc_host_call from the event callback: -EDEADLK at once");
	if (ret)
		goto out;

	ret = vmrpc_host_call(e.h, MOD_TEST, PROC_INC, buf, 5000, buf, 8,
			      &rl, &status, 100) == -EINVAL;
	ret &= vmrpc_host_call(e.h, MOD_TEST, PROC_INC, "a", 1, buf, 8, &rl,
			       NULL, 100) == -EINVAL;
	ret &= vmrpc_host_call(e.h, VMRPC_NR_MODULES, 0, "a", 1, buf, 8, &rl,
			       &status, 100) == -EINVAL;
	ret &= vmrpc_host_call(e.h, MOD_TEST, PROC_INC, NULL, 1, buf, 8, &rl,
			       &status, 100) == -EINVAL;
	tap_ok(ret && fq_stats(e.h).h2g_in_flight == 0,
	       "bad arguments (request too long, NULL status or request, module): -EINVAL");

	for (i = 0; i < CALLERS; i++) {
		callers[i] = (struct caller){ .h = e.h, .id = i };
		if (pthread_create(&callers[i].thread, NULL, caller_thread,
				   &callers[i]) == 0)
			started++;
		else
			break;
	}
	for (i = 0; i < started; i++) {
		pthread_join(callers[i].thread, NULL);
		failures += callers[i].failures;
	}
	st = fq_stats(e.h);
	tap_ok(started == CALLERS && !failures &&
	       st.h2g_calls == CALLERS * CALLS_EACH && st.h2g_errors == 0 &&
	       st.h2g_timeouts == 0 && st.h2g_in_flight == 0,
	       "%d threads x %d calls over 4 slots: all answered with their own payload "
	       "(%d wrong, h2g_calls %llu)", CALLERS, CALLS_EACH, failures,
	       (unsigned long long)st.h2g_calls);

	guest_set_mode(&g, GUEST_BADSEQ);
	ret = inc_call(e.h, "bad", 2000, buf, sizeof(buf));
	guest_set_mode(&g, GUEST_SERVE);
	tap_ok(ret == -EPROTO && fq_stats(e.h).h2g_malformed == 1 &&
	       inc_call(e.h, "fine", 2000, buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "gjof"),
	       "a reply with the wrong sequence number: -EPROTO, counted; next call fine");

	/* An exact-size buffer: ASan would see a copy of the claimed length. */
	guest_set_mode(&g, GUEST_BIGLEN);
	small = malloc(4);
	ret = small ? vmrpc_host_call(e.h, MOD_TEST, PROC_INC, "abcd", 4, small,
				      4, &rl, &status, 2000) : -ENOMEM;
	free(small);
	guest_set_mode(&g, GUEST_SERVE);
	tap_ok(ret == -EPROTO && fq_stats(e.h).h2g_malformed == 2 &&
	       fq_stats(e.h).h2g_in_flight == 0,
	       "a reply longer than the caller allowed: -EPROTO, nothing copied");
out:
	env_down(&e, &g);
}

/* --- timeouts and late replies ------------------------------------------ */

static void test_late_reply(void)
{
	struct fake_guest g;
	struct fq_env e;
	volatile struct vmrpc_slot *s;
	struct vmrpc_host_stats st;
	uint64_t seq_a;
	long long t0;
	char buf[64];
	int ret;
	bool ok;

	/* One slot: a reply landing in a reused slot would be visible. */
	if (env_up(&e, &g, 1, GUEST_HOLD)) {
		tap_ok(false, "timeout environment");
		goto out;
	}
	s = fq_h2g(&e.q, 0);
	t0 = fq_now_ms();
	ret = inc_call(e.h, "call A", 200, buf, sizeof(buf));
	seq_a = le64toh(s->seq);
	tap_ok(ret == -ETIMEDOUT && fq_now_ms() - t0 >= 190 &&
	       fq_now_ms() - t0 < 2000 && fq_state(s) == VMRPC_SLOT_POSTED,
	       "a guest that never answers: -ETIMEDOUT after the timeout");

	ret = inc_call(e.h, "call B", 200, buf, sizeof(buf));
	st = fq_stats(e.h);
	tap_ok(ret == -ETIMEDOUT && le64toh(s->seq) == seq_a &&
	       fq_state(s) == VMRPC_SLOT_POSTED && st.h2g_timeouts == 2 &&
	       st.h2g_in_flight == 0,
	       "the timed-out call keeps its slot: the next call times out waiting");

	/* The guest answers A at last. */
	memcpy(fq_payload(s), "LATE", 4);
	s->resp_len = htole32(4);
	s->status = 0;
	fq_set_state(s, VMRPC_SLOT_DONE);
	fq_ring(&e.q, VMRPC_HVEC_DONE);
	FQ_WAIT_FOR(ok, fq_state(s) == VMRPC_SLOT_FREE, FQ_TIMEOUT_MS);
	tap_ok(ok, "the late reply frees the slot");

	guest_set_mode(&g, GUEST_SERVE);
	ret = inc_call(e.h, "call C", 2000, buf, sizeof(buf));
	st = fq_stats(e.h);
	tap_ok(ret == 0 && !strcmp(buf, "dbmm!D") && le64toh(s->seq) > seq_a &&
	       st.h2g_calls == 1,
	       "the next call gets its own reply, not the late one (got '%s')", buf);
out:
	env_down(&e, &g);
}

/* --- disconnect and shutdown ---------------------------------------------- */

/**
 * struct waiter - a thread in vmrpc_host_call() that the guest leaves
 * waiting
 * @h: the host
 * @ret: what the call returned
 * @ms: how long it took
 * @started: @thread runs (join it with waiter_join())
 * @thread: the thread
 */
struct waiter {
	struct vmrpc_host *h;
	int ret;
	long long ms;
	bool started;
	pthread_t thread;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;
	long long t0 = fq_now_ms();
	char buf[64];

	w->ret = inc_call(w->h, "wait for me", 10000, buf, sizeof(buf));
	w->ms = fq_now_ms() - t0;
	return NULL;
}

/* Start a call that the holding guest leaves pending; wait until posted. */
static bool waiter_start(struct waiter *w, struct fq_env *e)
{
	bool posted;

	w->h = e->h;
	w->ret = 1;
	w->started = pthread_create(&w->thread, NULL, waiter_thread, w) == 0;
	if (!w->started)
		return false;
	FQ_WAIT_FOR(posted, fq_state(fq_h2g(&e->q, 0)) == VMRPC_SLOT_POSTED,
		    FQ_TIMEOUT_MS);
	return posted;
}

/*
 * Join the waiter. On a failed test it may still wait: stopping the host
 * ends its call, so the environment can be torn down safely.
 */
static void waiter_join(struct waiter *w, bool force)
{
	if (!w->started)
		return;
	if (force)
		vmrpc_host_stop(w->h);
	pthread_join(w->thread, NULL);
	w->started = false;
}

static void test_disconnect(void)
{
	struct fake_guest g;
	struct waiter w;
	struct fq_env e;
	char buf[16];
	bool ok;

	w.started = false;
	if (env_up(&e, &g, 4, GUEST_HOLD) || !waiter_start(&w, &e)) {
		tap_ok(false, "disconnect environment");
		waiter_join(&w, true);
		env_down(&e, &g);
		return;
	}
	guest_stop(&g);
	fq_close(&e.q);		/* QEMU exits */
	waiter_join(&w, false);
	ok = ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_DISCONNECTED, 1,
			 FQ_TIMEOUT_MS);
	tap_ok(w.ret == -ENOTCONN && w.ms < 5000 && ok &&
	       ev_log_count(&e.log, VMRPC_HOST_EV_GUEST_GONE) == 1 &&
	       fq_stats(e.h).h2g_in_flight == 0,
	       "QEMU disconnecting fails a waiting call with -ENOTCONN (after %lld ms)",
	       w.ms);
	tap_ok(!vmrpc_host_guest_ready(e.h) &&
	       inc_call(e.h, "x", 1000, buf, sizeof(buf)) == -ENOTCONN,
	       "after the disconnect calls fail at once with -ENOTCONN");
	env_down(&e, &g);

	if (env_up(&e, &g, 4, GUEST_HOLD) || !waiter_start(&w, &e)) {
		tap_ok(false, "shutdown environment");
		waiter_join(&w, true);
		env_down(&e, &g);
		return;
	}
	vmrpc_host_stop(e.h);
	waiter_join(&w, false);
	tap_ok(w.ret == -ESHUTDOWN && w.ms < 5000 &&
	       inc_call(e.h, "x", 1000, buf, sizeof(buf)) == -ESHUTDOWN &&
	       le32toh(fq_sb(&e.q)->host_state) == VMRPC_HOST_GONE,
	       "vmrpc_host_stop fails waiting and later calls with -ESHUTDOWN");
	env_down(&e, &g);
}

/* --- guest driver states ---------------------------------------------------- */

static void test_guest_states(void)
{
	struct fake_guest g;
	struct waiter w;
	struct fq_env e;
	char detail[128], buf[16], host_abi[16];
	bool ok;

	w.started = false;
	if (env_up(&e, &g, 4, GUEST_HOLD)) {
		tap_ok(false, "guest state environment");
		goto out;
	}
	ok = waiter_start(&w, &e);
	fq_guest_state(&e.q, VMRPC_ABI_VERSION, VMRPC_GUEST_GONE, 1);
	ok = ok && ev_log_wait(&e.log, VMRPC_HOST_EV_GUEST_GONE, 1,
			       FQ_TIMEOUT_MS);
	/* If GONE went unnoticed the call still waits: stop the host. */
	waiter_join(&w, !ok);
	tap_ok(ok && w.ret == -ENOTCONN && !vmrpc_host_guest_ready(e.h),
	       "the driver unbinding (GONE) fails a waiting call with -ENOTCONN");

	fq_guest_state(&e.q, (VMRPC_ABI_MAJOR + 1) << 16 | 3, VMRPC_GUEST_READY, 2);
	ok = ev_log_wait(&e.log, VMRPC_HOST_EV_GUEST_BAD_VERSION, 1,
			 FQ_TIMEOUT_MS);
	ev_log_detail(&e.log, VMRPC_HOST_EV_GUEST_BAD_VERSION, detail,
		      sizeof(detail));
	snprintf(buf, sizeof(buf), "%d.3", VMRPC_ABI_MAJOR + 1);
	snprintf(host_abi, sizeof(host_abi), "%d.%d", VMRPC_ABI_MAJOR,
		 VMRPC_ABI_MINOR);
	tap_ok(ok && strstr(detail, buf) && strstr(detail, host_abi) &&
	       !vmrpc_host_guest_ready(e.h) &&
	       inc_call(e.h, "x", 500, buf, sizeof(buf)) == -ENOTCONN &&
	       ev_log_count(&e.log, VMRPC_HOST_EV_GUEST_READY) == 1,
	       "a driver of another ABI major: GUEST_BAD_VERSION ('%s'), not ready",
	       detail);

	fq_guest_state(&e.q, (VMRPC_ABI_MAJOR + 1) << 16, VMRPC_GUEST_BAD_VERSION, 3);
	tap_ok(ev_log_wait(&e.log, VMRPC_HOST_EV_GUEST_BAD_VERSION, 2,
			   FQ_TIMEOUT_MS),
	       "a driver refusing our ABI (BAD_VERSION state) is reported too");

	guest_set_mode(&g, GUEST_SERVE);
	ok = fq_env_guest_ready(&e, 4) == 0;
	tap_ok(ok && inc_call(e.h, "HAL", 2000, buf, sizeof(buf)) == 0 &&
	       !strcmp(buf, "IBM"),
	       "a driver of our ABI binding again: ready, calls work");
out:
	env_down(&e, &g);
}

/* --- guest->host calls on the worker pool ------------------------------------ */

static int slow_now, slow_max, slow_calls;

static uint32_t slow_handler(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len)
{
	int now = __atomic_add_fetch(&slow_now, 1, __ATOMIC_SEQ_CST);

	__atomic_add_fetch(&slow_calls, 1, __ATOMIC_SEQ_CST);
	int max = __atomic_load_n(&slow_max, __ATOMIC_SEQ_CST);

	(void)opaque;
	(void)proc;
	while (now > max && !__atomic_compare_exchange_n(&slow_max, &max, now,
			false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	fq_sleep_ms(SLOW_MS);
	__atomic_sub_fetch(&slow_now, 1, __ATOMIC_SEQ_CST);
	if (req_len > resp_cap)
		return VMRPC_ERANGE;
	memcpy(resp, req, req_len);
	*resp_len = req_len;
	return VMRPC_OK;
}

struct g2h_caller {
	const struct fake_qemu *q;
	uint32_t slot;
	bool ok;
	pthread_t thread;
};

static void *g2h_thread(void *arg)
{
	struct g2h_caller *c = arg;
	char req[32], resp[32] = "";
	struct fq_reply r;
	int len = snprintf(req, sizeof(req), "slot %u", c->slot);

	c->ok = fq_call(c->q, c->slot, 1, MOD_SLOW, 0, req, (uint32_t)len,
			resp, sizeof(resp), &r) && r.status == VMRPC_OK &&
		r.len == (uint32_t)len && !memcmp(resp, req, (size_t)len);
	return NULL;
}

static void test_worker_pool(void)
{
	struct g2h_caller c[CALLERS];
	struct vmrpc_host_stats st;
	struct fq_env e;
	long long t0, ms = 0;
	int i, started = 0, good = 0, ret;

	ret = fq_env_create(&e, CALLERS, CALLERS);
	if (!ret)
		ret = vmrpc_host_register(e.h, MOD_SLOW, slow_handler, NULL);
	if (!ret)
		ret = fq_env_connect(&e);
	if (!ret) {
		t0 = fq_now_ms();
		for (i = 0; i < CALLERS; i++) {
			c[i] = (struct g2h_caller){ .q = &e.q, .slot = (uint32_t)i };
			if (pthread_create(&c[i].thread, NULL, g2h_thread, &c[i]))
				break;
			started++;
		}
		for (i = 0; i < started; i++) {
			pthread_join(c[i].thread, NULL);
			good += c[i].ok;
		}
		ms = fq_now_ms() - t0;
	}
	st = e.h ? fq_stats(e.h) : (struct vmrpc_host_stats){ 0 };
	tap_ok(!ret && good == CALLERS && st.g2h_calls == CALLERS &&
	       st.g2h_errors == 0 && st.g2h_in_flight == 0,
	       "%d guest threads calling a slow handler all get their reply", CALLERS);
	tap_ok(!ret && ms < CALLERS * SLOW_MS * 7 / 10 && slow_max >= 2,
	       "the calls ran in parallel: %lld ms for %d ms of handlers, "
	       "up to %d at once", ms, CALLERS * SLOW_MS, slow_max);

	/* A guest re-posting a slot whose call is running gets no second run. */
	if (!ret) {
		volatile struct vmrpc_slot *s = fq_g2h(&e.q, 0);
		bool ok;

		__atomic_store_n(&slow_calls, 0, __ATOMIC_SEQ_CST);
		fq_post(s, 2, MOD_SLOW, 0, "one", 3, 16);
		fq_ring(&e.q, VMRPC_HVEC_CALL);
		FQ_WAIT_FOR(ok, __atomic_load_n(&slow_calls, __ATOMIC_SEQ_CST) == 1,
			    FQ_TIMEOUT_MS);
		fq_post(s, 3, MOD_SLOW, 0, "two", 3, 16);
		fq_ring(&e.q, VMRPC_HVEC_CALL);
		ok = ok && fq_wait_done(s, FQ_TIMEOUT_MS);
		fq_sleep_ms(SLOW_MS + 100);
		FQ_WAIT_FOR(ret, fq_stats(e.h).g2h_in_flight == 0, FQ_TIMEOUT_MS);
		tap_ok(ok && __atomic_load_n(&slow_calls, __ATOMIC_SEQ_CST) == 1,
		       "a slot posted again while its call runs is not dispatched twice "
		       "(%d runs)", __atomic_load_n(&slow_calls, __ATOMIC_SEQ_CST));
		ret = 0;
	} else {
		tap_ok(false, "a slot posted again while its call runs is not dispatched twice");
	}

	/* The driver that posted a call goes away before the reply. */
	if (!ret) {
		volatile struct vmrpc_slot *s = fq_g2h(&e.q, 1);
		uint64_t calls = fq_stats(e.h).g2h_calls;
		bool ok;

		__atomic_store_n(&slow_calls, 0, __ATOMIC_SEQ_CST);
		fq_post(s, 2, MOD_SLOW, 0, "orphan", 6, 16);
		fq_ring(&e.q, VMRPC_HVEC_CALL);
		FQ_WAIT_FOR(ok, __atomic_load_n(&slow_calls, __ATOMIC_SEQ_CST) == 1,
			    FQ_TIMEOUT_MS);
		fq_guest_state(&e.q, VMRPC_ABI_VERSION, VMRPC_GUEST_GONE, 1);
		fq_sleep_ms(SLOW_MS + 100);
		FQ_WAIT_FOR(ok, ok && fq_stats(e.h).g2h_in_flight == 0,
			    FQ_TIMEOUT_MS);
		tap_ok(ok && fq_state(s) == VMRPC_SLOT_TAKEN &&
		       fq_stats(e.h).g2h_calls == calls,
		       "a call whose driver went away (GONE) gets no reply written");
	} else {
		tap_ok(false, "a call whose driver went away (GONE) gets no reply written");
	}
	fq_env_teardown(&e);
}

int main(void)
{
	tap_timeout(60, fq_cleanup_paths);
	tap_plan(22);
	test_concurrent();
	test_late_reply();
	test_disconnect();
	test_guest_states();
	test_worker_pool();
	return tap_done();
}
