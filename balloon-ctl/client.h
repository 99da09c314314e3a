/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl: the client side of zhostd's control protocol
 * (Documentation/reference/control-protocol.rst). One connection carries
 * one or more requests, each answered in order; asynchronous events
 * arriving meanwhile are skipped. Every function here reports its own
 * failures on stderr and returns the exit status balloon-ctl should end
 * with, so a command only has to pass it on.
 */
#ifndef BALLOON_CTL_CLIENT_H
#define BALLOON_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "balloon-ctl.h"

/* Protocol limit on one request line, newline included. */
#define BCTL_REQUEST_MAX	(64 * 1024)
/*
 * Our own limit on one reply line: replies may exceed 64 KiB (a guest's
 * vmstat), but a peer streaming bytes without a newline must not make us
 * grow the buffer forever.
 */
#define BCTL_REPLY_MAX		(16 * 1024 * 1024)

struct bctl_client;

/**
 * bctl_client_open() - connect to zhostd and check its greeting
 * @opts: the socket path, the VM name for messages, and the timeout
 * @out: the new connection, on success
 *
 * The timeout (@opts->timeout) starts now and bounds everything done on
 * the connection: connecting, the greeting and every reply.
 *
 * Return: BCTL_EXIT_OK; or, after printing why, BCTL_EXIT_UNREACHABLE (no
 * socket, refused, permission denied, not a zhostd socket, closed) or
 * BCTL_EXIT_TIMEOUT.
 */
int bctl_client_open(const struct bctl_opts *opts, struct bctl_client **out);

/**
 * bctl_client_call() - send one request and wait for its reply
 * @c: an open connection
 * @command: the protocol command ("query-status")
 * @args: its "arguments" object, or NULL for none; the reference is
 *        stolen, as json_object_set_new() does
 * @ret: on success, the reply's "return" value (a new reference)
 *
 * The request carries an "id" of its own; replies with another id are
 * skipped, like events. A reply without an id is taken as ours: zhostd
 * cannot echo the id of a request it failed to parse, and only one request
 * of ours is outstanding.
 *
 * Return: BCTL_EXIT_OK; or, after printing why, BCTL_EXIT_DAEMON (an
 * error reply, see bctl_client_error()), BCTL_EXIT_UNREACHABLE (connection
 * lost, malformed reply) or BCTL_EXIT_TIMEOUT.
 */
int bctl_client_call(struct bctl_client *c, const char *command,
		     json_t *args, json_t **ret);

/**
 * bctl_client_next_event() - wait for the next event on a connection
 * @c: an open connection; zhostd sends every event to every client, so
 *     the events of whatever follows a request on @c are on @c
 * @wait_s: wait at most this long (0: only what already arrived)
 * @event: set to the event (a new reference), or NULL when none came
 *
 * A reply that arrives instead (to a request given up on) is dropped.
 * The next request on @c gets the whole -t timeout again.
 *
 * Return: BCTL_EXIT_OK whether or not an event came; or, after printing
 * why, BCTL_EXIT_UNREACHABLE (zhostd closed the connection, malformed
 * message).
 */
int bctl_client_next_event(struct bctl_client *c, double wait_s,
			   json_t **event);

/**
 * bctl_client_wake() - wait for events only to look again
 * @c: an open connection
 * @wait_s: wait at most this long for the first event
 *
 * For a wait that reads the state anew after every wake-up: the first
 * event, and every one that already came after it, are dropped, so one
 * look serves a burst of them. If an event came while a call on @c
 * waited for its reply, it returns at once: the state that call read may
 * predate the event.
 *
 * Return: as bctl_client_next_event().
 */
int bctl_client_wake(struct bctl_client *c, double wait_s);

/**
 * bctl_client_close() - close a connection and free it
 * @c: the connection, or NULL
 */
void bctl_client_close(struct bctl_client *c);

/**
 * bctl_client_error() - turn an error reply into an exit status and message
 * @error: the reply's "error" member: {"class": ..., "desc": ...}
 * @msg: where to write the message
 * @len: size of @msg
 *
 * The message names the class in words, then exactly ("guest not connected
 * (GuestNotConnected): no guest driver is bound"). A malformed @error
 * still gives a message.
 *
 * Return: BCTL_EXIT_DAEMON.
 */
int bctl_client_error(const json_t *error, char *msg, size_t len);

/**
 * bctl_client_bad_reply() - report a reply of the wrong shape
 * : the protocol command answered
 * : what is wrong ("no \"text\" string")
 *
 * For commands checking the "return" value: a zhostd that answers
 * otherwise than the protocol says is a zhostd we cannot talk to.
 *
 * Return: BCTL_EXIT_UNREACHABLE.
 */
int bctl_client_bad_reply(const char *command, const char *what);

/**
 * bctl_client_run() - open, call, close: a command's whole conversation
 * @opts, @command, @args, @ret: as for bctl_client_open() and
 *                               bctl_client_call()
 *
 * Return: as bctl_client_call(); @args is consumed even when connecting
 * fails.
 */
int bctl_client_run(const struct bctl_opts *opts, const char *command,
		    json_t *args, json_t **ret);

/**
 * bctl_client_run_bare() - run a command that takes no argument
 * @cmd: the command; it sends cmd->execute without arguments
 * @opts: global options
 * @argc, @argv: the command's words; any argument is a usage error
 * @ret: as for bctl_client_run()
 *
 * Return: as bctl_client_run(), or BCTL_EXIT_USAGE before connecting.
 */
int bctl_client_run_bare(const struct bctl_cmd *cmd,
			 const struct bctl_opts *opts, int argc, char **argv,
			 json_t **ret);

/**
 * bctl_client_verdict() - run a command that takes no argument and whose
 *	reply carries a yes/no finding (check, enforce)
 * @cmd: the command; it sends cmd->execute
 * @opts: global options; --json prints the reply as it came
 * @argc, @argv: the command's words; any argument is a usage error
 * @key: the boolean of the reply that holds the finding
 * @partial_when: the value of @key that makes the exit status
 *                BCTL_EXIT_PARTIAL (5) instead of 0
 * @print: prints the reply for people, without --json
 *
 * Return: an exit status.
 */
int bctl_client_verdict(const struct bctl_cmd *cmd,
			const struct bctl_opts *opts, int argc, char **argv,
			const char *key, bool partial_when,
			void (*print)(const json_t *ret));

#endif /* BALLOON_CTL_CLIENT_H */
