// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem_endpoint: the guest's side of timing a resize to the moment the
 * guest can use the memory or has given it up (tests/bench/resize.sh).
 * Every mechanism has an event of its own (zhostd's RESIZE_DONE, QEMU's
 * BALLOON_CHANGE or MEMORY_DEVICE_SIZE_CHANGE) that may mark another
 * moment; MemTotal reaching the target is the same endpoint for all.
 *
 * It answers on the host channel (tests/lib/guest/host_channel.h), one
 * line per request:
 *
 *   sync            -> "sync NS": CLOCK_REALTIME now, so that the host can
 *                      relate this guest's clock to its own (it keeps the
 *                      sample with the shortest round trip)
 *   watch KB up|down -> nothing at once; then "reached KB FIRST_NS NS" when
 *                      MemTotal is at least (up) or at most (down) KB:
 *                      MemTotal then, when it first moved from its value
 *                      at the request, and when it got there
 *
 * MemTotal is read every millisecond while a watch is armed, and not at
 * all otherwise. With --daemon it opens the port, then goes to the
 * background, so that a script can start it before its ready marker.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host_channel.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* MemTotal in kB, or -1. */
static long long memtotal_kb(void)
{
	char buf[256];
	long long kb = -1;
	ssize_t n;
	int fd = open("/proc/meminfo", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "MemTotal: %lld kB", &kb) != 1)
			kb = -1;
	}
	return kb;
}

static void say(int fd, const char *line)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			usleep(1000);
			continue;
		}
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

int main(int argc, char **argv)
{
	long long target = 0, start = 0, first = 0, kb;
	char line[128], out[160];
	size_t len = 0;
	int fd, up = 0, watching = 0;

	fd = host_channel_open_flags(O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "mem_endpoint: no host channel\n");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "--daemon") && fork() > 0)
		return 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, watching ? 1 : 100);

		if (r > 0 && !(p.revents & POLLIN)) {
			/* POLLHUP while no host is connected: look again later. */
			usleep(watching ? 1000 : 100000);
		} else if (r > 0) {
			while (host_channel_line(fd, line, sizeof(line), &len) > 0) {
				if (!strcmp(line, "sync")) {
					snprintf(out, sizeof(out), "sync %lld\n", now_ns());
					say(fd, out);
				} else if (sscanf(line, "watch %lld", &target) == 1) {
					up = strstr(line, " up") != NULL;
					start = memtotal_kb();
					first = 0;
					watching = 1;
				}
			}
		}
		if (!watching)
			continue;
		kb = memtotal_kb();
		if (!first && kb != start)
			first = now_ns();
		if (kb >= 0 && (up ? kb >= target : kb <= target)) {
			snprintf(out, sizeof(out), "reached %lld %lld %lld\n", kb,
				 first ? first : now_ns(), now_ns());
			say(fd, out);
			watching = 0;
		}
	}
}
