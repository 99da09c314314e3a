// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands of hostfs exports: query-exports, export-add,
 * export-remove, export-invalidate (the reverse call VMRPC_HOSTFS_
 * INVALIDATE to every mount of an export); see cmd-export.h.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-export.h"
#include "hostfs.h"
#include "log.h"

/* The counters into @o, next to what it holds; @o is returned. */
static json_t *counters_into(json_t *o, const struct zh_hostfs_counters *c)
{
	json_t *refused = json_object();

	if (!o || !refused) {
		json_decref(refused);
		json_decref(o);
		return NULL;
	}
	for (int r = 0; r < ZH_HOSTFS_R_NR; r++)
		json_object_set_new(refused, zh_hostfs_refusal_name(r),
				    json_integer((json_int_t)c->refused[r]));
	json_object_set_new(o, "calls", json_integer((json_int_t)c->calls));
	json_object_set_new(o, "mount_calls", json_integer((json_int_t)c->mounts));
	json_object_set_new(o, "errors", json_integer((json_int_t)c->errors));
	json_object_set_new(o, "bytes_to_frames",
			    json_integer((json_int_t)c->bytes_to_frames));
	json_object_set_new(o, "zero_to_frames",
			    json_integer((json_int_t)c->zero_to_frames));
	json_object_set_new(o, "bytes_from_frames",
			    json_integer((json_int_t)c->bytes_from_frames));
	json_object_set_new(o, "bytes_read", json_integer((json_int_t)c->bytes_read));
	json_object_set_new(o, "bytes_written",
			    json_integer((json_int_t)c->bytes_written));
	json_object_set_new(o, "refused", refused);
	return o;
}

json_t *zhostd_hostfs_json(struct zhostd *zd)
{
	struct zh_hostfs_counters c = { 0 };
	uint32_t exports = 0, mounts = 0;

	if (zd->hostfs)
		zh_hostfs_totals(zd->hostfs, &c, &exports, &mounts);
	return counters_into(json_pack("{s:i, s:i}", "exports", (int)exports,
				       "mounts", (int)mounts), &c);
}

static json_t *exports_json(struct zhostd *zd, struct zhostd_error *err)
{
	struct zh_hostfs_export_info *v;
	json_t *list;
	size_t nr;

	if (!zd->hostfs || zh_hostfs_exports(zd->hostfs, &v, &nr)) {
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	list = json_array();
	for (size_t i = 0; list && i < nr; i++)
		json_array_append_new(list, counters_into(json_pack("{s:s, s:s, s:b, s:o, s:o, s:i, s:I}",
			"tag", v[i].tag, "dir", v[i].dir, "ro", v[i].ro,
			"uid", v[i].creds ? json_integer(v[i].uid) : json_null(),
			"gid", v[i].creds ? json_integer(v[i].gid) : json_null(),
			"mounts", (int)v[i].mounts, "nodes", (json_int_t)v[i].nodes),
			&v[i].c));
	free(v);
	return json_pack("{s:o}", "exports", list);
}

static json_t *cmd_query_exports(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err)
{
	(void)args;
	return exports_json(zd, err);
}
ZHOSTD_COMMAND("query-exports", cmd_query_exports)

/* The string argument @key, or NULL with @err set. */
static const char *arg_str(json_t *args, const char *key, bool need,
			   struct zhostd_error *err)
{
	json_t *v = json_object_get(args, key);

	if ((!v && need) || (v && !json_is_string(v))) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'%s' must be a string", key);
		return NULL;
	}
	return v ? json_string_value(v) : "";
}

/* Only the arguments in @keys (NULL-terminated): 0, or -1 with @err set. */
static int args_only(json_t *args, const char *const *keys,
		     struct zhostd_error *err)
{
	const char *key;
	json_t *val;

	json_object_foreach(args, key, val) {
		const char *const *k;

		for (k = keys; *k && strcmp(*k, key); k++)
			;
		if (!*k) {
			zhostd_error_set(err, ZERR_INVALID_PARAMETER,
					 "unknown argument '%s'", key);
			return -1;
		}
	}
	return 0;
}

/* An optional id argument: 0, or -1 with @err set. */
static int arg_id(json_t *args, const char *key, bool *given, uint32_t *id,
		  struct zhostd_error *err)
{
	json_t *v = json_object_get(args, key);

	*given = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0xfffffffe) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "'%s' must be a number from 0 to 4294967294", key);
		return -1;
	}
	*id = (uint32_t)json_integer_value(v);
	return 0;
}

static json_t *cmd_export_add(struct zhostd *zd, json_t *args,
			      struct zhostd_error *err)
{
	static const char *const keys[] = { "tag", "dir", "ro", "uid", "gid", NULL };
	const char *tag = arg_str(args, "tag", true, err);
	const char *dir = tag ? arg_str(args, "dir", true, err) : NULL;
	json_t *ro = json_object_get(args, "ro");
	struct zh_hostfs_spec sp = { 0 };
	bool has_uid, has_gid;
	char why[256];

	if (!dir || args_only(args, keys, err) ||
	    arg_id(args, "uid", &has_uid, &sp.uid, err) ||
	    arg_id(args, "gid", &has_gid, &sp.gid, err))
		return NULL;
	if ((ro && !json_is_boolean(ro)) || has_uid != has_gid) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER, has_uid != has_gid ?
				 "'uid' and 'gid' go together" :
				 "'ro' must be true or false");
		return NULL;
	}
	snprintf(sp.tag, sizeof(sp.tag), "%s", tag);
	if (strlen(tag) >= sizeof(sp.tag)) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER, "'%s' is not a tag", tag);
		return NULL;
	}
	sp.dir = (char *)dir;
	sp.ro = json_is_true(ro);
	sp.creds = has_uid;
	if (zh_hostfs_export_add(zd->hostfs, &sp, why, sizeof(why))) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER, "%s", why);
		return NULL;
	}
	zlog_info("exporting %s as hostfs %s%s%s (control client)", dir, tag,
		  sp.ro ? ", read-only" : "", sp.creds ? ", as its uid and gid" : "");
	return exports_json(zd, err);
}
ZHOSTD_COMMAND("export-add", cmd_export_add)

static json_t *cmd_export_remove(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err)
{
	static const char *const keys[] = { "tag", NULL };
	const char *tag = arg_str(args, "tag", true, err);

	if (!tag || args_only(args, keys, err))
		return NULL;
	if (zh_hostfs_export_remove(zd->hostfs, tag)) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER,
				 "no export has the tag %s", tag);
		return NULL;
	}
	zlog_info("hostfs %s no longer exported; its mounts get ESTALE (control client)",
		  tag);
	return exports_json(zd, err);
}
ZHOSTD_COMMAND("export-remove", cmd_export_remove)

static json_t *cmd_export_invalidate(struct zhostd *zd, json_t *args,
				     struct zhostd_error *err)
{
	static const char *const keys[] = { "tag", "path", NULL };
	const char *tag = arg_str(args, "tag", true, err);
	const char *path = tag ? arg_str(args, "path", false, err) : NULL;
	struct zh_hostfs_target t[ZH_HOSTFS_MAX_MOUNTS];
	uint32_t done = 0, failed = 0;
	char why[256];
	size_t nr;

	if (!path || args_only(args, keys, err))
		return NULL;
	if (zh_hostfs_invalidate_targets(zd->hostfs, tag, path, t, &nr, why,
					 sizeof(why))) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER, "%s", why);
		return NULL;
	}
	for (size_t i = 0; i < nr; i++) {
		struct vmrpc_hostfs_invalidate req = {
			.mount = htole32(t[i].mount), .node = htole64(t[i].node),
		};
		struct vmrpc_hostfs_reply rep = { 0 };
		uint32_t len = 0, status = 0;
		int ret;

		ret = vmrpc_host_call(zd->vh, VMRPC_MOD_HOSTFS,
				      VMRPC_HOSTFS_INVALIDATE, &req, sizeof(req),
				      &rep, sizeof(rep), &len, &status,
				      zd->call_timeout_ms);
		if (ret || status != VMRPC_OK || len < sizeof(rep) || rep.error) {
			failed++;
			if (nr == 1) {
				if (!ret && status == VMRPC_OK)
					zhostd_error_set(err, ZERR_GUEST_ERROR,
							 "the guest failed the invalidation: %s",
							 len < sizeof(rep) ? "short reply" :
							 strerror((int)le32toh(rep.error)));
				else
					zhostd_error_from_call(err, "invalidate", ret,
							       status);
				return NULL;
			}
		} else {
			done++;
		}
	}
	return json_pack("{s:i, s:i, s:i}", "mounts", (int)nr,
			 "invalidated", (int)done, "failed", (int)failed);
}
ZHOSTD_COMMAND("export-invalidate", cmd_export_invalidate)
