/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd --socket-owner USER[:GROUP]: who may connect to the ivshmem
 * socket when QEMU runs as another user than zhostd (libvirt runs it as
 * libvirt-qemu). The control socket is not affected: it stays zhostd's.
 */
#ifndef ZHOSTD_SOCKET_OWNER_H
#define ZHOSTD_SOCKET_OWNER_H

#include <stddef.h>
#include <sys/types.h>

/**
 * zhostd_socket_owner_parse() - read USER[:GROUP]
 * @s: the option's argument; USER and GROUP are names or numeric ids
 * @uid: the user's id
 * @gid: GROUP's id, or the user's primary group when GROUP is not given
 *	(a numeric USER without a passwd entry then needs GROUP)
 * @msg: on failure, what is wrong, naming the option
 * @len: size of @msg
 *
 * Looks the names up in the user and group databases.
 *
 * Return: 0, or -1 with @msg set.
 */
int zhostd_socket_owner_parse(const char *s, uid_t *uid, gid_t *gid,
			      char *msg, size_t len);

#endif /* ZHOSTD_SOCKET_OWNER_H */
