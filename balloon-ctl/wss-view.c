// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: the working set for humans; see wss-view.h.
 */
#include <stdio.h>
#include <string.h>

#include "balloon-ctl.h"
#include "format.h"
#include "wss-view.h"

#define WSS_LABEL_W	18	/* the row labels' column */
#define WSS_COL_W	22	/* a region's column */
#define WSS_AGE_W	11	/* a column of the idle histogram */

/* The regions as zhostd names them, and as printed. */
static const struct {
	const char *key;
	const char *label;
} wss_regions[] = {
	{ "host", "ZONE_HOST" },
	{ "guest", "guest" },
};

const char *bctl_wss_age_label(int age)
{
	static const char *const labels[BCTL_WSS_AGES] = {
		"<1", "<2", "<4", "<8", "<16", "<32", "<64", "<128",
	};

	return age >= 0 && age < BCTL_WSS_AGES ? labels[age] : "older";
}

char *bctl_wss_fmt(const json_t *region, char *buf, size_t len)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN];

	snprintf(buf, len, "%s \u00b1 %s",
		 bctl_fmt_size(bctl_json_u64(region, "wss"), a),
		 bctl_fmt_size(bctl_json_u64(region, "wss_error"), b));
	return buf;
}

/* idle[@age] of @region; 0 when missing. */
static uint64_t idle_at(const json_t *region, int age)
{
	json_int_t v = json_integer_value(
		json_array_get(json_object_get(region, "idle"), (size_t)age));

	return v > 0 ? (uint64_t)v : 0;
}

void bctl_wss_print_regions(const json_t *sample)
{
	static const char *const rows[] = {
		"size", "anon", "file", "kernel", "free", "user", "pinned",
	};
	char buf[2 * BCTL_FMT_LEN + 8];
	const json_t *reg[2];
	size_t i;
	int r, a;

	for (r = 0; r < 2; r++)
		reg[r] = json_object_get(sample, wss_regions[r].key);
	/* The last column is not padded: no trailing blanks. */
	printf("%-*s%-*s%s\n", WSS_LABEL_W, "", WSS_COL_W,
	       wss_regions[0].label, wss_regions[1].label);
	/* "±" is two bytes and one column: pad by one more. */
	printf("%-*s%-*s", WSS_LABEL_W, "working set", WSS_COL_W + 1,
	       bctl_wss_fmt(reg[0], buf, sizeof(buf)));
	printf("%s\n", bctl_wss_fmt(reg[1], buf, sizeof(buf)));
	for (i = 0; i < BCTL_ARRAY_SIZE(rows); i++) {
		printf("%-*s%-*s", WSS_LABEL_W, rows[i], WSS_COL_W,
		       bctl_fmt_size(bctl_json_u64(reg[0], rows[i]), buf));
		printf("%s\n", bctl_fmt_size(bctl_json_u64(reg[1], rows[i]), buf));
	}

	printf("\nidle for less than (windows, cumulative)\n%-*s", WSS_LABEL_W, "");
	for (a = 0; a < BCTL_WSS_AGES; a++)
		printf("%-*s", a + 1 < BCTL_WSS_AGES ? WSS_AGE_W : 0,
		       bctl_wss_age_label(a));
	putchar('\n');
	for (r = 0; r < 2; r++) {
		printf("%-*s", WSS_LABEL_W, wss_regions[r].label);
		for (a = 0; a < BCTL_WSS_AGES; a++)
			printf("%-*s", a + 1 < BCTL_WSS_AGES ? WSS_AGE_W : 0,
			       bctl_fmt_size(idle_at(reg[r], a), buf));
		putchar('\n');
	}
}

void bctl_wss_print_idle_bars(const json_t *region, int width)
{
	static const char bar[] =
		"################################################################";
	uint64_t user = bctl_json_u64(region, "user"), v;
	char buf[BCTL_FMT_LEN];
	int n;

	if (width > (int)sizeof(bar) - 1)
		width = (int)sizeof(bar) - 1;
	for (int a = 0; a <= BCTL_WSS_AGES; a++) {
		v = a < BCTL_WSS_AGES ? idle_at(region, a) :
		    user - (idle_at(region, BCTL_WSS_AGES - 1) < user ?
			    idle_at(region, BCTL_WSS_AGES - 1) : user);
		n = user ? (int)((double)v / (double)user * width + 0.5) : 0;
		if (n > width)
			n = width;
		printf("  %-6s %10s |%.*s\n", bctl_wss_age_label(a),
		       bctl_fmt_size(v, buf), n, bar);
	}
}
