// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl pins: what zhostd keeps locked in host memory (query-pins):
 * the totals, then each run of subblocks in the same state, with the guest
 * processes that hold its pages mlocked when the guest can say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "format.h"

/* "pinned, lock-all", "short": what a range is, from its booleans. */
static const char *range_state(const json_t *r, char *buf, size_t len)
{
	static const char *const words[][2] = {
		{ "guest_pinned", "pinned" },
		{ "lock_all", "lock-all" },
		{ "short", "short" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < BCTL_ARRAY_SIZE(words); i++)
		if (json_is_true(json_object_get(r, words[i][0])) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "", words[i][1]);
	if (!json_is_true(json_object_get(r, "locked")) && n < len)
		snprintf(buf + n, len - n, "%snot locked", n ? ", " : "");
	return buf;
}

/*
 * The holders of one range, one line per process: the pages it holds and
 * in how many subblocks (a process appears once per subblock).
 */
static void holders_print(const json_t *holders)
{
	size_t n = json_array_size(holders);
	bool *done = calloc(n ? n : 1, sizeof(*done));

	for (size_t i = 0; done && i < n; i++) {
		const json_t *h = json_array_get(holders, i);
		uint64_t pid = bctl_json_u64(h, "pid"), pages = 0, sbs = 0;
		const char *comm = json_string_value(json_object_get(h, "comm"));

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++) {
			const json_t *o = json_array_get(holders, j);
			const char *c = json_string_value(json_object_get(o, "comm"));

			if (bctl_json_u64(o, "pid") != pid ||
			    strcmp(c ? c : "", comm ? comm : ""))
				continue;
			done[j] = true;
			pages += bctl_json_u64(o, "pages");
			sbs++;
		}
		if (pid)
			printf("    pid %llu (%s): %llu pages in %llu subblock%s\n",
			       (unsigned long long)pid, comm ? comm : "?",
			       (unsigned long long)pages, (unsigned long long)sbs,
			       sbs == 1 ? "" : "s");
		else
			printf("    no process: %llu pages in %llu subblock%s\n",
			       (unsigned long long)pages, (unsigned long long)sbs,
			       sbs == 1 ? "" : "s");
	}
	free(done);
}

static void pins_print(const json_t *ret)
{
	const json_t *ranges = json_object_get(ret, "ranges");
	const json_t *max = json_object_get(ret, "max_pinned");
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN], d[BCTL_FMT_LEN];
	char state[64], sbs[48];
	size_t i;
	json_t *r;

	printf("locked %s, of which guest-pinned %s; shortfall %s; max pinned %s; lock-all %s\n",
	       bctl_fmt_size(bctl_json_u64(ret, "locked"), a),
	       bctl_fmt_size(bctl_json_u64(ret, "guest_pinned"), b),
	       bctl_fmt_size(bctl_json_u64(ret, "shortfall"), c),
	       json_is_integer(max) ? bctl_fmt_size(bctl_json_u64(ret, "max_pinned"), d) :
				      "none",
	       json_is_true(json_object_get(ret, "lock_all")) ? "on" : "off");
	if (!json_array_size(ranges)) {
		printf("no subblock is locked or refused\n");
		return;
	}
	printf("%-15s %10s  %s\n", "SUBBLOCKS", "BYTES", "STATE");
	json_array_foreach(ranges, i, r) {
		uint64_t first = bctl_json_u64(r, "first");
		uint64_t count = bctl_json_u64(r, "count");

		if (count == 1)
			snprintf(sbs, sizeof(sbs), "%llu", (unsigned long long)first);
		else
			snprintf(sbs, sizeof(sbs), "%llu-%llu", (unsigned long long)first,
				 (unsigned long long)(first + count - 1));
		printf("%-15s %10s  %s\n", sbs,
		       bctl_fmt_size(bctl_json_u64(r, "bytes"), a),
		       range_state(r, state, sizeof(state)));
		holders_print(json_object_get(r, "holders"));
	}
	if (!json_is_true(json_object_get(ret, "holders_available")))
		printf("holders: unavailable (%s)\n",
		       json_string_value(json_object_get(ret, "holders_error")) ?:
		       "no reason given");
	else if (json_is_true(json_object_get(ret, "holders_truncated")))
		printf("holders: more than listed\n");
}

static int pins_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		    int argc, char **argv)
{
	json_t *ret;
	int st;

	st = bctl_client_run_bare(cmd, opts, argc, argv, &ret);
	if (st)
		return st;
	if (opts->json)
		bctl_print_json(ret);
	else if (!json_is_object(ret) || !json_is_array(json_object_get(ret, "ranges")))
		st = bctl_client_bad_reply(cmd->execute, "no \"ranges\" array");
	else
		pins_print(ret);
	json_decref(ret);
	return st;
}

BCTL_COMMAND(pins, "pins", "",
	     "the subblocks locked in host memory, and the guest processes holding them",
	     "query-pins", pins_run)
