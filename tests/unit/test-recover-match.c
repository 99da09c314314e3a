// SPDX-License-Identifier: GPL-2.0-only
/*
 * What zhostd --recover reads (mm-host/recover-match.c): the state file a
 * serving zhostd writes, QEMU's /proc/PID/fdinfo text, and which of
 * QEMU's descriptors are the VM's memfd and eventfds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/tap.h"
#include "recover-match.h"

static struct zh_recover_state sample(void)
{
	struct zh_recover_state s = {
		.qemu_pid = 4242, .qemu_start = 81234, .memfd_ino = 99,
		.bar_size = 1ULL << 30, .nr_slots = 8, .slot_size = 65536,
		.echo = true,
	};

	for (unsigned int v = 0; v < VMRPC_NR_VECTORS; v++) {
		s.host_id[v] = 10 + v;
		s.guest_id[v] = 20 + v;
	}
	return s;
}

/* Parse @text; true when it is refused (with a message). */
static bool refused(const char *text)
{
	struct zh_recover_state s;
	char err[ZH_RECOVER_ERR_MAX] = "";

	return zh_recover_state_parse(text, &s, err, sizeof(err)) && err[0];
}

/* The sample's text with line @drop left out, or with @extra appended. */
static void variant(char *buf, size_t len, int drop, const char *extra)
{
	struct zh_recover_state s = sample();
	char full[ZH_RECOVER_FILE_MAX], *line, *save = NULL;
	int i = 0;

	zh_recover_state_format(&s, full, sizeof(full));
	buf[0] = 0;
	for (line = strtok_r(full, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++)
		if (i != drop)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s\n", line);
	if (extra)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s", extra);
}

static void test_state(void)
{
	struct zh_recover_state s = sample(), back;
	char text[ZH_RECOVER_FILE_MAX], v[ZH_RECOVER_FILE_MAX];
	char err[ZH_RECOVER_ERR_MAX];
	int len = zh_recover_state_format(&s, text, sizeof(text));

	tap_ok(len > 0 && !zh_recover_state_parse(text, &back, err, sizeof(err)) &&
	       !memcmp(&s, &back, sizeof(s)),
	       "the state file reads back as written");
	tap_ok(zh_recover_state_format(&s, text, 40) == -1,
	       "a buffer too small is an error, not a cut file");
	variant(v, sizeof(v), 1, NULL);
	tap_ok(refused(v), "a missing qemu_pid is refused");
	variant(v, sizeof(v), 7 + VMRPC_NR_VECTORS, NULL);
	tap_ok(refused(v), "a missing guest eventfd is refused");
	variant(v, sizeof(v), -1, "qemu_pid 17\n");
	tap_ok(refused(v), "a key twice is refused");
	variant(v, sizeof(v), -1, "color blue\n");
	tap_ok(refused(v), "an unknown key is refused");
	variant(v, sizeof(v), 0, "zhostd-recover 2\n");
	tap_ok(refused(v), "another version is refused");
	variant(v, sizeof(v), 1, "qemu_pid 0\n");
	tap_ok(refused(v), "pid 0 is refused");
	variant(v, sizeof(v), 1, "qemu_pid -5\n");
	tap_ok(refused(v), "a negative number is refused");
	variant(v, sizeof(v), 1, "qemu_pid 99999999999999999999999\n");
	tap_ok(refused(v), "a number past 64 bits is refused");
	snprintf(err, sizeof(err), "host_eventfd %u 10\n", VMRPC_NR_VECTORS);
	variant(v, sizeof(v), 7, err);
	tap_ok(refused(v), "a vector past VMRPC_NR_VECTORS is refused");
	variant(v, sizeof(v), 7 + VMRPC_HVEC_ECHO, NULL);
	tap_ok(refused(v), "the echo vector's host line without its guest line is refused");
	s.echo = false;
	len = zh_recover_state_format(&s, text, sizeof(text));
	tap_ok(len > 0 && !strstr(text, "eventfd 3 ") &&
	       !zh_recover_state_parse(text, &back, err, sizeof(err)) &&
	       !back.echo && back.host_id[VMRPC_HVEC_CALL] == s.host_id[0],
	       "a state without the echo vector (an older zhostd) reads back");
	variant(v, sizeof(v), 1, "qemu_pid 12 13\n");
	tap_ok(refused(v), "a value too many is refused");
	tap_ok(refused(""), "an empty file is refused");
}

static void test_fdinfo(void)
{
	static const char efd[] =
		"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t18\n"
		"eventfd-count:                0\neventfd-id: 7\n"
		"eventfd-semaphore: 0\n";
	static const char mfd[] =
		"pos:\t0\nflags:\t02100002\nmnt_id:\t0\nino:\t3285\n";
	struct zh_fdinfo fi;

	tap_ok(!zh_fdinfo_parse(efd, &fi) && fi.is_eventfd &&
	       fi.eventfd_id == 7 && fi.ino == 18,
	       "an eventfd's fdinfo gives its eventfd-id");
	tap_ok(!zh_fdinfo_parse(mfd, &fi) && !fi.is_eventfd && fi.ino == 3285,
	       "a memfd's fdinfo gives its inode");
	tap_ok(zh_fdinfo_parse("eventfd-id: 3\n", &fi) == -EINVAL,
	       "text without a flags line is not fdinfo");
	tap_ok(!zh_fdinfo_parse("flags: 0\neventfd-id: x\nino: 12junk\n", &fi) &&
	       !fi.is_eventfd && !fi.ino,
	       "malformed numbers are not taken");
}

static void test_match(void)
{
	struct zh_recover_state s = sample();
	struct zh_recover_fds m;
	struct zh_fdinfo fi;
	char err[ZH_RECOVER_ERR_MAX];
	unsigned int v;
	bool all = true;

	zh_recover_fds_init(&m);
	/* QEMU's other descriptors: files, other eventfds, an inode alike. */
	fi = (struct zh_fdinfo){ .ino = 5 };
	zh_recover_match(&s, 3, &fi, &m);
	fi = (struct zh_fdinfo){ .ino = 99, .is_eventfd = true, .eventfd_id = 1 };
	zh_recover_match(&s, 4, &fi, &m);
	tap_ok(!zh_recover_match_done(&m, err, sizeof(err)) &&
	       m.memfd == -1 && strstr(err, "memfd"),
	       "an eventfd is never taken for the memfd, and a missing memfd is named");
	fi = (struct zh_fdinfo){ .ino = 99 };
	zh_recover_match(&s, 30, &fi, &m);
	zh_recover_match(&s, 31, &fi, &m);
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		fi = (struct zh_fdinfo){ .is_eventfd = true,
					 .eventfd_id = s.host_id[v] };
		zh_recover_match(&s, 40 + (int)v, &fi, &m);
		if (v == 1)
			continue;	/* the guest's vector 1 is missing */
		fi.eventfd_id = s.guest_id[v];
		zh_recover_match(&s, 50 + (int)v, &fi, &m);
	}
	tap_ok(!zh_recover_match_done(&m, err, sizeof(err)) &&
	       strstr(err, "guest eventfd of vector 1"),
	       "a missing eventfd is named with its vector");
	fi = (struct zh_fdinfo){ .is_eventfd = true, .eventfd_id = s.guest_id[1] };
	zh_recover_match(&s, 51, &fi, &m);
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		all = all && m.host_fd[v] == 40 + (int)v &&
		      m.guest_fd[v] == 50 + (int)v;
	tap_ok(zh_recover_match_done(&m, err, sizeof(err)) && m.memfd == 30 && all,
	       "every descriptor found, the first one of an inode wins");

	/* QEMU started with vectors=3 closed the echo vector's eventfds. */
	zh_recover_fds_init(&m);
	fi = (struct zh_fdinfo){ .ino = 99 };
	zh_recover_match(&s, 30, &fi, &m);
	for (v = 0; v < VMRPC_NR_VECTORS_MIN; v++) {
		fi = (struct zh_fdinfo){ .is_eventfd = true,
					 .eventfd_id = s.host_id[v] };
		zh_recover_match(&s, 40 + (int)v, &fi, &m);
		fi.eventfd_id = s.guest_id[v];
		zh_recover_match(&s, 50 + (int)v, &fi, &m);
	}
	tap_ok(zh_recover_match_done(&m, err, sizeof(err)) &&
	       m.host_fd[VMRPC_HVEC_ECHO] == -1 &&
	       m.guest_fd[VMRPC_GVEC_ECHO] == -1,
	       "without the echo vector's eventfds the rest is enough");
	/* A state without the echo vector never matches id 0 to it. */
	s.echo = false;
	s.host_id[VMRPC_HVEC_ECHO] = s.guest_id[VMRPC_GVEC_ECHO] = 0;
	fi = (struct zh_fdinfo){ .is_eventfd = true, .eventfd_id = 0 };
	zh_recover_match(&s, 60, &fi, &m);
	tap_ok(m.host_fd[VMRPC_HVEC_ECHO] == -1 &&
	       m.guest_fd[VMRPC_GVEC_ECHO] == -1,
	       "an unrecorded echo vector matches no descriptor");
}

int main(void)
{
	tap_timeout(30, NULL);
	tap_plan(24);
	test_state();
	test_fdinfo();
	test_match();
	return tap_done();
}
