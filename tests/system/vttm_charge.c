// SPDX-License-Identifier: GPL-2.0
/*
 * vttm's buffer objects are charged to the memory cgroup of the task that
 * created them, from their first write to their destruction: memory.stat
 * "gpu" of that cgroup and its ancestors grows by exactly their size,
 * memory.current by at least that, and nobody else's moves, whoever writes
 * them. Bad input is refused and changes nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

/* Sizes of powers of two and not (387 pages), from one page to 4 MiB. */
static const uint64_t sizes[] = {
	4 * KiB, 12 * KiB, 64 * KiB, 1 * MiB, 387 * 4 * KiB, 4 * MiB,
};
#define NR_BOS ARRAY_SIZE(sizes)
/* The buffer object written from B. */
#define CROSS_SIZE (2 * MiB)

static void expect_errno(int got, int want, const char *what)
{
	if (got != want)
		st_fail("%s: %s, want %s", what, got ? strerror(got) : "success",
			strerror(want));
}

/*
 * memory.stat is flushed on read once 64 pages per cpu are pending: a
 * wrong charge of one of our buffer objects to B would show at once, so B
 * is read without polling, after the right figures have been seen.
 */
static void expect_gpu(uint64_t a)
{
	uint64_t b;

	cg_expect_key("A", "memory.stat", "gpu", a);
	cg_expect_key("", "memory.stat", "gpu", a);
	b = cg_read_key("B", "memory.stat", "gpu");
	if (b)
		st_fail("B's gpu is %" PRIu64 ", want 0", b);
}

static void expect_info(int fd, const struct vttm_bo *bo, uint64_t resident,
			uint64_t owner)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, bo, &info);
	if (info.resident != resident || info.backed_up || info.flags ||
	    (resident && info.owner_cgroup_id != owner))
		st_fail("buffer object of %" PRIu64 " bytes: resident %" PRIu64
			", backed_up %" PRIu64 ", flags %#x, owner %" PRIu64
			"; want resident %" PRIu64 ", nothing backed up, flags 0, owner %"
			PRIu64, bo->size, (uint64_t)info.resident, (uint64_t)info.backed_up,
			info.flags, (uint64_t)info.owner_cgroup_id, resident, owner);
}

/* A's buffer object CROSS, created but not written, is filled from B. */
static void write_from_b(int fd, struct vttm_bo *cross, uint64_t a_total)
{
	uint64_t seed = vttm_new_seed();
	pid_t pid = st_fork("B");

	if (!pid) {
		vttm_prefault();
		if (vttm_try_fill(fd, cross, seed))
			st_fail("fill A's buffer object from B");
		vttm_verify(fd, cross, "written from B, read from B");
		exit(0);
	}
	st_wait(pid, "the writer in B");
	cross->seed = seed;
	expect_gpu(a_total);
}

/* Refused input changes nothing; FILLED is a filled buffer object. */
static void bad_input(int fd, const struct vttm_bo *filled, uint64_t a_total)
{
	static char buf[3 * 4096];
	struct drm_vttm_bo_rw rw;
	struct drm_vttm_bo_info info;
	struct vttm_bo empty, gone;
	uint32_t handle;
	int i, ret;

	expect_errno(vttm_create_raw(fd, 0, 0, &handle), EINVAL, "create of size 0");
	expect_errno(vttm_create_raw(fd, 4096 + 512, 0, &handle), EINVAL,
		     "create of 4608 bytes");
	expect_errno(vttm_create_raw(fd, 4096, 2, &handle), EINVAL,
		     "create with flags 2 (unknown)");

	/* Out of range: refused before any page is made resident. */
	vttm_create(fd, &empty, 2 * 4096);
	expect_errno(vttm_pwrite_raw(fd, empty.handle, 4096, buf, 2 * 4096), EINVAL,
		     "pwrite of 8 KiB at 4 KiB into 8 KiB");
	expect_errno(vttm_pwrite_raw(fd, empty.handle, 3 * 4096, buf, 1), EINVAL,
		     "pwrite at 12 KiB into 8 KiB");
	expect_errno(vttm_pread_raw(fd, empty.handle, 0, buf, 3 * 4096), EINVAL,
		     "pread of 12 KiB from 8 KiB");
	rw = (struct drm_vttm_bo_rw){
		.handle = empty.handle, .pad = 1, .size = 4096,
		.data_ptr = (uintptr_t)buf,
	};
	ret = ioctl(fd, DRM_IOCTL_VTTM_BO_PWRITE, &rw) ? errno : 0;
	expect_errno(ret, EINVAL, "pwrite with pad 1");
	expect_info(fd, &empty, 0, 0);

	/* Handles that name nothing: one closed, one never given out. */
	vttm_create(fd, &gone, 4096);
	vttm_close(fd, &gone);
	for (i = 0; i < 2; i++) {
		uint32_t h = i ? 0x7fffffff : gone.handle;

		expect_errno(vttm_pwrite_raw(fd, h, 0, buf, 4096), ENOENT,
			     "pwrite to an unknown handle");
		expect_errno(vttm_pread_raw(fd, h, 0, buf, 4096), ENOENT,
			     "pread from an unknown handle");
		expect_errno(vttm_madvise_raw(fd, h, DRM_VTTM_MADV_DONTNEED, NULL),
			     ENOENT, "madvise of an unknown handle");
		expect_errno(vttm_info_raw(fd, h, &info), ENOENT,
			     "info of an unknown handle");
		/* DRM's GEM_CLOSE says EINVAL for a handle it does not know. */
		expect_errno(vttm_close_raw(fd, h), EINVAL,
			     "GEM_CLOSE of an unknown handle");
	}

	expect_errno(vttm_madvise_raw(fd, filled->handle, 7, NULL), EINVAL,
		     "madvise 7");
	expect_info(fd, filled, filled->size, cg_id("A"));
	vttm_verify(fd, filled, "after refused input");
	vttm_close(fd, &empty);
	expect_gpu(a_total);
	st_ok("bad input refused: create of size 0, unaligned or with flags, "
	      "pwrite/pread out of range, pad set, unknown handles, madvise 7; "
	      "nothing charged or changed");
}

/* The creator: everything runs in A, from this process's point of view. */
static void creator(int fd)
{
	struct vttm_bo bos[NR_BOS], cross;
	uint64_t a_id = cg_id("A"), base, total = 0;
	size_t i;

	/* Our own memory is in place before the baseline. */
	vttm_prefault();
	expect_gpu(0);
	base = cg_read_u64("A", "memory.current");

	for (i = 0; i < NR_BOS; i++) {
		vttm_create(fd, &bos[i], sizes[i]);
		expect_info(fd, &bos[i], 0, a_id);
		total += sizes[i];
	}
	expect_gpu(0);
	cg_expect_current("A", base, 0);
	st_ok("%zu buffer objects of %" PRIu64 " bytes created: nothing charged",
	      NR_BOS, total);

	for (i = 0; i < NR_BOS; i++)
		vttm_fill(fd, &bos[i]);
	expect_gpu(total);
	cg_expect_current("A", base, total);
	for (i = 0; i < NR_BOS; i++) {
		expect_info(fd, &bos[i], sizes[i], a_id);
		vttm_verify(fd, &bos[i], "filled in A");
	}
	st_ok("filled: A's and the root's gpu are %" PRIu64 ", B's 0; memory.current "
	      "of A grew by that; every buffer object resident, owned by A (id %" PRIu64 ")",
	      total, a_id);

	vttm_create(fd, &cross, CROSS_SIZE);
	write_from_b(fd, &cross, total + CROSS_SIZE);
	expect_info(fd, &cross, CROSS_SIZE, a_id);
	vttm_verify(fd, &cross, "written from B, read from A");
	total += CROSS_SIZE;
	cg_expect_current("A", base, total);
	st_ok("a buffer object created in A and written from B is charged to A: "
	      "A's gpu %" PRIu64 ", B's 0", total);

	bad_input(fd, &bos[0], total);

	vttm_close_all(fd, bos, NR_BOS);
	vttm_close(fd, &cross);
	expect_gpu(0);
	cg_expect_current("A", base, 0);
	st_ok("all destroyed: gpu back to 0, memory.current of A to its start");
}

int main(void)
{
	pid_t pid;
	int fd;

	vttm_load();
	cg_create("A");
	cg_create("B");
	/* Opened here; creating in A is what charges A. */
	fd = vttm_open();
	pid = st_fork("A");
	if (!pid) {
		creator(fd);
		exit(0);
	}
	st_wait(pid, "the creator in A");
	close(fd);
	cg_remove("A");
	cg_remove("B");
	return 0;
}
