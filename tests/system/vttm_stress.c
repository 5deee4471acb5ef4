// SPDX-License-Identifier: GPL-2.0
/*
 * Eight cgroups, each with a memory.max below what its worker keeps in
 * buffer objects, with swap: every worker creates, fills, marks, verifies
 * and destroys buffer objects at random for a while. Every content that was
 * not reported dropped must verify, every BO_INFO must be consistent, and at
 * the end every cgroup's gpu is 0 again.
 *
 * The seed is printed; set VTTM_STRESS_SEED on the guest's command line to
 * replay one (the workers still race each other for memory).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define WORKERS 8
#define WORKER_MAX "16M"
/* What a worker keeps at most: more than its memory.max allows resident. */
#define MAX_BOS 200
#define MAX_BYTES (24 * MiB)
#define RUN_MS 60000
/* Sizes: 1 to 512 pages, log-uniform-ish, so that most are small. */
#define MAX_ORDER 10

struct stats {
	uint64_t ops, created, filled, verified, purged, enomem;
};

/* A buffer object of a worker and what its content must be. */
struct sbo {
	struct vttm_bo bo;
	bool dontneed;	/* marked DONTNEED: its content may be dropped */
	bool unknown;	/* a fill failed part way: its content is undefined */
};

struct worker {
	int fd;
	char cg[32];
	uint64_t cg_id;
	uint64_t rng;
	struct sbo bos[MAX_BOS];
	int nr;
	uint64_t bytes;
	struct stats *st;
};

/* splitmix64 */
static uint64_t rnd(struct worker *w)
{
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Pressure may make a restore or populate fail with ENOMEM: count it. */
static bool enomem(struct worker *w, int ret, const char *what)
{
	if (ret == ENOMEM) {
		w->st->enomem++;
		return true;
	}
	if (ret)
		st_fail("%s: %s of a buffer object: %s", w->cg, what, strerror(ret));
	return false;
}

static void do_fill(struct worker *w, struct sbo *s)
{
	int ret = vttm_try_fill(w->fd, &s->bo, vttm_new_seed());

	s->unknown = enomem(w, ret, "fill");
	if (!ret)
		w->st->filled++;
}

static void do_verify(struct worker *w, struct sbo *s)
{
	if (!enomem(w, vttm_try_verify(w->fd, &s->bo, w->cg), "read"))
		w->st->verified++;
}

static void do_destroy(struct worker *w, int i)
{
	w->bytes -= w->bos[i].bo.size;
	vttm_close(w->fd, &w->bos[i].bo);
	w->bos[i] = w->bos[--w->nr];
}

static void do_create(struct worker *w)
{
	uint64_t order = rnd(w) % MAX_ORDER;
	uint64_t size = (1 + rnd(w) % (1 << order)) * 4 * KiB;
	struct sbo *s;

	if (w->nr == MAX_BOS || w->bytes + size > MAX_BYTES) {
		do_destroy(w, rnd(w) % w->nr);
		return;
	}
	s = &w->bos[w->nr++];
	memset(s, 0, sizeof(*s));
	vttm_create(w->fd, &s->bo, size);
	w->bytes += size;
	w->st->created++;
	do_fill(w, s);
}

static void do_madvise(struct worker *w, struct sbo *s, bool dontneed)
{
	uint32_t retained = vttm_madvise(w->fd, &s->bo, dontneed ?
					 DRM_VTTM_MADV_DONTNEED : DRM_VTTM_MADV_WILLNEED);

	/* Content is only ever dropped while marked DONTNEED. */
	if (!retained && !s->dontneed)
		st_fail("%s: a buffer object never marked DONTNEED reports retained=0",
			w->cg);
	if (!retained) {
		/* Dropped: it reads as zeroes from now on. */
		w->st->purged++;
		s->bo.seed = 0;
		s->unknown = false;
	}
	s->dontneed = dontneed;
}

/* BO_INFO agrees with what the worker knows. */
static void do_info(struct worker *w, const struct sbo *s)
{
	struct drm_vttm_bo_info info;
	uint64_t held;
	bool purgeable, purged;

	vttm_info(w->fd, &s->bo, &info);
	held = info.resident + info.backed_up;
	purgeable = info.flags & DRM_VTTM_BO_PURGEABLE;
	purged = info.flags & DRM_VTTM_BO_PURGED;
	if (purgeable != s->dontneed || (purged && !s->dontneed) ||
	    (held && held != s->bo.size) || (purged && held) ||
	    (!s->dontneed && s->bo.seed && !s->unknown && held != s->bo.size) ||
	    (info.resident && info.owner_cgroup_id != w->cg_id))
		st_fail("%s: buffer object of %" PRIu64 " bytes (%s, content %s): flags %#x, %"
			PRIu64 " bytes resident, %" PRIu64 " backed up, owner %" PRIu64
			" (this cgroup: %" PRIu64 ")", w->cg, s->bo.size,
			s->dontneed ? "DONTNEED" : "WILLNEED",
			s->unknown ? "undefined" : s->bo.seed ? "a pattern" : "zeroes",
			info.flags, (uint64_t)info.resident, (uint64_t)info.backed_up,
			(uint64_t)info.owner_cgroup_id, w->cg_id);
}

static void step(struct worker *w)
{
	uint64_t r = rnd(w) % 100;
	struct sbo *s;

	w->st->ops++;
	if (!w->nr || r < 30) {
		do_create(w);
		return;
	}
	s = &w->bos[rnd(w) % w->nr];
	if (r < 45) {
		if (!s->dontneed)
			do_fill(w, s);
	} else if (r < 70) {
		if (!s->dontneed && !s->unknown)
			do_verify(w, s);
	} else if (r < 78) {
		if (!s->dontneed)
			do_madvise(w, s, true);
	} else if (r < 88) {
		if (s->dontneed)
			do_madvise(w, s, false);
	} else if (r < 93) {
		do_info(w, s);
	} else {
		do_destroy(w, s - w->bos);
	}
}

static void worker(int idx, uint64_t seed, struct stats *st)
{
	static struct worker w;
	uint64_t end = st_now_ms() + RUN_MS;

	snprintf(w.cg, sizeof(w.cg), "stress/w%d", idx);
	w.cg_id = cg_id(w.cg);
	w.rng = seed;
	w.st = st;
	w.fd = vttm_open();
	vttm_prefault();

	while (st_now_ms() < end)
		step(&w);

	/* Everything not reported dropped verifies, once more; then away. */
	while (w.nr) {
		struct sbo *s = &w.bos[w.nr - 1];

		if (s->dontneed)
			do_madvise(&w, s, false);
		do_info(&w, s);
		if (!s->unknown)
			do_verify(&w, s);
		do_destroy(&w, w.nr - 1);
	}
	close(w.fd);
}

int main(void)
{
	struct stats *st = st_shared(WORKERS * sizeof(*st)), sum = { 0 };
	const char *env = getenv("VTTM_STRESS_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	uint64_t max_events = 0;
	pid_t pids[WORKERS];
	char name[32];
	int i;

	st_ok("seed %" PRIu64 " (VTTM_STRESS_SEED=%" PRIu64 " replays it)", seed, seed);
	vttm_load();
	cg_create("stress");
	cg_write("stress", "cgroup.subtree_control", "+memory");
	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "stress/w%d", i);
		cg_create(name);
		cg_write(name, "memory.max", WORKER_MAX);
	}
	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "stress/w%d", i);
		pids[i] = st_fork(name);
		if (!pids[i]) {
			/* Far apart, so that no two workers share a sequence. */
			worker(i, seed + i * 0x632be59bd9b4e019ULL, &st[i]);
			exit(0);
		}
	}
	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "worker %d", i);
		st_wait(pids[i], name);
	}

	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "stress/w%d", i);
		cg_expect_key(name, "memory.stat", "gpu", 0);
		max_events += cg_read_key(name, "memory.events", "max");
		sum.ops += st[i].ops;
		sum.created += st[i].created;
		sum.filled += st[i].filled;
		sum.verified += st[i].verified;
		sum.purged += st[i].purged;
		sum.enomem += st[i].enomem;
	}
	cg_expect_key("stress", "memory.stat", "gpu", 0);
	if (!sum.verified || !max_events)
		st_fail("no pressure or nothing verified: %" PRIu64 " verified, memory.events max %"
			PRIu64, sum.verified, max_events);
	st_ok("%d workers, %" PRIu64 " operations: %" PRIu64 " buffer objects created, %" PRIu64
	      " fills, %" PRIu64 " verifications, %" PRIu64 " purged, %" PRIu64
	      " ENOMEM, memory.events max %" PRIu64, WORKERS, sum.ops, sum.created, sum.filled,
	      sum.verified, sum.purged, sum.enomem, max_events);
	st_ok("every cgroup's gpu back to 0");

	for (i = 0; i < WORKERS; i++) {
		snprintf(name, sizeof(name), "stress/w%d", i);
		cg_remove(name);
	}
	cg_remove("stress");
	return 0;
}
