// SPDX-License-Identifier: GPL-2.0
/*
 * A cgroup with memory.swap.max=0 on a machine that has swap: at its
 * memory.max, reclaim drops its buffer objects marked DONTNEED and backs up
 * nothing, because a backup could never leave memory (its shmem copy cannot
 * go to swap the cgroup may not use). Every buffer object reports 0 bytes
 * backed up, the cgroup's memory.stat shmem does not grow, gpumem's backup
 * and backed-up total stay 0, a write that no longer fits fails with ENOMEM
 * (no OOM kill), and the normal buffer objects read back intact. Proactive
 * reclaim (`gpumemctl reclaim`) of the cgroup purges too and backs up
 * nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 * MiB)
#define D_BOS 2		/* 8 MiB DONTNEED */
#define N_BOS 4		/* 16 MiB normal */
#define X_MAX 8		/* at most this many more, until one fails */
/*
 * As in vttm-noswap: with A's own memory P (under 3 MiB), 16 MiB + 3 x 4 MiB
 * + P fits in A's 32 MiB once the DONTNEED ones are gone, and a fourth 4 MiB
 * does not; so the fourth extra write must fail, unless reclaim made room by
 * backing up a normal buffer object, which it must not.
 */
#define X_FIT 3

struct table {
	uint64_t base;	/* A's memory.current before any buffer object */
	uint64_t shmem;	/* A's memory.stat shmem when it was created */
	int nr_n;	/* normal ones created and filled */
	int nr_x;	/* extra ones filled */
	int nr_created;	/* extra ones created (the last may have failed) */
	int err;	/* errno of the write that failed */
	struct vttm_bo d[D_BOS];
	struct vttm_bo n[N_BOS];
	struct vttm_bo x[X_MAX + 1];
};

/*
 * Runs in A, which can swap nothing: a page fault at the limit would invoke
 * the OOM killer. So after the baseline it touches no new memory (results
 * go to the shared table) and prints nothing.
 */
static void creator(int fd, struct table *t)
{
	int i, ret;

	vttm_prefault();
	t->base = cg_read_u64("A", "memory.current");
	vttm_create_purgeable(fd, t->d, D_BOS, BO_SIZE);
	for (i = 0; i < N_BOS; i++) {
		vttm_create(fd, &t->n[i], BO_SIZE);
		vttm_fill(fd, &t->n[i]);
		t->nr_n++;
	}
	for (i = 0; i <= X_MAX; i++) {
		vttm_create(fd, &t->x[i], BO_SIZE);
		t->nr_created++;
		ret = vttm_try_fill(fd, &t->x[i], vttm_new_seed());
		if (ret) {
			t->err = ret;
			return;
		}
		t->nr_x++;
	}
}

/*
 * The bytes A's buffer objects hold in backup, by the device's own view;
 * *NR is set to how many of them hold any.
 */
static uint64_t device_backed_up(int fd, struct table *t, int *nr)
{
	struct drm_vttm_bo_info info;
	uint64_t sum = 0;
	int i;

	*nr = 0;
	for (i = 0; i < D_BOS + t->nr_n + t->nr_created; i++) {
		const struct vttm_bo *bo = i < D_BOS ? &t->d[i] :
			i < D_BOS + t->nr_n ? &t->n[i - D_BOS] :
			&t->x[i - D_BOS - t->nr_n];

		vttm_info(fd, bo, &info);
		sum += info.backed_up;
		*nr += !!info.backed_up;
	}
	return sum;
}

/*
 * Nothing of A's went to backup: not in the device's view, not in gpumem's
 * statistics, not as shmem charged to A. WHEN says at which point.
 */
static void expect_no_backup(int fd, struct table *t, const char *when)
{
	uint64_t backed_up, shmem;
	int nr;

	backed_up = device_backed_up(fd, t, &nr);
	if (backed_up)
		st_fail("%s: %d of A's buffer objects hold %" PRIu64 " KiB in backup "
			"(memory.swap.max=0, shmem %" PRIu64 " KiB, swap.current %" PRIu64
			" KiB); want none backed up", when, nr, backed_up / KiB,
			cg_read_key("A", "memory.stat", "shmem") / KiB,
			cg_read_u64("A", "memory.swap.current") / KiB);
	gm_expect_eq("A's gpumem backup", gm_stat("A", "backup"), 0);
	gm_expect_eq("A's gpumem backed-up total", gm_stat("A", "backed_up_total"), 0);
	shmem = cg_poll_key("A", "memory.stat", "shmem", t->shmem);
	if (shmem != t->shmem)
		st_fail("%s: A's memory.stat shmem is %" PRIu64 " KiB, was %" PRIu64
			" KiB before its buffer objects", when, shmem / KiB,
			t->shmem / KiB);
	st_ok("%s: no buffer object of A's backed up, gpumem backup and backed-up "
	      "total 0, A's shmem %" PRIu64 " KiB as before", when, shmem / KiB);
}

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	uint32_t purged = DRM_VTTM_BO_PURGEABLE | DRM_VTTM_BO_PURGED;
	struct vttm_bo *failed;
	struct sysinfo si;
	uint64_t oom_kills;
	int fd, i, status;
	pid_t pid;

	if (sysinfo(&si) || !si.totalswap)
		st_fail("the guest has no swap: this test needs some (tests/system/meson.build)");
	vttm_load();
	cg_create("A");
	cg_write("A", "memory.max", "32M");
	cg_write("A", "memory.swap.max", "0");
	t->shmem = cg_read_key("A", "memory.stat", "shmem");
	fd = vttm_open();

	pid = st_fork("A");
	if (!pid) {
		creator(fd, t);
		exit(0);
	}
	/* The figures first: they say more than how the creator ended. */
	if (waitpid(pid, &status, 0) != pid)
		st_fail("waitpid: %s", strerror(errno));
	printf("A (memory.max 32M, memory.swap.max 0, %" PRIu64 " MiB of swap in the guest): "
	       "%d MiB DONTNEED, %d MiB normal, %d x 4 MiB more filled; the next write: %s\n",
	       (uint64_t)si.totalswap * si.mem_unit / MiB, (int)(D_BOS * BO_SIZE / MiB),
	       (int)(t->nr_n * BO_SIZE / MiB), t->nr_x,
	       t->err ? strerror(t->err) : "none failed");
	expect_no_backup(fd, t, "at memory.max");
	oom_kills = cg_read_key("A", "memory.events", "oom_kill");
	if (oom_kills)
		st_fail("A's memory.events oom_kill is %" PRIu64, oom_kills);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("the creator in A failed (status %#x)", status);
	if (t->base >= 3 * MiB)
		st_fail("A's worker takes %" PRIu64 " bytes: this test's figures need under 3 MiB",
			t->base);
	if (!t->err)
		st_fail("A filled %d more buffer objects of 4 MiB over its limit, none failed",
			t->nr_x);
	if (t->err != ENOMEM)
		st_fail("the write over A's limit failed with %s, want ENOMEM",
			strerror(t->err));
	if (t->nr_x != X_FIT)
		st_fail("A filled %d more buffer objects before one failed, want %d (own memory %"
			PRIu64 " KiB)", t->nr_x, X_FIT, t->base / KiB);
	st_ok("A: the write of extra buffer object %d failed with ENOMEM, no OOM kill "
	      "(own memory %" PRIu64 " KiB)", t->nr_x + 1, t->base / KiB);

	failed = &t->x[t->nr_x];
	vttm_expect_info(fd, failed, "the buffer object whose write failed", 0, 0);
	vttm_close(fd, failed);
	t->nr_created--;
	for (i = 0; i < D_BOS; i++)
		vttm_expect_info(fd, &t->d[i], "a DONTNEED buffer object", purged, 0);
	gm_expect_eq("A's purged total", gm_stat("A", "purged_total"), D_BOS * BO_SIZE);
	for (i = 0; i < N_BOS; i++) {
		vttm_expect_info(fd, &t->n[i], "a normal buffer object of A's", 0, BO_SIZE);
		vttm_verify(fd, &t->n[i], "a normal buffer object of A's");
	}
	for (i = 0; i < X_FIT; i++) {
		vttm_expect_info(fd, &t->x[i], "an extra buffer object of A's", 0, BO_SIZE);
		vttm_verify(fd, &t->x[i], "an extra buffer object of A's");
	}
	cg_expect_key("A", "memory.stat", "gpu", (N_BOS + X_FIT) * BO_SIZE);
	st_ok("the DONTNEED ones were purged (gpumem purged total %d MiB), the others are "
	      "resident and identical; A's gpu %d MiB", (int)(D_BOS * BO_SIZE / MiB),
	      (int)((N_BOS + X_FIT) * BO_SIZE / MiB));

	/*
	 * Proactive reclaim of more than A can purge: it purges the one
	 * marked DONTNEED now and backs up none of the others.
	 */
	if (!vttm_madvise(fd, &t->n[0], DRM_VTTM_MADV_DONTNEED))
		st_fail("a resident buffer object was not retained");
	gm_reclaim("A", 4 * BO_SIZE, BO_SIZE, 0);
	vttm_expect_info(fd, &t->n[0], "the one marked DONTNEED, after reclaim", purged, 0);
	expect_no_backup(fd, t, "after gpumemctl reclaim");
	for (i = 1; i < N_BOS; i++)
		vttm_verify(fd, &t->n[i], "a normal buffer object of A's, after reclaim");
	for (i = 0; i < X_FIT; i++)
		vttm_verify(fd, &t->x[i], "an extra buffer object of A's, after reclaim");
	st_ok("after gpumemctl reclaim the normal ones are resident and identical");

	vttm_close_all(fd, t->d, D_BOS);
	vttm_close_all(fd, t->n, N_BOS);
	vttm_close_all(fd, t->x, X_FIT);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	gm_expect_eq("A's gpumem backup after destroying all", gm_stat("A", "backup"), 0);
	st_ok("all destroyed: A's gpu and backup back to 0");
	close(fd);
	cg_remove("A");
	return 0;
}
