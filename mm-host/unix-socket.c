// SPDX-License-Identifier: GPL-2.0-only
/*
 * Listening UNIX stream sockets.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix-socket.h"

/* Whether something accepts connections on @sa: 1 yes, 0 no, -errno. */
static int unix_socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int ret;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS)
		ret = 1;
	else
		ret = errno == ECONNREFUSED ? 0 : -errno;
	close(fd);
	return ret;
}

int unix_socket_listen(const char *path, mode_t mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		ret = unix_socket_alive(&sa);
		if (ret)
			return ret > 0 ? -EADDRINUSE : ret;
		if (unlink(path) && errno != ENOENT)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err;
	/* chmod after bind: umask is process-wide and threads may run. */
	if (chmod(path, mode) < 0 || listen(fd, 16) < 0) {
		ret = -errno;
		unlink(path);
		close(fd);
		return ret;
	}
	return fd;
err:
	ret = -errno;
	close(fd);
	return ret;
}
