/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd control socket: QMP-style JSON lines for balloon-ctl and
 * management software (Documentation/reference/control-protocol.rst).
 * Each client is served by its own thread; events go to every client.
 */
#ifndef ZHOSTD_CONTROL_H
#define ZHOSTD_CONTROL_H

#include <jansson.h>

#include "zhostd.h"

/*
 * Longest request line accepted, in bytes; a longer one gets an error
 * reply and the connection goes on with the next line.
 */
#define ZHOSTD_CONTROL_MAX_REQUEST	(64 * 1024)

/* Clients served at once unless set otherwise (zhostd --max-clients). */
#define ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT	64
#define ZHOSTD_CONTROL_MAX_CLIENTS_MAX		4096

/**
 * zhostd_control_open() - listen on the control socket
 * @zd: the daemon whose commands the clients run
 * @path: socket path; created with mode 0600
 * @out: the new control server
 *
 * Return: 0; -EADDRINUSE when a live server listens on @path; another
 * negative errno on failure.
 */
int zhostd_control_open(struct zhostd *zd, const char *path,
			struct zhostd_control **out);

/*
 * Serve at most @max clients at once (at least 1); one more gets an error
 * line and is closed. ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT until called.
 */
void zhostd_control_set_max_clients(struct zhostd_control *ctl,
				    unsigned int max);

/* The listening socket, to poll for new clients. */
int zhostd_control_fd(const struct zhostd_control *ctl);

/*
 * Accept one pending client and start its thread; logs failures. A client
 * over the limit gets {"error": ...} instead of the greeting.
 */
void zhostd_control_accept(struct zhostd_control *ctl);

/**
 * zhostd_control_event() - send an event to every connected client
 * @ctl: the control server, or NULL (the event is dropped)
 * @name: event name (QEMU_CONNECTED, ...)
 * @data: event data; the reference is stolen; may be NULL
 *
 * Safe from any thread.
 */
void zhostd_control_event(struct zhostd_control *ctl, const char *name,
			  json_t *data);

/* Disconnect all clients, join their threads, remove the socket. */
void zhostd_control_close(struct zhostd_control *ctl);

#endif /* ZHOSTD_CONTROL_H */
