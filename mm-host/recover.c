// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --recover; see recover.h.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest-map.h"
#include "log.h"
#include "recover-fds.h"
#include "recover.h"

/* How often zhostd looks whether the guest's driver state is known. */
#define RECOVER_POLL_MS		10

int zhostd_recover_take(const struct zhostd_options *o, int vm_dir,
			struct vmrpc_host_adopted *a)
{
	char err[ZH_RECOVER_ERR_MAX];
	struct zh_recover_state s;
	int ret;

	ret = zh_recover_state_read(vm_dir, &s, err, sizeof(err));
	if (ret) {
		zlog_err("recover: state file %s/%s/%s: %s", o->runtime_dir,
			 o->name, ZH_RECOVER_FILE, err);
		return ret;
	}
	if (s.bar_size != o->cfg.bar_size || s.nr_slots != o->cfg.nr_slots ||
	    s.slot_size != o->cfg.slot_size) {
		zlog_err("recover: the VM runs with --bar-size %llu --slots %u --slot-size %u; give zhostd --recover the options it was started with",
			 (unsigned long long)s.bar_size, s.nr_slots,
			 s.slot_size);
		return -EINVAL;
	}
	ret = zh_recover_take(&s, a, err, sizeof(err));
	if (ret)
		zlog_err("recover: %s", err);
	else
		zlog_info("recover: took the memfd and %u eventfds back from QEMU (pid %d)%s",
			  2 * (VMRPC_NR_VECTORS_MIN +
			       (a->host_fd[VMRPC_HVEC_ECHO] >= 0)),
			  s.qemu_pid, a->host_fd[VMRPC_HVEC_ECHO] >= 0 ? "" :
			  "; without the echo vector");
	return ret;
}

/* Wait until the event thread knows the guest's driver, at most @ms. */
static bool recover_wait_guest(struct zhostd *zd, unsigned int ms)
{
	const struct timespec step = { 0, RECOVER_POLL_MS * 1000000L };
	unsigned int waited;

	for (waited = 0; !vmrpc_host_guest_ready(zd->vh) && waited < ms;
	     waited += RECOVER_POLL_MS)
		nanosleep(&step, NULL);
	return vmrpc_host_guest_ready(zd->vh);
}

/*
 * Every subblock that holds mlocked guest pages, as VMRPC_PIN_HOLDERS
 * says, into @want (one byte per subblock). Return: 0, 1 when the guest
 * does not serve the call (no pinning there), or -1 with @err set.
 */
static int recover_pin_holders(struct zhostd *zd, uint8_t *want,
			       struct zhostd_error *err)
{
	const uint32_t cap = zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
	const uint64_t nr = zhostd_memory_nr_subblocks(&zd->mem);
	struct vmrpc_pin_holders *h = malloc(cap);
	uint64_t first = 0;
	uint32_t len, status, i, n;
	int ret;

	if (!h) {
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return -1;
	}
	while (first < nr) {
		struct vmrpc_pin_holders_request r = {
			.first = htole64(first),
			.count = htole32((uint32_t)(nr - first)),
		};
		uint64_t next;

		ret = vmrpc_host_call(zd->vh, VMRPC_MOD_PIN, VMRPC_PIN_HOLDERS,
				      &r, sizeof(r), h, cap, &len, &status,
				      zd->call_timeout_ms);
		if (!ret && (status == VMRPC_ENOMOD ||
			     status == VMRPC_ENOPROC)) {
			free(h);
			return 1;
		}
		if (ret || status != VMRPC_OK || len < sizeof(*h)) {
			zhostd_error_from_call(err, "the guest's pinned subblocks",
					       ret, ret || status ? status :
					       VMRPC_EINVAL);
			goto fail;
		}
		/* Each field once, checked before use. */
		n = le32toh(h->nr);
		next = le64toh(h->next_first);
		if (n > (len - sizeof(*h)) / sizeof(h->holders[0]))
			goto bad;
		for (i = 0; i < n; i++) {
			uint64_t sb = le64toh(h->holders[i].subblock);

			if (sb < first || sb >= nr)
				goto bad;
			want[sb] = 1;
		}
		if (!(le32toh(h->flags) & VMRPC_PIN_HOLDERS_F_TRUNCATED))
			break;
		/* Forward only: a guest cannot keep zhostd asking. */
		if (next <= first || next > nr)
			goto bad;
		first = next;
	}
	free(h);
	return 0;
bad:
	zhostd_error_set(err, ZERR_GUEST_ERROR,
			 "the guest's list of pinned subblocks is malformed");
fail:
	free(h);
	return -1;
}

/**
 * struct recover_pins - pinning the subblocks the guest wants pinned
 * @pin: the pinned set
 * @want: one byte per subblock, 1 to pin
 * @nr: subblocks
 * @pinned: subblocks pinned
 * @short_sb: subblocks refused (ceiling, RLIMIT_MEMLOCK)
 */
struct recover_pins {
	struct zhostd_pin *pin;
	const uint8_t *want;
	uint64_t nr;
	uint64_t pinned;
	uint64_t short_sb;
};

static void recover_pin_locked(void *arg, const uint8_t *plugged)
{
	struct recover_pins *rp = arg;
	uint64_t i, run;

	for (i = 0; i < rp->nr; i += run) {
		struct zhostd_pin_refusal res;
		struct zh_pin_run r;

		for (run = 1; i + run < rp->nr && run < UINT32_MAX &&
		     rp->want[i + run] == rp->want[i]; run++)
			;
		if (!rp->want[i])
			continue;
		r = (struct zh_pin_run){ .first = i, .count = (uint32_t)run,
					 .pin = true };
		memset(&res, 0, sizeof(res));
		zhostd_pin_apply_locked(rp->pin, plugged, &r, &res);
		rp->pinned += res.done;
		rp->short_sb += run - res.done;
	}
}

/* The guest's map, read twice: the two must agree. NULL: refused. */
static uint8_t *recover_read_map(struct zhostd *zd, uint64_t nr)
{
	struct zhostd_error err;
	uint8_t *a, *b;

	a = zhostd_guest_map_read(zd, &err);
	b = a ? zhostd_guest_map_read(zd, &err) : NULL;
	if (!a || !b) {
		zlog_err("recover: %s", err.desc);
		free(a);
		return NULL;
	}
	if (memcmp(a, b, (nr + 7) / 8)) {
		zlog_err("recover: the guest gave two different plugged maps while its calls were held: it cannot be trusted");
		free(a);
		a = NULL;
	}
	free(b);
	return a;
}

/* A subblock the guest wants pinned must be plugged: one that is not is a lie. */
static bool recover_pins_plugged(const uint8_t *want, const uint8_t *bits,
				 uint64_t nr)
{
	uint64_t i;

	for (i = 0; i < nr; i++)
		if (want[i] && !((bits[i / 8] >> (i % 8)) & 1))
			return false;
	return true;
}

int zhostd_recover_rebuild(struct zhostd *zd)
{
	const uint64_t nr = zhostd_memory_nr_subblocks(&zd->mem);
	struct recover_pins rp = { .pin = &zd->pin, .nr = nr };
	struct zhostd_memory_info mi;
	struct zhostd_error err;
	uint8_t *bits = NULL, *want = NULL;
	char msg[ZH_RECOVER_ERR_MAX];
	int ret = -EPROTO, holders;

	if (!recover_wait_guest(zd, zd->call_timeout_ms)) {
		zlog_err("recover: the guest's VMRPC driver is not bound (the guest is booting, or it unbound its driver): zhostd cannot learn what it has plugged; stop the VM, or wait for its driver and try again");
		return -ENOTCONN;
	}
	bits = recover_read_map(zd, nr);
	want = calloc(nr, 1);
	if (!bits || !want)
		goto out;
	holders = recover_pin_holders(zd, want, &err);
	if (holders < 0) {
		zlog_err("recover: %s", err.desc);
		goto out;
	}
	if (!recover_pins_plugged(want, bits, nr)) {
		zlog_err("recover: the guest holds mlocked pages in subblocks it says are not plugged: it cannot be trusted");
		goto out;
	}
	/* Checked: from here zhostd takes the guest's word. */
	ret = zhostd_memory_adopt(&zd->mem, bits, msg, sizeof(msg));
	if (ret) {
		zlog_err("recover: %s", msg);
		goto out;
	}
	rp.want = want;
	/* Not with pinning off (--max-pinned 0): every pin would be refused. */
	if (!holders && zd->pin.max_sb)
		zhostd_memory_locked(&zd->mem, recover_pin_locked, &rp);
	zhostd_memory_get(&zd->mem, &mi);
	zlog_info("recover: the guest has %llu MiB plugged (now also the requested size); %llu subblocks pinned again%s",
		  (unsigned long long)(mi.plugged >> 20),
		  (unsigned long long)rp.pinned,
		  holders ? " (the guest does not pin)" : "");
	if (rp.short_sb)
		zlog_warn("recover: %llu subblocks the guest had pinned could not be pinned again (see balloon-ctl pins)",
			  (unsigned long long)rp.short_sb);
out:
	free(bits);
	free(want);
	return ret;
}

void zhostd_recover_record(struct zhostd *zd)
{
	int host_fd[VMRPC_NR_VECTORS], guest_fd[VMRPC_NR_VECTORS];
	struct zh_recover_state s = {
		.bar_size = zd->cfg.bar_size,
		.nr_slots = zd->cfg.nr_slots,
		.slot_size = zd->cfg.slot_size,
	};
	int ret;

	if (!zd->keep_state)
		return;
	ret = vmrpc_host_peer_fds(zd->vh, host_fd, guest_fd);
	if (!ret)
		ret = zh_recover_state_fill(&s, (int)vmrpc_host_peer_pid(zd->vh),
					    vmrpc_host_memfd(zd->vh), host_fd,
					    guest_fd);
	if (!ret)
		ret = zh_recover_state_write(zd->vm_dir, &s);
	if (ret)
		zlog_warn("cannot write the state file %s: %s; zhostd --recover will not work for this VM",
			  ZH_RECOVER_FILE, strerror(-ret));
}

void zhostd_recover_forget(struct zhostd *zd)
{
	if (zd->keep_state)
		zh_recover_state_remove(zd->vm_dir);
}
