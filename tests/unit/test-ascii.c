// SPDX-License-Identifier: GPL-2.0-only
/*
 * zh_ascii_clean() (mm-host/common/ascii.c): what zhostd shows of a guest's
 * or a client's text is printable ASCII, with lines kept only when asked.
 */
#include <string.h>

#include "../lib/tap.h"
#include "ascii.h"

int main(void)
{
	static const char in[] = "ok\tA\n\x1b[31m\0\x7f\xe2\x80\xae.";
	char out[sizeof(in)];
	char same[] = "a\x01" "b";

	tap_timeout(30, NULL);
	tap_plan(4);
	zh_ascii_clean(out, in, sizeof(in) - 1, false);
	tap_ok(!strcmp(out, "ok?A??[31m?????."),
	       "control codes, NUL, DEL and UTF-8 bytes become '?'");
	zh_ascii_clean(out, in, sizeof(in) - 1, true);
	tap_ok(!strcmp(out, "ok\tA\n?[31m?????."),
	       "with keep_lines, tab and newline stay");
	zh_ascii_clean(out, in, 0, false);
	tap_ok(out[0] == '\0', "nothing copied is an empty string");
	zh_ascii_clean(same, same, strlen(same), false);
	tap_ok(!strcmp(same, "a?b"), "it cleans in place");
	return tap_done();
}
