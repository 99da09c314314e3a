// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands that call into the guest (reverse calls):
 * guest-ping, guest-meminfo, guest-vmstat, guest-loadavg, guest-cpuinfo,
 * guest-drop-caches.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "guestinfo-parse.h"

/* Largest response one call can carry. */
static uint32_t payload_cap(const struct zhostd *zd)
{
	return zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
}

/* Reverse call GUESTINFO/@proc returning text; NULL with @err on failure. */
static char *guest_text(struct zhostd *zd, uint16_t proc, const char *what,
			uint32_t *len, struct zhostd_error *err)
{
	uint32_t cap = payload_cap(zd), status = 0;
	char *buf = malloc(cap);
	int ret;

	if (!buf) {
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	ret = vmrpc_host_call(zd->vh, VMRPC_MOD_GUESTINFO, proc, NULL, 0, buf,
			      cap, len, &status, zd->call_timeout_ms);
	if (ret || status != VMRPC_OK) {
		zhostd_error_from_call(err, what, ret, status);
		free(buf);
		return NULL;
	}
	return buf;
}

static json_t *cmd_guest_ping(struct zhostd *zd, json_t *args,
			      struct zhostd_error *err)
{
	json_t *jsize = json_object_get(args, "size");
	uint32_t size = 0, len = 0, status = 0;
	struct timespec t0, t1;
	char *req, *resp;
	int ret;

	if (jsize) {
		if (!json_is_integer(jsize) || json_integer_value(jsize) < 0 ||
		    json_integer_value(jsize) > payload_cap(zd)) {
			zhostd_error_set(err, ZERR_INVALID_PARAMETER,
					 "size must be an integer from 0 to %u",
					 payload_cap(zd));
			return NULL;
		}
		size = (uint32_t)json_integer_value(jsize);
	}
	req = malloc(size + 1);
	resp = malloc(size + 1);
	if (!req || !resp) {
		free(req);
		free(resp);
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < size; i++)
		req[i] = (char)(i * 7 + 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = vmrpc_host_call(zd->vh, VMRPC_MOD_CORE, VMRPC_CORE_PING, req,
			      size, resp, size, &len, &status,
			      zd->call_timeout_ms);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret || status != VMRPC_OK) {
		zhostd_error_from_call(err, "ping", ret, status);
	} else if (len != size || memcmp(req, resp, size)) {
		zhostd_error_set(err, ZERR_GUEST_ERROR,
				 "guest echoed %u bytes that differ from the %u sent",
				 len, size);
		ret = -EPROTO;
	}
	free(req);
	free(resp);
	if (ret || err->cls)
		return NULL;
	return json_pack("{s:I}", "rtt_ns",
			 (json_int_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				      (t1.tv_nsec - t0.tv_nsec)));
}
ZHOSTD_COMMAND("guest-ping", cmd_guest_ping)

/* {"text": ..., "fields": parse(text)} for meminfo and vmstat. */
static json_t *guest_fields(struct zhostd *zd, uint16_t proc, const char *what,
			    json_t *(*parse)(const char *, size_t),
			    struct zhostd_error *err)
{
	uint32_t len = 0;
	char *text = guest_text(zd, proc, what, &len, err);
	json_t *ret;

	if (!text)
		return NULL;
	ret = json_pack("{s:o?, s:o?}", "text", guestinfo_text_json(text, len),
			"fields", parse(text, len));
	free(text);
	return ret;
}

static json_t *cmd_guest_meminfo(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err)
{
	(void)args;
	return guest_fields(zd, VMRPC_GUESTINFO_MEMINFO, "meminfo",
			    guestinfo_parse_meminfo, err);
}
ZHOSTD_COMMAND("guest-meminfo", cmd_guest_meminfo)

static json_t *cmd_guest_vmstat(struct zhostd *zd, json_t *args,
				struct zhostd_error *err)
{
	(void)args;
	return guest_fields(zd, VMRPC_GUESTINFO_VMSTAT, "vmstat",
			    guestinfo_parse_vmstat, err);
}
ZHOSTD_COMMAND("guest-vmstat", cmd_guest_vmstat)

/*
 * {"text": ..., and what @fill adds from it} for loadavg and cpuinfo; a
 * text @fill refuses is a GuestError.
 */
static json_t *guest_text_filled(struct zhostd *zd, uint16_t proc,
				 const char *what,
				 int (*fill)(const char *, size_t, json_t *),
				 struct zhostd_error *err)
{
	uint32_t len = 0;
	char *text = guest_text(zd, proc, what, &len, err);
	json_t *ret;

	if (!text)
		return NULL;
	ret = json_pack("{s:o?}", "text", guestinfo_text_json(text, len));
	if (ret && fill(text, len, ret)) {
		zhostd_error_set(err, ZERR_GUEST_ERROR,
				 "guest returned a malformed %s", what);
		json_decref(ret);
		ret = NULL;
	}
	free(text);
	return ret;
}

static json_t *cmd_guest_loadavg(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err)
{
	(void)args;
	return guest_text_filled(zd, VMRPC_GUESTINFO_LOADAVG, "loadavg",
				 guestinfo_parse_loadavg, err);
}
ZHOSTD_COMMAND("guest-loadavg", cmd_guest_loadavg)

/* Any cpuinfo text will do: what it lacks is left out. */
static int fill_cpuinfo(const char *text, size_t len, json_t *obj)
{
	guestinfo_parse_cpuinfo(text, len, obj);
	return 0;
}

static json_t *cmd_guest_cpuinfo(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err)
{
	(void)args;
	return guest_text_filled(zd, VMRPC_GUESTINFO_CPUINFO, "cpuinfo",
				 fill_cpuinfo, err);
}
ZHOSTD_COMMAND("guest-cpuinfo", cmd_guest_cpuinfo)

static json_t *cmd_guest_drop_caches(struct zhostd *zd, json_t *args,
				     struct zhostd_error *err)
{
	json_t *jlevel = json_object_get(args, "level");
	struct vmrpc_drop_caches req = { 0 };
	uint32_t len = 0, status = 0;
	int ret;

	if (!json_is_integer(jlevel) || json_integer_value(jlevel) < 1 ||
	    json_integer_value(jlevel) > 3) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "level must be 1 (page cache), 2 (slab) or 3 (both)");
		return NULL;
	}
	req.level = htole32((uint32_t)json_integer_value(jlevel));
	ret = vmrpc_host_call(zd->vh, VMRPC_MOD_GUESTINFO,
			      VMRPC_GUESTINFO_DROP_CACHES, &req, sizeof(req),
			      NULL, 0, &len, &status, zd->call_timeout_ms);
	if (ret || status != VMRPC_OK) {
		zhostd_error_from_call(err, "drop_caches", ret, status);
		return NULL;
	}
	return json_object();
}
ZHOSTD_COMMAND("guest-drop-caches", cmd_guest_drop_caches)
