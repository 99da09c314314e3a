// SPDX-License-Identifier: GPL-2.0-only
/*
 * One QMP command; see qmp.h. QMP is JSON objects, one per line: QEMU
 * greets with {"QMP": {...}}, the client sends qmp_capabilities, then its
 * command; each reply is {"return": ...} or {"error": {"class", "desc"}}
 * carrying the request's "id", and events ({"event": ...}) may arrive
 * before it. Every wait has the caller's deadline: a QEMU that hangs must
 * not hang the memory guard.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "qmp.h"

/* The longest message read; QEMU's greeting and replies are far shorter. */
#define QMP_LINE_MAX	(64 * 1024)

struct qmp_conn {
	int fd;
	long long deadline_ms;
	char buf[QMP_LINE_MAX];
	size_t len;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int qmp_fail(struct qmp_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Wait for @events on the socket until the deadline; 0 or -1 (@err set). */
static int qmp_wait(struct qmp_conn *c, short events, const char *what)
{
	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = events };
		long long left = c->deadline_ms - (long long)zh_now_ms();
		int n;

		if (left <= 0)
			return qmp_fail(c, "QEMU did not answer in time (%s)", what);
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return qmp_fail(c, "poll: %s", strerror(errno));
	}
}

static int qmp_send(struct qmp_conn *c, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t n = send(c->fd, line + off, len - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (qmp_wait(c, POLLOUT, "sending"))
				return -1;
		} else {
			return qmp_fail(c, "cannot send to QEMU: %s",
					n < 0 ? strerror(errno) : "closed");
		}
	}
	return 0;
}

/* The next JSON object QEMU sends, a new reference; NULL with @err set. */
static json_t *qmp_read(struct qmp_conn *c, const char *what)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;

		if (nl) {
			size_t used = (size_t)(nl - c->buf) + 1;
			json_t *msg = json_loadb(c->buf, used - 1, 0, NULL);

			c->len -= used;
			memmove(c->buf, c->buf + used, c->len);
			if (!json_is_object(msg)) {
				json_decref(msg);
				qmp_fail(c, "QEMU sent something that is not a QMP message (%s)",
					 what);
				return NULL;
			}
			return msg;
		}
		if (c->len == sizeof(c->buf)) {
			qmp_fail(c, "a QMP message over %d bytes (%s)",
				 QMP_LINE_MAX, what);
			return NULL;
		}
		if (qmp_wait(c, POLLIN, what))
			return NULL;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
			 MSG_DONTWAIT);
		if (n > 0)
			c->len += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			qmp_fail(c, "QEMU closed the QMP connection (%s)", what);
			return NULL;
		}
	}
}

/* Send @command with @id and wait for its reply, skipping events. */
static int qmp_command(struct qmp_conn *c, const char *command, const char *id)
{
	char line[256];
	json_t *msg;

	snprintf(line, sizeof(line), "{\"execute\": \"%s\", \"id\": \"%s\"}\n",
		 command, id);
	if (qmp_send(c, line))
		return -1;
	while ((msg = qmp_read(c, command))) {
		const char *mid = json_string_value(json_object_get(msg, "id"));
		json_t *error = json_object_get(msg, "error");
		const char *desc;
		int ret = 0;

		if (!mid || strcmp(mid, id)) {
			json_decref(msg);	/* an event, or not ours */
			continue;
		}
		desc = json_string_value(json_object_get(error, "desc"));
		if (error)
			ret = qmp_fail(c, "QEMU refused %s: %s", command,
				       desc ? desc : "no reason given");
		else if (!json_object_get(msg, "return"))
			ret = qmp_fail(c, "QEMU's reply to %s has no \"return\"",
				       command);
		json_decref(msg);
		return ret;
	}
	return -1;
}

int zhostd_qmp_execute(const char *path, const char *command,
		       unsigned int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp_conn *c;
	json_t *greeting;
	int ret = -1;

	/* The line buffer is large for a stack: control client threads' too. */
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->err = err;
	c->errlen = errlen;
	c->deadline_ms = (long long)zh_now_ms() + timeout_ms;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		qmp_fail(c, "QMP socket path too long: %s", path);
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		qmp_fail(c, "socket: %s", strerror(errno));
		goto out;
	}
	/* A UNIX connect completes at once, or fails (EAGAIN: backlog full). */
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		qmp_fail(c, "cannot connect to QEMU's QMP socket %s: %s", path,
			 strerror(errno));
		goto out_close;
	}
	greeting = qmp_read(c, "greeting");
	if (!greeting)
		goto out_close;
	if (!json_is_object(json_object_get(greeting, "QMP"))) {
		json_decref(greeting);
		qmp_fail(c, "%s is not QEMU's QMP socket (no QMP greeting)", path);
		goto out_close;
	}
	json_decref(greeting);
	if (!qmp_command(c, "qmp_capabilities", "zhostd-1") &&
	    !qmp_command(c, command, "zhostd-2"))
		ret = 0;
out_close:
	close(c->fd);
out:
	free(c);
	return ret;
}
