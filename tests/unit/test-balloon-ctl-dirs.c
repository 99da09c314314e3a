// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl finds zhostd's socket through RUNTIME/NAME: it must connect
 * only when both directories are the user's alone. A runtime directory of
 * another user or one others can write to, a VM directory open to others,
 * and a symbolic link in place of either are refused (exit 3, a message
 * saying what to fix) before connecting, so no other user's socket planted
 * there is ever talked to; -s, a path the user chose, is not checked.
 *
 * BALLOON_CTL=path runs another build (the installed one, say).
 */
#include "fake-zhostd.h"

static char vmdir[TPATH];		/* rundir/zonehost, the default VM */
static char vmsock[TPATH];		/* vmdir/zhostd.sock */
static char vmlink[TPATH];		/* rundir/vmlink -> zonehost */

/* Async-signal-safe: tap_timeout() calls it too. */
static void cleanup(void)
{
	if (child > 0)
		kill(child, SIGKILL);
	unlink(vmsock);
	unlink(vmlink);
	rmdir(vmdir);
	rmdir(rundir);
	rmdir(tmpdir);
}

/*
 * With a fake zhostd listening on vmsock (mode @sock_mode), balloon-ctl
 * @args (as nobody if @as_nobody) must exit 3 saying @part, and never
 * connect.
 */
static void refused(const char *const *args, bool as_nobody,
		    mode_t sock_mode, const char *part, const char *what)
{
	struct fake f;
	struct run r;

	if (!fake_listen(&f, vmsock, 4) || chmod(vmsock, sock_mode) ||
	    !run_start(&r, as_nobody, args)) {
		tap_ok(false, "%s (not started: %s)", what, strerror(errno));
		fake_close(&f);
		return;
	}
	run_wait(&r);
	if (as_nobody && (r.status == 125 || r.status == 126))
		tap_skip("cannot run it as another user", what);
	else
		run_ok(&r, r.status == 3 && has(r.err, part) && !*r.out &&
		       !fake_pending(&f), "%s", what);
	run_free(&r);
	fake_close(&f);
	unlink(vmsock);
}

static void test_accepted(void)
{
	json_t *req;
	struct run r;

	tap_diag("[RUN] directories of our own");
	chmod(rundir, 0755);
	converse(&r, vmsock, S("-t", "3", "guest", "loadavg"), &req, "",
		 json_pack("{s:{s:s}}", "return", "text", "0.00\n"));
	run_ok(&r, r.status == 0 && !strcmp(r.out, "0.00\n"),
	       "a runtime directory of ours others may read, a private VM directory: connects");
	json_decref(req);
	run_free(&r);
	chmod(rundir, 0700);
}

static void test_mode(void)
{
	json_t *req;
	struct run r;

	tap_diag("[RUN] modes");
	chmod(rundir, 0775);
	refused(S("-t", "1", "status"), false, 0600,
		"writable by its group or others (mode 0775)",
		"a group-writable runtime directory: exit 3 without connecting");
	chmod(rundir, 01777);
	refused(S("-t", "1", "status"), false, 0600, "chmod go-w",
		"a world-writable one, sticky like /tmp: exit 3 without connecting");

	/* The user's own choice of socket is not second-guessed. */
	converse(&r, vmsock, S("-s", vmsock, "-t", "3", "guest", "loadavg"),
		 &req, "", json_pack("{s:{s:s}}", "return", "text", "1\n"));
	run_ok(&r, r.status == 0 && !strcmp(r.out, "1\n"),
	       "-s: the directories of a socket named by path are not checked");
	json_decref(req);
	run_free(&r);
	chmod(rundir, 0700);

	chmod(vmdir, 0750);
	refused(S("-t", "1", "status"), false, 0600,
		"open to its group or others (mode 0750)",
		"a VM directory its group may read: exit 3 without connecting");
	chmod(vmdir, 0700);
}

static void test_owner_and_links(void)
{
	bool root = geteuid() == 0;

	tap_diag("[RUN] owners and links");
	if (symlink("zonehost", vmlink))
		tap_diag("symlink %s: %s", vmlink, strerror(errno));
	refused(S("-n", "vmlink", "-t", "1", "status"), false, 0600,
		"is a symbolic link",
		"a symbolic link as the VM directory: exit 3 without connecting");

	if (!root || chown(rundir, NOBODY, NOBODY)) {
		tap_skip("needs root", "a runtime directory of another user");
		tap_skip("needs root", "as another user, root's directory");
		return;
	}
	refused(S("-t", "1", "status"), false, 0600,
		"belongs to nobody (uid 65534), not to you",
		"a runtime directory of another user: exit 3 without connecting");
	if (chown(rundir, 0, 0))
		tap_diag("chown %s: %s", rundir, strerror(errno));

	/* What a user finds if someone else made /tmp/zonehost first. */
	chmod(tmpdir, 0711);
	chmod(rundir, 0777);
	chmod(vmdir, 0777);
	refused(S("-t", "1", "status"), true, 0666,
		"belongs to root (uid 0), not to you",
		"as another user, a runtime directory of root's: exit 3 without connecting");
	chmod(vmdir, 0700);
	chmod(rundir, 0700);
	chmod(tmpdir, 0700);
}

int main(void)
{
	if (!fake_zhostd_dirs("balloon-ctl-dirs"))
		return 1;
	snprintf(vmdir, sizeof(vmdir), "%s/run/zonehost", tmpdir);
	snprintf(vmsock, sizeof(vmsock), "%s/run/zonehost/zhostd.sock", tmpdir);
	snprintf(vmlink, sizeof(vmlink), "%s/run/vmlink", tmpdir);
	tap_timeout(60, cleanup);
	if (!find_bctl() || !make_env() || mkdir(rundir, 0700) ||
	    mkdir(vmdir, 0700)) {
		printf("Bail out! no balloon-ctl to test (%s) or no directory\n",
		       bctl);
		cleanup();
		return 1;
	}
	tap_diag("testing %s", bctl);
	tap_plan(8);

	test_accepted();
	test_mode();
	test_owner_and_links();

	cleanup();
	free(child_env);
	return tap_done();
}
