// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's control socket (mm-host/control.c) without a VM: a request
 * whose error reply quotes it cut inside a UTF-8 sequence gets that error
 * and the connection stays;
 * clients over --max-clients get a clear error instead of the greeting,
 * and a place freed is served again.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "../lib/tap.h"
#include "control.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "log.h"

#define MAX_CLIENTS	3

static struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };
static char dir[80];
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void cleanup(void)
{
	unlink(ctl_path);
	if (dir[0])
		rmdir(dir);
}

static bool send_line(int fd, const char *s)
{
	size_t len = strlen(s);

	return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/* A request cut inside a UTF-8 sequence, then a good one. */
static void test_cut_utf8(void)
{
	const char *cls, *desc;
	json_t *r, *err;
	char req[1024];

	tap_diag("[RUN] a request cut inside a UTF-8 sequence");
	/*
	 * An unknown command of 300 two-byte characters: the error quoting
	 * it ("the command ... has not been found") is cut at its 255th
	 * byte, inside a character.
	 */
	snprintf(req, sizeof(req), "{\"execute\": \"");
	for (int i = 0; i < 300; i++)
		strcat(req, "\xc3\xa9");
	strcat(req, "\"}\n");
	send_line(cfd, req);
	r = client_line(FQ_TIMEOUT_MS);
	err = json_object_get(r, "error");
	cls = json_string_value(json_object_get(err, "class"));
	desc = json_string_value(json_object_get(err, "desc"));
	tap_ok(cls && !strcmp(cls, "CommandNotFound") && desc &&
	       !strncmp(desc, "the command \xc3\xa9", 14),
	       "it gets an error reply quoting it up to a whole character");
	json_decref(r);
	send_line(cfd, "{\"execute\": \"query-commands\", \"id\": 2}\n");
	r = client_line(FQ_TIMEOUT_MS);
	tap_ok(json_is_object(json_object_get(r, "return")),
	       "and the connection still serves the next request");
	json_decref(r);
}

/* Connect to the socket and let @ctl accept. */
static int dial(struct zhostd_control *ctl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	zhostd_control_accept(ctl);
	return fd;
}

/* The first line the server sent on @fd, or "" after a timeout. */
static void first_line(int fd, char *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t used = 0;

	buf[0] = '\0';
	while (used + 1 < len && poll(&p, 1, FQ_TIMEOUT_MS) == 1) {
		ssize_t n = read(fd, buf + used, len - 1 - used);

		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		if (strchr(buf, '\n'))
			break;
	}
}

static void test_max_clients(struct zhostd_control *ctl)
{
	int fds[MAX_CLIENTS], extra;
	char line[512];
	bool greeted = true, refused;

	tap_diag("[RUN] --max-clients");
	/* The test's own client is one of them. */
	zhostd_control_set_max_clients(ctl, MAX_CLIENTS);
	for (int i = 0; i < MAX_CLIENTS - 1; i++) {
		fds[i] = dial(ctl);
		first_line(fds[i], line, sizeof(line));
		greeted &= fds[i] >= 0 && strstr(line, "\"zhostd\"") != NULL;
	}
	tap_ok(greeted, "%d clients are served", MAX_CLIENTS);
	extra = dial(ctl);
	first_line(extra, line, sizeof(line));
	refused = strstr(line, "\"error\"") && strstr(line, "too many control clients") &&
		  strstr(line, "--max-clients");
	tap_ok(refused && read(extra, line, sizeof(line)) == 0,
	       "one more gets an error line and is closed");
	if (extra >= 0)
		close(extra);

	close(fds[0]);
	/* Its thread notices the close and leaves the list. */
	FQ_WAIT_FOR(greeted, (extra = dial(ctl),
			      first_line(extra, line, sizeof(line)),
			      close(extra), strstr(line, "\"zhostd\"") != NULL),
		    FQ_TIMEOUT_MS);
	tap_ok(greeted, "a place freed is served again");
	for (int i = 1; i < MAX_CLIENTS - 1; i++)
		close(fds[i]);
}

int main(void)
{
	struct zhostd_control *ctl = NULL;
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(5);
	up = fq_mkdtemp(dir, sizeof(dir));
	if (up) {
		snprintf(ctl_path, sizeof(ctl_path), "%s/zhostd.sock", dir);
		up = zhostd_control_open(&zd, ctl_path, &ctl) == 0;
		zd.ctl = ctl;
	}
	/* Refusals are logged: to /dev/null, not the test's output. */
	up = up && zlog_open(ZLOG_DEBUG, "/dev/null", 0) == 0 &&
	     client_open(ctl, ctl_path);
	if (!up) {
		printf("Bail out! cannot set up a control socket\n");
	} else {
		test_cut_utf8();
		test_max_clients(ctl);
	}
	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	zlog_close();
	cleanup();
	return up ? tap_done() : 1;
}
