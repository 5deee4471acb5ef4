// SPDX-License-Identifier: GPL-2.0
/*
 * A VRAM limit per cgroup (vram-max) on vttm's 64 MiB of VRAM, shared by
 * cgroups A and B and the subtree P/C:
 *
 * - A, limited to a quarter of VRAM (16 MiB), creates 8 bos of 4 MiB for
 *   VRAM after B put 4 of its own there: each beyond the limit evicts A's
 *   least recently used one into system memory, charged to A (memory.stat
 *   gpu). B's stay in VRAM untouched. A's vram-evictions counts 4 and
 *   `gpumemctl monitor` hears a vram event naming A's limit. Every bo reads
 *   back what was written.
 * - Nested: P's 8 MiB holds for C below it (effective-vram-max); C's third
 *   bo evicts C's first, counted in C and P. A bo larger than the limit
 *   goes to system memory at once, evicting nothing.
 * - Lowering A's limit to 4 MiB moves A's bos out of VRAM down to it; 0
 *   moves them all; "max" lifts it.
 * - Bad values are refused with a message and change nothing.
 * - All bos destroyed: vram back to 0 everywhere, and vttm unloads with no
 *   VRAM page left behind (its exit WARNs otherwise).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 * MiB)
#define NA 8		/* A's bos */
#define NB 4		/* B's bos */
#define NC 3		/* C's bos */

struct table {
	struct vttm_bo a[NA];
	struct vttm_bo b[NB];
	struct vttm_bo c[NC];
	struct vttm_bo c_big;	/* 16 MiB, over P's limit by itself */
	struct vttm_bo c_mid;	/* 12 MiB: within C's own 16M, not P's 8M */
};

/* Create N bos for VRAM in cgroup CG, each filled at once. */
static void create_in(const char *cg, int fd, struct vttm_bo *bos, int n,
		      uint64_t size)
{
	pid_t pid = st_fork(cg);
	int i;

	if (!pid) {
		vttm_prefault();
		for (i = 0; i < n; i++) {
			vttm_create_vram(fd, &bos[i], size);
			vttm_fill(fd, &bos[i]);
		}
		exit(0);
	}
	st_wait(pid, "a creator of bos for VRAM");
}

static bool in_vram(int fd, const struct vttm_bo *bo)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, bo, &info);
	return info.flags & DRM_VTTM_BO_VRAM;
}

/* Fail unless BOS[FIRST..N-1] are in VRAM and the others not. */
static void expect_placement(int fd, const char *cg,
			     const struct vttm_bo *bos, int n, int first)
{
	int i;

	for (i = 0; i < n; i++)
		if (in_vram(fd, &bos[i]) != (i >= first))
			st_fail("%s's bo %d of %d is %s VRAM; want the last %d in VRAM",
				cg, i, n, i >= first ? "not in" : "in",
				n - first);
}

static void verify_all(int fd, const struct vttm_bo *bos, int n,
		       const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		vttm_verify(fd, &bos[i], what);
}

static void limit_reached(int fd, struct table *t, const char *events)
{
	char cmd[1024];
	pid_t monitor;

	gm_ok("set /A vram-max 16M");
	gm_expect_eq("A's vram-max", gm_stat("A", "vram_max"), 16 * MiB);
	create_in("B", fd, t->b, NB, BO_SIZE);
	gm_expect_eq("B's vram", gm_stat("B", "vram"), NB * BO_SIZE);

	monitor = gm_monitor_start(events);
	create_in("A", fd, t->a, NA, BO_SIZE);
	gm_monitor_stop(monitor, events);

	gm_expect_eq("A's vram", gm_stat("A", "vram"), 16 * MiB);
	expect_placement(fd, "A", t->a, NA, NA - 4);
	cg_expect_key("A", "memory.stat", "gpu", (NA - 4) * BO_SIZE);
	gm_expect_eq("A's vram-evictions", gm_stat("A", "vram_evictions"), 4);
	gm_expect_event(events, "vram", cg_id("A"));
	snprintf(cmd, sizeof(cmd),
		 "jq -e -s 'map(select(.event == \"vram\" and .limit_path == \"/A\" and .bytes == %" PRIu64 ")) | length > 0' %s",
		 BO_SIZE, events);
	if (gm_shell(cmd))
		st_fail("no vram event of 4 MiB naming A's limit: %s", gm_out);
	expect_placement(fd, "B", t->b, NB, 0);
	gm_expect_eq("B's vram", gm_stat("B", "vram"), NB * BO_SIZE);
	gm_expect_eq("B's vram-evictions", gm_stat("B", "vram_evictions"), 0);
	cg_expect_key("B", "memory.stat", "gpu", 0);
	verify_all(fd, t->a, NA, "A's bos, 4 of them evicted");
	verify_all(fd, t->b, NB, "B's bos in VRAM");
	st_ok("A at its 16 MiB limit: its 4 oldest bos moved to system memory charged to A (gpu 16 MiB, 4 evictions, a vram event); B's 16 MiB stay in VRAM; all read back intact");
}

static void nested(int fd, struct table *t)
{
	gm_ok("set /P vram-max 8M");
	gm_expect_eq("C's effective vram-max",
		     gm_stat("P/C", "effective_vram_max"), 8 * MiB);
	if (gm_json(".cgroups[0].vram_max == null | if . then 1 else 0 end",
		    "show /P/C") != 1)
		st_fail("C has a vram-max of its own: %s", gm_out);
	create_in("P/C", fd, t->c, NC, BO_SIZE);
	expect_placement(fd, "C", t->c, NC, 1);
	gm_expect_eq("C's vram", gm_stat("P/C", "vram"), 8 * MiB);
	gm_expect_eq("P's vram", gm_stat("P", "vram"), 8 * MiB);
	gm_expect_eq("C's vram-evictions", gm_stat("P/C", "vram_evictions"), 1);
	gm_expect_eq("P's vram-evictions", gm_stat("P", "vram_evictions"), 1);

	/* Over the limit by itself: no eviction could help, none is made. */
	create_in("P/C", fd, &t->c_big, 1, 16 * MiB);
	if (in_vram(fd, &t->c_big))
		st_fail("a 16 MiB bo is in VRAM under an 8 MiB limit");
	expect_placement(fd, "C", t->c, NC, 1);
	gm_expect_eq("C's vram-evictions after a bo over the limit",
		     gm_stat("P/C", "vram_evictions"), 1);
	/*
	 * C's own limit fails first, but P's is what a 12 MiB bo can never
	 * fit: evicting C's bos would gain nothing, so none is.
	 */
	gm_ok("set /P/C vram-max 16M");
	create_in("P/C", fd, &t->c_mid, 1, 12 * MiB);
	if (in_vram(fd, &t->c_mid))
		st_fail("a 12 MiB bo is in VRAM under P's 8 MiB limit");
	expect_placement(fd, "C", t->c, NC, 1);
	gm_expect_eq("C's vram-evictions after a bo over P's limit",
		     gm_stat("P/C", "vram_evictions"), 1);
	gm_ok("set /P/C vram-max max");
	verify_all(fd, t->c, NC, "C's bos");
	vttm_verify(fd, &t->c_big, "C's 16 MiB bo");
	vttm_verify(fd, &t->c_mid, "C's 12 MiB bo");
	st_ok("P's 8 MiB limit holds for C: its third bo evicted its first; bos of 16 and 12 MiB (the latter within C's own 16M) went to system memory evicting nothing");
}

static void lowered(int fd, struct table *t)
{
	gm_ok("set /A vram-max 4M");
	gm_expect_eq("A's vram after lowering its limit to 4 MiB",
		     gm_stat("A", "vram"), 4 * MiB);
	expect_placement(fd, "A", t->a, NA, NA - 1);
	gm_expect_eq("A's vram-evictions", gm_stat("A", "vram_evictions"), 7);
	cg_expect_key("A", "memory.stat", "gpu", (NA - 1) * BO_SIZE);
	gm_ok("set /A vram-max 0");
	gm_expect_eq("A's vram at a limit of 0", gm_stat("A", "vram"), 0);
	expect_placement(fd, "A", t->a, NA, NA);
	gm_ok("set /A vram-max max");
	if (gm_json(".cgroups[0].effective_vram_max == null | if . then 1 else 0 end",
		    "show /A") != 1)
		st_fail("A's vram-max is not max again: %s", gm_out);
	expect_placement(fd, "B", t->b, NB, 0);
	verify_all(fd, t->a, NA, "A's bos after its limit was lowered");
	verify_all(fd, t->b, NB, "B's bos");
	st_ok("lowering A's limit to 4 MiB moved A's bos out down to it (7 evictions), 0 moved them all; B's untouched; max lifts it");
}

static void bad_values(void)
{
	gm_ok("set /A vram-max 12M");
	if (gm_run("set /A vram-max lots") != 2 ||
	    !strstr(gm_out, "set: vram-max: invalid SIZE 'lots'"))
		st_fail("vram-max lots: want status 2 and a message, got: %s", gm_out);
	if (gm_run("set /A vram-max -1") != 2)
		st_fail("vram-max -1: want status 2, got: %s", gm_out);
	if (gm_run("set /A vram-max 1.5G") != 2)
		st_fail("vram-max 1.5G: want status 2, got: %s", gm_out);
	gm_expect_eq("A's vram-max after bad values", gm_stat("A", "vram_max"),
		     12 * MiB);
	/* Rounded down to pages, as memory.max is. */
	gm_ok("set /A vram-max 5000");
	gm_expect_eq("A's vram-max of 5000 bytes", gm_stat("A", "vram_max"),
		     4096);
	gm_ok("set /A vram-max max");
	st_ok("bad vram-max values refused with a message, the limit unchanged; 5000 bytes is one page");
}

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	char events[256];
	int fd, i;

	snprintf(events, sizeof(events), "%.200s/events.json",
		 getenv("TMPDIR") ?: "/tmp");
	vttm_load();
	fd = vttm_open();
	cg_create("A");
	cg_create("B");
	cg_create("P");
	cg_write("P", "cgroup.subtree_control", "+memory");
	cg_create("P/C");

	limit_reached(fd, t, events);
	nested(fd, t);
	lowered(fd, t);
	bad_values();

	vttm_close_all(fd, t->a, NA);
	vttm_close_all(fd, t->b, NB);
	vttm_close_all(fd, t->c, NC);
	vttm_close(fd, &t->c_big);
	vttm_close(fd, &t->c_mid);
	close(fd);
	/* A bo's resources are freed by a worker once it is idle. */
	for (i = 0; i < 100 && gm_json(".cgroups[0].vram", "show /"); i++)
		st_sleep_ms(50);
	gm_expect_eq("the root's vram after destroying every bo",
		     gm_json(".cgroups[0].vram", "show /"), 0);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	cg_expect_key("P", "memory.stat", "gpu", 0);
	cg_remove("P/C");
	cg_remove("P");
	cg_remove("A");
	cg_remove("B");
	/* Its last bos may go a moment after the file. */
	for (i = 0; st_try_rmmod("vttm"); i++) {
		if (i == 50)
			st_fail("rmmod vttm: still failing after 5 s");
		st_sleep_ms(100);
	}
	st_ok("all destroyed: vram 0, gpu 0, vttm unloaded without VRAM pages left");
	return 0;
}
