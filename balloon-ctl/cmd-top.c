// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl top: a live view of the guest's memory, redrawn every
 * --interval seconds: ZONE_HOST plugged, the host memory backing it and
 * the requested size (query-memory), the guest's free memory, its working
 * set, idle histogram, page fault rate and what the estimate costs
 * (query-wss), the policy when it is on, and host paging: where the data
 * area's pages are (query-paging).
 *
 * On a terminal it redraws in place and reads keys in raw mode (q quits;
 * Ctrl-C too), restoring the terminal on every way out. Otherwise (a pipe,
 * a log, a test) it prints one plain frame per interval, without escape
 * codes, and stops after --count frames.
 */
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "format.h"
#include "wss-view.h"

#define TOP_BAR_WIDTH	40
#define TOP_CLEAR	"\033[H\033[J"	/* cursor home, clear to the end */
#define TOP_HIDE_CURSOR	"\033[?25l"
#define TOP_SHOW_CURSOR	"\033[?25h"

struct top_args {
	double interval;	/* seconds between frames */
	long count;		/* frames to show; 0: until q or a signal */
};

/* The terminal as we found it, restored on the way out. */
static struct termios top_saved;
static volatile sig_atomic_t top_raw;
static volatile sig_atomic_t top_quit;

/* Async-signal-safe: the signal handler calls it too. */
static void top_restore(void)
{
	static const char show[] = TOP_SHOW_CURSOR;

	if (!top_raw)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &top_saved);
	if (write(STDOUT_FILENO, show, sizeof(show) - 1) < 0)
		top_raw = 0;
	top_raw = 0;
}

/* Ctrl-C and friends: give the terminal back now, leave at the next wait. */
static void top_on_signal(int sig)
{
	(void)sig;
	top_quit = 1;
	top_restore();
}

/* Keys without Enter, no echo; Ctrl-C still raises SIGINT (ISIG stays). */
static void top_raw_mode(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &top_saved))
		return;
	t = top_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t))
		return;
	top_raw = 1;
	atexit(top_restore);
	fputs(TOP_HIDE_CURSOR, stdout);
}

static void top_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	/* No SA_RESTART: a wait in poll() or nanosleep() ends at once. */
	sa.sa_handler = top_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

/* Sleep @secs; in raw mode, return early on q. */
static void top_wait(double secs)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	struct timespec ts;
	char c;

	if (!top_raw) {
		ts.tv_sec = (time_t)secs;
		ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
		return;
	}
	if (poll(&p, 1, (int)(secs * 1000)) == 1 &&
	    read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
		top_quit = 1;
}

static const char *top_rate(const json_t *v, char *buf)
{
	if (!json_is_number(v))
		return "unknown";
	snprintf(buf, BCTL_FMT_LEN, "%.1f/s", json_number_value(v));
	return buf;
}

/* Host paging: the mode, and the data area resident, swapped, pinned, hinted. */
static void top_print_paging(const json_t *pg)
{
	const char *mode = json_string_value(json_object_get(pg, "mode"));
	const char *reason = json_string_value(json_object_get(pg, "reason"));
	char a1[BCTL_FMT_LEN], a2[BCTL_FMT_LEN], a3[BCTL_FMT_LEN], a4[BCTL_FMT_LEN];

	printf("paging       mode %s%s%s%s, resident %s, swapped %s, pinned %s, hinted %s\n",
	       mode ? mode : "?", reason && strcmp(reason, "none") ? " (" : "",
	       reason && strcmp(reason, "none") ? reason : "",
	       reason && strcmp(reason, "none") ? ")" : "",
	       bctl_fmt_size(bctl_json_u64(pg, "resident"), a1),
	       bctl_fmt_size(bctl_json_u64(pg, "swapped"), a2),
	       bctl_fmt_size(bctl_json_u64(pg, "pinned"), a3),
	       bctl_fmt_size(bctl_json_u64(pg, "hinted"), a4));
}

static void top_print(const struct bctl_opts *opts, const struct top_args *a,
		      const json_t *mem, const json_t *wss, const json_t *pg)
{
	const json_t *guest = json_object_get(mem, "guest");
	const json_t *s = json_object_get(wss, "sample");
	const json_t *dv = json_object_get(wss, "derived");
	const json_t *pol = json_object_get(wss, "policy");
	const json_t *last = json_object_get(pol, "last_decision");
	const json_t *gr = json_object_get(s, "guest");
	char a1[BCTL_FMT_LEN], a2[BCTL_FMT_LEN], a3[BCTL_FMT_LEN];
	char a4[BCTL_FMT_LEN], w1[2 * BCTL_FMT_LEN + 8], w2[2 * BCTL_FMT_LEN + 8];
	char when[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("balloon-ctl top: %s  %s  every %g s%s\n\n",
	       opts->vm_name ? opts->vm_name : opts->socket_path, when,
	       a->interval, top_raw ? "  (q quits)" : "");
	printf("ZONE_HOST    plugged %s, backed by %s of host memory, requested %s, max %s\n",
	       bctl_fmt_size(bctl_json_u64(mem, "plugged"), a1),
	       bctl_fmt_size(bctl_json_u64(mem, "backed"), a2),
	       bctl_fmt_size(bctl_json_u64(mem, "requested"), a3),
	       bctl_fmt_size(bctl_json_u64(mem, "max"), a4));
	if (json_is_object(guest))
		printf("guest        free %s, in ZONE_HOST %s\n",
		       bctl_fmt_size(bctl_json_u64(guest, "mem_free"), a1),
		       bctl_fmt_size(bctl_json_u64(guest, "zone_free"), a2));
	else
		printf("guest        not answering\n");
	top_print_paging(pg);
	if (!json_is_object(s)) {
		printf("working set  no sample yet\n");
		return;
	}
	printf("working set  guest %s, ZONE_HOST %s\n",
	       bctl_wss_fmt(gr, w1, sizeof(w1)),
	       bctl_wss_fmt(json_object_get(s, "host"), w2, sizeof(w2)));
	printf("             sample %s old, window %s%s\n",
	       bctl_fmt_duration(bctl_json_u64(dv, "age_ms") * 1000000, a1),
	       bctl_fmt_duration(bctl_json_u64(s, "window_ms") * 1000000, a2),
	       json_is_true(json_object_get(s, "valid")) ? "" : ", not valid");
	printf("pinned       %s\n", bctl_fmt_size(bctl_json_u64(gr, "pinned"), a1));
	printf("page faults  %s, major %s\n",
	       top_rate(json_object_get(dv, "pgfault_per_s"), a1),
	       top_rate(json_object_get(dv, "pgmajfault_per_s"), a2));
	printf("scan cost    %.2f%% of one CPU\n",
	       json_number_value(json_object_get(dv, "scan_cpu_share")) * 100);
	if (json_is_object(last))
		printf("policy       %s: %s (%s), target %s, %d windows below\n",
		       json_string_value(json_object_get(pol, "mode")),
		       json_string_value(json_object_get(last, "action")),
		       json_string_value(json_object_get(last, "reason")),
		       bctl_fmt_size(bctl_json_u64(last, "target"), a1),
		       (int)json_integer_value(json_object_get(pol, "below")));
	else
		printf("policy       %s\n", json_string_value(json_object_get(pol, "mode")) ?
		       json_string_value(json_object_get(pol, "mode")) : "off");
	printf("\nguest user memory by idle time (%s; windows since last access)\n",
	       bctl_fmt_size(bctl_json_u64(gr, "user"), a1));
	bctl_wss_print_idle_bars(gr, TOP_BAR_WIDTH);
}

/* One frame: ask zhostd, then draw. Returns an exit status. */
static int top_frame(const struct bctl_opts *opts, const struct top_args *a)
{
	json_t *mem = NULL, *wss = NULL, *pg = NULL;
	int st;

	st = bctl_client_run(opts, "query-memory", NULL, &mem);
	if (!st)
		st = bctl_client_run(opts, "query-wss", NULL, &wss);
	if (!st)
		st = bctl_client_run(opts, "query-paging", NULL, &pg);
	if (!st) {
		if (top_raw)
			fputs(TOP_CLEAR, stdout);
		top_print(opts, a, mem, wss, pg);
		if (!top_raw)
			putchar('\n');
		fflush(stdout);
	}
	json_decref(mem);
	json_decref(wss);
	json_decref(pg);
	return st;
}

static int top_parse(const struct bctl_cmd *cmd, int argc, char **argv,
		     struct top_args *a)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			a->interval = strtod(argv[++i], &end);
			if (*end || !isfinite(a->interval) || a->interval < 0.1 ||
			    a->interval > 3600 || argv[i][0] == '-')
				return bctl_usage_err(cmd, "bad --interval '%s' (0.1 to 3600 seconds)",
						      argv[i]);
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			a->count = strtol(argv[++i], &end, 10);
			if (*end || a->count < 1 || argv[i][0] == '-')
				return bctl_usage_err(cmd, "bad --count '%s'", argv[i]);
		} else {
			return bctl_usage_err(cmd, "unexpected argument '%s'",
					      argv[i]);
		}
	}
	return BCTL_EXIT_OK;
}

static int top_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		   int argc, char **argv)
{
	struct top_args a = { .interval = 1 };
	long frames = 0;
	int st;

	st = top_parse(cmd, argc, argv, &a);
	if (st)
		return st;
	if (opts->json)
		return bctl_usage_err(cmd, "top has no --json: use wss --json or history --json");
	top_signals();
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		top_raw_mode();
	while (!top_quit) {
		st = top_frame(opts, &a);
		if (st || (a.count && ++frames >= a.count))
			break;
		top_wait(a.interval);
	}
	top_restore();
	return st;
}

BCTL_COMMAND(top, "top", "[--interval S] [--count N]",
	     "a live view of the guest's memory and working set",
	     "query-wss", top_run)
