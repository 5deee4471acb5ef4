// SPDX-License-Identifier: GPL-2.0
/*
 * init for gpumem's UML system tests.
 *
 * The guest's root is the host's file system, read-only over hostfs. This
 * program sets up what a test needs (proc, sysfs, devtmpfs, a tmpfs /run
 * with /run/tmp as TMPDIR,
 * cgroup2 with the memory controller, swap on /dev/ubda when present), runs
 * the test program, writes its exit status into the result directory (the
 * one host directory mounted read-write, at /run/gpumem-result in the guest)
 * and powers the guest off.
 *
 * Usage (kernel command line): init=uml-init -- RESULT_DIR PROGRAM [ARG...]
 * Environment from the command line: GPUMEM_MODDIR, the root of the modules
 * tree for "modprobe -d". The test gets GPUMEM_RESULT_DIR, where it may leave
 * files for the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

/* Where the host's result directory appears in the guest. */
#define GUEST_RESULT_DIR "/run/gpumem-result"
/* The guest's writable scratch directory. */
#define GUEST_TMPDIR "/run/tmp"

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("uml-init: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	say("reboot: %s", strerror(errno));
	for (;;)
		pause();
}

static int do_mount(const char *src, const char *dst, const char *type,
		    unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) == 0)
		return 0;
	say("mount %s on %s: %s", type, dst, strerror(errno));
	return -1;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(s);

	if (fd < 0 || write(fd, s, len) != len) {
		say("write %s to %s: %s", s, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int setup(const char *result_dir)
{
	struct stat st;

	/* With CONFIG_DEVTMPFS_MOUNT the kernel has mounted /dev already. */
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY) {
		say("mount devtmpfs on /dev: %s", strerror(errno));
		return -1;
	}
	if (do_mount("proc", "/proc", "proc", 0, NULL) ||
	    do_mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    do_mount("tmpfs", "/run", "tmpfs", 0, "mode=755") ||
	    do_mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL))
		return -1;
	/*
	 * /tmp stays the host's (read-only): the test may live there. The
	 * guest's scratch space is /run/tmp, its TMPDIR.
	 */
	if (mkdir(GUEST_TMPDIR, 01777) || chmod(GUEST_TMPDIR, 01777)) {
		say("mkdir %s: %s", GUEST_TMPDIR, strerror(errno));
		return -1;
	}
	/* The host's RESULT_DIR, read-write, at a place no test mounts over. */
	if (mkdir(GUEST_RESULT_DIR, 0755) ||
	    do_mount("none", GUEST_RESULT_DIR, "hostfs", 0, result_dir)) {
		say("cannot mount the result directory %s", result_dir);
		return -1;
	}
	/* debugfs is optional: tests that need it say so. */
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory"))
		return -1;
	if (stat("/dev/ubda", &st) == 0 && swapon("/dev/ubda", 0)) {
		say("swapon /dev/ubda: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void record(const char *status)
{
	const char *path = GUEST_RESULT_DIR "/status";
	FILE *f;

	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", status) < 0 || fclose(f))
		say("cannot record status in %s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *result_dir;
	char status[64];
	pid_t test, pid;
	int wstatus;

	if (argc < 3) {
		say("usage: uml-init RESULT_DIR PROGRAM [ARG...]");
		power_off();
	}
	result_dir = argv[1];
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", GUEST_TMPDIR, 1);
	setenv("TMPDIR", GUEST_TMPDIR, 1);
	setenv("GPUMEM_RESULT_DIR", GUEST_RESULT_DIR, 1);
	if (setup(result_dir)) {
		say("setup failed");
		power_off();
	}

	test = fork();
	if (test < 0) {
		say("fork: %s", strerror(errno));
		power_off();
	}
	if (test == 0) {
		if (chdir(GUEST_TMPDIR) == 0)
			execv(argv[2], argv + 2);
		say("exec %s: %s", argv[2], strerror(errno));
		_exit(127);
	}

	/* As pid 1, reap every orphan until the test itself is done. */
	do {
		pid = wait(&wstatus);
	} while (pid != test && (pid > 0 || errno == EINTR));
	if (pid != test)
		snprintf(status, sizeof(status), "lost: %s", strerror(errno));
	else if (WIFEXITED(wstatus))
		snprintf(status, sizeof(status), "exit %d", WEXITSTATUS(wstatus));
	else
		snprintf(status, sizeof(status), "signal %d", WTERMSIG(wstatus));
	record(status);
	power_off();
	return 0;
}
