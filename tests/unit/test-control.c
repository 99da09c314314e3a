// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's control socket (mm-host/control.c) without a VM: a request
 * whose error reply quotes it cut inside a UTF-8 sequence gets that error
 * and the connection stays; so do a line of 65537 bytes or 1 MiB (one of
 * 65536 is served), 10,000 nested arrays,
 * invalid UTF-8, a NUL byte, an unknown command and arguments of the
 * wrong type, each with a QMP-style error;
 * the socket is mode 0600, and another user is kept out by that mode and,
 * with the mode opened up, by the peer-credential check, while the owner
 * is served;
 * clients over --max-clients get a clear error instead of the greeting,
 * and a place freed is served again.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "../lib/tap.h"
#include "control.h"
#include "errors.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "log.h"

#define MAX_CLIENTS	3
/* A user that is not the test's: Debian's nobody. */
#define OTHER_UID	65534
#define OTHER_GID	65534

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

/* Send all of @len bytes of @buf; false on failure. */
static bool send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* The error class of the next reply, or "" when it is not an error. */
static const char *next_error(char *desc, size_t len)
{
	static char cls[64];
	json_t *r = client_line(FQ_TIMEOUT_MS), *err;

	err = json_object_get(r, "error");
	snprintf(cls, sizeof(cls), "%s",
		 json_string_value(json_object_get(err, "class")) ?: "");
	if (desc)
		snprintf(desc, len, "%s",
			 json_string_value(json_object_get(err, "desc")) ?: "");
	json_decref(r);
	return cls;
}

/* The connection still serves a good request. */
static bool still_served(void)
{
	json_t *r;
	bool ok;

	send_line(cfd, "{\"execute\": \"query-commands\", \"id\": 9}\n");
	r = client_line(FQ_TIMEOUT_MS);
	ok = json_is_object(json_object_get(r, "return")) &&
	     json_integer_value(json_object_get(r, "id")) == 9;
	json_decref(r);
	return ok;
}

/* A request of @len bytes (a newline added) gets error class @want. */
static void hostile(const char *what, const char *req, size_t len,
		    const char *want)
{
	char desc[256];
	const char *cls;
	bool sent;

	sent = send_all(cfd, req, len) && send_all(cfd, "\n", 1);
	cls = next_error(desc, sizeof(desc));
	tap_ok(sent && !strcmp(cls, want) && desc[0] && still_served(),
	       "%s: %s error (\"%.60s\"), the connection goes on", what,
	       want, desc);
}

/* A string literal, NUL bytes inside it included. */
#define HOSTILE(what, lit, want) hostile(what, lit, sizeof(lit) - 1, want)

static void test_hostile_requests(void)
{
	const size_t big = 1 << 20, depth = 10000;
	char *buf = malloc(big + 64);
	json_t *r;
	size_t n;

	tap_diag("[RUN] malformed, oversized and deeply nested requests");
	if (!buf) {
		for (int i = 0; i < 10; i++)
			tap_ok(false, "out of memory");
		return;
	}
	memset(buf, 'x', big);
	hostile("a 1 MiB line", buf, big, ZERR_GENERIC);
	hostile("a line of 65537 bytes", buf, ZHOSTD_CONTROL_MAX_REQUEST + 1,
		ZERR_GENERIC);
	/* The longest request there is: 65536 bytes, an id fills it. */
	n = (size_t)snprintf(buf, big, "{\"execute\": \"query-commands\", \"id\": \"");
	memset(buf + n, 'i', ZHOSTD_CONTROL_MAX_REQUEST - n - 2);
	memcpy(buf + ZHOSTD_CONTROL_MAX_REQUEST - 2, "\"}\n", 3);
	send_all(cfd, buf, ZHOSTD_CONTROL_MAX_REQUEST + 1);
	r = client_line(FQ_TIMEOUT_MS);
	tap_ok(json_is_object(json_object_get(r, "return")) &&
	       json_string_length(json_object_get(r, "id")) ==
	       ZHOSTD_CONTROL_MAX_REQUEST - n - 2,
	       "a request of 65536 bytes is served");
	json_decref(r);

	memset(buf, '[', depth);
	memset(buf + depth, ']', depth);
	hostile("10,000 nested arrays", buf, 2 * depth, ZERR_GENERIC);

	/* As arguments of a real command: the parser refuses it first. */
	strcpy(buf, "{\"execute\": \"query-status\", \"arguments\": {\"a\": ");
	n = strlen(buf);
	memset(buf + n, '[', depth);
	memset(buf + n + depth, ']', depth);
	strcpy(buf + n + 2 * depth, "}}");
	hostile("10,000 nested arrays in arguments", buf, strlen(buf),
		ZERR_GENERIC);

	HOSTILE("invalid UTF-8", "{\"execute\": \"query-\xff\xfe\"}",
		ZERR_GENERIC);
	/* Not query-status cut at the NUL: the whole line is the request. */
	HOSTILE("a NUL byte", "{\"execute\": \"query-status\"}\0{}",
		ZERR_GENERIC);
	HOSTILE("an unknown command", "{\"execute\": \"rm-rf\"}",
		ZERR_COMMAND_NOT_FOUND);
	HOSTILE("a size given as a string",
		"{\"execute\": \"set-memory\", \"arguments\": {\"size\": \"1G\"}}",
		ZERR_INVALID_PARAMETER);
	HOSTILE("arguments given as an array",
		"{\"execute\": \"query-status\", \"arguments\": [\"../x\"]}",
		ZERR_INVALID_PARAMETER);
	free(buf);
}

/*
 * In a child that is user OTHER_UID: connect to the control socket
 * through @pathfd (an O_PATH descriptor, as the test's directories are
 * private), tell the parent on @ready, and return what it read: 0 when
 * the server closed without a byte, 1 when it got data, 2 when it could
 * not connect (3 when it could not become OTHER_UID).
 */
static int other_user(int pathfd, int ready)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p;
	char byte;
	int fd;

	if (setgroups(0, NULL) || setresgid(OTHER_GID, OTHER_GID, OTHER_GID) ||
	    setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
		return 3;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d", pathfd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 2;
	if (write(ready, "c", 1) != 1)
		return 3;
	p = (struct pollfd){ fd, POLLIN, 0 };
	if (poll(&p, 1, FQ_TIMEOUT_MS) != 1)
		return 1;
	return read(fd, &byte, 1) == 0 ? 0 : 1;
}

/* Fork a child as OTHER_UID; accept for it once it connected. */
static int run_other_user(struct zhostd_control *ctl, int pathfd)
{
	int pfd[2], st = -1;
	struct pollfd p;
	char c;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		_exit(other_user(pathfd, pfd[1]));
	}
	close(pfd[1]);
	p = (struct pollfd){ pfd[0], POLLIN, 0 };
	if (pid > 0 && poll(&p, 1, FQ_TIMEOUT_MS) == 1 && read(pfd[0], &c, 1) == 1)
		zhostd_control_accept(ctl);
	close(pfd[0]);
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		return WEXITSTATUS(st);
	return -1;
}

static void test_other_user(struct zhostd_control *ctl)
{
	struct stat st = { 0 };
	int pathfd, ret;

	tap_diag("[RUN] only the owner gets in");
	ret = stat(ctl_path, &st);
	tap_ok(!ret && S_ISSOCK(st.st_mode) &&
	       (st.st_mode & 07777) == 0600,
	       "the control socket is mode 0600 (%o)", st.st_mode & 07777);
	if (geteuid() != 0) {
		tap_skip("another user cannot connect through the mode",
			 "needs root to become another user");
		tap_skip("with the mode opened, the peer-credential check refuses it",
			 "needs root to become another user");
		tap_skip("the owner is still served", "needs root");
		return;
	}
	pathfd = open(ctl_path, O_PATH | O_CLOEXEC);
	tap_ok(run_other_user(ctl, pathfd) == 2,
	       "uid %d cannot connect: the mode keeps it out", OTHER_UID);
	/* The mode is the first wall; the peer credentials the second. */
	chmod(ctl_path, 0666);
	tap_ok(run_other_user(ctl, pathfd) == 0,
	       "with the mode opened up, uid %d connects and is closed without a greeting",
	       OTHER_UID);
	chmod(ctl_path, 0600);
	close(pathfd);
	tap_ok(still_served(), "the owner is still served");
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
	tap_plan(19);
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
		test_hostile_requests();
		test_other_user(ctl);
		test_max_clients(ctl);
	}
	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	zlog_close();
	cleanup();
	return up ? tap_done() : 1;
}
