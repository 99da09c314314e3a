// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl pins and the "pins" block of balloon-ctl status, the real
 * program (a sanitized build) against a fake zhostd: the request, the
 * ranges with their state, holders summed per process, holders that the
 * guest could not give, --json, and the usage error of an argument.
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#include "fake-zhostd.h"

#define MIB	(1LL << 20)

static json_t *holder(int sb, int pid, const char *comm, int pages)
{
	return json_pack("{s:i, s:i, s:s, s:i}", "subblock", sb, "pid", pid,
			 "comm", comm, "pages", pages);
}

/* query-pins: 2-5 pinned (held by "locker" in each, pid 0 in one), 8-9 short. */
static json_t *pins_return(bool available)
{
	json_t *held = json_pack("[o, o, o, o, o]", holder(2, 100, "locker", 512),
				 holder(3, 100, "locker", 512),
				 holder(3, 0, "", 4),
				 holder(4, 100, "locker", 512),
				 holder(5, 100, "locker", 100));
	json_t *r = json_pack("{s:I, s:I, s:I, s:b, s:b, s:b, s:b}",
			      "first", (json_int_t)2, "count", (json_int_t)4,
			      "bytes", 8 * MIB, "locked", 1, "guest_pinned", 1,
			      "lock_all", 0, "short", 0);

	if (available)
		json_object_set_new(r, "holders", held);
	else
		json_decref(held);
	json_t *ret = json_pack("{s:I, s:I, s:I, s:b, s:n, s:I, s:I, s:b, s:b}",
				"subblock_size", 2 * MIB, "locked", 8 * MIB,
				"guest_pinned", 8 * MIB, "lock_all", 0,
				"max_pinned", "shortfall", 4 * MIB,
				"lock_all_missing", (json_int_t)0,
				"holders_available", available,
				"holders_truncated", 0);
	json_t *shortr = json_pack("{s:I, s:I, s:I, s:b, s:b, s:b, s:b}",
				   "first", (json_int_t)8, "count", (json_int_t)2,
				   "bytes", 4 * MIB, "locked", 0,
				   "guest_pinned", 0, "lock_all", 0, "short", 1);

	if (available)
		json_object_set_new(shortr, "holders", json_array());
	json_object_set_new(ret, "ranges", json_pack("[o, o]", r, shortr));
	json_object_set_new(ret, "holders_error", available ? json_null() :
			    json_string("the guest does not report holders (an older guest)"));
	return ret;
}

static void test_pins(void)
{
	json_t *req, *ret = pins_return(true);
	struct run r;

	tap_diag("[RUN] pins");
	converse(&r, sock, S("-s", sock, "-t", "3", "pins"), &req, "",
		 json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-pins", NULL), "pins sends query-pins");
	run_ok(&r, r.status == 0 &&
	       has(r.out, "locked 8.0 MiB, of which guest-pinned 8.0 MiB; shortfall 4.0 MiB; max pinned none; lock-all off\n") &&
	       has(r.out, "SUBBLOCKS            BYTES  STATE\n") &&
	       has(r.out, "2-5                8.0 MiB  pinned\n") &&
	       has(r.out, "    pid 100 (locker): 1636 pages in 4 subblocks\n") &&
	       has(r.out, "    no process: 4 pages in 1 subblock\n") &&
	       has(r.out, "8-9                4.0 MiB  short, not locked\n") &&
	       !has(r.out, "holders:"),
	       "pins prints totals, ranges with their state, holders summed per process");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "pins", "--json"), &req, "",
		 json_pack("{s:O}", "return", ret));
	run_ok(&r, r.status == 0 && json_out_is(r.out, ret),
	       "pins --json prints the return object");
	json_decref(req);
	run_free(&r);
	json_decref(ret);

	converse(&r, sock, S("-s", sock, "-t", "3", "pins"), &req, "",
		 json_pack("{s:o}", "return", pins_return(false)));
	run_ok(&r, r.status == 0 && has(r.out, "2-5                8.0 MiB  pinned\n") &&
	       has(r.out, "holders: unavailable (the guest does not report holders (an older guest))"),
	       "without holders the ranges are listed and the reason given");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "pins"), &req, "",
		 json_pack("{s:{s:i}}", "return", "locked", 0));
	run_ok(&r, r.status == 3 && has(r.err, "ranges"),
	       "a reply without ranges is not understood (exit 3)");
	json_decref(req);
	run_free(&r);
}

static void test_status_pins(void)
{
	json_t *req, *ret;
	struct run r;

	ret = json_pack("{s:s, s:{s:I, s:I, s:I, s:I, s:b, s:I, s:{s:s, s:i}, s:{s:b, s:i, s:I, s:I, s:I, s:i, s:i, s:s}}}",
			"name", "vm1", "pins",
			"locked", 40 * MIB, "guest_pinned", 8 * MIB,
			"shortfall", 2 * MIB, "max_pinned", 10 * MIB,
			"lock_all", 1, "lock_all_missing", (json_int_t)0,
			"last_refusal", "reason", "rlimit", "error", 12,
			"guest", "enabled", 1, "mlocked_pages", 2051,
			"wanted", 10 * MIB, "pinned", 8 * MIB, "short", 2 * MIB,
			"updates", 3, "refused", 1, "last_reason", "rlimit");
	converse(&r, sock, S("-s", sock, "-t", "3", "status"), &req, "",
		 json_pack("{s:o}", "return", ret));
	run_ok(&r, r.status == 0 && has(r.out, "pins:\n") &&
	       has(r.out, "  locked:                  40.0 MiB\n") &&
	       has(r.out, "  guest-pinned:            8.0 MiB\n") &&
	       has(r.out, "  max pinned:              10.0 MiB\n") &&
	       has(r.out, "  lock-all:                yes\n") &&
	       has(r.out, "  last refusal:            rlimit, errno 12\n") &&
	       has(r.out, "  guest mlocked pages:     2051\n") &&
	       has(r.out, "  guest sees short:        2.0 MiB\n") &&
	       !has(r.out, "{"),
	       "status shows the pins block with the guest's view");
	json_decref(req);
	run_free(&r);
}

int main(void)
{
	const struct usage_case bad[] = {
		{ S("pins", "extra"), "unexpected argument" },
	};

	if (!fake_zhostd_begin("balloon-ctl-pins", 60))
		return 1;
	tap_plan(7);
	test_pins();
	test_status_pins();
	usage_errors(bad, sizeof(bad) / sizeof(bad[0]));
	fake_zhostd_cleanup();
	free(child_env);
	return tap_done();
}
