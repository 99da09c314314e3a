// SPDX-License-Identifier: GPL-2.0-only
/*
 * qga-meminfo: the baseline users have today for reading a guest's
 * /proc/meminfo from the host: qemu-guest-agent's guest-file-open, -read
 * and -close over virtio-serial, timed per read.
 *
 *   qga-meminfo SOCKET COUNT
 *
 * Prints one JSON object: count, min_ns, median_ns, p99_ns, calls_per_s,
 * bytes (of the last meminfo read).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

static FILE *qga_in;
static int qga_fd;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "qga-meminfo: %s\n", what);
	exit(1);
}

/* Send a command, return its "return" member (a new reference). */
static json_t *qga(json_t *cmd)
{
	char *text = json_dumps(cmd, JSON_COMPACT);
	char line[1 << 17];
	json_t *reply, *ret;
	size_t len;

	json_decref(cmd);
	if (!text)
		die("out of memory");
	len = strlen(text);
	text[len] = '\n';
	if (write(qga_fd, text, len + 1) != (ssize_t)len + 1)
		die("write to the agent failed");
	free(text);
	for (;;) {
		if (!fgets(line, sizeof(line), qga_in))
			die("the agent closed the connection");
		/* guest-sync-delimited may leave a 0xff byte before a reply. */
		reply = json_loads(line[0] == '\xff' ? line + 1 : line, 0, NULL);
		if (reply)
			break;
	}
	if (json_object_get(reply, "error"))
		die(json_string_value(json_object_get(json_object_get(reply, "error"), "desc")));
	ret = json_incref(json_object_get(reply, "return"));
	json_decref(reply);
	if (!ret)
		die("reply without return");
	return ret;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t *ns, t0, total;
	json_int_t handle, id;
	size_t bytes = 0;
	long count;
	json_t *r;

	if (argc != 3 || (count = strtol(argv[2], NULL, 10)) < 1 ||
	    strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: qga-meminfo SOCKET COUNT\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	qga_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (qga_fd < 0 || connect(qga_fd, (struct sockaddr *)&sa, sizeof(sa)))
		die(strerror(errno));
	qga_in = fdopen(dup(qga_fd), "r");
	ns = calloc((size_t)count, sizeof(*ns));
	if (!qga_in || !ns)
		die("out of memory");

	/* Flush anything stale on the channel, as the agent's docs say. */
	id = (json_int_t)getpid();
	r = qga(json_pack("{s:s, s:{s:I}}", "execute", "guest-sync", "arguments", "id", id));
	if (json_integer_value(r) != id)
		die("guest-sync answered another id");
	json_decref(r);

	total = now_ns();
	for (long i = 0; i < count; i++) {
		t0 = now_ns();
		r = qga(json_pack("{s:s, s:{s:s, s:s}}", "execute", "guest-file-open",
				  "arguments", "path", "/proc/meminfo", "mode", "r"));
		handle = json_integer_value(r);
		json_decref(r);
		r = qga(json_pack("{s:s, s:{s:I, s:i}}", "execute", "guest-file-read",
				  "arguments", "handle", handle, "count", 65536));
		bytes = (size_t)json_integer_value(json_object_get(r, "count"));
		json_decref(r);
		json_decref(qga(json_pack("{s:s, s:{s:I}}", "execute", "guest-file-close",
					  "arguments", "handle", handle)));
		ns[i] = now_ns() - t0;
	}
	total = now_ns() - total;
	qsort(ns, (size_t)count, sizeof(*ns), cmp_i64);
	printf("{\"count\": %ld, \"min_ns\": %lld, \"median_ns\": %lld, \"p99_ns\": %lld, "
	       "\"calls_per_s\": %lld, \"bytes\": %zu}\n",
	       count, (long long)ns[0], (long long)ns[count / 2],
	       (long long)ns[count * 99 / 100],
	       (long long)(count * 1000000000LL / (total ? total : 1)), bytes);
	free(ns);
	fclose(qga_in);
	close(qga_fd);
	return 0;
}
