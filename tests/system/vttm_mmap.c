// SPDX-License-Identifier: GPL-2.0
/*
 * vttm's buffer objects through CPU mappings: a fault populates and charges
 * the buffer object to its creator's cgroup; memory.reclaim of that cgroup
 * backs it up (there is swap), which takes the pages out of the mapping;
 * touching the mapping again restores them, byte-identical, and charges
 * them again. With the cgroup at its limit and no way to reclaim, a fault
 * gets SIGBUS, as the UAPI says, and the buffer object stays intact.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define BO_SIZE (4 << 20)

static uint32_t word(size_t i)
{
	return (uint32_t)i * 2654435761u ^ 0x5a5a5a5au;
}

static uint32_t *map_bo(int fd, const struct vttm_bo *bo)
{
	return vttm_map(fd, bo, PROT_READ | PROT_WRITE);
}

static sigjmp_buf fault_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Write one word at @p; return whether it got SIGBUS instead. */
static bool write_gets_sigbus(volatile uint32_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool bus = false;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(fault_jmp, 1))
		bus = true;
	else
		*p = 1;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

int main(void)
{
	struct drm_vttm_bo_info info;
	struct vttm_bo bo, big;
	size_t i, words = BO_SIZE / 4;
	uint32_t *map;
	char buf[32];
	int fd;

	cg_write("", "cgroup.subtree_control", "+memory");
	cg_create("A");
	cg_enter("A", 0);
	vttm_load();
	fd = vttm_open();

	vttm_create(fd, &bo, BO_SIZE);
	map = map_bo(fd, &bo);
	for (i = 0; i < words; ++i)
		map[i] = word(i);
	vttm_info(fd, &bo, &info);
	if (info.resident != BO_SIZE)
		st_fail("after faults: %llu bytes resident, want %d",
			(unsigned long long)info.resident, BO_SIZE);
	cg_expect_key("A", "memory.stat", "gpu", BO_SIZE);
	st_ok("written through a mapping: resident and charged to A (gpu %d)",
	      BO_SIZE);

	/* Proactive reclaim of A backs the buffer object up. */
	snprintf(buf, sizeof(buf), "%d", BO_SIZE);
	cg_write("A", "memory.reclaim", buf);
	vttm_info(fd, &bo, &info);
	if (info.backed_up != BO_SIZE || info.resident)
		st_fail("after memory.reclaim: %llu bytes backed up, %llu resident; want all backed up",
			(unsigned long long)info.backed_up,
			(unsigned long long)info.resident);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	st_ok("memory.reclaim of A backed it up: gpu 0");

	for (i = 0; i < words; ++i) {
		if (map[i] != word(i))
			st_fail("word %zu reads %#x after restore, want %#x", i,
				map[i], word(i));
	}
	vttm_info(fd, &bo, &info);
	if (info.resident != BO_SIZE || info.backed_up)
		st_fail("after touching the mapping: %llu resident, %llu backed up",
			(unsigned long long)info.resident,
			(unsigned long long)info.backed_up);
	cg_expect_key("A", "memory.stat", "gpu", BO_SIZE);
	st_ok("read back through the mapping: restored, identical, charged again");

	/*
	 * A limit 2 MiB above what A uses, and no swap for A: reclaim may
	 * back the first buffer object up, but its copy stays in A's shmem,
	 * so a second one's first fault (4 MiB) cannot be charged.
	 */
	vttm_create(fd, &big, BO_SIZE);
	{
		uint32_t *map2 = map_bo(fd, &big);
		uint64_t cur = cg_read_u64("A", "memory.current");

		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)cur + BO_SIZE / 2);
		cg_write("A", "memory.max", buf);
		cg_write("A", "memory.swap.max", "0");
		if (!write_gets_sigbus(map2))
			st_fail("a fault beyond memory.max did not get SIGBUS");
		vttm_info(fd, &big, &info);
		if (info.resident)
			st_fail("the refused buffer object has %llu bytes resident",
				(unsigned long long)info.resident);
		munmap(map2, BO_SIZE);
	}
	cg_write("A", "memory.max", "max");
	for (i = 0; i < words; ++i) {
		if (map[i] != word(i))
			st_fail("word %zu of the first buffer object changed", i);
	}
	st_ok("a fault that A cannot be charged for gets SIGBUS; nothing else changes");

	munmap(map, BO_SIZE);
	vttm_close(fd, &big);
	vttm_close(fd, &bo);
	cg_expect_key("A", "memory.stat", "gpu", 0);
	close(fd);
	st_ok("destroyed: gpu 0");
	return 0;
}
