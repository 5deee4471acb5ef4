// SPDX-License-Identifier: GPL-2.0
/*
 * vttm's benchmark: not a test (no figure fails it), but a program run as the
 * only job of a UML guest by scripts/bench. It prints one line per figure,
 * each starting with "bench:"; lines starting with "note:" say what it is
 * doing or what looked odd. What each figure means is in docs/benchmarks.md.
 *
 * 1. The cost of charging: create, fill and destroy buffer objects with the
 *    module's memcg_account on and off.
 * 2. Reclaim throughput: memory.reclaim of a cgroup holding 64 MiB of buffer
 *    objects, backed up to swap or, marked DONTNEED, purged; against two
 *    baselines: write() of as many bytes into a tmpfs file, and
 *    memory.reclaim of such a file (tmpfs to swap).
 * 3. The shrinker's work per freed buffer object with 1k, 10k and 100k
 *    buffer objects of 4 KiB marked DONTNEED on the cgroup's LRU, and with
 *    1k in another cgroup beside the 100k (the control); and what the
 *    backup storage TTM sets up when a buffer object is first populated
 *    costs in kernel objects.
 * 4. Allocation latency in VRAM: create buffer objects in VRAM with the
 *    cgroup's vram-max off and on (not reached), and at the limit, where
 *    each allocation first evicts one of the cgroup's own.
 * 5. Precision of reclaim (resident under memory.max, memory.reclaim).
 * 6. kswapd's calls of the shrinker while a 256 MiB buffer object is backed
 *    up under global memory pressure: how long one call takes and how long
 *    kswapd sleeps uninterruptibly (waits) within one, from the kernel's
 *    trace events (vmscan:mm_shrink_slab_start/end, sched:sched_switch and
 *    sched:sched_wakeup for kswapd0).
 *
 * The guest needs swap (512M is plenty) and memory for 100k buffer objects
 * and their kernel overhead (1536M).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gpumem.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "gmctl.h"
#include "gmnl.h"
#include "systest.h"
#include "vttm.h"

/* Each reclaim throughput is measured in one warm-up round, then ROUNDS. */
#define ROUNDS 5
#define MAX_ROUNDS 16

/* 1. Create + fill + destroy, charged or not: a warm-up round, then C_ROUNDS */
#define C_CG "bench-charge"
#define C_BOS 256
#define C_BO_SIZE (256 * KiB)
#define C_ROUNDS 11

/* 2. Reclaim throughput */
#define R_CG "bench-reclaim"
#define R_BOS 16
#define R_BO_SIZE (4 * MiB)
#define R_BYTES (R_BOS * R_BO_SIZE)
#define R_CHUNK (256 * KiB)

/* 3. Shrinker scan work against the number of buffer objects */
#define S_CG "bench-scan"
#define S_CONTROL_CG "bench-scan-control"
#define S_BO_SIZE (4 * KiB)
#define S_MAX_BOS 100000	/* in one population */
#define S_RECLAIM (256 * KiB)
#define S_ROUNDS 21
#define S_WARMUP 2
/* s_collect() stops after this many buffer objects found not purged. */
#define S_WINDOW 64

static const unsigned int s_populations[] = { 1000, 10000, 100000 };

/* 4. VRAM allocation: a warm-up round, then V_ROUNDS of each limit */
#define V_CG "bench-vram"
#define V_BOS 32
#define V_BO_SIZE MiB
#define V_ROUNDS 11

/* 5. Precision of reclaim: a warm-up round, then ROUNDS */
#define P_CG "bench-precision"
#define P_LIMIT (32 * MiB)
#define P_BOS 32
#define P_BO_SIZE (4 * MiB)
#define P_FILL_BOS ((int)(2 * P_LIMIT / P_BO_SIZE))	/* twice the limit */
#define P_RECLAIM (64 * MiB)

/* 6. kswapd and the shrinker */
#define K_CG "bench-kswapd"
#define K_LOAD_CG "bench-kswapd-load"
#define K_BO_SIZE (256 * MiB)
#define TRACING "/sys/kernel/tracing"

/* What the workers (children in a cgroup) hand back to the main process. */
struct shared {
	struct vttm_bo r[R_BOS];
	uint64_t ns[MAX_ROUNDS];
	uint64_t owner_cgroup_id;
	struct vttm_bo s[S_MAX_BOS + 1000];	/* the populations, then the control */
	struct vttm_bo v[V_BOS];
	struct vttm_bo p[P_BOS];
	struct vttm_bo k;
};

static struct shared *sh;

/* One byte pattern for every write that does not need a verifiable one. */
static uint64_t cbuf[C_BO_SIZE / 8];

static void bench(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bench(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("note: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

/* A series of measurements of one figure. */
struct series {
	double v[MAX_ROUNDS * 2];
	int n;
};

static void add(struct series *s, double v)
{
	if (s->n < (int)ARRAY_SIZE(s->v))
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const struct series *s)
{
	double v[ARRAY_SIZE(s->v)];

	if (!s->n)
		return 0;
	memcpy(v, s->v, s->n * sizeof(v[0]));
	qsort(v, s->n, sizeof(v[0]), cmp_double);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

static double smin(const struct series *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		m = s->v[i] < m ? s->v[i] : m;
	return m;
}

static double smax(const struct series *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		m = s->v[i] > m ? s->v[i] : m;
	return m;
}

/* "median X UNIT (MIN..MAX)", with DECIMALS decimals. */
static const char *fmt_series(char *buf, size_t len, const struct series *s,
			      const char *unit, int decimals)
{
	snprintf(buf, len, "median %.*f %s (%.*f..%.*f)", decimals, median(s), unit,
		 decimals, smin(s), decimals, smax(s));
	return buf;
}

/* MB/s (10^6 bytes a second) of BYTES in NS nanoseconds. */
static double mbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 1e3 / (double)ns : 0;
}

/*
 * Write BYTES into cgroup CG's memory.reclaim and time the write in *NS.
 * Returns 0 or the errno of the write (EAGAIN: not all of it reclaimed).
 */
static int reclaim(const char *cg, uint64_t bytes, uint64_t *ns)
{
	char path[256], buf[32];
	ssize_t len;
	uint64_t t0;
	int fd, ret = 0;

	snprintf(path, sizeof(path), CGROUP_ROOT "/%s/memory.reclaim", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		st_fail("open %s: %s", path, strerror(errno));
	len = snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
	t0 = st_now_ns();
	if (write(fd, buf, len) != len)
		ret = errno;
	*ns = st_now_ns() - t0;
	close(fd);
	return ret;
}

/* Wait (up to 5 s) for cgroup CG's gpu to drop to 0; say so if it does not. */
static void settle_gpu(const char *cg)
{
	uint64_t v = cg_poll_key(cg, "memory.stat", "gpu", 0);

	if (v)
		note("cgroup %s: gpu still %" PRIu64 " bytes after 5 s", cg, v);
}

/* Say where cgroup CG's memory is, after WHAT. */
static void cg_where(const char *cg, const char *what)
{
	note("%s: %s memory.current %" PRIu64 " KiB, gpu %" PRIu64 ", shmem %" PRIu64
	     ", swapcached %" PRIu64 ", memory.swap.current %" PRIu64 " KiB", what, cg,
	     cg_read_u64(cg, "memory.current") / KiB,
	     cg_read_key(cg, "memory.stat", "gpu") / KiB,
	     cg_read_key(cg, "memory.stat", "shmem") / KiB,
	     cg_read_key(cg, "memory.stat", "swapcached") / KiB,
	     cg_read_u64(cg, "memory.swap.current") / KiB);
}

/* The number in /proc/meminfo's line KEY, in KiB. */
static uint64_t meminfo_kib(const char *key)
{
	char k[64];
	uint64_t v = 0, x;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		st_fail("open /proc/meminfo: %s", strerror(errno));
	while (fscanf(f, "%63s %" SCNu64 " %*[^\n]", k, &x) == 2) {
		if (!strncmp(k, key, strlen(key)) && k[strlen(key)] == ':') {
			v = x;
			break;
		}
	}
	fclose(f);
	return v;
}

/* The caches a tt's backup storage (an internal shmem file) allocates from. */
static const char *const slab_caches[] = { "shmem_inode_cache", "dentry", "filp" };

struct slab_count {
	uint64_t objs[ARRAY_SIZE(slab_caches)];
	uint64_t objsize[ARRAY_SIZE(slab_caches)];
};

/* Active objects and object size of slab_caches[], from /proc/slabinfo. */
static void slab_read(struct slab_count *c)
{
	char line[512], name[64];
	uint64_t active, total, size;
	unsigned int i;
	FILE *f = fopen("/proc/slabinfo", "r");

	memset(c, 0, sizeof(*c));
	if (!f) {
		note("open /proc/slabinfo: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %" SCNu64 " %" SCNu64 " %" SCNu64, name,
			   &active, &total, &size) != 4)
			continue;
		for (i = 0; i < ARRAY_SIZE(slab_caches); i++) {
			if (!strcmp(name, slab_caches[i])) {
				c->objs[i] = active;
				c->objsize[i] = size;
			}
		}
	}
	fclose(f);
}

/* Print the objects of slab_caches[] that N buffer objects added, per object. */
static void slab_per_bo(const struct slab_count *before,
			const struct slab_count *after, unsigned int n)
{
	char buf[256];
	size_t len = 0;
	double bytes = 0, per;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(slab_caches); i++) {
		per = ((double)after->objs[i] - (double)before->objs[i]) / n;
		bytes += per * after->objsize[i];
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s %.2f x %" PRIu64 " B",
				i ? ", " : "", slab_caches[i], per, after->objsize[i]);
	}
	bench("backup storage per populated BO (%u BOs): %s = %.0f B", n, buf, bytes);
}

static void print_env(void)
{
	struct utsname u;

	uname(&u);
	bench("env: kernel %s %s, %ld cpu(s), MemTotal %" PRIu64 " MiB, SwapTotal %"
	      PRIu64 " MiB", u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	      meminfo_kib("MemTotal") / 1024, meminfo_kib("SwapTotal") / 1024);
}

/*
 * 2. Reclaim throughput
 */

/* GPUMEM_CMD_RECLAIM of BYTES from the cgroup with id ID; returns its time in ns. */
static uint64_t nl_reclaim(struct nl_sock *sk, int family, uint64_t id, uint64_t bytes)
{
	uint64_t t0 = st_now_ns();

	gmnl_request(sk, family, GPUMEM_CMD_RECLAIM, GPUMEM_A_RECLAIM_ID, id,
		     GPUMEM_A_RECLAIM_BYTES, bytes, NULL, NULL);
	return st_now_ns() - t0;
}

/* A worker in R_CG creates and fills R_BOS buffer objects (marks them DONTNEED). */
static void r_create(int fd, bool dontneed)
{
	pid_t pid = st_fork(R_CG);
	int i;

	if (pid) {
		st_wait(pid, "the creator in " R_CG);
		return;
	}
	vttm_prefault();
	for (i = 0; i < R_BOS; i++) {
		vttm_create(fd, &sh->r[i], R_BO_SIZE);
		vttm_fill(fd, &sh->r[i]);
		if (dontneed && !vttm_madvise(fd, &sh->r[i], DRM_VTTM_MADV_DONTNEED))
			st_fail("a buffer object just filled was not retained");
	}
	exit(0);
}

/* What one reclaim round measured. */
struct r_result {
	double mbps;		/* bytes moved a second, -1 if none moved */
	double drop;		/* MiB by which memory.current dropped */
	double swapcached;	/* MiB of swap cache charged to the cgroup after */
	double restore_mbps;	/* bytes read back from swap a second, -1 if none */
	double in_2m;		/* % of the bytes read back in 2 MiB blocks */
};

/* Read every buffer object back whole (restoring it), timed in *NS. */
static void r_read_back(int fd, uint64_t *ns)
{
	static char buf[R_BO_SIZE];
	uint64_t t0 = st_now_ns();
	int i, ret;

	for (i = 0; i < R_BOS; i++) {
		ret = vttm_pread_raw(fd, sh->r[i].handle, 0, buf, R_BO_SIZE);
		if (ret)
			st_fail("reading back buffer object %d: %s", i, strerror(-ret));
	}
	*ns = st_now_ns() - t0;
}

/* Reclaim R_BYTES from R_CG, timed; note where the memory is when WHERE. */
static int r_reclaim(const char *what, bool where, uint64_t *ns, struct r_result *res)
{
	uint64_t before, after;
	char label[64];
	int ret;

	if (where) {
		snprintf(label, sizeof(label), "%s: before", what);
		cg_where(R_CG, label);
	}
	before = cg_read_u64(R_CG, "memory.current");
	ret = reclaim(R_CG, R_BYTES, ns);
	after = cg_read_u64(R_CG, "memory.current");
	res->drop = before > after ? (double)(before - after) / MiB : 0;
	res->swapcached = (double)cg_read_key(R_CG, "memory.stat", "swapcached") / MiB;
	if (where) {
		snprintf(label, sizeof(label), "%s: after", what);
		cg_where(R_CG, label);
	}
	if (ret)
		note("%s: memory.reclaim %" PRIu64 ": %s", what, R_BYTES, strerror(ret));
	return ret;
}

/*
 * One round: fill, reclaim R_BYTES, count the bytes moved (backed up, or
 * purged); the content of the backed-up ones is verified when VERIFY; where
 * the cgroup's memory is, before and after, is noted when WHERE.
 */
static void r_round(int fd, bool dontneed, bool verify, bool where, struct r_result *res)
{
	const char *what = dontneed ? "reclaim-purge" : "reclaim-backup";
	struct drm_vttm_bo_info info;
	uint64_t ns, moved = 0, other = 0;
	int i;

	r_create(fd, dontneed);
	cg_poll_key(R_CG, "memory.stat", "gpu", R_BYTES);
	r_reclaim(what, where, &ns, res);
	for (i = 0; i < R_BOS; i++) {
		vttm_info(fd, &sh->r[i], &info);
		if (dontneed && (info.flags & DRM_VTTM_BO_PURGED))
			moved += info.size - info.resident;
		else
			moved += info.backed_up;
		other += dontneed ? info.backed_up : 0;
	}
	if (moved != R_BYTES)
		note("%s: %" PRIu64 " of %" PRIu64 " bytes moved in %.1f ms", what, moved,
		     R_BYTES, ns / 1e6);
	if (other)
		note("%s: %" PRIu64 " bytes backed up, not purged", what, other);
	res->restore_mbps = -1;
	res->in_2m = 0;
	if (!dontneed && moved) {
		uint64_t in_2m = 0, resident = 0, read_ns;

		r_read_back(fd, &read_ns);
		res->restore_mbps = mbps(moved, read_ns);
		for (i = 0; i < R_BOS; i++) {
			vttm_info(fd, &sh->r[i], &info);
			resident += info.resident;
			in_2m += info.resident_2m;
		}
		res->in_2m = resident ? 100.0 * in_2m / resident : 0;
	}
	if (verify) {
		for (i = 0; i < R_BOS; i++)
			vttm_verify(fd, &sh->r[i], "a buffer object after its backup");
	}
	vttm_close_all(fd, sh->r, R_BOS);
	settle_gpu(R_CG);
	res->mbps = moved ? mbps(moved, ns) : -1;
}

/* Read the tmpfs file at PATH back whole (from swap); return the time in ns. */
static uint64_t r_tmpfs_read(const char *path)
{
	static char buf[R_CHUNK];
	uint64_t off, t0;
	int f;

	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		st_fail("open %s: %s", path, strerror(errno));
	t0 = st_now_ns();
	for (off = 0; off < R_BYTES; off += sizeof(buf)) {
		if (read(f, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			st_fail("read %s: %s", path, strerror(errno));
	}
	t0 = st_now_ns() - t0;
	close(f);
	return t0;
}

/*
 * One baseline round: a worker in R_CG writes R_BYTES into a tmpfs file
 * (timed: the copy baseline, returned in MB/s), then R_CG reclaims R_BYTES
 * (timed: the tmpfs-to-swap baseline; the bytes moved are the growth of its
 * memory.swap.current).
 */
static double r_tmpfs_round(bool where, struct r_result *res)
{
	static char path[512];
	const char *tmp = getenv("TMPDIR");
	uint64_t ns, swap0, swap1;
	double copy;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/bench-tmpfs", tmp ? tmp : "/tmp");
	pid = st_fork(R_CG);
	if (!pid) {
		static char buf[R_CHUNK];
		uint64_t off, t0;
		int f;

		memset(buf, 0x5a, sizeof(buf));
		f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (f < 0)
			st_fail("open %s: %s", path, strerror(errno));
		t0 = st_now_ns();
		for (off = 0; off < R_BYTES; off += sizeof(buf)) {
			if (write(f, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				st_fail("write %s: %s", path, strerror(errno));
		}
		sh->ns[0] = st_now_ns() - t0;
		if (close(f))
			st_fail("close %s: %s", path, strerror(errno));
		exit(0);
	}
	st_wait(pid, "the tmpfs writer in " R_CG);
	copy = mbps(R_BYTES, sh->ns[0]);

	swap0 = cg_read_u64(R_CG, "memory.swap.current");
	r_reclaim("tmpfs-reclaim", where, &ns, res);
	swap1 = cg_read_u64(R_CG, "memory.swap.current");
	if (swap1 - swap0 < R_BYTES)
		note("tmpfs-reclaim: %" PRIu64 " of %" PRIu64 " bytes swapped out in %.1f ms",
		     swap1 - swap0, R_BYTES, ns / 1e6);
	res->mbps = swap1 > swap0 ? mbps(swap1 - swap0, ns) : -1;
	res->restore_mbps = swap1 > swap0 ? mbps(swap1 - swap0, r_tmpfs_read(path)) : -1;
	res->in_2m = 0;
	if (unlink(path))
		st_fail("unlink %s: %s", path, strerror(errno));
	return copy;
}

/* The series of one kind of reclaim round. */
struct r_series {
	struct series mbps, drop, swapcached, restore_mbps, in_2m;
};

static void r_add(struct r_series *s, const struct r_result *res)
{
	if (res->mbps > 0)
		add(&s->mbps, res->mbps);
	add(&s->drop, res->drop);
	add(&s->swapcached, res->swapcached);
	if (res->restore_mbps > 0) {
		add(&s->restore_mbps, res->restore_mbps);
		add(&s->in_2m, res->in_2m);
	}
}

/*
 * One deferred round: with the policy's writeback deferred, a proactive
 * reclaim through gpumem's netlink family (no memory reclaim around it)
 * copies the buffer objects into shmem and leaves the copies there; the
 * figure is the bytes backed up over the time of the request.
 */
static double r_deferred_round(int fd, struct nl_sock *sk, int family)
{
	struct drm_vttm_bo_info info;
	uint64_t ns, moved = 0;
	int i;

	r_create(fd, false);
	cg_poll_key(R_CG, "memory.stat", "gpu", R_BYTES);
	ns = nl_reclaim(sk, family, cg_id(R_CG), R_BYTES);
	for (i = 0; i < R_BOS; i++) {
		vttm_info(fd, &sh->r[i], &info);
		moved += info.backed_up;
	}
	if (moved != R_BYTES)
		note("deferred-backup: %" PRIu64 " of %" PRIu64 " bytes backed up in %.1f ms",
		     moved, R_BYTES, ns / 1e6);
	vttm_close_all(fd, sh->r, R_BOS);
	settle_gpu(R_CG);
	return moved ? mbps(moved, ns) : -1;
}

/* "NAME D (MIN..MAX), swapcached after S", in MiB, medians. */
static const char *r_fmt_drop(char *buf, size_t len, const char *name,
			      const struct r_series *s)
{
	snprintf(buf, len, "%s %.1f (%.1f..%.1f), swapcached after %.1f", name,
		 median(&s->drop), smin(&s->drop), smax(&s->drop), median(&s->swapcached));
	return buf;
}

static void bench_reclaim(void)
{
	struct r_series tmpfs = { 0 }, bk = { 0 }, pg = { 0 };
	struct series copy = { 0 }, copy_d = { 0 }, deferred = { 0 };
	struct r_result res;
	char a[128], b[128], c[128];
	double cp, sw, sr, dm;
	struct nl_sock *sk;
	int fd, i, family;

	note("reclaim: %d rounds (after one warm-up) of %d MiB each: tmpfs and backup in turn, "
	     "then purge, then deferred backup",
	     ROUNDS, (int)(R_BYTES / MiB));
	cg_create(R_CG);
	fd = vttm_open();
	/* Baseline and backup take turns, so that a change in the host's load
	 * falls on both.
	 */
	for (i = 0; i <= ROUNDS; i++) {
		cp = r_tmpfs_round(i == 1, &res);
		if (i) {
			add(&copy, cp);
			r_add(&tmpfs, &res);
		}
		r_round(fd, false, i == ROUNDS, i == 1, &res);
		if (i)
			r_add(&bk, &res);
	}
	for (i = 0; i <= ROUNDS; i++) {
		r_round(fd, true, false, i == 1, &res);
		if (i)
			r_add(&pg, &res);
	}
	sk = gmnl_open(&family);
	if (gm_run("set /" R_CG " writeback deferred"))
		st_fail("cannot set " R_CG "'s writeback to deferred");
	/* Against tmpfs copies made in turn with them. */
	for (i = 0; i <= ROUNDS; i++) {
		cp = r_tmpfs_round(false, &res);
		dm = r_deferred_round(fd, sk, family);
		if (i) {
			add(&copy_d, cp);
			if (dm > 0)
				add(&deferred, dm);
		}
	}
	if (gm_run("set /" R_CG " writeback immediate"))
		st_fail("cannot set " R_CG "'s writeback back to immediate");
	nl_socket_free(sk);
	close(fd);

	cp = median(&copy);
	sw = median(&tmpfs.mbps);
	bench("tmpfs-copy %d MiB: %s", (int)(R_BYTES / MiB),
	      fmt_series(a, sizeof(a), &copy, "MB/s", 1));
	bench("tmpfs-reclaim %d MiB: %s", (int)(R_BYTES / MiB),
	      fmt_series(a, sizeof(a), &tmpfs.mbps, "MB/s", 1));
	bench("reclaim-backup %d MiB: %s, tmpfs-copy %.1f MB/s, ratio %.2f; "
	      "tmpfs-reclaim %.1f MB/s, ratio %.2f", (int)(R_BYTES / MiB),
	      fmt_series(a, sizeof(a), &bk.mbps, "MB/s", 1), cp,
	      cp ? median(&bk.mbps) / cp : 0, sw, sw ? median(&bk.mbps) / sw : 0);
	bench("reclaim-purge %d MiB: %s, tmpfs-copy %.1f MB/s, ratio %.2f; "
	      "tmpfs-reclaim %.1f MB/s, ratio %.2f", (int)(R_BYTES / MiB),
	      fmt_series(a, sizeof(a), &pg.mbps, "MB/s", 1), cp,
	      cp ? median(&pg.mbps) / cp : 0, sw, sw ? median(&pg.mbps) / sw : 0);
	cp = median(&copy_d);
	bench("deferred-backup %d MiB: %s, tmpfs-copy in turn %.1f MB/s, ratio %.2f",
	      (int)(R_BYTES / MiB), fmt_series(a, sizeof(a), &deferred, "MB/s", 1), cp,
	      cp ? median(&deferred) / cp : 0);
	sr = median(&tmpfs.restore_mbps);
	bench("tmpfs-swapin %d MiB: %s", (int)(R_BYTES / MiB),
	      fmt_series(a, sizeof(a), &tmpfs.restore_mbps, "MB/s", 1));
	bench("restore %d MiB: %s, tmpfs-swapin %.1f MB/s, ratio %.2f; in 2 MiB blocks %s",
	      (int)(R_BYTES / MiB), fmt_series(a, sizeof(a), &bk.restore_mbps, "MB/s", 1),
	      sr, sr ? median(&bk.restore_mbps) / sr : 0,
	      fmt_series(b, sizeof(b), &bk.in_2m, "%", 0));
	bench("reclaim %d MiB: memory.current drop in MiB: %s; %s; %s", (int)(R_BYTES / MiB),
	      r_fmt_drop(a, sizeof(a), "tmpfs", &tmpfs),
	      r_fmt_drop(b, sizeof(b), "backup", &bk),
	      r_fmt_drop(c, sizeof(c), "purge", &pg));
	settle_gpu(R_CG);
	cg_remove(R_CG);
}

/*
 * 1. Create + fill + destroy, charged or not
 */

/*
 * A worker in C_CG runs one warm-up round and C_ROUNDS timed ones: create and
 * fill C_BOS buffer objects, then destroy them. Returns the series of
 * microseconds per buffer object.
 */
static void c_rounds(struct series *us)
{
	static struct vttm_bo bos[C_BOS];
	pid_t pid;
	int fd, r, i;

	fd = vttm_open();
	pid = st_fork(C_CG);
	if (!pid) {
		struct drm_vttm_bo_info info;

		vttm_prefault();
		for (r = 0; r <= C_ROUNDS; r++) {
			uint64_t t0 = st_now_ns();

			for (i = 0; i < C_BOS; i++) {
				int ret;

				vttm_create(fd, &bos[i], C_BO_SIZE);
				ret = vttm_pwrite_raw(fd, bos[i].handle, 0, cbuf, C_BO_SIZE);
				if (ret)
					st_fail("fill a buffer object of %" PRIu64 " bytes: %s",
						C_BO_SIZE, strerror(ret));
			}
			if (!r)
				vttm_info(fd, &bos[0], &info);
			vttm_close_all(fd, bos, C_BOS);
			sh->ns[r] = st_now_ns() - t0;
			if (!r)
				sh->owner_cgroup_id = info.owner_cgroup_id;
		}
		exit(0);
	}
	st_wait(pid, "the worker in " C_CG);
	close(fd);
	for (r = 1; r <= C_ROUNDS; r++)
		add(us, sh->ns[r] / 1e3 / C_BOS);
}

/* Unload vttm (its last buffer objects may go a moment after their file). */
static void c_unload(void)
{
	int i;

	for (i = 0; st_try_rmmod("vttm"); i++) {
		if (i == 50)
			st_fail("rmmod vttm: still failing after 5 s");
		st_sleep_ms(100);
	}
}

/* Reload vttm with memcg_account=ACCOUNT, and check that it took. */
static void c_reload(bool account)
{
	const char *params[] = { account ? "memcg_account=1" : "memcg_account=0", NULL };
	char v = '?';
	FILE *f;

	c_unload();
	st_modprobe_params("vttm", params);
	vttm_load();
	f = fopen("/sys/module/vttm/parameters/memcg_account", "r");
	if (!f || fscanf(f, " %c", &v) != 1 || v != (account ? 'Y' : 'N'))
		st_fail("vttm's memcg_account reads '%c', want %s", v, params[0]);
	fclose(f);
}

static void bench_charge(void)
{
	struct series on = { 0 }, off = { 0 };
	char a[128], b[128];
	uint64_t id;

	note("charge: %d rounds (after one warm-up) of %d buffer objects of %d KiB, "
	     "memcg_account on, then off", C_ROUNDS, C_BOS, (int)(C_BO_SIZE / KiB));
	memset(cbuf, 0xa5, sizeof(cbuf));
	cg_create(C_CG);
	id = cg_id(C_CG);

	c_rounds(&on);
	if (sh->owner_cgroup_id != id)
		st_fail("memcg_account on: a buffer object's owner is cgroup %" PRIu64
			", want %" PRIu64, sh->owner_cgroup_id, id);
	settle_gpu(C_CG);

	c_reload(false);
	c_rounds(&off);
	if (sh->owner_cgroup_id)
		st_fail("memcg_account off: a buffer object is charged to cgroup %" PRIu64,
			sh->owner_cgroup_id);
	c_reload(true);

	bench("bo-cycle %d x %d KiB (create+fill+destroy): charged %s, uncharged %s, "
	      "ratio on/off %.2f", C_BOS, (int)(C_BO_SIZE / KiB),
	      fmt_series(a, sizeof(a), &on, "us/BO", 1),
	      fmt_series(b, sizeof(b), &off, "us/BO", 1),
	      median(&off) ? median(&on) / median(&off) : 0);
	cg_remove(C_CG);
}

/*
 * 3. Shrinker scan work against the number of buffer objects
 *
 * The buffer objects of a population are all in one cgroup, filled and
 * marked DONTNEED, in the order of a queue that mirrors the shrinker's LRU
 * of that cgroup: a reclaim purges the oldest ones, which s_collect() finds
 * at the head of the queue, then fills and marks again, so that they go to
 * the tail and the population stays the same.
 */
struct s_pop {
	const char *cg;
	unsigned int first, n;	/* its buffer objects: sh->s[first, first + n) */
	uint32_t *queue;	/* S_MAX_BOS entries */
	unsigned int head, count;
};

static uint32_t *s_at(struct s_pop *sp, unsigned int i)
{
	return &sp->queue[(sp->head + i) % S_MAX_BOS];
}

static void s_push(struct s_pop *sp, uint32_t idx)
{
	*s_at(sp, sp->count++) = idx;
}

/* Grow population SP to N buffer objects, made in its cgroup: filled, DONTNEED. */
static void s_grow(int fd, struct s_pop *sp, unsigned int n)
{
	unsigned int i, from = sp->first + sp->n, to = sp->first + n;
	struct slab_count before, after;
	uint64_t t0 = st_now_ns(), t;
	pid_t pid;

	slab_read(&before);

	if (to > ARRAY_SIZE(sh->s))
		st_fail("shrink-scan: %u buffer objects do not fit in the table", to);
	pid = st_fork(sp->cg);
	if (!pid) {
		vttm_prefault();
		for (i = from; i < to; i++) {
			int ret;

			vttm_create(fd, &sh->s[i], S_BO_SIZE);
			ret = vttm_pwrite_raw(fd, sh->s[i].handle, 0, cbuf, S_BO_SIZE);
			if (ret)
				st_fail("fill buffer object %u: %s", i, strerror(ret));
			vttm_madvise(fd, &sh->s[i], DRM_VTTM_MADV_DONTNEED);
		}
		exit(0);
	}
	st_wait(pid, "a creator of buffer objects");
	t = st_now_ns() - t0;
	slab_read(&after);
	if (!from)
		slab_per_bo(&before, &after, to - from);
	for (i = from; i < to; i++)
		s_push(sp, i);
	sp->n = n;
	note("shrink-scan: %u more buffer objects of %d KiB in %s made in %.1f s "
	     "(%.0f us each); MemAvailable %" PRIu64 " MiB", to - from,
	     (int)(S_BO_SIZE / KiB), sp->cg, t / 1e9, t / 1e3 / (to - from),
	     meminfo_kib("MemAvailable") / 1024);
}

static bool s_purged(int fd, uint32_t idx)
{
	struct drm_vttm_bo_info info;

	vttm_info(fd, &sh->s[idx], &info);
	return info.flags & DRM_VTTM_BO_PURGED;
}

/*
 * Fill a purged buffer object again and mark it DONTNEED: it goes to the tail
 * of the LRU (the caller puts it at the tail of the queue).
 */
static void s_refill(int fd, uint32_t idx)
{
	int ret;

	if (vttm_madvise(fd, &sh->s[idx], DRM_VTTM_MADV_WILLNEED))
		st_fail("a purged buffer object reports retained=1");
	ret = vttm_pwrite_raw(fd, sh->s[idx].handle, 0, cbuf, S_BO_SIZE);
	if (ret)
		st_fail("refill buffer object %u: %s", idx, strerror(ret));
	vttm_madvise(fd, &sh->s[idx], DRM_VTTM_MADV_DONTNEED);
}

/*
 * Count the buffer objects the last reclaim purged: from the head of the
 * queue, until S_WINDOW were found not purged (a buffer object the shrinker
 * skipped went behind the others: the purged ones need not be exactly the
 * head). Refill them, put them at the tail, and return their number.
 */
static unsigned int s_collect(int fd, struct s_pop *sp)
{
	static uint32_t kept[S_WINDOW], purged[S_MAX_BOS];
	unsigned int k = 0, nk = 0, np = 0, i;

	while (k < sp->count && nk < S_WINDOW) {
		uint32_t idx = *s_at(sp, k++);

		if (s_purged(fd, idx))
			purged[np++] = idx;
		else
			kept[nk++] = idx;
	}
	/* The non-purged ones stay at the head, in their order. */
	for (i = 0; i < nk; i++)
		*s_at(sp, k - nk + i) = kept[i];
	sp->head = (sp->head + k - nk) % S_MAX_BOS;
	sp->count -= k - nk;
	for (i = 0; i < np; i++) {
		s_refill(fd, purged[i]);
		s_push(sp, purged[i]);
	}
	return np;
}

/*
 * Purged buffer objects of SP that s_collect() did not see: should be none.
 * They are refilled where they stand in the queue.
 */
static unsigned int s_sweep(int fd, struct s_pop *sp)
{
	unsigned int i, missed = 0;

	for (i = sp->first; i < sp->first + sp->n; i++) {
		if (s_purged(fd, i)) {
			missed++;
			s_refill(fd, i);
		}
	}
	return missed;
}

/*
 * Time S_WARMUP + S_ROUNDS reclaims of S_RECLAIM from SP's cgroup and print
 * the figure, labelled LABEL. Returns the median of microseconds per freed
 * buffer object.
 */
static double s_measure(int fd, struct s_pop *sp, const char *label)
{
	struct series per_bo = { 0 }, freed = { 0 };
	unsigned int r, nr, missed;
	char a[128];
	uint64_t ns;
	int ret;

	for (r = 0; r < S_WARMUP + S_ROUNDS; r++) {
		ret = reclaim(sp->cg, S_RECLAIM, &ns);
		if (ret)
			note("%s: memory.reclaim %" PRIu64 ": %s", label, S_RECLAIM,
			     strerror(ret));
		nr = s_collect(fd, sp);
		if (!nr) {
			note("%s: a reclaim purged nothing", label);
			continue;
		}
		if (r >= S_WARMUP) {
			add(&per_bo, ns / 1e3 / nr);
			add(&freed, nr);
		}
	}
	missed = s_sweep(fd, sp);
	if (missed)
		note("%s: %u purged buffer objects were not counted", label, missed);
	bench("%s: %s per freed BO, %.0f BOs freed per reclaim of %d KiB (%.0f..%.0f)",
	      label, fmt_series(a, sizeof(a), &per_bo, "us", 2), median(&freed),
	      (int)(S_RECLAIM / KiB), smin(&freed), smax(&freed));
	return median(&per_bo);
}

static void bench_scan(void)
{
	static uint32_t queue[S_MAX_BOS], control_queue[S_MAX_BOS];
	struct s_pop sp = { .cg = S_CG, .queue = queue };
	struct s_pop control = { .cg = S_CONTROL_CG, .queue = control_queue };
	unsigned int p, last = ARRAY_SIZE(s_populations) - 1;
	double first = 0, v = 0;
	char label[128];
	int fd;

	note("shrink-scan: %d reclaims of %d KiB (after %d for warm-up) for each population",
	     S_ROUNDS, (int)(S_RECLAIM / KiB), S_WARMUP);
	memset(cbuf, 0xa5, sizeof(cbuf));
	cg_create(S_CG);
	fd = vttm_open();
	for (p = 0; p <= last; p++) {
		s_grow(fd, &sp, s_populations[p]);
		snprintf(label, sizeof(label), "shrink-scan %u BOs of %d KiB", sp.n,
			 (int)(S_BO_SIZE / KiB));
		v = s_measure(fd, &sp, label);
		if (!p)
			first = v;
	}
	bench("shrink-scan growth: per freed BO at %u BOs / at %u BOs: ratio %.2f",
	      s_populations[last], s_populations[0], first ? v / first : 0);

	/*
	 * The control: the smallest population again, in a cgroup of its own,
	 * while the largest one is still there: if its figure is the largest
	 * one's, what grew was the cost of a bigger kernel working set, not
	 * that of a longer LRU.
	 */
	cg_create(S_CONTROL_CG);
	control.first = sp.first + sp.n;
	s_grow(fd, &control, s_populations[0]);
	snprintf(label, sizeof(label), "shrink-scan %u BOs of %d KiB beside %u in another cgroup",
		 control.n, (int)(S_BO_SIZE / KiB), sp.n);
	s_measure(fd, &control, label);

	/* Closing the file destroys them all at once. */
	close(fd);
	settle_gpu(S_CG);
	settle_gpu(S_CONTROL_CG);
	cg_remove(S_CG);
	cg_remove(S_CONTROL_CG);
}

/*
 * 4. Allocation latency in VRAM
 *
 * A worker in V_CG creates V_BOS buffer objects in vttm's VRAM (64 MiB) and
 * destroys them; the creates are timed. The three limits take turns, round
 * by round, so that the machine's noise falls on all of them alike.
 */
static double v_round(int fd, const char *limit)
{
	struct vttm_bo *bos = sh->v;
	pid_t pid;
	int i;

	if (gm_run("set /" V_CG " vram-max %s", limit))
		st_fail("set vram-max %s: %s", limit, gm_out);
	pid = st_fork(V_CG);
	if (!pid) {
		uint64_t t0 = st_now_ns();

		for (i = 0; i < V_BOS; i++)
			vttm_create_vram(fd, &bos[i], V_BO_SIZE);
		sh->ns[0] = st_now_ns() - t0;
		exit(0);
	}
	st_wait(pid, "the creator in " V_CG);
	vttm_close_all(fd, bos, V_BOS);
	/* A bo's resources are freed by a worker once it is idle. */
	for (i = 0; i < 100 && gm_stat(V_CG, "vram"); i++)
		st_sleep_ms(20);
	return sh->ns[0] / 1e3 / V_BOS;
}

static void bench_vram(void)
{
	struct series off = { 0 }, on = { 0 }, full = { 0 };
	char a[128], b[128], c[128];
	uint64_t evictions;
	int fd, r;

	note("vram-alloc: %d rounds (after one warm-up) of %d buffer objects of %d KiB created in VRAM, "
	     "vram-max max, 1G and %d MiB in turn", V_ROUNDS, V_BOS,
	     (int)(V_BO_SIZE / KiB), (int)(V_BOS / 4 * V_BO_SIZE / MiB));
	cg_create(V_CG);
	fd = vttm_open();
	for (r = 0; r <= V_ROUNDS; r++) {
		double v_off = v_round(fd, "max");
		double v_on = v_round(fd, "1G");
		double v_full = v_round(fd, "8M");

		if (!r)
			continue;
		add(&off, v_off);
		add(&on, v_on);
		add(&full, v_full);
	}
	evictions = gm_stat(V_CG, "vram_evictions");
	if (evictions != (uint64_t)(V_ROUNDS + 1) * (V_BOS - V_BOS / 4))
		note("vram-alloc: %" PRIu64 " evictions, want %d", evictions,
		     (V_ROUNDS + 1) * (V_BOS - V_BOS / 4));
	close(fd);
	bench("vram-alloc %d x %d KiB: limit off %s, on (not reached) %s, ratio on/off %.2f; "
	      "at the limit (each evicts one of the cgroup's own) %s",
	      V_BOS, (int)(V_BO_SIZE / KiB), fmt_series(a, sizeof(a), &off, "us/BO", 1),
	      fmt_series(b, sizeof(b), &on, "us/BO", 1),
	      median(&off) ? median(&on) / median(&off) : 0,
	      fmt_series(c, sizeof(c), &full, "us/BO", 1));
	cg_remove(V_CG);
}

/*
 * 5. Precision of reclaim
 */

/* Bytes of the first N of P_CG's buffer objects that are resident. */
static uint64_t p_resident(int fd, int n)
{
	struct drm_vttm_bo_info info;
	uint64_t resident = 0;
	int i;

	for (i = 0; i < n; i++) {
		vttm_info(fd, &sh->p[i], &info);
		resident += info.resident;
	}
	return resident;
}

/* A worker in P_CG creates and fills P_CG's buffer objects FROM..TO-1. */
static void p_fill(int fd, int from, int to)
{
	pid_t pid = st_fork(P_CG);
	int i;

	if (pid) {
		st_wait(pid, "the creator in " P_CG);
		return;
	}
	vttm_prefault();
	for (i = from; i < to; i++) {
		vttm_create(fd, &sh->p[i], P_BO_SIZE);
		vttm_fill(fd, &sh->p[i]);
	}
	exit(0);
}

/*
 * One round. Under a memory.max of P_LIMIT, a worker fills twice as many
 * buffer objects: *FILL is the % of what the limit leaves them (as many
 * whole ones as fit in the limit less the cgroup's other memory) that stays
 * resident. Then without a limit, with P_BOS all resident, memory.reclaim of
 * P_RECLAIM: *DROP is the % of it by which memory.current dropped.
 */
static void p_round(int fd, double *fill, double *drop)
{
	uint64_t current, gpu, left, resident, before, ns;
	int i, ret;

	cg_create(P_CG);
	cg_write(P_CG, "memory.max", "32M");
	p_fill(fd, 0, P_FILL_BOS);
	resident = p_resident(fd, P_FILL_BOS);
	current = cg_read_u64(P_CG, "memory.current");
	gpu = cg_read_key(P_CG, "memory.stat", "gpu");
	left = (P_LIMIT - (current > gpu ? current - gpu : 0)) / P_BO_SIZE * P_BO_SIZE;
	*fill = left ? 100.0 * resident / left : 0;

	cg_write(P_CG, "memory.max", "max");
	p_fill(fd, P_FILL_BOS, P_BOS);
	for (i = 0; i < P_FILL_BOS; i++)
		vttm_verify(fd, &sh->p[i], "a buffer object after its backup");
	if (p_resident(fd, P_BOS) != (uint64_t)P_BOS * P_BO_SIZE)
		note("precision: not all %d buffer objects resident before memory.reclaim",
		     P_BOS);
	before = cg_read_u64(P_CG, "memory.current");
	ret = reclaim(P_CG, P_RECLAIM, &ns);
	if (ret)
		note("precision: memory.reclaim %d MiB: %s", (int)(P_RECLAIM / MiB),
		     strerror(ret));
	current = cg_read_u64(P_CG, "memory.current");
	*drop = before > current ? 100.0 * (before - current) / P_RECLAIM : 0;

	vttm_close_all(fd, sh->p, P_BOS);
	settle_gpu(P_CG);
	cg_remove(P_CG);
}

static void bench_precision(void)
{
	struct series fill = { 0 }, drop = { 0 };
	double f, d;
	char a[128], b[128];
	int fd, i;

	note("precision: %d rounds (after one warm-up): %d MiB of buffer objects under "
	     "a %d MiB memory.max, then memory.reclaim of %d MiB of %d MiB", ROUNDS,
	     (int)(P_FILL_BOS * P_BO_SIZE / MiB), (int)(P_LIMIT / MiB),
	     (int)(P_RECLAIM / MiB), (int)(P_BOS * P_BO_SIZE / MiB));
	fd = vttm_open();
	for (i = 0; i <= ROUNDS; i++) {
		p_round(fd, &f, &d);
		if (i) {
			add(&fill, f);
			add(&drop, d);
		}
	}
	close(fd);
	bench("precision: resident under memory.max, %% of what the limit leaves: %s; "
	      "memory.reclaim %d MiB, %% freed: %s", fmt_series(a, sizeof(a), &fill, "%", 1),
	      (int)(P_RECLAIM / MiB), fmt_series(b, sizeof(b), &drop, "%", 1));
}

static void k_write(const char *file, const char *text)
{
	gm_write_file(TRACING, file, text);
}

/* Touch LEN bytes of anonymous memory, pausing every 16 MiB for kswapd. */
static void k_load(uint64_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t off;

	if (p == MAP_FAILED)
		st_fail("mmap %" PRIu64 " MiB: %s", len / MiB, strerror(errno));
	for (off = 0; off < len; off += 4096) {
		p[off] = 1;
		if (!(off % (16 * MiB)))
			st_sleep_ms(50);
	}
	pause();
}

/* What the trace says of kswapd's calls of the shrinker. */
struct k_calls {
	double *call_ms, *wait_ms;	/* per call */
	int n, cap;
	uint64_t returned;		/* pages, as the calls returned */
};

static void k_add(struct k_calls *k, double call_ms, double wait_ms)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 1024;
		k->call_ms = realloc(k->call_ms, k->cap * sizeof(double));
		k->wait_ms = realloc(k->wait_ms, k->cap * sizeof(double));
		if (!k->call_ms || !k->wait_ms)
			st_fail("out of memory for %d calls", k->cap);
	}
	k->call_ms[k->n] = call_ms;
	k->wait_ms[k->n++] = wait_ms;
}

/* "median M ms (MIN..MAX)" of N values, which it sorts. */
static const char *k_fmt(char *buf, size_t len, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	snprintf(buf, len, "median %.2f ms (%.2f..%.2f)",
		 n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]);
	return buf;
}

/*
 * Read the trace: kswapd's calls of ttm_shrinker_scan (start to end), and
 * within each the time from a switch-out in state D to the next wakeup.
 */
static void k_parse(pid_t kswapd, struct k_calls *k)
{
	double ts, start = -1, blocked = -1, waited = 0;
	char line[1024], want[64];
	FILE *f = fopen(TRACING "/trace", "r");
	long ret;

	if (!f)
		st_fail("open " TRACING "/trace: %s", strerror(errno));
	snprintf(want, sizeof(want), "prev_pid=%d ", kswapd);
	while (fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, ": mm_shrink_slab_");
		char *at = ev ?: strstr(line, ": sched_");

		if (!at || line[0] == '#')
			continue;
		while (at > line && at[-1] != ' ')
			at--;
		ts = atof(at);
		if (ev && strstr(ev, "ttm_shrinker_scan")) {
			if (!strncmp(ev, ": mm_shrink_slab_start", 22)) {
				start = ts;
				waited = 0;
				blocked = -1;
			} else if (start >= 0) {
				k_add(k, (ts - start) * 1e3, waited * 1e3);
				ev = strstr(ev, "return val ");
				ret = ev ? atol(ev + 11) : 0;
				if (ret > 0)
					k->returned += ret;
				start = -1;
			}
		} else if (!ev && start >= 0) {
			if (strstr(line, "sched_switch:") && strstr(line, want) &&
			    strstr(line, "prev_state=D"))
				blocked = ts;
			else if (strstr(line, "sched_wakeup:") && blocked >= 0) {
				waited += ts - blocked;
				blocked = -1;
			}
		}
	}
	fclose(f);
}

/*
 * 6. One 256 MiB buffer object in a cgroup without a limit, then a load in
 * another cgroup touches all but 64 MiB of the free memory, slowly, so that
 * kswapd (its watermarks raised) reclaims; the load's memory cannot be
 * swapped, so what kswapd frees is the bo. The trace says how long each of
 * kswapd's calls of the shrinker took and waited.
 */
static void bench_kswapd(void)
{
	uint64_t backed_up, load, end;
	struct k_calls k = { 0 };
	char a[128], b[128], filter[64];
	pid_t kswapd, pid;
	int fd;

	note("kswapd: a %d MiB buffer object, then anonymous memory of all but 64 MiB of what is free",
	     (int)(K_BO_SIZE / MiB));
	if (mount("nodev", TRACING, "tracefs", 0, NULL) && errno != EBUSY)
		st_fail("mount tracefs: %s", strerror(errno));
	kswapd = st_kswapd_pid();
	cg_create(K_CG);
	cg_create(K_LOAD_CG);
	/* The load's own memory stays: what kswapd frees is the bo's. */
	cg_write(K_LOAD_CG, "memory.swap.max", "0");
	fd = vttm_open();
	vttm_create_filled_in(K_CG, fd, &sh->k, 1, K_BO_SIZE);

	k_write("tracing_on", "0");
	k_write("trace", "");
	k_write("buffer_size_kb", "16384");
	/* UML's default trace clock counts in jiffies. */
	k_write("trace_clock", "mono");
	snprintf(filter, sizeof(filter), "common_pid == %d", kswapd);
	k_write("events/vmscan/mm_shrink_slab_start/filter", filter);
	k_write("events/vmscan/mm_shrink_slab_end/filter", filter);
	snprintf(filter, sizeof(filter), "prev_pid == %d", kswapd);
	k_write("events/sched/sched_switch/filter", filter);
	snprintf(filter, sizeof(filter), "pid == %d", kswapd);
	k_write("events/sched/sched_wakeup/filter", filter);
	k_write("set_event", "vmscan:mm_shrink_slab_start vmscan:mm_shrink_slab_end "
		"sched:sched_switch sched:sched_wakeup");
	/* kswapd keeps 10 % of memory free: it, not the load, reclaims. */
	gm_write_file("/proc/sys/vm", "watermark_scale_factor", "1000");
	k_write("tracing_on", "1");

	/*
	 * Below kswapd's low watermark (10 % of memory), far from its high
	 * one (20 %): kswapd frees what it can, which is the bo.
	 */
	load = meminfo_kib("MemFree") * KiB - 64 * MiB;
	pid = st_fork(K_LOAD_CG);
	if (!pid)
		k_load(load);
	/* Until the load is in, or 120 s. */
	end = st_now_ms() + 120000;
	while (cg_read_u64(K_LOAD_CG, "memory.current") +
	       cg_read_u64(K_LOAD_CG, "memory.swap.current") < load - 16 * MiB &&
	       !waitpid(pid, NULL, WNOHANG) && st_now_ms() < end)
		st_sleep_ms(200);
	k_write("tracing_on", "0");
	note("kswapd: the load of %" PRIu64 " MiB has %" PRIu64 " MiB in memory after %.1f s",
	     load / MiB, cg_read_u64(K_LOAD_CG, "memory.current") / MiB,
	     (st_now_ms() + 120000 - end) / 1e3);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	gm_write_file("/proc/sys/vm", "watermark_scale_factor", "10");
	k_write("set_event", "");

	k_parse(kswapd, &k);
	backed_up = gm_stat(K_CG, "backed_up_total");
	vttm_verify(fd, &sh->k, "the large buffer object after kswapd's backup");
	vttm_close(fd, &sh->k);
	close(fd);
	settle_gpu(K_CG);
	cg_remove(K_CG);
	cg_remove(K_LOAD_CG);

	if (!k.n) {
		note("kswapd: it never called the shrinker (%" PRIu64 " MiB backed up by others)",
		     backed_up / MiB);
		return;
	}
	bench("kswapd: %d calls of the shrinker returned %" PRIu64 " MiB (%" PRIu64
	      " MiB of the bo backed up in all); time per call: %s; waited (state D) "
	      "per call: %s", k.n, k.returned * 4096 / MiB, backed_up / MiB,
	      k_fmt(a, sizeof(a), k.call_ms, k.n), k_fmt(b, sizeof(b), k.wait_ms, k.n));
	free(k.call_ms);
	free(k.wait_ms);
}

/* The sections, in the order they run. */
static const struct {
	const char *name;
	void (*run)(void);
} sections[] = {
	{ "charge", bench_charge },
	{ "reclaim", bench_reclaim },
	{ "scan", bench_scan },
	{ "vram", bench_vram },
	{ "precision", bench_precision },
	{ "kswapd", bench_kswapd },
};

/* Whether SECTION was asked for: all are when none is named. */
static bool wanted(int argc, char **argv, const char *section)
{
	bool named = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strchr(argv[i], '='))	/* the kernel's console=..., not ours */
			continue;
		named = true;
		if (!strcmp(argv[i], section))
			return true;
	}
	return !named;
}

int main(int argc, char **argv)
{
	uint64_t t0 = st_now_ns();
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		for (i = 0; i < ARRAY_SIZE(sections); i++)
			if (!strcmp(argv[a], sections[i].name))
				break;
		if (i == ARRAY_SIZE(sections) && !strchr(argv[a], '='))
			st_fail("usage: vttm-bench [charge|reclaim|scan|vram|precision|kswapd]...: "
				"no section %s", argv[a]);
	}
	sh = st_shared(sizeof(*sh));
	print_env();
	if (!meminfo_kib("SwapTotal"))
		st_fail("the benchmark needs swap (scripts/bench boots the guest with it)");
	vttm_load();

	for (i = 0; i < ARRAY_SIZE(sections); i++)
		if (wanted(argc, argv, sections[i].name))
			sections[i].run();

	note("done in %.0f s", (st_now_ns() - t0) / 1e9);
	return 0;
}
