/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client of QEMU's monitor (QMP) for one command at a time: zhostd asks
 * QEMU to pause the VM with it (zhostd --on-violation stop). zhostd does
 * not start QEMU; it reaches the QMP socket whoever did gave QEMU
 * (-qmp unix:PATH,server=on,wait=off; zhost-run puts it next to zhostd's
 * sockets).
 */
#ifndef ZHOSTD_QMP_H
#define ZHOSTD_QMP_H

#include <stddef.h>

/* How long one command may take, connecting and the handshake included. */
#define ZHOSTD_QMP_TIMEOUT_MS		2000

/**
 * zhostd_qmp_execute() - run one argument-less QMP command in QEMU
 * @path: QEMU's QMP socket
 * @command: the command ("stop")
 * @timeout_ms: for everything: connecting, the greeting, both replies
 * @err: on failure, why
 * @errlen: size of @err
 *
 * Connects, checks QEMU's greeting, leaves capabilities negotiation
 * (qmp_capabilities), runs @command and disconnects; events QEMU sends in
 * between are skipped. QEMU serves one QMP client per socket at a time:
 * while another is connected this times out.
 *
 * Return: 0 when QEMU answered with "return", -1 with @err set otherwise.
 */
int zhostd_qmp_execute(const char *path, const char *command,
		       unsigned int timeout_ms, char *err, size_t errlen);

#endif /* ZHOSTD_QMP_H */
