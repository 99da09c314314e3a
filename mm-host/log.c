// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd logging.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const zlog_names[] = {
	[ZLOG_ERR] = "error",
	[ZLOG_WARN] = "warn",
	[ZLOG_INFO] = "info",
	[ZLOG_DEBUG] = "debug",
};

static enum zlog_level zlog_max = ZLOG_INFO;
static FILE *zlog_file;
static int zlog_syslog;
static pthread_mutex_t zlog_lock = PTHREAD_MUTEX_INITIALIZER;

int zlog_parse_level(const char *name, enum zlog_level *level)
{
	for (size_t i = 0; i < sizeof(zlog_names) / sizeof(zlog_names[0]); i++) {
		if (!strcmp(name, zlog_names[i])) {
			*level = (enum zlog_level)i;
			return 0;
		}
	}
	return -1;
}

int zlog_open(enum zlog_level level, const char *file, int use_syslog)
{
	zlog_max = level;
	if (file) {
		int fd, ret;

		/* Never append to whatever a planted symbolic link points at. */
		fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		zlog_file = fdopen(fd, "a");
		if (!zlog_file) {
			ret = -errno;
			close(fd);
			return ret;
		}
		setvbuf(zlog_file, NULL, _IOLBF, 0);
	} else if (use_syslog) {
		openlog("zhostd", LOG_PID, LOG_DAEMON);
		zlog_syslog = 1;
	}
	return 0;
}

void zlog_close(void)
{
	if (zlog_file)
		fclose(zlog_file);
	zlog_file = NULL;
	if (zlog_syslog)
		closelog();
	zlog_syslog = 0;
}

void zlog(enum zlog_level level, const char *fmt, ...)
{
	static const int prio[] = {
		[ZLOG_ERR] = LOG_ERR,
		[ZLOG_WARN] = LOG_WARNING,
		[ZLOG_INFO] = LOG_INFO,
		[ZLOG_DEBUG] = LOG_DEBUG,
	};
	char msg[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > zlog_max)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (zlog_syslog) {
		syslog(prio[level], "%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	pthread_mutex_lock(&zlog_lock);
	fprintf(zlog_file ? zlog_file : stderr, "%s.%03ld zhostd %s: %s\n",
		stamp, ts.tv_nsec / 1000000, zlog_names[level], msg);
	pthread_mutex_unlock(&zlog_lock);
}
