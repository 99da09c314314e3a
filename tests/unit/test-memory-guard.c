// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory guard (mm-host/guard.c) with a real VMRPC host and a
 * fake QEMU whose mapping of BAR2 plays the hostile guest: a check frees
 * what the guest wrote into subblocks it never plugged and past the call
 * slots, counts it, sends MEMORY_VIOLATION and logs it, at most once per
 * interval however often it happens; enforce-memory and query-memory
 * report it; --on-violation stop pauses the VM through a fake QMP server
 * and says why when it cannot; the guard's thread checks by itself and
 * stops cleanly. Last, QEMU goes away: nothing the guest wrote anywhere
 * stays allocated.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "../lib/tap.h"
#include "commands.h"
#include "control.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "guard.h"
#include "log.h"

#define KIB		(1ULL << 10)
#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
/* Long enough for 5 checks on a loaded machine, short for a test. */
#define LOG_EVERY_MS	1500

static struct fq_env e;
static struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };
static struct vmrpc_host_data_area area;
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char qmp_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char log_path[160];

static void cleanup(void)
{
	unlink(ctl_path);
	unlink(qmp_path);
	unlink(log_path);
	fq_cleanup_paths();
}

/* --- a fake QEMU monitor ----------------------------------------------- */

/*
 * Serves QMP on qmp_path, one connection after the other: the greeting,
 * then a reply to each command (and a STOP event before stop's reply),
 * or an error for stop while qmp_refuse is set.
 */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static char qmp_seen[256];		/* commands received, space-separated */
static bool qmp_refuse;
static int qmp_quit;

static void qmp_send(int fd, const char *line)
{
	if (write(fd, line, strlen(line)) < 0)
		perror("qmp_send");
}

static void qmp_serve(int fd)
{
	char buf[4096], out[256];
	size_t len = 0;
	char *nl;
	ssize_t n;

	qmp_send(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, \"capabilities\": []}}\n");
	for (;;) {
		while ((nl = memchr(buf, '\n', len))) {
			json_t *req = json_loadb(buf, (size_t)(nl - buf), 0, NULL);
			const char *cmd = json_string_value(json_object_get(req, "execute"));
			const char *id = json_string_value(json_object_get(req, "id"));
			bool refuse;

			pthread_mutex_lock(&qlock);
			snprintf(qmp_seen + strlen(qmp_seen),
				 sizeof(qmp_seen) - strlen(qmp_seen), "%s%s",
				 *qmp_seen ? " " : "", cmd ? cmd : "?");
			refuse = qmp_refuse;
			pthread_mutex_unlock(&qlock);
			if (cmd && !strcmp(cmd, "stop") && refuse) {
				snprintf(out, sizeof(out), "{\"error\": {\"class\": \"GenericError\", \"desc\": \"not now\"}, \"id\": \"%s\"}\n",
					 id ? id : "");
			} else {
				if (cmd && !strcmp(cmd, "stop"))
					qmp_send(fd, "{\"event\": \"STOP\", \"data\": {}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\n");
				snprintf(out, sizeof(out), "{\"return\": {}, \"id\": \"%s\"}\n",
					 id ? id : "");
			}
			qmp_send(fd, out);
			json_decref(req);
			len -= (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, len);
		}
		if (len == sizeof(buf))
			return;
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n <= 0)
			return;
		len += (size_t)n;
	}
}

static void *qmp_thread(void *arg)
{
	int lfd = *(int *)arg;

	while (!__atomic_load_n(&qmp_quit, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { lfd, POLLIN, 0 };
		int fd;

		if (poll(&p, 1, 20) != 1)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		qmp_serve(fd);
		close(fd);
	}
	return NULL;
}

static int qmp_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", qmp_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* --- helpers ----------------------------------------------------------- */

static json_t *execute(const char *text)
{
	json_t *req = json_loads(text, 0, NULL), *reply;

	reply = zhostd_cmd_execute(&zd, req);
	json_decref(req);
	return reply;
}

static json_int_t int_of(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static const char *str_of(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static uint32_t plug(uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = {
		.first = htole64(first),
		.count = htole32(count),
	};
	uint32_t len;

	return zhostd_memory_serve(&zd.mem, VMRPC_MEM_PLUG, &r, sizeof(r),
				   NULL, 0, &len);
}

/* The guest writes through QEMU's mapping of BAR2. */
static void touch(uint64_t off, uint64_t len)
{
	memset(e.q.bar + off, 0x66, len);
}

static uint64_t sb_off(uint64_t i)
{
	return area.offset + i * SB;
}

/* Lines of the log that report a violation, and the last of them. */
static int log_lines(char *last, size_t len)
{
	char line[1024];
	FILE *f = fopen(log_path, "r");
	int n = 0;

	if (last)
		last[0] = '\0';
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "memory violation"))
			continue;
		n++;
		if (last)
			snprintf(last, len, "%s", line);
	}
	fclose(f);
	return n;
}

static struct zhostd_guard *guard_new(enum zhostd_on_violation action,
				      const char *qmp, unsigned int interval_ms)
{
	struct zhostd_guard_config cfg = {
		.interval_ms = interval_ms,
		.action = action,
		.qmp_path = qmp,
		.qmp_timeout_ms = 1000,
		.log_every_ms = LOG_EVERY_MS,
	};
	struct zhostd_guard *g = NULL;

	zhostd_guard_destroy(zd.guard);
	zd.guard = NULL;
	if (zhostd_guard_create(&zd, &cfg, &g))
		return NULL;
	zd.guard = g;
	return g;
}

/* --- the tests ----------------------------------------------------------- */

static void test_punch(void)
{
	struct zhostd_guard_result r;
	char last[1024];
	json_t *ev, *reply, *ret;
	int i;

	tap_diag("[RUN] punch: free, count, report, log once a while");
	if (!guard_new(ZHOSTD_ON_VIOLATION_PUNCH, NULL, 0)) {
		tap_skip("no guard", "the guard");
		return;
	}
	touch(sb_off(0), SB);		/* plugged */
	touch(sb_off(5), SB);		/* never plugged */
	touch(32 * MIB, 256 * KIB);	/* past the slots */
	tap_ok(zhostd_guard_check(zd.guard, &r) == 0 && r.found &&
	       r.v.subblocks == 1 && r.v.first == 5 && r.v.bytes == SB &&
	       r.v.spare_bytes == 256 * KIB && !r.stopped && !*r.error,
	       "a check frees subblock 5 and 256 KiB past the slots");
	ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
	tap_ok(ev && int_of(ev, "first") == 5 && int_of(ev, "last") == 5 &&
	       int_of(ev, "subblocks") == 1 && int_of(ev, "bytes") == (json_int_t)SB &&
	       int_of(ev, "control_bytes") == (json_int_t)(256 * KIB) &&
	       !strcmp(str_of(ev, "action"), "punch") &&
	       json_is_false(json_object_get(ev, "stopped")) &&
	       json_is_null(json_object_get(ev, "error")) &&
	       int_of(ev, "violations") == 1 &&
	       int_of(ev, "reclaimed") == (json_int_t)(SB + 256 * KIB),
	       "MEMORY_VIOLATION: the subblocks, the bytes, the action, the totals");
	json_decref(ev);
	tap_ok(log_lines(last, sizeof(last)) == 1 &&
	       strstr(last, "warn: memory violation") &&
	       strstr(last, "subblock 5: 2048 KiB") &&
	       strstr(last, "the unused control area: 256 KiB"),
	       "one warning in the log says where and how much");

	/* A guest that keeps doing it: events each time, the log holds back. */
	for (i = 0; i < 4; i++) {
		touch(sb_off(6) + (uint64_t)i * 4 * KIB, 4 * KIB);
		zhostd_guard_check(zd.guard, &r);
		ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
		if (!ev || int_of(ev, "first") != 6)
			break;
		json_decref(ev);
	}
	tap_ok(i == 4 && log_lines(NULL, 0) == 1,
	       "4 more violations at once: 4 more events, no more log lines");
	fq_sleep_ms(LOG_EVERY_MS + 100);
	touch(sb_off(7), 4 * KIB);
	zhostd_guard_check(zd.guard, &r);
	json_decref(next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS));
	tap_ok(log_lines(last, sizeof(last)) == 2 &&
	       strstr(last, "4 more violations (16 KiB) since the last message"),
	       "after the interval one line again, with what it left out");
	tap_diag("%.*s", (int)strcspn(last, "\n"), last);

	/* On demand, and in query-memory. */
	touch(sb_off(9) + 8 * KIB, 8 * KIB);
	reply = execute("{\"execute\": \"enforce-memory\"}");
	ret = json_object_get(reply, "return");
	tap_ok(json_is_true(json_object_get(ret, "found")) &&
	       json_is_true(json_object_get(ret, "complete")) &&
	       int_of(ret, "first") == 9 && int_of(ret, "bytes") == (json_int_t)(8 * KIB) &&
	       int_of(ret, "violations") == 7,
	       "enforce-memory checks now: subblock 9, 8 KiB, 7 violations so far");
	json_decref(reply);
	json_decref(next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS));
	reply = execute("{\"execute\": \"enforce-memory\"}");
	ret = json_object_get(reply, "return");
	tap_ok(json_is_false(json_object_get(ret, "found")) &&
	       json_is_null(json_object_get(ret, "first")) &&
	       int_of(ret, "bytes") == 0 && int_of(ret, "violations") == 7,
	       "enforce-memory on a clean area: found false");
	json_decref(reply);
	reply = execute("{\"execute\": \"query-memory\"}");
	ret = json_object_get(reply, "return");
	tap_ok(int_of(ret, "violations") == 7 &&
	       int_of(ret, "reclaimed") == (json_int_t)(SB + 256 * KIB + 5 * 4 * KIB + 8 * KIB) &&
	       !strcmp(str_of(ret, "on_violation"), "punch") &&
	       int_of(ret, "check_interval_ms") == 0 &&
	       int_of(json_object_get(ret, "stats"), "enforce_scans") == 8 &&
	       int_of(ret, "backed") == (json_int_t)SB,
	       "query-memory: violations, reclaimed, the action, the scans; only the plugged subblock is backed");
	json_decref(reply);
}

static void test_stop(void)
{
	struct zhostd_guard_result r;
	char missing[200], last[1024];
	json_t *ev;
	int lfd;
	pthread_t t;

	tap_diag("[RUN] stop: pause the VM through QMP");
	lfd = qmp_listen();
	if (lfd < 0 || pthread_create(&t, NULL, qmp_thread, &lfd)) {
		tap_skip("no fake QMP server", "stop");
		return;
	}
	if (!guard_new(ZHOSTD_ON_VIOLATION_STOP, qmp_path, 0))
		goto out;
	touch(sb_off(11), 4 * KIB);
	zhostd_guard_check(zd.guard, &r);
	ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
	pthread_mutex_lock(&qlock);
	tap_ok(r.found && r.stopped && !strcmp(qmp_seen, "qmp_capabilities stop") &&
	       ev && !strcmp(str_of(ev, "action"), "stop") &&
	       json_is_true(json_object_get(ev, "stopped")) &&
	       json_is_null(json_object_get(ev, "error")),
	       "a violation: memory freed, then QMP qmp_capabilities and stop (%s)",
	       qmp_seen);
	qmp_seen[0] = '\0';
	qmp_refuse = true;
	pthread_mutex_unlock(&qlock);
	json_decref(ev);

	touch(sb_off(12), 4 * KIB);
	zhostd_guard_check(zd.guard, &r);
	ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
	tap_ok(r.found && !r.stopped && strstr(r.error, "QEMU refused stop: not now") &&
	       ev && strstr(str_of(ev, "error"), "not now"),
	       "QEMU refuses: the event says why (%s)", r.error);
	json_decref(ev);

	snprintf(missing, sizeof(missing), "%s/no-such.sock", e.dir);
	/* A new guard: its first violation is logged at once. */
	if (!guard_new(ZHOSTD_ON_VIOLATION_STOP, missing, 0))
		goto out;
	touch(sb_off(13), 4 * KIB);
	zhostd_guard_check(zd.guard, &r);
	ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
	tap_ok(r.found && !r.stopped && strstr(r.error, "cannot connect") &&
	       r.v.bytes == 4 * KIB && ev && strstr(str_of(ev, "error"), "cannot connect") &&
	       log_lines(last, sizeof(last)) >= 1 && strstr(last, "cannot pause the VM"),
	       "no QMP socket: the memory is freed all the same, the log and event say so");
	tap_diag("%.*s", (int)strcspn(last, "\n"), last);
	json_decref(ev);
out:
	__atomic_store_n(&qmp_quit, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	close(lfd);
	unlink(qmp_path);
}

static void test_thread(void)
{
	json_t *ev;
	long long t0;

	tap_diag("[RUN] the guard's thread");
	if (!guard_new(ZHOSTD_ON_VIOLATION_PUNCH, NULL, 50) ||
	    zhostd_guard_start(zd.guard)) {
		tap_skip("no guard thread", "the thread checks by itself");
		return;
	}
	touch(sb_off(20), 64 * KIB);
	ev = next_event("MEMORY_VIOLATION", FQ_TIMEOUT_MS);
	tap_ok(ev && int_of(ev, "first") == 20 &&
	       int_of(ev, "bytes") == (json_int_t)(64 * KIB),
	       "every --check-interval: the thread finds subblock 20 by itself");
	json_decref(ev);
	t0 = fq_now_ms();
	zhostd_guard_stop(zd.guard);
	tap_ok(fq_now_ms() - t0 < 1000, "it stops at once");
	zhostd_guard_destroy(zd.guard);
	zd.guard = NULL;
}

/* What main.c does when QEMU goes away. */
static int reset_done;

static void on_host_event(void *arg, enum vmrpc_host_event ev)
{
	(void)arg;
	if (ev == VMRPC_HOST_EV_QEMU_DISCONNECTED && zd.mem.map) {
		zhostd_memory_reset(&zd.mem);
		__atomic_store_n(&reset_done, 1, __ATOMIC_RELEASE);
	}
}

static void test_qemu_gone(void)
{
	struct stat st = { 0 };
	bool ok;

	tap_diag("[RUN] QEMU goes away");
	touch(sb_off(1), SB);		/* plugged */
	touch(sb_off(30), SB);		/* not */
	touch(16 * MIB, 8 * MIB);	/* past the slots */
	fq_close(&e.q);
	FQ_WAIT_FOR(ok, __atomic_load_n(&reset_done, __ATOMIC_ACQUIRE), FQ_TIMEOUT_MS);
	ok = ok && fstat(vmrpc_host_memfd(e.h), &st) == 0;
	tap_ok(ok && (uint64_t)st.st_blocks * 512 <= 128 * KIB,
	       "nothing the guest wrote stays allocated: %llu KiB left (the superblock and slot headers)",
	       (unsigned long long)st.st_blocks / 2);
}

int main(void)
{
	uint64_t spare, spare_size;
	struct zhostd_control *ctl = NULL;
	char err[160];
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(15);
	up = fq_env_create(&e, 4, 1) == 0;
	e.log.hook = on_host_event;
	up = up && fq_env_connect(&e) == 0;
	if (up) {
		zd.vh = e.h;
		zd.cfg = fq_config(&e, 4, 1);
		zd.call_timeout_ms = 2000;
		vmrpc_host_data_area(e.h, &area);
		vmrpc_host_spare_area(e.h, &spare, &spare_size);
		snprintf(ctl_path, sizeof(ctl_path), "%s/zhostd.sock", e.dir);
		snprintf(qmp_path, sizeof(qmp_path), "%s/qmp.sock", e.dir);
		snprintf(log_path, sizeof(log_path), "%s/zhostd.log", e.dir);
		up = zhostd_memory_init(&zd.mem, vmrpc_host_memfd(e.h), &area,
					16 * MIB, area.size, err, sizeof(err)) == 0 &&
		     zhostd_control_open(&zd, ctl_path, &ctl) == 0 &&
		     zlog_open(ZLOG_INFO, log_path, 0) == 0;
		zd.ctl = ctl;
	}
	if (up) {
		zhostd_memory_set_spare(&zd.mem, spare, spare_size);
		up = client_open(ctl, ctl_path) && plug(0, 2) == VMRPC_OK;
	}
	if (!up) {
		printf("Bail out! cannot set up a host, a fake QEMU and zhostd's parts\n");
	} else {
		/* 64K superblock, then 4 + 4 slots of 4K. */
		tap_ok(spare == 96 * KIB && spare + spare_size == area.offset,
		       "the spare range: from the end of the slots to the data area");
		test_punch();
		test_stop();
		test_thread();
		test_qemu_gone();
	}

	zhostd_guard_destroy(zd.guard);
	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	zlog_close();
	unlink(log_path);
	if (zd.mem.map)
		zhostd_memory_destroy(&zd.mem);
	fq_env_teardown(&e);
	return up ? tap_done() : 1;
}
