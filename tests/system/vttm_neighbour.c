// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel does on its own behalf never fails on a tenant's limit
 * (docs/memcg.md, "Who pays"). B (memory.max 48M, memory.swap.max 0) holds
 * all of vttm's 64 MiB of VRAM and fills its memory.max with anonymous
 * memory, so that no page more can be charged to it:
 *
 * - A, with no limit, creates a 4 MiB bo for VRAM: that evicts B's oldest
 *   bo into system memory, charged to B past its limit. A's create
 *   succeeds and the kernel log has no "eviction failed".
 * - vttm's evict_all (what suspend does on a discrete GPU) moves every bo
 *   out of VRAM with B at its limit.
 * - D, at its limit with memory.swap.max 0 after its two bos were backed
 *   up, shares them: a process in cgroup C reads one (pread) and maps the
 *   other; both restores are charged to D, never fail, and read back what
 *   D wrote. A fault by D itself at its limit still fails (vttm-mmap).
 * - Every bo of B's reads back what B wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 * MiB)
#define NB 16		/* B's bos: all of VRAM */

struct shared {
	struct vttm_bo b[NB];
	struct vttm_bo a;
	struct vttm_bo d[2];
};

/*
 * Touch anonymous memory in this process, which is in cgroup CG, until CG's
 * memory.current is within 1 MiB of its memory.max (no swap: it stays).
 */
static void fill_to_limit(const char *cg)
{
	uint64_t max = cg_read_u64(cg, "memory.max");
	size_t len = 64 * MiB, off;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		st_fail("mmap: %s", strerror(errno));
	for (off = 0; off < len && cg_read_u64(cg, "memory.current") + MiB < max;
	     off += 64 * KiB)
		memset(p + off, 1, 64 * KiB);
}

/*
 * Fork a process into cgroup CG that runs FN, then fills CG to its limit
 * and holds it there until it reads from the returned pipe's other end
 * (or it is closed). Return the write end.
 */
static int hold_at_limit(const char *cg, void (*fn)(int), int fd, pid_t *pid)
{
	int ready[2], go[2];
	char c;

	if (pipe(ready) || pipe(go))
		st_fail("pipe: %s", strerror(errno));
	*pid = st_fork(cg);
	if (!*pid) {
		close(ready[0]);
		close(go[1]);
		vttm_prefault();
		if (fn)
			fn(fd);
		fill_to_limit(cg);
		if (write(ready[1], "r", 1) != 1)
			exit(1);
		(void)!read(go[0], &c, 1);
		exit(0);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		st_fail("the process holding %s at its limit died", cg);
	close(ready[0]);
	return go[1];
}

static struct shared *sh;

/*
 * End the process holding cgroup CG at its limit. Charged past its limit by
 * the kernel's work, CG may have OOM-killed it meanwhile: that is CG's own
 * reclaim pushing it back (its memory.events says so), not a failure.
 */
static void release_holder(const char *cg, int go, pid_t pid)
{
	int status;

	close(go);
	if (waitpid(pid, &status, 0) != pid)
		st_fail("waitpid %s's holder: %s", cg, strerror(errno));
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    cg_read_key(cg, "memory.events", "oom_kill"))
		st_ok("%s, pushed past its limit, OOM-killed its own holder (memory.events "
		      "oom_kill %" PRIu64 ")", cg, cg_read_key(cg, "memory.events", "oom_kill"));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("%s's holder failed (status %#x)", cg, status);
}

static void create_b(int fd)
{
	int i;

	for (i = 0; i < NB; i++) {
		vttm_create_vram(fd, &sh->b[i], BO_SIZE);
		vttm_fill(fd, &sh->b[i]);
	}
}

static bool in_vram(int fd, const struct vttm_bo *bo)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, bo, &info);
	return info.flags & DRM_VTTM_BO_VRAM;
}

static int count_in_vram(int fd, const struct vttm_bo *bos, int n)
{
	int i, in = 0;

	for (i = 0; i < n; i++)
		in += in_vram(fd, &bos[i]);
	return in;
}

/* Whether the kernel log says an eviction failed. */
static bool log_has_eviction_failure(void)
{
	return system("dmesg | grep -q 'eviction failed'") == 0;
}

/* Write "1" to vttm's debugfs evict_all: move every bo out of VRAM. */
static void evict_all(void)
{
	char path[256];
	FILE *f;
	int ret;

	if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) && errno != EBUSY)
		st_fail("mount debugfs: %s", strerror(errno));
	f = popen("ls -d /sys/kernel/debug/dri/*/vttm_evict_all | head -n 1", "r");
	if (!f || !fgets(path, sizeof(path), f))
		st_fail("no vttm_evict_all in /sys/kernel/debug/dri");
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	f = fopen(path, "w");
	if (!f)
		st_fail("open %s: %s", path, strerror(errno));
	ret = fputs("1", f) < 0 ? errno : 0;
	if (fclose(f) && !ret)
		ret = errno;
	if (ret)
		st_fail("evict_all with B at its limit: %s", strerror(ret));
}

static void neighbour_eviction(int fd)
{
	pid_t holder, pid;
	int go;
	uint64_t events;

	cg_create("B");
	cg_write("B", "memory.max", "48M");
	cg_write("B", "memory.swap.max", "0");
	go = hold_at_limit("B", create_b, fd, &holder);
	if (count_in_vram(fd, sh->b, NB) != NB)
		st_fail("B's %d bos are not all in VRAM", NB);
	events = cg_read_key("B", "memory.events", "max");

	cg_create("A");
	pid = st_fork("A");
	if (!pid) {
		uint32_t handle;
		int ret;

		vttm_prefault();
		ret = vttm_create_raw(fd, BO_SIZE, DRM_VTTM_CREATE_VRAM, &handle);
		if (ret)
			st_fail("A's bo for VRAM, with B at its limit: %s", strerror(ret));
		sh->a.handle = handle;
		sh->a.size = BO_SIZE;
		vttm_fill(fd, &sh->a);
		exit(0);
	}
	st_wait(pid, "A's allocation");
	if (!in_vram(fd, &sh->a))
		st_fail("A's bo is not in VRAM");
	if (count_in_vram(fd, sh->b, NB) != NB - 1)
		st_fail("%d of B's bos left VRAM, want 1", NB - count_in_vram(fd, sh->b, NB));
	if (log_has_eviction_failure())
		st_fail("the kernel log says an eviction failed");
	st_ok("A (no limit) created a 4 MiB bo in VRAM held by B at its limit: "
	      "B's oldest bo was evicted and charged to B past memory.max "
	      "(memory.events max %" PRIu64 " -> %" PRIu64 ", memory.current %" PRIu64
	      " KiB of %" PRIu64 "), no eviction failed",
	      events, cg_read_key("B", "memory.events", "max"),
	      cg_read_u64("B", "memory.current") / KiB,
	      cg_read_u64("B", "memory.max") / KiB);

	evict_all();
	if (count_in_vram(fd, sh->b, NB) || in_vram(fd, &sh->a))
		st_fail("evict_all left bos in VRAM");
	if (log_has_eviction_failure())
		st_fail("the kernel log says an eviction failed");
	st_ok("evict_all (suspend's eviction) moved all %d bos out of VRAM with B at its limit",
	      NB + 1);

	release_holder("B", go, holder);
	for (int i = 0; i < NB; i++)
		vttm_verify(fd, &sh->b[i], "B's bo after eviction");
	vttm_verify(fd, &sh->a, "A's bo after eviction");
	st_ok("B's %d bos and A's read back intact", NB);
	vttm_close_all(fd, sh->b, NB);
	vttm_close(fd, &sh->a);
	cg_remove("A");
	cg_remove("B");
}

static void create_d(int fd)
{
	int i;

	for (i = 0; i < 2; i++) {
		vttm_create(fd, &sh->d[i], BO_SIZE);
		vttm_fill(fd, &sh->d[i]);
	}
}

static void expect_backed_up(int fd, const struct vttm_bo *bo)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, bo, &info);
	if (info.resident)
		st_fail("D's bo %u: %" PRIu64 " bytes resident after memory.reclaim, want 0",
			bo->handle, (uint64_t)info.resident);
}

static void importer_restore(int fd)
{
	pid_t pid, holder;
	int go, i;
	FILE *f;

	cg_create("D");
	pid = st_fork("D");
	if (!pid) {
		vttm_prefault();
		create_d(fd);
		exit(0);
	}
	st_wait(pid, "D's creator");
	/*
	 * Both bos to swap (memory.reclaim says EAGAIN when it falls short of
	 * what was asked: the bos' state is what counts), then no more swap
	 * and no room for D.
	 */
	f = fopen(CGROUP_ROOT "/D/memory.reclaim", "w");
	if (!f)
		st_fail("open D's memory.reclaim: %s", strerror(errno));
	fputs("8M", f);
	fclose(f);
	for (i = 0; i < 2; i++)
		expect_backed_up(fd, &sh->d[i]);
	cg_write("D", "memory.swap.max", "0");
	cg_write("D", "memory.max", "32M");
	go = hold_at_limit("D", NULL, fd, &holder);

	cg_create("C");
	pid = st_fork("C");
	if (!pid) {
		const void *map;

		vttm_prefault();
		vttm_verify(fd, &sh->d[0], "C's pread of D's backed-up bo, D at its limit");
		map = vttm_map(fd, &sh->d[1], PROT_READ);
		/* SIGBUS here if the restore were refused. */
		vttm_verify_mapped(&sh->d[1], map, "C's mapping of D's backed-up bo, D at its limit");
		exit(0);
	}
	st_wait(pid, "C, reading D's bos");
	st_ok("C read D's two backed-up bos (pread and a mapping) with D at its limit "
	      "and memory.swap.max 0: restores charged to D (memory.current %" PRIu64
	      " KiB of %" PRIu64 "), intact",
	      cg_read_u64("D", "memory.current") / KiB, cg_read_u64("D", "memory.max") / KiB);
	release_holder("D", go, holder);
	vttm_close_all(fd, sh->d, 2);
	cg_remove("C");
	cg_remove("D");
}

int main(void)
{
	int fd;

	cg_write("", "cgroup.subtree_control", "+memory");
	vttm_load();
	fd = vttm_open();
	sh = st_shared(sizeof(*sh));
	neighbour_eviction(fd);
	importer_restore(fd);
	close(fd);
	return 0;
}
