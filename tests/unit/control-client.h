/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A control client for unit tests that run zhostd's control server in
 * process: connect, read the greeting, then read JSON lines and wait for
 * a named event. One client per test program (its state is static).
 * Include after fake-qemu.h (fq_now_ms, FQ_TIMEOUT_MS) and control.h.
 */
#ifndef ZH_TEST_CONTROL_CLIENT_H
#define ZH_TEST_CONTROL_CLIENT_H

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int cfd = -1;		/* the connection, -1 before client_open() */
static char cbuf[1 << 20];	/* bytes read and not yet returned */
static size_t clen;

/* The next line from zhostd as JSON; NULL after @ms without one. */
static inline json_t *client_line(int ms)
{
	long long end = fq_now_ms() + ms;
	size_t used;
	json_t *msg;
	char *nl;

	while (!(nl = memchr(cbuf, '\n', clen))) {
		struct pollfd p = { cfd, POLLIN, 0 };
		int left = (int)(end - fq_now_ms());
		ssize_t n;

		if (left <= 0 || clen == sizeof(cbuf) || poll(&p, 1, left) != 1)
			return NULL;
		n = read(cfd, cbuf + clen, sizeof(cbuf) - clen);
		if (n <= 0)
			return NULL;
		clen += (size_t)n;
	}
	used = (size_t)(nl - cbuf) + 1;
	msg = json_loadb(cbuf, used - 1, 0, NULL);
	clen -= used;
	memmove(cbuf, cbuf + used, clen);
	return msg;
}

/* The data of the next event @name (others skipped); NULL on timeout. */
static inline json_t *next_event(const char *name, int ms)
{
	long long end = fq_now_ms() + ms;

	while (fq_now_ms() < end) {
		json_t *m = client_line((int)(end - fq_now_ms()));
		const char *ev = json_string_value(json_object_get(m, "event"));

		if (!m)
			return NULL;
		if (ev && !strcmp(ev, name)) {
			json_t *data = json_incref(json_object_get(m, "data"));

			json_decref(m);
			return data;
		}
		json_decref(m);
	}
	return NULL;
}

/* Connect to the control socket at @path, let @ctl accept, read the greeting. */
static inline bool client_open(struct zhostd_control *ctl, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_t *greeting;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)))
		return false;
	zhostd_control_accept(ctl);
	greeting = client_line(FQ_TIMEOUT_MS);
	json_decref(greeting);
	return greeting != NULL;
}

#endif /* ZH_TEST_CONTROL_CLIENT_H */
