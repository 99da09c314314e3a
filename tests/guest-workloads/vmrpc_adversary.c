// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmrpc_adversary: the hostile guest of tests/e2e/test-hostile-guest.sh.
 * As root it maps the zonehost device's BAR0 (doorbell) and BAR2 (shared
 * memory) through sysfs, behind its own kernel's back, and sends zhostd
 * malformed guest->host calls in rounds until the host says "stop":
 * wrong sizes, lengths past the payload, subblock numbers outside the
 * data area or wrapping into the control area, unknown modules and
 * procedures, replayed sequence numbers, bad header fields, a slot a
 * second thread rewrites while the host reads it, unplugs of subblocks
 * never plugged, a plug beyond the maximum, resize reports with
 * impossible numbers, pin batches that are malformed (reserved fields,
 * counts that disagree with the length, runs past the data area or whose
 * end overflows, overlapping runs, unknown ops), name unplugged subblocks
 * or flood pin and unpin of one subblock, a pin of every subblock the
 * guest may plug (the host's ceiling must stop it) with hints of what it
 * pinned while it is, paging hints that are malformed
 * (runs outside the data area or across a subblock, count 0, reserved
 * fields, unknown sources) or name unplugged subblocks, hostfs calls on
 * the export "adv" the test makes (hostile names, forged mounts and
 * nodes, lengths that disagree, frames outside the data area or in
 * subblocks never plugged, a symlink target with a NUL), floods of
 * doorbells on every vector (and on
 * vectors and peers that do not exist), and a superblock whose layout
 * says the slots lie outside BAR2 and the data area in the control area. Meanwhile a second thread makes
 * the guest kernel's own calls (debugfs vmrpc/ping), which must all work.
 *
 * Slots: the guest kernel takes the lowest free guest->host slot
 * (vmrpc_slot_get() in vmrpc/guest/vmrpc-call.c), so it reaches the last
 * ones only with that many calls in flight at once; this program uses the
 * last ADV_SLOTS of them. Subblocks: it names only the top of the data
 * area, which the test's --host-max keeps the guest from ever plugging.
 * Nothing it sends may succeed in changing what the guest kernel owns.
 *
 * It prints what it sent and what came back, for the host to compare
 * with zhostd's counters:
 *
 *   vmrpc-adversary: attacking
 *   vmrpc-adversary: class NAME sent N unexpected N
 *   vmrpc-adversary: status NAME N        (answers, by VMRPC status)
 *   vmrpc-adversary: count WHAT N         (mem-einval, pin-bad, ...)
 *   vmrpc-adversary: stopped after N rounds
 *
 * then its TAP results, and exits when the host says "done".
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host_channel.h"
#include "kselftest.h"
#include "vmrpc_bar.h"

#include <linux/vmrpc.h>

#define ADV_SLOTS	4		/* the last guest->host slots */
#define ADV_MIN_ROUNDS	3
#define ADV_MAX_S	600		/* stop even if the host never says so */
#define ADV_ANSWER_S	10		/* a call the host never answers */
#define ADV_FLOOD	2000		/* doorbells per round */
#define ADV_UNPLUGS	8		/* unplugs of unplugged subblocks per round */
#define ADV_PIN_FLOOD	32		/* pin+unpin of one subblock per round */
#define ADV_HINT_FLOOD	32		/* hints of unplugged subblocks per round */
#define ADV_HINT_RUNS	8		/* runs per such hint */
#define ADV_SEQ_BASE	1000000		/* above what a fresh slot served */
#define ADV_NR_STATUS	(VMRPC_NR_ERRORS + 1)	/* the last: no status */
#define PING_PATH	"/sys/kernel/debug/vmrpc/ping"

#define BIT(s)		(1U << (s))

enum adv_class {
	C_WRONG_SIZE, C_PAST_PAYLOAD, C_BAD_OFFSET, C_UNKNOWN_MODULE,
	C_UNKNOWN_PROC, C_REPLAY, C_BAD_HEADER, C_REWRITE, C_UNPLUG_UNPLUGGED,
	C_PLUG_BEYOND_MAX, C_IMPOSSIBLE_REPORT, C_PIN_BAD, C_PIN_UNPLUGGED,
	C_PIN_FLOOD, C_PIN_CEILING, C_PAGING_BAD, C_PAGING_UNPLUGGED,
	C_PAGING_PINNED, C_DOORBELL_FLOOD, C_HOSTFS,
	C_SUPERBLOCK, C_NR
};

static const char *const class_name[C_NR] = {
	[C_WRONG_SIZE] = "wrong-size",
	[C_PAST_PAYLOAD] = "past-payload",
	[C_BAD_OFFSET] = "bad-offset",
	[C_UNKNOWN_MODULE] = "unknown-module",
	[C_UNKNOWN_PROC] = "unknown-proc",
	[C_REPLAY] = "replay",
	[C_BAD_HEADER] = "bad-header",
	[C_REWRITE] = "rewrite-while-read",
	[C_UNPLUG_UNPLUGGED] = "unplug-unplugged",
	[C_PLUG_BEYOND_MAX] = "plug-beyond-max",
	[C_IMPOSSIBLE_REPORT] = "impossible-report",
	[C_PIN_BAD] = "pin-bad-runs",
	[C_PIN_UNPLUGGED] = "pin-unplugged",
	[C_PIN_FLOOD] = "pin-flood",
	[C_PIN_CEILING] = "pin-beyond-ceiling",
	[C_PAGING_BAD] = "paging-bad-runs",
	[C_PAGING_UNPLUGGED] = "paging-unplugged",
	[C_PAGING_PINNED] = "paging-pinned",
	[C_DOORBELL_FLOOD] = "doorbell-flood",
	[C_HOSTFS] = "hostfs-hostile",
	[C_SUPERBLOCK] = "superblock-offsets",
};

static const char *const status_name[ADV_NR_STATUS] = {
	"ok", "enomod", "enoproc", "einval", "e2big", "estate", "eseq",
	"enomem", "eio", "eperm", "ebusy", "erange", "eshutdown", "other",
};

/* What the host gave away in the superblock, read once. */
struct adv {
	volatile uint8_t *bar2;
	volatile uint32_t *bar0;
	size_t bar2_size;
	uint32_t host_peer;
	uint64_t g2h_offset;
	uint32_t slot_size;
	uint32_t nr_slots;
	uint64_t ctrl_size;
	uint64_t sb_size;
	uint64_t nr_sb;		/* subblocks in the data area */
	uint64_t sb_pages;	/* paging pages in a subblock */
	uint64_t max_sb;	/* the most the host grants, in subblocks */
	uint64_t seq[ADV_SLOTS];
	/* the tallies */
	uint64_t sent[C_NR];
	uint64_t unexpected[C_NR];
	uint64_t unanswered;
	uint64_t status[ADV_NR_STATUS];
	uint64_t mem_einval, pin_bad, unplug_unplugged, plug_eperm;
	uint64_t pin_refused, doorbells;
	uint64_t pin_most;	/* the most subblocks one pin got */
	uint64_t paging_bad, paging_unplugged, paging_pinned; /* calls; bytes */
	uint64_t hostfs_refused;	/* served with an errno */
};

/* A call as this program means to write it into a slot. */
struct adv_call {
	uint32_t state;		/* 0: VMRPC_SLOT_POSTED */
	uint32_t flags;
	uint64_t seq;		/* 0: the slot's next number */
	uint16_t module, proc;
	uint32_t req_len;	/* as written in the header */
	uint32_t resp_len;	/* 0: 256 */
	uint64_t reserved2;
	const void *req;	/* copied into the payload: copy_len bytes */
	uint32_t copy_len;
};

static volatile struct vmrpc_slot *adv_slot(struct adv *a, unsigned int i)
{
	return (volatile struct vmrpc_slot *)(a->bar2 + a->g2h_offset +
		(uint64_t)(a->nr_slots - ADV_SLOTS + i) * a->slot_size);
}

static void adv_ring(struct adv *a, uint32_t peer, uint32_t vector)
{
	a->bar0[VMRPC_REG_DOORBELL / 4] = peer << 16 | vector;
	if (peer == a->host_peer && vector < VMRPC_NR_VECTORS)
		a->doorbells++;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Write @c into our slot @i, state last, and ring the host. */
static void adv_post(struct adv *a, unsigned int i, const struct adv_call *c)
{
	volatile struct vmrpc_slot *s = adv_slot(a, i);
	volatile uint8_t *payload = (volatile uint8_t *)s + VMRPC_SLOT_HDR_SIZE;

	for (uint32_t k = 0; k < c->copy_len; k++)
		payload[k] = ((const uint8_t *)c->req)[k];
	s->flags = htole32(c->flags);
	s->seq = htole64(c->seq ? c->seq : ++a->seq[i]);
	s->module = htole16(c->module);
	s->proc = htole16(c->proc);
	s->status = 0;
	s->req_len = htole32(c->req_len);
	s->resp_len = htole32(c->resp_len ? c->resp_len : 256);
	for (int k = 0; k < 4; k++)
		s->reserved[k] = k == 2 ? htole64(c->reserved2) : 0;
	__atomic_store_n(&s->state,
			 htole32(c->state ? c->state : VMRPC_SLOT_POSTED),
			 __ATOMIC_RELEASE);
	adv_ring(a, a->host_peer, VMRPC_HVEC_CALL);
}

/*
 * Wait for the host's answer on our slot @i, copy @resp_cap bytes of the
 * response to @resp, free the slot. Returns the status, or
 * ADV_NR_STATUS - 1 when none came.
 */
static uint32_t adv_collect(struct adv *a, unsigned int i, void *resp,
			    uint32_t resp_cap)
{
	volatile struct vmrpc_slot *s = adv_slot(a, i);
	double end = now_s() + ADV_ANSWER_S;
	uint32_t st;

	while (le32toh(__atomic_load_n(&s->state, __ATOMIC_ACQUIRE)) !=
	       VMRPC_SLOT_DONE) {
		if (now_s() > end) {
			a->unanswered++;
			return ADV_NR_STATUS - 1;
		}
		sched_yield();
	}
	st = le32toh(s->status);
	for (uint32_t k = 0; resp && k < resp_cap; k++)
		((uint8_t *)resp)[k] = ((volatile uint8_t *)s)[VMRPC_SLOT_HDR_SIZE + k];
	__atomic_store_n(&s->state, htole32(VMRPC_SLOT_FREE), __ATOMIC_RELEASE);
	return st < VMRPC_NR_ERRORS ? st : ADV_NR_STATUS - 1;
}

/* Tally the answer @st of a call of class @cls that expected @want. */
static uint32_t adv_tally(struct adv *a, enum adv_class cls,
			  const struct adv_call *c, uint32_t st, uint32_t want)
{
	a->sent[cls]++;
	a->status[st]++;
	/* The first few surprises of a class are worth a line each. */
	if (!(want & BIT(st)) && a->unexpected[cls]++ < 5)
		printf("# %s: module %u proc %u answered %s\n", class_name[cls],
		       c->module, c->proc, status_name[st]);
	if (st == VMRPC_EINVAL && c->module == VMRPC_MOD_MEM)
		a->mem_einval++;
	/* The pin and paging modules count both as bad calls. */
	if ((st == VMRPC_EINVAL || st == VMRPC_ERANGE) &&
	    c->module == VMRPC_MOD_PIN)
		a->pin_bad++;
	if ((st == VMRPC_EINVAL || st == VMRPC_ERANGE) &&
	    c->module == VMRPC_MOD_PAGING)
		a->paging_bad++;
	return st;
}

/* Post @c on slot 0, wait, tally. */
static uint32_t adv_call(struct adv *a, enum adv_class cls,
			 const struct adv_call *c, uint32_t want)
{
	adv_post(a, 0, c);
	return adv_tally(a, cls, c, adv_collect(a, 0, NULL, 0), want);
}

static void mem_range(struct vmrpc_mem_range *r, uint64_t first,
		      uint32_t count)
{
	memset(r, 0, sizeof(*r));
	r->first = htole64(first);
	r->count = htole32(count);
}

/* A subblock the guest never plugs: the top of the data area. */
static uint64_t top_sb(const struct adv *a)
{
	return a->nr_sb - 1;
}

static void attack_sizes(struct adv *a)
{
	struct vmrpc_mem_range r;
	uint32_t cap = a->slot_size - VMRPC_SLOT_HDR_SIZE;

	mem_range(&r, top_sb(a), 1);
	/* wrong sizes for the procedure */
	adv_call(a, C_WRONG_SIZE, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_PLUG, .req = &r, .copy_len = 8,
		 .req_len = 8 }, BIT(VMRPC_EINVAL));
	adv_call(a, C_WRONG_SIZE, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_UNPLUG, .req = &r, .copy_len = sizeof(r),
		 .req_len = sizeof(r) + 1 }, BIT(VMRPC_EINVAL));
	adv_call(a, C_WRONG_SIZE, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_CONFIG, .req = &r, .copy_len = 4,
		 .req_len = 4 }, BIT(VMRPC_EINVAL));
	adv_call(a, C_WRONG_SIZE, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_UNPLUG_ALL, .req = &r, .copy_len = 1,
		 .req_len = 1 }, BIT(VMRPC_EINVAL));
	/* lengths past the payload area */
	adv_call(a, C_PAST_PAYLOAD, &(struct adv_call){ .module = VMRPC_MOD_CORE,
		 .proc = VMRPC_CORE_PING, .req_len = cap + 1 }, BIT(VMRPC_E2BIG));
	adv_call(a, C_PAST_PAYLOAD, &(struct adv_call){ .module = VMRPC_MOD_CORE,
		 .proc = VMRPC_CORE_PING, .req_len = UINT32_MAX }, BIT(VMRPC_E2BIG));
	adv_call(a, C_PAST_PAYLOAD, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_UNPLUG, .req = &r, .copy_len = sizeof(r),
		 .req_len = sizeof(r), .resp_len = UINT32_MAX }, BIT(VMRPC_E2BIG));
}

static void attack_offsets(struct adv *a)
{
	struct vmrpc_mem_range r;
	struct {
		struct vmrpc_pin_batch b;
		struct vmrpc_pin_op o;
	} pin = { .b.nr = htole32(1) };
	struct adv_call c = { .module = VMRPC_MOD_MEM, .proc = VMRPC_MEM_PLUG,
			      .req = &r, .copy_len = sizeof(r),
			      .req_len = sizeof(r) };

	/* just past the data area */
	mem_range(&r, a->nr_sb, 1);
	adv_call(a, C_BAD_OFFSET, &c, BIT(VMRPC_EINVAL));
	/* a number that wraps to the control area: offset + first * size */
	mem_range(&r, -(a->ctrl_size / a->sb_size), 1);
	adv_call(a, C_BAD_OFFSET, &c, BIT(VMRPC_EINVAL));
	c.proc = VMRPC_MEM_UNPLUG;
	adv_call(a, C_BAD_OFFSET, &c, BIT(VMRPC_EINVAL));
	/* a run that starts inside and ends far outside */
	mem_range(&r, top_sb(a), UINT32_MAX);
	adv_call(a, C_BAD_OFFSET, &c, BIT(VMRPC_EINVAL));
	pin.o.first = htole64(1ULL << 63);
	pin.o.count = htole32(1);
	pin.o.op = htole16(VMRPC_PIN_OP_PIN);
	adv_call(a, C_BAD_OFFSET, &(struct adv_call){ .module = VMRPC_MOD_PIN,
		 .proc = VMRPC_PIN_UPDATE, .req = &pin, .copy_len = sizeof(pin),
		 .req_len = sizeof(pin) }, BIT(VMRPC_EINVAL));
}

static void attack_numbers(struct adv *a)
{
	static const uint16_t mods[] = { VMRPC_MOD_HOSTFS + 1, 31,
					 VMRPC_NR_MODULES - 1,
					 VMRPC_NR_MODULES, 0xffff };
	struct { uint16_t mod, proc; } procs[] = {
		{ VMRPC_MOD_CORE, 77 }, { VMRPC_MOD_MEM, 99 },
		{ VMRPC_MOD_MEM, VMRPC_MEM_STATUS }, { VMRPC_MOD_PIN, 1 },
		{ VMRPC_MOD_PIN, VMRPC_PIN_STATUS },
		{ VMRPC_MOD_PAGING, VMRPC_PAGING_SET_MODE },
		{ VMRPC_MOD_HOSTFS, 31 },
		{ VMRPC_MOD_HOSTFS, VMRPC_HOSTFS_INVALIDATE },
	};

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		adv_call(a, C_UNKNOWN_MODULE, &(struct adv_call){
			 .module = mods[i] }, BIT(VMRPC_ENOMOD));
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		adv_call(a, C_UNKNOWN_PROC, &(struct adv_call){
			 .module = procs[i].mod, .proc = procs[i].proc },
			 BIT(VMRPC_ENOPROC));
}

static void attack_header(struct adv *a)
{
	struct adv_call ping = { .module = VMRPC_MOD_CORE,
				 .proc = VMRPC_CORE_PING };
	uint64_t seq = ++a->seq[0];

	/* a served number, then the same again, then an older one */
	ping.seq = seq;
	adv_call(a, C_REPLAY, &ping, BIT(VMRPC_OK));
	adv_call(a, C_REPLAY, &ping, BIT(VMRPC_ESEQ));
	ping.seq = seq - 1;
	adv_call(a, C_REPLAY, &ping, BIT(VMRPC_ESEQ));
	ping.seq = 0;
	ping.flags = 1;
	adv_call(a, C_BAD_HEADER, &ping, BIT(VMRPC_EINVAL));
	ping.flags = 0;
	ping.reserved2 = 1;
	adv_call(a, C_BAD_HEADER, &ping, BIT(VMRPC_EINVAL));
	ping.reserved2 = 0;
	ping.state = 0x77;
	adv_call(a, C_BAD_HEADER, &ping, BIT(VMRPC_ESTATE));
}

/* The slot the rewriter works on, and whether it should. */
struct rewriter {
	struct adv *a;
	volatile int run;
	uint64_t writes;
};

/*
 * Flip the header and payload of slot 1 between a harmless unplug of an
 * unplugged subblock and nonsense, as fast as it can, while the host
 * takes the call: whatever it copied, it must act on that copy only.
 * The state is left alone: it is what tells the host there is a call.
 */
static void *rewriter_run(void *arg)
{
	struct rewriter *rw = arg;
	struct adv *a = rw->a;
	volatile struct vmrpc_slot *s = adv_slot(a, 1);
	volatile struct vmrpc_mem_range *r = (volatile void *)
		((volatile uint8_t *)s + VMRPC_SLOT_HDR_SIZE);
	uint32_t cap = a->slot_size - VMRPC_SLOT_HDR_SIZE;

	for (uint64_t n = 0; __atomic_load_n(&rw->run, __ATOMIC_ACQUIRE); n++) {
		bool odd = n & 1;

		r->first = htole64(odd ? UINT64_MAX : top_sb(a));
		r->count = htole32(n & 2 ? UINT32_MAX : 1);
		s->req_len = htole32(n & 4 ? cap + 64 : sizeof(*r));
		s->module = htole16(n & 8 ? 77 : VMRPC_MOD_MEM);
		rw->writes++;
	}
	return NULL;
}

static void attack_rewrite(struct adv *a)
{
	struct vmrpc_mem_range r;
	struct rewriter rw = { .a = a, .run = 1 };
	struct adv_call c = { .module = VMRPC_MOD_MEM, .proc = VMRPC_MEM_UNPLUG,
			      .req = &r, .copy_len = sizeof(r),
			      .req_len = sizeof(r) };
	pthread_t t;
	uint32_t st;

	mem_range(&r, top_sb(a), 1);
	adv_post(a, 1, &c);
	if (pthread_create(&t, NULL, rewriter_run, &rw)) {
		st = adv_collect(a, 1, NULL, 0);
	} else {
		st = adv_collect(a, 1, NULL, 0);
		__atomic_store_n(&rw.run, 0, __ATOMIC_RELEASE);
		pthread_join(t, NULL);
	}
	/* What the host saw decides; each is a copy it took at once. */
	adv_tally(a, C_REWRITE, &c, st, BIT(VMRPC_OK) | BIT(VMRPC_EINVAL) |
		  BIT(VMRPC_ENOMOD) | BIT(VMRPC_E2BIG));
	if (st == VMRPC_OK)
		a->unplug_unplugged++;
}

static void attack_memory(struct adv *a)
{
	struct vmrpc_mem_range r;
	struct vmrpc_mem_done d;
	struct vmrpc_mem_request ask;
	struct adv_call c = { .module = VMRPC_MOD_MEM, .proc = VMRPC_MEM_UNPLUG,
			      .req = &r, .copy_len = sizeof(r),
			      .req_len = sizeof(r) };

	/*
	 * Accepted (a lost reply is repeated), but counted; each is also an
	 * event and a log line for zhostd's rate limit to hold back.
	 */
	for (uint64_t i = 0; i < ADV_UNPLUGS; i++) {
		mem_range(&r, top_sb(a) - i, 1);
		if (adv_call(a, C_UNPLUG_UNPLUGGED, &c, BIT(VMRPC_OK)) == VMRPC_OK)
			a->unplug_unplugged++;
	}
	/* more subblocks at once than the host ever grants */
	mem_range(&r, a->nr_sb - (a->max_sb + 1), (uint32_t)a->max_sb + 1);
	c.proc = VMRPC_MEM_PLUG;
	if (adv_call(a, C_PLUG_BEYOND_MAX, &c, BIT(VMRPC_EPERM)) == VMRPC_EPERM)
		a->plug_eperm++;
	/* reports no guest can have reached */
	memset(&d, 0, sizeof(d));
	d.plugged_size = htole64((a->nr_sb + 1) * a->sb_size);
	c = (struct adv_call){ .module = VMRPC_MOD_MEM, .proc = VMRPC_MEM_DONE,
			       .req = &d, .copy_len = sizeof(d),
			       .req_len = sizeof(d) };
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
	d.plugged_size = htole64(a->sb_size + 1);
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
	d.plugged_size = 0;
	d.reason = htole32(VMRPC_MEM_R_ERROR);
	d.error = htole32(0x7fffffff);
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
	/*
	 * Stages (ABI 1.7) longer than the resize they are part of; the
	 * second pair wraps to the total in 32 bits, not in zhostd's 64.
	 */
	memset(&d, 0, sizeof(d));
	d.stages.total_us = htole32(1000);
	d.stages.host_us = htole32(800);
	d.stages.isolate_us = htole32(800);
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
	d.stages.host_us = htole32(UINT32_MAX);
	d.stages.isolate_us = htole32(1001);
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
	memset(&ask, 0, sizeof(ask));
	ask.requested_size = htole64(UINT64_MAX);
	ask.reserved = htole64(1);
	c = (struct adv_call){ .module = VMRPC_MOD_MEM, .proc = VMRPC_MEM_ASK,
			       .req = &ask, .copy_len = sizeof(ask),
			       .req_len = sizeof(ask) };
	adv_call(a, C_IMPOSSIBLE_REPORT, &c, BIT(VMRPC_EINVAL));
}

/* A run of hints: pages [first, first + count) of the data area. */
static void hint_run(struct vmrpc_paging_run *r, uint64_t first,
		     uint32_t count, uint16_t source)
{
	memset(r, 0, sizeof(*r));
	r->first = htole64(first);
	r->count = htole32(count);
	r->source = htole16(source);
}

/*
 * Hints of the @nr subblocks from 0 the host just pinned for us: zhostd
 * must page none of them (skipped as pinned, or all refused by mode).
 */
static void hint_pinned(struct adv *a, uint64_t nr)
{
	struct {
		struct vmrpc_paging_hints h;
		struct vmrpc_paging_run r[ADV_HINT_RUNS];
	} p;
	struct vmrpc_paging_reply rep;
	uint32_t n = nr < ADV_HINT_RUNS ? (uint32_t)nr : ADV_HINT_RUNS;
	struct adv_call c = { .module = VMRPC_MOD_PAGING,
			      .proc = VMRPC_PAGING_HINT, .req = &p,
			      .copy_len = 8 + 16 * n, .req_len = 8 + 16 * n,
			      .resp_len = sizeof(rep) };

	memset(&p, 0, sizeof(p));
	p.h.nr = htole32(n);
	for (uint32_t k = 0; k < n; k++)
		hint_run(&p.r[k], k * a->sb_pages, (uint32_t)a->sb_pages,
			 VMRPC_PAGING_SRC_IDLE);
	adv_post(a, 0, &c);
	if (adv_tally(a, C_PAGING_PINNED, &c,
		      adv_collect(a, 0, &rep, sizeof(rep)),
		      BIT(VMRPC_OK)) != VMRPC_OK)
		return;
	a->paging_pinned += n * a->sb_size;
	if (le64toh(rep.accepted))
		a->unexpected[C_PAGING_PINNED]++;
}

static void attack_pins(struct adv *a)
{
	struct {
		struct vmrpc_pin_batch b;
		struct vmrpc_pin_op o[2];
	} p;
	struct vmrpc_pin_result res[2];
	struct adv_call c = { .module = VMRPC_MOD_PIN,
			      .proc = VMRPC_PIN_UPDATE, .req = &p,
			      .copy_len = sizeof(p), .req_len = sizeof(p) };
	uint32_t st;

#define PIN_RESET(n) do {						\
		memset(&p, 0, sizeof(p));				\
		p.b.nr = htole32(n);					\
		p.o[0].first = htole64(top_sb(a) - 1);			\
		p.o[0].count = htole32(2);				\
		p.o[0].op = htole16(VMRPC_PIN_OP_UNPIN);		\
		p.o[1] = p.o[0];					\
		c.req_len = c.copy_len = 8 + 16 * (n);			\
	} while (0)
	PIN_RESET(1);
	p.o[0].op = htole16(7);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	PIN_RESET(1);
	p.o[0].count = 0;
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* past the end */
	PIN_RESET(1);
	p.o[0].first = htole64(top_sb(a));
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* overlapping: the second run starts inside the first */
	PIN_RESET(2);
	p.o[1].first = htole64(top_sb(a));
	p.o[1].count = htole32(1);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* more runs than the request holds, and fewer */
	PIN_RESET(1);
	p.b.nr = htole32(1000);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	PIN_RESET(2);
	p.b.nr = htole32(1);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* no runs at all */
	PIN_RESET(0);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* reserved fields */
	PIN_RESET(1);
	p.b.reserved = htole32(1);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	PIN_RESET(1);
	p.o[0].reserved = htole16(0x8000);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* first + count overflows, or is far past the end */
	PIN_RESET(1);
	p.o[0].first = htole64(UINT64_MAX - 1);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	PIN_RESET(1);
	p.o[0].count = htole32(UINT32_MAX);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* two runs that each fit but together name more than the area */
	PIN_RESET(2);
	p.o[0].first = 0;
	p.o[0].count = htole32((uint32_t)a->nr_sb);
	p.o[1].first = htole64(top_sb(a));
	p.o[1].count = htole32(1);
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_EINVAL));
	/* no room in the response for the results */
	PIN_RESET(2);
	p.o[1].first = htole64(top_sb(a) - 3);
	c.resp_len = 16;
	adv_call(a, C_PIN_BAD, &c, BIT(VMRPC_ERANGE));
	c.resp_len = 0;
	/* well formed, but the guest never plugged them: refused per run */
	PIN_RESET(1);
	p.o[0].op = htole16(VMRPC_PIN_OP_PIN);
	adv_post(a, 0, &c);
	st = adv_tally(a, C_PIN_UNPLUGGED, &c,
		       adv_collect(a, 0, res, sizeof(res[0])), BIT(VMRPC_OK));
	if (st == VMRPC_OK && le32toh(res[0].done) == 0 &&
	    le16toh(res[0].reason) != VMRPC_PIN_R_NONE)
		a->pin_refused++;
	else if (st == VMRPC_OK)
		a->unexpected[C_PIN_UNPLUGGED]++;
	/* and unpinned again: no shortfall stays behind */
	PIN_RESET(1);
	adv_call(a, C_PIN_UNPLUGGED, &c, BIT(VMRPC_OK));
	/*
	 * A flood of pin and unpin of one unplugged subblock, two runs a
	 * call: every pin is refused (and would be a log line without the
	 * rate limit), every unpin is accepted and changes nothing.
	 */
	for (int i = 0; i < ADV_PIN_FLOOD; i++) {
		PIN_RESET(2);
		p.o[0].first = htole64(top_sb(a));
		p.o[0].count = htole32(1);
		p.o[0].op = htole16(VMRPC_PIN_OP_PIN);
		p.o[1].first = htole64(top_sb(a) - 1);
		p.o[1].count = htole32(1);
		adv_post(a, 0, &c);
		st = adv_tally(a, C_PIN_FLOOD, &c,
			       adv_collect(a, 0, res, sizeof(res)), BIT(VMRPC_OK));
		if (st != VMRPC_OK)
			continue;
		if (le32toh(res[0].done) == 0 &&
		    le16toh(res[0].reason) == VMRPC_PIN_R_NOT_PLUGGED)
			a->pin_refused++;
		else
			a->unexpected[C_PIN_FLOOD]++;
		if (le32toh(res[1].done) != 1)
			a->unexpected[C_PIN_FLOOD]++;
		PIN_RESET(1);
		p.o[0].first = htole64(top_sb(a));
		p.o[0].count = htole32(1);
		adv_call(a, C_PIN_FLOOD, &c, BIT(VMRPC_OK));
	}
	/*
	 * Every subblock the guest may plug, from the first: those the
	 * guest kernel plugged are pinned up to the host's ceiling, then
	 * the run stops (ceiling, or the first unplugged one, or the host's
	 * RLIMIT_MEMLOCK). Unpinned at once: the host test samples zhostd's
	 * pinned bytes meanwhile and compares them with the ceiling.
	 */
	PIN_RESET(1);
	p.o[0].first = 0;
	p.o[0].count = htole32((uint32_t)a->max_sb);
	p.o[0].op = htole16(VMRPC_PIN_OP_PIN);
	adv_post(a, 0, &c);
	st = adv_tally(a, C_PIN_CEILING, &c,
		       adv_collect(a, 0, res, sizeof(res[0])), BIT(VMRPC_OK));
	if (st == VMRPC_OK) {
		uint32_t done = le32toh(res[0].done);
		uint16_t why = le16toh(res[0].reason);

		if (done < a->max_sb && (why == VMRPC_PIN_R_CEILING ||
					 why == VMRPC_PIN_R_NOT_PLUGGED ||
					 why == VMRPC_PIN_R_RLIMIT))
			a->pin_refused++;
		else
			a->unexpected[C_PIN_CEILING]++;
		if (done > a->pin_most)
			a->pin_most = done;
		if (done)
			hint_pinned(a, done);
	}
	p.o[0].op = htole16(VMRPC_PIN_OP_UNPIN);
	adv_call(a, C_PIN_CEILING, &c, BIT(VMRPC_OK));
#undef PIN_RESET
}

static void attack_paging(struct adv *a)
{
	struct {
		struct vmrpc_paging_hints h;
		struct vmrpc_paging_run r[ADV_HINT_RUNS];
	} p;
	struct vmrpc_paging_reply rep;
	uint64_t top = top_sb(a) * a->sb_pages, end = a->nr_sb * a->sb_pages;
	struct adv_call c = { .module = VMRPC_MOD_PAGING,
			      .proc = VMRPC_PAGING_HINT, .req = &p,
			      .resp_len = sizeof(rep) };
	uint32_t st;

#define HINT_RESET(n) do {						\
		memset(&p, 0, sizeof(p));				\
		p.h.nr = htole32(n);					\
		for (int k = 0; k < ADV_HINT_RUNS; k++)			\
			hint_run(&p.r[k], top + k, 1,			\
				 VMRPC_PAGING_SRC_RECLAIM);		\
		c.req_len = c.copy_len = 8 + 16 * (n);			\
	} while (0)
	/* outside the data area, and overflowing first + count */
	HINT_RESET(1);
	p.r[0].first = htole64(end);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(1);
	p.r[0].first = htole64(end - 1);
	p.r[0].count = htole32(2);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(1);
	p.r[0].first = htole64(UINT64_MAX);
	p.r[0].count = htole32(UINT32_MAX);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	/* across the boundary of two subblocks */
	HINT_RESET(1);
	p.r[0].first = htole64(top - 1);
	p.r[0].count = htole32(2);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	/* count 0 */
	HINT_RESET(2);
	p.r[1].count = 0;
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	/* nr that disagrees with the length, and no runs */
	HINT_RESET(2);
	p.h.nr = htole32(3);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(2);
	p.h.nr = htole32(UINT32_MAX);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(0);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(1);
	c.req_len = c.copy_len = 8 + 16 + 8;
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	/* reserved fields and unknown sources */
	HINT_RESET(1);
	p.h.reserved = htole32(1);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(1);
	p.r[0].reserved = htole16(1);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(3);
	p.r[2].source = htole16(2);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	HINT_RESET(1);
	p.r[0].source = htole16(0xffff);
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_EINVAL));
	/* no room in the response for the reply */
	HINT_RESET(1);
	c.resp_len = 8;
	adv_call(a, C_PAGING_BAD, &c, BIT(VMRPC_ERANGE));
	c.resp_len = sizeof(rep);
	/*
	 * A flood of well-formed hints, all of subblocks the guest never
	 * plugged (whole ones, single pages, overlapping runs): answered,
	 * and not a page of them accepted.
	 */
	for (int i = 0; i < ADV_HINT_FLOOD; i++) {
		uint64_t pages = 0;

		HINT_RESET(ADV_HINT_RUNS);
		hint_run(&p.r[0], top, (uint32_t)a->sb_pages,
			 VMRPC_PAGING_SRC_IDLE);
		hint_run(&p.r[1], top - a->sb_pages, (uint32_t)a->sb_pages,
			 VMRPC_PAGING_SRC_RECLAIM);
		for (int k = 0; k < ADV_HINT_RUNS; k++)
			pages += le32toh(p.r[k].count);
		adv_post(a, 0, &c);
		st = adv_tally(a, C_PAGING_UNPLUGGED, &c,
			       adv_collect(a, 0, &rep, sizeof(rep)),
			       BIT(VMRPC_OK));
		if (st != VMRPC_OK)
			continue;
		a->paging_unplugged += pages * VMRPC_PAGING_PAGE_SIZE;
		if (le64toh(rep.accepted))
			a->unexpected[C_PAGING_UNPLUGGED]++;
	}
#undef HINT_RESET
}

/*
 * One hostfs call of @len request bytes: answered either as malformed
 * (EINVAL, ERANGE, E2BIG) or served with an errno in the reply, never
 * served without one (that is counted as unexpected).
 */
static void hostfs_hostile(struct adv *a, uint16_t proc, const void *req,
			   uint32_t len)
{
	struct adv_call c = { .module = VMRPC_MOD_HOSTFS, .proc = proc,
			      .req = req, .req_len = len, .copy_len = len,
			      .resp_len = 256 };
	struct vmrpc_hostfs_reply rep = { 0 };
	uint32_t st;

	adv_post(a, 0, &c);
	st = adv_tally(a, C_HOSTFS, &c, adv_collect(a, 0, &rep, sizeof(rep)),
		       BIT(VMRPC_OK) | BIT(VMRPC_EINVAL) | BIT(VMRPC_ERANGE) |
		       BIT(VMRPC_E2BIG));
	if (st != VMRPC_OK)
		return;
	if (rep.error)
		a->hostfs_refused++;
	else if (a->unexpected[C_HOSTFS]++ < 5)
		printf("# hostfs-hostile: proc %u served without an errno\n",
		       proc);
}

/* A well-formed call of the adversary's own: mount, lookup. */
static uint32_t hostfs_own(struct adv *a, uint16_t proc, const void *req,
			   uint32_t len, void *resp, uint32_t resp_len)
{
	struct adv_call c = { .module = VMRPC_MOD_HOSTFS, .proc = proc,
			      .req = req, .req_len = len, .copy_len = len,
			      .resp_len = resp_len };

	adv_post(a, 0, &c);
	return adv_tally(a, C_HOSTFS, &c, adv_collect(a, 0, resp, resp_len),
			 BIT(VMRPC_OK));
}

static void attack_hostfs(struct adv *a)
{
	struct {
		struct vmrpc_hostfs_name h;
		char name[10000];
	} n;
	struct {
		struct vmrpc_hostfs_frames h;
		struct vmrpc_hostfs_run r[2];
	} f;
	struct {
		struct vmrpc_hostfs_create h;
		char data[16];
	} cr;
	struct vmrpc_hostfs_mount m = { .tag = "adv" };
	struct vmrpc_hostfs_mounted mo = { 0 };
	struct vmrpc_hostfs_entry e = { 0 };
	struct vmrpc_hostfs_node nd;
	struct vmrpc_hostfs_io io;
	uint32_t mount;
	uint64_t root, file, top = top_sb(a) * a->sb_pages;
	const char *names[] = { "..", ".", "a/b", "/etc/passwd", "../f" };

	if (hostfs_own(a, VMRPC_HOSTFS_MOUNT, &m, sizeof(m), &mo,
		       sizeof(mo)) != VMRPC_OK || mo.hdr.error) {
		if (a->unexpected[C_HOSTFS]++ < 5)
			printf("# hostfs-hostile: no mount of adv (error %u)\n",
			       le32toh(mo.hdr.error));
		return;
	}
	mount = le32toh(mo.mount);
	root = le64toh(mo.root);
#define NAME_HDR(len_) do {						\
		memset(&n.h, 0, sizeof(n.h));				\
		n.h.mount = htole32(mount);				\
		n.h.dir = htole64(root);				\
		n.h.len = htole32(len_);				\
	} while (0)
#define NAME(str, len_) do {						\
		NAME_HDR(len_);						\
		memcpy(n.name, str, len_);				\
	} while (0)
	/* names that are not one path component */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		NAME(names[i], strlen(names[i]));
		hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n,
			       sizeof(n.h) + strlen(names[i]));
	}
	NAME("x\0y", 3);
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 3);
	memset(n.name, 'a', sizeof(n.name));
	NAME_HDR(256);
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 256);
	NAME_HDR(sizeof(n.name));
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + sizeof(n.name));
	/* a length that disagrees with the request's, a forged node and mount */
	NAME("f", 1);
	n.h.len = htole32(200);
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 1);
	NAME("f", 1);
	n.h.dir = htole64(root ^ (1ULL << 40));
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 1);
	NAME("f", 1);
	n.h.mount = htole32(mount + 1000);
	hostfs_hostile(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 1);
	/* the file, looked up as the guest kernel would */
	NAME("f", 1);
	if (hostfs_own(a, VMRPC_HOSTFS_LOOKUP, &n, sizeof(n.h) + 1, &e,
		       sizeof(e)) != VMRPC_OK || e.hdr.error) {
		if (a->unexpected[C_HOSTFS]++ < 5)
			printf("# hostfs-hostile: no file f in adv\n");
		goto out;
	}
	file = le64toh(e.node);
	/* frames in a subblock never plugged, outside the area, unaligned */
	memset(&f, 0, sizeof(f));
	f.h.mount = htole32(mount);
	f.h.nr = htole32(1);
	f.h.node = htole64(file);
	f.h.len = htole64(VMRPC_HOSTFS_PAGE_SIZE);
	f.r[0].first = htole64(top);
	f.r[0].count = htole32(1);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	hostfs_hostile(a, VMRPC_HOSTFS_WRITE_FRAMES, &f, sizeof(f.h) + 16);
	f.r[0].first = htole64(a->nr_sb * a->sb_pages);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	f.r[0].first = htole64(UINT64_MAX);
	f.r[0].count = htole32(UINT32_MAX);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	f.r[0].first = htole64(top);
	f.r[0].count = htole32(1);
	f.h.offset = htole64(1);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	f.h.offset = 0;
	f.h.len = htole64(3 * VMRPC_HOSTFS_PAGE_SIZE);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	f.h.len = htole64(VMRPC_HOSTFS_PAGE_SIZE);
	f.h.nr = htole32(2);
	hostfs_hostile(a, VMRPC_HOSTFS_READ_FRAMES, &f, sizeof(f.h) + 16);
	/*
	 * A read at an offset that overflows (one longer than the payload is
	 * no attack: the host answers what fits), and a write whose length
	 * says more than the request holds.
	 */
	io = (struct vmrpc_hostfs_io){ .mount = htole32(mount),
				       .len = htole32(16),
				       .node = htole64(file),
				       .offset = htole64(UINT64_MAX - 4) };
	hostfs_hostile(a, VMRPC_HOSTFS_READ, &io, sizeof(io));
	io.offset = 0;
	hostfs_hostile(a, VMRPC_HOSTFS_WRITE, &io, sizeof(io));
	/* a symlink whose target holds a NUL, a file named ".." */
	memset(&cr, 0, sizeof(cr));
	cr.h.mount = htole32(mount);
	cr.h.dir = htole64(root);
	cr.h.len = htole32(1);
	cr.h.target_len = htole32(3);
	memcpy(cr.data, "sx\0y", 4);
	hostfs_hostile(a, VMRPC_HOSTFS_SYMLINK, &cr, sizeof(cr.h) + 4);
	cr.h.len = htole32(2);
	cr.h.target_len = 0;
	memcpy(cr.data, "..", 2);
	hostfs_hostile(a, VMRPC_HOSTFS_CREATE, &cr, sizeof(cr.h) + 2);
	/* forget and fsync a forged node */
	nd = (struct vmrpc_hostfs_node){ .mount = htole32(mount),
					 .node = htole64(file + (1ULL << 32)) };
	hostfs_hostile(a, VMRPC_HOSTFS_FSYNC, &nd, sizeof(nd));
	{
		struct {
			struct vmrpc_hostfs_forget h;
			struct vmrpc_hostfs_forget_one o;
		} fg = { .h = { .mount = htole32(mount), .nr = htole32(1) },
			 .o = { .node = htole64(file + (1ULL << 32)),
				.nlookup = htole64(1) } };

		hostfs_hostile(a, VMRPC_HOSTFS_FORGET, &fg, sizeof(fg));
	}
out:
	nd = (struct vmrpc_hostfs_node){ .mount = htole32(mount) };
	hostfs_own(a, VMRPC_HOSTFS_UNMOUNT, &nd, sizeof(nd), &e,
		   sizeof(struct vmrpc_hostfs_reply));
#undef NAME
#undef NAME_HDR
}

static void attack_doorbells(struct adv *a)
{
	for (int i = 0; i < ADV_FLOOD; i++) {
		adv_ring(a, a->host_peer, i % VMRPC_NR_VECTORS);
		/* vectors and peers that do not exist: QEMU drops them */
		if (i % 16 == 0) {
			adv_ring(a, a->host_peer, 5);
			adv_ring(a, 7, VMRPC_HVEC_CALL);
		}
	}
	a->sent[C_DOORBELL_FLOOD]++;
}

/*
 * Rewrite the layout in the superblock (host-owned fields) with offsets
 * outside BAR2 and inside the control area, ring the CONFIG doorbell,
 * and make a call on our slot: zhostd must serve it where the slot really
 * is, from its own copy of the layout. The guest kernel does not read
 * these fields after probe either. Put them back afterwards.
 */
static void attack_superblock(struct adv *a)
{
	volatile struct vmrpc_superblock *sb = (volatile void *)a->bar2;
	uint64_t bar = sb->bar_size, ctrl = sb->ctrl_size;
	uint64_t doff = sb->data_offset, dsize = sb->data_size;
	uint64_t g2h = sb->g2h_offset, h2g = sb->h2g_offset;
	uint32_t sbs = sb->subblock_size, ss = sb->slot_size;

	sb->bar_size = htole64(4096);
	sb->ctrl_size = htole64(UINT64_MAX);
	sb->data_offset = htole64(64);			/* the superblock */
	sb->data_size = htole64(UINT64_MAX - 63);
	sb->subblock_size = htole32(1);
	sb->slot_size = htole32(3);
	sb->g2h_offset = htole64(a->bar2_size + 4096);	/* past BAR2 */
	sb->h2g_offset = 0;
	adv_ring(a, a->host_peer, VMRPC_HVEC_CONFIG);
	adv_call(a, C_SUPERBLOCK, &(struct adv_call){ .module = VMRPC_MOD_CORE,
		 .proc = VMRPC_CORE_PING }, BIT(VMRPC_OK));
	sb->bar_size = bar;
	sb->ctrl_size = ctrl;
	sb->data_offset = doff;
	sb->data_size = dsize;
	sb->subblock_size = sbs;
	sb->slot_size = ss;
	sb->g2h_offset = g2h;
	sb->h2g_offset = h2g;
}

/* The guest kernel's own calls, all the time the attack lasts. */
struct pinger {
	volatile int run;
	uint64_t ok, failed;
};

static void *pinger_run(void *arg)
{
	struct pinger *p = arg;
	char buf[64];

	while (__atomic_load_n(&p->run, __ATOMIC_ACQUIRE)) {
		FILE *f = fopen(PING_PATH, "r");

		if (f && fgets(buf, sizeof(buf), f))
			p->ok++;
		else
			p->failed++;
		if (f)
			fclose(f);
	}
	return NULL;
}

static int adv_open(struct adv *a)
{
	struct vmrpc_superblock sb;
	struct vmrpc_mem_config cfg;
	size_t bar0_size;
	uint64_t data_size;
	uint32_t st;

	memset(a, 0, sizeof(*a));
	a->bar2 = vmrpc_bar_map(2, &a->bar2_size);
	a->bar0 = vmrpc_bar_map(0, &bar0_size);
	if (!a->bar2 || !a->bar0 || bar0_size < 16)
		return -1;
	memcpy(&sb, (const void *)a->bar2, sizeof(sb));
	a->host_peer = le32toh(sb.host_peer);
	a->g2h_offset = le64toh(sb.g2h_offset);
	a->slot_size = le32toh(sb.slot_size);
	a->nr_slots = le16toh(sb.g2h_slots);
	a->ctrl_size = le64toh(sb.ctrl_size);
	a->sb_size = le32toh(sb.subblock_size);
	data_size = le64toh(sb.data_size);
	if (le64toh(sb.magic) != VMRPC_MAGIC || a->nr_slots <= ADV_SLOTS ||
	    a->slot_size < VMRPC_SLOT_SIZE_MIN || !a->sb_size ||
	    a->g2h_offset + (uint64_t)a->nr_slots * a->slot_size > a->bar2_size ||
	    data_size / a->sb_size < 2 * ADV_UNPLUGS)
		return -1;
	a->nr_sb = data_size / a->sb_size;
	a->sb_pages = a->sb_size / VMRPC_PAGING_PAGE_SIZE;
	if (a->sb_pages < ADV_HINT_RUNS)
		return -1;
	for (int i = 0; i < ADV_SLOTS; i++)
		a->seq[i] = ADV_SEQ_BASE;
	/* The maximum, from the host, the one well-formed memory call. */
	adv_post(a, 0, &(struct adv_call){ .module = VMRPC_MOD_MEM,
		 .proc = VMRPC_MEM_CONFIG, .resp_len = sizeof(cfg) });
	st = adv_collect(a, 0, &cfg, sizeof(cfg));
	a->max_sb = le64toh(cfg.max_size) / a->sb_size;
	if (st != VMRPC_OK || a->max_sb + ADV_UNPLUGS >= a->nr_sb)
		return -1;
	return 0;
}

int main(void)
{
	struct pinger ping = { .run = 1 };
	int host = host_channel_open();
	bool all_sent = true;
	uint64_t rounds = 0, unexpected = 0;
	pthread_t pt;
	struct adv a;
	double end;

	ksft_print_header();
	if (host < 0)
		ksft_exit_skip("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	ksft_set_plan(4);
	if (adv_open(&a))
		ksft_exit_fail_msg("zonehost device: cannot map or understand it (%m)\n");
	if (pthread_create(&pt, NULL, pinger_run, &ping))
		ksft_exit_fail_msg("pthread_create\n");
	printf("vmrpc-adversary: attacking (slots %u-%u of %u, subblocks %llu of %llu, max %llu)\n",
	       a.nr_slots - ADV_SLOTS, a.nr_slots - 1, a.nr_slots,
	       (unsigned long long)top_sb(&a), (unsigned long long)a.nr_sb,
	       (unsigned long long)a.max_sb);
	fflush(stdout);
	end = now_s() + ADV_MAX_S;
	while (now_s() < end &&
	       (rounds < ADV_MIN_ROUNDS || host_channel_poll(host, "stop") == 0)) {
		attack_sizes(&a);
		attack_offsets(&a);
		attack_numbers(&a);
		attack_header(&a);
		attack_rewrite(&a);
		attack_memory(&a);
		attack_pins(&a);
		attack_paging(&a);
		attack_hostfs(&a);
		attack_doorbells(&a);
		attack_superblock(&a);
		rounds++;
	}
	__atomic_store_n(&ping.run, 0, __ATOMIC_RELEASE);
	pthread_join(pt, NULL);

	for (int c = 0; c < C_NR; c++) {
		printf("vmrpc-adversary: class %s sent %llu unexpected %llu\n",
		       class_name[c], (unsigned long long)a.sent[c],
		       (unsigned long long)a.unexpected[c]);
		all_sent &= a.sent[c] > 0;
		unexpected += a.unexpected[c];
	}
	for (int s = 0; s < ADV_NR_STATUS; s++)
		printf("vmrpc-adversary: status %s %llu\n", status_name[s],
		       (unsigned long long)a.status[s]);
	printf("vmrpc-adversary: count mem-einval %llu\n"
	       "vmrpc-adversary: count pin-bad %llu\n"
	       "vmrpc-adversary: count unplug-unplugged %llu\n"
	       "vmrpc-adversary: count plug-eperm %llu\n"
	       "vmrpc-adversary: count pin-refused %llu\n"
	       "vmrpc-adversary: count pin-most-bytes %llu\n"
	       "vmrpc-adversary: count paging-bad %llu\n"
	       "vmrpc-adversary: count paging-unplugged-bytes %llu\n"
	       "vmrpc-adversary: count paging-pinned-bytes %llu\n"
	       "vmrpc-adversary: count hostfs-refused %llu\n"
	       "vmrpc-adversary: count doorbells %llu\n"
	       "vmrpc-adversary: count kernel-pings %llu\n",
	       (unsigned long long)a.mem_einval, (unsigned long long)a.pin_bad,
	       (unsigned long long)a.unplug_unplugged,
	       (unsigned long long)a.plug_eperm,
	       (unsigned long long)a.pin_refused,
	       (unsigned long long)(a.pin_most * a.sb_size),
	       (unsigned long long)a.paging_bad,
	       (unsigned long long)a.paging_unplugged,
	       (unsigned long long)a.paging_pinned,
	       (unsigned long long)a.hostfs_refused,
	       (unsigned long long)a.doorbells, (unsigned long long)ping.ok);
	printf("vmrpc-adversary: stopped after %llu rounds\n",
	       (unsigned long long)rounds);
	fflush(stdout);

	ksft_test_result(all_sent, "every class of malformed traffic was sent\n");
	ksft_test_result(!a.unanswered, "zhostd answered every call (%llu unanswered)\n",
			 (unsigned long long)a.unanswered);
	ksft_test_result(!unexpected, "every answer was the refusal expected (%llu not)\n",
			 (unsigned long long)unexpected);
	ksft_test_result(ping.ok > 0 && !ping.failed,
			 "the guest kernel's own calls all worked meanwhile (%llu, %llu failed)\n",
			 (unsigned long long)ping.ok, (unsigned long long)ping.failed);
	host_channel_wait(host, "done", 600 * 1000);
	ksft_finished();
}
