// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of what hostfs checks in the host's answers and in the
 * names it sends, without a device: a host that answers nonsense must get
 * EIO, never have its values used.
 */
#include <kunit/test.h>

#include "hostfs.h"

static void hostfs_test_names(struct kunit *test)
{
	char name[VMRPC_HOSTFS_NAME_MAX + 1];

	KUNIT_EXPECT_EQ(test, hostfs_check_name("a", 1), 0);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("...", 3), 0);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("..a", 3), 0);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostfs_check_name(".", 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("..", 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("a/b", 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, hostfs_check_name("a\0b", 3), -EINVAL);
	memset(name, 'x', sizeof(name));
	KUNIT_EXPECT_EQ(test, hostfs_check_name(name, VMRPC_HOSTFS_NAME_MAX), 0);
	KUNIT_EXPECT_EQ(test, hostfs_check_name(name, sizeof(name)),
			-ENAMETOOLONG);
}

static void hostfs_test_errnos(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hostfs_errno(0), 0);
	KUNIT_EXPECT_EQ(test, hostfs_errno(ENOENT), -ENOENT);
	KUNIT_EXPECT_EQ(test, hostfs_errno(EROFS), -EROFS);
	KUNIT_EXPECT_EQ(test, hostfs_errno(ENOTEMPTY), -ENOTEMPTY);
	/* Not a file system's errno: a kernel-internal one, or garbage. */
	KUNIT_EXPECT_EQ(test, hostfs_errno(ERESTARTSYS), -EIO);
	KUNIT_EXPECT_EQ(test, hostfs_errno(EAGAIN), -EIO);
	KUNIT_EXPECT_EQ(test, hostfs_errno(0xffffffffU), -EIO);
}

static void hostfs_test_wire_file(struct vmrpc_hostfs_attr *w)
{
	memset(w, 0, sizeof(*w));
	w->ino = cpu_to_le64(42);
	w->size = cpu_to_le64(12345);
	w->mode = cpu_to_le32(S_IFREG | 0644);
	w->nlink = cpu_to_le32(1);
	w->mtime_sec = cpu_to_le64(1700000000);
	w->mtime_nsec = cpu_to_le32(999999999);
	w->blksize = cpu_to_le32(4096);
}

static void hostfs_test_attrs(struct kunit *test)
{
	struct vmrpc_hostfs_attr w;
	struct hostfs_attr a;

	hostfs_test_wire_file(&w);
	KUNIT_ASSERT_EQ(test, hostfs_attr_from_wire(&w, &a), 0);
	KUNIT_EXPECT_EQ(test, a.ino, 42);
	KUNIT_EXPECT_EQ(test, a.size, 12345);
	KUNIT_EXPECT_EQ(test, a.mode, S_IFREG | 0644);
	KUNIT_EXPECT_EQ(test, a.mtime.tv_nsec, 999999999);

	/* What no file has. */
	hostfs_test_wire_file(&w);
	w.mode = cpu_to_le32(0644);
	KUNIT_EXPECT_EQ(test, hostfs_attr_from_wire(&w, &a), -EIO);
	hostfs_test_wire_file(&w);
	w.mode = cpu_to_le32(S_IFREG | 0644 | (1U << 20));
	KUNIT_EXPECT_EQ(test, hostfs_attr_from_wire(&w, &a), -EIO);
	hostfs_test_wire_file(&w);
	w.ctime_nsec = cpu_to_le32(NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, hostfs_attr_from_wire(&w, &a), -EIO);
	hostfs_test_wire_file(&w);
	w.size = cpu_to_le64((u64)MAX_LFS_FILESIZE + 1);
	KUNIT_EXPECT_EQ(test, hostfs_attr_from_wire(&w, &a), -EIO);
	hostfs_test_wire_file(&w);
	w.atime_sec = cpu_to_le64(U64_MAX);
	KUNIT_EXPECT_EQ(test, hostfs_attr_from_wire(&w, &a), -EIO);

	/* What is odd but harmless is made sane. */
	hostfs_test_wire_file(&w);
	w.uid = cpu_to_le32(0xffffffffU);
	w.blksize = cpu_to_le32(3);
	KUNIT_ASSERT_EQ(test, hostfs_attr_from_wire(&w, &a), 0);
	KUNIT_EXPECT_TRUE(test, uid_eq(a.uid, make_kuid(&init_user_ns,
							overflowuid)));
	KUNIT_EXPECT_EQ(test, a.blksize, PAGE_SIZE);
}

static struct kunit_case hostfs_test_cases[] = {
	KUNIT_CASE(hostfs_test_names),
	KUNIT_CASE(hostfs_test_errnos),
	KUNIT_CASE(hostfs_test_attrs),
	{}
};

static struct kunit_suite hostfs_test_suite = {
	.name = "hostfs",
	.test_cases = hostfs_test_cases,
};

kunit_test_suite(hostfs_test_suite);
