// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for pinning as a hostile guest drives it: the
 * VMRPC_PIN_UPDATE decoder (pin-wire.c) alone and through the handler
 * (pin-serve.c) on a pinned set over a real memfd, and the checks of the
 * guest's VMRPC_PIN_STATUS and VMRPC_PIN_HOLDERS replies.
 *
 * Input: byte 0 picks what is fuzzed (modulo 4): 0 the decoder, with
 * byte 1 the response capacity in results; 1 the handler, with bytes 1-8
 * the plugged map (64 subblocks of one page), byte 9 the ceiling in
 * subblocks (255: none) and bit 0 of byte 10 --lock-all, then batches of
 * [length][length bytes]; 2 a status reply; 3 a holders reply, with byte
 * 1 the first subblock and byte 2 the count asked about. Requests and
 * replies sit in buffers of exactly their size, so ASan sees a read past
 * them; the promises of each function are checked after it.
 */
#include <endian.h>

#include "fuzz.h"
#include "log.h"
#include "memory.h"
#include "pin-serve.h"

#define NR_SB		64

static int memfd = -1;
static long page;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	page = sysconf(_SC_PAGESIZE);
	memfd = fuzz_memfd("fuzz-pin", (off_t)NR_SB * page);
	if (zlog_open(ZLOG_ERR, "/dev/null", 0))
		abort();
	return 0;
}

static void fuzz_decode(const uint8_t *data, size_t size)
{
	uint32_t len = (uint32_t)(size - 2), nr = 0, cap = data[1] * 16u;
	uint8_t *req = fuzz_dup(data + 2, len);
	struct zh_pin_run *runs = calloc(zh_pin_batch_max_runs(len) + 1,
					 sizeof(*runs));
	uint64_t total = 0;
	uint32_t st;

	if (!runs)
		abort();
	st = zh_pin_batch_decode(req, len, NR_SB, cap, runs, &nr);
	fuzz_check(st == VMRPC_OK || st == VMRPC_EINVAL || st == VMRPC_ERANGE);
	fuzz_check(st == VMRPC_OK || nr == 0);
	if (st == VMRPC_OK) {
		fuzz_check(nr >= 1 && len == 8 + 16 * nr && nr * 16 <= cap);
		for (uint32_t i = 0; i < nr; i++) {
			fuzz_check(runs[i].count >= 1 && runs[i].first < NR_SB &&
				   runs[i].first + runs[i].count <= NR_SB);
			total += runs[i].count;
		}
		fuzz_check(total <= NR_SB);
	}
	free(runs);
	free(req);
}

/* The set's counts match its state bits, which match the plugged map. */
static void check_set(const struct zhostd_memory *m, const struct zhostd_pin *p)
{
	uint64_t guest = 0, locked = 0, shrt = 0;

	for (int i = 0; i < NR_SB; i++) {
		guest += !!(p->state[i] & ZHOSTD_PIN_GUEST);
		locked += !!(p->state[i] & ZHOSTD_PIN_LOCKED);
		shrt += !!(p->state[i] & ZHOSTD_PIN_SHORT);
		/* Only plugged subblocks are ever locked or pinned. */
		fuzz_check(m->map[i] || !(p->state[i] & (ZHOSTD_PIN_LOCKED |
							  ZHOSTD_PIN_GUEST)));
		fuzz_check(!(p->state[i] & ZHOSTD_PIN_GUEST) ||
			   (p->state[i] & ZHOSTD_PIN_LOCKED));
		fuzz_check(!p->lock_all || !m->map[i] ||
			   (p->state[i] & (ZHOSTD_PIN_LOCKED | ZHOSTD_PIN_LOCK_MISSING)));
	}
	fuzz_check(guest == p->nr_guest && locked == p->nr_locked &&
		   shrt == p->nr_short && p->nr_guest <= p->max_sb);
}

static void fuzz_serve(const uint8_t *data, size_t size)
{
	struct vmrpc_host_data_area area = {
		.size = (uint64_t)NR_SB * page, .subblock_size = (uint32_t)page,
	};
	struct zhostd_memory m;
	struct zhostd_pin p;
	uint8_t resp[16 * 64];
	char err[128];
	size_t at = 11;

	if (size < 11)
		return;
	if (zhostd_memory_init(&m, memfd, &area, area.size, area.size, err,
			       sizeof(err)) ||
	    zhostd_pin_init(&p, memfd, &area, data[9] == 255 ?
			    ZHOSTD_PIN_NO_CEILING : (uint64_t)data[9] * page,
			    data[10] & 1))
		abort();
	zhostd_memory_set_pin(&m, &p);
	for (uint64_t i = 0; i < NR_SB; i++) {
		struct vmrpc_mem_range r = { .first = htole64(i), .count = htole32(1) };
		uint32_t rlen;

		if ((data[1 + i / 8] >> (i % 8)) & 1)
			zhostd_memory_serve(&m, VMRPC_MEM_PLUG, &r, sizeof(r),
					    NULL, 0, &rlen);
	}
	check_set(&m, &p);
	while (at < size) {
		uint32_t len = data[at++], rlen = 0, st;
		uint8_t *req;

		if (len > size - at)
			len = (uint32_t)(size - at);
		req = fuzz_dup(data + at, len);
		at += len;
		st = zhostd_pin_serve(&m, VMRPC_PIN_UPDATE, req, len, resp,
				      sizeof(resp), &rlen);
		fuzz_check(st != VMRPC_OK || (rlen == (len - 8) / 16 * 16 && rlen));
		fuzz_check(st == VMRPC_OK || rlen == 0);
		free(req);
		check_set(&m, &p);
	}
	/* The guest boots again: nothing stays locked. */
	zhostd_memory_reset(&m);
	fuzz_check(!p.nr_locked && !p.nr_guest && !p.nr_short);
	zhostd_pin_destroy(&p);
	zhostd_memory_destroy(&m);
}

static void fuzz_status(const uint8_t *data, size_t size)
{
	struct zh_pin_guest_status st;
	uint8_t *reply = fuzz_dup(data + 1, size - 1);

	if (!zh_pin_status_parse(reply, (uint32_t)(size - 1), NR_SB, &st))
		fuzz_check(size - 1 == sizeof(struct vmrpc_pin_status) &&
			   st.wanted <= NR_SB && st.pinned <= st.wanted &&
			   st.short_sb <= st.wanted &&
			   st.reason <= VMRPC_PIN_R_DISABLED);
	free(reply);
}

static void fuzz_holders(const uint8_t *data, size_t size)
{
	uint32_t len = (uint32_t)(size - 3), count = data[2];
	uint64_t first = data[1];
	uint8_t *reply = fuzz_dup(data + 3, len);
	struct zh_pin_holder *h = calloc(zh_pin_holders_max(len) + 1, sizeof(*h));
	struct zh_pin_holders_reply hdr;

	if (!h)
		abort();
	if (!zh_pin_holders_parse(reply, len, first, count, 512, &hdr, h)) {
		fuzz_check(len == 16 + 32 * hdr.nr);
		fuzz_check(!hdr.truncated || (hdr.next_first >= first &&
					     hdr.next_first < first + count));
		for (uint32_t i = 0; i < hdr.nr; i++) {
			fuzz_check(h[i].subblock >= first &&
				   h[i].subblock < first + count);
			fuzz_check(!i || h[i].subblock >= h[i - 1].subblock);
			fuzz_check(h[i].pages >= 1 && h[i].pages <= 512);
			for (size_t c = 0; h[i].comm[c]; c++)
				fuzz_check(c < ZH_PIN_COMM_LEN &&
					   h[i].comm[c] >= 0x20 && h[i].comm[c] < 0x7f);
		}
	}
	free(h);
	free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_decode(data, size);
		break;
	case 1:
		fuzz_serve(data, size);
		break;
	case 2:
		fuzz_status(data, size);
		break;
	default:
		fuzz_holders(data, size);
	}
	return 0;
}
