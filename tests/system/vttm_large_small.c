// SPDX-License-Identifier: GPL-2.0
/*
 * The TTM shrinker counts in pages, per cgroup: A holds one large buffer
 * object, B many small ones. The shrinker's count for A, as the shrinker
 * debugfs reads it for A's cgroup, is at least the large buffer object's
 * pages (not A's number of buffer objects times the device-wide average
 * size, which the small ones of B drag down to a few pages), and B's count
 * is no more than the pages B's buffer objects hold. Then A needs memory
 * its large buffer object holds, under its memory.max: the large one is
 * reclaimed (backed up), the write that needed the room succeeds, no OOM
 * kill, and the large one reads back intact.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define DEBUGFS "/sys/kernel/debug"
#define SHRINKERS DEBUGFS "/shrinker"
/* vttm's TTM shrinker, as ttm_shrinker_init() names it, and its id. */
#define SHRINKER_PREFIX "drm-ttm:vttm-"

#define PAGE (4 * KiB)
#define A_LIMIT (32 * MiB)
#define LARGE (24 * MiB)	/* A's one large buffer object */
#define MORE (16 * MiB)		/* what A writes then */
#define SMALL PAGE		/* B's small ones */
#define B_BOS 2000
/*
 * With A's own memory P (under 3 MiB), LARGE + P fits in A_LIMIT, and
 * LARGE + MORE + P does not: to write MORE, reclaim must take at least
 * LARGE + MORE + P - A_LIMIT of the large one, so it keeps at most
 * A_LIMIT - MORE resident.
 */

struct table {
	uint64_t base;	/* A's memory.current before its buffer objects */
	struct vttm_bo large;
	struct vttm_bo more;
	int more_err;	/* errno of the write of MORE, 0 if it succeeded */
	struct vttm_bo b[B_BOS];
};

/* Mount debugfs unless the guest's init has, and find the shrinkers there. */
static void debugfs_mount(void)
{
	struct stat st;

	if (stat(SHRINKERS, &st) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		st_fail("mount debugfs on " DEBUGFS ": %s", strerror(errno));
	if (stat(SHRINKERS, &st))
		st_fail(SHRINKERS ": %s (is CONFIG_SHRINKER_DEBUG=y in "
			"tests/system/kernel.config?)", strerror(errno));
}

/* The count file of vttm's shrinker, into PATH; there must be one. */
static void shrinker_count_path(char *path, size_t len)
{
	char name[256] = "";
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(SHRINKERS);

	if (!d)
		st_fail("opendir " SHRINKERS ": %s", strerror(errno));
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, SHRINKER_PREFIX, strlen(SHRINKER_PREFIX))) {
			snprintf(name, sizeof(name), "%s", e->d_name);
			n++;
		}
	}
	closedir(d);
	if (n != 1)
		st_fail("%d shrinkers named " SHRINKER_PREFIX "* in " SHRINKERS
			", want vttm's one", n);
	snprintf(path, len, SHRINKERS "/%s/count", name);
}

/*
 * The shrinker's count for the cgroup with id ID: the file has a line
 * "CGROUP_INO COUNT..." (a count per NUMA node) for each cgroup whose count
 * is not 0.
 */
static uint64_t shrinker_count(const char *path, uint64_t id)
{
	char line[1024], *p, *end;
	uint64_t ino, sum = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		st_fail("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		ino = strtoull(line, &p, 10);
		if (p == line)
			st_fail("%s: a line without a cgroup: %s", path, line);
		if (ino != id)
			continue;
		for (;;) {
			uint64_t v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
	}
	if (ferror(f))
		st_fail("read %s: %s", path, strerror(errno));
	fclose(f);
	return sum;
}

int main(void)
{
	struct table *t = st_shared(sizeof(*t));
	struct drm_vttm_bo_info info;
	uint64_t count_a, count_b, oom_kills, resident;
	char count_path[512];
	struct sysinfo si;
	pid_t pid;
	int fd, i;

	if (sysinfo(&si) || !si.totalswap)
		st_fail("the guest has no swap: this test needs some (tests/system/meson.build)");
	debugfs_mount();
	vttm_load();
	shrinker_count_path(count_path, sizeof(count_path));
	cg_create("A");
	cg_create("B");
	cg_write("A", "memory.max", "32M");
	fd = vttm_open();

	vttm_create_filled_in("B", fd, t->b, B_BOS, SMALL);

	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		t->base = cg_read_u64("A", "memory.current");
		vttm_create(fd, &t->large, LARGE);
		vttm_fill(fd, &t->large);
		exit(0);
	}
	st_wait(pid, "the creator in A");
	if (t->base >= 3 * MiB)
		st_fail("A's worker takes %" PRIu64 " bytes: this test's figures need under 3 MiB",
			t->base);
	vttm_expect_info(fd, &t->large, "A's large buffer object", 0, LARGE);
	cg_expect_key("A", "memory.stat", "gpu", LARGE);
	st_ok("A holds one buffer object of %d MiB (%" PRIu64 " pages), B %d of %" PRIu64
	      " KiB (%" PRIu64 " pages)", (int)(LARGE / MiB), LARGE / PAGE, B_BOS,
	      SMALL / KiB, B_BOS * SMALL / PAGE);

	count_a = shrinker_count(count_path, cg_id("A"));
	count_b = shrinker_count(count_path, cg_id("B"));
	printf("%s: A %" PRIu64 ", B %" PRIu64 "\n", count_path, count_a, count_b);
	if (count_a < LARGE / PAGE)
		st_fail("the shrinker counts %" PRIu64 " for A, which holds one buffer object "
			"of %" PRIu64 " pages; want at least that (B counts %" PRIu64 " for its %"
			PRIu64 " pages in %d buffer objects)", count_a, LARGE / PAGE, count_b,
			B_BOS * SMALL / PAGE, B_BOS);
	if (count_b > B_BOS * SMALL / PAGE)
		st_fail("the shrinker counts %" PRIu64 " for B, whose %d buffer objects hold %"
			PRIu64 " pages; want no more than that", count_b, B_BOS,
			B_BOS * SMALL / PAGE);
	st_ok("the shrinker's counts in pages: A %" PRIu64 " (one bo of %" PRIu64
	      "), B %" PRIu64 " (%d bos of 1)", count_a, LARGE / PAGE, count_b, B_BOS);

	/* A needs room that only its large buffer object can give. */
	pid = st_fork("A");
	if (!pid) {
		vttm_prefault();
		vttm_create(fd, &t->more, MORE);
		t->more_err = vttm_try_fill(fd, &t->more, vttm_new_seed());
		exit(0);
	}
	st_wait(pid, "the writer in A");
	vttm_info(fd, &t->large, &info);
	resident = info.resident;
	oom_kills = cg_read_key("A", "memory.events", "oom_kill");
	printf("after A wrote %d MiB more: the large one has %" PRIu64 " KiB resident, %"
	       PRIu64 " KiB backed up; the write: %s; A's oom_kill %" PRIu64 "\n",
	       (int)(MORE / MiB), resident / KiB, (uint64_t)info.backed_up / KiB,
	       t->more_err ? strerror(t->more_err) : "done", oom_kills);
	if (t->more_err)
		st_fail("A's write of %d MiB more under its %d MiB limit failed with %s, "
			"with %" PRIu64 " KiB of its large buffer object still resident",
			(int)(MORE / MiB), (int)(A_LIMIT / MiB), strerror(t->more_err),
			resident / KiB);
	if (oom_kills)
		st_fail("A's memory.events oom_kill is %" PRIu64, oom_kills);
	if (resident + info.backed_up != LARGE)
		st_fail("the large buffer object: %" PRIu64 " bytes resident + %" PRIu64
			" backed up, want %" PRIu64 " in all", resident,
			(uint64_t)info.backed_up, LARGE);
	if (resident > A_LIMIT - MORE)
		st_fail("the large buffer object keeps %" PRIu64 " KiB resident beside the %d MiB "
			"written; want at most %" PRIu64 " KiB", resident / KiB,
			(int)(MORE / MiB), (A_LIMIT - MORE) / KiB);
	vttm_info(fd, &t->more, &info);
	if (info.resident + info.backed_up != MORE)
		st_fail("the buffer object A wrote then: %" PRIu64 " bytes resident + %" PRIu64
			" backed up, want %" PRIu64 " in all", (uint64_t)info.resident,
			(uint64_t)info.backed_up, MORE);
	st_ok("A wrote %d MiB more: its large buffer object was reclaimed to %" PRIu64
	      " KiB resident, %" PRIu64 " KiB backed up; no OOM kill", (int)(MORE / MiB),
	      resident / KiB, (LARGE - resident) / KiB);

	vttm_verify(fd, &t->more, "A's second buffer object");
	vttm_close(fd, &t->more);
	vttm_verify(fd, &t->large, "A's large buffer object, after reclaim");
	vttm_expect_info(fd, &t->large, "A's large buffer object, read back", 0, LARGE);
	for (i = 0; i < B_BOS; i++) {
		vttm_expect_info(fd, &t->b[i], "a small buffer object of B's", 0, SMALL);
		vttm_verify(fd, &t->b[i], "a small buffer object of B's");
	}
	st_ok("the large buffer object reads back identical; B's are resident and identical");

	vttm_close(fd, &t->large);
	vttm_close_all(fd, t->b, B_BOS);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	cg_expect_key("B", "memory.stat", "gpu", 0);
	st_ok("all destroyed: A's and B's gpu back to 0");
	close(fd);
	cg_remove("A");
	cg_remove("B");
	return 0;
}
