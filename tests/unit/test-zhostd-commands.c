// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's control commands without a VM: request validation and error
 * replies (classes, id echo), the parsers of the guest's /proc texts on
 * normal and hostile input, and sizes and --on-violation on the command
 * line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"
#include "cmd-bench.h"
#include "commands.h"
#include "guard.h"
#include "guestinfo-parse.h"
#include "size.h"

/* Run one request text; return the reply, or NULL. */
static json_t *run(struct zhostd *zd, const char *text)
{
	json_t *req = json_loads(text, 0, NULL);
	json_t *reply;

	if (!req)
		return NULL;
	reply = zhostd_cmd_execute(zd, req);
	json_decref(req);
	return reply;
}

/* The error class of a reply, or "" when it is not an error. */
static const char *err_class(json_t *reply)
{
	const char *cls = json_string_value(
		json_object_get(json_object_get(reply, "error"), "class"));

	return cls ? cls : "";
}

static void test_requests(void)
{
	struct zhostd zd = { .name = "unit" };
	json_t *r;

	r = run(&zd, "[1, 2]");
	tap_ok(!strcmp(err_class(r), ZERR_GENERIC), "a non-object request is refused");
	json_decref(r);

	r = run(&zd, "{\"arguments\": {}}");
	tap_ok(!strcmp(err_class(r), ZERR_GENERIC), "a request without execute is refused");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"no-such\", \"id\": 7}");
	tap_ok(!strcmp(err_class(r), ZERR_COMMAND_NOT_FOUND) &&
	       json_integer_value(json_object_get(r, "id")) == 7,
	       "an unknown command: CommandNotFound, id echoed");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"query-commands\", \"extra\": 1}");
	tap_ok(!strcmp(err_class(r), ZERR_GENERIC), "an unknown request member is refused");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"guest-drop-caches\", \"arguments\": []}");
	tap_ok(!strcmp(err_class(r), ZERR_INVALID_PARAMETER), "arguments must be an object");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"guest-drop-caches\", \"arguments\": {\"level\": 4}}");
	tap_ok(!strcmp(err_class(r), ZERR_INVALID_PARAMETER), "drop-caches level 4 is refused");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"guest-drop-caches\", \"arguments\": {\"level\": \"3\"}}");
	tap_ok(!strcmp(err_class(r), ZERR_INVALID_PARAMETER), "drop-caches level must be a number");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"enforce-memory\"}");
	tap_ok(!strcmp(err_class(r), ZERR_GENERIC), "enforce-memory without a memory guard: GenericError");
	json_decref(r);

	r = run(&zd, "{\"execute\": \"query-commands\", \"id\": \"x\"}");
	tap_ok(json_array_size(json_object_get(json_object_get(r, "return"), "commands")) >= 8 &&
	       !strcmp(json_string_value(json_object_get(r, "id")), "x"),
	       "query-commands lists the commands");
	json_decref(r);
}

static void test_meminfo(void)
{
	static const char text[] =
		"MemTotal:        1014580 kB\n"
		"MemFree:          950816 kB\n"
		"HugePages_Total:       0\n"
		"Bad Name:             12 kB\n"
		"Huge:   99999999999999999999 kB\n"
		"Weird:          12 MB\n"
		"NoValue:\n";
	json_t *m = guestinfo_parse_meminfo(text, sizeof(text) - 1);

	tap_ok(json_integer_value(json_object_get(m, "MemTotal")) == 1014580LL * 1024 &&
	       json_integer_value(json_object_get(m, "HugePages_Total")) == 0 &&
	       json_object_get(m, "HugePages_Total"),
	       "meminfo: kB values in bytes, plain counts as they are");
	tap_ok(json_object_size(m) == 3,
	       "meminfo: bad names, overflows, unknown units and empty values skipped");
	json_decref(m);
}

static void test_vmstat_loadavg_cpuinfo(void)
{
	static const char vmstat[] = "nr_free_pages 12345\npgfault 7\nbad line\n-1 2\n";
	static const char cpu[] =
		"processor\t: 0\nmodel name\t: QEMU TCG CPU\n\nprocessor\t: 1\nmodel name\t: other\n";
	/* An escape sequence, U+202E (right-to-left override), a stray byte. */
	static const char evil[] =
		"processor\t: 0\nmodel name\t: Evil\033[2J\xe2\x80\xae CPU\xff\n";
	json_t *v = guestinfo_parse_vmstat(vmstat, sizeof(vmstat) - 1);
	json_t *o = json_object();

	tap_ok(json_object_size(v) == 2 &&
	       json_integer_value(json_object_get(v, "nr_free_pages")) == 12345,
	       "vmstat: name value pairs, garbage skipped");
	tap_ok(!guestinfo_parse_loadavg("0.50 0.25 0.10 2/60 123\n", 24, o) &&
	       json_integer_value(json_object_get(o, "total")) == 60 &&
	       json_real_value(json_object_get(o, "load1")) == 0.5,
	       "loadavg parsed");
	tap_ok(guestinfo_parse_loadavg("nonsense", 8, o) == -1,
	       "a malformed loadavg is reported");
	guestinfo_parse_cpuinfo(cpu, sizeof(cpu) - 1, o);
	tap_ok(json_integer_value(json_object_get(o, "cpus")) == 2 &&
	       !strcmp(json_string_value(json_object_get(o, "model_name")), "QEMU TCG CPU"),
	       "cpuinfo: processors counted, first model name");
	json_decref(o);
	o = json_object();
	guestinfo_parse_cpuinfo(evil, sizeof(evil) - 1, o);
	tap_ok(json_is_string(json_object_get(o, "model_name")) &&
	       !strcmp(json_string_value(json_object_get(o, "model_name")),
		       "Evil?[2J??? CPU?"),
	       "cpuinfo: control codes, bidi overrides and bad UTF-8 in the model name become '?'");
	json_decref(v);
	json_decref(o);
}

/* Random bytes, no NUL terminator, lines longer than any buffer. */
static void test_hostile(void)
{
	size_t len = 1 << 16;
	char *junk = malloc(len);
	json_t *o = json_object();
	bool ok = true;

	srand(1);
	for (int round = 0; round < 200 && junk && o; round++) {
		json_t *a, *b;

		for (size_t i = 0; i < len; i++)
			junk[i] = (char)(rand() % (round % 2 ? 256 : 4) + (round % 2 ? 0 : '\n' - 1));
		a = guestinfo_parse_meminfo(junk, len - round);
		b = guestinfo_parse_vmstat(junk, len - round);
		guestinfo_parse_loadavg(junk, len - round, o);
		guestinfo_parse_cpuinfo(junk, len - round, o);
		ok &= a && b;
		json_decref(a);
		json_decref(b);
	}
	tap_ok(ok && junk && o, "200 rounds of random guest text parse without harm");
	free(junk);
	json_decref(o);
}

/* zhostd --on-violation. */
static void test_on_violation(void)
{
	enum zhostd_on_violation a = ZHOSTD_ON_VIOLATION_PUNCH;

	tap_ok(!zhostd_on_violation_parse("stop", &a) && a == ZHOSTD_ON_VIOLATION_STOP &&
	       !zhostd_on_violation_parse("punch", &a) && a == ZHOSTD_ON_VIOLATION_PUNCH &&
	       !strcmp(zhostd_on_violation_name(ZHOSTD_ON_VIOLATION_STOP), "stop") &&
	       zhostd_on_violation_parse("kill", &a) == -1 &&
	       zhostd_on_violation_parse("", &a) == -1 && a == ZHOSTD_ON_VIOLATION_PUNCH,
	       "--on-violation: punch and stop, nothing else");
}

/* bench-guest-calls' rates at its largest arguments: no overflow. */
static void test_bench_rates(void)
{
	const uint64_t most = 2ULL * (1 << 20) * 1000000;	/* 1 MiB, both ways, 10^6 calls */

	tap_ok(zhostd_bench_per_s(most, 1000000000) == most &&
	       zhostd_bench_per_s(most, 1) == INT64_MAX &&
	       zhostd_bench_per_s(1000, 0) == 1000ULL * 1000000000 &&
	       zhostd_bench_per_s(1000000, 2000000000) == 500000,
	       "bench-guest-calls: rates of 2 TB moved, in 1 s and in 1 ns, without overflow");
}

static void test_sizes(void)
{
	uint64_t v = 0;

	tap_ok(!size_parse("1G", &v) && v == 1ULL << 30, "size 1G");
	tap_ok(!size_parse("64KiB", &v) && v == 64 << 10, "size 64KiB");
	tap_ok(!size_parse("4096", &v) && v == 4096, "size 4096");
	tap_ok(size_parse("1.5G", &v) && size_parse("G", &v) &&
	       size_parse("-1M", &v) && size_parse("99999999999T", &v) &&
	       size_parse("1X", &v),
	       "bad sizes refused: fractions, no digits, negative, overflow, unknown unit");
}

int main(void)
{
	tap_timeout(60, NULL);
	tap_plan(23);
	test_requests();
	test_meminfo();
	test_vmstat_loadavg_cpuinfo();
	test_hostile();
	test_sizes();
	test_on_violation();
	test_bench_rates();
	return tap_done();
}
