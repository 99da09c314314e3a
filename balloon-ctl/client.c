// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: the conversation with zhostd over its control socket.
 *
 * After connect() the socket is non-blocking and every wait is a poll()
 * bounded by one deadline, so -t covers the whole conversation whatever the
 * peer does: never accept, never greet, trickle bytes or flood events.
 * Received bytes accumulate in a buffer that grows (up to BCTL_REPLY_MAX)
 * until a newline completes a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "client.h"
#include "format.h"
#include "runtime-dir.h"

/* First size of the receive buffer: a greeting or a status fits. */
#define BCTL_BUF_INIT	4096

struct bctl_client {
	int fd;				/* the socket; non-blocking once connected */
	const struct bctl_opts *opts;	/* path and VM name, for messages */
	int64_t deadline;		/* CLOCK_MONOTONIC ns: give up then */
	bool greeted;			/* a valid greeting was read */
	char *buf;			/* bytes received and not parsed yet */
	size_t len;			/* bytes in @buf */
	size_t cap;			/* allocated size of @buf */
	size_t scanned;			/* leading bytes of @buf without '\n' */
	unsigned int seq;		/* requests sent, numbers their ids */
	bool quiet_timeout;		/* the deadline ends a wait for events:
					 * no message, CLIENT_NO_EVENT */
	bool event_seen;		/* an event came while a call waited for
					 * its reply: the next wake is at once */
};

/* What a wait for an event that timed out returns inside this file. */
#define CLIENT_NO_EVENT		(-1)

/* Nanoseconds before the deadline, 0 once it passed. */
static int64_t left_ns(const struct bctl_client *c)
{
	int64_t left = c->deadline - (int64_t)zh_now_ns();

	return left > 0 ? left : 0;
}

/* The wait for poll(), rounded up: waking just short of the deadline spins. */
static int left_ms(const struct bctl_client *c)
{
	int64_t ms = (left_ns(c) + 999999) / 1000000;

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int timed_out(const struct bctl_client *c, const char *what)
{
	if (c->quiet_timeout)
		return CLIENT_NO_EVENT;
	bctl_err("timed out after %g s waiting for %s", c->opts->timeout, what);
	return BCTL_EXIT_TIMEOUT;
}

static int not_zhostd(const struct bctl_client *c)
{
	bctl_err("%s is not a zhostd socket (unexpected greeting)",
		 c->opts->socket_path);
	return BCTL_EXIT_UNREACHABLE;
}

static int closed(const struct bctl_client *c, const char *what)
{
	/* zhostd drops peers that are neither root nor its own user. */
	if (!c->greeted)
		bctl_err("zhostd at %s closed the connection before greeting us (it serves only root and the user it runs as)",
			 c->opts->socket_path);
	else
		bctl_err("zhostd closed the connection while we waited for %s",
			 what);
	return BCTL_EXIT_UNREACHABLE;
}

/* Each connect() failure the user can act on gets its own message. */
static int connect_failed(const struct bctl_client *c, int err)
{
	const char *path = c->opts->socket_path;
	struct stat st;

	switch (err) {
	case ENOENT:
	case ENOTDIR:
		if (c->opts->vm_name)
			bctl_err("no VM named '%s' (no zhostd socket at %s)",
				 c->opts->vm_name, path);
		else
			bctl_err("no zhostd socket at %s", path);
		return BCTL_EXIT_UNREACHABLE;
	case ECONNREFUSED:
		/* Linux also refuses connecting to a file that is no socket. */
		if (stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
			bctl_err("%s is not a socket", path);
		else
			bctl_err("zhostd is not running: connection refused at %s (a socket left by a zhostd that died?)",
				 path);
		return BCTL_EXIT_UNREACHABLE;
	case EACCES:
	case EPERM:
		bctl_err("permission denied connecting to %s (zhostd serves only root and the user it runs as)",
			 path);
		return BCTL_EXIT_UNREACHABLE;
	case EAGAIN:
		bctl_err("timed out after %g s connecting to %s (zhostd accepts no connections)",
			 c->opts->timeout, path);
		return BCTL_EXIT_TIMEOUT;
	default:
		bctl_err("cannot connect to %s: %s", path, strerror(err));
		return BCTL_EXIT_UNREACHABLE;
	}
}

/*
 * With -n the socket is found through RUNTIME/NAME: connect only if both
 * directories are ours alone (runtime-dir.h), so that no other user can
 * have put a socket of theirs there. A missing one means no such VM, said
 * without connecting: it could appear in between.
 */
static int check_vm_dir(const struct bctl_client *c)
{
	char err[ZH_DIR_ERR_MAX];
	int fd;

	if (!c->opts->runtime_dir)
		return BCTL_EXIT_OK;
	fd = zh_vm_dir_open(c->opts->runtime_dir, c->opts->vm_name, false,
			    err, sizeof(err));
	if (fd == -ENOENT)
		return connect_failed(c, ENOENT);
	if (fd < 0) {
		bctl_err("%s", err);
		return BCTL_EXIT_UNREACHABLE;
	}
	close(fd);
	return BCTL_EXIT_OK;
}

static int client_connect(struct bctl_client *c)
{
	const char *path = c->opts->socket_path;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t left = left_ns(c);
	struct timeval tv;
	int flags;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		bctl_err("socket path too long: %s", path);
		return BCTL_EXIT_USAGE;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		bctl_err("socket: %s", strerror(errno));
		return BCTL_EXIT_UNREACHABLE;
	}
	/*
	 * A UNIX connect() does not wait for accept(), but it blocks while the
	 * server's listen backlog is full. A non-blocking connect() would fail
	 * at once then (EAGAIN, with nothing to poll for); SO_SNDTIMEO bounds
	 * the blocking wait instead, failing with EAGAIN. Zero would mean
	 * forever, hence at least a microsecond.
	 */
	if (left < 1000)
		left = 1000;
	tv.tv_sec = left / 1000000000;
	tv.tv_usec = left % 1000000000 / 1000;
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		bctl_err("setsockopt(SO_SNDTIMEO): %s", strerror(errno));
		return BCTL_EXIT_UNREACHABLE;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return connect_failed(c, errno);

	flags = fcntl(c->fd, F_GETFL);
	if (flags < 0 || fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		bctl_err("fcntl(O_NONBLOCK): %s", strerror(errno));
		return BCTL_EXIT_UNREACHABLE;
	}
	return BCTL_EXIT_OK;
}

/* Wait for more bytes and append them to @c->buf; @what names the wait. */
static int client_fill(struct bctl_client *c, const char *what)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;

	if (c->len == c->cap) {
		size_t cap = c->cap * 2;
		char *buf;

		if (c->len >= BCTL_REPLY_MAX) {
			bctl_err("zhostd sent a message over %d MiB long while we waited for %s",
				 BCTL_REPLY_MAX >> 20, what);
			return BCTL_EXIT_UNREACHABLE;
		}
		buf = realloc(c->buf, cap);
		if (!buf) {
			bctl_err("out of memory reading %s", what);
			return BCTL_EXIT_UNREACHABLE;
		}
		c->buf = buf;
		c->cap = cap;
	}

	for (;;) {
		/* A peer flooding events must not keep us past the deadline. */
		if (!left_ns(c))
			return timed_out(c, what);
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n > 0) {
			c->len += (size_t)n;
			return BCTL_EXIT_OK;
		}
		if (n == 0 || errno == ECONNRESET)
			return closed(c, what);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			bctl_err("reading from zhostd: %s", strerror(errno));
			return BCTL_EXIT_UNREACHABLE;
		}
		if (poll(&pfd, 1, left_ms(c)) < 0 && errno != EINTR) {
			bctl_err("poll: %s", strerror(errno));
			return BCTL_EXIT_UNREACHABLE;
		}
	}
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Whether @c->buf starts with something other than blanks and '{'. */
static bool starts_non_json(const struct bctl_client *c)
{
	for (size_t i = 0; i < c->len; i++)
		if (!is_blank(c->buf + i, 1))
			return c->buf[i] != '{';
	return false;
}

/*
 * The next message: one line holding a JSON object; blank lines are
 * skipped. Before the greeting, a first byte other than '{' means a peer
 * speaking something else (zhostd's ivshmem socket, say), which may never
 * send a newline: say so now instead of timing out.
 */
static int client_read_msg(struct bctl_client *c, const char *what,
			   json_t **msg)
{
	for (;;) {
		char *nl = memchr(c->buf + c->scanned, '\n',
				  c->len - c->scanned);
		json_error_t jerr;
		json_t *m = NULL;
		size_t used;
		bool blank;
		int ret;

		if (!nl) {
			/* Rescanning at each read would be quadratic. */
			c->scanned = c->len;
			if (!c->greeted && starts_non_json(c))
				return not_zhostd(c);
			ret = client_fill(c, what);
			if (ret)
				return ret;
			continue;
		}

		used = (size_t)(nl - c->buf);
		blank = is_blank(c->buf, used);
		if (!blank)
			m = json_loadb(c->buf, used, JSON_REJECT_DUPLICATES,
				       &jerr);
		c->len -= used + 1;
		memmove(c->buf, nl + 1, c->len);
		c->scanned = 0;
		if (blank)
			continue;

		if (json_is_object(m)) {
			*msg = m;
			return BCTL_EXIT_OK;
		}
		if (!c->greeted) {
			json_decref(m);
			return not_zhostd(c);
		}
		if (m)
			bctl_err("zhostd sent a message that is not a JSON object while we waited for %s",
				 what);
		else
			bctl_err("zhostd sent malformed JSON (%s) while we waited for %s",
				 jerr.text, what);
		json_decref(m);
		return BCTL_EXIT_UNREACHABLE;
	}
}

static int client_greeting(struct bctl_client *c)
{
	json_t *msg;
	bool ok;
	int ret;

	ret = client_read_msg(c, "zhostd's greeting", &msg);
	if (ret)
		return ret;
	ok = json_is_object(json_object_get(msg, "zhostd"));
	json_decref(msg);
	if (!ok)
		return not_zhostd(c);
	c->greeted = true;
	return BCTL_EXIT_OK;
}

static int client_send(struct bctl_client *c, const char *buf, size_t len,
		       const char *what)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		/* MSG_NOSIGNAL: a zhostd gone away is an error, not SIGPIPE. */
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return closed(c, what);
		if (n < 0 && errno != EAGAIN) {
			bctl_err("sending to zhostd: %s", strerror(errno));
			return BCTL_EXIT_UNREACHABLE;
		}
		if (!left_ns(c))
			return timed_out(c, what);
		if (poll(&pfd, 1, left_ms(c)) < 0 && errno != EINTR) {
			bctl_err("poll: %s", strerror(errno));
			return BCTL_EXIT_UNREACHABLE;
		}
	}
	return BCTL_EXIT_OK;
}

int bctl_client_open(const struct bctl_opts *opts, struct bctl_client **out)
{
	struct bctl_client *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c) {
		bctl_err("out of memory");
		return BCTL_EXIT_UNREACHABLE;
	}
	c->fd = -1;
	c->opts = opts;
	/* Never NULL, even empty: memchr() and memmove() must not see NULL. */
	c->cap = BCTL_BUF_INIT;
	c->buf = malloc(c->cap);
	if (!c->buf) {
		free(c);
		bctl_err("out of memory");
		return BCTL_EXIT_UNREACHABLE;
	}
	c->deadline = (int64_t)zh_now_ns() + (int64_t)(opts->timeout * 1e9);

	ret = check_vm_dir(c);
	if (!ret)
		ret = client_connect(c);
	if (!ret)
		ret = client_greeting(c);
	if (ret) {
		bctl_client_close(c);
		return ret;
	}
	*out = c;
	return BCTL_EXIT_OK;
}

void bctl_client_close(struct bctl_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

/* The request line for @command, newline-terminated; NULL on failure. */
static char *client_request(const char *command, json_t *args, json_t *id)
{
	json_t *req = json_object();
	char *line = NULL, *nl;
	size_t len;

	if (json_object_set_new(req, "execute", json_string(command))) {
		json_decref(args);
		goto out;
	}
	/* json_object_set_new() consumes its value even when it fails. */
	if ((args && json_object_set_new(req, "arguments", args)) ||
	    json_object_set(req, "id", id))
		goto out;
	/* Compact output escapes newlines in strings: one request, one line. */
	line = json_dumps(req, JSON_COMPACT);
	if (!line)
		goto out;
	len = strlen(line);
	nl = realloc(line, len + 2);
	if (!nl) {
		free(line);
		line = NULL;
		goto out;
	}
	line = nl;
	memcpy(line + len, "\n", 2);
out:
	json_decref(req);
	return line;
}

int bctl_client_call(struct bctl_client *c, const char *command,
		     json_t *args, json_t **ret)
{
	char what[128], msgbuf[1024];
	json_t *id, *msg;
	char *line;
	int st;

	snprintf(what, sizeof(what), "the reply to '%s'", command);
	/* The pid makes the id findable in zhostd's logs. */
	id = json_sprintf("%s-%ld-%u", BCTL_PROG, (long)getpid(), ++c->seq);
	line = id ? client_request(command, args, id) : NULL;
	if (!id)
		json_decref(args);
	if (!line) {
		json_decref(id);
		bctl_err("out of memory building the request '%s'", command);
		return BCTL_EXIT_UNREACHABLE;
	}
	if (strlen(line) > BCTL_REQUEST_MAX) {
		bctl_err("request '%s' is over the protocol's %d KiB limit",
			 command, BCTL_REQUEST_MAX >> 10);
		st = BCTL_EXIT_USAGE;
		goto out;
	}

	st = client_send(c, line, strlen(line), what);
	while (!st) {
		json_t *rid, *error, *retv;

		st = client_read_msg(c, what, &msg);
		if (st)
			break;
		error = json_object_get(msg, "error");
		retv = json_object_get(msg, "return");
		rid = json_object_get(msg, "id");
		/*
		 * Anything else is not ours: an event, a reply bearing another
		 * id, or a kind of message newer than this client. An event is
		 * remembered: the state this call returns may predate it, and a
		 * waiter must not sleep until the next one (a resize's last
		 * event often comes while its query-memory is in flight).
		 */
		if (json_is_string(json_object_get(msg, "event")))
			c->event_seen = true;
		if ((error || retv) && (!rid || json_equal(rid, id))) {
			if (error) {
				st = bctl_client_error(error, msgbuf,
						       sizeof(msgbuf));
				bctl_err("%s", msgbuf);
			} else {
				*ret = json_incref(retv);
			}
			json_decref(msg);
			break;
		}
		json_decref(msg);
	}
out:
	free(line);
	json_decref(id);
	return st;
}

int bctl_client_next_event(struct bctl_client *c, double wait_s,
			   json_t **event)
{
	json_t *msg = NULL;
	int st;

	*event = NULL;
	c->deadline = (int64_t)zh_now_ns() + (int64_t)(wait_s * 1e9);
	c->quiet_timeout = true;
	st = client_read_msg(c, "an event", &msg);
	c->quiet_timeout = false;
	/* The next request gets the whole -t again. */
	c->deadline = (int64_t)zh_now_ns() + (int64_t)(c->opts->timeout * 1e9);
	if (st == CLIENT_NO_EVENT)
		return BCTL_EXIT_OK;
	if (st)
		return st;
	/* A late reply to a request given up on is no event: drop it. */
	if (json_is_string(json_object_get(msg, "event")))
		*event = msg;
	else
		json_decref(msg);
	return BCTL_EXIT_OK;
}

int bctl_client_wake(struct bctl_client *c, double wait_s)
{
	json_t *ev;
	int st;

	if (c->event_seen)
		wait_s = 0;
	c->event_seen = false;
	st = bctl_client_next_event(c, wait_s, &ev);
	while (!st && ev) {
		json_decref(ev);
		st = bctl_client_next_event(c, 0, &ev);
	}
	return st;
}

int bctl_client_error(const json_t *error, char *msg, size_t len)
{
	/* The classes of Documentation/reference/control-protocol.rst, in words. */
	static const struct {
		const char *class;
		const char *words;
	} classes[] = {
		{ "CommandNotFound",   "command not supported by this zhostd" },
		{ "InvalidParameter",  "invalid parameter" },
		{ "GuestNotConnected", "guest not connected" },
		{ "Timeout",           "the guest did not answer in time" },
		{ "GuestError",        "the guest failed" },
		{ "GenericError",      "zhostd failed" },
	};
	const char *class = json_string_value(json_object_get(error, "class"));
	const char *desc = json_string_value(json_object_get(error, "desc"));
	const char *words = "zhostd failed";

	for (size_t i = 0; class && i < BCTL_ARRAY_SIZE(classes); i++)
		if (!strcmp(class, classes[i].class))
			words = classes[i].words;
	snprintf(msg, len, "%s (%s): %s", words, class ? class : "no class",
		 desc ? desc : "no description");
	return BCTL_EXIT_DAEMON;
}

int bctl_client_run(const struct bctl_opts *opts, const char *command,
		    json_t *args, json_t **ret)
{
	struct bctl_client *c;
	int st;

	st = bctl_client_open(opts, &c);
	if (st) {
		json_decref(args);
		return st;
	}
	st = bctl_client_call(c, command, args, ret);
	bctl_client_close(c);
	return st;
}

int bctl_client_bad_reply(const char *command, const char *what)
{
	bctl_err("unexpected reply from zhostd to '%s': %s", command, what);
	return BCTL_EXIT_UNREACHABLE;
}

int bctl_client_run_bare(const struct bctl_cmd *cmd,
			 const struct bctl_opts *opts, int argc, char **argv,
			 json_t **ret)
{
	if (argc > 1)
		return bctl_usage_err(cmd, "unexpected argument '%s'", argv[1]);
	return bctl_client_run(opts, cmd->execute, NULL, ret);
}

int bctl_client_verdict(const struct bctl_cmd *cmd,
			const struct bctl_opts *opts, int argc, char **argv,
			const char *key, bool partial_when,
			void (*print)(const json_t *ret))
{
	json_t *ret;
	bool finding;
	int st;

	st = bctl_client_run_bare(cmd, opts, argc, argv, &ret);
	if (st)
		return st;
	finding = json_is_true(json_object_get(ret, key));
	if (opts->json)
		bctl_print_json(ret);
	else
		print(ret);
	json_decref(ret);
	return finding == partial_when ? BCTL_EXIT_PARTIAL : BCTL_EXIT_OK;
}
