// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control socket.
 *
 * One thread per client keeps a slow command (a reverse call waiting for
 * the guest) from delaying other clients. Writes to a client go through
 * its own mutex, so replies and events never interleave mid-line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "control-request.h"
#include "control.h"
#include "log.h"
#include "unix-socket.h"

/*
 * A client that does not read its socket for this long is dropped. Events
 * are sent under ctl->lock from the threads serving the guest: one client
 * that stopped reading must not hold them up for longer. With the guest's
 * events rate-limited (ratelimit.h), only a client that stops reading for
 * long fills its socket buffer; a short pause drops nobody.
 */
#define ZHOSTD_CONTROL_SEND_TIMEOUT_S	2

struct zhostd_client {
	struct zhostd_control *ctl;
	int fd;
	pthread_t thread;
	pthread_mutex_t wlock;		/* serializes writes to @fd */
	struct zhostd_client *next;	/* in ctl->clients, under ctl->lock */
};

struct zhostd_control {
	struct zhostd *zd;
	int fd;
	char *path;
	pthread_mutex_t lock;		/* protects @clients to @refusing */
	struct zhostd_client *clients;
	unsigned int nr_clients;	/* in @clients */
	unsigned int max_clients;	/* served at once */
	bool refusing;			/* logged a refusal, none served since */
};

int zhostd_control_open(struct zhostd *zd, const char *path,
			struct zhostd_control **out)
{
	struct zhostd_control *ctl = calloc(1, sizeof(*ctl));
	int ret;

	if (!ctl)
		return -ENOMEM;
	ctl->zd = zd;
	ctl->max_clients = ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT;
	ctl->path = strdup(path);
	pthread_mutex_init(&ctl->lock, NULL);
	if (!ctl->path) {
		free(ctl);
		return -ENOMEM;
	}
	ret = unix_socket_listen(path, 0600);
	if (ret < 0) {
		free(ctl->path);
		free(ctl);
		return ret;
	}
	ctl->fd = ret;
	*out = ctl;
	return 0;
}

void zhostd_control_set_max_clients(struct zhostd_control *ctl,
				    unsigned int max)
{
	pthread_mutex_lock(&ctl->lock);
	ctl->max_clients = max ? max : 1;
	pthread_mutex_unlock(&ctl->lock);
}

int zhostd_control_fd(const struct zhostd_control *ctl)
{
	return ctl->fd;
}

/* Send one JSON value as a line; false when the client is gone. */
static bool client_send(struct zhostd_client *c, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	bool ok = true;

	if (!text)
		return false;
	len = strlen(text);
	text[len] = '\n';	/* json_dumps's NUL becomes the terminator */
	pthread_mutex_lock(&c->wlock);
	while (off < len + 1) {
		ssize_t n = send(c->fd, text + off, len + 1 - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = false;
			break;
		}
		off += (size_t)n;
	}
	pthread_mutex_unlock(&c->wlock);
	free(text);
	if (!ok)
		shutdown(c->fd, SHUT_RDWR);	/* the reader thread ends it */
	return ok;
}

static void client_unlink(struct zhostd_control *ctl, struct zhostd_client *c)
{
	pthread_mutex_lock(&ctl->lock);
	for (struct zhostd_client **pp = &ctl->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			ctl->nr_clients--;
			break;
		}
	}
	pthread_mutex_unlock(&ctl->lock);
}

/* Handle one request line; false when the client must be dropped. */
static bool client_request(struct zhostd_client *c, const char *line,
			   size_t len)
{
	json_t *reply = zhostd_control_request(c->ctl->zd, line, len);
	bool ok;

	if (!reply)
		return false;
	ok = client_send(c, reply);
	json_decref(reply);
	return ok;
}

/*
 * A request longer than ZHOSTD_CONTROL_MAX_REQUEST: one error reply, then
 * its bytes are dropped up to its newline and the connection goes on.
 * Logged once per connection: a client must not flood the log.
 */
static bool client_oversized(struct zhostd_client *c, bool *logged)
{
	char desc[64];
	json_t *reply;
	bool ok;

	if (!*logged)
		zlog_warn("control client sent a request over %d bytes; refusing it",
			  ZHOSTD_CONTROL_MAX_REQUEST);
	*logged = true;
	snprintf(desc, sizeof(desc), "request longer than %d bytes",
		 ZHOSTD_CONTROL_MAX_REQUEST);
	reply = zhostd_control_error(ZERR_GENERIC, desc);
	if (!reply)
		return false;
	ok = client_send(c, reply);
	json_decref(reply);
	return ok;
}

static void *client_thread(void *arg)
{
	struct zhostd_client *c = arg;
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	bool skipping = false;	/* dropping an oversized request's rest */
	bool logged = false;	/* an oversized request was logged */

	if (!buf)
		goto out;
	for (;;) {
		char *nl;
		ssize_t n;

		if (used == cap) {
			/* Room for the longest request and its newline. */
			size_t want = cap * 2 < ZHOSTD_CONTROL_MAX_REQUEST + 1 ?
				      cap * 2 : ZHOSTD_CONTROL_MAX_REQUEST + 1;
			char *bigger;

			if (cap > ZHOSTD_CONTROL_MAX_REQUEST) {
				if (!skipping && !client_oversized(c, &logged))
					break;
				skipping = true;
				used = 0;
			} else {
				bigger = realloc(buf, want);
				if (!bigger)
					break;
				buf = bigger;
				cap = want;
			}
		}
		n = recv(c->fd, buf + used, cap - used, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		while ((nl = memchr(buf, '\n', used))) {
			size_t linelen = (size_t)(nl - buf);

			if (!skipping && linelen &&
			    !client_request(c, buf, linelen))
				goto out;
			skipping = false;
			used -= linelen + 1;
			memmove(buf, nl + 1, used);
		}
	}
out:
	free(buf);
	client_unlink(c->ctl, c);
	close(c->fd);
	pthread_mutex_destroy(&c->wlock);
	free(c);
	return NULL;
}

/*
 * Refuse the client on @fd when ctl->max_clients are served: an error line
 * instead of the greeting, then close. Each client costs a thread and a
 * buffer of up to ZHOSTD_CONTROL_MAX_REQUEST. Return: true if refused.
 */
static bool control_full(struct zhostd_control *ctl, int fd, int pid)
{
	unsigned int max;
	bool full, first;
	char line[192];
	int n;

	pthread_mutex_lock(&ctl->lock);
	max = ctl->max_clients;
	full = ctl->nr_clients >= max;
	first = full && !ctl->refusing;
	if (full)
		ctl->refusing = true;
	pthread_mutex_unlock(&ctl->lock);
	if (!full)
		return false;
	/* One line per run of refusals: a client retrying must not flood. */
	if (first)
		zlog_warn("control socket: refusing pid %d: %u clients connected, the most zhostd serves (--max-clients)",
			  pid, max);
	n = snprintf(line, sizeof(line),
		     "{\"error\": {\"class\": \"%s\", \"desc\": \"too many control clients: %u connected, the most zhostd serves (--max-clients)\"}}\n",
		     ZERR_GENERIC, max);
	if (n > 0 && (size_t)n < sizeof(line) &&
	    send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		zlog_debug("control socket: cannot tell pid %d: %s", pid,
			   strerror(errno));
	close(fd);
	return true;
}

void zhostd_control_accept(struct zhostd_control *ctl)
{
	struct timeval tv = { .tv_sec = ZHOSTD_CONTROL_SEND_TIMEOUT_S };
	struct zhostd_client *c;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	pthread_attr_t attr;
	json_t *greeting;
	bool sent;
	int fd;

	fd = accept4(ctl->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			zlog_warn("control socket: accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		zlog_warn("control socket: refusing pid %d uid %d (only root and uid %d)",
			  (int)cred.pid, (int)cred.uid, (int)geteuid());
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (control_full(ctl, fd, (int)cred.pid))
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	pthread_mutex_init(&c->wlock, NULL);

	/*
	 * The greeting goes out before the client joins the list that events
	 * are sent to: a client must see it first, even when events are busy.
	 */
	greeting = json_pack("{s:{s:s, s:s, s:{s:i, s:i}}}", "zhostd",
			     "version", ZHOSTD_VERSION, "name", ctl->zd->name,
			     "abi", "major", VMRPC_ABI_MAJOR, "minor",
			     VMRPC_ABI_MINOR);
	sent = greeting && client_send(c, greeting);
	json_decref(greeting);
	if (!sent) {
		close(fd);
		pthread_mutex_destroy(&c->wlock);
		free(c);
		return;
	}

	pthread_mutex_lock(&ctl->lock);
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->nr_clients++;
	ctl->refusing = false;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&c->thread, &attr, client_thread, c)) {
		ctl->clients = c->next;
		ctl->nr_clients--;
		pthread_mutex_unlock(&ctl->lock);
		pthread_attr_destroy(&attr);
		zlog_warn("control socket: cannot start a client thread");
		close(fd);
		pthread_mutex_destroy(&c->wlock);
		free(c);
		return;
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_unlock(&ctl->lock);
	zlog_debug("control client pid %d connected", (int)cred.pid);
}

void zhostd_control_event(struct zhostd_control *ctl, const char *name,
			  json_t *data)
{
	struct timespec ts;
	json_t *ev;

	if (!ctl) {
		json_decref(data);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ev = json_pack("{s:s, s:o, s:{s:I, s:I}}", "event", name,
		       "data", data ? data : json_object(), "timestamp",
		       "seconds", (json_int_t)ts.tv_sec,
		       "microseconds", (json_int_t)(ts.tv_nsec / 1000));
	if (!ev)
		return;
	pthread_mutex_lock(&ctl->lock);
	for (struct zhostd_client *c = ctl->clients; c; c = c->next)
		client_send(c, ev);
	pthread_mutex_unlock(&ctl->lock);
	json_decref(ev);
}

void zhostd_control_close(struct zhostd_control *ctl)
{
	struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	int i;

	if (!ctl)
		return;
	close(ctl->fd);
	unlink(ctl->path);
	/* Client threads are detached: wake them and wait for them to go. */
	pthread_mutex_lock(&ctl->lock);
	for (struct zhostd_client *c = ctl->clients; c; c = c->next)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&ctl->lock);
	for (i = 0; i < 500; i++) {
		bool empty;

		pthread_mutex_lock(&ctl->lock);
		empty = !ctl->clients;
		pthread_mutex_unlock(&ctl->lock);
		if (empty)
			break;
		nanosleep(&pause, NULL);
	}
	if (i == 500) {
		/* Their threads still use @ctl: leave it to process exit. */
		zlog_warn("control clients still busy at exit");
		return;
	}
	pthread_mutex_destroy(&ctl->lock);
	free(ctl->path);
	free(ctl);
}
