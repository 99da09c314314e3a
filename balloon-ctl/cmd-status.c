// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl status: zhostd's query-status as aligned "key: value" lines,
 * sizes in binary units, booleans as yes/no, then the ZONE_HOST memory as
 * the host and the guest see it, what the host keeps pinned and the
 * guest's view of it, host paging (where the data area's pages are), the
 * guest's events zhostd's rate limit dropped,
 * then the VMRPC counters.
 * Fields this client does not know (a newer zhostd) are printed too, after
 * the known ones, so nothing zhostd says is hidden.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "format.h"

enum status_kind {
	STATUS_PLAIN,		/* a string or a number as it is */
	STATUS_SIZE,		/* bytes, printed in binary units */
};

/* The known fields of query-status, in the order printed. */
static const struct status_field {
	const char *key;	/* in the reply */
	const char *label;	/* printed */
	enum status_kind kind;
} status_fields[] = {
	{ "name",		"name",			STATUS_PLAIN },
	{ "pid",		"pid",			STATUS_PLAIN },
	{ "bar_size",		"bar size",		STATUS_SIZE },
	{ "memfd_allocated",	"memfd allocated",	STATUS_SIZE },
	{ "qemu_connected",	"qemu connected",	STATUS_PLAIN },
	{ "guest_ready",	"guest ready",		STATUS_PLAIN },
	{ "abi",		"host abi",		STATUS_PLAIN },
	{ "guest_abi",		"guest abi",		STATUS_PLAIN },
};

/* The "memory" object: the host's view... */
static const struct status_field memory_fields[] = {
	{ "requested",		"requested",		STATUS_SIZE },
	{ "max",		"max",			STATUS_SIZE },
	{ "plugged",		"plugged",		STATUS_SIZE },
	{ "backed",		"host memory backing it", STATUS_SIZE },
	{ "data_size",		"data area",		STATUS_SIZE },
	{ "subblock_size",	"subblock size",	STATUS_SIZE },
	/* The memory guard: memory the guest used without plugging it. */
	{ "violations",		"violations",		STATUS_PLAIN },
	{ "reclaimed",		"reclaimed from violations", STATUS_SIZE },
	{ "on_violation",	"on violation",		STATUS_PLAIN },
};

/* ... and the guest's, in "memory"."guest". */
static const struct status_field guest_fields[] = {
	{ "plugged",		"guest plugged",	STATUS_SIZE },
	{ "zone_managed",	"guest ZONE_HOST size",	STATUS_SIZE },
	{ "zone_free",		"guest ZONE_HOST free",	STATUS_SIZE },
	{ "mem_total",		"guest MemTotal",	STATUS_SIZE },
	{ "mem_free",		"guest MemFree",	STATUS_SIZE },
	{ "state",		"guest state",		STATUS_PLAIN },
	{ "error",		"guest error",		STATUS_PLAIN },
};

/* ... and what backs it, in "memory"."backing". */
static const struct status_field backing_fields[] = {
	{ "kind",		"backing",		STATUS_PLAIN },
	{ "path",		"backing path",		STATUS_PLAIN },
	{ "page_size",		"backing page size",	STATUS_SIZE },
	{ "huge_bytes",		"on huge pages",	STATUS_SIZE },
	{ "shmem_enabled",	"host shmem_enabled",	STATUS_PLAIN },
	{ "qemu_map_aligned",	"QEMU's BAR2 2M-aligned", STATUS_PLAIN },
	{ "pool_free",		"hugetlb pool free",	STATUS_PLAIN },
	{ "pool_total",		"hugetlb pool total",	STATUS_PLAIN },
};

/* The "pins" object: what the host keeps locked... */
static const struct status_field pins_fields[] = {
	{ "locked",		"locked",		STATUS_SIZE },
	{ "guest_pinned",	"guest-pinned",		STATUS_SIZE },
	{ "shortfall",		"shortfall",		STATUS_SIZE },
	{ "max_pinned",		"max pinned",		STATUS_SIZE },
	{ "lock_all",		"lock-all",		STATUS_PLAIN },
	{ "lock_all_missing",	"lock-all could not lock", STATUS_SIZE },
};

/* ... and the guest's view of its pins, in "pins"."guest". */
static const struct status_field pins_guest_fields[] = {
	{ "mlocked_pages",	"guest mlocked pages",	STATUS_PLAIN },
	{ "wanted",		"guest wants pinned",	STATUS_SIZE },
	{ "pinned",		"guest sees pinned",	STATUS_SIZE },
	{ "short",		"guest sees short",	STATUS_SIZE },
	{ "refused",		"guest runs refused",	STATUS_PLAIN },
	{ "last_reason",	"guest last refusal",	STATUS_PLAIN },
};

/* The "paging" object: host paging and where the data area's pages are... */
static const struct status_field paging_fields[] = {
	{ "enabled",		"host paging enabled",	STATUS_PLAIN },
	{ "mode",		"paging mode",		STATUS_PLAIN },
	{ "reason",		"paging mode reason",	STATUS_PLAIN },
	{ "resident",		"resident",		STATUS_SIZE },
	{ "swapped",		"swapped",		STATUS_SIZE },
	{ "pinned",		"pinned",		STATUS_SIZE },
	{ "hinted",		"hinted",		STATUS_SIZE },
	{ "swap_free",		"host swap free",	STATUS_SIZE },
	{ "swap_floor",		"host swap floor",	STATUS_SIZE },
};

/* ... its counters, in "paging"."counters" ... */
static const struct status_field paging_counter_fields[] = {
	{ "accepted",		"hints accepted",	STATUS_SIZE },
	{ "paged_out",		"paged out",		STATUS_SIZE },
	{ "hint_calls",		"hint calls",		STATUS_PLAIN },
	{ "bad_calls",		"hint calls malformed",	STATUS_PLAIN },
	{ "pageout_errors",	"page-out errors",	STATUS_PLAIN },
};

/* ... and the guest's view, in "paging"."guest". */
static const struct status_field paging_guest_fields[] = {
	{ "mode",		"guest paging mode",	STATUS_PLAIN },
	{ "kept",		"guest kept",		STATUS_SIZE },
	{ "hinted",		"guest hinted",		STATUS_SIZE },
	{ "guest_swapped",	"guest swapped itself",	STATUS_SIZE },
};

#define STATUS_NFIELDS	BCTL_ARRAY_SIZE(status_fields)
#define STATUS_MEMORY	"memory"
#define STATUS_GUEST	"guest"
#define STATUS_PINS	"pins"
#define STATUS_PAGING	"paging"
#define STATUS_HOSTFS	"hostfs"
#define STATUS_STATS	"stats"
#define STATUS_SUPPRESSED "suppressed"
#define STATUS_INDENT	"  "	/* before each counter of the stats block */

static const struct status_field *status_field_find(const char *key)
{
	for (size_t i = 0; i < STATUS_NFIELDS; i++)
		if (!strcmp(status_fields[i].key, key))
			return &status_fields[i];
	return NULL;
}

/* @v for humans; the result is @buf or a string inside @v. */
static const char *status_value(const json_t *v, enum status_kind kind,
				char *buf, size_t len)
{
	size_t n;

	if (json_is_null(v))
		return "none";	/* guest_abi before a guest driver spoke */
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v) && kind == STATUS_SIZE &&
	    json_integer_value(v) >= 0 && len >= BCTL_FMT_LEN)
		return bctl_fmt_size((uint64_t)json_integer_value(v), buf);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	/* Whatever else (a newer zhostd's object, say), as compact JSON. */
	n = json_dumpb(v, buf, len - 1, JSON_COMPACT | JSON_ENCODE_ANY);
	buf[n < len ? n : len - 1] = '\0';
	return buf;
}

/*
 * One "label: value" line, the value in column @width + 1; with @width 0,
 * only widen *@need to fit this label.
 */
static void status_line(const char *indent, const char *label,
			const char *value, int width, int *need)
{
	int w = (int)(strlen(indent) + strlen(label) + 1);

	if (!width) {
		if (w > *need)
			*need = w;
		return;
	}
	printf("%s%s:%*s%s\n", indent, label, width - w + 1, "", value);
}

/* The fields of @obj listed in @fields, in that order. */
static void status_fields_print(const json_t *obj,
				const struct status_field *fields, size_t n,
				int width, int *need)
{
	char buf[256];
	json_t *v;

	for (size_t i = 0; i < n; i++) {
		v = json_object_get(obj, fields[i].key);
		if (v)
			status_line(STATUS_INDENT, fields[i].label,
				    status_value(v, fields[i].kind, buf,
						 sizeof(buf)),
				    width, need);
	}
}

/* The "memory" block; the guest's part says "none" when it is away. */
static void status_memory(const json_t *mem, int width, int *need)
{
	const json_t *guest = json_object_get(mem, STATUS_GUEST);
	const json_t *backing = json_object_get(mem, "backing");

	if (!json_is_object(mem))
		return;
	if (width)
		printf("%s:\n", STATUS_MEMORY);
	status_fields_print(mem, memory_fields, BCTL_ARRAY_SIZE(memory_fields),
			    width, need);
	if (json_is_object(backing))
		status_fields_print(backing, backing_fields,
				    BCTL_ARRAY_SIZE(backing_fields), width,
				    need);
	if (json_is_object(guest))
		status_fields_print(guest, guest_fields,
				    BCTL_ARRAY_SIZE(guest_fields), width, need);
	else
		status_line(STATUS_INDENT, "guest", "none", width, need);
}

/*
 * The "pins" block: bytes locked, the ceiling ("none" for null), the last
 * refusal, and the guest's view ("none" when it is away or older).
 */
static void status_pins(const json_t *pins, int width, int *need)
{
	const json_t *guest = json_object_get(pins, STATUS_GUEST);
	const json_t *last = json_object_get(pins, "last_refusal");
	char buf[64];

	if (!json_is_object(pins))
		return;
	if (width)
		printf("%s:\n", STATUS_PINS);
	status_fields_print(pins, pins_fields, BCTL_ARRAY_SIZE(pins_fields),
			    width, need);
	if (json_is_object(last)) {
		const char *reason = json_string_value(json_object_get(last, "reason"));
		uint64_t error = bctl_json_u64(last, "error");

		if (error)
			snprintf(buf, sizeof(buf), "%s, errno %llu", reason ?: "?",
				 (unsigned long long)error);
		else
			snprintf(buf, sizeof(buf), "%s", reason ?: "?");
		status_line(STATUS_INDENT, "last refusal", buf, width, need);
	}
	if (json_is_object(guest))
		status_fields_print(guest, pins_guest_fields,
				    BCTL_ARRAY_SIZE(pins_guest_fields), width, need);
	else
		status_line(STATUS_INDENT, "guest", "none", width, need);
}

/* The "paging" block; the guest's part says "none" when it is unknown. */
static void status_paging(const json_t *pg, int width, int *need)
{
	const json_t *guest = json_object_get(pg, STATUS_GUEST);

	if (!json_is_object(pg))
		return;
	if (width)
		printf("%s:\n", STATUS_PAGING);
	status_fields_print(pg, paging_fields, BCTL_ARRAY_SIZE(paging_fields),
			    width, need);
	status_fields_print(json_object_get(pg, "counters"), paging_counter_fields,
			    BCTL_ARRAY_SIZE(paging_counter_fields), width, need);
	if (json_is_object(guest))
		status_fields_print(guest, paging_guest_fields,
				    BCTL_ARRAY_SIZE(paging_guest_fields), width, need);
	else
		status_line(STATUS_INDENT, "guest paging", "none", width, need);
}

/* One line of hostfs: exports, mounts, bytes through frames, refusals. */
static void status_hostfs(const json_t *h, int width, int *need)
{
	char buf[256], a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN];
	uint64_t refused = 0;
	const char *key;
	json_t *v;

	if (!json_is_object(h))
		return;
	json_object_foreach(json_object_get(h, "refused"), key, v)
		refused += json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	snprintf(buf, sizeof(buf),
		 "%llu exports, %llu mounts; %s into frames, %s from frames, %s through the payload; %llu refused",
		 (unsigned long long)bctl_json_u64(h, "exports"),
		 (unsigned long long)bctl_json_u64(h, "mounts"),
		 bctl_fmt_size(bctl_json_u64(h, "bytes_to_frames"), a),
		 bctl_fmt_size(bctl_json_u64(h, "bytes_from_frames"), b),
		 bctl_fmt_size(bctl_json_u64(h, "bytes_read") +
			       bctl_json_u64(h, "bytes_written"), c),
		 (unsigned long long)refused);
	status_line("", STATUS_HOSTFS, buf, width, need);
}

/*
 * The guest-triggered events zhostd's rate limit dropped: the total, the
 * limit, and the kinds that had any.
 */
static void status_suppressed(const json_t *sup, int width, int *need)
{
	const json_t *limit = json_object_get(sup, "limit");
	char buf[256];
	size_t n;
	const char *key;
	json_t *v;

	if (!json_is_object(sup))
		return;
	n = (size_t)snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT
			     " guest events (limit %" JSON_INTEGER_FORMAT
			     " at once, then %" JSON_INTEGER_FORMAT "/s)",
			     json_integer_value(json_object_get(sup, "total")),
			     json_integer_value(json_object_get(limit, "burst")),
			     json_integer_value(json_object_get(limit, "per_second")));
	json_object_foreach((json_t *)sup, key, v) {
		if (n >= sizeof(buf) || !json_is_integer(v) ||
		    !json_integer_value(v) || !strcmp(key, "total"))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ", %s %" JSON_INTEGER_FORMAT,
				      key, json_integer_value(v));
	}
	status_line("", STATUS_SUPPRESSED, buf, width, need);
}

/* Print the reply @ret; with @width 0, measure the labels into *@need. */
static void status_walk(const json_t *ret, int width, int *need)
{
	const json_t *stats = json_object_get(ret, STATUS_STATS);
	char buf[256];
	const char *key;
	json_t *v;

	for (size_t i = 0; i < STATUS_NFIELDS; i++) {
		v = json_object_get(ret, status_fields[i].key);
		if (v)
			status_line("", status_fields[i].label,
				    status_value(v, status_fields[i].kind, buf,
						 sizeof(buf)),
				    width, need);
	}
	json_object_foreach((json_t *)ret, key, v) {
		if (!status_field_find(key) && strcmp(key, STATUS_STATS) &&
		    strcmp(key, STATUS_MEMORY) && strcmp(key, STATUS_SUPPRESSED) &&
		    strcmp(key, STATUS_PINS) && strcmp(key, STATUS_PAGING) &&
		    strcmp(key, STATUS_HOSTFS))
			status_line("", key, status_value(v, STATUS_PLAIN, buf,
							  sizeof(buf)),
				    width, need);
	}
	status_memory(json_object_get(ret, STATUS_MEMORY), width, need);
	status_pins(json_object_get(ret, STATUS_PINS), width, need);
	status_paging(json_object_get(ret, STATUS_PAGING), width, need);
	status_hostfs(json_object_get(ret, STATUS_HOSTFS), width, need);
	status_suppressed(json_object_get(ret, STATUS_SUPPRESSED), width, need);
	if (!json_is_object(stats))
		return;
	if (width)
		printf("%s:\n", STATUS_STATS);
	/* Counters keep their protocol names: people grep for them. */
	json_object_foreach((json_t *)stats, key, v)
		status_line(STATUS_INDENT, key,
			    status_value(v, STATUS_PLAIN, buf, sizeof(buf)),
			    width, need);
}

static int status_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		      int argc, char **argv)
{
	int need = 0, st;
	json_t *ret;

	st = bctl_client_run_bare(cmd, opts, argc, argv, &ret);
	if (st)
		return st;
	if (opts->json) {
		bctl_print_json(ret);
	} else if (!json_is_object(ret)) {
		st = bctl_client_bad_reply(cmd->execute, "not an object");
	} else {
		status_walk(ret, 0, &need);
		status_walk(ret, need, &need);
	}
	json_decref(ret);
	return st;
}

BCTL_COMMAND(status, "status", "",
	     "the VM's, the guest's and VMRPC's state",
	     "query-status", status_run)
