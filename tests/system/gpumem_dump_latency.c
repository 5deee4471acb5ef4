// SPDX-License-Identifier: GPL-2.0
/*
 * Stats answer under pressure: while several cgroups reclaim their bos
 * under memory.max and proactive reclaim runs on them, `gpumemctl -j show`
 * (a netlink dump of every cgroup), issued once a second by a reader in
 * the root cgroup, answers every time within DUMP_BOUND_MS.
 *
 * - NW workers, each in its own cgroup W<i> with memory.max WORKER_MAX,
 *   keep NB bos of 4 MiB (more than the limit): each verifies (restoring
 *   it) or refills a bo at random for RUN_MS, so that its own limit backs
 *   the others up all the time (direct reclaim of the cgroup);
 * - a proactive reclaimer, in the root cgroup, asks each W<i> in turn for
 *   PROACTIVE of gpumemctl reclaim (netlink) and then of memory.reclaim,
 *   without pause;
 * - the workers' limits add up to more than half of the guest, so that
 *   global reclaim (kswapd, and direct reclaim of the root) runs as well.
 *
 * Each dump is timed from fork to exit of gpumemctl; it must exit 0 with
 * the workers' cgroups in its JSON, within DUMP_BOUND_MS (a hung one is
 * killed after DUMP_KILL_MS and fails). The test prints how many dumps it
 * took, their median and max. In the end every bo reads back intact and
 * the workers' cgroups show backups made during the run.
 *
 * Issue 20 saw, on the code before it (whole-bo backups waiting for every
 * swap write in direct reclaim), 4 of ~20,500 dumps of an hour-long run
 * get no answer within 30 s. Unhindered, a dump takes some 10-100 ms in
 * this guest (KASAN, 2 shared cores); the bound of 5 s is "a few seconds
 * at most" with room for a loaded host.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define NW 4
#define WORKER_MAX "40M"
#define NB 12
#define BO_SIZE (4 * MiB)
#define RUN_MS 45000
#define PROACTIVE "8M"
#define DUMP_PERIOD_MS 1000
#define DUMP_BOUND_MS 5000
#define DUMP_KILL_MS 30000
#define MAX_DUMPS 200

struct shared {
	volatile int stop;
	uint64_t ops[NW];
	uint64_t nl_reclaims, mem_reclaims;
	uint64_t nl_freed;
};

static void worker(int w, struct shared *sh, uint64_t end)
{
	struct vttm_bo bos[NB];
	int fd, i;

	vttm_prefault();
	fd = vttm_open();
	srandom(w + 1);
	vttm_create_filled(fd, bos, NB, BO_SIZE);
	while (st_now_ms() < end) {
		i = random() % NB;
		if (random() % 4)
			vttm_verify(fd, &bos[i], "a worker's bo under reclaim");
		else
			vttm_fill(fd, &bos[i]);
		sh->ops[w]++;
	}
	for (i = 0; i < NB; i++)
		vttm_verify(fd, &bos[i], "a worker's bo at the end");
	vttm_close_all(fd, bos, NB);
	close(fd);
}

/* memory.reclaim of CG: EAGAIN (it fell short) is no failure here. */
static int memory_reclaim(const char *cg, const char *bytes)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s/memory.reclaim", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		st_fail("open %s: %s", path, strerror(errno));
	ret = write(fd, bytes, strlen(bytes));
	if (ret < 0 && errno != EAGAIN)
		st_fail("write %s to %s: %s", bytes, path, strerror(errno));
	close(fd);
	return ret > 0;
}

static void reclaimer(struct shared *sh)
{
	char cg[16];
	uint64_t freed;
	char *p;

	for (int w = 0; !sh->stop; w = (w + 1) % NW) {
		snprintf(cg, sizeof(cg), "W%d", w);
		if (gm_run("-j reclaim /%s %s", cg, PROACTIVE))
			st_fail("gpumemctl reclaim /%s: %s", cg, gm_out);
		p = strstr(gm_out, "\"freed\"");
		if (!p || sscanf(p, "\"freed\": %" SCNu64, &freed) != 1)
			st_fail("reclaim /%s printed: %s", cg, gm_out);
		sh->nl_freed += freed;
		sh->nl_reclaims++;
		if (memory_reclaim(cg, PROACTIVE))
			sh->mem_reclaims++;
	}
}

/*
 * Run `gpumemctl -j show` with its output into OUT; return how long it took
 * in ms, or fail the test if it did not exit 0 within DUMP_KILL_MS.
 */
static uint64_t timed_dump(const char *out, int n)
{
	uint64_t start = st_now_ms(), took;
	int status, fd;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (!pid) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execl(GPUMEMCTL, "gpumemctl", "-j", "show", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (st_now_ms() - start > DUMP_KILL_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			st_fail("dump %d got no answer within %d ms", n, DUMP_KILL_MS);
		}
		st_sleep_ms(2);
	}
	took = st_now_ms() - start;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("dump %d: gpumemctl -j show failed (status %#x) after %" PRIu64 " ms",
			n, status, took);
	return took;
}

/* Whether the dump in OUT lists every worker's cgroup. */
static void check_dump(const char *out, int n)
{
	char buf[65536], want[32];
	size_t len;
	FILE *f = fopen(out, "r");

	if (!f)
		st_fail("open %s: %s", out, strerror(errno));
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = 0;
	for (int w = 0; w < NW; w++) {
		snprintf(want, sizeof(want), "\"path\":\"/W%d\"", w);
		if (!strstr(buf, want))
			st_fail("dump %d does not list /W%d: %.300s", n, w, buf);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	struct shared *sh = st_shared(sizeof(*sh));
	static uint64_t lat[MAX_DUMPS], sorted[MAX_DUMPS];
	const char *out = "/run/tmp/dump.json";
	pid_t workers[NW], rec;
	uint64_t end, due, backed = 0, ops = 0;
	int n = 0, over = 0;
	char cg[16];

	vttm_load();
	for (int w = 0; w < NW; w++) {
		snprintf(cg, sizeof(cg), "W%d", w);
		cg_create(cg);
		cg_write(cg, "memory.max", WORKER_MAX);
	}
	end = st_now_ms() + RUN_MS;
	for (int w = 0; w < NW; w++) {
		snprintf(cg, sizeof(cg), "W%d", w);
		workers[w] = st_fork(cg);
		if (!workers[w]) {
			worker(w, sh, end);
			exit(0);
		}
	}
	rec = st_fork(NULL);
	if (!rec) {
		reclaimer(sh);
		exit(0);
	}

	due = st_now_ms();
	while (st_now_ms() < end && n < MAX_DUMPS) {
		lat[n] = timed_dump(out, n);
		check_dump(out, n);
		if (lat[n] > DUMP_BOUND_MS)
			over++;
		n++;
		due += DUMP_PERIOD_MS;
		while (st_now_ms() < due)
			st_sleep_ms(10);
	}
	sh->stop = 1;
	st_wait(rec, "the proactive reclaimer");
	for (int w = 0; w < NW; w++)
		st_wait(workers[w], "a worker");

	memcpy(sorted, lat, n * sizeof(*lat));
	qsort(sorted, n, sizeof(*sorted), cmp_u64);
	for (int w = 0; w < NW; w++) {
		snprintf(cg, sizeof(cg), "W%d", w);
		backed += gm_stat(cg, "backed_up_total");
		ops += sh->ops[w];
	}
	printf("dump latencies (ms):");
	for (int i = 0; i < n; i++)
		printf(" %" PRIu64, lat[i]);
	printf("\n");
	if (n < RUN_MS / DUMP_PERIOD_MS / 2)
		st_fail("only %d dumps in %d s", n, RUN_MS / 1000);
	if (!sh->nl_reclaims || !backed)
		st_fail("no pressure: %" PRIu64 " netlink reclaims, %" PRIu64
			" bytes backed up", sh->nl_reclaims, backed);
	if (over)
		st_fail("%d of %d dumps took longer than %d ms (median %" PRIu64
			" ms, max %" PRIu64 " ms)", over, n, DUMP_BOUND_MS,
			sorted[n / 2], sorted[n - 1]);
	st_ok("%d dumps, one a second, under pressure (%d workers at memory.max "
	      "%s, %" PRIu64 " bo operations, %" PRIu64 " MiB backed up; %" PRIu64
	      " netlink reclaims freeing %" PRIu64 " MiB, %" PRIu64
	      " memory.reclaim that met their goal): median %" PRIu64
	      " ms, max %" PRIu64 " ms, bound %d ms", n, NW, WORKER_MAX, ops,
	      backed / MiB, sh->nl_reclaims, sh->nl_freed / MiB, sh->mem_reclaims,
	      sorted[n / 2], sorted[n - 1], DUMP_BOUND_MS);
	st_ok("every worker's bos read back intact at the end");
	for (int w = 0; w < NW; w++) {
		snprintf(cg, sizeof(cg), "W%d", w);
		cg_remove(cg);
	}
	return 0;
}
