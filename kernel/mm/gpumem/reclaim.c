// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem reclaim: the registry of reclaimers (TTM's shrinker is one), the
 * proactive reclaim of a cgroup's subtree through them, and the shrinking
 * of a subtree's VRAM to its limit. Locking: see internal.h.
 */

#include <linux/export.h>
#include <linux/gpumem.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/page_counter.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/srcu.h>

#include "internal.h"

/* A proactive reclaim walks the subtree at most this many times. */
#define GPUMEM_RECLAIM_PASSES	5
/*
 * A reclaimer is asked for at most this many pages at a time (a buffer goes
 * whole, so it may free more), so that unregistering it waits for one such
 * call, never for a whole reclaim.
 */
#define GPUMEM_RECLAIM_BATCH	(SZ_4M >> PAGE_SHIFT)

/*
 * The registered reclaimers: changed under the mutex, walked under SRCU by
 * a proactive reclaim or a VRAM shrink, one batch of one cgroup at a time.
 */
static LIST_HEAD(gpumem_reclaimers);
static DEFINE_MUTEX(gpumem_reclaimers_lock);
DEFINE_STATIC_SRCU(gpumem_reclaimers_srcu);

/**
 * gpumem_register_reclaimer() - Make buffer memory reclaimable on request
 * @reclaimer: The reclaimer, its @reclaim set.
 */
void gpumem_register_reclaimer(struct gpumem_reclaimer *reclaimer)
{
	mutex_lock(&gpumem_reclaimers_lock);
	list_add_tail_rcu(&reclaimer->link, &gpumem_reclaimers);
	mutex_unlock(&gpumem_reclaimers_lock);
}
EXPORT_SYMBOL_GPL(gpumem_register_reclaimer);

/**
 * gpumem_unregister_reclaimer() - Remove a reclaimer
 * @reclaimer: The reclaimer; waits for a call of it that is under way (one
 * batch of one cgroup), not for the reclaim that made it.
 */
void gpumem_unregister_reclaimer(struct gpumem_reclaimer *reclaimer)
{
	mutex_lock(&gpumem_reclaimers_lock);
	list_del_rcu(&reclaimer->link);
	mutex_unlock(&gpumem_reclaimers_lock);
	synchronize_srcu(&gpumem_reclaimers_srcu);
}
EXPORT_SYMBOL_GPL(gpumem_unregister_reclaimer);

/*
 * What counts towards a reclaim's target in @stats: the pages that left
 * memory, and with writeback deferred the copies left for LRU reclaim to
 * write (the policy says not to write them now).
 */
static unsigned long gpumem_reclaim_done(const struct gpumem_reclaim_stats *stats,
					 bool deferred)
{
	return stats->freed + (deferred ? stats->backed_up : 0);
}

/*
 * Ask every reclaimer for up to @nr_pages pages of @memcg's own buffers, in
 * batches, until that many left memory (see gpumem_reclaim_done()) or
 * nothing more can be taken; returns the pages done. Stops on a fatal
 * signal.
 */
static unsigned long gpumem_reclaim_memcg(struct mem_cgroup *memcg,
					  unsigned long nr_pages,
					  struct gpumem_reclaim_stats *stats)
{
	struct gpumem_reclaim_stats start = *stats;
	struct gpumem_reclaimer *reclaimer;
	unsigned long done = 0, got;
	struct gpumem_policy policy;
	bool deferred;
	int idx;

	gpumem_policy_of(memcg, &policy);
	deferred = policy.writeback == GPUMEM_WRITEBACK_DEFERRED;
	do {
		got = 0;
		idx = srcu_read_lock(&gpumem_reclaimers_srcu);
		list_for_each_entry_srcu(reclaimer, &gpumem_reclaimers, link,
					 srcu_read_lock_held(&gpumem_reclaimers_srcu)) {
			done = gpumem_reclaim_done(stats, deferred) -
			       gpumem_reclaim_done(&start, deferred);
			if (done >= nr_pages)
				break;
			got += reclaimer->reclaim(reclaimer, memcg,
				min(nr_pages - done, GPUMEM_RECLAIM_BATCH),
				stats);
		}
		srcu_read_unlock(&gpumem_reclaimers_srcu, idx);
		done = gpumem_reclaim_done(stats, deferred) -
		       gpumem_reclaim_done(&start, deferred);
		cond_resched();
	} while (got && done < nr_pages && !fatal_signal_pending(current));
	return done;
}

/*
 * Free up to @nr_pages pages of buffer memory of @root's subtree. Each
 * cgroup's own buffers go as its policy says; returns the pages done (see
 * gpumem_reclaim_done()), @stats says what left memory. No
 * lock is held from one batch to the next, and a fatal signal ends it with
 * what was freed so far.
 */
unsigned long gpumem_reclaim(struct mem_cgroup *root, unsigned long nr_pages,
			     struct gpumem_reclaim_stats *stats)
{
	unsigned long freed = 0, before;
	struct mem_cgroup *memcg;
	int pass;

	/* Busy buffers are skipped: another pass may find them idle. */
	for (pass = 0; pass < GPUMEM_RECLAIM_PASSES && freed < nr_pages;
	     ++pass) {
		before = freed;
		memcg = mem_cgroup_iter(root, NULL, NULL);
		do {
			/* A bo goes whole: one may free more than asked. */
			freed += gpumem_reclaim_memcg(memcg, nr_pages - freed,
						      stats);
			if (freed >= nr_pages || fatal_signal_pending(current)) {
				mem_cgroup_iter_break(root, memcg);
				break;
			}
		} while ((memcg = mem_cgroup_iter(root, memcg, NULL)));
		if (freed == before || fatal_signal_pending(current))
			break;
	}
	return freed;
}

/*
 * Move buffers of @memcg's subtree out of VRAM until the subtree is within
 * its own VRAM limit, in batches, for as long as the reclaimers find idle
 * buffers to move. A fatal signal ends it.
 */
void gpumem_vram_shrink(struct mem_cgroup *memcg)
{
	unsigned long usage, max, excess, got;
	struct gpumem_reclaimer *reclaimer;
	struct gpumem_memcg *gm;
	int idx;

	do {
		rcu_read_lock();
		gm = gpumem_lookup(gpumem_memcg_id(memcg));
		excess = 0;
		if (gm) {
			usage = page_counter_read(&gm->vram);
			max = READ_ONCE(gm->vram.max);
			excess = usage > max ? usage - max : 0;
		}
		rcu_read_unlock();
		if (!excess)
			break;

		got = 0;
		idx = srcu_read_lock(&gpumem_reclaimers_srcu);
		list_for_each_entry_srcu(reclaimer, &gpumem_reclaimers, link,
					 srcu_read_lock_held(&gpumem_reclaimers_srcu)) {
			if (got >= excess)
				break;
			if (reclaimer->evict_vram)
				got += reclaimer->evict_vram(reclaimer, memcg,
					min(excess - got, GPUMEM_RECLAIM_BATCH));
		}
		srcu_read_unlock(&gpumem_reclaimers_srcu, idx);
		cond_resched();
	} while (got && !fatal_signal_pending(current));
}
