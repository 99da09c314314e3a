/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake zhostd for the tests of balloon-ctl, the real program (a sanitized
 * build): start it with arguments, play zhostd's side of the control
 * protocol on a socket (greet, read requests, answer, send events), and
 * collect its output and exit status. Header-only: each test program
 * includes it once and defines the paths below in main().
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#ifndef ZONEHOST_TESTS_FAKE_ZHOSTD_H
#define ZONEHOST_TESTS_FAKE_ZHOSTD_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>

#include "../lib/tap.h"

#define NOBODY		65534	/* uid and gid for the permission test */
#define WAIT_MS		3000	/* the fake's patience, per step */
#define RUN_LIMIT_S	10	/* seconds before a balloon-ctl run is killed */

extern char **environ;

#define TPATH		256	/* our paths: a short tmpdir and a few names */
static char tmpdir[TPATH - 64];
static char sock[TPATH];		/* the fake's socket, for -s */
static char rundir[TPATH];		/* ZHOST_RUNTIME_DIR of the runs */
static char bctl[PATH_MAX + 32];		/* the program under test */
static char **child_env;		/* environ, our ZHOST_RUNTIME_DIR */
static volatile pid_t child;		/* the balloon-ctl running, or 0 */

/* A NULL-terminated argument list. */
#define S(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* ---- running balloon-ctl ---------------------------------------------- */

/**
 * struct run - one run of balloon-ctl
 * @pid: its process, 0 once reaped
 * @out_fd, @err_fd: read ends of its stdout and stderr pipes
 * @start: when it started (CLOCK_MONOTONIC)
 * @out, @err: what it printed, NUL-terminated, after run_wait()
 * @status: its exit status; -1 if killed by a signal (or by us)
 * @secs: how long it ran
 */
struct run {
	pid_t pid;
	int out_fd, err_fd;
	struct timespec start;
	char *out, *err;
	int status;
	double secs;
};

static inline double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	       (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/*
 * Start balloon-ctl with the NULL-terminated @args, as the nobody user if
 * @as_nobody. Its stdin is /dev/null.
 */
static inline bool run_start(struct run *r, bool as_nobody,
			     const char *const *args)
{
	const char *argv[32];
	int out[2], err[2], n = 0;

	memset(r, 0, sizeof(*r));
	argv[n++] = bctl;
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return false;
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0)
		return false;
	if (r->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(125);
		if (as_nobody && (setgroups(0, NULL) || setgid(NOBODY) ||
				  setuid(NOBODY)))
			_exit(125);
		execve(bctl, (char **)argv, child_env);
		_exit(126);
	}
	child = r->pid;
	close(out[1]);
	close(err[1]);
	r->out_fd = out[0];
	r->err_fd = err[0];
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	return true;
}

/* Append what @fd has to *@buf; false at end of file. */
static inline bool slurp(int fd, char **buf, size_t *len)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	char *p;

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	p = realloc(*buf, *len + (size_t)n + 1);
	if (!p)
		return false;
	memcpy(p + *len, chunk, (size_t)n);
	*len += (size_t)n;
	p[*len] = '\0';
	*buf = p;
	return true;
}

/* Collect its output and exit status; kill it past RUN_LIMIT_S. */
static inline void run_wait(struct run *r)
{
	struct pollfd pfd[2] = {
		{ .fd = r->out_fd, .events = POLLIN },
		{ .fd = r->err_fd, .events = POLLIN },
	};
	size_t len[2] = { 0, 0 };
	char **buf[2] = { &r->out, &r->err };
	int open_fds = 2, ws;

	while (open_fds) {
		int left = (int)((RUN_LIMIT_S - since(&r->start)) * 1000);

		if (left <= 0 || poll(pfd, 2, left) == 0) {
			kill(r->pid, SIGKILL);
			tap_diag("balloon-ctl still running after %d s: killed",
				 RUN_LIMIT_S);
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (!slurp(pfd[i].fd, buf[i], &len[i])) {
				pfd[i].fd = -1;
				open_fds--;
			}
		}
	}
	close(r->out_fd);
	close(r->err_fd);
	waitpid(r->pid, &ws, 0);
	child = 0;
	r->pid = 0;
	r->secs = since(&r->start);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	for (int i = 0; i < 2; i++)
		if (!*buf[i])
			*buf[i] = strdup("");
}

static inline void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* tap_ok() that shows the run when the check fails. */
__attribute__((format(printf, 3, 4)))
static inline bool run_ok(const struct run *r, bool ok, const char *fmt,
			  ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(ok, "%s", what);
	if (!ok)
		tap_diag("exit status %d after %.2f s\n# stdout: %s\n# stderr: %s",
			 r->status, r->secs, r->out ? r->out : "",
			 r->err ? r->err : "");
	return ok;
}

static inline bool has(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/* ---- the fake zhostd --------------------------------------------------- */

#define GREETING \
	"{\"zhostd\": {\"version\": \"0.1\", \"name\": \"vm1\", " \
	"\"abi\": {\"major\": 1, \"minor\": 0}}}\n"
#define EVENT(name) \
	"{\"event\": \"" name "\", \"data\": {}, " \
	"\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 1}}\n"

/**
 * struct fake - the fake zhostd's side of one conversation
 * @lfd: its listening socket
 * @cfd: the accepted connection, -1 before
 * @buf, @len: bytes received and not yet parsed
 */
struct fake {
	int lfd;
	int cfd;
	char buf[64 * 1024];
	size_t len;
};

/* Put  in ; false if too long for a UNIX socket. */
static inline bool sun_set(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	if (len >= sizeof(sa->sun_path))
		return false;
	memcpy(sa->sun_path, path, len + 1);
	return true;
}

/* Listen on @path (replacing a previous file), backlog @backlog. */
static inline bool fake_listen(struct fake *f, const char *path,
			       int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	f->cfd = -1;
	f->len = 0;
	unlink(path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lfd < 0 || !sun_set(&sa, path) ||
	    bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(f->lfd, backlog)) {
		tap_diag("listening on %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static inline bool fake_accept(struct fake *f)
{
	struct pollfd pfd = { .fd = f->lfd, .events = POLLIN };

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return false;
	f->cfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	return f->cfd >= 0;
}

/* Whether someone connected (without accepting them). */
static inline bool fake_pending(const struct fake *f)
{
	struct pollfd pfd = { .fd = f->lfd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static inline void fake_send(struct fake *f, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(f->cfd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;		/* client gone: its run tells */
		s += n;
		len -= (size_t)n;
	}
}

static inline void fake_puts(struct fake *f, const char *s)
{
	fake_send(f, s, strlen(s));
}

/* The next request line, parsed; NULL if none came or it is not JSON. */
static inline json_t *fake_request(struct fake *f)
{
	struct pollfd pfd = { .fd = f->cfd, .events = POLLIN };
	char *nl;

	while (!(nl = memchr(f->buf, '\n', f->len))) {
		ssize_t n;

		if (f->len == sizeof(f->buf) || poll(&pfd, 1, WAIT_MS) != 1)
			return NULL;
		n = read(f->cfd, f->buf + f->len, sizeof(f->buf) - f->len);
		if (n <= 0)
			return NULL;
		f->len += (size_t)n;
	}
	{
		size_t used = (size_t)(nl - f->buf) + 1;
		json_t *req = json_loadb(f->buf, used - 1, 0, NULL);

		f->len -= used;
		memmove(f->buf, f->buf + used, f->len);
		return req;
	}
}

/* Send @reply (consumed), with @req's id unless @reply has one. */
static inline void fake_reply(struct fake *f, const json_t *req,
			      json_t *reply)
{
	json_t *id = json_object_get(req, "id");
	char *line;

	if (id && !json_object_get(reply, "id"))
		json_object_set(reply, "id", id);
	line = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (line) {
		fake_puts(f, line);
		fake_puts(f, "\n");
	}
	free(line);
}

static inline void fake_close(struct fake *f)
{
	if (f->cfd >= 0)
		close(f->cfd);
	if (f->lfd >= 0)
		close(f->lfd);
	f->cfd = f->lfd = -1;
}

/*
 * One whole conversation on @path: start balloon-ctl with @args, greet it,
 * read its request into *@req, send @before verbatim (events, other
 * clients' replies), then @reply (consumed) with the request's id. Returns
 * after balloon-ctl exited.
 */
static inline void converse(struct run *r, const char *path,
			    const char *const *args, json_t **req,
			    const char *before, json_t *reply)
{
	struct fake f;

	*req = NULL;
	if (!fake_listen(&f, path, 4) || !run_start(r, false, args)) {
		json_decref(reply);
		fake_close(&f);
		r->status = -2;
		r->out = strdup("");
		r->err = strdup("(not started)");
		return;
	}
	if (fake_accept(&f)) {
		fake_puts(&f, GREETING);
		*req = fake_request(&f);
		if (*req) {
			fake_puts(&f, before);
			if (reply)
				fake_reply(&f, *req, reply);
			reply = NULL;
		}
	}
	json_decref(reply);
	run_wait(r);
	fake_close(&f);
	unlink(path);
}

/* Whether @req runs @execute with exactly @args (NULL: no "arguments"). */
static inline bool req_is(const json_t *req, const char *execute,
			  const char *args)
{
	const char *ex = json_string_value(json_object_get(req, "execute"));
	json_t *want = args ? json_loads(args, 0, NULL) : NULL;
	json_t *got = json_object_get(req, "arguments");
	bool ok = ex && !strcmp(ex, execute) && json_object_get(req, "id") &&
		  (args ? want && got && json_equal(want, got) : !got);

	if (!ok) {
		char *s = json_dumps(req, JSON_COMPACT);

		tap_diag("request: %s", s ? s : "(none or not JSON)");
		free(s);
	}
	json_decref(want);
	return ok;
}

/* What --json must print: @v indented, keys sorted, and a newline. */
static inline bool json_out_is(const char *out, const json_t *v)
{
	char *want = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);
	bool ok = want && !strncmp(out, want, strlen(want)) &&
		  !strcmp(out + strlen(want), "\n");

	free(want);
	return ok;
}

/*
 * A conversation of several requests on one connection, as set and grow
 * make: greet, then for each reply in @replies (consumed) read one request
 * into @reqs[i], answer it, and send @after[i] verbatim (events; "" or a
 * NULL @after for none). Once the replies are spent the connection
 * closes. Returns after balloon-ctl exited.
 */
static inline void converse_seq(struct run *r, const char *path,
				const char *const *args, json_t **replies,
				int n, json_t **reqs, const char *const *after)
{
	struct fake f;
	int i = 0;

	for (i = 0; i < n; i++)
		reqs[i] = NULL;
	i = 0;
	if (!fake_listen(&f, path, 4) || !run_start(r, false, args)) {
		for (i = 0; i < n; i++)
			json_decref(replies[i]);
		fake_close(&f);
		r->status = -2;
		r->out = strdup("");
		r->err = strdup("(not started)");
		return;
	}
	if (fake_accept(&f)) {
		fake_puts(&f, GREETING);
		for (; i < n; i++) {
			reqs[i] = fake_request(&f);
			if (!reqs[i])
				break;
			fake_reply(&f, reqs[i], replies[i]);
			replies[i] = NULL;
			if (after && after[i])
				fake_puts(&f, after[i]);
		}
	}
	for (; i < n; i++)
		json_decref(replies[i]);
	fake_close(&f);
	run_wait(r);
	unlink(path);
}

/*
 * Serve the connection just accepted on @f to its end: the greeting, then
 * each request answered with the reply @replies (a JSON object mapping
 * command names to "return" objects) has for its command, or a
 * CommandNotFound error. The requests are appended to @reqs.
 */
static inline void fake_serve_table(struct fake *f, const json_t *replies,
				    json_t *reqs)
{
	json_t *req;

	fake_puts(f, GREETING);
	while ((req = fake_request(f))) {
		const char *ex = json_string_value(json_object_get(req, "execute"));
		json_t *ret = ex ? json_object_get(replies, ex) : NULL;

		fake_reply(f, req, ret ? json_pack("{s:O}", "return", ret) :
			   json_pack("{s:{s:s, s:s}}", "error", "class",
				     "CommandNotFound", "desc", "no"));
		json_array_append_new(reqs, req);
	}
	close(f->cfd);
	f->cfd = -1;
	f->len = 0;
}

/*
 * zhostd for a client making any number of connections and requests, as
 * top does, each served by fake_serve_table(). Ends once no connection
 * came for @idle_ms, then waits for balloon-ctl to exit.
 */
static inline void converse_table(struct run *r, const char *path,
				  const char *const *args,
				  const json_t *replies, json_t *reqs,
				  int idle_ms)
{
	struct fake f;

	if (!fake_listen(&f, path, 8) || !run_start(r, false, args)) {
		fake_close(&f);
		r->status = -2;
		r->out = strdup("");
		r->err = strdup("(not started)");
		return;
	}
	for (;;) {
		struct pollfd pfd = { .fd = f.lfd, .events = POLLIN };

		if (poll(&pfd, 1, idle_ms) != 1)
			break;
		f.cfd = accept4(f.lfd, NULL, NULL, SOCK_CLOEXEC);
		if (f.cfd < 0)
			break;
		fake_serve_table(&f, replies, reqs);
	}
	run_wait(r);
	fake_close(&f);
	unlink(path);
}

/**
 * struct usage_case - a command line balloon-ctl must refuse
 * @args: its arguments after "-s SOCKET", NULL-terminated (S(...))
 * @msg: part of the message it must print
 */
struct usage_case {
	const char *const *args;
	const char *msg;
};

/*
 * Run each of @n bad command lines against a fake zhostd on sock: each must
 * exit 2 with its message, print nothing on stdout and never connect.
 */
static inline void usage_errors(const struct usage_case *bad, size_t n)
{
	const char *args[16];
	struct fake f;
	struct run r;

	if (!fake_listen(&f, sock, 16))
		return;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		args[k++] = "-s";
		args[k++] = sock;
		for (const char *const *a = bad[i].args; *a && k < 15; a++)
			args[k++] = *a;
		args[k] = NULL;
		if (!run_start(&r, false, args))
			continue;
		run_wait(&r);
		run_ok(&r, r.status == 2 && has(r.err, bad[i].msg) &&
		       !*r.out && !fake_pending(&f),
		       "usage error (%s): exit 2 without connecting",
		       bad[i].msg);
		run_free(&r);
	}
	fake_close(&f);
	unlink(sock);
}

/*
 * A private directory tmpdir ($TMPDIR/@name.XXXXXX) with the fake's socket
 * path and the runs' ZHOST_RUNTIME_DIR in it. Prints "Bail out!" on
 * failure.
 */
static inline bool fake_zhostd_dirs(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", name);
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return false;
	}
	snprintf(sock, sizeof(sock), "%s/s.sock", tmpdir);
	snprintf(rundir, sizeof(rundir), "%s/run", tmpdir);
	return true;
}

/* The program under test: $BALLOON_CTL, else balloon-ctl-san beside us. */
static inline bool find_bctl(void)
{
	const char *env = getenv("BALLOON_CTL");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env)
		return realpath(env, bctl) != NULL;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(bctl, sizeof(bctl), "%s/balloon-ctl-san", self);
	return access(bctl, X_OK) == 0;
}

/* environ with ZHOST_RUNTIME_DIR=rundir, for the runs. */
static inline bool make_env(void)
{
	static char var[PATH_MAX + 32];
	size_t n = 0, i = 0;

	while (environ[n])
		n++;
	child_env = calloc(n + 2, sizeof(*child_env));
	if (!child_env)
		return false;
	for (n = 0; environ[n]; n++)
		if (strncmp(environ[n], "ZHOST_RUNTIME_DIR=", 18))
			child_env[i++] = environ[n];
	snprintf(var, sizeof(var), "ZHOST_RUNTIME_DIR=%s", rundir);
	child_env[i++] = var;
	return true;
}

/*
 * The cleanup of a test that made nothing beyond fake_zhostd_dirs():
 * the balloon-ctl still running, the socket, the directory.
 */
static inline void fake_zhostd_cleanup(void)
{
	if (child > 0)
		kill(child, SIGKILL);
	unlink(sock);
	rmdir(tmpdir);
}

/*
 * A test's start: its directories (fake_zhostd_dirs() with @name), a
 * timeout of @timeout_s that runs fake_zhostd_cleanup(), the program under
 * test and its environment. Prints "Bail out!" (and cleans up) when one
 * is missing.
 */
static inline bool fake_zhostd_begin(const char *name, unsigned int timeout_s)
{
	if (!fake_zhostd_dirs(name))
		return false;
	tap_timeout(timeout_s, fake_zhostd_cleanup);
	if (!find_bctl() || !make_env()) {
		printf("Bail out! no balloon-ctl to test (%s)\n", bctl);
		fake_zhostd_cleanup();
		return false;
	}
	tap_diag("testing %s", bctl);
	return true;
}

#endif /* ZONEHOST_TESTS_FAKE_ZHOSTD_H */
