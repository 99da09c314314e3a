// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for module VMRPC_MOD_CORE (vmrpc/host/core.c), the
 * module every host serves to the guest: ping and host_info.
 *
 * Input: bytes 0-1 the procedure (little endian), byte 2 the response
 * capacity; the rest is the request, in a buffer of exactly its size, as
 * is the response. A ping must echo the request exactly or refuse it, a
 * host_info must describe this memfd, and any other procedure is
 * VMRPC_ENOPROC.
 */
#include <endian.h>

#include "core.h"
#include "fuzz.h"

#define BAR_SIZE	(1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmrpc_layout l = { .memfd = -1, .bar_size = BAR_SIZE };
	uint32_t st, resp_cap, resp_len = 0xdeadbeef;
	struct vmrpc_host_info info;
	uint8_t *req, *resp;
	uint16_t proc;

	if (size < 3)
		return 0;
	if (l.memfd < 0)
		l.memfd = fuzz_memfd("fuzz-core", BAR_SIZE);
	proc = (uint16_t)(data[0] | data[1] << 8);
	resp_cap = data[2];
	req = fuzz_dup(data + 3, size - 3);
	resp = malloc(resp_cap ? resp_cap : 1);
	if (!resp)
		abort();

	st = vmrpc_core_serve(&l, proc, req, (uint32_t)(size - 3), resp,
			      resp_cap, &resp_len);
	fuzz_check(st < VMRPC_NR_ERRORS);
	if (st == VMRPC_OK)
		fuzz_check(resp_len <= resp_cap);
	switch (proc) {
	case VMRPC_CORE_PING:
		fuzz_check(st == VMRPC_OK ? resp_len == size - 3 &&
			   !memcmp(resp, req, resp_len) :
			   st == VMRPC_ERANGE && size - 3 > resp_cap);
		break;
	case VMRPC_CORE_HOST_INFO:
		fuzz_check(st == VMRPC_OK || (st == VMRPC_ERANGE &&
					       resp_cap < sizeof(info)));
		if (st == VMRPC_OK) {
			fuzz_check(resp_len == sizeof(info));
			memcpy(&info, resp, sizeof(info));
			fuzz_check(le64toh(info.memfd_size) == BAR_SIZE);
		}
		break;
	default:
		fuzz_check(st == VMRPC_ENOPROC);
		break;
	}
	free(req);
	free(resp);
	return 0;
}
