/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the system tests that run podman in the guest (gpumem-podman,
 * gpumem-podman-cdi): Debian 12's podman with the cgroupfs manager (no
 * systemd in the guest), each container's rootfs a read-only bind mount of
 * the guest's root (the host's), a writable directory bound on its /mnt.
 * Everything written goes under TMPDIR, which uml-init makes a tmpfs; the
 * guest's /tmp stays the host's, where the checkout may be.
 */
#ifndef GPUMEM_SYSTEST_PODMAN_H
#define GPUMEM_SYSTEST_PODMAN_H

#include <stddef.h>
#include <sys/types.h>

/* TMPDIR, and under it the containers' /mnt and their rootfs. */
extern char pm_tmp[256], pm_out[300], pm_rootfs[300];

/*
 * Set up what podman needs (/dev/shm, the rootfs bind mount), check that
 * podman, runc and crun are installed.
 */
void pm_setup(void);

/*
 * The podman command line up to and including "run ... -v OUT:/mnt", for
 * RUNTIME, with hooks from HOOKS_DIR; EXTRA (device options, ...) after.
 */
void pm_podman(char *buf, size_t len, const char *runtime,
	       const char *hooks_dir, const char *extra);

/*
 * What the container runs: gpumemctl -j show / into /mnt/NAME.before (its
 * own cgroup's policy before anything is allocated), then APP.
 */
void pm_container_command(char *buf, size_t len, const char *name,
			  const char *app);

/*
 * Start "sh -c CMD" with its stdin a pipe, whose write end is in *IN: the
 * application in the container holds its bos until that is closed.
 */
pid_t pm_start(const char *cmd, int *in);

/*
 * Close IN, wait for PID and fail unless it exits 0; its output, FILE, is
 * then in gm_out.  NAME names it in messages.
 */
void pm_finish(pid_t pid, int in, const char *name, const char *file);

/* The cgroup (relative to the cgroup2 root) of process PID. */
void pm_cgroup_of(pid_t pid, char *cg, size_t len);

/* The pid of container NAME's process, from podman inspect. */
pid_t pm_pid(const char *name);

/* Wait until FILE has a line matching WHAT (a grep pattern). */
void pm_wait_for(const char *file, const char *what);

/*
 * The policy the container NAME's own gpumemctl saw before it allocated:
 * its cgroup as "/", PURGE, nothing resident.
 */
void pm_expect_before(const char *name, const char *purge);

#endif
