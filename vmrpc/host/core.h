/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Module VMRPC_MOD_CORE, which every host serves: ping (the request
 * echoed) and host_info (struct vmrpc_host_info). The dispatcher registers
 * it; tests/fuzz/fuzz-core.c calls it on a buffer.
 */
#ifndef ZONEHOST_VMRPC_CORE_H
#define ZONEHOST_VMRPC_CORE_H

#include <stdint.h>

#include "layout.h"

/**
 * vmrpc_core_serve() - the vmrpc_handler_fn of VMRPC_MOD_CORE
 * @opaque: the struct vmrpc_layout of the BAR (read only)
 * @proc: VMRPC_CORE_*
 * @req: validated private copy of the request
 * @req_len: its length
 * @resp: reply buffer
 * @resp_cap: its size
 * @resp_len: set to the reply length
 *
 * Return: VMRPC_OK, VMRPC_ERANGE when the reply does not fit @resp_cap,
 * VMRPC_EIO when the memfd cannot be measured, VMRPC_ENOPROC for any
 * other procedure.
 */
uint32_t vmrpc_core_serve(void *opaque, uint16_t proc, const void *req,
			  uint32_t req_len, void *resp, uint32_t resp_cap,
			  uint32_t *resp_len);

#endif /* ZONEHOST_VMRPC_CORE_H */
