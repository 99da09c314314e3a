/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Listening UNIX stream sockets for zhostd's own sockets.
 */
#ifndef ZHOSTD_UNIX_SOCKET_H
#define ZHOSTD_UNIX_SOCKET_H

#include <sys/types.h>

/**
 * unix_socket_listen() - bind and listen on a socket file
 * @path: socket path
 * @mode: permission bits of the socket file (0600)
 *
 * A socket file left by a dead process is replaced; a live server on
 * @path is not disturbed, and a file that is not a socket is never
 * removed.
 *
 * Return: the listening fd (non-blocking, close-on-exec), -EADDRINUSE
 * when a server answers on @path, -EEXIST when @path is not a socket,
 * -ENAMETOOLONG, or another negative errno.
 */
int unix_socket_listen(const char *path, mode_t mode);

#endif /* ZHOSTD_UNIX_SOCKET_H */
