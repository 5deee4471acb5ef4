// SPDX-License-Identifier: GPL-2.0
/*
 * Swap that stops answering (a lost path, a suspended device-mapper table)
 * must not stall kswapd in the GPU shrinker (docs/memcg.md, "When reclaim
 * may wait"). Swap is moved onto a device-mapper linear device over the
 * guest's swap disk; A (memory.max 48M) fills 64 MiB of bos, so that its
 * reclaim backs part of them up, and keeps 48 MiB of them resident, for
 * kswapd to back up. The parent reads some 96 MiB of a host file (the UML
 * kernel binary) into the page cache: clean pages that reclaim frees
 * without any I/O. Then the device is suspended (its I/O queues until it
 * is resumed: what a lost path with queue_if_no_path does) and B, another
 * cgroup without a limit, touches what is free plus half the file cache
 * (64 MiB at most): kswapd wakes,
 * calls the GPU shrinker, whose writes to swap now never end, and must go
 * on to the page cache.
 *
 * - B touches its memory within 60 s (B_BOUND_MS; the test kernel has KASAN
 *   on a shared 2-core host: unhindered it takes a few seconds);
 * - no task is ever seen in folio_wait_writeback() (its /proc/PID/stack,
 *   every task sampled every 50 ms while B runs: with the device suspended
 *   such a wait would not end until the resume);
 * - kswapd never sleeps uninterruptibly (state D in /proc/PID/stat) for
 *   more than 1 s in a row in those samples (throttling for writeback
 *   takes up to 100 ms at a time);
 * - then, still stalled, a write of 16M to A's memory.reclaim (direct
 *   reclaim of A: the GPU shrinker backs A's bos up to the stalled swap,
 *   waiting at most TTM_BACKUP_WAIT_MS per call for its writes) returns
 *   within 60 s (R_BOUND_MS), A's resident bo pages drop (the shrinker did
 *   back up to the stalled device), and no task is seen in
 *   folio_wait_writeback() meanwhile;
 * - after the device is resumed, every bo of A's reads back intact.
 *
 * /proc/PID/wchan is not read: UML's __get_wchan() walks another task's
 * stack with plain loads, which KASAN reports; /proc/PID/stack walks it
 * with READ_ONCE_NOCHECK().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#define CACHE_BYTES (128 * MiB)
/* B takes what is free and half the file cache, at most B_EXTRA of it. */
#define B_EXTRA (64 * MiB)
#define MIN_CACHE (48 * MiB)
#define B_BOUND_MS 60000
/*
 * memory.reclaim retries 16 times, each a pass at 13 priorities, and each
 * pass may call the GPU shrinker, which waits 100 ms for stalled storage:
 * some 21 s of waiting at most, and the CPU time of KASAN on top.
 */
#define R_BOUND_MS 60000
#define D_BOUND_MS 1000

static void run(const char *cmd)
{
	char full[1024];
	int ret;

	/* A dmsetup that hangs fails the test rather than the boot. */
	snprintf(full, sizeof(full), "timeout 30 %s", cmd);
	ret = system(full);

	if (ret)
		st_fail("'%s' exited with status %#x", cmd, ret);
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

/* A number from /proc/meminfo, in bytes. */
static uint64_t meminfo(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	uint64_t kb;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		st_fail("open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%" SCNu64, &kb) == 1) {
			fclose(f);
			return kb * KiB;
		}
	}
	st_fail("no %s in /proc/meminfo", key);
}

/*
 * Read LEN bytes of PATH into the page cache; return the open descriptor:
 * hostfs evicts an inode, and its pages, when its last user closes it.
 */
static int read_file(const char *path, uint64_t len)
{
	static char buf[1 << 16];
	uint64_t done = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		st_fail("open %s: %s", path, strerror(errno));
	while (done < len && (n = read(fd, buf, sizeof(buf))) > 0)
		done += n;
	if (done < len)
		st_fail("%s is shorter than %" PRIu64 " MiB", path, len / MiB);
	return fd;
}

/*
 * Whether some task's kernel stack has folio_wait_writeback() in it; its
 * pid and comm in WHO.
 */
static bool someone_waits_writeback(char *who, size_t len)
{
	char path[300], buf[4096];
	struct dirent *e;
	DIR *d = opendir("/proc");
	ssize_t n;
	int fd;

	if (!d)
		st_fail("opendir /proc: %s", strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stack", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		if (strstr(buf, "folio_wait_writeback")) {
			snprintf(who, len, "pid %.16s: %.200s", e->d_name, buf);
			closedir(d);
			return true;
		}
	}
	closedir(d);
	return false;
}

int main(void)
{
	struct vttm_bo *bos;
	uint64_t swapped, start, took, cached, b_len, gpu_before, gpu_after;
	uint64_t d_since = 0, longest_d = 0, now;
	int fd, cache_fd, samples = 0, in_d = 0, status;
	char kernel[512], who[300];
	const char *moddir = getenv("GPUMEM_MODDIR");
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

	/* Clean page cache: what reclaim can free while swap is stalled. */
	if (!moddir)
		st_fail("no GPUMEM_MODDIR in the environment");
	snprintf(kernel, sizeof(kernel), "%s/../linux", moddir);
	cache_fd = read_file(kernel, CACHE_BYTES);
	cached = meminfo("Active(file)") + meminfo("Inactive(file)");
	/*
	 * Without it, B's allocation would need swap, which is stalled:
	 * every allocator in the guest, this one included, then loops in
	 * reclaim until the resume, which nobody is left to do.
	 */
	if (cached < MIN_CACHE)
		st_fail("only %" PRIu64 " MiB of file cache after reading %" PRIu64
			" MiB of %s", cached / MiB, CACHE_BYTES / MiB, kernel);
	gpu_before = cg_read_key("A", "memory.stat", "gpu");
	st_ok("swap on " DM_DEV ": A holds %d bos of %" PRIu64 " MiB, %" PRIu64
	      " MiB resident and %" PRIu64 " KiB in swap; %" PRIu64 " MiB free, %"
	      PRIu64 " MiB of file cache", NA, BO_SIZE / MiB, gpu_before / MiB,
	      swapped / KiB, meminfo("MemFree") / MiB, cached / MiB);

	/* From here on, swap I/O queues until the device is resumed. */
	run("dmsetup suspend " DM_NAME);
	kswapd = st_kswapd_pid();
	cg_create("B");
	/* What is free and then some: kswapd must run, the cache covers it. */
	b_len = meminfo("MemFree") + (cached / 2 < B_EXTRA ? cached / 2 : B_EXTRA);
	start = st_now_ms();
	pid = st_fork("B");
	if (!pid) {
		size_t off;
		char *p = mmap(NULL, b_len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			exit(2);
		for (off = 0; off < b_len; off += 4096)
			p[off] = 1;
		exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		now = st_now_ms();
		if (now - start > B_BOUND_MS) {
			kill(pid, SIGKILL);
			run("dmsetup resume " DM_NAME);
			st_fail("B did not get its %" PRIu64 " MiB within %d s with swap "
				"stalled (kswapd in D for %" PRIu64 " ms at most)",
				b_len / MiB, B_BOUND_MS / 1000, longest_d);
		}
		if (someone_waits_writeback(who, sizeof(who))) {
			kill(pid, SIGKILL);
			run("dmsetup resume " DM_NAME);
			st_fail("with swap stalled, a task waits in folio_wait_writeback(): %s",
				who);
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
		st_sleep_ms(50);
	}
	took = st_now_ms() - start;
	gpu_after = cg_read_key("A", "memory.stat", "gpu");
	run("dmsetup resume " DM_NAME);
	close(cache_fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("B failed to touch its memory (status %#x)", status);
	if (longest_d > D_BOUND_MS)
		st_fail("kswapd slept uninterruptibly for %" PRIu64 " ms in a row with swap "
			"stalled (waiting for writeback)", longest_d);
	st_ok("with swap stalled, B touched %" PRIu64 " MiB in %" PRIu64 " ms (bound %d ms); "
	      "no task in folio_wait_writeback() in %d samples; kswapd never in an "
	      "uninterruptible sleep longer than %" PRIu64 " ms (bound %d ms; %d "
	      "samples in D); A's resident bo pages %" PRIu64 " -> %" PRIu64 " KiB",
	      b_len / MiB, took, B_BOUND_MS, samples, longest_d, D_BOUND_MS, in_d,
	      gpu_before / KiB, gpu_after / KiB);

	/* Direct reclaim of A's own bos, still stalled. */
	run("dmsetup suspend " DM_NAME);
	gpu_before = cg_read_key("A", "memory.stat", "gpu");
	start = st_now_ms();
	pid = st_fork(NULL);
	if (!pid) {
		int rfd = open("/sys/fs/cgroup/A/memory.reclaim", O_WRONLY);

		/* EAGAIN (not all of it) is an answer too: it returned. */
		if (rfd < 0 || (write(rfd, "16M", 3) < 0 && errno != EAGAIN))
			exit(2);
		exit(0);
	}
	samples = 0;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (st_now_ms() - start > R_BOUND_MS) {
			run("dmsetup resume " DM_NAME);
			st_fail("memory.reclaim of A did not return within %d s with swap "
				"stalled", R_BOUND_MS / 1000);
		}
		if (someone_waits_writeback(who, sizeof(who))) {
			run("dmsetup resume " DM_NAME);
			st_fail("with swap stalled, reclaiming A, a task waits in "
				"folio_wait_writeback(): %s", who);
		}
		samples++;
		st_sleep_ms(50);
	}
	took = st_now_ms() - start;
	gpu_after = cg_read_key("A", "memory.stat", "gpu");
	run("dmsetup resume " DM_NAME);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("memory.reclaim of A failed (status %#x)", status);
	if (gpu_after >= gpu_before)
		st_fail("memory.reclaim of A with swap stalled backed up none of its bos "
			"(gpu %" PRIu64 " -> %" PRIu64 " KiB)", gpu_before / KiB,
			gpu_after / KiB);
	st_ok("with swap stalled, memory.reclaim of 16M of A returned in %" PRIu64
	      " ms (bound %d ms), its bos backed up to the stalled device (gpu %"
	      PRIu64 " -> %" PRIu64 " KiB); no task in folio_wait_writeback() in %d "
	      "samples", took, R_BOUND_MS, gpu_before / KiB, gpu_after / KiB, samples);

	for (int i = 0; i < NA; i++)
		vttm_verify(fd, &bos[i], "A's bo after the swap device came back");
	st_ok("A's %d bos (%" PRIu64 " KiB in swap) read back intact after resume",
	      NA, cg_read_u64("A", "memory.swap.current") / KiB);
	vttm_close_all(fd, bos, NA);
	close(fd);
	cg_remove("A");
	cg_remove("B");
	if (swapoff(DM_DEV))
		st_fail("swapoff " DM_DEV ": %s", strerror(errno));
	run("dmsetup remove " DM_NAME);
	return 0;
}
