// SPDX-License-Identifier: GPL-2.0
/*
 * When the cgroup that created buffer objects is removed while they live,
 * they stay charged to its parent: the parent's gpu does not move, BO_INFO
 * names the parent as owner, the content is intact, and destroying them
 * uncharges the parent. Twice: the creator exits after handing its DRM fd
 * over to a process elsewhere; the creator moves to another cgroup itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

/* Not all powers of two; the smallest (97 pages) is still over 64 pages. */
static const uint64_t sizes[] = { 1 * MiB, 3 * MiB, 97 * 4 * KiB, 2 * MiB };
#define NR_BOS ARRAY_SIZE(sizes)
/* Created in P/A2 and first written after P/A2 is gone. */
#define LATE_SIZE (1 * MiB)

struct bos {
	uint64_t total;
	struct vttm_bo bo[NR_BOS];
};

static void create_and_fill(int fd, struct bos *b)
{
	size_t i;

	b->total = 0;
	for (i = 0; i < NR_BOS; i++) {
		vttm_create(fd, &b->bo[i], sizes[i]);
		vttm_fill(fd, &b->bo[i]);
		b->total += sizes[i];
	}
}

/*
 * Wait for BO to be charged to cgroup ID (in full): reparenting follows
 * the rmdir, after an RCU grace period.
 */
static void expect_owner(int fd, const struct vttm_bo *bo, const char *name)
{
	struct drm_vttm_bo_info info;
	uint64_t id = cg_id(name);
	int i;

	for (i = 0; i < 50; i++) {
		vttm_info(fd, bo, &info);
		if (info.owner_cgroup_id == id)
			break;
		st_sleep_ms(100);
	}
	if (info.owner_cgroup_id != id || info.resident != bo->size || info.backed_up)
		st_fail("buffer object of %" PRIu64 " bytes: owner %" PRIu64 ", %" PRIu64
			" bytes resident, %" PRIu64 " backed up; want owner %s (%" PRIu64
			"), all resident", bo->size, (uint64_t)info.owner_cgroup_id,
			(uint64_t)info.resident, (uint64_t)info.backed_up, name, id);
}

/* gpu of P (and of P/A, unless NULL); B's is 0 (see vttm_charge.c). */
static void expect_gpu(const char *child, uint64_t want)
{
	uint64_t b;

	if (child)
		cg_expect_key(child, "memory.stat", "gpu", want);
	cg_expect_key("P", "memory.stat", "gpu", want);
	b = cg_read_key("B", "memory.stat", "gpu");
	if (b)
		st_fail("B's gpu is %" PRIu64 ", want 0", b);
}

/* After the creator's cgroup is gone: P owns B's buffer objects. */
static void check_reparented(int fd, struct bos *b, const char *what)
{
	size_t i;

	for (i = 0; i < NR_BOS; i++)
		expect_owner(fd, &b->bo[i], "P");
	expect_gpu(NULL, b->total);
	for (i = 0; i < NR_BOS; i++)
		vttm_verify(fd, &b->bo[i], what);
}

/* The creator in P/A exits; its fd lives on in this process, in B. */
static void creator_exits(void)
{
	struct drm_vttm_bo_info info;
	struct bos b;
	size_t i;
	pid_t pid;
	int sv[2], fd;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		st_fail("socketpair: %s", strerror(errno));
	pid = st_fork("P/A");
	if (!pid) {
		close(sv[0]);
		fd = vttm_open();
		vttm_prefault();
		create_and_fill(fd, &b);
		st_send_fd(sv[1], fd, &b, sizeof(b));
		exit(0);
	}
	close(sv[1]);
	fd = st_recv_fd(sv[0], &b, sizeof(b));
	close(sv[0]);
	st_wait(pid, "the creator in P/A");

	for (i = 0; i < NR_BOS; i++)
		expect_owner(fd, &b.bo[i], "P/A");
	expect_gpu("P/A", b.total);
	/* Purgeable while on P/A's list, to see that the list moves to P. */
	vttm_madvise(fd, &b.bo[NR_BOS - 1], DRM_VTTM_MADV_DONTNEED);
	cg_remove("P/A");
	check_reparented(fd, &b, "created in the removed P/A");
	st_ok("creator exited, P/A removed: %zu buffer objects of %" PRIu64
	      " bytes owned by P, P's gpu unchanged, content intact", NR_BOS, b.total);

	/* Reclaim of P finds it on P's list now, and nothing else goes. */
	cg_write("P", "memory.reclaim", "1M");
	vttm_info(fd, &b.bo[NR_BOS - 1], &info);
	if (info.resident || !(info.flags & DRM_VTTM_BO_PURGED))
		st_fail("after memory.reclaim of P: the DONTNEED buffer object of the removed"
			" P/A has %" PRIu64 " bytes resident, flags %#x; want purged",
			(uint64_t)info.resident, info.flags);
	b.total -= b.bo[NR_BOS - 1].size;
	expect_gpu(NULL, b.total);
	if (vttm_madvise(fd, &b.bo[NR_BOS - 1], DRM_VTTM_MADV_WILLNEED))
		st_fail("the purged buffer object reports its content retained");
	b.bo[NR_BOS - 1].seed = 0;
	for (i = 0; i < NR_BOS; i++)
		vttm_verify(fd, &b.bo[i], "after memory.reclaim of P");
	st_ok("memory.reclaim of P purged the DONTNEED one from the removed P/A (its list"
	      " moved to P), the others intact");
	vttm_close_all(fd, b.bo, NR_BOS);
	expect_gpu(NULL, 0);
	close(fd);
	st_ok("destroyed through the fd passed on: P's gpu back to 0");
}

/* The creator moves from P/A2 to B, then removes P/A2 itself. */
static void creator_moves(void)
{
	struct vttm_bo late;
	struct bos b;
	size_t i;
	pid_t pid;
	int fd;

	cg_create("P/A2");
	pid = st_fork("P/A2");
	if (pid) {
		st_wait(pid, "the creator that moved to B");
		return;
	}
	fd = vttm_open();
	vttm_prefault();
	create_and_fill(fd, &b);
	vttm_create(fd, &late, LATE_SIZE);
	for (i = 0; i < NR_BOS; i++)
		expect_owner(fd, &b.bo[i], "P/A2");
	expect_gpu("P/A2", b.total);

	cg_enter("B", getpid());
	cg_remove("P/A2");
	check_reparented(fd, &b, "created in P/A2, then moved");
	st_ok("creator moved to B, P/A2 removed: %zu buffer objects of %" PRIu64
	      " bytes owned by P, P's gpu unchanged, content intact", NR_BOS, b.total);

	/* Written first now, from B: it is charged to what became its owner. */
	vttm_fill(fd, &late);
	expect_owner(fd, &late, "P");
	expect_gpu(NULL, b.total + LATE_SIZE);
	vttm_verify(fd, &late, "created in P/A2, written from B after its removal");
	st_ok("a buffer object created in the removed P/A2, written from B, is charged to P");

	vttm_close_all(fd, b.bo, NR_BOS);
	vttm_close(fd, &late);
	expect_gpu(NULL, 0);
	close(fd);
	st_ok("destroyed: P's gpu back to 0");
	exit(0);
}

int main(void)
{
	vttm_load();
	cg_create("P");
	cg_write("P", "cgroup.subtree_control", "+memory");
	cg_create("P/A");
	cg_create("B");
	/* The process that inherits the buffer objects lives in B. */
	cg_enter("B", getpid());

	creator_exits();
	creator_moves();

	cg_enter("", getpid());
	cg_remove("P");
	cg_remove("B");
	return 0;
}
