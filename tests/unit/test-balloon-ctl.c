// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl, the real program (a sanitized build), against a fake zhostd
 * played by this test: the requests it sends for each command, its text and
 * --json output, events and other clients' replies skipped while it waits,
 * error replies, bad greetings, sockets missing, refused or forbidden,
 * timeouts, and usage errors that must not even connect.
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#include "fake-zhostd.h"

#define BIG_TEXT	(300 * 1024)	/* over the client's first buffers */

/* Everything the test creates, removed by cleanup() even on timeout. */
static char vmdir[TPATH];		/* rundir/zonehost, the default VM */
static char vmsock[TPATH];		/* vmdir/zhostd.sock */
static char stale[TPATH];		/* a socket nobody listens on */
static char plainfile[TPATH];	/* not a socket */

/* Async-signal-safe: tap_timeout() calls it too. */
static void cleanup(void)
{
	if (child > 0)
		kill(child, SIGKILL);
	unlink(sock);
	unlink(vmsock);
	unlink(stale);
	unlink(plainfile);
	rmdir(vmdir);
	rmdir(rundir);
	rmdir(tmpdir);
}

/* ---- the tests --------------------------------------------------------- */

static json_t *status_reply(void)
{
	return json_pack("{s:{s:s, s:i, s:I, s:I, s:b, s:b, s:s, s:n, "
			 "s:{s:{s:i, s:i}, s:i, s:i, s:i, s:i, s:i}, s:{"
			 "s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}}}",
			 "return", "name", "vm1", "pid", 4242,
			 "bar_size", (json_int_t)1 << 30,
			 "memfd_allocated", (json_int_t)12800 * 1024,
			 "qemu_connected", 1, "guest_ready", 0,
			 "abi", "1.0", "guest_abi",
			 "suppressed", "limit", "burst", 20, "per_second", 5,
			 "memory_changed", 0, "guest_asked", 1980,
			 "resize_done", 0, "driver", 3, "total", 1983,
			 "stats", "g2h_calls", 7, "g2h_errors", 0,
			 "g2h_malformed", 0, "h2g_calls", 12, "h2g_errors", 1,
			 "h2g_timeouts", 0, "h2g_malformed", 0,
			 "h2g_in_flight", 0, "g2h_in_flight", 0,
			 "connects", 1, "refused", 0);
}

static void test_status(void)
{
	static const char want[] =
		"name:            vm1\n"
		"pid:             4242\n"
		"bar size:        1.0 GiB\n"
		"memfd allocated: 12.5 MiB\n"
		"qemu connected:  yes\n"
		"guest ready:     no\n"
		"host abi:        1.0\n"
		"guest abi:       none\n"
		"suppressed:      1983 guest events (limit 20 at once, then 5/s), guest_asked 1980, driver 3\n"
		"stats:\n"
		"  g2h_calls:     7\n"
		"  g2h_errors:    0\n"
		"  g2h_malformed: 0\n"
		"  h2g_calls:     12\n"
		"  h2g_errors:    1\n"
		"  h2g_timeouts:  0\n"
		"  h2g_malformed: 0\n"
		"  h2g_in_flight: 0\n"
		"  g2h_in_flight: 0\n"
		"  connects:      1\n"
		"  refused:       0\n";
	json_t *req, *reply = status_reply();
	struct run r;

	tap_diag("[RUN] status");
	converse(&r, sock, S("-s", sock, "-t", "3", "status"), &req, "",
		 json_deep_copy(reply));
	tap_ok(req_is(req, "query-status", NULL), "status sends query-status");
	run_ok(&r, r.status == 0 && !strcmp(r.out, want) && !*r.err,
	       "status prints aligned lines, sizes, yes/no, what was suppressed and the stats");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "--json", "status"), &req,
		 "", json_deep_copy(reply));
	run_ok(&r, r.status == 0 &&
	       json_out_is(r.out, json_object_get(reply, "return")),
	       "status --json prints the return object, sorted and indented");
	json_decref(req);
	run_free(&r);
	json_decref(reply);
}

/* meminfo, vmstat, loadavg, cpuinfo: the text verbatim, or --json. */
static void test_guest_text(void)
{
	static const char *const cmds[] = { "meminfo", "vmstat", "loadavg",
					    "cpuinfo" };
	char execute[32], text[128];
	json_t *req, *reply;
	struct run r;

	tap_diag("[RUN] guest text commands");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(execute, sizeof(execute), "guest-%s", cmds[i]);
		/* Tabs, a quote and no final newline: printed as they are. */
		snprintf(text, sizeof(text),
			 "%s line 1:\t 42 kB\n\"quoted\"\nlast line, no newline",
			 cmds[i]);
		reply = json_pack("{s:{s:s, s:{s:i}}}", "return", "text", text,
				  "fields", "x", 42);
		converse(&r, sock, S("-s", sock, "-t", "3", "guest", cmds[i]),
			 &req, "", reply);
		tap_ok(req_is(req, execute, NULL), "guest %s sends %s",
		       cmds[i], execute);
		run_ok(&r, r.status == 0 && !strcmp(r.out, text),
		       "guest %s prints the guest's text exactly", cmds[i]);
		json_decref(req);
		run_free(&r);
	}

	/* --json after the command, as scripts tend to write it. */
	reply = json_pack("{s:{s:s, s:{s:I, s:I}}}", "return",
			  "text", "MemTotal: 1 kB\n", "fields",
			  "MemTotal", (json_int_t)1024, "MemFree", (json_int_t)0);
	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "meminfo",
			     "--json"), &req, "", json_deep_copy(reply));
	run_ok(&r, r.status == 0 &&
	       json_out_is(r.out, json_object_get(reply, "return")),
	       "guest meminfo --json (after the command) prints the return object");
	json_decref(req);
	json_decref(reply);
	run_free(&r);
}

static void test_guest_ping_drop(void)
{
	json_t *req;
	struct run r;

	tap_diag("[RUN] guest ping and drop-caches");
	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "ping", "--size",
			     "4K"), &req, "",
		 json_pack("{s:{s:i}}", "return", "rtt_ns", 412345));
	tap_ok(req_is(req, "guest-ping", "{\"size\": 4096}"),
	       "guest ping --size 4K sends guest-ping with size 4096");
	run_ok(&r, r.status == 0 &&
	       !strcmp(r.out, "guest answered in 0.412 ms\n"),
	       "guest ping prints the round trip in ms");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "ping"), &req, "",
		 json_pack("{s:{s:I}}", "return", "rtt_ns",
			   (json_int_t)2500000000));
	run_ok(&r, req_is(req, "guest-ping", NULL) && r.status == 0 &&
	       !strcmp(r.out, "guest answered in 2.500 s\n"),
	       "guest ping without --size sends no arguments; seconds when slow");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "drop-caches",
			     "3"), &req, "", json_pack("{s:{}}", "return"));
	tap_ok(req_is(req, "guest-drop-caches", "{\"level\": 3}"),
	       "guest drop-caches 3 sends level 3");
	run_ok(&r, r.status == 0 && !*r.out && !*r.err,
	       "guest drop-caches is silent on success");
	json_decref(req);
	run_free(&r);
}


/* A query-memory reply: host plugged and requested, guest state. */
static json_t *memory_reply(long long requested, long long plugged,
			    const char *state, long long grequested,
			    const char *reason)
{
	return json_pack("{s:{s:I, s:I, s:{s:I, s:I, s:s, s:s}}}", "return",
			 "requested", (json_int_t)requested,
			 "plugged", (json_int_t)plugged, "guest",
			 "plugged", (json_int_t)plugged,
			 "requested", (json_int_t)grequested,
			 "state", state, "reason", reason);
}

#define MIB	(1024LL * 1024)

/*
 * balloon-ctl @verb @size against a guest at 256 MiB, idle: it must ask
 * zhostd's set-memory with @want (its arguments) and exit 0.
 */
static void resize_sends(const char *verb, const char *size, const char *want,
			 const char *what)
{
	json_t *replies[2], *reqs[2];
	struct run r;

	replies[0] = memory_reply(256 * MIB, 256 * MIB, "idle", 256 * MIB, "reached");
	replies[1] = json_pack("{s:{}}", "return");
	converse_seq(&r, sock, S("-s", sock, "-t", "3", verb, size),
		     replies, 2, reqs, NULL);
	run_ok(&r, r.status == 0 && req_is(reqs[1], "set-memory", want),
	       "%s", what);
	json_decref(reqs[0]);
	json_decref(reqs[1]);
	run_free(&r);
}

/* A list of replies, for wait_case(). */
#define J(...)	((json_t *[]){ __VA_ARGS__ })

/*
 * balloon-ctl -s SOCK -t 3 @args (a resize with --wait) against a guest at
 * 256 MiB, idle: after query-memory and set-memory, zhostd answers the
 * @n query-memory of the wait with @looks (consumed), each followed by
 * @after[i] (events; NULL: none), then closes. It must exit @status with
 * @err (NULL: anything) in its stderr.
 */
static void wait_case(const char *const *args, json_t **looks, int n,
		      const char *const *after, int status, const char *err,
		      const char *what)
{
	const char *argv[16] = { "-s", sock, "-t", "3" }, *aft[8] = { "", "" };
	json_t *replies[8], *reqs[8];
	struct run r;
	int i, argc = 4;

	for (i = 0; args[i] && argc < 15; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	replies[0] = memory_reply(256 * MIB, 256 * MIB, "idle", 256 * MIB, "reached");
	replies[1] = json_pack("{s:{}}", "return");
	for (i = 0; i < n && i < 6; i++) {
		replies[2 + i] = looks[i];
		aft[2 + i] = after ? after[i] : "";
	}
	converse_seq(&r, sock, argv, replies, n + 2, reqs, aft);
	run_ok(&r, r.status == status && (!err || has(r.err, err)) &&
	       req_is(reqs[n + 1], "query-memory", NULL),
	       "%s", what);
	for (i = 0; i < n + 2; i++)
		json_decref(reqs[i]);
	run_free(&r);
}

static void test_resize(void)
{
	json_t *replies[5], *reqs[5];
	struct run r;
	int i;

	tap_diag("[RUN] set, grow, shrink, check");
	replies[0] = memory_reply(256 * MIB, 256 * MIB, "idle", 256 * MIB, "reached");
	replies[1] = json_pack("{s:{s:I, s:I, s:b}}", "return",
			       "requested", (json_int_t)(768 * MIB),
			       "plugged", (json_int_t)(256 * MIB),
			       "guest_notified", 1);
	converse_seq(&r, sock, S("-s", sock, "-t", "3", "set", "768M"),
		     replies, 2, reqs, NULL);
	run_ok(&r, r.status == 0 && req_is(reqs[0], "query-memory", NULL) &&
	       req_is(reqs[1], "set-memory", "{\"size\": 805306368}") &&
	       !strcmp(r.out, "requested 768.0 MiB\n"),
	       "set 768M sends set-memory with the size in bytes, returns at once");
	for (i = 0; i < 2; i++)
		json_decref(reqs[i]);
	run_free(&r);

	resize_sends("grow", "128M", "{\"size\": 402653184}",
		     "grow 128M asks for the requested size plus 128 MiB");
	/* zhostd's size grammar (tests/unit/sizes.txt): T and KiB-style units. */
	resize_sends("set", "1TiB", "{\"size\": 1099511627776}",
		     "set 1TiB asks for 2^40 bytes, as zhostd --max 1TiB means");

	/* The event after the third reply is what makes it look again. */
	replies[0] = memory_reply(768 * MIB, 768 * MIB, "idle", 768 * MIB, "reached");
	replies[1] = json_pack("{s:{}}", "return");
	replies[2] = memory_reply(256 * MIB, 512 * MIB, "resizing", 256 * MIB, "reached");
	replies[3] = memory_reply(256 * MIB, 256 * MIB, "idle", 256 * MIB, "reached");
	converse_seq(&r, sock, S("-s", sock, "-t", "3", "shrink", "512M",
				 "--wait"), replies, 4, reqs,
		     S("", "", EVENT("MEMORY_CHANGED") EVENT("RESIZE_DONE"), ""));
	run_ok(&r, r.status == 0 &&
	       req_is(reqs[0], "query-memory", NULL) &&
	       req_is(reqs[1], "set-memory", "{\"size\": 268435456}") &&
	       req_is(reqs[2], "query-memory", NULL) &&
	       req_is(reqs[3], "query-memory", NULL) &&
	       !strcmp(r.out, "plugged 512.0 MiB of 256.0 MiB\n"
			      "plugged 256.0 MiB of 256.0 MiB\n"),
	       "shrink 512M --wait on one connection: the events wake it, a line per change, exit 0");
	for (i = 0; i < 4; i++)
		json_decref(reqs[i]);
	run_free(&r);

	/* No event at all: it still looks again, and ends. */
	wait_case(S("set", "512M", "--wait"),
		  J(memory_reply(512 * MIB, 256 * MIB, "resizing", 512 * MIB, "reached"),
		    memory_reply(512 * MIB, 512 * MIB, "idle", 512 * MIB, "reached")),
		  2, NULL, 0, NULL,
		  "set --wait with no event comes back to look, reaches the size, exit 0");
	/* Done before the wait began, its event already sent: one look. */
	wait_case(S("set", "128M", "--wait"),
		  J(memory_reply(128 * MIB, 128 * MIB, "idle", 128 * MIB, "reached")),
		  1, NULL, 0, NULL,
		  "a resize over before the first look: exit 0");
	wait_case(S("set", "0", "--wait"),
		  J(memory_reply(0, 72 * MIB, "stuck", 0, "floor")), 1, NULL, 5,
		  "stopped at 72.0 MiB of 0 B: floor",
		  "a guest that stops short: exit 5 and the reason");
	/* Someone else asks for another size meanwhile. */
	wait_case(S("set", "512M", "--wait"),
		  J(memory_reply(768 * MIB, 300 * MIB, "resizing", 768 * MIB, "reached")),
		  1, NULL, 6,
		  "superseded at 300.0 MiB of 512.0 MiB: zhostd now requests 768.0 MiB",
		  "another size requested meanwhile: exit 6, says which");
	/* zhostd goes away during the wait: no reply after the first look. */
	wait_case(S("set", "512M", "--wait"),
		  J(memory_reply(512 * MIB, 256 * MIB, "resizing", 512 * MIB, "reached")),
		  1, S(EVENT("MEMORY_CHANGED")), 3, "zhostd closed the connection",
		  "zhostd gone during the wait: exit 3, says so");
	/* --timeout while the guest makes no progress and sends nothing. */
	wait_case(S("set", "512M", "--wait", "--timeout", "0.5"),
		  J(memory_reply(512 * MIB, 256 * MIB, "resizing", 512 * MIB, "reached"),
		    memory_reply(512 * MIB, 256 * MIB, "resizing", 512 * MIB, "reached")),
		  2, NULL, 4, "timed out at 256.0 MiB of 512.0 MiB (guest resizing)",
		  "--timeout passes with no event: exit 4");

	converse(&r, sock, S("-s", sock, "-t", "3", "check"), &reqs[0], "",
		 json_pack("{s:{s:b, s:I, s:I, s:I, s:I, s:I}}", "return",
			   "consistent", 1, "plugged", (json_int_t)(256 * MIB),
			   "guest_plugged", (json_int_t)(256 * MIB),
			   "backed", (json_int_t)(100 * MIB),
			   "map_differences", (json_int_t)0,
			   "unplugged_backed", (json_int_t)0));
	run_ok(&r, r.status == 0 && req_is(reqs[0], "check-memory", NULL) &&
	       has(r.out, "consistent: zhostd has 256.0 MiB plugged, the guest 256.0 MiB"),
	       "check: consistent, exit 0");
	json_decref(reqs[0]);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "check"), &reqs[0], "",
		 json_pack("{s:{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "return",
			   "consistent", 0, "plugged", (json_int_t)(256 * MIB),
			   "guest_plugged", (json_int_t)(254 * MIB),
			   "backed", (json_int_t)(100 * MIB),
			   "map_differences", (json_int_t)1,
			   "first_difference", (json_int_t)7,
			   "unplugged_backed", (json_int_t)(2 * MIB),
			   "first_backed_unplugged", (json_int_t)9));
	run_ok(&r, r.status == 5 && has(r.out, "INCONSISTENT") &&
	       has(r.out, "1 subblocks differ between the maps, the first is 7") &&
	       has(r.out, "2.0 MiB of host memory behind unplugged subblocks, from subblock 9"),
	       "check: a difference is shown, exit 5");
	json_decref(reqs[0]);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "set", "1G", "--timeout", "5"), &reqs[0],
		 "", NULL);
	run_ok(&r, r.status == 2 && !reqs[0], "--timeout without --wait: usage error, nothing sent");
	json_decref(reqs[0]);
	run_free(&r);
}

/* The memory guard: enforce, and its counters in status. */
static void test_enforce(void)
{
	json_t *req, *reply;
	struct run r;

	tap_diag("[RUN] enforce, and violations in status");
	converse(&r, sock, S("-s", sock, "-t", "3", "enforce"), &req, "",
		 json_pack("{s:{s:b, s:b, s:i, s:i, s:i, s:I, s:I, s:s, s:b, s:s, s:i, s:I}}",
			   "return", "found", 1, "complete", 1, "first", 10,
			   "last", 12, "subblocks", 3,
			   "bytes", (json_int_t)(6 * MIB),
			   "control_bytes", (json_int_t)(1 * MIB),
			   "action", "stop", "stopped", 0,
			   "error", "cannot connect to QEMU's QMP socket",
			   "violations", 4, "reclaimed", (json_int_t)(9 * MIB)));
	run_ok(&r, r.status == 5 && req_is(req, "enforce-memory", NULL) &&
	       has(r.out, "VIOLATION: the guest used host memory it never plugged") &&
	       has(r.out, "6.0 MiB behind 3 unplugged subblocks, 10 to 12") &&
	       has(r.out, "1.0 MiB in the unused part of the control area") &&
	       has(r.out, "cannot pause the VM: cannot connect") &&
	       has(r.out, "violations so far: 4, 9.0 MiB reclaimed"),
	       "enforce sends enforce-memory, shows what was freed, exits 5");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "enforce"), &req, "",
		 json_pack("{s:{s:b, s:b, s:n, s:n, s:i, s:i, s:i, s:s, s:b, s:n, s:i, s:I}}",
			   "return", "found", 0, "complete", 1, "first", "last",
			   "subblocks", 0, "bytes", 0, "control_bytes", 0,
			   "action", "punch", "stopped", 0, "error",
			   "violations", 4, "reclaimed", (json_int_t)(9 * MIB)));
	run_ok(&r, r.status == 0 &&
	       has(r.out, "no host memory behind unplugged subblocks\n"),
	       "enforce on a clean guest: exit 0");
	json_decref(req);
	run_free(&r);

	reply = json_pack("{s:{s:s, s:{s:I, s:I, s:I, s:i, s:I, s:s}}}", "return",
			  "name", "vm1", "memory",
			  "requested", (json_int_t)(64 * MIB),
			  "plugged", (json_int_t)(64 * MIB),
			  "backed", (json_int_t)(10 * MIB),
			  "violations", 4, "reclaimed", (json_int_t)(9 * MIB),
			  "on_violation", "punch");
	converse(&r, sock, S("-s", sock, "-t", "3", "status"), &req, "", reply);
	run_ok(&r, r.status == 0 && has(r.out, "  violations:") &&
	       has(r.out, "  reclaimed from violations: 9.0 MiB\n") &&
	       has(r.out, "  on violation:              punch\n"),
	       "status shows the violations, what they cost, the action");
	json_decref(req);
	run_free(&r);
}

/* Events, other ids, unknown kinds of messages: skipped, in any number. */
static void test_skip_and_ids(void)
{
	static const char events[] =
		EVENT("QEMU_CONNECTED")
		"\n"
		EVENT("GUEST_READY")
		"{\"kind-from-the-future\": true}\n"
		EVENT("GUEST_GONE");
	static const char others[] =
		"{\"return\": {\"text\": \"not yours\\n\"}, \"id\": \"other-1\"}\n"
		"{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 17}\n";
	json_t *req;
	char *big;
	struct run r;

	tap_diag("[RUN] events and replies to other ids");
	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "meminfo"), &req,
		 events, json_pack("{s:{s:s}}", "return", "text", "mine\n"));
	run_ok(&r, r.status == 0 && !strcmp(r.out, "mine\n"),
	       "events (and a blank line, an unknown message) before the reply are skipped");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "meminfo"), &req,
		 others, json_pack("{s:{s:s}}", "return", "text", "mine\n"));
	run_ok(&r, r.status == 0 && !strcmp(r.out, "mine\n"),
	       "replies and errors bearing another id are skipped");
	json_decref(req);
	run_free(&r);

	/* zhostd cannot echo the id of a request it could not parse. */
	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "meminfo"), &req,
		 "{\"return\": {\"text\": \"no id\\n\"}}\n", NULL);
	run_ok(&r, r.status == 0 && !strcmp(r.out, "no id\n"),
	       "a reply without an id is taken as ours");
	json_decref(req);
	run_free(&r);

	/* A reply far over the client's first buffer sizes. */
	big = malloc(BIG_TEXT + 1);
	for (size_t i = 0; i < BIG_TEXT; i++)
		big[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	big[BIG_TEXT] = '\0';
	converse(&r, sock, S("-s", sock, "-t", "5", "guest", "vmstat"), &req,
		 EVENT("GUEST_READY"),
		 json_pack("{s:{s:s}}", "return", "text", big));
	run_ok(&r, r.status == 0 && !strcmp(r.out, big),
	       "a %d KiB reply arrives whole", BIG_TEXT / 1024);
	json_decref(req);
	run_free(&r);
	free(big);
}

static void test_error_reply(void)
{
	json_t *req;
	struct run r;

	tap_diag("[RUN] error replies");
	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "meminfo"), &req,
		 EVENT("QEMU_DISCONNECTED"),
		 json_pack("{s:{s:s, s:s}}", "error",
			   "class", "GuestNotConnected",
			   "desc", "no guest driver is bound"));
	run_ok(&r, r.status == 1 && !*r.out &&
	       !strcmp(r.err, "balloon-ctl: guest not connected (GuestNotConnected): no guest driver is bound\n"),
	       "an error reply exits 1 with the class in words and as given");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "guest", "ping"), &req, "",
		 json_pack("{s:{s:s, s:s}}", "error", "class", "SomethingNew",
			   "desc", "a class from a newer zhostd"));
	run_ok(&r, r.status == 1 && has(r.err, "(SomethingNew): a class from a newer zhostd"),
	       "an unknown error class still exits 1 with the class shown");
	json_decref(req);
	run_free(&r);
}

/* A peer that is not zhostd, or a zhostd that hangs up. */
static void test_greeting(void)
{
	static const struct {
		const char *greeting;
		size_t len;		/* 0: strlen(greeting) */
		const char *what;
	} bad[] = {
		{ "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n", 0,
		  "QEMU's QMP greeting" },
		{ "{\"zhostd\": \"0.1\"}\n", 0, "a zhostd member not an object" },
		{ "[1, 2]\n", 0, "a JSON array" },
		/* zhostd's ivshmem socket: binary, never a newline. */
		{ "\x01\0\0\0\0\0\0\0", 8, "binary data without a newline" },
	};
	struct fake f;
	struct run r;

	tap_diag("[RUN] greeting");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!fake_listen(&f, sock, 4) ||
		    !run_start(&r, false, S("-s", sock, "-t", "5", "status")))
			break;
		if (fake_accept(&f))
			fake_send(&f, bad[i].greeting,
				  bad[i].len ? bad[i].len :
				  strlen(bad[i].greeting));
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "not a zhostd socket") &&
		       r.secs < 3, "greeting with %s: exit 3, not a zhostd socket, at once",
		       bad[i].what);
		run_free(&r);
		fake_close(&f);
	}

	/* What a client zhostd refuses (SO_PEERCRED) sees. */
	if (fake_listen(&f, sock, 4) &&
	    run_start(&r, false, S("-s", sock, "-t", "3", "status"))) {
		if (fake_accept(&f))
			close(f.cfd);
		f.cfd = -1;
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "before greeting"),
		       "closed before the greeting: exit 3");
		run_free(&r);
	}
	fake_close(&f);

	if (fake_listen(&f, sock, 4) &&
	    run_start(&r, false, S("-s", sock, "-t", "3", "status"))) {
		json_t *req = NULL;

		if (fake_accept(&f)) {
			fake_puts(&f, GREETING);
			req = fake_request(&f);
			fake_puts(&f, EVENT("SHUTDOWN"));
			close(f.cfd);
			f.cfd = -1;
		}
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "closed the connection") &&
		       has(r.err, "query-status"),
		       "closed before the reply: exit 3");
		run_free(&r);
		json_decref(req);
	}
	fake_close(&f);

	if (fake_listen(&f, sock, 4) &&
	    run_start(&r, false, S("-s", sock, "-t", "3", "status"))) {
		if (fake_accept(&f)) {
			fake_puts(&f, GREETING);
			json_decref(fake_request(&f));
			fake_puts(&f, "{\"return\": {}, \"id\": \n");
		}
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "malformed JSON"),
		       "a malformed reply: exit 3");
		run_free(&r);
	}
	fake_close(&f);
	unlink(sock);
}

/* Each way of not reaching zhostd has its own message. */
static void test_unreachable(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct fake f;
	struct run r;
	int fd;

	tap_diag("[RUN] unreachable");
	if (run_start(&r, false, S("-n", "ghost", "-t", "3", "status"))) {
		char want[PATH_MAX + 64];

		snprintf(want, sizeof(want),
			 "no VM named 'ghost' (no zhostd socket at %s/ghost/zhostd.sock)",
			 rundir);
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, want),
		       "-n of a VM with no socket: exit 3, no VM named");
		run_free(&r);
	}

	/* A socket file left behind by a dead zhostd. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && sun_set(&sa, stale) &&
	    !bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		close(fd);
	if (run_start(&r, false, S("-s", stale, "-t", "3", "status"))) {
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "connection refused"),
		       "a stale socket: exit 3, connection refused");
		run_free(&r);
	}

	fd = open(plainfile, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	if (run_start(&r, false, S("-s", plainfile, "-t", "3", "status"))) {
		run_wait(&r);
		run_ok(&r, r.status == 3 && has(r.err, "is not a socket"),
		       "a plain file: exit 3, not a socket");
		run_free(&r);
	}

	/* zhostd's socket is 0600: another user may not connect. */
	if (fake_listen(&f, sock, 4)) {
		bool root = geteuid() == 0;

		/* As root, become nobody: root passes any permission check. */
		if (!root)
			chmod(sock, 0);
		chmod(tmpdir, 0711);
		if (run_start(&r, root, S("-s", sock, "-t", "3", "status"))) {
			run_wait(&r);
			if (r.status == 125 || r.status == 126)
				tap_skip("cannot run it as another user",
					 "permission denied: exit 3");
			else
				run_ok(&r, r.status == 3 &&
				       has(r.err, "permission denied") &&
				       !fake_pending(&f),
				       "permission denied: exit 3, its own message");
			run_free(&r);
		}
		chmod(tmpdir, 0700);
	}
	fake_close(&f);
	unlink(sock);
}

static void test_timeouts(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *req = NULL;
	struct fake f;
	struct run r;
	int filler;

	tap_diag("[RUN] timeouts");
	/* Greets, takes the request, never answers. */
	if (fake_listen(&f, sock, 4) &&
	    run_start(&r, false, S("-s", sock, "-t", "0.3", "guest", "ping"))) {
		if (fake_accept(&f)) {
			fake_puts(&f, GREETING);
			req = fake_request(&f);
			fake_puts(&f, EVENT("GUEST_READY"));
		}
		run_wait(&r);
		run_ok(&r, r.status == 4 && has(r.err, "timed out") &&
		       has(r.err, "guest-ping") && r.secs >= 0.25 && r.secs < 2.5,
		       "no reply: exit 4 after -t 0.3");
		run_free(&r);
		json_decref(req);
	}
	fake_close(&f);

	/* Accepted by the kernel, never greeted. */
	if (fake_listen(&f, sock, 4) &&
	    run_start(&r, false, S("-s", sock, "-t", "0.3", "status"))) {
		run_wait(&r);
		run_ok(&r, r.status == 4 && has(r.err, "greeting") &&
		       r.secs < 2.5, "no greeting: exit 4");
		run_free(&r);
	}
	fake_close(&f);

	/* Backlog 0 holds one connection; the next connect() blocks. */
	filler = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fake_listen(&f, sock, 0) && filler >= 0 && sun_set(&sa, sock) &&
	    !connect(filler, (struct sockaddr *)&sa, sizeof(sa)) &&
	    run_start(&r, false, S("-s", sock, "-t", "0.3", "status"))) {
		run_wait(&r);
		run_ok(&r, r.status == 4 && has(r.err, "connecting") &&
		       r.secs < 2.5, "listen backlog full: exit 4 connecting");
		run_free(&r);
	}
	if (filler >= 0)
		close(filler);
	fake_close(&f);
	unlink(sock);
}

/* Usage errors: exit 2, and zhostd never sees a connection. */
static void test_usage(void)
{
	/* Not static: compound literals in a function are automatic. */
	const struct usage_case bad[] = {
		{ S("guest", "drop-caches", "7"), "bad level '7'" },
		{ S("guest", "drop-caches", "33"), "bad level '33'" },
		{ S("guest", "drop-caches"), "LEVEL missing" },
		{ S("guest", "drop-caches", "1", "2"), "unexpected argument '2'" },
		{ S("frobnicate"), "unknown command 'frobnicate'" },
		{ S("guest"), "'guest' needs a command" },
		{ S("guest", "pong"), "unknown guest command 'pong'" },
		{ S("guest", "ping", "--size"), "--size needs a value" },
		{ S("guest", "ping", "--size", "-1"), "bad size '-1'" },
		{ S("guest", "ping", "--size=12Q"), "bad size '12Q'" },
		{ S("status", "now"), "unexpected argument 'now'" },
		{ S("-t", "0", "status"), "bad timeout '0'" },
		{ S("-t", "inf", "status"), "bad timeout 'inf'" },
		{ S("-n", "vm1", "status"), "-n and -s" },
		{ S("--bogus", "status"), "unrecognized option" },
	};
	struct run r;

	tap_diag("[RUN] usage errors");
	usage_errors(bad, sizeof(bad) / sizeof(bad[0]));

	if (run_start(&r, false, S("-n", "no/slash", "status"))) {
		run_wait(&r);
		run_ok(&r, r.status == 2 && has(r.err, "bad VM name"),
		       "a VM name that is not a directory name: exit 2");
		run_free(&r);
	}
}

static void test_help_and_default(void)
{
	json_t *req;
	struct run r;

	tap_diag("[RUN] help, version, the default VM");
	if (run_start(&r, false, S("--help"))) {
		run_wait(&r);
		run_ok(&r, r.status == 0 && has(r.out, "guest drop-caches LEVEL") &&
		       has(r.out, "Exit status"), "--help lists the commands");
		run_free(&r);
	}
	if (run_start(&r, false, S("guest", "ping", "--help"))) {
		run_wait(&r);
		run_ok(&r, r.status == 0 && has(r.out, "guest ping [--size BYTES]") &&
		       has(r.out, "guest-ping"), "COMMAND --help shows its usage");
		run_free(&r);
	}
	if (run_start(&r, false, S("--version"))) {
		run_wait(&r);
		run_ok(&r, r.status == 0 && !strncmp(r.out, "balloon-ctl ", 12),
		       "--version");
		run_free(&r);
	}

	/* Neither -n nor -s: ZHOST_RUNTIME_DIR/zonehost/zhostd.sock. */
	if (mkdir(rundir, 0700) || mkdir(vmdir, 0700)) {
		tap_skip(strerror(errno), "the default VM's socket");
		return;
	}
	converse(&r, vmsock, S("-t", "3", "guest", "loadavg"), &req, "",
		 json_pack("{s:{s:s}}", "return", "text", "0.00 0.01 0.05 1/80 99\n"));
	run_ok(&r, r.status == 0 && !strcmp(r.out, "0.00 0.01 0.05 1/80 99\n"),
	       "without -n or -s: $ZHOST_RUNTIME_DIR/zonehost/zhostd.sock");
	json_decref(req);
	run_free(&r);
	rmdir(vmdir);
	rmdir(rundir);
}

int main(void)
{
	if (!fake_zhostd_dirs("balloon-ctl-test"))
		return 1;
	snprintf(vmdir, sizeof(vmdir), "%s/run/zonehost", tmpdir);
	snprintf(vmsock, sizeof(vmsock), "%s/run/zonehost/zhostd.sock", tmpdir);
	snprintf(stale, sizeof(stale), "%s/stale.sock", tmpdir);
	snprintf(plainfile, sizeof(plainfile), "%s/file", tmpdir);
	tap_timeout(90, cleanup);

	if (!find_bctl() || !make_env()) {
		printf("Bail out! no balloon-ctl to test (%s)\n", bctl);
		cleanup();
		return 1;
	}
	tap_diag("testing %s", bctl);
	tap_plan(73);

	test_status();
	test_guest_text();
	test_guest_ping_drop();
	test_resize();
	test_enforce();
	test_skip_and_ids();
	test_error_reply();
	test_greeting();
	test_unreachable();
	test_timeouts();
	test_usage();
	test_help_and_default();

	cleanup();
	free(child_env);
	return tap_done();
}
