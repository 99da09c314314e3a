// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl set|grow|shrink --wait --stages, the real program (a
 * sanitized build) against a fake zhostd: once the resize ended it waits
 * for the guest's report of this resize (last_resize.count beyond the one
 * before set-memory, of the same size), woken by RESIZE_DONE, and prints
 * where the time went, or says the guest sent no stages (exit 0), or that
 * no report came in time; --json puts the stages into its output.
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#include "fake-zhostd.h"

#define MIB	(1LL << 20)
#define NR	8	/* requests of one conversation, at most */

/* The stages as zhostd sends them: 9 ms in the guest, 4 of them calls. */
static json_t *stages(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
			 "total_us", 9000, "wait_us", 50000, "host_us", 4000,
			 "host_calls", 2, "isolate_us", 1000, "offline_us", 1000,
			 "online_us", 1000, "add_us", 500, "watermarks_us", 250,
			 "steps", 2, "zhostd_us", 1500, "zhostd_calls", 2,
			 "vmrpc_us", 2500, "free_us", 6000, "free_wait_us", 750);
}

/*
 * A query-memory reply of an idle guest at @plugged (requested too), whose
 * last report is number @count, of a resize to @done_req, with @st as its
 * stages (consumed; NULL: JSON null). @count 0: no report yet.
 */
static json_t *memory(long long plugged, int count, long long done_req,
		      json_t *st)
{
	json_t *last = count ?
		json_pack("{s:I, s:I, s:s, s:i, s:i, s:o}",
			  "requested", (json_int_t)done_req,
			  "plugged", (json_int_t)done_req, "reason", "reached",
			  "error", 0, "count", count,
			  "stages", st ? st : json_null()) : json_null();

	return json_pack("{s:{s:I, s:I, s:{s:I, s:I, s:s, s:s}, s:o}}", "return",
			 "requested", (json_int_t)plugged,
			 "plugged", (json_int_t)plugged, "guest",
			 "plugged", (json_int_t)plugged,
			 "requested", (json_int_t)plugged,
			 "state", "idle", "reason", "reached",
			 "last_resize", last);
}

/*
 * balloon-ctl -s SOCK -t 3 @args, a shrink from 768 to 256 MiB: query-memory
 * (report 3 of an earlier resize), set-memory, then @n more replies (@looks,
 * consumed), each followed by @after[i] (events; NULL: none). Returns the
 * run; its requests are checked to be query-memory after set-memory.
 */
static bool converse_stages(struct run *r, const char *const *args,
			    json_t **looks, int n, const char *const *after)
{
	const char *argv[16] = { "-s", sock, "-t", "3" }, *aft[NR] = { "", "" };
	json_t *replies[NR], *reqs[NR];
	bool ok;
	int i, argc = 4;

	for (i = 0; args[i] && argc < 15; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	replies[0] = memory(768 * MIB, 3, 768 * MIB, NULL);
	replies[1] = json_pack("{s:{}}", "return");
	for (i = 0; i < n && i < NR - 2; i++) {
		replies[2 + i] = looks[i];
		aft[2 + i] = after ? after[i] : "";
	}
	converse_seq(r, sock, argv, replies, n + 2, reqs, aft);
	ok = req_is(reqs[1], "set-memory", "{\"size\": 268435456}") &&
	     req_is(reqs[2], "query-memory", NULL);
	for (i = 0; i < n + 2; i++)
		json_decref(reqs[i]);
	return ok;
}

#define J(...)	((json_t *[]){ __VA_ARGS__ })

static void test_stages(void)
{
	struct run r;
	json_t *out;
	bool ok;

	/* The report is there at the first look after the target. */
	ok = converse_stages(&r, S("set", "256M", "--wait", "--stages"),
			     J(memory(256 * MIB, 4, 256 * MIB, stages()),
			       memory(256 * MIB, 4, 256 * MIB, stages())), 2, NULL);
	run_ok(&r, ok && r.status == 0 &&
	       has(r.out, "where the time went: 9.000 ms in the guest, 2 steps, after 50.000 ms queued") &&
	       has(r.out, "host calls          4.000 ms   44.4%  2 calls") &&
	       has(r.out, "  zhostd            1.500 ms   16.7%  2 calls") &&
	       has(r.out, "  VMRPC             2.500 ms   27.8%  round trips") &&
	       has(r.out, "isolate             1.000 ms   11.1%") &&
	       has(r.out, "watermarks          0.250 ms    2.8%") &&
	       has(r.out, "other               1.250 ms   13.9%") &&
	       has(r.out, "host frees after its answers: 6.000 ms, of which the report waited 0.750 ms"),
	       "--stages: one line per stage with ms and share, zhostd and VMRPC apart, the host's frees, exit 0");
	run_free(&r);

	/*
	 * The guest turned idle before its report: an old report, then
	 * RESIZE_DONE wakes the wait and the next look has it.
	 */
	ok = converse_stages(&r, S("shrink", "512M", "--wait", "--stages"),
			     J(memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 4, 256 * MIB, stages())), 3,
			     S("", "", EVENT("RESIZE_DONE"), ""));
	run_ok(&r, ok && r.status == 0 && has(r.out, "9.000 ms in the guest"),
	       "--stages: a report that comes after the guest is idle is waited for");
	run_free(&r);

	/* An older guest: a report without stages. */
	ok = converse_stages(&r, S("set", "256M", "--wait", "--stages"),
			     J(memory(256 * MIB, 4, 256 * MIB, NULL),
			       memory(256 * MIB, 4, 256 * MIB, NULL)), 2, NULL);
	run_ok(&r, ok && r.status == 0 &&
	       has(r.out, "stages: the guest sent none (its kernel is older than VMRPC ABI 1.7)") &&
	       !has(r.out, "where the time went"),
	       "--stages with a guest that sends none: says so, exit 0");
	run_free(&r);

	/* No report of this resize within --timeout (only the old one). */
	ok = converse_stages(&r, S("set", "256M", "--wait", "--timeout", "0.6",
				   "--stages"),
			     J(memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL),
			       memory(256 * MIB, 3, 768 * MIB, NULL)), 6, NULL);
	run_ok(&r, ok && r.status == 0 &&
	       has(r.out, "stages: no report of this resize from the guest within"),
	       "--stages with no report in time: says so, exit 0");
	run_free(&r);

	/* --json: the stages in the output. */
	ok = converse_stages(&r, S("--json", "set", "256M", "--wait", "--stages"),
			     J(memory(256 * MIB, 4, 256 * MIB, stages()),
			       memory(256 * MIB, 4, 256 * MIB, stages())), 2, NULL);
	out = json_loads(r.out, 0, NULL);
	run_ok(&r, ok && r.status == 0 &&
	       json_integer_value(json_object_get(json_object_get(out, "stages"),
						  "vmrpc_us")) == 2500 &&
	       json_integer_value(json_object_get(out, "plugged")) == 256 * MIB,
	       "--json --stages: the last query-memory with \"stages\"");
	json_decref(out);
	run_free(&r);

	ok = converse_stages(&r, S("--json", "set", "256M", "--wait", "--stages"),
			     J(memory(256 * MIB, 4, 256 * MIB, NULL),
			       memory(256 * MIB, 4, 256 * MIB, NULL)), 2, NULL);
	out = json_loads(r.out, 0, NULL);
	run_ok(&r, ok && r.status == 0 && json_is_null(json_object_get(out, "stages")),
	       "--json --stages without stages: \"stages\": null, exit 0");
	json_decref(out);
	run_free(&r);
}

int main(void)
{
	const struct usage_case bad[] = {
		{ S("set", "1G", "--stages"), "--stages goes with --wait" },
	};

	if (!fake_zhostd_begin("balloon-ctl-stages", 60))
		return 1;
	tap_plan(7);
	test_stages();
	usage_errors(bad, sizeof(bad) / sizeof(bad[0]));
	fake_zhostd_cleanup();
	free(child_env);
	return tap_done();
}
