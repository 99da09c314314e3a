// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl paging and the "paging" block of balloon-ctl status, the
 * real program (a sanitized build) against a fake zhostd: paging shows
 * query-paging for people and with --json, paging on and off send the
 * paging command with the switch, a guest without host paging is said so,
 * and the usage errors of a bad argument.
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#include "fake-zhostd.h"

#define MIB	(1LL << 20)

/* query-paging's reply: host paging on, the guest keeping and hinting. */
static json_t *paging_return(bool guest)
{
	json_t *ret = json_pack("{s:b, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b,"
				" s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i}}",
				"enabled", 1, "mode", "host", "reason", "none",
				"resident", 120 * MIB, "swapped", 300 * MIB,
				"pinned", 4 * MIB, "hinted", 310 * MIB,
				"swap_total", 2048 * MIB, "swap_free", 1700 * MIB,
				"swap_floor", 64 * MIB, "guest_unsupported", 0,
				"counters", "hint_calls", 812, "bad_calls", 2,
				"accepted", 306 * MIB, "paged_out", 300 * MIB,
				"skipped_unplugged", (json_int_t)0,
				"skipped_pinned", 4 * MIB, "pageout_calls", 800,
				"pageout_errors", 1, "last_error", 3);

	json_object_set_new(ret, "guest", guest ?
		json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "mode", "host",
			  "reason", "none", "hinted", 310 * MIB, "hint_calls", 812,
			  "kept", 320 * MIB, "guest_swapped", (json_int_t)0,
			  "dropped", 10 * MIB) : json_null());
	return ret;
}

static void test_paging(void)
{
	json_t *req, *ret = paging_return(true);
	struct run r;

	tap_diag("[RUN] paging");
	converse(&r, sock, S("-s", sock, "-t", "3", "paging"), &req, "",
		 json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-paging", NULL), "paging sends query-paging");
	run_ok(&r, r.status == 0 &&
	       has(r.out, "host paging: enabled, mode host\n") &&
	       has(r.out, "host swap: 1.7 GiB free of 2.0 GiB, floor 64.0 MiB\n") &&
	       has(r.out, "data area: 120.0 MiB resident, 300.0 MiB swapped, 4.0 MiB pinned, 310.0 MiB hinted, 300.0 MiB paged out\n") &&
	       has(r.out, "hints: 812 calls, 2 malformed; 306.0 MiB accepted, skipped 0 B unplugged and 4.0 MiB pinned; 1 page-out errors\n") &&
	       has(r.out, "guest: mode host, kept 320.0 MiB, hinted 310.0 MiB, own swap 0 B, dropped 10.0 MiB\n"),
	       "paging prints the mode, the swap, the data area, the hints and the guest");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "paging", "--json"), &req, "",
		 json_pack("{s:O}", "return", ret));
	run_ok(&r, r.status == 0 && json_out_is(r.out, ret),
	       "paging --json prints the return object");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "paging", "off"), &req, "",
		 json_pack("{s:o}", "return", paging_return(false)));
	tap_ok(req_is(req, "paging", "{\"enabled\": false}"),
	       "paging off sends paging with enabled false");
	run_ok(&r, r.status == 0 && has(r.out, "guest: unknown (not ready)\n"),
	       "a guest not known is said so");
	json_decref(req);
	run_free(&r);

	json_object_set_new(ret, "guest", json_null());
	json_object_set_new(ret, "guest_unsupported", json_true());
	json_object_set_new(ret, "mode", json_string("guest"));
	json_object_set_new(ret, "reason", json_string("no-swap"));
	converse(&r, sock, S("-s", sock, "-t", "3", "paging", "on"), &req, "",
		 json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "paging", "{\"enabled\": true}"),
	       "paging on sends paging with enabled true");
	run_ok(&r, r.status == 0 && has(r.out, "mode guest (no-swap)\n") &&
	       has(r.out, "guest: does not support host paging\n"),
	       "the mode's reason, and a guest without host paging, are said");
	json_decref(req);
	run_free(&r);
	json_decref(ret);
}

/* A status line "  LABEL:   VALUE" (the column depends on the labels). */
static bool field_is(const char *out, const char *label, const char *value)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n  %s:", label);
	p = strstr(out, key);
	if (!p)
		return false;
	p += strlen(key);
	p += strspn(p, " ");
	return !strncmp(p, value, strlen(value)) && p[strlen(value)] == '\n';
}

static void test_status_paging(void)
{
	json_t *req, *ret;
	struct run r;

	ret = json_pack("{s:s, s:o}", "name", "vm1", "paging", paging_return(true));
	converse(&r, sock, S("-s", sock, "-t", "3", "status"), &req, "",
		 json_pack("{s:o}", "return", ret));
	run_ok(&r, r.status == 0 && has(r.out, "paging:\n") &&
	       field_is(r.out, "paging mode", "host") &&
	       field_is(r.out, "resident", "120.0 MiB") &&
	       field_is(r.out, "swapped", "300.0 MiB") &&
	       field_is(r.out, "pinned", "4.0 MiB") &&
	       field_is(r.out, "hinted", "310.0 MiB") &&
	       field_is(r.out, "paged out", "300.0 MiB") &&
	       field_is(r.out, "guest kept", "320.0 MiB") &&
	       field_is(r.out, "guest swapped itself", "0 B") &&
	       !has(r.out, "{"),
	       "status shows the paging block: resident, swapped, pinned, hinted, the guest's view");
	json_decref(req);
	run_free(&r);
}

int main(void)
{
	const struct usage_case bad[] = {
		{ S("paging", "maybe"), "'maybe': on or off" },
		{ S("paging", "on", "off"), "one argument at most" },
	};

	if (!fake_zhostd_begin("balloon-ctl-paging", 60))
		return 1;
	tap_plan(10);
	test_paging();
	test_status_paging();
	usage_errors(bad, sizeof(bad) / sizeof(bad[0]));
	fake_zhostd_cleanup();
	free(child_env);
	return tap_done();
}
