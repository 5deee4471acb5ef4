// SPDX-License-Identifier: GPL-2.0
/* Helpers of the podman system tests (see podman.h). */
#include <errno.h>
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

char pm_tmp[256], pm_out[300], pm_rootfs[300];

void pm_setup(void)
{
	snprintf(pm_tmp, sizeof(pm_tmp), "%.200s", getenv("TMPDIR") ?: "/tmp");
	snprintf(pm_out, sizeof(pm_out), "%s/out", pm_tmp);
	snprintf(pm_rootfs, sizeof(pm_rootfs), "%s/rootfs", pm_tmp);
	setenv("TMPDIR", pm_tmp, 1);
	if (mkdir(pm_out, 0777) && errno != EEXIST)
		st_fail("mkdir %s: %s", pm_out, strerror(errno));
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
	if (mkdir(pm_rootfs, 0755) ||
	    mount("/", pm_rootfs, NULL, MS_BIND, NULL) ||
	    mount(NULL, pm_rootfs, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
		st_fail("bind / to %s: %s", pm_rootfs, strerror(errno));
}

void pm_podman(char *buf, size_t len, const char *runtime,
	       const char *hooks_dir, const char *extra)
{
	snprintf(buf, len,
		 "podman --root %s/storage --runroot %s/run --storage-driver vfs "
		 "--cgroup-manager cgroupfs --events-backend none "
		 "--hooks-dir %s --runtime %s run --rm --network=none "
		 "--read-only --read-only-tmpfs=false --tmpfs /run:notmpcopyup "
		 "--cap-add IPC_LOCK -v %s:/mnt %s",
		 pm_tmp, pm_tmp, hooks_dir, runtime, pm_out, extra);
}

void pm_container_command(char *buf, size_t len, const char *name,
			  const char *app)
{
	snprintf(buf, len,
		 "/bin/sh -c '%s -j show / >/mnt/%s.before 2>&1; exec %s'",
		 GPUMEMCTL, name, app);
}

pid_t pm_start(const char *cmd, int *in)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		st_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (!pid) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	*in = fds[1];
	return pid;
}

void pm_finish(pid_t pid, int in, const char *name, const char *file)
{
	char cmd[600];
	int status;

	close(in);
	snprintf(cmd, sizeof(cmd), "cat %s", file);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		gm_shell(cmd);
		st_fail("podman run %s: status %#x: %s", name, status, gm_out);
	}
	gm_shell(cmd);
}

void pm_cgroup_of(pid_t pid, char *cg, size_t len)
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

pid_t pm_pid(const char *name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "podman --root %s/storage --runroot %s/run --storage-driver vfs "
		 "inspect --format '{{.State.Pid}}' %s", pm_tmp, pm_tmp, name);
	if (gm_shell(cmd))
		st_fail("podman inspect %s: %s", name, gm_out);
	return atoi(gm_out);
}

void pm_wait_for(const char *file, const char *what)
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

void pm_expect_before(const char *name, const char *purge)
{
	char file[400], cmd[600];

	snprintf(file, sizeof(file), "%s/%s.before", pm_out, name);
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
