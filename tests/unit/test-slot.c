// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slot validation and the slot state machine: first the functions of
 * slot.c on private buffers (every refusal, every boundary, random
 * headers), then the same cases posted by a fake guest to a running host,
 * checking the reply written into the slot and the counters.
 */
#include "../lib/tap.h"
#include "fake-qemu.h"
#include "slot.h"

#define SS		VMRPC_SLOT_SIZE_MIN
#define CAP		(SS - VMRPC_SLOT_HDR_SIZE)
#define RANDOM_ITERS	200000
#define RANDOM_ROUNDS	300
#define MOD_BAD		7	/* a handler with bugs */
#define MOD_UNKNOWN	9	/* nobody registered it */

/* xorshift64*: a fixed-seed generator, the same run every time. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A value near the interesting edges of [0, cap], or anything. */
static uint32_t rng_len(uint32_t cap)
{
	switch (rng() % 6) {
	case 0: return 0;
	case 1: return cap;
	case 2: return cap + 1;
	case 3: return (uint32_t)rng();
	default: return (uint32_t)(rng() % (cap + 2));
	}
}

/* A header with mostly plausible, sometimes hostile, fields. */
static void rng_header(struct vmrpc_slot *h, uint32_t cap, uint64_t seq_base)
{
	static const uint32_t states[] = {
		VMRPC_SLOT_POSTED, VMRPC_SLOT_POSTED, VMRPC_SLOT_POSTED,
		VMRPC_SLOT_FREE, VMRPC_SLOT_TAKEN, VMRPC_SLOT_DONE, 4,
	};
	unsigned int i;

	memset(h, 0, sizeof(*h));
	h->state = htole32(rng() % 8 ? states[rng() % 7] : (uint32_t)rng());
	h->flags = htole32(rng() % 8 ? 0 : (uint32_t)rng());
	h->seq = htole64(rng() % 8 ? seq_base + rng() % 4 : rng());
	h->module = htole16(rng() % 4 ? (uint16_t)(rng() % 10) :
			    (uint16_t)rng());
	h->proc = htole16((uint16_t)(rng() % 4));
	h->status = htole32((uint32_t)rng());
	h->req_len = htole32(rng_len(cap));
	h->resp_len = htole32(rng_len(cap));
	for (i = 0; i < 4; i++)
		h->reserved[i] = rng() % 16 ? 0 : rng();
}

/* A header in host byte order, written to a private buffer. */
static void hdr(void *slot, uint32_t state, uint64_t seq, uint16_t module,
		uint16_t proc, uint32_t req_len, uint32_t resp_len)
{
	struct vmrpc_slot h;

	memset(&h, 0, sizeof(h));
	h.state = htole32(state);
	h.seq = htole64(seq);
	h.module = htole16(module);
	h.proc = htole16(proc);
	h.req_len = htole32(req_len);
	h.resp_len = htole32(resp_len);
	memcpy(slot, &h, sizeof(h));
}

static struct vmrpc_slot *H(void *slot)
{
	return slot;
}

static void test_take(uint8_t *slot, uint8_t *copy)
{
	static const uint32_t bad_states[] = {
		VMRPC_SLOT_FREE, VMRPC_SLOT_TAKEN, VMRPC_SLOT_DONE, 4,
		0xffffffff,
	};
	uint8_t before[SS];
	struct vmrpc_call c;
	uint64_t last = 0;
	unsigned int i;
	bool ok;

	hdr(slot, VMRPC_SLOT_POSTED, 1, 0, 3, 5, 100);
	memcpy(slot + VMRPC_SLOT_HDR_SIZE, "hello", 5);
	memcpy(before, slot, SS);
	tap_ok(vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_OK &&
	       last == 1 && c.seq == 1 && c.proc == 3 && c.req_len == 5 &&
	       c.resp_len == 100 && !memcmp(copy, "hello", 5) &&
	       !memcmp(before, slot, SS),
	       "take: a good call is copied, the slot is not written");

	hdr(slot, VMRPC_SLOT_POSTED, 2, VMRPC_NR_MODULES - 1, 0xffff, CAP, CAP);
	memset(slot + VMRPC_SLOT_HDR_SIZE, 0x5a, CAP);
	memset(copy, 0, CAP);
	ok = vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_OK;
	for (i = 0; ok && i < CAP; i++)
		ok = copy[i] == 0x5a;
	tap_ok(ok && c.module == VMRPC_NR_MODULES - 1,
	       "take: maximum lengths and module number are accepted");

	ok = true;
	hdr(slot, VMRPC_SLOT_POSTED, 3, 0, 0, CAP + 1, 0);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_E2BIG;
	hdr(slot, VMRPC_SLOT_POSTED, 4, 0, 0, 0, CAP + 1);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_E2BIG;
	hdr(slot, VMRPC_SLOT_POSTED, 5, 0, 0, 0xffffffff, 0xffffffff);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_E2BIG;
	tap_ok(ok, "take: req_len or resp_len past the payload: E2BIG");

	hdr(slot, VMRPC_SLOT_POSTED, 6, VMRPC_NR_MODULES, 0, 0, 0);
	ok = vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_ENOMOD;
	hdr(slot, VMRPC_SLOT_POSTED, 7, 0xffff, 0, 0, 0);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_ENOMOD;
	tap_ok(ok, "take: module number out of range: ENOMOD");

	ok = true;
	for (i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
		hdr(slot, bad_states[i], 100, 0, 0, 0, 0);
		ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) ==
			VMRPC_ESTATE && last == 7 && c.state == bad_states[i];
	}
	tap_ok(ok, "take: FREE, TAKEN, DONE, garbage states: ESTATE, seq not used");

	hdr(slot, VMRPC_SLOT_POSTED, 8, 0, 0, 0, 0);
	H(slot)->flags = htole32(1);
	ok = vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_EINVAL;
	for (i = 0; i < 4; i++) {
		hdr(slot, VMRPC_SLOT_POSTED, 9 + i, 0, 0, 0, 0);
		H(slot)->reserved[i] = htole64(1ULL << 63);
		ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_EINVAL;
	}
	tap_ok(ok && last == 12, "take: non-zero flags or reserved words: EINVAL");

	hdr(slot, VMRPC_SLOT_POSTED, 12, 0, 0, 0, 0);
	ok = vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_ESEQ;
	hdr(slot, VMRPC_SLOT_POSTED, 11, 0, 0, 0, 0);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_ESEQ;
	hdr(slot, VMRPC_SLOT_POSTED, 0, 0, 0, 0, 0);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_ESEQ;
	ok &= last == 12 && c.seq == 0;
	hdr(slot, VMRPC_SLOT_POSTED, 13, 0, 0, 0, 0);
	ok &= vmrpc_slot_take(slot, SS, &last, &c, copy) == VMRPC_OK;
	tap_ok(ok && last == 13,
	       "take: equal and older sequence numbers: ESEQ; the next one works");

	hdr(slot, VMRPC_SLOT_POSTED, 14, 0, 0, 0, 0);
	ok = vmrpc_slot_take(slot, VMRPC_SLOT_HDR_SIZE - 1, &last, &c, copy) ==
		VMRPC_EINVAL;
	ok &= vmrpc_slot_take(slot + 4, SS - 8, &last, &c, copy) == VMRPC_EINVAL;
	ok &= vmrpc_slot_take(slot, VMRPC_SLOT_HDR_SIZE, &last, &c, copy) ==
		VMRPC_OK && last == 14;
	tap_ok(ok, "take: too small or misaligned slot: EINVAL; header-only slot works");
}

static void test_writers(uint8_t *slot, uint8_t *copy)
{
	uint8_t before[SS];
	struct vmrpc_call c;
	bool ok;

	memset(slot, 0xee, SS);
	hdr(slot, VMRPC_SLOT_TAKEN, 77, 4, 5, 3, 100);
	vmrpc_slot_reply(slot, SS, 77, VMRPC_EIO, "abc", 3);
	tap_ok(le32toh(H(slot)->state) == VMRPC_SLOT_DONE &&
	       le32toh(H(slot)->status) == VMRPC_EIO &&
	       le64toh(H(slot)->seq) == 77 && le32toh(H(slot)->resp_len) == 3 &&
	       !memcmp(slot + VMRPC_SLOT_HDR_SIZE, "abc", 3) &&
	       slot[VMRPC_SLOT_HDR_SIZE + 3] == 0xee,
	       "reply: payload, resp_len, status, seq, then DONE");

	vmrpc_slot_reply(slot, SS, 78, VMRPC_OK, copy, CAP + 1);
	tap_ok(le32toh(H(slot)->status) == VMRPC_ERANGE &&
	       le32toh(H(slot)->resp_len) == 0,
	       "reply: a response past the payload becomes an empty ERANGE");

	memset(slot, 0xee, SS);
	ok = vmrpc_slot_post(slot, SS, 5, 1, 2, "req", 3, 100) == 0;
	ok &= le32toh(H(slot)->state) == VMRPC_SLOT_POSTED &&
		H(slot)->flags == 0 && le64toh(H(slot)->seq) == 5 &&
		le16toh(H(slot)->module) == 1 && le16toh(H(slot)->proc) == 2 &&
		H(slot)->status == 0 && le32toh(H(slot)->req_len) == 3 &&
		le32toh(H(slot)->resp_len) == 100 &&
		!H(slot)->reserved[0] && !H(slot)->reserved[3] &&
		!memcmp(slot + VMRPC_SLOT_HDR_SIZE, "req", 3);
	memcpy(before, slot, SS);
	ok &= vmrpc_slot_post(slot, SS, 6, 1, 2, copy, CAP + 1, 0) == -EINVAL;
	ok &= vmrpc_slot_post(slot, SS, 6, 1, 2, NULL, 0, CAP + 1) == -EINVAL;
	tap_ok(ok && !memcmp(before, slot, SS),
	       "post: header and request, then POSTED; oversize refused untouched");

	hdr(slot, VMRPC_SLOT_DONE, 5, 1, 2, 3, 4);
	memcpy(slot + VMRPC_SLOT_HDR_SIZE, "pong", 4);
	memset(copy, 0, 8);
	ok = vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == 0 &&
		c.resp_len == 4 && c.status == VMRPC_OK && !memcmp(copy, "pong", 4);
	H(slot)->status = htole32(VMRPC_ESHUTDOWN);
	ok &= vmrpc_slot_collect(slot, SS, 5, 4, &c, NULL) == 0 &&
		c.status == VMRPC_ESHUTDOWN;
	tap_ok(ok, "collect: a valid reply is copied (or only checked)");

	ok = true;
	H(slot)->state = htole32(VMRPC_SLOT_POSTED);
	ok &= vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == -EAGAIN;
	H(slot)->state = htole32(VMRPC_SLOT_TAKEN);
	ok &= vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == -EAGAIN;
	H(slot)->state = htole32(VMRPC_SLOT_FREE);
	ok &= vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == -EPROTO;
	H(slot)->state = htole32(99);
	ok &= vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == -EPROTO;
	H(slot)->state = htole32(VMRPC_SLOT_DONE);
	ok &= vmrpc_slot_collect(slot, SS, 6, 100, &c, copy) == -EPROTO;
	ok &= vmrpc_slot_collect(slot, SS, 5, 3, &c, copy) == -EPROTO;
	H(slot)->status = htole32(VMRPC_NR_ERRORS);
	ok &= vmrpc_slot_collect(slot, SS, 5, 100, &c, copy) == -EPROTO;
	tap_ok(ok, "collect: pending is EAGAIN; wrong state, seq, length, status: EPROTO");
}

/* Random headers against the parsers: no crash, and every result sane. */
static void test_random(void)
{
	static const uint32_t sizes[] = { 64, 72, 4096, 8192 };
	uint8_t *slots[4], *copy = malloc(8192);
	unsigned long bad = 0, ok_calls = 0;
	unsigned int i, k;

	for (k = 0; k < 4; k++)
		slots[k] = malloc(sizes[k]);
	for (i = 0; i < RANDOM_ITERS && copy; i++) {
		uint32_t size = sizes[i % 4], cap = size - VMRPC_SLOT_HDR_SIZE;
		uint8_t *slot = slots[i % 4];
		uint64_t last = rng() % 8 ? i / 2 : rng(), old = last;
		struct vmrpc_call c;
		uint32_t st, resp_max = (uint32_t)(rng() % (cap + 1));
		int ret;

		if (!slot)
			break;
		rng_header((struct vmrpc_slot *)slot, cap, i / 2);
		if (cap)
			slot[VMRPC_SLOT_HDR_SIZE + rng() % cap] = (uint8_t)rng();
		st = vmrpc_slot_take(slot, size, &last, &c, copy);
		if (st == VMRPC_OK) {
			ok_calls++;
			if (c.state != VMRPC_SLOT_POSTED || c.req_len > cap ||
			    c.resp_len > cap || c.module >= VMRPC_NR_MODULES ||
			    c.seq <= old || last != c.seq || c.flags ||
			    memcmp(copy, slot + VMRPC_SLOT_HDR_SIZE, c.req_len))
				bad++;
		} else if (st >= VMRPC_NR_ERRORS ||
			   ((st == VMRPC_ESTATE || st == VMRPC_ESEQ) &&
			    last != old)) {
			bad++;
		}
		ret = vmrpc_slot_collect(slot, size, rng() % 2 ? c.seq : rng(),
					 resp_max, &c, copy);
		if (ret != 0 && ret != -EAGAIN && ret != -EPROTO)
			bad++;
		if (!ret && (c.resp_len > resp_max || c.status >= VMRPC_NR_ERRORS))
			bad++;
	}
	tap_ok(i == RANDOM_ITERS && !bad && ok_calls > 1000,
	       "%u random headers: no crash, results consistent (%lu accepted)",
	       i, ok_calls);
	for (k = 0; k < 4; k++)
		free(slots[k]);
	free(copy);
}

/* Every status has its own text; anything else is "unknown status". */
static void test_status_str(void)
{
	const char *seen[VMRPC_NR_ERRORS];
	uint32_t i, j;
	bool ok = true;

	for (i = 0; i < VMRPC_NR_ERRORS; i++) {
		seen[i] = vmrpc_status_str(i);
		ok &= seen[i] && *seen[i] && strcmp(seen[i], "unknown status");
		for (j = 0; ok && j < i; j++)
			ok &= strcmp(seen[i], seen[j]) != 0;
	}
	tap_ok(ok && !strcmp(vmrpc_status_str(VMRPC_NR_ERRORS), "unknown status") &&
	       !strcmp(vmrpc_status_str(0xffffffff), "unknown status") &&
	       !strcmp(vmrpc_status_str(VMRPC_ENOMOD), "no such module"),
	       "vmrpc_status_str: a distinct text per status, unknown ones named so");
}

/* --- through a running host ------------------------------------------- */

static uint32_t bad_handler(void *opaque, uint16_t proc, const void *req,
			    uint32_t req_len, void *resp, uint32_t resp_cap,
			    uint32_t *resp_len)
{
	(void)opaque; (void)req; (void)req_len; (void)resp;
	if (proc == 0)
		return 1000;		/* not a status */
	*resp_len = resp_cap + 1;	/* claims more than it may write */
	return VMRPC_OK;
}

/* Post a raw header (state last) and the payload bytes given. */
static void post_raw(volatile struct vmrpc_slot *s, const struct vmrpc_slot *h,
		     const void *payload, uint32_t len)
{
	if (len)
		memcpy(fq_payload(s), payload, len);
	s->flags = h->flags;
	s->seq = h->seq;
	s->module = h->module;
	s->proc = h->proc;
	s->status = h->status;
	s->req_len = h->req_len;
	s->resp_len = h->resp_len;
	s->reserved[0] = h->reserved[0];
	s->reserved[1] = h->reserved[1];
	s->reserved[2] = h->reserved[2];
	s->reserved[3] = h->reserved[3];
	__atomic_store_n(&s->state, h->state, __ATOMIC_RELEASE);
}

/* Ring, wait for DONE, check the reply and free the slot. */
static bool served_with(const struct fake_qemu *q, uint32_t i, uint64_t seq,
			uint32_t status)
{
	volatile struct vmrpc_slot *s = fq_g2h(q, i);
	bool ok;

	fq_ring(q, VMRPC_HVEC_CALL);
	ok = fq_wait_done(s, FQ_TIMEOUT_MS) && le32toh(s->status) == status &&
		le64toh(s->seq) == seq;
	if (!ok)
		tap_diag("slot %u: state %u status %u seq %llu, wanted status %u",
			 i, fq_state(s), le32toh(s->status),
			 (unsigned long long)le64toh(s->seq), status);
	fq_set_state(s, VMRPC_SLOT_FREE);
	return ok;
}

/* Counter deltas since @a: calls, errors, malformed. */
static bool delta(const struct vmrpc_host *h, const struct vmrpc_host_stats *a,
		  uint64_t calls, uint64_t errors, uint64_t malformed)
{
	struct vmrpc_host_stats b = fq_stats(h);

	if (b.g2h_calls - a->g2h_calls == calls &&
	    b.g2h_errors - a->g2h_errors == errors &&
	    b.g2h_malformed - a->g2h_malformed == malformed)
		return true;
	tap_diag("counters moved by calls %llu errors %llu malformed %llu",
		 (unsigned long long)(b.g2h_calls - a->g2h_calls),
		 (unsigned long long)(b.g2h_errors - a->g2h_errors),
		 (unsigned long long)(b.g2h_malformed - a->g2h_malformed));
	return false;
}

/* Post one malformed variant of a ping on slot @i; expect @status. */
static bool refused(struct fq_env *e, uint32_t i, struct vmrpc_slot *h,
		    uint32_t status)
{
	struct vmrpc_host_stats a = fq_stats(e->h);

	post_raw(fq_g2h(&e->q, i), h, NULL, 0);
	return served_with(&e->q, i, le64toh(h->seq), status) &&
		le32toh(fq_g2h(&e->q, i)->resp_len) == 0 &&
		delta(e->h, &a, 1, 1, 1);
}

static struct vmrpc_slot ping_hdr(uint64_t seq, uint32_t req_len,
				  uint32_t resp_len)
{
	struct vmrpc_slot h;

	memset(&h, 0, sizeof(h));
	h.state = htole32(VMRPC_SLOT_POSTED);
	h.seq = htole64(seq);
	h.req_len = htole32(req_len);
	h.resp_len = htole32(resp_len);
	return h;
}

static void test_host_validation(struct fq_env *e)
{
	const struct fake_qemu *q = &e->q;
	struct vmrpc_host_stats a;
	struct vmrpc_slot h;
	struct vmrpc_host_info info;
	static uint8_t big[CAP], out[CAP];
	struct fq_reply r;
	bool ok;

	a = fq_stats(e->h);
	ok = fq_call(q, 0, 1, VMRPC_MOD_CORE, VMRPC_CORE_PING, "ping", 4, out,
		     sizeof(out), &r) && r.status == VMRPC_OK && r.len == 4 &&
		r.seq == 1 && !memcmp(out, "ping", 4);
	tap_ok(ok && delta(e->h, &a, 1, 0, 0),
	       "host: a good ping is answered and counted");

	memset(big, 0xc3, sizeof(big));
	memset(out, 0, sizeof(out));
	ok = fq_call(q, 0, 2, VMRPC_MOD_CORE, VMRPC_CORE_PING, big, CAP, out,
		     CAP, &r) && r.status == VMRPC_OK && r.len == CAP &&
		!memcmp(out, big, CAP);
	tap_ok(ok, "host: a ping of the whole payload (%u bytes) is echoed", CAP);

	a = fq_stats(e->h);
	ok = fq_call(q, 0, 3, VMRPC_MOD_CORE, VMRPC_CORE_PING, "0123456789",
		     10, out, 5, &r) && r.status == VMRPC_ERANGE && r.len == 0;
	tap_ok(ok && delta(e->h, &a, 1, 1, 0),
	       "host: a response larger than the caller allows: ERANGE, not malformed");

	h = ping_hdr(1, CAP + 1, 16);
	ok = refused(e, 1, &h, VMRPC_E2BIG);
	h = ping_hdr(2, 16, CAP + 1);
	ok &= refused(e, 1, &h, VMRPC_E2BIG);
	h = ping_hdr(3, 0xffffffff, 0xffffffff);
	ok &= refused(e, 1, &h, VMRPC_E2BIG);
	tap_ok(ok, "host: lengths past the end: E2BIG reply, counted malformed");

	h = ping_hdr(4, 0, 0);
	h.module = htole16(VMRPC_NR_MODULES);
	ok = refused(e, 1, &h, VMRPC_ENOMOD);
	a = fq_stats(e->h);
	ok &= fq_call(q, 1, 5, MOD_UNKNOWN, 0, NULL, 0, NULL, 0, &r) &&
		r.status == VMRPC_ENOMOD && delta(e->h, &a, 1, 1, 0);
	tap_ok(ok, "host: module out of range: ENOMOD malformed; unregistered: ENOMOD");

	h = ping_hdr(6, 0, 0);
	h.flags = htole32(0x80000000);
	ok = refused(e, 1, &h, VMRPC_EINVAL);
	h = ping_hdr(7, 0, 0);
	h.reserved[2] = htole64(1);
	ok &= refused(e, 1, &h, VMRPC_EINVAL);
	tap_ok(ok, "host: non-zero flags or reserved: EINVAL, counted malformed");

	h = ping_hdr(7, 0, 0);
	ok = refused(e, 1, &h, VMRPC_ESEQ);
	h = ping_hdr(3, 0, 0);
	ok &= refused(e, 1, &h, VMRPC_ESEQ);
	a = fq_stats(e->h);
	ok &= fq_call(q, 1, 8, VMRPC_MOD_CORE, VMRPC_CORE_PING, NULL, 0, NULL,
		      0, &r) && r.status == VMRPC_OK && delta(e->h, &a, 1, 0, 0);
	tap_ok(ok, "host: equal and older seq: ESEQ malformed; a newer one is served");

	h = ping_hdr(9, 0, 0);
	h.state = htole32(0x77);
	ok = refused(e, 1, &h, VMRPC_ESTATE);
	tap_ok(ok, "host: a garbage state: ESTATE reply, counted malformed");

	a = fq_stats(e->h);
	ok = fq_call(q, 2, 1, VMRPC_MOD_CORE, 99, NULL, 0, NULL, 0, &r) &&
		r.status == VMRPC_ENOPROC;
	ok &= fq_call(q, 2, 2, MOD_BAD, 0, NULL, 0, out, 16, &r) &&
		r.status == VMRPC_EIO && r.len == 0;
	ok &= fq_call(q, 2, 3, MOD_BAD, 1, NULL, 0, out, 16, &r) &&
		r.status == VMRPC_EIO && r.len == 0;
	tap_ok(ok && delta(e->h, &a, 3, 3, 0),
	       "host: unknown procedure: ENOPROC; handler bugs become EIO");

	memset(&info, 0xff, sizeof(info));
	ok = fq_call(q, 2, 4, VMRPC_MOD_CORE, VMRPC_CORE_HOST_INFO, NULL, 0,
		     &info, sizeof(info), &r) && r.status == VMRPC_OK &&
		r.len == sizeof(info);
	ok &= le32toh(info.page_size) == (uint32_t)sysconf(_SC_PAGESIZE) &&
		le64toh(info.memfd_size) == FQ_BAR_SIZE &&
		le64toh(info.memfd_allocated) > 0 &&
		le64toh(info.memfd_allocated) < FQ_BAR_SIZE &&
		le64toh(info.memfd_allocated) % le32toh(info.page_size) == 0 &&
		le64toh(info.host_mem_available) > 0 &&
		!info.reserved0 && !info.reserved[0] && !info.reserved[3];
	ok &= fq_call(q, 2, 5, VMRPC_MOD_CORE, VMRPC_CORE_HOST_INFO, NULL, 0,
		      &info, sizeof(info) - 1, &r) && r.status == VMRPC_ERANGE;
	tap_ok(ok, "host: HOST_INFO reports page size, memfd size and use, MemAvailable");
}

/* FREE, TAKEN and DONE slots are the guest's business: never touched. */
static void test_host_ignores(struct fq_env *e)
{
	static const uint32_t states[] = {
		VMRPC_SLOT_FREE, VMRPC_SLOT_TAKEN, VMRPC_SLOT_DONE,
	};
	struct vmrpc_slot snap[3], h;
	struct vmrpc_host_stats a = fq_stats(e->h);
	struct fq_reply r;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < 3; i++) {
		h = ping_hdr(100 + i, 4, 4);
		h.state = htole32(states[i]);
		h.status = htole32(0x55);
		post_raw(fq_g2h(&e->q, 3 + i), &h, "abcd", 4);
		memcpy(&snap[i], (const void *)fq_g2h(&e->q, 3 + i), sizeof(h));
	}
	/* Slots are scanned in order: when slot 7 is done, 3-5 were seen. */
	ok = fq_call(&e->q, 7, 1, VMRPC_MOD_CORE, VMRPC_CORE_PING, NULL, 0,
		     NULL, 0, &r) && r.status == VMRPC_OK;
	for (i = 0; i < 3; i++)
		ok &= !memcmp(&snap[i], (const void *)fq_g2h(&e->q, 3 + i),
			      sizeof(h));
	tap_ok(ok && delta(e->h, &a, 1, 0, 0),
	       "host: FREE, TAKEN and DONE slots are left alone, not counted");
	for (i = 0; i < 3; i++)
		fq_set_state(fq_g2h(&e->q, 3 + i), VMRPC_SLOT_FREE);
}

/* A hostile guest scribbling random headers over the slots. */
static void test_host_random(struct fq_env *e)
{
	struct vmrpc_host_stats st;
	unsigned int round, i;
	uint64_t by_status = 0;
	struct fq_reply r;
	bool ok = true;

	for (round = 0; round < RANDOM_ROUNDS && ok; round++) {
		for (i = 0; i < 7; i++) {
			volatile struct vmrpc_slot *s = fq_g2h(&e->q, i);
			struct vmrpc_slot h;

			rng_header(&h, CAP, 1000 + round);
			post_raw(s, &h, NULL, 0);
			fq_payload(s)[rng() % CAP] = (uint8_t)rng();
		}
		ok = fq_call(&e->q, 7, 1000 + round, VMRPC_MOD_CORE,
			     VMRPC_CORE_PING, "sync", 4, NULL, 4, &r) &&
			r.status == VMRPC_OK && r.seq == 1000 + round;
	}
	FQ_WAIT_FOR(ok, ok && fq_stats(e->h).g2h_in_flight == 0, FQ_TIMEOUT_MS);
	st = fq_stats(e->h);
	for (i = 0; i < VMRPC_NR_ERRORS; i++)
		by_status += st.g2h_status[i];
	tap_ok(ok && st.g2h_malformed > RANDOM_ROUNDS &&
	       st.g2h_malformed <= st.g2h_errors &&
	       st.g2h_errors <= st.g2h_calls &&
	       by_status == st.g2h_calls &&
	       st.g2h_calls - st.g2h_status[VMRPC_OK] == st.g2h_errors,
	       "host: %u rounds of random slots: still serving, counters consistent "
	       "(%llu calls, %llu malformed, %llu counted by status)", round,
	       (unsigned long long)st.g2h_calls,
	       (unsigned long long)st.g2h_malformed,
	       (unsigned long long)by_status);
	tap_ok(st.doorbells >= st.wakeups && st.wakeups > 0,
	       "host: %llu doorbells served in %llu wake-ups",
	       (unsigned long long)st.doorbells, (unsigned long long)st.wakeups);
}

int main(void)
{
	uint8_t *slot = aligned_alloc(64, SS), *copy = malloc(CAP + 1);
	struct fq_env e;
	int ret;

	tap_timeout(60, fq_cleanup_paths);
	tap_plan(30);
	if (!slot || !copy)
		return 1;
	test_take(slot, copy);
	test_writers(slot, copy);
	test_random();
	test_status_str();

	ret = fq_env_create(&e, 8, 2);
	if (!ret)
		ret = vmrpc_host_register(e.h, MOD_BAD, bad_handler, NULL);
	tap_ok(!ret && vmrpc_host_register(e.h, VMRPC_MOD_CORE, bad_handler,
					   NULL) == -EEXIST &&
	       vmrpc_host_register(e.h, VMRPC_NR_MODULES, bad_handler,
				   NULL) == -EINVAL,
	       "register: a module once; core is taken; range checked");
	ret = ret ? ret : fq_env_connect(&e);
	tap_ok(!ret && vmrpc_host_register(e.h, 10, bad_handler, NULL) == -EBUSY,
	       "host started with a fake guest; register refused once started");
	if (!ret) {
		test_host_validation(&e);
		test_host_ignores(&e);
		test_host_random(&e);
	}
	fq_env_teardown(&e);
	free(slot);
	free(copy);
	return tap_done();
}
