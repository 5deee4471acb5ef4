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
#include "systest.h"
#include "vttm.h"

static char tmp[256], hooks[300], out[300], rootfs[300];

/* The podman command line up to "run", for RUNTIME. */
static void podman(char *buf, size_t len, const char *runtime)
{
	snprintf(buf, len,
		 "podman --root %s/storage --runroot %s/run --storage-driver vfs "
		 "--cgroup-manager cgroupfs --events-backend none "
		 "--hooks-dir %s --runtime %s run --rm --network=none "
		 "--read-only --read-only-tmpfs=false --tmpfs /run:notmpcopyup "
		 "--device /dev/dri "
		 "--cap-add IPC_LOCK "
		 "-v %s:/mnt",
		 tmp, tmp, hooks, runtime, out);
}

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

/*
 * What the container runs: its own cgroup's policy before anything is
 * allocated, then the application.
 */
static void container_command(char *buf, size_t len, const char *name,
			      const char *app)
{
	snprintf(buf, len,
		 "/bin/sh -c '%s -j show / >/mnt/%s.before 2>&1; exec %s'",
		 GPUMEMCTL, name, app);
}

/* The cgroup (relative to the cgroup2 root) of process PID. */
static void cgroup_of(pid_t pid, char *cg, size_t len)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "0::/", 4))
		st_fail("read %s", path);
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	snprintf(cg, len, "%s", line + 4);
}

/* Wait until FILE has a line with WHAT (the container's output). */
static void wait_for(const char *file, const char *what)
{
	char cmd[700];
	int i;

	snprintf(cmd, sizeof(cmd), "grep -q '%s' %s 2>/dev/null", what, file);
	for (i = 0; i < 600; i++) {
		if (!system(cmd))
			return;
		st_sleep_ms(100);
	}
	snprintf(cmd, sizeof(cmd), "cat %s", file);
	gm_shell(cmd);
	st_fail("no '%s' in %s after 60 s: %s", what, file, gm_out);
}

/* The policy the container's own gpumemctl saw before it allocated. */
static void expect_before(const char *name, const char *purge)
{
	char file[400], cmd[600];

	snprintf(file, sizeof(file), "%s/%s.before", out, name);
	snprintf(cmd, sizeof(cmd),
		 "jq -e '.cgroups | length == 1 and .[0].path == \"/\" and "
		 ".[0].purge == \"%s\" and .[0].resident == 0' %s", purge, file);
	if (gm_shell(cmd)) {
		snprintf(cmd, sizeof(cmd), "cat %s", file);
		gm_shell(cmd);
		st_fail("%s: inside, before allocating, gpumemctl showed: %s",
			name, gm_out);
	}
}

/* runc: the policy is in force inside, and reclaim of the cgroup follows it. */
static void run_runc(void)
{
	char cmd[4096], run[2048], inner[600], cg[512], file[400];
	int in[2], status;
	pid_t pid, app;

	podman(run, sizeof(run), "runc");
	container_command(inner, sizeof(inner), "a", VTTM_HOLD " 8 8");
	snprintf(file, sizeof(file), "%s/a.out", out);
	snprintf(cmd, sizeof(cmd),
		 "exec %s -i --name a --annotation gpumem.io/purge=never "
		 "--annotation gpumem.io/swap-budget=4M --rootfs %s %s >%s 2>&1",
		 run, rootfs, inner, file);
	if (pipe(in))
		st_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (!pid) {
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	wait_for(file, "^ready");
	expect_before("a", "never");

	/* The container's process, and its cgroup as podman named it. */
	if (gm_shell("podman --root $TMPDIR/storage --runroot $TMPDIR/run "
		     "--storage-driver vfs inspect --format '{{.State.Pid}}' a"))
		st_fail("podman inspect a: %s", gm_out);
	app = atoi(gm_out);
	cgroup_of(app, cg, sizeof(cg));
	if (!strstr(cg, "libpod"))
		st_fail("container a's cgroup is %s, not one of podman's", cg);
	if (!gm_policy_is(cg, "purge", "never") ||
	    gm_stat(cg, "swap_budget") != 4 * MiB)
		st_fail("%s: the policy of the annotations is not in force: %s",
			cg, gm_out);
	cg_expect_key(cg, "memory.stat", "gpu", 16 * MiB);
	st_ok("podman (runc) ran container a in /%s with purge never and swap-budget 4M, in force before its first allocation", cg);

	gm_reclaim(cg, 8 * MiB, 0, 4 * MiB);

	close(in[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		snprintf(cmd, sizeof(cmd), "cat %s", file);
		gm_shell(cmd);
		st_fail("podman run a: status %#x: %s", status, gm_out);
	}
	snprintf(cmd, sizeof(cmd), "cat %s", file);
	gm_shell(cmd);
	if (!strstr(gm_out, "8 MiB of normal objects read back identical") ||
	    !strstr(gm_out, "8 MiB kept, 0 MiB purged"))
		st_fail("container a's application said: %s", gm_out);
	st_ok("container a's data read back intact, its DONTNEED bos kept (never purged); podman exited 0");
}

/* crun: the same policy before the first allocation. */
static void run_crun(void)
{
	char cmd[4096], run[2048], inner[600];

	podman(run, sizeof(run), "crun");
	container_command(inner, sizeof(inner), "b", VTTM_HOLD " 1 0 </dev/null");
	snprintf(cmd, sizeof(cmd),
		 "%s --name b --annotation gpumem.io/purge=last --rootfs %s %s 2>&1",
		 run, rootfs, inner);
	if (gm_shell(cmd))
		st_fail("podman (crun) run b: %s", gm_out);
	if (!strstr(gm_out, "1 MiB of normal objects read back identical"))
		st_fail("container b's application said: %s", gm_out);
	expect_before("b", "last");
	st_ok("podman (crun) ran container b with purge last in force before its first allocation");
}

/* A bad annotation: creation fails, naming it; the process never runs. */
static void bad_annotation(void)
{
	char cmd[4096], run[2048], inner[600], file[400];

	podman(run, sizeof(run), "runc");
	container_command(inner, sizeof(inner), "c", VTTM_HOLD " 1 0 </dev/null");
	snprintf(cmd, sizeof(cmd),
		 "%s --name c --annotation gpumem.io/purge=sometimes --rootfs %s %s 2>&1",
		 run, rootfs, inner);
	if (!gm_shell(cmd))
		st_fail("podman run with gpumem.io/purge=sometimes succeeded: %s",
			gm_out);
	if (!strstr(gm_out, "gpumem.io/purge") || !strstr(gm_out, "sometimes"))
		st_fail("podman run with a bad annotation said: %s", gm_out);
	snprintf(file, sizeof(file), "%s/c.before", out);
	if (!access(file, F_OK))
		st_fail("the container with a bad annotation ran its process");
	st_ok("gpumem.io/purge=sometimes failed the container's creation before its process ran: %.200s",
	      gm_out);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "%.200s", getenv("TMPDIR") ?: "/tmp");
	snprintf(hooks, sizeof(hooks), "%s/hooks.d", tmp);
	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
	setenv("TMPDIR", tmp, 1);
	if (mkdir(out, 0777) && errno != EEXIST)
		st_fail("mkdir %s: %s", out, strerror(errno));
	/*
	 * podman keeps its locks in /dev/shm.  The guest's root is read-only;
	 * runc, crun and podman write their temporary files in TMPDIR.
	 */
	if (mkdir("/dev/shm", 01777) && errno != EEXIST)
		st_fail("mkdir /dev/shm: %s", strerror(errno));
	if (mount("shm", "/dev/shm", "tmpfs", 0, "mode=1777"))
		st_fail("mount /dev/shm: %s", strerror(errno));
	if (access("/usr/bin/podman", X_OK) || access("/usr/sbin/runc", X_OK) ||
	    access("/usr/bin/crun", X_OK))
		st_fail("podman, runc and crun must be installed (scripts/bootstrap)");
	/* The host's root, read-only, where runc can pivot into it. */
	if (mkdir(rootfs, 0755) || mount("/", rootfs, NULL, MS_BIND, NULL) ||
	    mount(NULL, rootfs, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
		st_fail("bind / to %s: %s", rootfs, strerror(errno));
	vttm_load();
	write_hooks();

	run_runc();
	run_crun();
	bad_annotation();
	return 0;
}
