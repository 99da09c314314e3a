// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl's working-set commands against a fake zhostd: wss (text,
 * --json, --refresh, no sample yet), history (table, --limit, --json,
 * --plot producing a valid SVG with no file left behind, never running
 * a command, replacing a link planted at the destination without
 * following it, and a failed plot that leaves the destination untouched), top in its non-terminal
 * mode (plain frames, --count) and on a terminal (redrawn in place, q
 * quits, the terminal restored), and their usage errors.
 */
#include <dirent.h>
#include <pty.h>
#include <termios.h>

#include "fake-zhostd.h"

#define MIB	(1024LL * 1024)

static char plotdir[TPATH];		/* where plots go */
static char svg[TPATH + 16];		/* plotdir/wss.svg */

static void cleanup(void)
{
	if (child > 0)
		kill(child, SIGKILL);
	unlink(sock);
	unlink(svg);
	rmdir(plotdir);
	rmdir(tmpdir);
}

/* A region as zhostd sends it; idle[] climbs from anon + file to user. */
static json_t *region(long long size, long long wss, long long err,
		      long long user)
{
	json_t *idle = json_array();

	for (int i = 0; i < 8; i++)
		json_array_append_new(idle, json_integer(wss +
							 (user - wss) * i / 7));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:i, s:i}",
			 "size", (json_int_t)size, "wss", (json_int_t)wss,
			 "wss_error", (json_int_t)err,
			 "anon", (json_int_t)(wss / 2), "file", (json_int_t)(wss / 4),
			 "kernel", (json_int_t)(wss / 4),
			 "free", (json_int_t)(size - user - wss / 4),
			 "user", (json_int_t)user, "pinned", (json_int_t)(4 * MIB),
			 "idle", idle, "samples", 1000, "accessed", 300);
}

static json_t *sample(int seq, long long plugged)
{
	return json_pack("{s:i, s:{s:I, s:i}, s:i, s:i, s:i, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
			 "seq", seq, "timestamp", "seconds",
			 (json_int_t)1700000000 + seq * 5, "microseconds", 0,
			 "windows", 10 + seq, "window_ms", 10000, "stride", 32,
			 "enabled", 1, "valid", 1,
			 "scan_ns", (json_int_t)25000000,
			 "scan_total_ns", (json_int_t)250000000,
			 "uptime_ns", (json_int_t)100000000000,
			 "pgfault", (json_int_t)100000, "pgmajfault", (json_int_t)1000,
			 "plugged", (json_int_t)plugged,
			 "requested", (json_int_t)(512 * MIB),
			 "backed", (json_int_t)(300 * MIB),
			 "host", region(512 * MIB, 160 * MIB, 8 * MIB, 300 * MIB),
			 "guest", region(2048 * MIB, 600 * MIB, 12 * MIB, 1200 * MIB));
}

static json_t *wss_return(json_t *s)
{
	return json_pack("{s:i, s:{s:i, s:i}, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:n}, s:{s:s, s:{}, s:i, s:{s:s, s:I, s:I, s:I, s:I, s:s, s:i}}}",
			 "interval_ms", 5000, "history", "entries", 2, "capacity", 720,
			 "sample", s,
			 "derived", s == json_null() ? json_null() :
				json_pack("{s:i, s:f, s:f, s:f}", "age_ms", 2100,
					  "scan_cpu_share", 0.0025,
					  "pgfault_per_s", 120.0,
					  "pgmajfault_per_s", 3.0),
			 "stats", "polls", 3, "samples", 2, "errors", 0,
			 "rejected", 0, "failures", 0, "last_error",
			 "policy", "mode", "auto", "params", "below", 2,
			 "last_decision", "action", "hold",
			 "from", (json_int_t)(512 * MIB), "to", (json_int_t)(512 * MIB),
			 "wss", (json_int_t)(600 * MIB), "target", (json_int_t)(402 * MIB),
			 "reason", "steady", "below", 2);
}

static json_t *history_return(void)
{
	return json_pack("{s:i, s:i, s:[o, o]}", "interval_ms", 5000,
			 "capacity", 720, "samples", sample(1, 256 * MIB),
			 sample(2, 512 * MIB));
}

static void test_wss(void)
{
	json_t *req, *ret = wss_return(sample(2, 512 * MIB));
	struct run r;

	tap_diag("[RUN] wss");
	converse(&r, sock, S("-s", sock, "-t", "3", "wss"), &req, "",
		 json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-wss", NULL), "wss sends query-wss");
	run_ok(&r, r.status == 0 &&
	       has(r.out, "sample:       #2, 2.100 s old; window 10.000 s, stride 32, 12 windows, valid") &&
	       has(r.out, "scan cost:    0.25% of one CPU (25 ms per window)") &&
	       has(r.out, "page faults:  120.0/s, major 3.0/s") &&
	       has(r.out, "plugged 512.0 MiB, backing it 300.0 MiB, requested 512.0 MiB") &&
	       has(r.out, "160.0 MiB \u00b1 8.0 MiB") &&
	       has(r.out, "600.0 MiB \u00b1 12.0 MiB") &&
	       has(r.out, "<1         <2         <4") && has(r.out, "<128") &&
	       has(r.out, "pinned            4.0 MiB") &&
	       has(r.out, "policy auto:  hold 512.0 MiB -> 512.0 MiB (target 402.0 MiB), steady"),
	       "wss prints both regions, the idle histogram, costs, age and the policy");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "wss", "--refresh", "--json"),
		 &req, "", json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-wss", "{\"refresh\": true}"),
	       "wss --refresh asks zhostd to poll first");
	run_ok(&r, r.status == 0 && json_out_is(r.out, ret),
	       "wss --json prints the return object");
	json_decref(req);
	run_free(&r);
	json_decref(ret);

	ret = wss_return(json_null());
	converse(&r, sock, S("-s", sock, "-t", "3", "wss"), &req, "",
		 json_pack("{s:o}", "return", ret));
	run_ok(&r, r.status == 0 && has(r.out, "no working-set sample yet"),
	       "wss before the first sample says so");
	json_decref(req);
	run_free(&r);
}

/* Whether @dir holds exactly one file, @name. */
static bool dir_only(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	bool ok = true;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		ok &= !strcmp(de->d_name, name);
	}
	closedir(d);
	return ok && n == 1;
}

static char *slurp_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while (slurp(fd, &buf, &len))
		;
	close(fd);
	return buf;
}

static bool gnuplot_installed(void)
{
	return !system("command -v gnuplot >/dev/null 2>&1");
}

/* Whether a file whose name starts with "pwned" is in @dir. */
static bool pwned_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	while (d && (de = readdir(d)))
		found |= !strncmp(de->d_name, "pwned", 5);
	if (d)
		closedir(d);
	return found;
}

/*
 * gnuplot runs "set output '|cmd'" through a shell: --plot must never
 * hand it the name. Run from the plot directory, where a shell that ran
 * "touch pwned..." would leave its file.
 */
static void test_plot_pipe(json_t *ret)
{
	char cwd[TPATH], inner[TPATH + 64], *content;
	struct stat st;
	json_t *req;
	struct run r;
	int victim;
	bool planted;

	if (!getcwd(cwd, sizeof(cwd)) || chdir(plotdir)) {
		tap_ok(false, "cannot enter %s", plotdir);
		tap_ok(false, "cannot enter %s", plotdir);
		tap_ok(false, "cannot enter %s", plotdir);
		return;
	}
	converse(&r, sock, S("-s", sock, "-t", "10", "history", "--plot",
			     "|touch pwned"),
		 &req, "", json_pack("{s:O}", "return", ret));
	run_ok(&r, r.status == 1 && has(r.err, "not a command") &&
	       !pwned_in(plotdir),
	       "history --plot '|cmd' is refused and runs nothing");
	json_decref(req);
	run_free(&r);

	/* A '|' after the directory: gnuplot would open it; we write it. */
	snprintf(inner, sizeof(inner), "%s/|touch pwned", plotdir);
	converse(&r, sock, S("-s", sock, "-t", "10", "history", "--plot", inner),
		 &req, "", json_pack("{s:O}", "return", ret));
	run_ok(&r, r.status == 0 && !stat(inner, &st) && st.st_size > 0 &&
	       !pwned_in(plotdir),
	       "history --plot 'dir/|cmd' writes that file and runs nothing");
	unlink(inner);
	json_decref(req);
	run_free(&r);

	/*
	 * A symbolic link planted where the plot goes (as in a directory
	 * others can write to): replaced by the plot, never followed.
	 */
	snprintf(inner, sizeof(inner), "%s/victim", plotdir);
	victim = open(inner, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (victim >= 0) {
		if (write(victim, "mine\n", 5) != 5)
			tap_diag("cannot write %s", inner);
		close(victim);
	}
	unlink(svg);
	planted = !symlink("victim", svg);
	converse(&r, sock, S("-s", sock, "-t", "10", "history", "--plot", svg),
		 &req, "", json_pack("{s:O}", "return", ret));
	content = slurp_file(inner);
	run_ok(&r, planted && r.status == 0 && !lstat(svg, &st) &&
	       S_ISREG(st.st_mode) &&
	       content && !strcmp(content, "mine\n"),
	       "history --plot replaces a link planted at FILE, the file it points to untouched");
	free(content);
	unlink(inner);
	unlink(svg);
	json_decref(req);
	run_free(&r);
	if (chdir(cwd))
		tap_diag("cannot go back to %s", cwd);
}

static void test_history(void)
{
	json_t *req, *ret = history_return();
	char *content;
	struct run r;
	int fd;

	tap_diag("[RUN] history");
	converse(&r, sock, S("-s", sock, "-t", "3", "history"), &req, "",
		 json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-wss-history", NULL),
	       "history sends query-wss-history");
	run_ok(&r, r.status == 0 && has(r.out, "time      plugged") &&
	       has(r.out, "256.0 MiB   300.0 MiB   512.0 MiB   600.0 MiB \u00b1 12.0 MiB") &&
	       has(r.out, "512.0 MiB   300.0 MiB") &&
	       has(r.out, "160.0 MiB \u00b1 8.0 MiB"),
	       "history prints a row per sample");
	json_decref(req);
	run_free(&r);

	converse(&r, sock, S("-s", sock, "-t", "3", "history", "--limit", "1",
			     "--json"), &req, "", json_pack("{s:O}", "return", ret));
	tap_ok(req_is(req, "query-wss-history", "{\"limit\": 1}"),
	       "history --limit 1 sends the limit");
	run_ok(&r, r.status == 0 && json_out_is(r.out, ret),
	       "history --json prints the return object");
	json_decref(req);
	run_free(&r);

	if (!gnuplot_installed()) {
		tap_skip("gnuplot is not installed", "history --plot writes an SVG");
		tap_skip("gnuplot is not installed", "no temporary file is left");
		tap_skip("gnuplot is not installed", "--plot '|cmd' is refused");
		tap_skip("gnuplot is not installed", "--plot 'dir/|cmd' is a file");
		tap_skip("gnuplot is not installed", "--plot replaces a planted link");
	} else {
		converse(&r, sock, S("-s", sock, "-t", "10", "history", "--plot", svg),
			 &req, "", json_pack("{s:O}", "return", ret));
		content = slurp_file(svg);
		run_ok(&r, r.status == 0 && has(r.out, "plotted 2 samples") &&
		       content && has(content, "<svg") && has(content, "</svg>") &&
		       has(content, "working set (guest)"),
		       "history --plot writes an SVG with the curves");
		tap_ok(dir_only(plotdir, "wss.svg"),
		       "no temporary file is left beside it");
		free(content);
		json_decref(req);
		run_free(&r);
		test_plot_pipe(ret);
	}

	/* gnuplot missing: a clear error, the old file untouched. */
	fd = open(svg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, "old\n", 4) != 4)
			tap_diag("cannot write %s", svg);
		close(fd);
	}
	for (char **e = child_env; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			*e = "PATH=/nonexistent";
	converse(&r, sock, S("-s", sock, "-t", "3", "history", "--plot", svg),
		 &req, "", json_pack("{s:O}", "return", ret));
	content = slurp_file(svg);
	run_ok(&r, r.status == 1 && has(r.err, "gnuplot is not installed") &&
	       content && !strcmp(content, "old\n") && dir_only(plotdir, "wss.svg"),
	       "without gnuplot: exit 1, a clear error, the old file untouched");
	free(content);
	json_decref(req);
	run_free(&r);
	json_decref(ret);
}

/* query-paging's reply: host paging stopped at the swap floor. */
static json_t *paging_return(void)
{
	return json_pack("{s:b, s:s, s:s, s:I, s:I, s:I, s:I}",
			 "enabled", 1, "mode", "guest", "reason", "limit",
			 "resident", (json_int_t)(100 * MIB),
			 "swapped", (json_int_t)(300 * MIB),
			 "pinned", (json_int_t)(4 * MIB),
			 "hinted", (json_int_t)(1024 * MIB));
}

static void test_top(void)
{
	json_t *replies, *reqs = json_array(), *mem;
	const char *p;
	struct run r;
	int frames = 0;

	tap_diag("[RUN] top");
	mem = json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I}}",
			"plugged", (json_int_t)(512 * MIB),
			"backed", (json_int_t)(300 * MIB),
			"requested", (json_int_t)(512 * MIB),
			"max", (json_int_t)(1024 * MIB), "guest",
			"mem_free", (json_int_t)(900 * MIB),
			"zone_free", (json_int_t)(200 * MIB));
	replies = json_pack("{s:o, s:o, s:o}", "query-memory", mem,
			    "query-wss", wss_return(sample(2, 512 * MIB)),
			    "query-paging", paging_return());
	converse_table(&r, sock, S("-s", sock, "-t", "3", "top", "--interval",
				   "0.1", "--count", "3"), replies, reqs, 1500);
	for (p = r.out; (p = strstr(p, "balloon-ctl top: ")); p++)
		frames++;
	run_ok(&r, r.status == 0 && frames == 3 && !strchr(r.out, '\033') &&
	       has(r.out, "ZONE_HOST    plugged 512.0 MiB, backed by 300.0 MiB of host memory, requested 512.0 MiB, max 1.0 GiB") &&
	       has(r.out, "guest        free 900.0 MiB, in ZONE_HOST 200.0 MiB") &&
	       has(r.out, "working set  guest 600.0 MiB \u00b1 12.0 MiB, ZONE_HOST 160.0 MiB \u00b1 8.0 MiB") &&
	       has(r.out, "page faults  120.0/s, major 3.0/s") &&
	       has(r.out, "pinned       4.0 MiB") &&
	       has(r.out, "paging       mode guest (limit), resident 100.0 MiB, swapped 300.0 MiB, pinned 4.0 MiB, hinted 1.0 GiB") &&
	       has(r.out, "policy       auto: hold (steady), target 402.0 MiB, 2 windows below") &&
	       has(r.out, "  <1      600.0 MiB |####################\n") &&
	       has(r.out, "  older         0 B |\n"),
	       "top on a pipe: 3 plain frames, no escape codes");
	tap_ok(json_array_size(reqs) == 9 &&
	       req_is(json_array_get(reqs, 0), "query-memory", NULL) &&
	       req_is(json_array_get(reqs, 1), "query-wss", NULL) &&
	       req_is(json_array_get(reqs, 2), "query-paging", NULL),
	       "each frame asks query-memory, query-wss and query-paging");
	run_free(&r);
	json_decref(replies);
	json_decref(reqs);
}

/*
 * top on a pseudo-terminal: it redraws in place, quits on 'q' with status
 * 0, and leaves the terminal as it found it (canonical mode, echo, the
 * cursor shown).
 */
static void test_top_tty(void)
{
	const char *argv[] = { bctl, "-s", sock, "-t", "3", "top", "--interval",
			       "0.2", NULL };
	char out[1 << 16];
	size_t len = 0;
	json_t *replies, *reqs = json_array();
	struct termios t;
	struct timespec start;
	bool sent = false, tty_ok;
	int master, status = -1;
	struct fake f;
	pid_t pid;

	tap_diag("[RUN] top on a terminal");
	replies = json_pack("{s:{s:I, s:I, s:I, s:I}, s:o, s:o}", "query-memory",
			    "plugged", (json_int_t)(512 * MIB),
			    "backed", (json_int_t)(300 * MIB),
			    "requested", (json_int_t)(512 * MIB),
			    "max", (json_int_t)(1024 * MIB),
			    "query-wss", wss_return(sample(2, 512 * MIB)),
			    "query-paging", paging_return());
	if (!fake_listen(&f, sock, 8)) {
		tap_ok(false, "top on a terminal: cannot listen");
		json_decref(replies);
		return;
	}
	fflush(stdout);
	pid = forkpty(&master, NULL, NULL, NULL);
	if (pid == 0) {
		execve(bctl, (char **)argv, child_env);
		_exit(126);
	}
	child = pid;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (pid > 0 && since(&start) < 10) {
		struct pollfd pfd[2] = {
			{ .fd = f.lfd, .events = POLLIN },
			{ .fd = master, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 2, 100) > 0) {
			if (pfd[0].revents & POLLIN) {
				f.cfd = accept4(f.lfd, NULL, NULL, SOCK_CLOEXEC);
				if (f.cfd >= 0)
					fake_serve_table(&f, replies, reqs);
			}
			if (pfd[1].revents & (POLLIN | POLLHUP)) {
				n = read(master, out + len, sizeof(out) - 1 - len);
				if (n > 0)
					len += (size_t)n;
			}
		}
		out[len] = '\0';
		/* Quit once two frames were drawn. */
		if (!sent && strstr(out, "balloon-ctl top: ") &&
		    strstr(strstr(out, "balloon-ctl top: ") + 1, "balloon-ctl top: ")) {
			sent = write(master, "q", 1) == 1;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	if (since(&start) >= 10) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	child = 0;
	tty_ok = !tcgetattr(master, &t) && (t.c_lflag & ICANON) &&
		 (t.c_lflag & ECHO);
	close(master);
	fake_close(&f);
	unlink(sock);
	tap_ok(sent && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "top on a terminal quits on q with status 0");
	tap_ok(strstr(out, "\033[H\033[J") && strstr(out, "\033[?25l") &&
	       strstr(out, "working set  guest 600.0 MiB"),
	       "top on a terminal redraws in place with the cursor hidden");
	tap_ok(tty_ok && len >= 6 && strstr(out, "\033[?25h"),
	       "top restores the terminal: canonical mode, echo, cursor shown");
	json_decref(replies);
	json_decref(reqs);
}

static void test_usage(void)
{
	/* Not static: compound literals in a function are automatic. */
	const struct usage_case bad[] = {
		{ S("wss", "now"), "unexpected argument 'now'" },
		{ S("history", "--limit", "-1"), "bad --limit '-1'" },
		{ S("history", "--limit"), "--limit needs a count" },
		{ S("history", "--plot"), "--plot needs a FILE" },
		{ S("top", "--interval", "0"), "bad --interval '0'" },
		{ S("top", "--count", "x"), "bad --count 'x'" },
		{ S("top", "--json"), "top has no --json" },
	};

	tap_diag("[RUN] usage errors");
	usage_errors(bad, sizeof(bad) / sizeof(bad[0]));
}

int main(void)
{
	if (!fake_zhostd_dirs("balloon-ctl-wss"))
		return 1;
	snprintf(plotdir, sizeof(plotdir), "%s/plots", tmpdir);
	snprintf(svg, sizeof(svg), "%s/wss.svg", plotdir);
	tap_timeout(90, cleanup);
	if (mkdir(plotdir, 0700) || !find_bctl() || !make_env()) {
		printf("Bail out! no balloon-ctl to test (%s)\n", bctl);
		cleanup();
		return 1;
	}
	tap_diag("testing %s", bctl);
	tap_plan(27);

	test_wss();
	test_top();
	test_top_tty();
	test_usage();
	test_history();	/* last: it takes gnuplot out of PATH */

	cleanup();
	free(child_env);
	return tap_done();
}
