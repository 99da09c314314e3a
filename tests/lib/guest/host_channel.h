/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest end of the host channel of the VM test harness
 * (tests/lib/vm.sh): a virtio-serial port named org.zonehost.test on which
 * the host test sends one word per line, "done" when it has finished what
 * the guest program waits for. It replaces counting the host's requests.
 *
 * Open the port before printing the console marker the host waits for:
 * the host sends nothing before it saw that marker, so no word is lost.
 * While no host is connected, a read of the port returns 0 (and poll says
 * POLLHUP) at once, so waiting means looking again every 100 ms.
 */
#ifndef HOST_CHANNEL_H
#define HOST_CHANNEL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOST_CHANNEL_NAME	"org.zonehost.test"
#define HOST_CHANNEL_PORTS	"/sys/class/virtio-ports"

/*
 * The port's file descriptor, opened with @flags (O_NONBLOCK added), or
 * -1 if there is none. Programs that answer the host open it O_RDWR.
 */
static inline int host_channel_open_flags(int flags)
{
	char path[300], name[64];
	struct dirent *e;
	int fd = -1;
	DIR *d = opendir(HOST_CHANNEL_PORTS);
	FILE *f;

	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), HOST_CHANNEL_PORTS "/%s/name",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) &&
		    (name[strcspn(name, "\n")] = '\0',
		     !strcmp(name, HOST_CHANNEL_NAME))) {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, flags | O_NONBLOCK);
		}
		fclose(f);
	}
	closedir(d);
	return fd;
}

/* The port's file descriptor (read-only, non-blocking), or -1. */
static inline int host_channel_open(void)
{
	return host_channel_open_flags(O_RDONLY);
}

/*
 * The next whole line the host sent, into @line (@size bytes, longer lines
 * cut), NUL-terminated without its newline; @len keeps a partial line
 * between calls. Returns 1 for a line, 0 when none is complete yet, -1 on
 * a read error.
 */
static inline int host_channel_line(int fd, char *line, size_t size,
				    size_t *len)
{
	ssize_t n;
	char c;

	while ((n = read(fd, &c, 1)) == 1) {
		if (c != '\n') {
			if (*len < size - 1)
				line[(*len)++] = c;
			continue;
		}
		line[*len] = '\0';
		*len = 0;
		return 1;
	}
	return (n < 0 && errno != EAGAIN && errno != EINTR) ? -1 : 0;
}

/*
 * Whether the host has sent @word on a line of its own since the last
 * call: 1 if so, 0 if not yet, -1 on a read error. Other words are
 * skipped.
 */
static inline int host_channel_poll(int fd, const char *word)
{
	static char line[64];
	static size_t len;
	int r;

	while ((r = host_channel_line(fd, line, sizeof(line), &len)) > 0)
		if (!strcmp(line, word))
			return 1;
	return r;
}

/*
 * Wait until the host sends @word, at most @timeout_ms. Returns 0 when it
 * came, -1 on timeout or error.
 */
static inline int host_channel_wait(int fd, const char *word,
				    long long timeout_ms)
{
	for (long long t = 0;; t += 100) {
		int r = host_channel_poll(fd, word);

		if (r)
			return r > 0 ? 0 : -1;
		if (t >= timeout_ms)
			return -1;
		usleep(100000);
	}
}

#endif /* HOST_CHANNEL_H */
