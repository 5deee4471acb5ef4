// SPDX-License-Identifier: GPL-2.0
/*
 * A cgroup at its memory.max drops its buffer objects marked DONTNEED before
 * it backs up any other, even with swap to back up to: the purged ones
 * report retained=0 and read as zeroes, the others stay resident and intact.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define A_LIMIT (32 * MiB)
#define BO_SIZE (4 * MiB)
#define D_BOS 4		/* 16 MiB marked DONTNEED */
#define N1_BOS 2	/* 8 MiB filled before the limit is reached */
#define N_BOS 7		/* then 20 MiB more: 28 MiB of normal ones */
/*
 * Why 28 MiB of normal ones (where 24 would do to cause pressure): with A's
 * own memory P (the worker process, under 3 MiB), 28 MiB + P fits in 32 MiB,
 * so no normal buffer object needs a backup; 28 MiB + 4 MiB + P does not, so
 * no DONTNEED one of 4 MiB can be left: every one must have been purged.
 */

struct table {
	uint64_t base;	/* A's memory.current before any buffer object */
	struct vttm_bo d[D_BOS];
	struct vttm_bo n[N_BOS];
};

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	pid_t pid;
	int fd, i;

	vttm_load();
	cg_create("A");
	cg_write("A", "memory.max", "32M");
	fd = vttm_open();

	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		t->base = cg_read_u64("A", "memory.current");
		vttm_create_purgeable(fd, t->d, D_BOS, BO_SIZE);
		vttm_create_filled(fd, t->n, N_BOS, BO_SIZE);
		exit(0);
	}
	st_wait(pid, "the creator in A");
	if (t->base >= 3 * MiB)
		st_fail("A's worker takes %" PRIu64 " bytes: this test's figures need under 3 MiB",
			t->base);
	st_ok("A filled %d MiB DONTNEED, %d MiB normal, then %d MiB more (own memory %"
	      PRIu64 " KiB)", (int)(D_BOS * BO_SIZE / MiB), (int)(N1_BOS * BO_SIZE / MiB),
	      (int)((N_BOS - N1_BOS) * BO_SIZE / MiB), t->base / KiB);

	for (i = 0; i < D_BOS; i++)
		vttm_expect_info(fd, &t->d[i], "a DONTNEED buffer object",
			    DRM_VTTM_BO_PURGEABLE | DRM_VTTM_BO_PURGED, 0);
	for (i = 0; i < N_BOS; i++)
		vttm_expect_info(fd, &t->n[i], "a normal buffer object", 0, BO_SIZE);
	cg_expect_key("A", "memory.stat", "gpu", N_BOS * BO_SIZE);
	if (!cg_read_key("A", "memory.events", "max"))
		st_fail("A's memory.events max is 0");
	st_ok("every DONTNEED buffer object purged, no normal one backed up; A's gpu %" PRIu64,
	      N_BOS * BO_SIZE);

	for (i = 0; i < D_BOS; i++) {
		if (vttm_madvise(fd, &t->d[i], DRM_VTTM_MADV_WILLNEED))
			st_fail("a purged buffer object reports retained=1 on WILLNEED");
		vttm_expect_info(fd, &t->d[i], "a purged one marked WILLNEED", 0, 0);
		t->d[i].seed = 0;
	}
	for (i = 0; i < N_BOS; i++)
		vttm_verify(fd, &t->n[i], "a normal buffer object");
	st_ok("WILLNEED reports retained=0 for the purged ones; the normal ones are identical");

	/*
	 * Reading the purged ones needs memory again: make room first, and
	 * wait for it (a buffer object's pages may be freed by a worker).
	 */
	vttm_close_all(fd, t->n, N_BOS);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	for (i = 0; i < D_BOS; i++) {
		vttm_verify(fd, &t->d[i], "a purged buffer object");
		vttm_close(fd, &t->d[i]);
	}
	cg_expect_key("A", "memory.stat", "gpu", 0);
	st_ok("the purged ones read as zeroes; all destroyed, A's gpu back to 0");
	close(fd);
	cg_remove("A");
	return 0;
}
