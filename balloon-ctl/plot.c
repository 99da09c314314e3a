// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: plots with gnuplot; see plot.h. gnuplot reads its script,
 * data included, on a pipe and writes the SVG on its standard output, a
 * file this program opened: no file name ever reaches gnuplot, whose
 * "set output" and "plot" run '|' and '<' names as shell commands.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "balloon-ctl.h"
#include "format.h"
#include "plot.h"

#define PLOT_PROG	"gnuplot"
#define MIB		1048576.0
#define PLOT_DATA	"zh"		/* the datablock's name */

/* Whether @prog is an executable in $PATH. */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (n && n < sizeof(buf) - strlen(prog) - 2) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n + (path[n] == ':');
	}
	return false;
}

/* A title gnuplot takes in single quotes: no quote, no line break. */
static bool quotable(const char *s)
{
	return !strpbrk(s, "'\n\r");
}

/* The samples as columns: time (local), then sizes in MiB. */
static int write_data(FILE *f, const json_t *samples)
{
	size_t i;
	json_t *s;

	json_array_foreach(samples, i, s) {
		const json_t *ts = json_object_get(s, "timestamp");
		time_t t = (time_t)json_integer_value(json_object_get(ts, "seconds"));
		struct tm tm;

		/* gnuplot's time axis is UTC: shift it to show local time. */
		localtime_r(&t, &tm);
		fprintf(f, "%lld.%06lld %.3f %.3f %.3f %.3f %.3f\n",
			(long long)t + tm.tm_gmtoff,
			(long long)json_integer_value(json_object_get(ts, "microseconds")),
			bctl_json_u64(s, "plugged") / MIB,
			bctl_json_u64(s, "backed") / MIB,
			bctl_json_u64(s, "requested") / MIB,
			bctl_json_u64(json_object_get(s, "guest"), "wss") / MIB,
			bctl_json_u64(json_object_get(s, "host"), "wss") / MIB);
	}
	return ferror(f) ? -1 : 0;
}

/*
 * The script, with the data in a datablock: single-quoted strings are
 * never expanded by gnuplot, and the output is left at standard output.
 */
static int write_script(FILE *f, const char *title, const json_t *samples)
{
	fprintf(f,
		"set terminal svg size 960,540 dynamic noenhanced background '#ffffff'\n"
		"set title '%s' noenhanced\n"
		"set xdata time\n"
		"set timefmt '%%s'\n"
		"set format x '%%H:%%M:%%S'\n"
		"set xtics rotate by -30\n"
		"set xlabel 'time'\n"
		"set ylabel 'MiB'\n"
		"set yrange [0:*]\n"
		"set grid\n"
		"set key below\n"
		"$" PLOT_DATA " << EOD\n", title);
	if (write_data(f, samples))
		return -1;
	fprintf(f,
		"EOD\n"
		"plot $" PLOT_DATA " using 1:2 with steps lw 2 title 'plugged', \\\n"
		"     $" PLOT_DATA " using 1:3 with lines lw 2 title 'host memory backing it', \\\n"
		"     $" PLOT_DATA " using 1:4 with steps lw 1 dt 2 title 'requested', \\\n"
		"     $" PLOT_DATA " using 1:5 with lines lw 2 title 'working set (guest)', \\\n"
		"     $" PLOT_DATA " using 1:6 with lines lw 2 title 'working set (ZONE_HOST)'\n");
	return ferror(f) ? -1 : 0;
}

/* Run gnuplot with @script on its standard input, its output to @out. */
static int run_gnuplot(const char *script, int out)
{
	int fds[2], status;
	size_t len = strlen(script), off = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		close(out);
		execlp(PLOT_PROG, PLOT_PROG, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* gnuplot dying early must be an error, not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		ssize_t n = write(fds[1], script + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return off == len && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

int bctl_plot_history(const json_t *samples, const char *title,
		      const char *path)
{
	char out[4096], *script = NULL;
	size_t slen = 0;
	int fd = -1, ret = -1;
	struct stat st;
	mode_t mask;
	FILE *f;

	if (!in_path(PLOT_PROG)) {
		bctl_err("%s is not installed (Debian: apt-get install gnuplot-nox); nothing written",
			 PLOT_PROG);
		return -1;
	}
	if (!json_array_size(samples)) {
		bctl_err("no working-set samples to plot; nothing written");
		return -1;
	}
	/*
	 * gnuplot never sees @path; a name that reads as a command is refused
	 * all the same, so that nobody takes it for a pipe that ran.
	 */
	if (path[0] == '|') {
		bctl_err("cannot plot to '%s': a file name, not a command, please",
			 path);
		return -1;
	}
	if ((size_t)snprintf(out, sizeof(out), "%s.XXXXXX", path) >= sizeof(out) ||
	    !quotable(title)) {
		bctl_err("cannot plot to '%s': the path is too long or the title has a quote",
			 path);
		return -1;
	}
	f = open_memstream(&script, &slen);
	if (!f || write_script(f, title, samples) || fclose(f)) {
		bctl_err("cannot write the plot's script: %s", strerror(errno));
		free(script);
		return -1;
	}
	/* Beside the destination, so that rename() replaces it in one step. */
	fd = mkstemp(out);
	if (fd < 0) {
		bctl_err("cannot create %s: %s", out, strerror(errno));
		goto out;
	}
	/* mkstemp() makes it 0600; a plot is as readable as any new file. */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	if (run_gnuplot(script, fd) || fstat(fd, &st) || !st.st_size) {
		bctl_err("%s failed to plot %s; nothing written", PLOT_PROG,
			 path);
		goto out_tmp;
	}
	if (rename(out, path)) {
		bctl_err("cannot rename %s to %s: %s", out, path, strerror(errno));
		goto out_tmp;
	}
	ret = 0;
out_tmp:
	close(fd);
	if (ret)
		unlink(out);
out:
	free(script);
	return ret;
}
