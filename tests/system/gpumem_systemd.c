// SPDX-License-Identifier: GPL-2.0
/*
 * systemd as init, end to end: the host's systemd boots, as PID 1 of new
 * PID, mount and cgroup namespaces in the guest, a target of three units
 * whose policies come from [X-GPUMemory] sections, with gpumem-generator
 * as its only generator:
 *
 *   batch.slice     purge never, budget 4M (a drop-in; no unit file)
 *   job.service     Slice=batch.slice: allocates bos and holds them
 *   render.service  purge last, budget 2M, in its own unit file: the same
 *   worker@1.service  budget 0, from the template worker@.service: the same
 *   check.service   after them: this program with --check
 *
 * The check: systemd ran the generated gpumem-batch.slice.service; the
 * policies are in force; reclaim of job.service backs up to the slice's
 * budget and purges nothing, reclaim of render.service backs up to its own
 * budget and then purges, reclaim of worker@1.service only purges.  check.service records its status and powers
 * the namespace's systemd off.
 *
 * In the namespaces, /etc/systemd/system holds the units above, the
 * system-generators directory holds gpumem-generator alone and
 * /usr/local/sbin holds gpumemctl (the path the generator writes), all bind
 * mounts over the read-only root; cgroup2 is mounted again, rooted at the
 * cgroup systemd gets (/sd).
 */
#define _GNU_SOURCE /* unshare() */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

#define BO_SIZE (2 * MiB)
#define NB 2	/* normal bos per service */
#define NP 2	/* purgeable bos per service */

static char dir[256];	/* TMPDIR/sd: units, generators, sbin, results */

/*
 * --allocate (a Type=forking service): a child allocates NB normal and NP
 * purgeable bos and holds them until it is stopped; the parent exits once
 * they exist.
 */
static int allocate(void)
{
	struct vttm_bo bos[NB + NP];
	int ready[2], fd, i;
	char c;

	if (pipe(ready))
		st_fail("pipe: %s", strerror(errno));
	if (fork()) {
		close(ready[1]);
		return read(ready[0], &c, 1) == 1 ? 0 : 1;
	}
	close(ready[0]);
	vttm_load();
	fd = vttm_open();
	vttm_prefault();
	vttm_create_filled(fd, bos, NB + NP, BO_SIZE);
	for (i = NB; i < NB + NP; i++)
		vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_DONTNEED);
	if (write(ready[1], "", 1) != 1)
		st_fail("telling systemd: %s", strerror(errno));
	for (;;)
		pause();
}

/* --check, run by check.service inside the namespaces. */
static int check(void)
{
	if (gm_shell("systemctl is-active gpumem-batch.slice.service 2>&1"))
		st_fail("gpumem-batch.slice.service is not active: %s", gm_out);
	st_ok("systemd started the generated gpumem-batch.slice.service");
	gm_expect_eq("batch.slice purges never",
		     gm_policy_is("batch.slice", "purge", "never"), 1);
	gm_expect_eq("job.service's effective budget",
		     gm_stat("batch.slice/job.service",
			     "effective_swap_budget"), 4 * MiB);
	gm_reclaim("batch.slice/job.service", (NB + NP) * BO_SIZE, 0, 4 * MiB);
	st_ok("job.service in batch.slice: the slice's policy (never, 4M) was in force for its bos");
	gm_expect_eq("render.service purges last",
		     gm_policy_is("system.slice/render.service", "purge",
				  "last"), 1);
	gm_reclaim("system.slice/render.service", (NB + NP) * BO_SIZE,
		   NP * BO_SIZE, 2 * MiB);
	st_ok("render.service: its ExecStartPre= put purge last, budget 2M in force");
	gm_reclaim("system.slice/system-worker.slice/worker@1.service",
		   (NB + NP) * BO_SIZE, NP * BO_SIZE, 0);
	st_ok("worker@1.service: the template's ExecStartPre= (apply %%n) put budget 0 in force");
	return 0;
}

static void put(const char *sub, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	gm_write_file(path, name, text);
}

static void make_dir(const char *sub)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755))
		st_fail("mkdir %s: %s", path, strerror(errno));
}

static void link_to(const char *target, const char *sub)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (symlink(target, path))
		st_fail("symlink %s: %s", path, strerror(errno));
}

/*
 * A service NAME running this program with --allocate: EXTRA goes in its
 * [Service], POLICY (if any) in its [X-GPUMemory].
 */
static void put_allocator(const char *self, const char *name,
			  const char *extra, const char *policy)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[Unit]\nDescription=%s\nDefaultDependencies=no\n"
		 "FailureAction=poweroff-force\n\n"
		 "[Service]\nType=forking\nMemoryAccounting=yes\n"
		 "%sExecStart=%s --allocate\n%s%s", name, extra, self,
		 *policy ? "\n[X-GPUMemory]\n" : "", policy);
	put("units", name, text);
}

/* The units, the generator and gpumemctl, as the namespaces will see them. */
static void prepare(const char *self)
{
	char text[2048];

	make_dir("");
	make_dir("units");
	make_dir("units/batch.slice.d");
	make_dir("generators");
	make_dir("sbin");
	link_to(GPUMEM_GENERATOR, "generators/gpumem-generator");
	link_to(GPUMEMCTL, "sbin/gpumemctl");
	put("units/batch.slice.d", "gpumem.conf",
	    "[X-GPUMemory]\nPurge=never\nSwapBudget=4M\n");
	put_allocator(self, "job.service", "Slice=batch.slice\n", "");
	put_allocator(self, "render.service", "",
		      "Purge=last\nSwapBudget=2M\n");
	put_allocator(self, "worker@.service", "", "SwapBudget=0\n");
	snprintf(text, sizeof(text),
		 "[Unit]\nDescription=gpumem check\nDefaultDependencies=no\n"
		 "Requires=job.service render.service worker@1.service\n"
		 "After=job.service render.service worker@1.service\n"
		 "SuccessAction=poweroff-force\nFailureAction=poweroff-force\n\n"
		 "[Service]\nType=oneshot\n"
		 "ExecStart=/bin/sh -c '%s --check >%s/check.log 2>&1; echo $? >%s/check.status'\n",
		 self, dir, dir);
	put("units", "check.service", text);
	put("units", "gpumem-test.target",
	    "[Unit]\nDescription=gpumem end to end\nDefaultDependencies=no\n"
	    "Requires=check.service\nAfter=check.service\n");
}

static void bind(const char *sub, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mount(path, target, NULL, MS_BIND, NULL))
		st_fail("bind %s on %s: %s", path, target, strerror(errno));
}

/* PID 1 of the new namespaces: set up the view, then become systemd. */
static void boot_systemd(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		st_fail("making / private: %s", strerror(errno));
	bind("units", "/etc/systemd/system");
	bind("generators", "/usr/lib/systemd/system-generators");
	bind("sbin", "/usr/local/sbin");
	if (umount2("/sys/fs/cgroup", MNT_DETACH) ||
	    mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL))
		st_fail("mounting cgroup2 in the namespace: %s", strerror(errno));
	if (mount("proc", "/proc", "proc", 0, NULL))
		st_fail("mounting proc in the namespace: %s", strerror(errno));
	setenv("container", "gpumem-test", 1);
	execl("/lib/systemd/systemd", "systemd", "--unit=gpumem-test.target",
	      "--log-target=console", "--default-standard-output=tty",
	      "--default-standard-error=tty", (char *)NULL);
	st_fail("exec systemd: %s", strerror(errno));
}

static void show_file(const char *name)
{
	char path[512], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
}

int main(int argc, char **argv)
{
	char status[300] = "";
	int forked[2], ws, i;
	pid_t pid, init;
	FILE *f;
	char c;

	snprintf(dir, sizeof(dir), "%.200s/sd", getenv("TMPDIR") ?: "/tmp");
	if (argc > 1 && !strcmp(argv[1], "--allocate"))
		return allocate();
	if (argc > 1 && !strcmp(argv[1], "--check"))
		return check();

	vttm_load();
	prepare(argv[0]);
	cg_create("sd");
	if (pipe2(forked, O_CLOEXEC))
		st_fail("pipe: %s", strerror(errno));
	pid = st_fork("sd");
	if (!pid) {
		close(forked[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWCGROUP))
			st_fail("unshare: %s", strerror(errno));
		init = fork();
		if (init < 0)
			st_fail("fork: %s", strerror(errno));
		if (!init)
			boot_systemd();
		/* systemd's cgroup must be its alone: out of it, go. */
		if (write(forked[1], "", 1) != 1)
			st_fail("telling the test: %s", strerror(errno));
		close(forked[1]);
		/* A systemd that does not end is killed, all it started too. */
		for (i = 0; waitpid(init, &ws, WNOHANG) != init; i++) {
			if (i == 900)
				kill(init, SIGKILL);
			st_sleep_ms(100);
		}
		printf("# systemd ended: status %#x\n", ws);
		exit(0);
	}
	close(forked[1]);
	if (read(forked[0], &c, 1) != 1)
		st_fail("waiting for systemd's start: %s", strerror(errno));
	cg_enter("", pid);
	st_wait(pid, "systemd's namespaces");
	printf("# --- check.log\n");
	show_file("check.log");
	snprintf(status, sizeof(status), "%s/check.status", dir);
	f = fopen(status, "r");
	if (!f || !fgets(status, sizeof(status), f))
		st_fail("check.service left no status: systemd did not run it");
	fclose(f);
	if (strcmp(status, "0\n"))
		st_fail("the check in systemd failed: status %s", status);
	st_ok("systemd as init: the policies of a slice, a service and a template's instance in force before their first bo");
	return 0;
}
