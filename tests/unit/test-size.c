// SPDX-License-Identifier: GPL-2.0-only
/*
 * The size grammar of the host tools (mm-host/common/size.c), which zhostd
 * and balloon-ctl both parse with: every string of tests/unit/sizes.txt
 * means the bytes the table says, or is refused. test-zhost-run.sh checks
 * zhost-run's bash parser against the same table.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"
#include "size.h"

#define SIZES_MAX	128	/* rows the table may have */

struct size_row {
	char text[64];
	char want[32];		/* decimal bytes, or "error" */
};

static struct size_row rows[SIZES_MAX];

/* Rows of the table: "STRING BYTES|error", '#' starts a comment line. */
static int read_table(const char *path)
{
	char line[256];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && n < SIZES_MAX) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63s %31s", rows[n].text, rows[n].want) == 2)
			n++;
	}
	fclose(f);
	return n;
}

int main(void)
{
	const char *root = getenv("ZH_ROOT");
	char path[4096];
	uint64_t v;
	int n;

	tap_timeout(30, NULL);
	snprintf(path, sizeof(path), "%s/tests/unit/sizes.txt",
		 root && *root ? root : ".");
	n = read_table(path);
	if (n <= 0) {
		printf("Bail out! cannot read %s\n", path);
		return 1;
	}
	tap_plan(n + 1);
	for (int i = 0; i < n; i++) {
		char got[32] = "error";

		v = 0;
		if (!size_parse(rows[i].text, &v))
			snprintf(got, sizeof(got), "%" PRIu64, v);
		tap_ok(!strcmp(got, rows[i].want), "'%s' is %s%s%s",
		       rows[i].text, rows[i].want,
		       strcmp(got, rows[i].want) ? ", got " : "",
		       strcmp(got, rows[i].want) ? got : "");
	}
	v = 7;
	tap_ok(size_parse("", &v) && v == 7,
	       "an empty string is refused and leaves the result alone");
	return tap_done();
}
