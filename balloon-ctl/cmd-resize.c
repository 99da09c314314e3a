// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl set, grow, shrink: change the size of the guest's ZONE_HOST
 * memory (zhostd's set-memory), and with --wait follow the guest until it
 * reaches the size or says why it cannot.
 *
 * Everything goes over one connection, opened before set-memory: zhostd
 * sends its events to every client, so MEMORY_CHANGED and RESIZE_DONE of
 * this resize cannot be missed. An event only wakes the wait; the state
 * is what query-memory says then, since a guest flooding events gets them
 * rate-limited, and a resize may end before the first event is read. A
 * wait with no event at all still looks again every RESIZE_IDLE_S.
 * On a terminal the progress is a bar redrawn in place; otherwise one line
 * per change, for logs. With --stages, once the resize ended, the guest's
 * report of it tells where the time went (resize-stages.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vmrpc.h>

#include "clock.h"
#include "client.h"
#include "format.h"
#include "mem-names.h"
#include "resize-stages.h"
#include "size.h"

/* Longest wait for an event before looking again without one. */
#define RESIZE_IDLE_S		1.0
#define RESIZE_BAR_WIDTH	30
/*
 * Longest wait for the guest's report after the resize ended, without
 * --timeout: it comes right after the guest's last step.
 */
#define RESIZE_STAGES_S		5.0

enum resize_mode { RESIZE_SET, RESIZE_GROW, RESIZE_SHRINK };

struct resize_args {
	enum resize_mode mode;
	uint64_t size;
	bool wait;
	bool stages;
	double wait_timeout;	/* seconds; 0: none */
};

static int resize_parse(const struct bctl_cmd *cmd, int argc, char **argv,
			struct resize_args *a)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wait")) {
			a->wait = true;
		} else if (!strcmp(argv[i], "--stages")) {
			a->stages = true;
		} else if (!strcmp(argv[i], "--timeout")) {
			if (++i == argc)
				return bctl_usage_err(cmd, "--timeout needs SECONDS");
			a->wait_timeout = strtod(argv[i], &end);
			if (*end || !isfinite(a->wait_timeout) ||
			    a->wait_timeout <= 0 || a->wait_timeout > 86400)
				return bctl_usage_err(cmd, "bad --timeout '%s'", argv[i]);
		} else if (argv[i][0] == '-') {
			return bctl_usage_err(cmd, "unknown option '%s'", argv[i]);
		} else if (a->size != UINT64_MAX) {
			return bctl_usage_err(cmd, "unexpected argument '%s'", argv[i]);
		} else if (size_parse(argv[i], &a->size)) {
			return bctl_usage_err(cmd, "bad size '%s' (%s)", argv[i],
					      ZH_SIZE_HINT);
		}
	}
	if (a->size == UINT64_MAX)
		return bctl_usage_err(cmd, "SIZE missing");
	if (a->wait_timeout && !a->wait)
		return bctl_usage_err(cmd, "--timeout goes with --wait");
	if (a->stages && !a->wait)
		return bctl_usage_err(cmd, "--stages goes with --wait");
	return BCTL_EXIT_OK;
}

static uint64_t field_u64(const json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}

/* One progress report: a bar in place on a terminal, else a line. */
static void resize_progress(uint64_t from, uint64_t plugged, uint64_t target,
			    bool tty)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN];
	uint64_t span = from > target ? from - target : target - from;
	uint64_t moved = from > target ? (from > plugged ? from - plugged : 0) :
					 (plugged > from ? plugged - from : 0);
	int fill = span ? (int)(moved * RESIZE_BAR_WIDTH / span) : RESIZE_BAR_WIDTH;

	if (fill > RESIZE_BAR_WIDTH)
		fill = RESIZE_BAR_WIDTH;
	bctl_fmt_size(plugged, a);
	bctl_fmt_size(target, b);
	if (tty)
		printf("\r[%.*s%*s] %s of %s ", fill,
		       "##############################", RESIZE_BAR_WIDTH - fill,
		       "", a, b);
	else
		printf("plugged %s of %s\n", a, b);
	fflush(stdout);
}

/* What one query-memory reply says of the resize to @target. */
enum resize_verdict { RESIZE_GOING, RESIZE_REACHED, RESIZE_STUCK,
		      RESIZE_SUPERSEDED };

static enum resize_verdict resize_judge(const json_t *ret, uint64_t target)
{
	const json_t *guest = json_object_get(ret, "guest");
	const char *state = json_string_value(json_object_get(guest, "state"));
	uint64_t plugged = field_u64(ret, "plugged");

	if (state && !strcmp(state, zh_mem_state_name(VMRPC_MEM_S_IDLE)) &&
	    plugged == target && field_u64(guest, "plugged") == target)
		return RESIZE_REACHED;
	if (state && !strcmp(state, zh_mem_state_name(VMRPC_MEM_S_STUCK)) &&
	    field_u64(guest, "requested") == target)
		return RESIZE_STUCK;
	/* Another client or the automatic policy asked for another size. */
	if (field_u64(ret, "requested") != target)
		return RESIZE_SUPERSEDED;
	return RESIZE_GOING;
}

/*
 * Follow the guest on @c until it reaches @target, stops short, another
 * size is requested or the @deadline (zh_now_s(); 0: none) passes. Returns
 * an exit status; *@last is the last query-memory reply.
 */
static int resize_wait(struct bctl_client *c, const struct bctl_opts *opts,
		       uint64_t from, uint64_t target, double deadline,
		       json_t **last)
{
	const bool tty = isatty(STDOUT_FILENO) && !opts->json;
	uint64_t shown = UINT64_MAX, plugged;
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], req[BCTL_FMT_LEN];
	const char *state, *reason;
	json_t *ret;
	double wait;
	int st;

	*last = NULL;
	for (;;) {
		st = bctl_client_call(c, "query-memory", NULL, &ret);
		if (st)
			return st;
		json_decref(*last);
		*last = ret;
		plugged = field_u64(ret, "plugged");
		state = json_string_value(json_object_get(
				json_object_get(ret, "guest"), "state"));
		if (!opts->json && plugged != shown) {
			resize_progress(from, plugged, target, tty);
			shown = plugged;
		}
		switch (resize_judge(ret, target)) {
		case RESIZE_REACHED:
			if (tty)
				putchar('\n');
			return BCTL_EXIT_OK;
		case RESIZE_STUCK:
			reason = json_string_value(json_object_get(
				json_object_get(ret, "guest"), "reason"));
			if (tty)
				putchar('\n');
			bctl_err("stopped at %s of %s: %s",
				 bctl_fmt_size(plugged, a), bctl_fmt_size(target, b),
				 reason ? reason : "unknown");
			return BCTL_EXIT_PARTIAL;
		case RESIZE_SUPERSEDED:
			if (tty)
				putchar('\n');
			bctl_err("superseded at %s of %s: zhostd now requests %s",
				 bctl_fmt_size(plugged, a), bctl_fmt_size(target, b),
				 bctl_fmt_size(field_u64(ret, "requested"), req));
			return BCTL_EXIT_SUPERSEDED;
		case RESIZE_GOING:
			break;
		}
		wait = RESIZE_IDLE_S;
		if (deadline && deadline - zh_now_s() < wait)
			wait = deadline - zh_now_s();
		if (deadline && wait <= 0) {
			if (tty)
				putchar('\n');
			bctl_err("timed out at %s of %s (guest %s)",
				 bctl_fmt_size(plugged, a), bctl_fmt_size(target, b),
				 state ? state : "not answering");
			return BCTL_EXIT_TIMEOUT;
		}
		/* One look for a burst of events. */
		st = bctl_client_wake(c, wait);
		if (st)
			return st;
	}
}

/*
 * --stages, after the wait ended with status @st: the guest's report of
 * this resize (the first after @count0), within the rest of @deadline
 * (0: RESIZE_STAGES_S). A resize that did not end (superseded, timed
 * out, zhostd gone) has no report of its own to wait for. With --json
 * the breakdown goes into @last as "stages" (null without one).
 */
static int resize_stages(struct bctl_client *c, const struct bctl_opts *opts,
			 int st, uint64_t count0, uint64_t target,
			 double deadline, json_t *last)
{
	double wait = deadline ? deadline - zh_now_s() : RESIZE_STAGES_S;
	json_t *report = NULL;
	int ret;

	if (st != BCTL_EXIT_OK && st != BCTL_EXIT_PARTIAL)
		return st;
	ret = bctl_stages_wait(c, count0, target, wait > 0 ? wait : 0, &report);
	if (ret)
		return ret;
	if (opts->json) {
		json_t *stages = json_object_get(report, "stages");

		json_object_set_new(last, "stages", stages ? json_incref(stages) :
						    json_null());
	} else {
		bctl_stages_print(report, wait > 0 ? wait : 0);
	}
	json_decref(report);
	return st;
}

static int resize_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		      int argc, char **argv, enum resize_mode mode)
{
	struct resize_args a = { .mode = mode, .size = UINT64_MAX };
	struct bctl_client *c = NULL;
	uint64_t target = 0, from, count0;
	json_t *ret, *last = NULL;
	char s[BCTL_FMT_LEN];
	double deadline;
	int st;

	st = resize_parse(cmd, argc, argv, &a);
	if (st)
		return st;
	/* Connected before set-memory: no event of this resize is missed. */
	st = bctl_client_open(opts, &c);
	if (st)
		return st;
	st = bctl_client_call(c, "query-memory", NULL, &ret);
	if (st)
		goto out;
	from = field_u64(ret, "plugged");
	/* Reports up to now are of earlier resizes. */
	count0 = field_u64(json_object_get(ret, "last_resize"), "count");
	switch (mode) {
	case RESIZE_SET:
		target = a.size;
		break;
	case RESIZE_GROW:
		target = field_u64(ret, "requested") + a.size;
		break;
	case RESIZE_SHRINK:
		target = field_u64(ret, "requested");
		target = target > a.size ? target - a.size : 0;
		break;
	}
	json_decref(ret);
	st = bctl_client_call(c, "set-memory",
			      json_pack("{s:I}", "size", (json_int_t)target),
			      &ret);
	if (st)
		goto out;
	if (!a.wait) {
		if (opts->json)
			bctl_print_json(ret);
		else
			printf("requested %s\n", bctl_fmt_size(target, s));
		json_decref(ret);
		goto out;
	}
	json_decref(ret);
	deadline = a.wait_timeout ? zh_now_s() + a.wait_timeout : 0;
	st = resize_wait(c, opts, from, target, deadline, &last);
	if (a.stages && last)
		st = resize_stages(c, opts, st, count0, target, deadline, last);
	if (opts->json && last)
		bctl_print_json(last);
	json_decref(last);
out:
	bctl_client_close(c);
	return st;
}

static int set_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		   int argc, char **argv)
{
	return resize_run(cmd, opts, argc, argv, RESIZE_SET);
}

static int grow_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		    int argc, char **argv)
{
	return resize_run(cmd, opts, argc, argv, RESIZE_GROW);
}

static int shrink_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		      int argc, char **argv)
{
	return resize_run(cmd, opts, argc, argv, RESIZE_SHRINK);
}

BCTL_COMMAND(set, "set", "SIZE [--wait [--timeout S] [--stages]]",
	     "set the guest's host memory (ZONE_HOST) to SIZE",
	     "set-memory", set_run)

BCTL_COMMAND(grow, "grow", "SIZE [--wait [--timeout S] [--stages]]",
	     "give the guest SIZE more host memory",
	     "set-memory", grow_run)

BCTL_COMMAND(shrink, "shrink", "SIZE [--wait [--timeout S] [--stages]]",
	     "take SIZE of host memory back from the guest",
	     "set-memory", shrink_run)
