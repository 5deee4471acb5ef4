/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of gpumem share: the per memory cgroup state, the locks
 * and the calls between core.c, reclaim.c and netlink.c.
 *
 * Locking
 *
 * gpumem_lock (mutex): serializes the writers of gpumem_memcgs and of the
 *   policy. gpumem_memcg_online() stores a state and gpumem_memcg_offline()
 *   erases it under it (both with cgroup_mutex held by the cgroup core, which
 *   nests outside); a policy change looks the state up and writes ->purge,
 *   ->writeback, ->backup.max and ->vram.max under it, so the state cannot
 *   be erased and freed halfway, and announces the change before dropping it,
 *   so policy-ntf events come in the order of the changes. It is held
 *   across allocations that may reclaim, so nothing that runs in reclaim
 *   or under a driver's locks takes it.
 *
 * gpumem_memcgs (xarray): cgroup id -> state, see gpumem_lookup(). Stored
 *   and erased under gpumem_lock (and the xarray's own spinlock); read under
 *   rcu_read_lock() or gpumem_lock. A state is freed with kfree_rcu() after
 *   it is erased: an RCU reader that found it may use it until
 *   rcu_read_unlock(), never after.
 *
 * RCU: every charge, uncharge and count (core.c), the VRAM shrink's usage
 *   check (reclaim.c) and every netlink get and dump (netlink.c) find and
 *   use a state under rcu_read_lock() alone, so that they never sleep and
 *   may be called from reclaim and under a driver's spinlocks. ->memcg is
 *   read the same way: the memory controller frees a memcg an RCU grace
 *   period after its release, which comes after its offline.
 *
 * Page counters (->backup, ->purgeable, ->vram): no lock. A charge or
 *   uncharge is atomic at each level of the hierarchy; a limit is written
 *   with xchg() under gpumem_lock and read with READ_ONCE(). A limit lowered
 *   below the usage only refuses new charges (a policy change then shrinks
 *   VRAM down to its new limit, with gpumem_vram_shrink()).
 *
 * ->purge, ->writeback: WRITE_ONCE() under gpumem_lock, READ_ONCE()
 *   anywhere. A reader may see one field changed and not yet the other.
 *
 * ->totals, ->denials, ->vram_evictions: atomics, no lock.
 *
 * ->purge_rs, ->budget_rs, ->vram_rs: __ratelimit()'s own spinlock, only
 *   tried, never waited for.
 *
 * gpumem_reclaimers_lock (mutex) and gpumem_reclaimers_srcu: the list of
 *   reclaimers is changed under the mutex and walked under SRCU, because a
 *   reclaimer sleeps. Unregistering waits for the readers, which hold the
 *   SRCU read lock for one batch of one cgroup, never for a whole reclaim.
 *   Neither nests with gpumem_lock: a policy change drops gpumem_lock before
 *   it shrinks VRAM.
 *
 * Why ->parent is safe
 *
 * gpumem_memcg->parent (and the page counters' parents, which point into
 * the parent's state) hold no reference. They need none because a parent's
 * state outlives its children's:
 *
 * - The cgroup core onlines a parent before its children, so when a child's
 *   state is made the parent's is in gpumem_memcgs (a parent whose state
 *   could not be made failed to come online and has no children).
 * - The cgroup core calls a css's ->css_offline() only after that of every
 *   child has returned (css->online_cnt), so a parent's state is erased,
 *   and its kfree_rcu() queued, after its children's.
 *
 * So from a state found in gpumem_memcgs, under rcu_read_lock() or
 * gpumem_lock, ->parent may be followed up to the root: each ancestor is
 * still there, or was erased after the child was found and is freed only
 * after the reader's grace period. The root's state is never freed.
 */
#ifndef _MM_GPUMEM_INTERNAL_H
#define _MM_GPUMEM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/gpumem.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/page_counter.h>
#include <linux/ratelimit_types.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/xarray.h>

/**
 * struct gpumem_memcg - The gpumem state of one memory cgroup
 * @id: The cgroup's id (its key in gpumem_memcgs).
 * @memcg: The memory cgroup; not referenced, the state lives while it is
 * online.
 * @parent: The parent's state, NULL for the root.
 * @backup: Pages of the subtree's buffers in backup; its max is the swap
 * budget.
 * @purgeable: Resident pages of the subtree's purgeable buffers.
 * @totals: Pages purged, backed up, restored in the subtree.
 * @denials: Backups refused in the subtree because a budget was spent.
 * @vram: Pages of device memory (VRAM) held by the subtree's buffers; its
 * max is the VRAM limit.
 * @vram_evictions: Buffers of the subtree moved out of VRAM by a VRAM limit.
 * @purge: The cgroup's own purge policy (enum gpumem_purge).
 * @writeback: The cgroup's own writeback policy (enum gpumem_writeback).
 * @purge_rs: Rate limit of purge events.
 * @budget_rs: Rate limit of budget events.
 * @vram_rs: Rate limit of VRAM eviction events.
 * @rcu: For freeing after readers are done.
 */
struct gpumem_memcg {
	u64 id;
	struct mem_cgroup *memcg;
	struct gpumem_memcg *parent;
	struct page_counter backup;
	struct page_counter purgeable;
	atomic_long_t totals[GPUMEM_NR_TOTALS];
	atomic_long_t denials;
	struct page_counter vram;
	atomic_long_t vram_evictions;
	u8 purge;
	u8 writeback;
	struct ratelimit_state purge_rs;
	struct ratelimit_state budget_rs;
	struct ratelimit_state vram_rs;
	struct rcu_head rcu;
};

/* core.c: the states and what they count. */
extern struct xarray gpumem_memcgs;
extern struct mutex gpumem_lock;

static inline u64 gpumem_memcg_id(struct mem_cgroup *memcg)
{
	return cgroup_id(memcg->css.cgroup);
}

struct gpumem_memcg *gpumem_lookup(u64 id);
unsigned long gpumem_effective_max(struct page_counter *counter);
void gpumem_effective(struct gpumem_memcg *gm, struct gpumem_policy *policy);

/* reclaim.c: proactive reclaim and VRAM limits over the reclaimers. */
unsigned long gpumem_reclaim(struct mem_cgroup *root, unsigned long nr_pages,
			     struct gpumem_reclaim_stats *stats);
void gpumem_vram_shrink(struct mem_cgroup *memcg);

/* netlink.c: events. */
void gpumem_notify_event(int cmd, u64 id, unsigned long nr_pages,
			 int other_attr, u64 other_id);

#endif /* _MM_GPUMEM_INTERNAL_H */
