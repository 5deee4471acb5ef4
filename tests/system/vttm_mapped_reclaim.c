// SPDX-License-Identifier: GPL-2.0
/*
 * Bos under reclaim while a process keeps them mapped and faults them:
 * a process in A maps four 4 MiB bos and, for 10 s, writes and checks one
 * word per page in turn, while the main process (another cgroup) backs A's
 * bos up (memory.reclaim of A) and purges A's DONTNEED ones (gpumemctl
 * reclaim) every 100 ms, which unmaps them from the process's mappings.
 * Every word reads back what was last written there, the bos read back
 * intact at the end, and the kernel log stays clean (UML's flush_tlb_mm()
 * used to walk the process's VMAs without its mmap lock here: "suspicious
 * RCU usage").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define NR 4
#define NP 2		/* purgeable bos, not mapped */
#define BO_SIZE (4 * MiB)
#define RUN_MS 10000

struct shared {
	struct vttm_bo bos[NR];
	struct vttm_bo purgeable[NP];
	volatile int done;
	uint64_t rounds;
};

static void faulter(int fd, struct shared *sh)
{
	uint64_t *maps[NR];
	size_t words = BO_SIZE / 8, stride = 4096 / 8, i;
	uint64_t round = 0;
	int b;

	for (b = 0; b < NR; b++)
		maps[b] = vttm_map(fd, &sh->bos[b], PROT_READ | PROT_WRITE);
	while (!sh->done) {
		round++;
		for (b = 0; b < NR; b++) {
			for (i = 0; i < words; i += stride) {
				if (round > 1 && maps[b][i] != ((round - 1) << 32 | i))
					st_fail("bo %d word %zu reads %#" PRIx64 ", want %#" PRIx64,
						b, i, maps[b][i], (round - 1) << 32 | i);
				maps[b][i] = round << 32 | i;
			}
		}
	}
	sh->rounds = round;
	for (b = 0; b < NR; b++)
		munmap(maps[b], BO_SIZE);
}

/* memory.reclaim of CG: EAGAIN (it fell short) is no failure here. */
static void reclaim_some(const char *cg, const char *bytes)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s/memory.reclaim", cg);
	f = fopen(path, "w");
	if (!f)
		st_fail("open %s: %s", path, strerror(errno));
	fputs(bytes, f);
	if (fclose(f) && errno != EAGAIN)
		st_fail("write %s to %s: %s", bytes, path, strerror(errno));
}

int main(void)
{
	struct shared *sh = st_shared(sizeof(*sh));
	uint64_t start, reclaims = 0;
	pid_t pid;
	int fd;

	vttm_load();
	fd = vttm_open();
	cg_create("A");
	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		for (int b = 0; b < NR; b++)
			vttm_create(fd, &sh->bos[b], BO_SIZE);
		vttm_create_purgeable(fd, sh->purgeable, NP, BO_SIZE);
		exit(0);
	}
	st_wait(pid, "A's creator");

	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		faulter(fd, sh);
		exit(0);
	}
	start = st_now_ms();
	while (st_now_ms() - start < RUN_MS) {
		reclaim_some("A", "8M");
		if (reclaims % 10 == 0)
			gm_ok("reclaim /A 4M");
		reclaims++;
		st_sleep_ms(100);
	}
	sh->done = 1;
	st_wait(pid, "the process faulting A's mapped bos");
	if (sh->rounds < 2)
		st_fail("the faulting process made %" PRIu64 " rounds", sh->rounds);
	if (gm_stat("A", "backed_up_total") == 0)
		st_fail("nothing of A's was backed up under %" PRIu64 " reclaims", reclaims);
	st_ok("a process in A wrote and checked its 4 mapped bos %" PRIu64 " times while "
	      "%" PRIu64 " reclaims backed them up (%" PRIu64 " KiB in all) and purged %"
	      PRIu64 " KiB: every word intact", sh->rounds, reclaims,
	      gm_stat("A", "backed_up_total") / KiB, gm_stat("A", "purged_total") / KiB);
	vttm_close_all(fd, sh->bos, NR);
	vttm_close_all(fd, sh->purgeable, NP);
	close(fd);
	cg_remove("A");
	return 0;
}
