// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim of the whole machine reaches every cgroup's buffer objects: two
 * cgroups without limits fill more buffer objects between them than the
 * guest has memory, so kswapd and direct reclaim back up some of each
 * cgroup's (through the cgroups' own lists), and everything reads back
 * identical.
 */
#include <inttypes.h>
#include <stdint.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 * MiB)
#define BOS_PER_CGROUP 40	/* 160 MiB each, 320 MiB in a 256 MiB guest */

static const char *const cgroups[] = { "A", "B" };

struct table {
	struct vttm_bo bo[2][BOS_PER_CGROUP];
};

static uint64_t backed_up_of(int fd, const struct vttm_bo *bos)
{
	struct drm_vttm_bo_info info;
	uint64_t sum = 0;
	int i;

	for (i = 0; i < BOS_PER_CGROUP; i++) {
		vttm_info(fd, &bos[i], &info);
		if (info.resident + info.backed_up != BO_SIZE)
			st_fail("buffer object %d: %" PRIu64 " resident + %" PRIu64
				" backed up, want %" PRIu64, i, (uint64_t)info.resident,
				(uint64_t)info.backed_up, (uint64_t)BO_SIZE);
		sum += info.backed_up;
	}
	return sum;
}

int main(void)
{
	struct table *t;
	uint64_t backed_up[2];
	pid_t pid;
	int c, i, fd;

	cg_write("", "cgroup.subtree_control", "+memory");
	vttm_load();
	fd = vttm_open();
	t = st_shared(sizeof(*t));

	/* Each cgroup's worker creates and fills its half, interleaved. */
	for (i = 0; i < BOS_PER_CGROUP; i++) {
		for (c = 0; c < 2; c++) {
			if (!i)
				cg_create(cgroups[c]);
			pid = st_fork(cgroups[c]);
			if (!pid) {
				vttm_create(fd, &t->bo[c][i], BO_SIZE);
				vttm_fill(fd, &t->bo[c][i]);
				_exit(0);
			}
			st_wait(pid, cgroups[c]);
		}
	}

	for (c = 0; c < 2; c++)
		backed_up[c] = backed_up_of(fd, t->bo[c]);
	if (!backed_up[0] || !backed_up[1])
		st_fail("global reclaim backed up %" PRIu64 " bytes of A's and %" PRIu64
			" of B's; want some of each", backed_up[0], backed_up[1]);
	st_ok("A and B filled %d MiB each in a 256 MiB guest: %" PRIu64 " MiB of A's and %"
	      PRIu64 " MiB of B's backed up", BOS_PER_CGROUP * 4, backed_up[0] >> 20,
	      backed_up[1] >> 20);

	for (c = 0; c < 2; c++)
		for (i = 0; i < BOS_PER_CGROUP; i++)
			vttm_verify(fd, &t->bo[c][i], cgroups[c]);
	st_ok("every buffer object reads back identical");

	for (c = 0; c < 2; c++) {
		for (i = 0; i < BOS_PER_CGROUP; i++)
			vttm_close(fd, &t->bo[c][i]);
		cg_expect_key(cgroups[c], "memory.stat", "gpu", 0);
	}
	close(fd);
	st_ok("all destroyed: gpu back to 0");
	return 0;
}
