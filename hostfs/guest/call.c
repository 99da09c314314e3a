// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: calls to the host, and what its answers may say.
 *
 * vmrpc_call() hands back a private copy of the reply, so the checks here
 * and the callers' own read memory the host can no longer change.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/errno.h>
#include <linux/string.h>

#include "hostfs.h"

/**
 * hostfs_errno() - the errno a file operation returns for the host's
 *	vmrpc_hostfs_reply.error
 * @error: the host's value, already converted from little-endian
 *
 * Only errnos a file system may return pass; anything else the host says
 * is EIO, so that a confused host cannot make a system call return, say,
 * -ERESTARTSYS or a positive value.
 *
 * Return: 0 or a negative errno.
 */
int hostfs_errno(u32 error)
{
	switch (error) {
	case 0:
		return 0;
	case ENOENT: case EACCES: case EPERM: case EEXIST: case ENOTEMPTY:
	case EROFS: case ENOSPC: case ENAMETOOLONG: case EXDEV: case ENOTDIR:
	case EISDIR: case EINVAL: case ELOOP: case EFBIG: case EMLINK:
	case EDQUOT: case ETXTBSY: case EBUSY: case EOPNOTSUPP: case ESTALE:
	case ENOMEM: case EIO:
		return -(int)error;
	default:
		return -EIO;
	}
}

/**
 * hostfs_payload() - the largest request or reply one call can carry
 *
 * Return: bytes, 0 when no device is bound.
 */
u32 hostfs_payload(void)
{
	return vmrpc_max_payload();
}

/**
 * hostfs_check_name() - whether @name may go to the host as one name
 * @name: bytes
 * @len: how many
 *
 * The VFS never hands a file system a name with '/' or NUL, nor "." or
 * "..", but the host checks again and so does this, so that no caller can
 * send what the ABI forbids.
 *
 * Return: 0, -ENAMETOOLONG or -EINVAL.
 */
int hostfs_check_name(const char *name, size_t len)
{
	if (len > VMRPC_HOSTFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		return -EINVAL;
	return 0;
}

/**
 * hostfs_call() - make one call of the hostfs module and check its reply
 * @sbi: the mount, for its timeout
 * @proc: VMRPC_HOSTFS_*
 * @req: the request
 * @req_len: its bytes
 * @resp: buffer for the reply; it starts with struct vmrpc_hostfs_reply
 * @resp_min: bytes a successful reply has at least
 * @resp_size: bytes at @resp
 *
 * A reply that reports an error may be just its header.
 *
 * Return: bytes of reply (at least @resp_min), or a negative errno: the
 * host's file-system error, or -EIO when the host is gone, timed out or
 * answered nonsense.
 */
int hostfs_call(struct hostfs_sb_info *sbi, u16 proc, const void *req,
		u32 req_len, void *resp, u32 resp_min, u32 resp_size)
{
	struct vmrpc_hostfs_reply hdr;
	int ret, err;

	hostfs_count(HOSTFS_CALLS, 1);
	ret = vmrpc_call(VMRPC_MOD_HOSTFS, proc, req, req_len, resp, resp_size,
			 sbi ? sbi->timeout_ms : HOSTFS_TIMEOUT_MS);
	if (ret < 0) {
		hostfs_count(ret == -ETIMEDOUT ? HOSTFS_TIMEOUTS :
			     HOSTFS_ERRORS, 1);
		return ret == -ENOMEM ? -ENOMEM : -EIO;
	}
	if (ret < (int)sizeof(hdr)) {
		hostfs_count(HOSTFS_ERRORS, 1);
		return -EIO;
	}
	memcpy(&hdr, resp, sizeof(hdr));
	err = hostfs_errno(le32_to_cpu(hdr.error));
	if (err)
		return err;
	if (ret < resp_min) {
		hostfs_count(HOSTFS_ERRORS, 1);
		return -EIO;
	}
	return ret;
}
