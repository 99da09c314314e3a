// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's limit on guest-triggered log lines and events
 * (mm-host/ratelimit.c): a burst, then a steady rate, per kind, counted;
 * a flood reported once when it ended and periodically while it goes on.
 * Then through events.c as a flooding guest drives it: 2000 requests for
 * memory and 500 driver unbinds make a few dozen log lines and events,
 * one summary line and EVENTS_SUPPRESSED, not thousands.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "../lib/tap.h"
#include "control.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "events.h"
#include "log.h"
#include "ratelimit.h"

static struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };
static char dir[80];
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char log_path[160];

static void cleanup(void)
{
	unlink(ctl_path);
	unlink(log_path);
	if (dir[0])
		rmdir(dir);
}

/* The flood reports the limiter made, kept for the checks. */
static struct zhostd_rl_report reports[8];
static int nr_reports;

static void on_report(void *opaque, const struct zhostd_rl_report *r)
{
	(void)opaque;
	if (nr_reports < 8)
		reports[nr_reports] = *r;
	nr_reports++;
}

static void test_bucket(void)
{
	struct zhostd_ratelimit *rl;
	uint64_t t = 1000000;
	int passed = 0;
	json_t *j;

	tap_diag("[RUN] the bucket");
	if (zhostd_ratelimit_create(on_report, NULL, &rl)) {
		tap_ok(false, "cannot create a limiter");
		return;
	}
	/* Creation filled the buckets at the real time: start later. */
	t = fq_now_ms() + 1;
	for (int i = 0; i < 100; i++)
		passed += zhostd_ratelimit_allow_at(rl, ZHOSTD_RL_GUEST_ASKED, t);
	tap_ok(passed == ZHOSTD_RL_BURST, "a burst of %d passes, then nothing (%d)",
	       ZHOSTD_RL_BURST, passed);
	tap_ok(zhostd_ratelimit_allow_at(rl, ZHOSTD_RL_DRIVER, t),
	       "each kind has its own bucket");
	passed = 0;
	/* Ten seconds of a guest sending one a millisecond, the last dropped. */
	for (int ms = 1; ms <= 10001; ms++)
		passed += zhostd_ratelimit_allow_at(rl, ZHOSTD_RL_GUEST_ASKED,
						    t + (uint64_t)ms);
	tap_ok(passed == 10 * ZHOSTD_RL_PER_S,
	       "then %d a second (%d in 10 s)", ZHOSTD_RL_PER_S, passed);

	zhostd_ratelimit_check_at(rl, t + 10001 + ZHOSTD_RL_QUIET_MS - 1);
	tap_ok(nr_reports == 0, "no report while the flood may go on");
	zhostd_ratelimit_check_at(rl, t + 10001 + ZHOSTD_RL_QUIET_MS);
	tap_ok(nr_reports == 1 && reports[0].ended &&
	       reports[0].kind == ZHOSTD_RL_GUEST_ASKED &&
	       reports[0].dropped == (uint64_t)(100 - ZHOSTD_RL_BURST + 10001 - passed) &&
	       reports[0].ms == 10001,
	       "one report when it ended: %llu dropped over %llu ms",
	       (unsigned long long)reports[0].dropped,
	       (unsigned long long)reports[0].ms);
	zhostd_ratelimit_check_at(rl, t + 20000);
	tap_ok(nr_reports == 1, "and only one");

	/* A flood that never stops is reported every ZHOSTD_RL_REPORT_MS. */
	t += 20000;
	for (uint64_t ms = 0; ms <= 2 * ZHOSTD_RL_REPORT_MS; ms += 10) {
		zhostd_ratelimit_allow_at(rl, ZHOSTD_RL_RESIZE_DONE, t + ms);
		zhostd_ratelimit_check_at(rl, t + ms);
	}
	tap_ok(nr_reports == 2 && !reports[1].ended &&
	       reports[1].kind == ZHOSTD_RL_RESIZE_DONE,
	       "a flood that goes on is reported every %d s", ZHOSTD_RL_REPORT_MS / 1000);

	j = zhostd_ratelimit_json(rl);
	tap_ok(json_integer_value(json_object_get(j, "guest_asked")) ==
	       (json_int_t)reports[0].dropped &&
	       json_integer_value(json_object_get(j, "total")) >
	       (json_int_t)reports[0].dropped &&
	       json_integer_value(json_object_get(j, "driver")) == 0 &&
	       json_integer_value(json_object_get(json_object_get(j, "limit"), "burst")) ==
	       ZHOSTD_RL_BURST,
	       "the counts for query-status, per kind and in total");
	json_decref(j);
	zhostd_ratelimit_destroy(rl);
}

/* Lines of the log file that contain @what. */
static int log_lines(const char *what)
{
	FILE *f = fopen(log_path, "r");
	char line[2048];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* Read every event there is; count those named @name. */
static int events_named(const char *name, int *others)
{
	json_t *m;
	int n = 0;

	*others = 0;
	while ((m = client_line(300))) {
		const char *ev = json_string_value(json_object_get(m, "event"));

		if (ev && !strcmp(ev, name))
			n++;
		else
			(*others)++;
		json_decref(m);
	}
	return n;
}

static void test_flood(void)
{
	struct zhostd_memory_event ask = {
		.what = ZHOSTD_MEM_ASKED, .asked = 2 << 20,
	};
	int asked, others, driver;

	tap_diag("[RUN] a guest floods");
	/* Refused requests for memory: each was a log line and an event. */
	for (int i = 0; i < 2000; i++)
		zhostd_memory_event(&zd, &ask);
	asked = events_named("GUEST_ASKED", &others);
	tap_ok(asked <= ZHOSTD_RL_BURST + ZHOSTD_RL_PER_S * 2 && asked >= ZHOSTD_RL_BURST &&
	       !others, "2000 requests for memory: %d GUEST_ASKED events", asked);
	tap_ok(log_lines("guest asked for") == asked,
	       "as many log lines (%d)", log_lines("guest asked for"));

	/* A driver unbound over and over (READY would need a VMRPC host). */
	for (int i = 0; i < 500; i++)
		zhostd_vmrpc_event(&zd, VMRPC_HOST_EV_GUEST_GONE, "rebind");
	driver = events_named("GUEST_GONE", &others);
	tap_ok(driver + others <= ZHOSTD_RL_BURST + ZHOSTD_RL_PER_S * 2 &&
	       log_lines("rebind") == driver + others,
	       "500 driver unbinds: %d events and log lines", driver + others);

	zhostd_ratelimit_check_at(zd.rl, fq_now_ms() + ZHOSTD_RL_QUIET_MS);
	tap_ok(log_lines("guest flood over") == 2 &&
	       log_lines("guest_asked log lines and events suppressed") == 1,
	       "one summary line per flood when it ended");
	{
		json_t *ev = next_event("EVENTS_SUPPRESSED", 1000);

		tap_ok(ev && json_integer_value(json_object_get(ev, "count")) +
		       asked == 2000,
		       "and EVENTS_SUPPRESSED with the count");
		json_decref(ev);
	}
}

int main(void)
{
	struct zhostd_control *ctl = NULL;
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(13);
	test_bucket();

	up = fq_mkdtemp(dir, sizeof(dir));
	if (up) {
		snprintf(ctl_path, sizeof(ctl_path), "%s/zhostd.sock", dir);
		snprintf(log_path, sizeof(log_path), "%s/zhostd.log", dir);
		up = zhostd_control_open(&zd, ctl_path, &ctl) == 0 &&
		     zlog_open(ZLOG_INFO, log_path, 0) == 0 &&
		     zhostd_ratelimit_create(zhostd_suppressed_event, &zd,
					     &zd.rl) == 0;
		zd.ctl = ctl;
	}
	up = up && client_open(ctl, ctl_path);
	if (!up)
		printf("Bail out! cannot set up a control socket and a log\n");
	else
		test_flood();

	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	zhostd_ratelimit_destroy(zd.rl);
	zlog_close();
	cleanup();
	return up ? tap_done() : 1;
}
