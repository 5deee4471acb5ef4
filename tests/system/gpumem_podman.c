// SPDX-License-Identifier: GPL-2.0
/*
 * A real container engine end to end: Debian 12's podman runs containers
 * with runc and with crun (cgroupfs manager: there is no systemd in the
 * guest), given the project's hooks.d file (systemd/hooks.d/gpumem.json.in,
 * configured with this build's gpumemctl) as its hooks directory.
 *
 * - A container with --annotation gpumem.io/purge=never and
 *   gpumem.io/swap-budget=4M: inside it, before the application allocates,
 *   `gpumemctl -j show /` (its own cgroup, as its cgroup namespace names it)
 *   already reads the policy; then the stand-in application (vttm-hold)
 *   holds 8 MiB of bos and 8 MiB more marked DONTNEED. Found from the
 *   container's process as podman named its cgroup, the cgroup has the
 *   policy, and reclaim of 8 MiB follows it: nothing purged, 4 MiB (the
 *   budget) backed up. The application's data reads back intact and the
 *   container exits 0.
 * - With crun, the same policy is in force before the first allocation.
 * - gpumem.io/purge=sometimes fails the container's creation, with a
 *   message naming the annotation, and its process never runs.
 *
 * The root is the host's, read-only: each container runs a bind mount of
 * it as its rootfs (--rootfs), with a writable directory bound on its /mnt
 * for what it writes.  The guest's /tmp stays the host's: the checkout and
 * the build directory may be there (a clone under /tmp); everything
 * written goes to TMPDIR, which uml-init makes a tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmctl.h"
#include "podman.h"
#include "systest.h"
#include "vttm.h"

static char hooks[300];

/* The project's hooks.d file, its gpumemctl path this build's. */
static void write_hooks(void)
{
	char cmd[1024];

	if (mkdir(hooks, 0755) && errno != EEXIST)
		st_fail("mkdir %s: %s", hooks, strerror(errno));
	snprintf(cmd, sizeof(cmd), "sed 's|@GPUMEMCTL@|%s|' %s >%s/gpumem.json",
		 GPUMEMCTL, GPUMEM_HOOKS_JSON_IN, hooks);
	if (gm_shell(cmd))
		st_fail("write the hooks.d file: %s", gm_out);
}

/* runc: the policy is in force inside, and reclaim of the cgroup follows it. */
static void run_runc(void)
{
	char cmd[4096], run[2048], inner[600], cg[512], file[400];
	int in;
	pid_t pid, app;

	pm_podman(run, sizeof(run), "runc", hooks, "--device /dev/dri");
	pm_container_command(inner, sizeof(inner), "a", VTTM_HOLD " 8 8");
	snprintf(file, sizeof(file), "%s/a.out", pm_out);
	snprintf(cmd, sizeof(cmd),
		 "exec %s -i --name a --annotation gpumem.io/purge=never "
		 "--annotation gpumem.io/swap-budget=4M --rootfs %s %s >%s 2>&1",
		 run, pm_rootfs, inner, file);
	pid = pm_start(cmd, &in);
	pm_wait_for(file, "^ready");
	pm_expect_before("a", "never");

	/* The container's process, and its cgroup as podman named it. */
	app = pm_pid("a");
	pm_cgroup_of(app, cg, sizeof(cg));
	if (!strstr(cg, "libpod"))
		st_fail("container a's cgroup is %s, not one of podman's", cg);
	if (!gm_policy_is(cg, "purge", "never") ||
	    gm_stat(cg, "swap_budget") != 4 * MiB)
		st_fail("%s: the policy of the annotations is not in force: %s",
			cg, gm_out);
	cg_expect_key(cg, "memory.stat", "gpu", 16 * MiB);
	st_ok("podman (runc) ran container a in /%s with purge never and swap-budget 4M, in force before its first allocation", cg);

	gm_reclaim(cg, 8 * MiB, 0, 4 * MiB);

	pm_finish(pid, in, "a", file);
	if (!strstr(gm_out, "8 MiB of normal objects read back identical") ||
	    !strstr(gm_out, "8 MiB kept, 0 MiB purged"))
		st_fail("container a's application said: %s", gm_out);
	st_ok("container a's data read back intact, its DONTNEED bos kept (never purged); podman exited 0");
}

/* crun: the same policy before the first allocation. */
static void run_crun(void)
{
	char cmd[4096], run[2048], inner[600];

	pm_podman(run, sizeof(run), "crun", hooks, "--device /dev/dri");
	pm_container_command(inner, sizeof(inner), "b", VTTM_HOLD " 1 0 </dev/null");
	snprintf(cmd, sizeof(cmd),
		 "%s --name b --annotation gpumem.io/purge=last --rootfs %s %s 2>&1",
		 run, pm_rootfs, inner);
	if (gm_shell(cmd))
		st_fail("podman (crun) run b: %s", gm_out);
	if (!strstr(gm_out, "1 MiB of normal objects read back identical"))
		st_fail("container b's application said: %s", gm_out);
	pm_expect_before("b", "last");
	st_ok("podman (crun) ran container b with purge last in force before its first allocation");
}

/* A bad annotation: creation fails, naming it; the process never runs. */
static void bad_annotation(void)
{
	char cmd[4096], run[2048], inner[600], file[400];

	pm_podman(run, sizeof(run), "runc", hooks, "--device /dev/dri");
	pm_container_command(inner, sizeof(inner), "c", VTTM_HOLD " 1 0 </dev/null");
	snprintf(cmd, sizeof(cmd),
		 "%s --name c --annotation gpumem.io/purge=sometimes --rootfs %s %s 2>&1",
		 run, pm_rootfs, inner);
	if (!gm_shell(cmd))
		st_fail("podman run with gpumem.io/purge=sometimes succeeded: %s",
			gm_out);
	if (!strstr(gm_out, "gpumem.io/purge") || !strstr(gm_out, "sometimes"))
		st_fail("podman run with a bad annotation said: %s", gm_out);
	snprintf(file, sizeof(file), "%s/c.before", pm_out);
	if (!access(file, F_OK))
		st_fail("the container with a bad annotation ran its process");
	st_ok("gpumem.io/purge=sometimes failed the container's creation before its process ran: %.200s",
	      gm_out);
}

int main(void)
{
	pm_setup();
	snprintf(hooks, sizeof(hooks), "%s/hooks.d", pm_tmp);
	vttm_load();
	write_hooks();

	run_runc();
	run_crun();
	bad_annotation();
	return 0;
}
