// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --daemon; see daemonize.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "daemonize.h"
#include "log.h"

int zhostd_daemonize(int *ready_fd)
{
	int pipefd[2];
	pid_t pid;
	char status = 1;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pipefd[0]);
	if (setsid() < 0)
		return -errno;
	*ready_fd = pipefd[1];
	return 0;
}

void zhostd_report_ready(int *ready_fd, char status)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, &status, 1) != 1)
		zlog_warn("cannot report readiness to the parent");
	close(*ready_fd);
	*ready_fd = -1;
	if (status == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
}
