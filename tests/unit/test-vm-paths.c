// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM-name rule and the paths in a VM's directory that zhostd,
 * balloon-ctl and zhost-run share (mm-host/common/vm-paths.c): plain names
 * up to 32 characters pass, anything that could leave the directory, look
 * like an option or not fit a socket path is refused, and the directory
 * checks (zh_vm_dir_open(), which zhostd uses) apply the same rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "runtime-dir.h"
#include "vm-paths.h"

#define SUN_PATH_LEN	sizeof(((struct sockaddr_un *)NULL)->sun_path)

static char base[64];

static void cleanup(void)
{
	rmdir(base);
}

static void test_names(void)
{
	static const char *const good[] = {
		"vm1", "zonehost", "a", "9", "A.b_c-9",
		"abcdefghijklmnopqrstuvwxyz012345",	/* 32 */
	};
	static const char *const bad[] = {
		"", ".", "..", ".x", "-x", "_x", "a/b", "a b", "a:b", "\xc3\xa9",
		"abcdefghijklmnopqrstuvwxyz0123456",	/* 33 */
	};
	bool ok = true;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!zh_vm_name_valid(good[i])) {
			tap_diag("refused '%s'", good[i]);
			ok = false;
		}
	tap_ok(ok, "names of letters, digits, '.', '_' and '-' up to 32 pass");
	ok = true;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (zh_vm_name_valid(bad[i])) {
			tap_diag("accepted '%s'", bad[i]);
			ok = false;
		}
	tap_ok(ok, "empty, dot-dot, leading '.', '-' or '_', slashes, spaces, other bytes and 33 characters are refused");
}

static void test_paths(void)
{
	char buf[SUN_PATH_LEN], small[16], longrt[SUN_PATH_LEN];

	tap_ok(!zh_vm_path(buf, sizeof(buf), "/run/zonehost", "vm1",
			   ZH_VM_CONTROL_SOCK) &&
	       !strcmp(buf, "/run/zonehost/vm1/zhostd.sock"),
	       "the control socket of vm1 is RUNTIME/vm1/zhostd.sock");
	tap_ok(!zh_vm_path(buf, sizeof(buf), "/r", "a", ZH_VM_QMP_SOCK) &&
	       !strcmp(buf, "/r/a/qmp.sock") &&
	       !zh_vm_path(buf, sizeof(buf), "/r", "a", ZH_VM_IVSHMEM_SOCK) &&
	       !strcmp(buf, "/r/a/ivshmem.sock"),
	       "QMP and ivshmem sockets sit beside it");
	tap_ok(zh_vm_path(buf, sizeof(buf), "/r", "../etc",
			  ZH_VM_CONTROL_SOCK) == -EINVAL && !buf[0],
	       "a bad name gives -EINVAL and no path");
	memset(longrt, 'x', sizeof(longrt) - 10);
	longrt[0] = '/';
	longrt[sizeof(longrt) - 10] = '\0';
	tap_ok(zh_vm_path(small, sizeof(small), "/run/zonehost", "vm1",
			  ZH_VM_CONTROL_SOCK) == -ENAMETOOLONG && !small[0] &&
	       zh_vm_path(buf, sizeof(buf), longrt, "vm1",
			  ZH_VM_CONTROL_SOCK) == -ENAMETOOLONG,
	       "a path longer than a socket address takes gives -ENAMETOOLONG");
}

static void test_dir_open(void)
{
	char err[ZH_DIR_ERR_MAX] = "";
	int fd;

	strcpy(base, "/tmp/zh-vm-paths.XXXXXX");
	if (!mkdtemp(base)) {
		tap_skip("no temporary directory", "zh_vm_dir_open() applies the rule");
		return;
	}
	fd = zh_vm_dir_open(base, "-x", true, err, sizeof(err));
	tap_ok(fd == -EINVAL && strstr(err, "bad VM name '-x'") &&
	       strstr(err, ZH_VM_NAME_RULE),
	       "zh_vm_dir_open() refuses a name the rule refuses, saying the rule");
	if (fd >= 0)
		close(fd);
	cleanup();
}

int main(void)
{
	tap_timeout(30, cleanup);
	tap_plan(7);
	test_names();
	test_paths();
	test_dir_open();
	return tap_done();
}
