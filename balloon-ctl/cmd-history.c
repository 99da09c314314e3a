// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl history: the working-set samples zhostd kept
 * (query-wss-history), as a table, as JSON, or plotted to an SVG file
 * with gnuplot (--plot).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "format.h"
#include "plot.h"
#include "wss-view.h"

struct history_args {
	long long limit;	/* -1: all */
	const char *plot;	/* SVG file, or NULL */
};

static int history_parse(const struct bctl_cmd *cmd, int argc, char **argv,
			 struct history_args *a)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--limit")) {
			if (++i == argc)
				return bctl_usage_err(cmd, "--limit needs a count");
			a->limit = strtoll(argv[i], &end, 10);
			if (*end || end == argv[i] || a->limit < 0 ||
			    argv[i][0] == '-' || a->limit > INT_MAX)
				return bctl_usage_err(cmd, "bad --limit '%s'",
						      argv[i]);
		} else if (!strcmp(argv[i], "--plot")) {
			if (++i == argc || !*argv[i])
				return bctl_usage_err(cmd, "--plot needs a FILE");
			a->plot = argv[i];
		} else {
			return bctl_usage_err(cmd, "unexpected argument '%s'",
					      argv[i]);
		}
	}
	return BCTL_EXIT_OK;
}

/* One row per sample, oldest first. */
static void history_table(const json_t *samples)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN];
	char g[2 * BCTL_FMT_LEN + 8], h[2 * BCTL_FMT_LEN + 8];
	char when[16], f[BCTL_FMT_LEN];
	size_t i;
	json_t *s;

	printf("%-9s %-11s %-11s %-11s %-23s %-23s %s\n", "time", "plugged",
	       "backed", "requested", "guest wss", "ZONE_HOST wss",
	       "guest free");
	json_array_foreach(samples, i, s) {
		time_t t = (time_t)json_integer_value(json_object_get(
			json_object_get(s, "timestamp"), "seconds"));
		const json_t *gr = json_object_get(s, "guest");
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		/* "±" is two bytes in one column: one more byte of padding. */
		printf("%-9s %-11s %-11s %-11s %-24s %-24s %s\n", when,
		       bctl_fmt_size(bctl_json_u64(s, "plugged"), a),
		       bctl_fmt_size(bctl_json_u64(s, "backed"), b),
		       bctl_fmt_size(bctl_json_u64(s, "requested"), c),
		       bctl_wss_fmt(gr, g, sizeof(g)),
		       bctl_wss_fmt(json_object_get(s, "host"), h, sizeof(h)),
		       bctl_fmt_size(bctl_json_u64(gr, "free"), f));
	}
}

static int history_run(const struct bctl_cmd *cmd,
		       const struct bctl_opts *opts, int argc, char **argv)
{
	struct history_args a = { .limit = -1 };
	json_t *ret, *samples;
	char title[128];
	int st;

	st = history_parse(cmd, argc, argv, &a);
	if (st)
		return st;
	st = bctl_client_run(opts, cmd->execute, a.limit < 0 ? NULL :
			     json_pack("{s:I}", "limit", (json_int_t)a.limit),
			     &ret);
	if (st)
		return st;
	samples = json_object_get(ret, "samples");
	if (!json_is_array(samples)) {
		st = bctl_client_bad_reply(cmd->execute, "no \"samples\" array");
	} else if (a.plot) {
		snprintf(title, sizeof(title), "%s: host memory and working set",
			 opts->vm_name ? opts->vm_name : "zonehost VM");
		if (bctl_plot_history(samples, title, a.plot))
			st = BCTL_EXIT_DAEMON;
		else if (!opts->json)
			printf("plotted %zu samples to %s\n",
			       json_array_size(samples), a.plot);
	}
	if (!st && opts->json)
		bctl_print_json(ret);
	else if (!st && !a.plot)
		history_table(samples);
	json_decref(ret);
	return st;
}

BCTL_COMMAND(history, "history", "[--limit N] [--plot FILE.svg]",
	     "the working-set samples zhostd kept, or a plot of them",
	     "query-wss-history", history_run)
