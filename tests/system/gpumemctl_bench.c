// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl's benchmark (not a test; run by "scripts/bench gpumemctl"):
 *
 *  - `gpumemctl -j show` over all cgroups with 1k and 10k memory cgroups:
 *    wall time (median of RUNS), its peak RSS, and the netlink messages and
 *    bytes of the one dump it makes (counted by a dump of our own); against
 *    the baseline of a cAdvisor-style agent: reading every cgroup's
 *    memory.stat;
 *  - policy set latency: one POLICY_SET over netlink (median of SETS), and
 *    a whole `gpumemctl set` process, beside a write to memory.max as the
 *    baseline of a cgroup setting.
 *
 * Figures are "bench:" lines; there is no pass or fail.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gpumem.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "gmnl.h"
#include "systest.h"

#define RUNS 5
#define SETS 200

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

/* Run ARGV with stdout to /dev/null; its wall time in ns and peak RSS in KiB. */
static uint64_t run(char *const argv[], long *maxrss_kib)
{
	struct rusage ru;
	uint64_t start = st_now_ns();
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (!pid) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		st_fail("%s %s failed (status %#x)", argv[0], argv[1], status);
	if (maxrss_kib)
		*maxrss_kib = ru.ru_maxrss;
	return st_now_ns() - start;
}

struct dump_count {
	unsigned long msgs;
	unsigned long bytes;
};

static int count_msg(struct nl_msg *msg, void *arg)
{
	struct dump_count *c = arg;

	c->msgs++;
	c->bytes += nlmsg_hdr(msg)->nlmsg_len;
	return NL_OK;
}

/* A gpumem socket with room for a dump of 10k cgroups. */
static struct nl_sock *nl_open(int *family)
{
	struct nl_sock *sk = gmnl_open(family);

	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	return sk;
}

/* Dump CMD and count its messages and bytes. */
static void dump(struct nl_sock *sk, int family, int cmd,
		 struct dump_count *c)
{
	int err;

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, count_msg, c);
	err = genl_send_simple(sk, family, cmd, GPUMEM_FAMILY_VERSION,
			       NLM_F_DUMP);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	if (err < 0)
		st_fail("dump %d: %s", cmd, nl_geterror(err));
}

/*
 * The baseline: read the memory.stat of the root, of bench and of its
 * first N - 2 children, as an agent that knows nothing of gpumem does.
 */
static uint64_t read_memory_stats(int n)
{
	static char buf[16384];
	char path[128];
	uint64_t start = st_now_ns();
	FILE *f;
	int i;

	for (i = -2; i < n - 2; i++) {
		if (i == -2)
			snprintf(path, sizeof(path), CGROUP_ROOT "/memory.stat");
		else if (i == -1)
			snprintf(path, sizeof(path), CGROUP_ROOT "/bench/memory.stat");
		else
			snprintf(path, sizeof(path), CGROUP_ROOT "/bench/c%d/memory.stat", i);
		f = fopen(path, "r");
		if (!f)
			st_fail("open %s: %s", path, strerror(errno));
		while (fread(buf, 1, sizeof(buf), f) > 0)
			;
		fclose(f);
	}
	return st_now_ns() - start;
}

static void create_cgroups(int from, int to)
{
	char name[64];
	int i;

	for (i = from; i < to; i++) {
		snprintf(name, sizeof(name), "bench/c%d", i);
		cg_create(name);
	}
}

static void bench_show(struct nl_sock *sk, int family, int n)
{
	char *argv[] = { GPUMEMCTL, "-j", "show", NULL };
	struct dump_count c = {};
	uint64_t t[RUNS];
	long rss = 0;
	int i;

	uint64_t d[RUNS], m[RUNS], dumps, stats, show;

	/*
	 * In turn: the kernel's part (the one dump show makes, without
	 * gpumemctl), the baseline, gpumemctl.
	 */
	for (i = 0; i < RUNS; i++) {
		uint64_t start = st_now_ns();

		c = (struct dump_count){};
		dump(sk, family, GPUMEM_CMD_STATS_GET, &c);
		d[i] = st_now_ns() - start;
		m[i] = read_memory_stats(n);
		t[i] = run(argv, &rss);
	}
	dumps = median(d, RUNS);
	stats = median(m, RUNS);
	show = median(t, RUNS);
	printf("bench: show -j, %d cgroups: median %.1f ms (of %d), peak RSS %ld KiB; its dump alone %.1f ms (%.0f%%), %lu netlink messages, %lu KiB; reading the %d memory.stat files %.1f ms: ratio memory.stat/show %.1fx\n",
	       n, show / 1e6, RUNS, rss, dumps / 1e6, 100.0 * dumps / show,
	       c.msgs, c.bytes / 1024, n, stats / 1e6, (double)stats / show);
}

static uint64_t bench_set_netlink(struct nl_sock *sk, int family, uint64_t id)
{
	uint64_t t[SETS];
	struct nl_msg *msg;
	int i, err;

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	for (i = 0; i < SETS; i++) {
		uint64_t start = st_now_ns();

		msg = nlmsg_alloc();
		if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
					 0, GPUMEM_CMD_POLICY_SET,
					 GPUMEM_FAMILY_VERSION) ||
		    nla_put_u64(msg, GPUMEM_A_CGROUP_ID, id) ||
		    nla_put_u64(msg, GPUMEM_A_CGROUP_SWAP_BUDGET,
				(uint64_t)(i + 1) << 20))
			st_fail("cannot build a message");
		err = nl_send_sync(sk, msg);
		if (err < 0)
			st_fail("policy set: %s", nl_geterror(err));
		t[i] = st_now_ns() - start;
	}
	return median(t, SETS);
}

static uint64_t bench_memory_max(void)
{
	uint64_t t[SETS];
	char value[32];
	int i;

	for (i = 0; i < SETS; i++) {
		uint64_t start = st_now_ns();

		snprintf(value, sizeof(value), "%d", (i + 1) << 20);
		cg_write("bench/c0", "memory.max", value);
		t[i] = st_now_ns() - start;
	}
	return median(t, SETS);
}

int main(void)
{
	char *set_argv[] = { GPUMEMCTL, "set", "/bench/c0", "swap-budget",
			     "1G", NULL };
	const int sizes[] = { 1000, 10000 };
	uint64_t t[RUNS], nl_set, mm;
	struct nl_sock *sk;
	int family, i, have = 0;

	sk = nl_open(&family);
	cg_create("bench");
	cg_write("bench", "cgroup.subtree_control", "+memory");

	/* The baseline: the same show with no cgroup but the root and bench. */
	bench_show(sk, family, 2);
	for (i = 0; i < (int)ARRAY_SIZE(sizes); i++) {
		uint64_t start = st_now_ns();

		create_cgroups(have, sizes[i]);
		printf("note: created %d cgroups in %.1f s\n", sizes[i] - have,
		       (st_now_ns() - start) / 1e9);
		have = sizes[i];
		bench_show(sk, family, have + 2);
	}

	nl_set = bench_set_netlink(sk, family, cg_id("bench/c0"));
	mm = bench_memory_max();
	for (i = 0; i < RUNS; i++)
		t[i] = run(set_argv, NULL);
	printf("bench: set latency: netlink POLICY_SET median %.1f us (of %d); memory.max write (baseline) %.1f us; ratio %.2fx\n",
	       nl_set / 1e3, SETS, mm / 1e3, (double)nl_set / mm);
	printf("bench: set latency: a whole `gpumemctl set` process median %.1f ms (of %d)\n",
	       median(t, RUNS) / 1e6, RUNS);
	nl_socket_free(sk);
	return 0;
}
