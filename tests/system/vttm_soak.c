// SPDX-License-Identifier: GPL-2.0
/*
 * vttm-soak: bos of several sizes cycled through backup and restore under
 * memory pressure with TTM's fault-injection points on, until a number of
 * pages has made the round trip, every page checked against its pattern.
 *
 *   vttm-soak [PAGES [PERCENT]]   (default 4096 pages, faults at 1 %;
 *                                  scripts/soak runs it with 10^6)
 *
 * A worker in cgroup "soak" (memory.max 16M, with swap) keeps 40 MiB of
 * bos of 1, 8, 64 and 512 pages (2 MiB, a pool's large order) and reads
 * and rewrites them at random, so that the cgroup's reclaim backs them up
 * and each read brings them back. ttm/backup_page_fail,
 * ttm/restore_page_fail and ttm/backup_alloc_fail fail 1 % of the pages
 * (or populates): a failed backup leaves a valid, partly backed-up tt; a
 * failed restore or populate fails the read or write (ENOMEM), which is
 * retried. A page that differs from its pattern fails the run (corrupt); a
 * read that keeps failing after the faults are off fails it too (lost).
 * The round trips are gpumem's restored total of the cgroup. At the end:
 * all verified once more without faults, all destroyed, and the cgroup's
 * gpu, backup and purgeable back to 0. The guest's kernel log is checked by
 * the harness (lockdep, KASAN, WARN).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define CG "soak"
#define CG_MAX "16M"
#define DEBUGFS "/sys/kernel/debug"
#define FAULTS DEBUGFS "/ttm"
#define PAGE 4096
#define RETRIES 1000

static const unsigned int sizes[] = { 1, 8, 64, 512 };	/* pages */
#define NR_BOS 64	/* 16 of each size: 9352 pages, 36.5 MiB */

struct soak {
	struct vttm_bo bos[NR_BOS];
	uint64_t target, restored, ops, retries, failed_fills;
};

static const char *const fault_points[] = {
	"backup_page_fail", "restore_page_fail", "backup_alloc_fail",
};

static void write_file(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(value, f) < 0 || fclose(f))
		st_fail("write %s to %s: %s", value, path, strerror(errno));
}

/* Fail PERCENT % of the calls of each point, silently; 0 turns them off. */
static void faults(int percent)
{
	char path[256], value[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_points); i++) {
		snprintf(path, sizeof(path), FAULTS "/%s/verbose", fault_points[i]);
		write_file(path, "0");
		snprintf(path, sizeof(path), FAULTS "/%s/times", fault_points[i]);
		write_file(path, "-1");
		snprintf(path, sizeof(path), FAULTS "/%s/interval", fault_points[i]);
		write_file(path, "1");
		snprintf(path, sizeof(path), FAULTS "/%s/probability",
			 fault_points[i]);
		snprintf(value, sizeof(value), "%d", percent);
		write_file(path, value);
	}
}

static uint64_t rng = 0x5eed;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fill until it takes: an injected failure leaves the content undefined. */
static void fill(int fd, struct soak *s, struct vttm_bo *bo)
{
	int i, ret;

	for (i = 0; i < RETRIES; i++) {
		ret = vttm_try_fill(fd, bo, vttm_new_seed());
		if (!ret)
			return;
		if (ret != ENOMEM)
			st_fail("fill bo %u: %s", bo->handle, strerror(ret));
		s->failed_fills++;
	}
	st_fail("fill bo %u: still ENOMEM after %d tries", bo->handle, RETRIES);
}

/* Read back and check; an injected restore failure is retried. */
static void verify(int fd, struct soak *s, const struct vttm_bo *bo)
{
	int i, ret;

	for (i = 0; i < RETRIES; i++) {
		ret = vttm_try_verify(fd, bo, "soak");
		if (!ret)
			return;
		if (ret != ENOMEM)
			st_fail("read bo %u: %s", bo->handle, strerror(ret));
		s->retries++;
	}
	st_fail("lost: bo %u of %" PRIu64 " pages still unreadable after %d tries",
		bo->handle, bo->size / PAGE, RETRIES);
}

static void worker(int fd, struct soak *s)
{
	uint64_t next_check = 0;
	int i, ret;

	vttm_prefault();
	/* UML's copy_to_user does not dirty the page: keep ours resident. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		st_fail("mlockall: %s", strerror(errno));
	for (i = 0; i < NR_BOS; i++) {
		for (ret = ENOMEM; ret == ENOMEM; )
			ret = vttm_create_raw(fd, (uint64_t)sizes[i % 4] * PAGE, 0,
					      &s->bos[i].handle);
		if (ret)
			st_fail("create: %s", strerror(ret));
		s->bos[i].size = (uint64_t)sizes[i % 4] * PAGE;
		fill(fd, s, &s->bos[i]);
	}
	while (s->restored < s->target) {
		struct vttm_bo *bo = &s->bos[rnd() % NR_BOS];

		verify(fd, s, bo);
		if (rnd() % 4 == 0)
			fill(fd, s, bo);
		s->ops++;
		if (s->ops >= next_check) {
			s->restored = gm_stat(CG, "restored_total") / PAGE;
			next_check = s->ops + 64;
		}
	}
}

int main(int argc, char **argv)
{
	struct soak *s = st_shared(sizeof(*s));
	uint64_t t0 = st_now_ms(), backed_up;
	int fd, i, percent = 1;
	struct stat st;
	pid_t pid;

	/* UML's init gets the kernel's leftover parameters after ours. */
	s->target = 4096;
	if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9')
		s->target = strtoull(argv[1], NULL, 10);
	if (argc > 2 && argv[2][0] >= '0' && argv[2][0] <= '9')
		percent = atoi(argv[2]);
	if (!s->target)
		st_fail("usage: vttm-soak [PAGES [PERCENT]]");
	if (stat(FAULTS, &st) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		st_fail("mount debugfs: %s", strerror(errno));
	vttm_load();
	if (stat(FAULTS "/backup_page_fail", &st))
		st_fail(FAULTS "/backup_page_fail: %s (CONFIG_FAULT_INJECTION_DEBUG_FS?)",
			strerror(errno));
	fd = vttm_open();
	cg_create(CG);
	cg_write(CG, "memory.max", CG_MAX);
	faults(percent);

	pid = st_fork(CG);
	if (!pid) {
		worker(fd, s);
		exit(0);
	}
	st_wait(pid, "the soak worker");
	faults(0);
	backed_up = gm_stat(CG, "backed_up_total") / PAGE;

	/* Without faults, every page once more, then nothing left behind. */
	for (i = 0; i < NR_BOS; i++)
		vttm_verify(fd, &s->bos[i], "soak, faults off");
	vttm_close_all(fd, s->bos, NR_BOS);
	cg_expect_key(CG, "memory.stat", "gpu", 0);
	gm_expect_eq("the soak cgroup's backup at the end", gm_stat(CG, "backup"), 0);
	gm_expect_eq("the soak cgroup's purgeable at the end",
		     gm_stat(CG, "purgeable"), 0);
	close(fd);
	cg_remove(CG);
	printf("soak: %" PRIu64 " pages made the round trip (%" PRIu64 " backed up) "
	       "in %" PRIu64 " reads and writes of %d bos of 1..512 pages, in %.0f s; "
	       "faults at %d %%: %" PRIu64 " reads and %" PRIu64 " fills retried; "
	       "0 corrupt, 0 lost; gpu, backup and purgeable back to 0\n",
	       s->restored, backed_up, s->ops, NR_BOS,
	       (st_now_ms() - t0) / 1e3, percent, s->retries, s->failed_fills);
	st_ok("soak of %" PRIu64 " pages: 0 corrupt, 0 lost, all charges back to 0",
	      s->restored);
	return 0;
}
