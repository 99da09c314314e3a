/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP helpers for the C unit tests (the C twin of tap.sh). Header-only:
 * each test program includes it once.
 *
 *   tap_plan(n);                       "1..n"
 *   tap_ok(cond, "what %d", x);        "ok N - what" or "not ok N - what"
 *   tap_skip("reason", "what");        "ok N - what # SKIP reason"
 *   tap_diag("text %s", s);            "# text" (on stdout, part of the log)
 *   tap_timeout(seconds, cleanup);     give up: "Bail out!" and exit 1
 *   return tap_done();                 0 if everything passed, else 1
 */
#ifndef ZONEHOST_TESTS_TAP_H
#define ZONEHOST_TESTS_TAP_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int tap_n;
static int tap_failed;
static void (*tap_timeout_cleanup)(void);

/* Also ignores SIGPIPE: a reader that stops early (| head) must not kill
 * the test before it has cleaned up. */
static inline void tap_plan(int n)
{
	signal(SIGPIPE, SIG_IGN);
	printf("1..%d\n", n);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Report one result; returns @ok so a test can stop on failure. */
__attribute__((format(printf, 2, 3)))
static inline bool tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return ok;
}

static inline void tap_skip(const char *reason, const char *what)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, what, reason);
	fflush(stdout);
}

static inline int tap_done(void)
{
	return tap_failed ? 1 : 0;
}

/* Async-signal-safe: only write(2), the cleanup hook and _exit(2). */
static inline void tap_on_alarm(int sig)
{
	static const char msg[] = "Bail out! timed out\n";

	(void)sig;
	if (tap_timeout_cleanup)
		tap_timeout_cleanup();
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/*
 * Bound the whole program: after @seconds print "Bail out!" and exit 1,
 * calling @cleanup first (it must be async-signal-safe: unlink, rmdir).
 */
static inline void tap_timeout(unsigned int seconds, void (*cleanup)(void))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tap_on_alarm;
	sigemptyset(&sa.sa_mask);
	tap_timeout_cleanup = cleanup;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

#endif /* ZONEHOST_TESTS_TAP_H */
