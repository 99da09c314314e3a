// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for zhostd's control protocol: request lines, as a
 * client sends them, through zhostd_control_request() (the JSON parser,
 * request validation, the command table and every command's argument
 * checks) of a whole zhostd (mm-host/vm.c) that no QEMU connects to.
 *
 * Input: the bytes a client sends; each line (up to '\n') is one request,
 * as the control socket's reader splits them. Every reply must be a JSON
 * object with exactly one of "return" and "error" (plus the request's
 * "id", echoed whenever the request is an object that has one), an error
 * with a known class and a description, and printable as JSON (valid
 * UTF-8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control-request.h"
#include "events.h"
#include "fuzz.h"
#include "log.h"
#include "options.h"
#include "vm.h"

static struct zhostd zd = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct zhostd_options opts;
static char dir[64], vmdir[80];

static void on_event(void *opaque, enum vmrpc_host_event ev,
		     const char *detail)
{
	zhostd_vmrpc_event(opaque, ev, detail);
}

static void teardown(void)
{
	zhostd_vm_stop(&zd);
	zhostd_vm_close(&zd);
	zhostd_options_free(&opts);
	rmdir(vmdir);
	rmdir(dir);
}

/* One zhostd for the whole run, in a private runtime directory. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *args[] = { "zhostd", "--runtime-dir", dir, "-n", "fuzz",
			 "--bar-size", "256M", "--check-interval", "0",
			 "--call-timeout", "10", NULL };
	char msg[ZHOSTD_OPTIONS_MSG_MAX];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/zh-fuzz-XXXXXX", tmp && *tmp &&
		 strlen(tmp) < 40 ? tmp : "/tmp");
	msg[0] = '\0';
	if (!mkdtemp(dir) ||
	    snprintf(vmdir, sizeof(vmdir), "%s/fuzz", dir) < 0 ||
	    mkdir(vmdir, 0700) ||
	    zlog_open(ZLOG_ERR, getenv("ZH_FUZZ_LOG") ? getenv("ZH_FUZZ_LOG") : "/dev/null", 0) ||
	    zhostd_options_parse(11, args, &opts, msg, sizeof(msg)) !=
	    ZHOSTD_OPTIONS_RUN ||
	    zhostd_vm_open(&zd, &opts, on_event, &zd) ||
	    zhostd_vm_start(&zd, &opts)) {
		fprintf(stderr, "fuzz-control: cannot set up zhostd in %s: %s\n",
			dir, msg);
		rmdir(vmdir);
		rmdir(dir);
		abort();
	}
	atexit(teardown);
	return 0;
}

static bool known_class(const char *cls)
{
	static const char *const classes[] = {
		ZERR_COMMAND_NOT_FOUND, ZERR_INVALID_PARAMETER,
		ZERR_GUEST_NOT_CONNECTED, ZERR_TIMEOUT, ZERR_GUEST_ERROR,
		ZERR_GENERIC,
	};

	for (size_t i = 0; cls && i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(cls, classes[i]))
			return true;
	return false;
}

static void check_reply(json_t *reply)
{
	json_t *ret, *err;
	const char *key;
	json_t *val;
	char *text;

	fuzz_check(json_is_object(reply));
	ret = json_object_get(reply, "return");
	err = json_object_get(reply, "error");
	fuzz_check(!ret != !err);
	json_object_foreach(reply, key, val)
		fuzz_check(!strcmp(key, "return") || !strcmp(key, "error") ||
			   !strcmp(key, "id"));
	if (err) {
		fuzz_check(known_class(json_string_value(json_object_get(err, "class"))));
		fuzz_check(json_is_string(json_object_get(err, "desc")));
	}
	text = json_dumps(reply, JSON_COMPACT);
	fuzz_check(text);
	free(text);
}

/* A request object's "id" comes back in its reply, whatever the reply. */
static void check_id(const char *line, size_t len, json_t *reply)
{
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *id = json_object_get(req, "id");

	if (json_is_object(req))
		fuzz_check(!id || json_equal(id, json_object_get(reply, "id")));
	json_decref(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		json_t *reply;

		if (len) {
			reply = zhostd_control_request(&zd, p, len);
			check_reply(reply);
			check_id(p, len, reply);
			json_decref(reply);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
