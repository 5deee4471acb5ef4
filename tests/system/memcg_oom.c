// SPDX-License-Identifier: GPL-2.0
/*
 * The harness's proof on plain 6.12: a process that allocates beyond its
 * cgroup's memory.max (and may not swap) is killed by the memcg OOM killer,
 * which memory.events counts, while the rest of the system goes on.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systest.h"

#define LIMIT (32UL << 20)
#define WANT (4 * LIMIT)

int main(void)
{
	int status;
	pid_t pid;

	cg_create("oom");
	cg_write("oom", "memory.max", "32M");
	cg_write("oom", "memory.swap.max", "0");
	if (cg_read_u64("oom", "memory.max") != LIMIT)
		st_fail("memory.max reads back %llu",
			(unsigned long long)cg_read_u64("oom", "memory.max"));

	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		volatile char *p;
		size_t i;

		cg_enter("oom", getpid());
		p = malloc(WANT);
		if (!p)
			_exit(2);
		/* volatile: the compiler may not drop these stores. */
		for (i = 0; i < WANT; i += 4096)
			p[i] = 0x5a;
		_exit(0);	/* not reached when the limit holds */
	}
	if (waitpid(pid, &status, 0) != pid)
		st_fail("waitpid: %s", strerror(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		st_fail("child touching %lu MiB under a 32 MiB limit was not OOM-killed (status %#x)",
			WANT >> 20, status);
	st_ok("child killed by SIGKILL");

	if (cg_read_key("oom", "memory.events", "oom_kill") != 1)
		st_fail("memory.events oom_kill = %llu, want 1",
			(unsigned long long)cg_read_key("oom", "memory.events", "oom_kill"));
	if (cg_read_key("oom", "memory.events", "oom") < 1)
		st_fail("memory.events oom = 0");
	if (cg_read_key("oom", "memory.events", "max") < 1)
		st_fail("memory.events max = 0");
	st_ok("memory.events: oom_kill 1, oom %llu, max %llu",
	      (unsigned long long)cg_read_key("oom", "memory.events", "oom"),
	      (unsigned long long)cg_read_key("oom", "memory.events", "max"));
	/* The killed child's memory is uncharged; a few kernel pages may stay. */
	if (cg_read_u64("oom", "memory.current") >= (1UL << 20))
		st_fail("memory.current of the empty cgroup is %llu",
			(unsigned long long)cg_read_u64("oom", "memory.current"));
	cg_remove("oom");
	st_ok("the child's memory was uncharged and the cgroup removed");
	return 0;
}
