// SPDX-License-Identifier: GPL-2.0
/*
 * Each gpumem policy value changes what reclaim does, driven through
 * gpumemctl against the real kernel:
 *
 *   F  purge first               reclaim purges only
 *   L  purge last, budget 6M     backs up to the budget (to swap at once),
 *                                then purges
 *   N  purge never, deferred     backs up purgeable ones too, purges none,
 *                                leaves the backup in shmem; with budget 0
 *                                frees nothing
 *   P  budget 4M, P/K never      the parent's tighter budget bounds K's
 *
 * Reclaim frees what it says (memory.stat "gpu" drops by that much); the
 * figures of `gpumemctl -j show` equal memory.stat and the device's own view;
 * `gpumemctl monitor` hears the purge, budget and policy events; a user
 * without CAP_SYS_ADMIN can read but not set; a dump in a cgroup namespace
 * shows that namespace only, and its root's policy cannot be changed from
 * inside it (its children's can); bos in the device's VRAM count as the creator's
 * "vram", until evicted to system memory.
 */
#define _GNU_SOURCE /* unshare() */
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define BO_SIZE (2 * MiB)
#define NB 4	/* normal bos per cgroup */
#define NP 4	/* purgeable bos per cgroup */

struct group {
	const char *name;	/* cgroup, relative to the root */
	struct vttm_bo n[NB];
	struct vttm_bo p[NP];
};

struct table {
	struct group g[4];
	struct vttm_bo vram[2];	/* F's bos in VRAM: 1 and 3 MiB */
};

/* The device's view of a group's bos: resident and backed-up bytes. */
static void device_view(int fd, struct group *g, uint64_t *resident,
			uint64_t *backed_up)
{
	struct drm_vttm_bo_info info;
	int i;

	*resident = *backed_up = 0;
	for (i = 0; i < NB + NP; i++) {
		vttm_info(fd, i < NB ? &g->n[i] : &g->p[i - NB], &info);
		*resident += info.resident;
		*backed_up += info.backed_up;
	}
}

/* gpumemctl's stats of G equal memory.stat and the device's own view. */
static void expect_views_agree(int fd, struct group *g)
{
	uint64_t resident, backed_up;

	device_view(fd, g, &resident, &backed_up);
	gm_expect_eq("show's resident vs memory.stat gpu",
		  gm_stat(g->name, "resident"),
		  cg_read_key(g->name, "memory.stat", "gpu"));
	gm_expect_eq("show's resident vs the device", gm_stat(g->name, "resident"),
		  resident);
	gm_expect_eq("show's backup vs the device", gm_stat(g->name, "backup"),
		  backed_up);
}

/*
 * Immediate writeback: the backed-up content is in swap, not in shmem.
 * Deferred: it stays in shmem (charged to CG) and nothing went to swap.
 */
static void expect_writeback(const char *cg, bool immediate, uint64_t bytes)
{
	uint64_t shmem = cg_read_key(cg, "memory.stat", "shmem");
	uint64_t swap = cg_read_u64(cg, "memory.swap.current");

	if (immediate ? swap < bytes || shmem >= MiB :
			shmem < bytes || swap >= MiB)
		st_fail("writeback %s: %s has shmem %" PRIu64 " KiB, swap %" PRIu64
			" KiB after backing up %" PRIu64 " KiB",
			immediate ? "immediate" : "deferred", cg, shmem / KiB,
			swap / KiB, bytes / KiB);
	st_ok("writeback %s: %s's backup is in %s (shmem %" PRIu64 " KiB, swap %"
	      PRIu64 " KiB)", immediate ? "immediate" : "deferred", cg,
	      immediate ? "swap" : "shmem", shmem / KiB, swap / KiB);
}

/*
 * Two bos in VRAM, of 1 and 3 MiB: new, they read as zeroes; they hold what
 * is written; they have no pages to drop.
 */
static void create_vram(int fd, struct vttm_bo bo[2])
{
	int i, ret;

	for (i = 0; i < 2; i++) {
		vttm_create_vram(fd, &bo[i], (1 + 2 * i) * MiB);
		vttm_verify(fd, &bo[i], "a new bo in VRAM");
		vttm_fill(fd, &bo[i]);
	}
	ret = vttm_madvise_raw(fd, bo[0].handle, DRM_VTTM_MADV_DONTNEED, NULL);
	if (ret != EINVAL)
		st_fail("madvise of a bo in VRAM: %s, want EINVAL", strerror(ret));
}

/* F's VRAM bos count as F's (and the root's) vram, nothing resident. */
static void expect_vram(int fd, const struct vttm_bo bo[2])
{
	struct drm_vttm_bo_info info;
	int i;

	for (i = 0; i < 2; i++) {
		vttm_info(fd, &bo[i], &info);
		if (!(info.flags & DRM_VTTM_BO_VRAM) || info.resident)
			st_fail("a bo in VRAM: flags %#x, resident %" PRIu64,
				info.flags, (uint64_t)info.resident);
		vttm_verify(fd, &bo[i], "a bo in VRAM");
	}
	gm_expect_eq("F's vram", gm_stat("F", "vram"), 4 * MiB);
	gm_expect_eq("L's vram", gm_stat("L", "vram"), 0);
	if (gm_json(".cgroups[0].vram", "show /") < 4 * MiB)
		st_fail("the root's vram is below F's");
	st_ok("F's 4 MiB of bos in VRAM show as its vram (the device says VRAM, nothing resident) and hold what was written");
}

/*
 * Two bos of 48 MiB in vttm's 64 MiB of VRAM, no limit set: the second
 * evicts the first (and F's small ones) to system memory, where it is an
 * ordinary bo with its content; only the second counts as VRAM.
 */
static void evict_vram(int fd)
{
	struct drm_vttm_bo_info info;
	struct vttm_bo x, y;

	vttm_create_vram(fd, &x, 48 * MiB);
	vttm_fill(fd, &x);
	vttm_create_vram(fd, &y, 48 * MiB);
	vttm_info(fd, &x, &info);
	if (info.flags & DRM_VTTM_BO_VRAM)
		st_fail("a bo evicted from VRAM still says VRAM");
	vttm_verify(fd, &x, "a bo evicted from VRAM");
	gm_expect_eq("F's vram after an eviction", gm_stat("F", "vram"), 48 * MiB);
	vttm_close(fd, &x);
	vttm_close(fd, &y);
	st_ok("a bo evicted from VRAM is an ordinary bo with its content; F's vram counts only what is in VRAM");
}

/*
 * `gpumemctl apply` puts the policy of unit files and drop-ins (a later
 * drop-in wins) and of a plain config file on fresh cgroups; a unit that is
 * not running is skipped.
 */
static void apply_configs(void)
{
	char units[256], dropins[300], conf[256];

	snprintf(units, sizeof(units), "%.200s/units", getenv("TMPDIR") ?: "/tmp");
	snprintf(dropins, sizeof(dropins), "%s/batch.slice.d", units);
	snprintf(conf, sizeof(conf), "%.200s/gpumem.d", getenv("TMPDIR") ?: "/tmp");
	if (mkdir(units, 0755) || mkdir(dropins, 0755) || mkdir(conf, 0755))
		st_fail("mkdir the fixture: %s", strerror(errno));
	gm_write_file(units, "batch.slice", "[Slice]\nCPUWeight=50\n\n"
		   "[X-GPUMemory]\nPurge=last\nSwapBudget=2M\n");
	gm_write_file(dropins, "10-budget.conf", "[X-GPUMemory]\nSwapBudget=8M\n");
	gm_write_file(dropins, "20-writeback.conf",
		   "[X-GPUMemory]\nWriteback=deferred\n");
	gm_write_file(units, "idle.service", "[X-GPUMemory]\nPurge=never\n");
	gm_write_file(conf, "plain.conf",
		   "[X-GPUMemory]\nCgroup=/plain\nPurge=never\n");
	setenv("GPUMEM_UNIT_PATH", units, 1);
	setenv("GPUMEM_CONFIG_DIR", conf, 1);
	cg_create("batch.slice");
	cg_create("plain");

	if (gm_run("apply"))
		st_fail("gpumemctl apply: %s", gm_out);
	if (!strstr(gm_out, "idle.service: not running"))
		st_fail("apply did not say the idle service is not running: %s",
			gm_out);
	gm_expect_eq("batch.slice's budget (the drop-in wins)",
		  gm_json(".cgroups[0].swap_budget", "show batch.slice"),
		  8 * MiB);
	gm_expect_eq("batch.slice purges last",
		     gm_policy_is("batch.slice", "purge", "last"), 1);
	gm_expect_eq("batch.slice's writeback is deferred",
		     gm_policy_is("batch.slice", "writeback", "deferred"), 1);
	gm_expect_eq("/plain purges never",
		     gm_policy_is("plain", "purge", "never"), 1);
	cg_remove("batch.slice");
	cg_remove("plain");
	st_ok("apply: batch.slice got purge last, budget 8M (drop-in), writeback deferred; /plain purge never; idle.service skipped");
}

/*
 * In a cgroup namespace rooted at L, a dump lists L alone; with
 * CAP_SYS_ADMIN, the namespace's root cannot change its own policy (the
 * parent's, as with cgroupfs delegation), its children can be set.
 */
static void dump_in_cgroupns(void)
{
	pid_t pid = st_fork("L");

	if (!pid) {
		if (unshare(CLONE_NEWCGROUP))
			st_fail("unshare(CLONE_NEWCGROUP): %s", strerror(errno));
		gm_expect_eq("cgroups a dump lists in L's cgroup namespace",
			  gm_json(".cgroups | length", "show"), 1);
		gm_expect_eq("the one cgroup listed in L's cgroup namespace",
			  gm_json(".cgroups[0].id", "show"), cg_id("L"));
		/* Paths are the namespace's: L is its root. */
		gm_expect_eq("L's path in its own cgroup namespace is /",
			  gm_json(".cgroups[0].path == \"/\" | if . then 1 else 0 end",
				  "show"), 1);

		if (!gm_run("set id:%" PRIu64 " purge never swap-budget max",
			    cg_id("L")))
			st_fail("L changed its own policy from inside its cgroup namespace: %s",
				gm_out);
		if (!strstr(gm_out, "root of a cgroup namespace"))
			st_fail("refusing L its own policy said '%s'", gm_out);
		st_ok("in L's cgroup namespace, L's own policy is refused: %s",
		      gm_out);
		/*
		 * As a container's init does: into a leaf, so that L can give
		 * its children a memory controller.
		 */
		cg_create("L/init");
		cg_enter("L/init", getpid());
		cg_write("L", "cgroup.subtree_control", "+memory");
		cg_create("L/sub");
		if (gm_run("set id:%" PRIu64 " purge never", cg_id("L/sub")))
			st_fail("L could not set its child's policy: %s", gm_out);
		gm_expect_eq("L/sub purges never, as L set it",
			     gm_json(".cgroups[0].purge == \"never\" | if . then 1 else 0 end",
				     "show id:%" PRIu64, cg_id("L/sub")), 1);
		cg_remove("L/sub");
		exit(0);
	}
	st_wait(pid, "a dump in L's cgroup namespace");
	cg_remove("L/init");
	cg_write("L", "cgroup.subtree_control", "-memory");
	gm_expect_eq("L still purges last", gm_policy_is("L", "purge", "last"), 1);
	st_ok("in L's cgroup namespace: a dump lists L alone, as /; L cannot change its own policy, can change its child's");
}

static void fill_group(int fd, struct group *g)
{
	int i;

	vttm_prefault();
	vttm_create_filled(fd, g->n, NB, BO_SIZE);
	vttm_create_filled(fd, g->p, NP, BO_SIZE);
	for (i = 0; i < NP; i++)
		if (!vttm_madvise(fd, &g->p[i], DRM_VTTM_MADV_DONTNEED))
			st_fail("a buffer object just filled was not retained");
}

int main(void)
{
	char monitor_out[256];
	struct table *t = st_shared(sizeof(*t));
	struct group *F = &t->g[0], *L = &t->g[1], *N = &t->g[2], *K = &t->g[3];
	pid_t pid, monitor;
	uint64_t before;
	int fd, i;

	/* The guest's root is read-only; TMPDIR is not. */
	snprintf(monitor_out, sizeof(monitor_out), "%.200s/monitor.json",
		 getenv("TMPDIR") ?: "/tmp");
	vttm_load();
	fd = vttm_open();
	F->name = "F";
	L->name = "L";
	N->name = "N";
	K->name = "P/K";
	cg_create("F");
	cg_create("L");
	cg_create("N");
	cg_create("P");
	cg_write("P", "cgroup.subtree_control", "+memory");
	cg_create("P/K");

	apply_configs();
	monitor = gm_monitor_start(monitor_out);
	gm_ok("set /L purge last swap-budget 6M");
	gm_ok("set /N purge never writeback deferred");
	gm_ok("set /P swap-budget 4M");
	gm_ok("set /P/K purge never");
	gm_expect_eq("K's effective swap budget",
		  gm_json(".cgroups[0].effective_swap_budget", "show /P/K"),
		  4 * MiB);
	st_ok("policies set; K's effective budget is P's 4 MiB");

	for (i = 0; i < 4; i++) {
		pid = st_fork(t->g[i].name);
		if (!pid) {
			fill_group(fd, &t->g[i]);
			if (t->g[i].name == F->name)
				create_vram(fd, t->vram);
			exit(0);
		}
		st_wait(pid, "a creator");
	}
	expect_vram(fd, t->vram);
	for (i = 0; i < 4; i++) {
		gm_expect_eq("purgeable", gm_stat(t->g[i].name, "purgeable"),
			  NP * BO_SIZE);
		expect_views_agree(fd, &t->g[i]);
	}
	st_ok("4 cgroups with %d MiB normal and %d MiB purgeable each; show agrees with memory.stat and the device",
	      (int)(NB * BO_SIZE / MiB), (int)(NP * BO_SIZE / MiB));

	/* first: purgeable ones go, nothing is backed up. */
	gm_reclaim("F", 3 * BO_SIZE, 3 * BO_SIZE, 0);
	gm_expect_eq("F's purgeable", gm_stat("F", "purgeable"), BO_SIZE);
	gm_expect_eq("F's purged total", gm_stat("F", "purged_total"), 3 * BO_SIZE);
	expect_views_agree(fd, F);

	/*
	 * last: backups up to the budget, then purges. One bo more than the
	 * budget and the purgeable ones cover: whether or not the storage was
	 * behind after the third backup, a backup is then tried and denied.
	 */
	gm_reclaim("L", 7 * BO_SIZE, 4 * BO_SIZE, 3 * BO_SIZE);
	expect_writeback("L", true, 3 * BO_SIZE);
	gm_expect_eq("L's backup", gm_stat("L", "backup"), 6 * MiB);
	if (!gm_stat("L", "budget_denials"))
		st_fail("L's budget denials are 0");
	expect_views_agree(fd, L);
	for (i = 0; i < NB; i++)
		vttm_verify(fd, &L->n[i], "a normal bo of L");
	gm_expect_eq("L's backup after reading all back", gm_stat("L", "backup"), 0);
	gm_expect_eq("L's restored total", gm_stat("L", "restored_total"),
		  3 * BO_SIZE);
	st_ok("L's normal bos read back identical; its backup is empty again");

	/* never: purgeable ones are backed up and keep their content. */
	/* Deferred: the copies stay in memory, so nothing was freed yet. */
	gm_expect_eq("N's reclaim with writeback deferred: freed",
		     gm_reclaim("N", (NB + NP) * BO_SIZE, 0, (NB + NP) * BO_SIZE),
		     0);
	expect_writeback("N", false, (NB + NP) * BO_SIZE);
	expect_views_agree(fd, N);
	for (i = 0; i < NP; i++) {
		if (!vttm_madvise(fd, &N->p[i], DRM_VTTM_MADV_WILLNEED))
			st_fail("purge never: a purgeable bo lost its content");
		vttm_verify(fd, &N->p[i], "a purgeable bo of N");
	}
	st_ok("N's purgeable bos were retained and read back identical");
	gm_ok("set /N swap-budget 0");
	gm_reclaim("N", BO_SIZE, 0, 0);
	st_ok("with a budget of 0, N's bos are not backed up");

	/* The parent's budget bounds the child's backups. */
	gm_reclaim("P/K", (NB + NP) * BO_SIZE, 0, 2 * BO_SIZE);
	gm_expect_eq("P's backup", gm_stat("P", "backup"), 4 * MiB);
	if (!gm_stat("P", "budget_denials"))
		st_fail("P's budget denials are 0");
	expect_views_agree(fd, K);

	gm_monitor_stop(monitor, monitor_out);
	gm_expect_event(monitor_out, "purge", cg_id("F"));
	gm_expect_event(monitor_out, "budget", cg_id("L"));
	gm_expect_event(monitor_out, "budget", cg_id("P/K"));
	gm_expect_event(monitor_out, "policy", cg_id("P"));
	st_ok("monitor heard F's purge, L's and K's budget and P's policy events");

	pid = fork();
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			st_fail("setuid: %s", strerror(errno));
		if (gm_run("show /F"))
			st_fail("an unprivileged show failed: %s", gm_out);
		if (gm_run("set /F purge never") == 0)
			st_fail("an unprivileged set succeeded");
		if (!strstr(gm_out, "CAP_SYS_ADMIN"))
			st_fail("an unprivileged set said: %s", gm_out);
		st_ok("unprivileged: show works, set is refused: %s", gm_out);
		if (gm_run("reclaim /F 1M") == 0)
			st_fail("an unprivileged reclaim succeeded");
		/* Events name every cgroup: privileged listeners only. */
		if (gm_run("monitor") == 0 || !strstr(gm_out, "CAP_NET_ADMIN"))
			st_fail("an unprivileged monitor said: %s", gm_out);
		st_ok("unprivileged: monitor is refused: %s", gm_out);
		exit(0);
	}
	st_wait(pid, "the unprivileged user");
	if (gm_json(".cgroups[0].purge == \"first\" | if . then 1 else 0 end",
		    "show /F") != 1)
		st_fail("F's policy changed");

	dump_in_cgroupns();
	pid = st_fork("F");
	if (!pid) {
		evict_vram(fd);
		exit(0);
	}
	st_wait(pid, "VRAM eviction in F");
	before = cg_read_key("F", "memory.stat", "gpu");
	/*
	 * A request near 2^64 bytes must not wrap to nothing. Everything is
	 * taken; what left memory (freed) may lack a copy still being written.
	 */
	gm_expect_eq("reclaim /F of 2^64 - 2 bytes: purged + backed up",
		  gm_json(".purged + .backed_up", "reclaim /F 18446744073709551614"),
		  before);
	cg_expect_key("F", "memory.stat", "gpu", 0);
	st_ok("reclaim /F of 2^64 - 2 bytes freed all %" PRIu64 " KiB of F's",
	      before / KiB);

	/* F's VRAM bos, evicted by evict_vram(), are system memory now. */
	vttm_close_all(fd, t->vram, 2);
	for (i = 0; i < 4; i++) {
		int j;

		for (j = 0; j < NB; j++)
			vttm_close(fd, &t->g[i].n[j]);
		for (j = 0; j < NP; j++)
			vttm_close(fd, &t->g[i].p[j]);
		cg_expect_key(t->g[i].name, "memory.stat", "gpu", 0);
		gm_expect_eq("backup after destroying all", gm_stat(t->g[i].name,
								  "backup"), 0);
		gm_expect_eq("purgeable after destroying all",
			  gm_stat(t->g[i].name, "purgeable"), 0);
	}
	/* A bo's resources are freed by a worker once it is idle. */
	for (i = 0; i < 100 && gm_stat("F", "vram"); i++)
		st_sleep_ms(50);
	gm_expect_eq("F's vram after destroying its VRAM bos", gm_stat("F", "vram"), 0);
	st_ok("all destroyed: gpu, backup, purgeable and vram back to 0");
	close(fd);
	cg_remove("P/K");
	cg_remove("P");
	cg_remove("N");
	cg_remove("L");
	cg_remove("F");
	return 0;
}
