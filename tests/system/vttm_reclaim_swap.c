// SPDX-License-Identifier: GPL-2.0
/*
 * With swap, a cgroup whose buffer objects outgrow its memory.max backs its
 * own older ones up to make room, and no more than that: every write
 * succeeds, the buffer objects left resident fill what the limit leaves
 * within 10 %, the content comes back byte-identical, and the buffer
 * objects of a cgroup without a limit are never touched. memory.reclaim of
 * half of them frees that half within 10 %.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define A_LIMIT (32 * MiB)
#define BO_SIZE (4 * MiB)
#define A_BOS 16	/* 64 MiB: twice A's limit */
#define B_BOS 4		/* 16 MiB, B has no limit */

/* Written by the workers, read by the main process: it shares their fd. */
struct table {
	struct vttm_bo a[A_BOS];
	struct vttm_bo b[B_BOS];
};

/* Every one of B's buffer objects is all in memory. */
static void check_b(int fd, const struct table *t, const char *when)
{
	struct drm_vttm_bo_info info;
	int i;

	for (i = 0; i < B_BOS; i++) {
		vttm_info(fd, &t->b[i], &info);
		if (info.resident != BO_SIZE || info.backed_up)
			st_fail("%s: B's buffer object %d has %" PRIu64 " bytes resident, %"
				PRIu64 " backed up; want all resident", when, i,
				(uint64_t)info.resident, (uint64_t)info.backed_up);
	}
}

/*
 * Every one of A's first N buffer objects is whole, in memory or in backup,
 * and A's resident bytes stay within its limit. Returns them; the bytes in
 * backup are left in *BACKED_UP.
 */
static uint64_t check_a(int fd, const struct table *t, int n, uint64_t *backed_up)
{
	struct drm_vttm_bo_info info;
	uint64_t resident = 0;
	int i;

	*backed_up = 0;
	for (i = 0; i < n; i++) {
		vttm_info(fd, &t->a[i], &info);
		if (info.resident + info.backed_up != BO_SIZE)
			st_fail("A's buffer object %d: %" PRIu64 " bytes resident + %" PRIu64
				" backed up, want %" PRIu64 " in all", i, (uint64_t)info.resident,
				(uint64_t)info.backed_up, BO_SIZE);
		resident += info.resident;
		*backed_up += info.backed_up;
	}
	if (resident > A_LIMIT)
		st_fail("A has %" PRIu64 " bytes of buffer objects resident, over its limit",
			resident);
	return resident;
}

/* Within 10 % of WANT. */
static bool near(uint64_t got, uint64_t want)
{
	return got * 10 >= want * 9 && got * 10 <= want * 11;
}

/*
 * The buffer objects A left resident fill what its limit leaves them within
 * 10 %: as many whole buffer objects as fit in the limit less A's other
 * memory. A's reclaim backed up what it needed, not more.
 */
static void expect_precise_fill(uint64_t resident)
{
	uint64_t current = cg_read_u64("A", "memory.current");
	uint64_t gpu = cg_read_key("A", "memory.stat", "gpu");
	uint64_t left = (A_LIMIT - (current - gpu)) / BO_SIZE * BO_SIZE;

	if (!near(resident, left))
		st_fail("A's resident buffer objects hold %" PRIu64 " KiB, not within 10 %% "
			"of the %" PRIu64 " KiB its limit leaves them (memory.current %"
			PRIu64 " KiB, gpu %" PRIu64 " KiB)", resident / KiB, left / KiB,
			current / KiB, gpu / KiB);
	st_ok("A's resident buffer objects hold %" PRIu64 " KiB of the %" PRIu64
	      " KiB its limit leaves them", resident / KiB, left / KiB);
}

/*
 * Without a limit, with all of A's buffer objects back in memory,
 * memory.reclaim of half of them frees half of them within 10 %: by
 * memory.current and by A's gpu.
 */
static void expect_precise_reclaim(int fd, const struct table *t)
{
	const uint64_t half = A_BOS * BO_SIZE / 2;
	uint64_t current, gpu, current_drop, gpu_drop;
	char value[32];
	int i;

	cg_write("A", "memory.max", "max");
	for (i = 0; i < A_BOS; i++)
		vttm_verify(fd, &t->a[i], "A's, all back in memory");
	cg_expect_key("A", "memory.stat", "gpu", A_BOS * BO_SIZE);
	current = cg_read_u64("A", "memory.current");
	gpu = cg_read_key("A", "memory.stat", "gpu");
	snprintf(value, sizeof(value), "%" PRIu64, half);
	cg_write("A", "memory.reclaim", value);
	current_drop = current - cg_read_u64("A", "memory.current");
	gpu_drop = gpu - cg_read_key("A", "memory.stat", "gpu");
	if (!near(current_drop, half) || !near(gpu_drop, half))
		st_fail("memory.reclaim of %" PRIu64 " KiB: memory.current dropped by %"
			PRIu64 " KiB, A's gpu by %" PRIu64 " KiB; want both within 10 %%",
			half / KiB, current_drop / KiB, gpu_drop / KiB);
	st_ok("memory.reclaim of %" PRIu64 " KiB: memory.current dropped by %" PRIu64
	      " KiB, A's gpu by %" PRIu64 " KiB", half / KiB, current_drop / KiB,
	      gpu_drop / KiB);
	for (i = 0; i < A_BOS; i++)
		vttm_verify(fd, &t->a[i], "A's, after memory.reclaim");
}

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	uint64_t resident, backed_up, max_events;
	pid_t pid;
	int fd, i;

	vttm_load();
	cg_create("A");
	cg_create("B");
	cg_write("A", "memory.max", "32M");
	fd = vttm_open();

	vttm_create_filled_in("B", fd, t->b, B_BOS, BO_SIZE);
	st_ok("B holds %d MiB of buffer objects", (int)(B_BOS * BO_SIZE / MiB));

	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		for (i = 0; i < A_BOS; i++) {
			vttm_create(fd, &t->a[i], BO_SIZE);
			vttm_fill(fd, &t->a[i]);
			check_a(fd, t, i + 1, &backed_up);
			check_b(fd, t, "while A fills");
		}
		exit(0);
	}
	st_wait(pid, "the creator in A");

	resident = check_a(fd, t, A_BOS, &backed_up);
	if (backed_up < A_BOS * BO_SIZE - A_LIMIT)
		st_fail("only %" PRIu64 " bytes of A's are backed up", backed_up);
	expect_precise_fill(resident);
	cg_expect_key("A", "memory.stat", "gpu", resident);
	max_events = cg_read_key("A", "memory.events", "max");
	if (!max_events)
		st_fail("A's memory.events max is 0");
	st_ok("A filled %d MiB under a 32 MiB limit: %" PRIu64 " bytes resident (A's gpu), %"
	      PRIu64 " backed up, memory.events max %" PRIu64 "; B's all resident",
	      (int)(A_BOS * BO_SIZE / MiB), resident, backed_up, max_events);

	/*
	 * A's reads restore its backed-up objects, backing up others of A's
	 * (a read from outside A would be charged past A's limit instead).
	 */
	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		for (i = 0; i < A_BOS; i++) {
			vttm_verify(fd, &t->a[i], "A's, after backup");
			check_a(fd, t, A_BOS, &backed_up);
			check_b(fd, t, "while A's are read back");
		}
		exit(0);
	}
	st_wait(pid, "A, reading its own back");
	for (i = 0; i < B_BOS; i++)
		vttm_verify(fd, &t->b[i], "B's");
	cg_expect_key("B", "memory.stat", "gpu", B_BOS * BO_SIZE);
	st_ok("every buffer object of A's and B's reads back identical; B's never backed up");

	expect_precise_reclaim(fd, t);

	vttm_close_all(fd, t->a, A_BOS);
	vttm_close_all(fd, t->b, B_BOS);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	cg_expect_key("B", "memory.stat", "gpu", 0);
	st_ok("all destroyed: A's and B's gpu back to 0");
	close(fd);
	cg_remove("A");
	cg_remove("B");
	return 0;
}
