// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the host side of module VMRPC_MOD_MEM
 * (mm-host/memory.c): the guest's requests (config, plug, unplug,
 * unplug-all, done, ask and any other procedure number) as a hostile
 * guest would send them, interleaved with what the host does (a new
 * requested size, a reset), on a backend of 64 small subblocks in a
 * memfd. Events go through zhostd_memory_event() (events.c) to no client.
 *
 * Input: byte 0 the requested size and byte 1 the maximum (in subblocks,
 * modulo 65), byte 2 bit 0 whether asks are granted; then records of
 * [op][response capacity][length][length bytes]. op 0-5 is the procedure
 * of the same number, 6 a host resize to byte 0 of the payload in
 * subblocks, 7 a reset (the VM went away), 8 VMRPC_MEM_HOST_MAP (whose
 * number 6 is taken), anything else the procedure numbered op. Requests
 * and responses sit in buffers of exactly their size, so ASan sees a read
 * or write past them; after every step the
 * backend's promises are checked: the plugged count matches the map,
 * requested <= max <= data area, a granted plug keeps plugged <= requested,
 * the stages of a kept resize report fit its total (or it saturated).
 * Reports become JSON on the way (events.c, mem-done.c).
 */
#include "events.h"
#include "fuzz.h"
#include "log.h"
#include "memory.h"

#define NR_SB		64
#define SB_SIZE		4096u

static int memfd = -1;
static struct zhostd events_zd = { .name = "fuzz" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = fuzz_memfd("fuzz-mem", (off_t)NR_SB * SB_SIZE);
	if (zlog_open(ZLOG_ERR, "/dev/null", 0))
		abort();
	return 0;
}

/* The backend's own bookkeeping against its map. */
static void check_backend(struct zhostd_memory *m, uint64_t max)
{
	struct zhostd_memory_info mi;
	uint64_t n = 0;

	zhostd_memory_get(m, &mi);
	for (uint64_t i = 0; i < m->nr_sb; i++) {
		fuzz_check(m->map[i] <= 1);
		n += m->map[i];
	}
	fuzz_check(n == m->nr_plugged);
	fuzz_check(mi.plugged == n * SB_SIZE);
	fuzz_check(mi.max == max && mi.requested <= mi.max);
	fuzz_check(mi.requested % SB_SIZE == 0);
	fuzz_check(mi.asks_granted <= mi.asks);
	fuzz_check(mi.plug_refused <= mi.plug_calls);
	if (mi.done.has_stages) {
		const struct zhostd_memory_stages *s = &mi.done.stages;

		fuzz_check(s->total_us == UINT32_MAX ||
			   (uint64_t)s->host_us + s->isolate_us + s->offline_us +
			   s->online_us + s->add_us + s->watermarks_us <=
			   s->total_us);
	}
}

static void guest_call(struct zhostd_memory *m, uint16_t proc,
		       const uint8_t *payload, uint32_t len, uint32_t resp_cap)
{
	struct zhostd_memory_info mi, before;
	uint8_t *req = fuzz_dup(payload, len);
	uint8_t *resp = malloc(resp_cap ? resp_cap : 1);
	uint32_t st, resp_len = 0xdeadbeef;

	if (!resp)
		abort();
	zhostd_memory_get(m, &before);
	st = zhostd_memory_serve(m, proc, req, len, resp, resp_cap, &resp_len);
	fuzz_check(st < VMRPC_NR_ERRORS);
	fuzz_check(resp_len <= resp_cap);
	if (st == VMRPC_OK && proc == VMRPC_MEM_PLUG) {
		zhostd_memory_get(m, &mi);
		fuzz_check(mi.plugged <= mi.requested);
	}
	if (proc > VMRPC_MEM_HOST_MAP)
		fuzz_check(st != VMRPC_OK);
	/* A question only: one bit per subblock asked, nothing changed. */
	if (st == VMRPC_OK && proc == VMRPC_MEM_HOST_MAP) {
		struct vmrpc_mem_range r;

		memcpy(&r, payload, sizeof(r));
		fuzz_check(resp_len == (le32toh(r.count) + 7) / 8);
		zhostd_memory_get(m, &mi);
		fuzz_check(mi.plugged == before.plugged);
	}
	free(req);
	free(resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmrpc_host_data_area area = {
		.offset = 0, .size = (uint64_t)NR_SB * SB_SIZE,
		.subblock_size = SB_SIZE,
	};
	uint64_t requested, max;
	struct zhostd_memory m;
	char err[256];

	if (size < 3)
		return 0;
	max = (uint64_t)(data[1] % (NR_SB + 1)) * SB_SIZE;
	requested = (uint64_t)(data[0] % (NR_SB + 1)) * SB_SIZE;
	if (requested > max)
		requested = max;
	if (zhostd_memory_init(&m, memfd, &area, requested, max, err,
			       sizeof(err)))
		abort();
	m.allow_ask = data[2] & 1;
	m.on_event = zhostd_memory_event;
	m.opaque = &events_zd;
	data += 3;
	size -= 3;

	while (size >= 3) {
		uint8_t op = data[0];
		uint32_t resp_cap = data[1];
		uint32_t len = data[2] < size - 3 ? data[2] : (uint32_t)(size - 3);
		const uint8_t *payload = data + 3;

		switch (op) {
		case 6:
			zhostd_memory_set_requested(&m, len ?
				(uint64_t)(payload[0] % (NR_SB + 2)) * SB_SIZE : 0,
				err, sizeof(err));
			break;
		case 7:
			fuzz_check(!zhostd_memory_reset(&m));
			fuzz_check(!m.nr_plugged);
			break;
		case 8:
			/* Op 6 is taken: VMRPC_MEM_HOST_MAP comes as 8. */
			guest_call(&m, VMRPC_MEM_HOST_MAP, payload, len, resp_cap);
			break;
		default:
			guest_call(&m, op, payload, len, resp_cap);
			break;
		}
		check_backend(&m, max);
		data += 3 + len;
		size -= 3 + len;
	}
	zhostd_memory_reset(&m);
	zhostd_memory_destroy(&m);
	return 0;
}
