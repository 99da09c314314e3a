// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for balloon-ctl's reading of zhostd's replies
 * (balloon-ctl/client.c and every command's printing of what it got):
 * the whole program (its main() built as bctl_main()) runs a command
 * against a fake zhostd, a thread of this harness that answers every
 * connection with the input.
 *
 * Input: byte 0 picks the command line, byte 1 bit 0 whether a valid
 * greeting comes first; the rest is what the fake zhostd sends, after
 * which it closes its side. balloon-ctl must end with an exit status of
 * its own (enum bctl_exit) whatever it reads: no crash, no hang.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../balloon-ctl/balloon-ctl.h"
#include "fuzz.h"

int bctl_main(int argc, char **argv);

#define GREETING "{\"zhostd\": {\"version\": \"0.1\", \"name\": \"fuzz\", " \
		 "\"abi\": {\"major\": 1, \"minor\": 4}}}\n"

static const char *const commands[][6] = {
	{ "status" }, { "status", "--json" }, { "check" }, { "enforce" },
	{ "wss" }, { "wss", "--refresh" }, { "history" },
	{ "history", "--limit", "3" }, { "history", "--json" },
	{ "guest", "ping" }, { "guest", "meminfo" }, { "guest", "vmstat" },
	{ "guest", "loadavg" }, { "guest", "cpuinfo" },
	{ "guest", "drop-caches", "3" }, { "set", "64M" },
	{ "grow", "2M" }, { "shrink", "2M" },
	{ "check", "--json" }, { "enforce", "--json" },
	{ "set", "64M", "--wait", "--stages" },
	{ "shrink", "2M", "--wait", "--stages", "--json" },
};
#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static char dir[64], sock[128];
static int lfd = -1;
/*
 * What the fake zhostd sends, a copy of the input set before each run of
 * balloon-ctl: the server may still send it after the run ended.
 */
static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *reply;
static size_t reply_len;
static bool greet;

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* The fake zhostd: the input to every client, then end of file. */
static void *server(void *arg)
{
	char drain[4096];

	(void)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		uint8_t *out;
		size_t len;
		bool hello;

		if (fd < 0)
			continue;
		pthread_mutex_lock(&reply_lock);
		len = reply_len;
		hello = greet;
		out = malloc(len ? len : 1);
		if (out)
			memcpy(out, reply, len);
		pthread_mutex_unlock(&reply_lock);
		if (hello)
			send_all(fd, GREETING, strlen(GREETING));
		if (out)
			send_all(fd, out, len);
		free(out);
		shutdown(fd, SHUT_WR);
		while (read(fd, drain, sizeof(drain)) > 0)
			;
		close(fd);
	}
	return NULL;
}

static void teardown(void)
{
	unlink(sock);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR");
	pthread_t t;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/zh-fuzz-XXXXXX", tmp && *tmp &&
		 strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(sock, sizeof(sock), "%s/zhostd.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4) || pthread_create(&t, NULL, server, NULL))
		abort();
	pthread_detach(t);
	atexit(teardown);
	/* balloon-ctl's output is not the fuzzer's (which keeps its own). */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	stderr = stdout;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *cmd;
	char *argv[16];
	int argc = 0, st;

	if (size < 2)
		return 0;
	cmd = commands[data[0] % NR_COMMANDS];
	pthread_mutex_lock(&reply_lock);
	free(reply);
	reply_len = size - 2;
	reply = malloc(reply_len ? reply_len : 1);
	if (!reply)
		abort();
	memcpy(reply, data + 2, reply_len);
	greet = data[1] & 1;
	pthread_mutex_unlock(&reply_lock);

	argv[argc++] = "balloon-ctl";
	argv[argc++] = "-s";
	argv[argc++] = sock;
	argv[argc++] = "-t";
	argv[argc++] = "5";
	for (int i = 0; i < 6 && cmd[i]; i++)
		argv[argc++] = (char *)cmd[i];
	argv[argc] = NULL;
	optind = 0;	/* getopt starts afresh for each run */
	st = bctl_main(argc, argv);
	fflush(stdout);
	fuzz_check(st >= BCTL_EXIT_OK && st <= BCTL_EXIT_SUPERSEDED);
	return 0;
}
