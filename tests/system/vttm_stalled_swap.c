// SPDX-License-Identifier: GPL-2.0
/*
 * Swap that stops answering (a lost path, a suspended device-mapper table)
 * must not stall kswapd in the GPU shrinker (docs/memcg.md, "When reclaim
 * may wait"). Swap is moved onto a device-mapper linear device over the
 * guest's swap disk; A (memory.max 48M) fills 64 MiB of bos, so that its
 * reclaim backs part of them up. Then the device is suspended (its I/O
 * queues until it is resumed) and B, another cgroup without a limit, puts
 * the whole guest under memory pressure: kswapd runs and shrinks A's bos,
 * whose writes now never end.
 *
 * - B touches its memory within 60 s (the test kernel has KASAN on a
 *   shared 2-core host; unhindered it takes a few seconds);
 * - kswapd never sleeps uninterruptibly (state D in /proc, as a wait for
 *   writeback does) for more than 1 s in a row, sampled every 20 ms while
 *   B runs (throttling may take 100 ms);
 * - after the device is resumed, every bo of A's reads back intact.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 * MiB)
#define NA 16
#define DM_NAME "gpumem-swap"
#define DM_DEV "/dev/mapper/" DM_NAME

static void run(const char *cmd)
{
	int ret = system(cmd);

	if (ret)
		st_fail("'%s' exited with status %#x", cmd, ret);
}

/* The pid of kswapd0. */
static pid_t kswapd_pid(void)
{
	char path[300], comm[64];
	struct dirent *e;
	DIR *d = opendir("/proc");
	FILE *f;

	if (!d)
		st_fail("opendir /proc: %s", strerror(errno));
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "kswapd0\n")) {
			fclose(f);
			closedir(d);
			return atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	st_fail("no kswapd0 in /proc");
}

/* The state letter of process PID (R, S, D...), '?' if unknown. */
static char task_state(pid_t pid)
{
	char path[64], comm[64], state = '?';
	FILE *f;
	int id;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d %63s %c", &id, comm, &state) != 3)
			state = '?';
		fclose(f);
	}
	return state;
}

int main(void)
{
	struct vttm_bo *bos;
	uint64_t swapped, start, took;
	uint64_t d_since = 0, longest_d = 0, now;
	int fd, samples = 0, in_d = 0, status;
	pid_t pid, kswapd;

	/* Swap onto a device-mapper device over the swap disk. */
	if (swapoff("/dev/ubda"))
		st_fail("swapoff /dev/ubda: %s", strerror(errno));
	run("dmsetup create --noudevsync " DM_NAME " --table "
	    "\"0 $(blockdev --getsz /dev/ubda) linear /dev/ubda 0\"");
	/* No udev here: dmsetup makes the node itself. */
	run("dmsetup mknodes " DM_NAME);
	run("mkswap -q " DM_DEV);
	if (swapon(DM_DEV, 0))
		st_fail("swapon " DM_DEV ": %s", strerror(errno));

	vttm_load();
	fd = vttm_open();
	bos = st_shared(NA * sizeof(*bos));
	cg_create("A");
	cg_write("A", "memory.max", "48M");
	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		for (int i = 0; i < NA; i++) {
			vttm_create(fd, &bos[i], BO_SIZE);
			vttm_fill(fd, &bos[i]);
		}
		exit(0);
	}
	st_wait(pid, "A's creator");
	swapped = cg_read_u64("A", "memory.swap.current");
	if (!swapped)
		st_fail("A's reclaim put nothing in swap");

	/* From here on, swap I/O queues until the device is resumed. */
	run("dmsetup suspend " DM_NAME);
	kswapd = kswapd_pid();
	cg_create("B");
	start = st_now_ms();
	pid = st_fork("B");
	if (!pid) {
		/* What the guest has left, and then some: kswapd must run. */
		size_t len = 160 * MiB, off;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			exit(2);
		for (off = 0; off < len; off += 4096)
			p[off] = 1;
		exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		now = st_now_ms();
		if (now - start > 60000) {
			kill(pid, SIGKILL);
			run("dmsetup resume " DM_NAME);
			st_fail("B did not get its memory within 60 s with swap stalled "
				"(kswapd in D for %" PRIu64 " ms at most)", longest_d);
		}
		/*
		 * Waiting for writeback is an uninterruptible sleep (D); kswapd
		 * may throttle so for up to 100 ms, never for long.
		 */
		samples++;
		if (task_state(kswapd) == 'D') {
			in_d++;
			if (!d_since)
				d_since = now;
			if (now - d_since > longest_d)
				longest_d = now - d_since;
		} else {
			d_since = 0;
		}
		st_sleep_ms(20);
	}
	took = st_now_ms() - start;
	run("dmsetup resume " DM_NAME);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("B failed to touch its memory (status %#x)", status);
	if (longest_d > 1000)
		st_fail("kswapd slept uninterruptibly for %" PRIu64 " ms in a row with swap "
			"stalled (waiting for writeback)", longest_d);
	st_ok("with swap stalled, B touched 160 MiB in %" PRIu64 " ms; kswapd never in "
	      "an uninterruptible sleep longer than %" PRIu64 " ms (%d of %d samples in D)",
	      took, longest_d, in_d, samples);

	for (int i = 0; i < NA; i++)
		vttm_verify(fd, &bos[i], "A's bo after the swap device came back");
	st_ok("A's %d bos (%" PRIu64 " KiB were in swap) read back intact after resume",
	      NA, swapped / KiB);
	vttm_close_all(fd, bos, NA);
	close(fd);
	cg_remove("A");
	cg_remove("B");
	if (swapoff(DM_DEV))
		st_fail("swapoff " DM_DEV ": %s", strerror(errno));
	run("dmsetup remove " DM_NAME);
	return 0;
}
