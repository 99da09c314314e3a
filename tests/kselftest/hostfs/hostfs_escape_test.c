// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_escape_test: nothing outside an export can be reached.
 *
 *	hostfs_escape_test [EXPORT [MARKER]]
 *
 * EXPORT is a tag, mounted here (default zht), or an absolute path (then
 * only the first part runs). The host planted a secret file outside the
 * export whose contents hold MARKER (default zonehost-hostfs-secret), and
 * symbolic links to it at the export's top, each named *-link: absolute,
 * relative with "..", a link to the export's parent.
 *
 * First, through the guest's VFS: following each link, and ".." from the
 * mount's root, never yields the secret (the guest resolves a host
 * symlink in its own name space: the open fails, or finds a file of the
 * guest's).
 *
 * Then, through the debugfs file lookup_raw of the mount
 * (/sys/kernel/debug/hostfs/TAG.MOUNT/lookup_raw), the names the guest's
 * VFS never sends go to the host as they are: "..", ".", "a/b",
 * "/etc/passwd", "x\0y", a NUL, a 256-byte, a 10,000-byte and a
 * 16,384-byte name, "../outside/secret" and more. Each must fail with an
 * errno the host chose; a name that exists must still be found before and
 * after them (so zhostd kept serving). Each refusal is printed as
 * "hostfs-escape: refused N DESCRIPTION ERRNO"; tests/e2e/test-hostfs.sh
 * checks that zhostd logged and counted as many.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs_util.h"
#include "kselftest.h"

#define RAW_MAX		16384

static struct hostfs_target exp;
static const char *marker = "zonehost-hostfs-secret";
static char raw_path[512];

/* Whether following @name leads to the secret; 0 no, 1 yes, -1 error. */
static int leaks(const char *name)
{
	char p[600], buf[4096];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", exp.dir, name);
	fd = open(p, O_RDONLY);
	if (fd < 0) {
		ksft_print_msg("%s: %s\n", name, strerror(errno));
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		ksft_print_msg("%s: read: %s\n", name, strerror(errno));
		return 0;
	}
	buf[n] = '\0';
	ksft_print_msg("%s: opened a file of %zd bytes%s\n", name, n,
		       strstr(buf, marker) ? ", THE SECRET" : ", not the secret");
	return strstr(buf, marker) != NULL;
}

static bool t_symlinks(void)
{
	struct dirent *e;
	char p[600];
	struct stat st;
	int links = 0, leaked = 0;
	DIR *d = opendir(exp.dir);

	if (!d) {
		ksft_print_msg("opendir %s: %s\n", exp.dir, strerror(errno));
		return false;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 5, "-link"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", exp.dir, e->d_name);
		if (lstat(p, &st) || !S_ISLNK(st.st_mode)) {
			ksft_print_msg("%s is not a symbolic link\n", e->d_name);
			leaked++;
			continue;
		}
		links++;
		leaked += leaks(e->d_name);
		/* A link to a directory: the secret's name below it. */
		snprintf(p, sizeof(p), "%s/outside/secret", e->d_name);
		leaked += leaks(p);
	}
	closedir(d);
	leaked += leaks("../outside/secret");
	ksft_print_msg("%d links followed, %d led to the secret\n", links,
		       leaked);
	return links > 0 && !leaked;
}

/* Send @len bytes of @name as a LOOKUP; 0 if found, else the errno. */
static int raw_lookup(const char *name, size_t len)
{
	ssize_t n;
	int e, fd = open(raw_path, O_WRONLY);

	if (fd < 0)
		return -1;
	n = write(fd, name, len);
	e = errno;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? e : -1;
}

/*
 * The debugfs directory our mount added: the one of @tag that was not
 * there in @before (names joined by '\n').
 */
static bool find_raw(const char *tag, const char *before)
{
	struct dirent *e;
	char want[80], entry[300];
	size_t tl = strlen(tag);
	DIR *d = opendir(HOSTFS_DEBUGFS);

	if (!d)
		return false;
	snprintf(want, sizeof(want), "%s.", tag);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, want, tl + 1))
			continue;
		snprintf(entry, sizeof(entry), "\n%s\n", e->d_name);
		if (strstr(before, entry))
			continue;
		snprintf(raw_path, sizeof(raw_path), HOSTFS_DEBUGFS "/%s/lookup_raw",
			 e->d_name);
		break;
	}
	closedir(d);
	return raw_path[0] && !access(raw_path, W_OK);
}

/* The names in the debugfs directory, "\nA\nB\n". */
static char *list_debugfs(void)
{
	struct dirent *e;
	size_t len = 1;
	char *s = calloc(1, 2), *t;
	DIR *d = opendir(HOSTFS_DEBUGFS);

	if (!s)
		return NULL;
	s[0] = '\n';
	while (d && (e = readdir(d))) {
		len += strlen(e->d_name) + 1;
		t = realloc(s, len + 1);
		if (!t)
			break;
		s = t;
		strcat(strcat(s, e->d_name), "\n");
	}
	if (d)
		closedir(d);
	return s;
}

static bool t_raw_control(void)
{
	char p[600];
	int fd, e;

	snprintf(p, sizeof(p), "%s/escape-control", exp.dir);
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	if (fd < 0) {
		ksft_print_msg("create %s: %s\n", p, strerror(errno));
		return false;
	}
	close(fd);
	e = raw_lookup("escape-control", 14);
	ksft_print_msg("lookup_raw of a name that exists: %s\n",
		       e ? strerror(e) : "found");
	return e == 0;
}

static bool t_raw_hostile(void)
{
	static char big[RAW_MAX];
	static const struct {
		const char *desc;
		const char *name;	/* NULL: @len bytes of @fill */
		size_t len;
		char fill;
	} names[] = {
		{ "\"..\"", "..", 2, 0 },
		{ "\".\"", ".", 1, 0 },
		{ "\"a/b\"", "a/b", 3, 0 },
		{ "\"/etc/passwd\"", "/etc/passwd", 11, 0 },
		{ "\"x\\0y\"", "x\0y", 3, 0 },
		{ "a NUL byte", "\0", 1, 0 },
		{ "\"escape-control\\0\"", "escape-control\0", 15, 0 },
		{ "\"escape-control/\"", "escape-control/", 15, 0 },
		{ "\"../outside/secret\"", "../outside/secret", 17, 0 },
		{ "\"./escape-control\"", "./escape-control", 16, 0 },
		{ "\"/\"", "/", 1, 0 },
		{ "a 256-byte name", NULL, 256, 'a' },
		{ "a 10000-byte name", NULL, 10000, 'b' },
		{ "a 16384-byte name", NULL, RAW_MAX, 'c' },
	};
	const int n = sizeof(names) / sizeof(names[0]);
	int refused = 0, bad = 0;

	for (int i = 0; i < n; i++) {
		const char *name = names[i].name;
		int e;

		if (!name) {
			memset(big, names[i].fill, names[i].len);
			name = big;
		}
		e = raw_lookup(name, names[i].len);
		if (e > 0 && e != EIO) {
			printf("hostfs-escape: refused %d %s %s\n", refused + 1,
			       names[i].desc, strerror(e));
			refused++;
		} else {
			ksft_print_msg("%s: %s\n", names[i].desc,
				       e == 0 ? "FOUND" :
				       e < 0 ? "no errno" : strerror(e));
			bad++;
		}
	}
	fflush(stdout);
	ksft_print_msg("%d names refused, %d not\n", refused, bad);
	/* zhostd still serves. */
	return !bad && raw_lookup("escape-control", 14) == 0;
}

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "zht";
	char *before = NULL, p[600];
	bool raw = false;

	if (argc > 2)
		marker = argv[2];
	ksft_print_header();
	if (arg[0] != '/') {
		if (!hostfs_supported())
			ksft_exit_skip("no hostfs in /proc/filesystems (kernel without CONFIG_ZHOSTFS?)\n");
		before = list_debugfs();
	}
	if (hostfs_target_open(&exp, arg, NULL))
		ksft_exit_fail_msg("mount %s: %s\n", arg, strerror(errno));
	if (exp.mounted && before)
		raw = find_raw(exp.tag, before);
	free(before);
	ksft_set_plan(3);
	ksft_print_msg("[RUN] host symlinks out of the export\n");
	ksft_test_result(t_symlinks(),
			 "host symlinks out of the export never yield the secret\n");
	if (!raw) {
		ksft_test_result_skip("lookup_raw: %s\n", exp.mounted ?
				      "no debugfs file for this mount" :
				      "not a hostfs mount");
		ksft_test_result_skip("hostile names: no lookup_raw\n");
	} else {
		ksft_print_msg("[RUN] lookup_raw %s\n", raw_path);
		ksft_test_result(t_raw_control(),
				 "lookup_raw finds a name that exists\n");
		ksft_test_result(t_raw_hostile(),
				 "hostile names through lookup_raw fail with an errno; zhostd still serves\n");
	}
	snprintf(p, sizeof(p), "%s/escape-control", exp.dir);
	unlink(p);
	if (hostfs_target_close(&exp))
		ksft_print_msg("umount %s: %s\n", exp.dir, strerror(errno));
	ksft_finished();
}
