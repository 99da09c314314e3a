/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd logging: levels, one line per message, to stderr, a file or
 * syslog. Safe to call from any thread.
 */
#ifndef ZHOSTD_LOG_H
#define ZHOSTD_LOG_H

enum zlog_level {
	ZLOG_ERR,
	ZLOG_WARN,
	ZLOG_INFO,
	ZLOG_DEBUG,
};

/**
 * zlog_parse_level() - level from its name ("error", "warn", "info", "debug")
 * @name: the name
 * @level: set to the level
 *
 * Return: 0, or -1 for an unknown name.
 */
int zlog_parse_level(const char *name, enum zlog_level *level);

/**
 * zlog_open() - choose where messages go and which are kept
 * @level: messages above this level are dropped
 * @file: append to this file, or NULL
 * @use_syslog: log to syslog (when @file is NULL)
 *
 * Without a file or syslog, messages go to stderr. The file is created
 * with mode 0600; a symbolic link in its place is not followed.
 *
 * Return: 0, or a negative errno when the file cannot be opened (-ELOOP
 * for a symbolic link).
 */
int zlog_open(enum zlog_level level, const char *file, int use_syslog);

/* Close the log file, if any. */
void zlog_close(void);

/* Log a message; a trailing newline is added. */
void zlog(enum zlog_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define zlog_err(...)	zlog(ZLOG_ERR, __VA_ARGS__)
#define zlog_warn(...)	zlog(ZLOG_WARN, __VA_ARGS__)
#define zlog_info(...)	zlog(ZLOG_INFO, __VA_ARGS__)
#define zlog_debug(...)	zlog(ZLOG_DEBUG, __VA_ARGS__)

#endif /* ZHOSTD_LOG_H */
