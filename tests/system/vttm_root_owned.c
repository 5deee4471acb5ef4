// SPDX-License-Identifier: GPL-2.0
/*
 * The backup of a bo that no cgroup owns (created by a task in the root
 * cgroup) is charged to the root, never to the task that reclaims it: a
 * task in cgroup R (memory.max 64M) runs `gpumemctl reclaim /` over 16 MiB
 * of the root's bos, which are backed up to swap; R's memory.current,
 * shmem and memory.swap.current stay as they were, and the bos read back
 * intact.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define NR 4
#define BO_SIZE (4 * MiB)

int main(void)
{
	struct vttm_bo bos[NR];
	struct drm_vttm_bo_info info;
	uint64_t resident = 0, current;
	pid_t pid;
	int fd, i;

	vttm_load();
	fd = vttm_open();
	vttm_create_filled(fd, bos, NR, BO_SIZE);
	cg_create("R");
	cg_write("R", "memory.max", "64M");

	pid = st_fork("R");
	if (!pid) {
		current = cg_read_u64("R", "memory.current");
		gm_ok("reclaim / 16M");
		if (cg_read_u64("R", "memory.swap.current"))
			st_fail("R was charged %" PRIu64 " bytes of swap for the root's backups",
				cg_read_u64("R", "memory.swap.current"));
		if (cg_read_key("R", "memory.stat", "shmem"))
			st_fail("R was charged %" PRIu64 " bytes of shmem for the root's backups",
				cg_read_key("R", "memory.stat", "shmem"));
		cg_expect_current("R", current, 0);
		exit(0);
	}
	st_wait(pid, "the reclaimer in R");
	for (i = 0; i < NR; i++) {
		vttm_info(fd, &bos[i], &info);
		resident += info.resident;
	}
	if (resident > NR * BO_SIZE - 16 * MiB)
		st_fail("%" PRIu64 " KiB of the root's bos still resident, want at most %"
			PRIu64, resident / KiB, (NR * BO_SIZE - 16 * MiB) / KiB);
	st_ok("a task in R backed up %" PRIu64 " KiB of the root's bos: nothing charged to R "
	      "(memory.current, shmem, memory.swap.current)",
	      (NR * BO_SIZE - resident) / KiB);
	for (i = 0; i < NR; i++)
		vttm_verify(fd, &bos[i], "the root's bo after its backup");
	st_ok("the root's bos read back intact");
	vttm_close_all(fd, bos, NR);
	close(fd);
	cg_remove("R");
	return 0;
}
