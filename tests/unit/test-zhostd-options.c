// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's command line (mm-host/options.c): the defaults, every option,
 * the paths that default into RUNTIME/NAME/, --help and --version, each
 * bad value, VM name and unknown option refused with its message and the
 * options left untouched, and the policy's checks against the shared
 * memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"
#include "control.h"
#include "options.h"
#include "vm-paths.h"
#include "zhostd.h"

#define MIB		(1ULL << 20)
#define MAX_ARGS	80

/* A writable argv (getopt_long() may reorder it) from a NULL-ended list. */
struct args {
	int argc;
	char *argv[MAX_ARGS];
};

static void args_make(struct args *a, const char *const *words)
{
	a->argc = 0;
	a->argv[a->argc++] = strdup("zhostd");
	for (; *words && a->argc < MAX_ARGS - 1; words++)
		a->argv[a->argc++] = strdup(*words);
	a->argv[a->argc] = NULL;
}

static void args_free(struct args *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

static char msg[ZHOSTD_OPTIONS_MSG_MAX];

static enum zhostd_options_result parse(const char *const *words,
					struct zhostd_options *o)
{
	enum zhostd_options_result r;
	struct args a;

	args_make(&a, words);
	msg[0] = 0;
	r = zhostd_options_parse(a.argc, a.argv, o, msg, sizeof(msg));
	/* Strings that are not allocated point into argv: copy them first. */
	if (r == ZHOSTD_OPTIONS_RUN) {
		static char name[64], runtime[128], log_file[128];

		snprintf(name, sizeof(name), "%s", o->name);
		snprintf(runtime, sizeof(runtime), "%s", o->runtime_dir);
		o->name = name;
		o->runtime_dir = runtime;
		if (o->log_file) {
			snprintf(log_file, sizeof(log_file), "%s", o->log_file);
			o->log_file = log_file;
		}
	}
	args_free(&a);
	return r;
}

static bool str_is(const char *s, const char *want)
{
	return s && !strcmp(s, want);
}

/* Field by field: memcmp() would compare the padding too, which is garbage. */
static bool policy_eq(const struct zhostd_policy_params *a,
		      const struct zhostd_policy_params *b)
{
	return a->min == b->min && a->max == b->max && a->subblock == b->subblock &&
	       a->headroom == b->headroom &&
	       a->headroom_percent == b->headroom_percent &&
	       a->hysteresis == b->hysteresis && a->shrink_after == b->shrink_after &&
	       a->shrink_step == b->shrink_step &&
	       a->ask_holdoff_ns == b->ask_holdoff_ns;
}

static void test_defaults(void)
{
	struct zhostd_policy_params pd;
	struct zhostd_options o;
	bool ok;

	zhostd_policy_defaults(&pd, 0, 0);
	pd.ask_holdoff_ns = (int64_t)ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT * 1000000000;
	ok = parse((const char *[]){ NULL }, &o) == ZHOSTD_OPTIONS_RUN;
	tap_ok(ok, "no options: zhostd runs");
	if (!ok)
		return;
	tap_ok(str_is(o.name, ZHOSTD_NAME_DEFAULT) &&
	       str_is(o.runtime_dir, "/rt"),
	       "default name, runtime directory from $ZHOST_RUNTIME_DIR");
	tap_ok(str_is(o.socket_path, "/rt/zonehost/ivshmem.sock") &&
	       str_is(o.control_path, "/rt/zonehost/zhostd.sock") &&
	       str_is(o.qmp_path, "/rt/zonehost/qmp.sock") &&
	       o.cfg.socket_path == o.socket_path &&
	       o.guard.qmp_path == o.qmp_path,
	       "sockets default to RUNTIME/NAME/");
	tap_ok(!o.pid_file && !o.pid_in_vm_dir && !o.daemon && !o.log_file &&
	       o.log_level == ZLOG_INFO &&
	       o.on_disconnect == ZHOSTD_ON_DISCONNECT_WAIT,
	       "no pid file, no daemon, log to stderr at info, wait for QEMU");
	tap_ok(o.cfg.bar_size == VMRPC_HOST_BAR_SIZE_DEFAULT &&
	       o.cfg.nr_slots == VMRPC_NR_SLOTS_DEFAULT &&
	       o.cfg.slot_size == VMRPC_SLOT_SIZE_DEFAULT &&
	       o.cfg.workers == VMRPC_HOST_WORKERS_DEFAULT &&
	       !o.cfg.on_event &&
	       o.call_timeout_ms == ZHOSTD_CALL_TIMEOUT_MS_DEFAULT &&
	       o.max_clients == ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT,
	       "VMRPC geometry, call timeout and control client defaults");
	tap_ok(o.initial == 0 && o.max == UINT64_MAX && o.allow_ask &&
	       o.max_pinned == ZHOSTD_PIN_NO_CEILING && !o.lock_all,
	       "no memory at boot, max the data area, guest asks granted, pins unlimited, no lock-all");
	tap_ok(o.wss.interval_ms == ZHOSTD_WSS_INTERVAL_MS_DEFAULT &&
	       o.wss.history == ZHOSTD_WSS_HISTORY_DEFAULT && !o.wss.policy &&
	       policy_eq(&o.wss.params, &pd) &&
	       o.ask_holdoff_s == ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT,
	       "working set every 5 s, policy off with its default knobs");
	tap_ok(o.guard.interval_ms == ZHOSTD_CHECK_INTERVAL_MS_DEFAULT &&
	       o.guard.action == ZHOSTD_ON_VIOLATION_PUNCH,
	       "memory guard every 10 s, punch on violation");
	zhostd_options_free(&o);
}

static void test_every_option(void)
{
	const char *const words[] = {
		"--name", "vm1", "--runtime-dir", "/elsewhere",
		"--socket", "/s/iv.sock", "--control", "/s/ctl.sock",
		"--bar-size", "512M", "--slots", "8", "--slot-size", "8K",
		"--workers", "3", "--call-timeout", "750", "--max-clients", "5",
		"--on-disconnect", "exit", "--initial", "64M", "--max", "1T",
		"--guest-ask", "deny", "--max-pinned", "96M", "--lock-all",
		"--wss-interval", "0.25",
		"--wss-history", "10", "--policy", "auto", "--headroom", "32M",
		"--headroom-percent", "15", "--min", "16M",
		"--hysteresis", "8M", "--shrink-after", "4",
		"--shrink-step", "4M", "--ask-holdoff", "7",
		"--check-interval", "2.5", "--on-violation", "stop",
		"--qmp", "/s/qmp.sock", "--daemon", "--pid-file", "/s/z.pid",
		"--log-file", "/s/z.log", "--log-level", "debug", NULL,
	};
	struct zhostd_options o;
	bool ok;

	ok = parse(words, &o) == ZHOSTD_OPTIONS_RUN;
	tap_ok(ok, "every option at once: zhostd runs (%s)", msg);
	if (!ok)
		return;
	tap_ok(str_is(o.name, "vm1") && str_is(o.runtime_dir, "/elsewhere") &&
	       str_is(o.socket_path, "/s/iv.sock") &&
	       str_is(o.control_path, "/s/ctl.sock") &&
	       str_is(o.qmp_path, "/s/qmp.sock") &&
	       str_is(o.pid_file, "/s/z.pid") && !o.pid_in_vm_dir &&
	       str_is(o.log_file, "/s/z.log") &&
	       o.cfg.socket_path == o.socket_path &&
	       o.guard.qmp_path == o.qmp_path,
	       "names and paths as given");
	tap_ok(o.cfg.bar_size == 512 * MIB && o.cfg.nr_slots == 8 &&
	       o.cfg.slot_size == 8192 && o.cfg.workers == 3 &&
	       o.call_timeout_ms == 750 && o.max_clients == 5,
	       "--bar-size, --slots, --slot-size, --workers, --call-timeout, --max-clients");
	tap_ok(o.on_disconnect == ZHOSTD_ON_DISCONNECT_EXIT && o.daemon &&
	       o.log_level == ZLOG_DEBUG,
	       "--on-disconnect exit, --daemon, --log-level debug");
	tap_ok(o.initial == 64 * MIB && o.max == 1024 * 1024 * MIB &&
	       !o.allow_ask && o.max_pinned == 96 * MIB && o.lock_all,
	       "--initial, --max 1T, --guest-ask deny, --max-pinned 96M, --lock-all");
	tap_ok(o.wss.interval_ms == 250 && o.wss.history == 10 &&
	       o.wss.policy && o.wss.params.headroom == 32 * MIB &&
	       o.wss.params.headroom_percent == 15 &&
	       o.wss.params.min == 16 * MIB &&
	       o.wss.params.hysteresis == 8 * MIB &&
	       o.wss.params.shrink_after == 4 &&
	       o.wss.params.shrink_step == 4 * MIB &&
	       o.ask_holdoff_s == 7 &&
	       o.wss.params.ask_holdoff_ns == 7 * 1000000000LL,
	       "the working set and every knob of the policy");
	tap_ok(o.guard.interval_ms == 2500 &&
	       o.guard.action == ZHOSTD_ON_VIOLATION_STOP,
	       "--check-interval 2.5, --on-violation stop");
	zhostd_options_free(&o);
}

static void test_short_and_repeated(void)
{
	struct zhostd_options o;

	if (!tap_ok(parse((const char *[]){ "-n", "vm2", "-d", NULL }, &o) ==
		    ZHOSTD_OPTIONS_RUN, "-n NAME -d (%s)", msg))
		return;
	tap_ok(str_is(o.name, "vm2") && o.daemon &&
	       str_is(o.pid_file, "/rt/vm2/zhostd.pid") && o.pid_in_vm_dir &&
	       str_is(o.socket_path, "/rt/vm2/ivshmem.sock"),
	       "--daemon: the pid file defaults to RUNTIME/NAME/zhostd.pid, opened in the VM directory");
	zhostd_options_free(&o);

	if (!tap_ok(parse((const char *[]){ "-p", "/a.pid", "--socket", "/a",
					    "--socket", "/b", "--qmp", "/q1",
					    "--qmp", "/q2", NULL }, &o) ==
		    ZHOSTD_OPTIONS_RUN, "-p PATH, paths given twice"))
		return;
	tap_ok(str_is(o.pid_file, "/a.pid") && !o.pid_in_vm_dir && !o.daemon &&
	       str_is(o.socket_path, "/b") && str_is(o.qmp_path, "/q2") &&
	       o.guard.qmp_path == o.qmp_path,
	       "the last of a repeated option counts; -p without -d is kept");
	zhostd_options_free(&o);

	if (!tap_ok(parse((const char *[]){ "--wss-interval", "0",
					    "--check-interval", "0",
					    "--headroom-percent", "0",
					    "--ask-holdoff", "0", NULL }, &o) ==
		    ZHOSTD_OPTIONS_RUN, "zeros where 0 is allowed"))
		return;
	tap_ok(!o.wss.interval_ms && !o.guard.interval_ms &&
	       !o.wss.params.headroom_percent && !o.ask_holdoff_s,
	       "0 turns the poller and the guard's thread off");
	zhostd_options_free(&o);
}

/* Options filled with a pattern, to see that a refusal changes nothing. */
static void poison(struct zhostd_options *o)
{
	memset(o, 0xa5, sizeof(*o));
}

static bool untouched(const struct zhostd_options *o)
{
	struct zhostd_options p;

	poison(&p);
	return !memcmp(o, &p, sizeof(p));
}

/* --socket-owner USER[:GROUP], by name or number; what it refuses. */
static void test_socket_owner(void)
{
	static const struct {
		const char *arg;
		bool ok;
		unsigned int uid, gid;
		const char *why;
	} cases[] = {
		{ "root", true, 0, 0, "a user: its primary group" },
		{ "0", true, 0, 0, "a numeric user with a passwd entry" },
		{ "root:4243", true, 0, 4243, "USER:GID" },
		{ "4242:4243", true, 4242, 4243, "ids without passwd entries" },
		{ "root:root", true, 0, 0, "USER:GROUP by names" },
		{ "4242", false, 0, 0, "a numeric user without an entry needs :GROUP" },
		{ "no-such-user-zh", false, 0, 0, "an unknown user" },
		{ "root:no-such-group-zh", false, 0, 0, "an unknown group" },
		{ "root:", false, 0, 0, "an empty group" },
		{ ":root", false, 0, 0, "an empty user" },
		{ "4294967295:0", false, 0, 0, "the id chown() reads as 'unchanged'" },
	};
	struct zhostd_options o;

	if (tap_ok(parse((const char *[]){ NULL }, &o) == ZHOSTD_OPTIONS_RUN &&
		   !o.cfg.sock_chown, "no --socket-owner: the socket stays ours"))
		zhostd_options_free(&o);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum zhostd_options_result r;

		r = parse((const char *[]){ "--socket-owner", cases[i].arg, NULL },
			  &o);
		if (cases[i].ok) {
			tap_ok(r == ZHOSTD_OPTIONS_RUN && o.cfg.sock_chown &&
			       o.cfg.sock_uid == cases[i].uid &&
			       o.cfg.sock_gid == cases[i].gid,
			       "--socket-owner %s: %u:%u, %s (%s)", cases[i].arg,
			       cases[i].uid, cases[i].gid, cases[i].why, msg);
			if (r == ZHOSTD_OPTIONS_RUN)
				zhostd_options_free(&o);
		} else {
			tap_ok(r == ZHOSTD_OPTIONS_BAD &&
			       !strncmp(msg, "--socket-owner: ", 16),
			       "--socket-owner %s refused: %s (%s)", cases[i].arg,
			       cases[i].why, msg);
			if (r == ZHOSTD_OPTIONS_RUN)
				zhostd_options_free(&o);
		}
	}
}

static void test_help_version(void)
{
	struct zhostd_options o;

	poison(&o);
	tap_ok(parse((const char *[]){ "--help", NULL }, &o) ==
	       ZHOSTD_OPTIONS_HELP && untouched(&o), "--help");
	tap_ok(parse((const char *[]){ "--slots", "4", "-h", "--bogus", NULL },
		     &o) == ZHOSTD_OPTIONS_HELP && untouched(&o),
	       "-h wins over what follows it");
	tap_ok(parse((const char *[]){ "-V", NULL }, &o) ==
	       ZHOSTD_OPTIONS_VERSION && untouched(&o), "-V");
	tap_ok(parse((const char *[]){ "--version", NULL }, &o) ==
	       ZHOSTD_OPTIONS_VERSION && untouched(&o), "--version");
}

struct refusal {
	const char *words[6];
	enum zhostd_options_result result;
	const char *msg;
};

static const struct refusal refusals[] = {
	{ { "--bar-size", "100M" }, ZHOSTD_OPTIONS_BAD,
	  "--bar-size: '100M' is not a power of two from 256M to 1T" },
	{ { "--bar-size", "768M" }, ZHOSTD_OPTIONS_BAD,
	  "--bar-size: '768M' is not a power of two from 256M to 1T" },
	{ { "--bar-size", "2T" }, ZHOSTD_OPTIONS_BAD,
	  "--bar-size: '2T' is not a power of two from 256M to 1T" },
	{ { "--slots", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--slots: '0' is not a number from 1 to 256" },
	{ { "--slots", "-1" }, ZHOSTD_OPTIONS_BAD,
	  "--slots: '-1' is not a number from 1 to 256" },
	{ { "--slots", "4x" }, ZHOSTD_OPTIONS_BAD,
	  "--slots: '4x' is not a number from 1 to 256" },
	{ { "--slot-size", "3K" }, ZHOSTD_OPTIONS_BAD,
	  "--slot-size: '3K' is not a power of two from 4K to 1M" },
	{ { "--slot-size", "2M" }, ZHOSTD_OPTIONS_BAD,
	  "--slot-size: '2M' is not a power of two from 4K to 1M" },
	{ { "--workers", "257" }, ZHOSTD_OPTIONS_BAD,
	  "--workers: '257' is not a number from 1 to 256" },
	{ { "--call-timeout", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--call-timeout: '0' is not a number from 1 to 3600000" },
	{ { "--max-clients", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--max-clients: '0' is not a number from 1 to 4096" },
	{ { "--on-disconnect", "stay" }, ZHOSTD_OPTIONS_BAD,
	  "--on-disconnect: 'stay' is neither exit nor wait" },
	{ { "--initial", "lots" }, ZHOSTD_OPTIONS_BAD,
	  "--initial: 'lots' is not a size" },
	{ { "--max", "1Q" }, ZHOSTD_OPTIONS_BAD,
	  "--max: '1Q' is not a size" },
	{ { "--guest-ask", "yes" }, ZHOSTD_OPTIONS_BAD,
	  "--guest-ask: 'yes' is neither allow nor deny" },
	{ { "--max-pinned", "some" }, ZHOSTD_OPTIONS_BAD,
	  "--max-pinned: 'some' is not a size" },
	{ { "--lock-all=yes" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "option '--lock-all' doesn't allow an argument" },
	{ { "--wss-interval", "-1" }, ZHOSTD_OPTIONS_BAD,
	  "--wss-interval: '-1' is not a number of seconds" },
	{ { "--wss-interval", "0.001" }, ZHOSTD_OPTIONS_BAD,
	  "--wss-interval: '0.001' is not 0 or from 0.01 to 86400 seconds" },
	{ { "--wss-interval", "1.2.3" }, ZHOSTD_OPTIONS_BAD,
	  "--wss-interval: '1.2.3' is not 0 or from 0.01 to 86400 seconds" },
	{ { "--wss-history", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--wss-history: '0' is not a number from 1 to 10000" },
	{ { "--policy", "on" }, ZHOSTD_OPTIONS_BAD,
	  "--policy: 'on' is neither auto nor off" },
	{ { "--headroom", "big" }, ZHOSTD_OPTIONS_BAD,
	  "--headroom: 'big' is not a size" },
	{ { "--headroom-percent", "1001" }, ZHOSTD_OPTIONS_BAD,
	  "--headroom-percent: '1001' is not a number from 0 to 1000" },
	{ { "--min", "x" }, ZHOSTD_OPTIONS_BAD, "--min: 'x' is not a size" },
	{ { "--hysteresis", "" }, ZHOSTD_OPTIONS_BAD,
	  "--hysteresis: '' is not a size" },
	{ { "--shrink-after", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--shrink-after: '0' is not a number from 1 to 100000" },
	{ { "--shrink-step", "-2M" }, ZHOSTD_OPTIONS_BAD,
	  "--shrink-step: '-2M' is not a size" },
	{ { "--ask-holdoff", "86401" }, ZHOSTD_OPTIONS_BAD,
	  "--ask-holdoff: '86401' is not a number from 0 to 86400" },
	{ { "--check-interval", "soon" }, ZHOSTD_OPTIONS_BAD,
	  "--check-interval: 'soon' is not a number of seconds" },
	{ { "--on-violation", "kill" }, ZHOSTD_OPTIONS_BAD,
	  "--on-violation: 'kill' is neither punch nor stop" },
	{ { "--log-level", "loud" }, ZHOSTD_OPTIONS_BAD,
	  "--log-level: 'loud' is not error, warn, info or debug" },
	{ { "extra" }, ZHOSTD_OPTIONS_BAD, "unexpected argument 'extra'" },
	{ { "--policy", "auto", "--wss-interval", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--policy auto needs working-set samples: --wss-interval must not be 0" },
	{ { "-n", "a/b" }, ZHOSTD_OPTIONS_BAD,
	  "bad VM name 'a/b': " ZH_VM_NAME_RULE },
	{ { "-n", ".." }, ZHOSTD_OPTIONS_BAD,
	  "bad VM name '..': " ZH_VM_NAME_RULE },
	{ { "--name=" }, ZHOSTD_OPTIONS_BAD, "bad VM name '': " ZH_VM_NAME_RULE },
	{ { "-n", "a b" }, ZHOSTD_OPTIONS_BAD,
	  "bad VM name 'a b': " ZH_VM_NAME_RULE },
	{ { "-n", "-x" }, ZHOSTD_OPTIONS_BAD,
	  "bad VM name '-x': " ZH_VM_NAME_RULE },
	{ { "-n", "abcdefghijklmnopqrstuvwxyz0123456" }, ZHOSTD_OPTIONS_BAD,
	  "bad VM name 'abcdefghijklmnopqrstuvwxyz0123456': " ZH_VM_NAME_RULE },
	{ { "--socket", "/a", "--slots", "0" }, ZHOSTD_OPTIONS_BAD,
	  "--slots: '0' is not a number from 1 to 256" },
	{ { "--bogus" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "unrecognized option '--bogus'" },
	{ { "-x" }, ZHOSTD_OPTIONS_UNKNOWN, "invalid option -- 'x'" },
	{ { "--name" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "option '--name' requires an argument" },
	{ { "-n" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "option requires an argument -- 'n'" },
	{ { "--daemon=yes" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "option '--daemon' doesn't allow an argument" },
	{ { "--sh", "1" }, ZHOSTD_OPTIONS_UNKNOWN,
	  "option '--sh' is ambiguous; possibilities: '--shrink-after' '--shrink-step'" },
};

static void test_refusals(void)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		enum zhostd_options_result got;
		struct zhostd_options o;

		poison(&o);
		got = parse(r->words, &o);
		tap_ok(got == r->result && !strcmp(msg, r->msg) && untouched(&o),
		       "%s %s: refused, \"%s\", nothing changed", r->words[0],
		       r->words[1] ? r->words[1] : "", r->msg);
		if (strcmp(msg, r->msg))
			tap_diag("got \"%s\"", msg);
	}
}

/* The sizes only the shared memory can check. */
static void test_policy_check(void)
{
	struct zhostd_policy_params p;

	zhostd_policy_defaults(&p, 2 * MIB, 128 * MIB);
	tap_ok(!zhostd_options_check_policy(&p, msg, sizeof(msg)),
	       "the default policy fits a 2 MiB subblock and 128 MiB");
	p.min = 3 * MIB;
	tap_ok(zhostd_options_check_policy(&p, msg, sizeof(msg)) &&
	       !strcmp(msg, "--min must be a multiple of 2 MiB and at most the maximum (128 MiB)"),
	       "--min 3M refused: not a multiple of the subblock");
	p.min = 130 * MIB;
	tap_ok(zhostd_options_check_policy(&p, msg, sizeof(msg)) &&
	       strstr(msg, "at most the maximum"), "--min above the maximum refused");
	p.min = 0;
	p.shrink_step = MIB;
	tap_ok(zhostd_options_check_policy(&p, msg, sizeof(msg)) &&
	       !strcmp(msg, "--shrink-step must be at least the 2 MiB subblock"),
	       "--shrink-step below the subblock refused");
}

int main(void)
{
	tap_plan(88);
	/* The runtime directory's default is tested in test-runtime-dir. */
	setenv("ZHOST_RUNTIME_DIR", "/rt", 1);
	test_defaults();
	test_every_option();
	test_short_and_repeated();
	test_socket_owner();
	test_help_version();
	test_refusals();
	test_policy_check();
	return tap_done();
}
