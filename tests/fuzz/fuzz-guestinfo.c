// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the guest's VMRPC_MOD_GUESTINFO replies: the
 * /proc texts zhostd parses (mm-host/guestinfo-parse.c) for guest-meminfo,
 * guest-vmstat, guest-loadavg and guest-cpuinfo, and the text itself as
 * the JSON string those commands return.
 *
 * Input: byte 0 picks the parser, the rest is the guest's text, in a
 * buffer of exactly its size and not NUL-terminated. Whatever the bytes,
 * every result must print as JSON (valid UTF-8), the text keep its
 * length, and the CPU model be printable ASCII.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "guestinfo-parse.h"

static void print_json(json_t *v)
{
	char *text;

	fuzz_check(v);
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fuzz_check(text);
	free(text);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *model;
	json_t *obj, *s;
	char *text;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	text = fuzz_dup(data + 1, len);

	s = guestinfo_text_json(text, len);
	fuzz_check(json_string_length(s) == len);
	print_json(s);

	switch (data[0] % 4) {
	case 0:
		print_json(guestinfo_parse_meminfo(text, len));
		break;
	case 1:
		print_json(guestinfo_parse_vmstat(text, len));
		break;
	case 2:
		obj = json_object();
		guestinfo_parse_loadavg(text, len, obj);
		print_json(obj);
		break;
	case 3:
		obj = json_object();
		guestinfo_parse_cpuinfo(text, len, obj);
		model = json_string_value(json_object_get(obj, "model_name"));
		for (const char *p = model; p && *p; p++)
			fuzz_check(*p >= 0x20 && *p < 0x7f);
		print_json(obj);
		break;
	}
	free(text);
	return 0;
}
