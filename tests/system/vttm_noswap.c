// SPDX-License-Identifier: GPL-2.0
/*
 * Without swap, a cgroup at its memory.max can only drop its DONTNEED buffer
 * objects; once they are gone, writing a new one fails with ENOMEM: no OOM
 * kill, the buffer objects it had stay intact, and another cgroup's are not
 * touched.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define A_LIMIT (32 * MiB)
#define BO_SIZE (4 * MiB)
#define B_BOS 2		/* 8 MiB in B, which has no limit */
#define D_BOS 2		/* 8 MiB DONTNEED in A */
#define N_BOS 4		/* 16 MiB normal in A */
#define X_MAX 8		/* at most this many more, until one fails */
/*
 * With A's own memory P (under 3 MiB), 16 MiB + 3 x 4 MiB + P fits in A's
 * 32 MiB once the DONTNEED ones are gone, and a fourth 4 MiB does not: the
 * fourth extra write must fail, and only after every DONTNEED one was
 * purged (a single one left would not fit beside the third).
 */
#define X_FIT 3

struct table {
	uint64_t base;	/* A's memory.current before any buffer object */
	int nr_x;	/* extra ones filled */
	int err;	/* errno of the write that failed */
	struct vttm_bo b[B_BOS];
	struct vttm_bo d[D_BOS];
	struct vttm_bo n[N_BOS];
	struct vttm_bo x[X_MAX + 1];
};

/*
 * Runs in A. At the limit without swap, nothing of this process can be
 * reclaimed, and a page fault would invoke the OOM killer: so after the
 * baseline it touches no new memory (results go to the shared table, which
 * the main process has touched) and prints nothing.
 */
static void creator(int fd, struct table *t)
{
	int i, ret;

	vttm_prefault();
	t->base = cg_read_u64("A", "memory.current");
	vttm_create_purgeable(fd, t->d, D_BOS, BO_SIZE);
	vttm_create_filled(fd, t->n, N_BOS, BO_SIZE);
	for (i = 0; i <= X_MAX; i++) {
		vttm_create(fd, &t->x[i], BO_SIZE);
		ret = vttm_try_fill(fd, &t->x[i], vttm_new_seed());
		if (ret) {
			t->err = ret;
			return;
		}
		t->nr_x++;
	}
}

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	struct vttm_bo *failed;
	uint64_t oom_kills;
	uint32_t purged = DRM_VTTM_BO_PURGEABLE | DRM_VTTM_BO_PURGED;
	pid_t pid;
	int fd, i;

	vttm_load();
	cg_create("A");
	cg_create("B");
	cg_write("A", "memory.max", "32M");
	fd = vttm_open();

	vttm_create_filled_in("B", fd, t->b, B_BOS, BO_SIZE);

	pid = st_fork("A");
	if (!pid) {
		creator(fd, t);
		exit(0);
	}
	st_wait(pid, "the creator in A");
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
	oom_kills = cg_read_key("A", "memory.events", "oom_kill");
	if (oom_kills)
		st_fail("A's memory.events oom_kill is %" PRIu64, oom_kills);
	if (!cg_read_key("A", "memory.events", "max"))
		st_fail("A's memory.events max is 0");
	st_ok("A: 8 MiB DONTNEED, 16 MiB normal and %d x 4 MiB more filled, the next write "
	      "failed with ENOMEM, no OOM kill (own memory %" PRIu64 " KiB)",
	      t->nr_x, t->base / KiB);

	failed = &t->x[t->nr_x];
	vttm_expect_info(fd, failed, "the buffer object whose write failed", 0, 0);
	vttm_close(fd, failed);
	for (i = 0; i < D_BOS; i++)
		vttm_expect_info(fd, &t->d[i], "a DONTNEED buffer object", purged, 0);
	cg_expect_key("A", "memory.stat", "gpu", (N_BOS + X_FIT) * BO_SIZE);
	for (i = 0; i < D_BOS; i++) {
		if (vttm_madvise(fd, &t->d[i], DRM_VTTM_MADV_WILLNEED))
			st_fail("a purged buffer object reports retained=1 on WILLNEED");
		t->d[i].seed = 0;
	}
	for (i = 0; i < N_BOS; i++) {
		vttm_expect_info(fd, &t->n[i], "a normal buffer object of A's", 0, BO_SIZE);
		vttm_verify(fd, &t->n[i], "a normal buffer object of A's");
	}
	for (i = 0; i < X_FIT; i++) {
		vttm_expect_info(fd, &t->x[i], "an extra buffer object of A's", 0, BO_SIZE);
		vttm_verify(fd, &t->x[i], "an extra buffer object of A's");
	}
	st_ok("A's DONTNEED ones were purged (retained=0), the failed one has no pages, "
	      "the others are resident and identical; A's gpu %" PRIu64,
	      (N_BOS + X_FIT) * BO_SIZE);

	for (i = 0; i < B_BOS; i++) {
		vttm_expect_info(fd, &t->b[i], "a buffer object of B's", 0, BO_SIZE);
		vttm_verify(fd, &t->b[i], "a buffer object of B's");
	}
	cg_expect_key("B", "memory.stat", "gpu", B_BOS * BO_SIZE);
	st_ok("B's buffer objects untouched: resident, identical, B's gpu %" PRIu64,
	      B_BOS * BO_SIZE);

	/*
	 * Reading the purged ones needs memory again: make room first, and
	 * wait for it (a buffer object's pages may be freed by a worker).
	 */
	vttm_close_all(fd, t->n, N_BOS);
	vttm_close_all(fd, t->x, X_FIT);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	for (i = 0; i < D_BOS; i++) {
		vttm_verify(fd, &t->d[i], "a purged buffer object");
		vttm_close(fd, &t->d[i]);
	}
	vttm_close_all(fd, t->b, B_BOS);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	cg_expect_key("B", "memory.stat", "gpu", 0);
	st_ok("the purged ones read as zeroes; all destroyed, gpu back to 0");
	close(fd);
	cg_remove("A");
	cg_remove("B");
	return 0;
}
