// SPDX-License-Identifier: GPL-2.0-only
/*
 * A QEMU reconnect (zhostd --on-disconnect wait) against the VMRPC host
 * library: the last guest scribbles over the host's superblock fields,
 * slot headers and payloads and past the slots, then QEMU leaves. The
 * next QEMU must find the control area as the first did, every slot FREE
 * and zero, and the host must have freed all of it but the superblock.
 */
#include <sys/stat.h>

#include "../lib/tap.h"
#include "fake-qemu.h"

#define KIB	1024ULL
#define MIB	(1024 * KIB)

static struct fq_env e;

static void cleanup(void)
{
	fq_cleanup_paths();
}

/* Bytes allocated in the memfd within [0, @end). */
static uint64_t allocated(int fd, off_t end)
{
	off_t pos = 0, data, hole;
	uint64_t n = 0;

	while (pos < end) {
		data = lseek(fd, pos, SEEK_DATA);
		if (data < 0 || data >= end)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		n += (uint64_t)(hole - data);
		pos = hole;
	}
	return n;
}

/* Whether @len bytes at @p are zero. */
static bool all_zero(const volatile uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* What the last guest leaves behind. */
static void scribble(struct fake_qemu *q)
{
	volatile struct vmrpc_superblock *sb = fq_sb(q);

	memcpy(fq_payload(fq_g2h(q, 1)), "a secret", 8);
	fq_set_state(fq_g2h(q, 3), VMRPC_SLOT_POSTED);
	memcpy(fq_payload(fq_h2g(q, 2)), "an old reply", 12);
	for (uint32_t i = 0; i < 4; i++)	/* every slot header touched */
		fq_h2g(q, i)->flags = htole32(0xffffffff);
	memset(q->bar + 8 * MIB, 0x5a, 256 * KIB);	/* past the slots */
	/* Last: the slots above are found through these. */
	sb->data_offset = htole64(0xdead000);
	sb->g2h_slots = htole16(99);
	sb->slot_size = htole32(3);
	sb->host_state = htole32(7);
}

int main(void)
{
	uint8_t before[VMRPC_SUPERBLOCK_SIZE];
	struct vmrpc_host_data_area area;
	uint64_t ctrl, left, slots, slots_end = 0;
	struct fake_qemu q2;
	bool up, ok, zero;

	tap_timeout(60, cleanup);
	tap_plan(4);
	fq_init(&q2);
	up = fq_env_create(&e, 4, 1) == 0 && fq_env_connect(&e) == 0;
	if (up) {
		/* What the first QEMU found: the host's fields only. */
		memcpy(before, e.q.bar, sizeof(before));
		up = fq_env_guest_ready(&e, 1) == 0;
	}
	if (!up) {
		printf("Bail out! cannot set up a host and a fake QEMU\n");
		fq_env_teardown(&e);
		return 1;
	}
	vmrpc_host_data_area(e.h, &area);
	ctrl = area.offset;
	/* Where the slots are, before the guest says otherwise. */
	slots = (uint64_t)((volatile uint8_t *)fq_g2h(&e.q, 0) - e.q.bar);
	slots_end = (uint64_t)((volatile uint8_t *)fq_h2g(&e.q, 3) - e.q.bar) +
		    fq_slot_size(&e.q);
	scribble(&e.q);
	fq_close(&e.q);
	ok = ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_DISCONNECTED, 1,
			 FQ_TIMEOUT_MS);
	left = allocated(vmrpc_host_memfd(e.h), (off_t)ctrl);
	tap_ok(ok && left <= 4 * KIB,
	       "QEMU gone: the control area is freed but the superblock's page (%llu KiB left)",
	       (unsigned long long)(left / KIB));

	ok = fq_connect(&q2, e.sock) == 0 &&
	     ev_log_wait(&e.log, VMRPC_HOST_EV_QEMU_CONNECTED, 2, FQ_TIMEOUT_MS);
	tap_ok(ok && !memcmp(q2.bar, before, sizeof(before)),
	       "the next QEMU finds the superblock the first one found");
	zero = ok && all_zero(q2.bar + slots, slots_end - slots);
	tap_ok(zero, "every slot FREE, header and payload zero");
	/* And it works: a driver binds and is seen. */
	if (ok) {
		fq_close(&e.q);
		e.q = q2;
		fq_init(&q2);
	}
	tap_ok(ok && fq_env_guest_ready(&e, 2) == 0 &&
	       vmrpc_host_guest_ready(e.h),
	       "and its guest driver binds as the first did");
	fq_close(&q2);
	fq_env_teardown(&e);
	return tap_done();
}
