// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem: per memory cgroup policy, swap budget and statistics of the system
 * memory of GPU buffers, and the "gpumem" generic netlink family that reads
 * and sets them (Documentation/netlink/specs/gpumem.yaml).
 *
 * Every online memory cgroup has a struct gpumem_memcg, created when the
 * cgroup comes online and freed (after an RCU grace period) when it goes
 * offline, found by cgroup id in an xarray. Its page counters are
 * hierarchical, like memcg's own: a charge is made to the cgroup and all its
 * ancestors. When a cgroup goes offline its buffers' object cgroup moves to
 * the parent, so later uncharges land on the parent, which holds the charges
 * of the whole subtree already; nothing needs to be moved.
 *
 * Drivers charge and count through the functions below; buffer memory is
 * reclaimed proactively through the reclaimers they register (TTM's
 * shrinker is one).
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/gpumem.h>
#include <linux/kernfs.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/page_counter.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "gpumem-nl-gen.h"

/* Events of one kind and cgroup: a burst of this many per interval. */
#define GPUMEM_EVENT_INTERVAL	HZ
#define GPUMEM_EVENT_BURST	10

/* A proactive reclaim walks the subtree at most this many times. */
#define GPUMEM_RECLAIM_PASSES	5
/*
 * A reclaimer is asked for at most this many pages at a time (a buffer goes
 * whole, so it may free more), so that unregistering it waits for one such
 * call, never for a whole reclaim.
 */
#define GPUMEM_RECLAIM_BATCH	(SZ_4M >> PAGE_SHIFT)

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

/* Cgroup id -> struct gpumem_memcg; read under RCU. */
static DEFINE_XARRAY(gpumem_memcgs);
/* Serializes policy changes with cgroups coming and going. */
static DEFINE_MUTEX(gpumem_lock);

/*
 * The registered reclaimers: changed under the mutex, walked under SRCU by
 * a proactive reclaim, one batch of one cgroup at a time.
 */
static LIST_HEAD(gpumem_reclaimers);
static DEFINE_MUTEX(gpumem_reclaimers_lock);
DEFINE_STATIC_SRCU(gpumem_reclaimers_srcu);

static u64 gpumem_memcg_id(struct mem_cgroup *memcg)
{
	return cgroup_id(memcg->css.cgroup);
}

/*
 * The index of a cgroup's state in the xarray. A cgroup id is a kernfs node
 * id: the inode number on 64-bit, which an index holds whole; on 32-bit the
 * inode number in the low 32 bits and its generation above them, which an
 * index cannot hold. The index is the inode number, unique among the
 * cgroups that exist, and a lookup checks the whole id.
 */
static unsigned long gpumem_index(u64 id)
{
	return kernfs_id_ino(id);
}

/* The state of the cgroup with id @id; call under RCU or gpumem_lock. */
static struct gpumem_memcg *gpumem_lookup(u64 id)
{
	struct gpumem_memcg *gm = xa_load(&gpumem_memcgs, gpumem_index(id));

	return gm && gm->id == id ? gm : NULL;
}

/*
 * The state of @memcg or, while @memcg goes offline, of its nearest ancestor
 * that has one (which holds @memcg's charges too). Call under RCU.
 */
static struct gpumem_memcg *gpumem_find(struct mem_cgroup *memcg)
{
	struct gpumem_memcg *gm;

	for (; memcg; memcg = parent_mem_cgroup(memcg)) {
		gm = gpumem_lookup(gpumem_memcg_id(memcg));
		if (gm)
			return gm;
	}
	return NULL;
}

/* The state that an object cgroup's charges go to; call under RCU. */
static struct gpumem_memcg *gpumem_find_objcg(struct obj_cgroup *objcg)
{
	return objcg ? gpumem_find(obj_cgroup_memcg(objcg)) : NULL;
}

/**
 * gpumem_memcg_online() - Set up the gpumem state of a new memory cgroup
 * @memcg: The memory cgroup, coming online.
 *
 * Called by the memory controller before the cgroup can have tasks.
 *
 * Return: 0 on success, -ENOMEM on failure.
 */
int gpumem_memcg_online(struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = parent_mem_cgroup(memcg);
	struct gpumem_memcg *gm;
	int ret;

	gm = kzalloc(sizeof(*gm), GFP_KERNEL);
	if (!gm)
		return -ENOMEM;

	gm->id = gpumem_memcg_id(memcg);
	gm->memcg = memcg;
	ratelimit_state_init(&gm->purge_rs, GPUMEM_EVENT_INTERVAL,
			     GPUMEM_EVENT_BURST);
	ratelimit_state_init(&gm->budget_rs, GPUMEM_EVENT_INTERVAL,
			     GPUMEM_EVENT_BURST);
	ratelimit_state_init(&gm->vram_rs, GPUMEM_EVENT_INTERVAL,
			     GPUMEM_EVENT_BURST);
	/* Dropped events are not worth a line in the kernel log. */
	ratelimit_set_flags(&gm->purge_rs, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_set_flags(&gm->budget_rs, RATELIMIT_MSG_ON_RELEASE);
	ratelimit_set_flags(&gm->vram_rs, RATELIMIT_MSG_ON_RELEASE);

	mutex_lock(&gpumem_lock);
	/* The parent is online (it has an online child): its state is there. */
	gm->parent = parent ? gpumem_lookup(gpumem_memcg_id(parent)) : NULL;
	page_counter_init(&gm->backup, gm->parent ? &gm->parent->backup : NULL,
			  false);
	page_counter_init(&gm->purgeable,
			  gm->parent ? &gm->parent->purgeable : NULL, false);
	page_counter_init(&gm->vram, gm->parent ? &gm->parent->vram : NULL,
			  false);
	ret = xa_err(xa_store(&gpumem_memcgs, gpumem_index(gm->id), gm,
			      GFP_KERNEL));
	mutex_unlock(&gpumem_lock);
	if (ret)
		kfree(gm);
	return ret;
}

/**
 * gpumem_memcg_offline() - Drop the gpumem state of a memory cgroup
 * @memcg: The memory cgroup, going offline, its object cgroups already
 * moved to the parent.
 *
 * The charges of the cgroup are in its ancestors' counters too, where its
 * buffers' later uncharges go; its policy is forgotten.
 */
void gpumem_memcg_offline(struct mem_cgroup *memcg)
{
	struct gpumem_memcg *gm;

	mutex_lock(&gpumem_lock);
	gm = gpumem_lookup(gpumem_memcg_id(memcg));
	if (gm)
		xa_erase(&gpumem_memcgs, gpumem_index(gm->id));
	mutex_unlock(&gpumem_lock);
	if (gm)
		kfree_rcu(gm, rcu);
}

/* The smallest limit of a hierarchical counter on the path to the root. */
static unsigned long gpumem_effective_max(struct page_counter *counter)
{
	unsigned long max = PAGE_COUNTER_MAX;

	for (; counter; counter = counter->parent)
		max = min(max, READ_ONCE(counter->max));
	return max;
}

/* The most restrictive policy on the path from @gm to the root. */
static void gpumem_effective(struct gpumem_memcg *gm,
			     struct gpumem_policy *policy)
{
	u8 purge = GPUMEM_PURGE_FIRST, writeback = GPUMEM_WRITEBACK_IMMEDIATE;

	/* The enums are ordered from least to most restrictive. */
	for (; gm; gm = gm->parent) {
		purge = max(purge, READ_ONCE(gm->purge));
		writeback = max(writeback, READ_ONCE(gm->writeback));
	}
	policy->purge = purge;
	policy->writeback = writeback;
}

/**
 * gpumem_policy_of() - The policy in force for a memory cgroup's buffers
 * @memcg: The memory cgroup, NULL for buffers charged to none.
 * @policy: Set to the most restrictive policy on the path to the root.
 */
void gpumem_policy_of(struct mem_cgroup *memcg, struct gpumem_policy *policy)
{
	rcu_read_lock();
	gpumem_effective(memcg ? gpumem_find(memcg) : NULL, policy);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_policy_of);

static void gpumem_notify_event(int cmd, u64 id, unsigned long nr_pages,
				int other_attr, u64 other_id);

/**
 * gpumem_backup_charge() - Charge a backup to its owner's swap budgets
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: The pages about to be backed up.
 *
 * Charges the owner's cgroup and its ancestors. A refusal is counted in the
 * cgroup and its ancestors, and announced (rate-limited) naming the cgroup
 * whose budget was spent.
 *
 * Return: 0 if the backup may be made, -ENOSPC if a budget is spent.
 */
int gpumem_backup_charge(struct obj_cgroup *objcg, unsigned long nr_pages)
{
	struct page_counter *fail;
	struct gpumem_memcg *gm, *it;
	int ret = 0;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm && !page_counter_try_charge(&gm->backup, nr_pages, &fail)) {
		for (it = gm; it; it = it->parent)
			atomic_long_inc(&it->denials);
		if (__ratelimit(&gm->budget_rs))
			gpumem_notify_event(GPUMEM_CMD_BUDGET_NTF, gm->id, nr_pages,
					    GPUMEM_A_EVENT_BUDGET_ID,
					    container_of(fail, struct gpumem_memcg,
							 backup)->id);
		ret = -ENOSPC;
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(gpumem_backup_charge);

/**
 * gpumem_backup_uncharge() - Uncharge pages that left the backup
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: The pages restored or dropped.
 */
void gpumem_backup_uncharge(struct obj_cgroup *objcg, unsigned long nr_pages)
{
	struct gpumem_memcg *gm;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm)
		page_counter_uncharge(&gm->backup, nr_pages);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_backup_uncharge);

/**
 * gpumem_purgeable_add() - Count resident pages that became purgeable
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: How many.
 */
void gpumem_purgeable_add(struct obj_cgroup *objcg, unsigned long nr_pages)
{
	struct gpumem_memcg *gm;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm)
		page_counter_charge(&gm->purgeable, nr_pages);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_purgeable_add);

/**
 * gpumem_purgeable_sub() - Count purgeable pages that are no longer
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: How many: made needed again, purged, backed up or freed.
 */
void gpumem_purgeable_sub(struct obj_cgroup *objcg, unsigned long nr_pages)
{
	struct gpumem_memcg *gm;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm)
		page_counter_uncharge(&gm->purgeable, nr_pages);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_purgeable_sub);

/**
 * gpumem_count() - Count pages purged, backed up or restored
 * @objcg: The owner of the buffer, NULL for none.
 * @total: What happened.
 * @nr_pages: To how many pages.
 *
 * Counted in the owner's cgroup and its ancestors; a purge is announced
 * (rate-limited).
 */
void gpumem_count(struct obj_cgroup *objcg, enum gpumem_total total,
		  unsigned long nr_pages)
{
	struct gpumem_memcg *gm, *it;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	for (it = gm; it; it = it->parent)
		atomic_long_add(nr_pages, &it->totals[total]);
	if (gm && total == GPUMEM_PURGED && __ratelimit(&gm->purge_rs))
		gpumem_notify_event(GPUMEM_CMD_PURGE_NTF, gm->id, nr_pages, 0, 0);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_count);

/**
 * gpumem_vram_charge() - Charge device memory to a buffer's owner
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: The pages of device memory (VRAM) the buffer is about to get.
 * @limit: Set to the memory cgroup whose VRAM limit would be exceeded, with
 * a reference (mem_cgroup_put() it), when -ENOSPC is returned; else NULL.
 *
 * Charges the owner's cgroup and its ancestors, within their VRAM limits.
 * VRAM is not memory.current's: memcg never sees this charge.
 *
 * Return: 0 if charged; -ENOSPC if a limit would be exceeded and moving
 * buffers of @limit's subtree out of VRAM could make room; -E2BIG if the
 * buffer alone exceeds that limit, so that nothing could.
 */
int gpumem_vram_charge(struct obj_cgroup *objcg, unsigned long nr_pages,
		       struct mem_cgroup **limit)
{
	struct page_counter *fail;
	struct gpumem_memcg *gm;
	int ret = 0;

	*limit = NULL;
	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm && !page_counter_try_charge(&gm->vram, nr_pages, &fail)) {
		ret = -E2BIG;
		/*
		 * Evicting could never make room for more than the tightest
		 * limit on the path, which need not be the one that failed;
		 * and a cgroup being released has nothing left to move out.
		 */
		if (nr_pages <= gpumem_effective_max(&gm->vram)) {
			gm = container_of(fail, struct gpumem_memcg, vram);
			if (css_tryget(&gm->memcg->css)) {
				*limit = gm->memcg;
				ret = -ENOSPC;
			}
		}
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(gpumem_vram_charge);

/**
 * gpumem_vram_uncharge() - Uncharge device memory a buffer gave back
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: The pages of device memory (VRAM) given back.
 */
void gpumem_vram_uncharge(struct obj_cgroup *objcg, unsigned long nr_pages)
{
	struct gpumem_memcg *gm;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	if (gm)
		page_counter_uncharge(&gm->vram, nr_pages);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_vram_uncharge);

/**
 * gpumem_owned_by() - Whether a buffer belongs to a cgroup's subtree
 * @objcg: The owner of the buffer, NULL for none.
 * @memcg: The root of the subtree.
 *
 * Return: true if the buffer is charged to @memcg or a descendant of it.
 */
bool gpumem_owned_by(struct obj_cgroup *objcg, struct mem_cgroup *memcg)
{
	bool ret;

	if (!objcg)
		return false;
	rcu_read_lock();
	ret = mem_cgroup_is_descendant(obj_cgroup_memcg(objcg), memcg);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(gpumem_owned_by);

/**
 * gpumem_charges_current() - Whether the current task is a buffer's owner
 * @objcg: The owner of the buffer, NULL for none.
 *
 * Only the owner's own requests may fail on the owner's limit; someone else's
 * access (an importer's, a kernel thread's) is charged past it.
 *
 * Return: true if @objcg is NULL or the current task's memory cgroup is
 * @objcg's or a descendant of it.
 */
bool gpumem_charges_current(struct obj_cgroup *objcg)
{
	struct mem_cgroup *memcg;
	bool ret;

	if (!objcg)
		return true;
	memcg = get_mem_cgroup_from_current();
	rcu_read_lock();
	ret = mem_cgroup_is_descendant(memcg, obj_cgroup_memcg(objcg));
	rcu_read_unlock();
	mem_cgroup_put(memcg);
	return ret;
}
EXPORT_SYMBOL_GPL(gpumem_charges_current);

/**
 * gpumem_get_owner_memcg() - The memory cgroup that pays for a buffer
 * @objcg: The owner of the buffer, NULL for none: a buffer created in the
 * root cgroup (or by the kernel).
 *
 * For set_active_memcg() around allocations made for the buffer (the
 * shmem pages of its backup), so that they are never charged to whoever
 * happens to run the code (a reclaimer in another cgroup).
 *
 * Return: A reference on @objcg's memory cgroup, or on the root cgroup;
 * release it with mem_cgroup_put(). NULL when the memory controller is
 * disabled (cgroup_disable=memory).
 */
struct mem_cgroup *gpumem_get_owner_memcg(struct obj_cgroup *objcg)
{
	if (mem_cgroup_disabled())
		return NULL;
	if (objcg)
		return get_mem_cgroup_from_objcg(objcg);
	css_get(&root_mem_cgroup->css);
	return root_mem_cgroup;
}
EXPORT_SYMBOL_GPL(gpumem_get_owner_memcg);

/**
 * gpumem_vram_evicted() - Count a buffer moved out of VRAM by a VRAM limit
 * @objcg: The owner of the buffer, NULL for none.
 * @nr_pages: The pages of VRAM it gave back.
 * @limit: The memory cgroup whose VRAM limit made room.
 *
 * Counted in the owner's cgroup and its ancestors and announced
 * (rate-limited) naming both cgroups. Does not sleep.
 */
void gpumem_vram_evicted(struct obj_cgroup *objcg, unsigned long nr_pages,
			 struct mem_cgroup *limit)
{
	struct gpumem_memcg *gm, *it;

	rcu_read_lock();
	gm = gpumem_find_objcg(objcg);
	for (it = gm; it; it = it->parent)
		atomic_long_inc(&it->vram_evictions);
	if (gm && __ratelimit(&gm->vram_rs))
		gpumem_notify_event(GPUMEM_CMD_VRAM_NTF, gm->id, nr_pages,
				    GPUMEM_A_EVENT_LIMIT_ID,
				    gpumem_memcg_id(limit));
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(gpumem_vram_evicted);

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
static unsigned long gpumem_reclaim(struct mem_cgroup *root,
				    unsigned long nr_pages,
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
static void gpumem_vram_shrink(struct mem_cgroup *memcg)
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

/* Netlink. */

static u64 gpumem_bytes(unsigned long nr_pages)
{
	return (u64)nr_pages << PAGE_SHIFT;
}

/* A page counter's max in bytes; all ones for "no limit". */
static u64 gpumem_max_bytes(unsigned long max)
{
	return max >= PAGE_COUNTER_MAX ? U64_MAX : gpumem_bytes(max);
}

/*
 * What a reply is filled for: the root of the requester's cgroup namespace,
 * which paths are relative to, and a buffer of PATH_MAX bytes for them
 * (NULL for replies that carry no path).
 */
struct gpumem_fill_ctx {
	struct cgroup *ns_root;
	char *path;
};

/* The policy attributes, own and in force; one place for every reply. */
static int gpumem_put_policy(struct sk_buff *skb, struct gpumem_memcg *gm)
{
	struct gpumem_policy policy;

	gpumem_effective(gm, &policy);
	return nla_put_u32(skb, GPUMEM_A_CGROUP_PURGE, READ_ONCE(gm->purge)) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_WRITEBACK,
			   READ_ONCE(gm->writeback)) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_SWAP_BUDGET,
			    gpumem_max_bytes(READ_ONCE(gm->backup.max))) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, policy.purge) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
			   policy.writeback) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET,
			    gpumem_max_bytes(gpumem_effective_max(&gm->backup))) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM_MAX,
			    gpumem_max_bytes(READ_ONCE(gm->vram.max))) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX,
			    gpumem_max_bytes(gpumem_effective_max(&gm->vram)));
}

static int gpumem_fill_policy(struct sk_buff *skb, struct gpumem_memcg *gm,
			      struct gpumem_fill_ctx *ctx)
{
	if (nla_put_uint(skb, GPUMEM_A_CGROUP_ID, gm->id) ||
	    gpumem_put_policy(skb, gm))
		return -EMSGSIZE;
	return 0;
}

/*
 * The cgroup's path and memory.current and memory.max, so that a dump is
 * all a reader needs. The root cgroup has neither file.
 */
static int gpumem_put_memcg(struct sk_buff *skb, struct gpumem_memcg *gm,
			    struct gpumem_fill_ctx *ctx)
{
	struct mem_cgroup *memcg = gm->memcg;
	int len;

	len = kernfs_path_from_node(memcg->css.cgroup->kn, ctx->ns_root->kn,
				    ctx->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (nla_put_string(skb, GPUMEM_A_CGROUP_PATH, ctx->path))
		return -EMSGSIZE;
	if (mem_cgroup_is_root(memcg))
		return 0;
	if (nla_put_uint(skb, GPUMEM_A_CGROUP_MEMORY_CURRENT,
			 gpumem_bytes(page_counter_read(&memcg->memory))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_MEMORY_MAX,
			 gpumem_max_bytes(READ_ONCE(memcg->memory.max))))
		return -EMSGSIZE;
	return 0;
}

/* Memory cgroup statistics are flushed by the caller. */
static int gpumem_fill_stats(struct sk_buff *skb, struct gpumem_memcg *gm,
			     struct gpumem_fill_ctx *ctx)
{
	int ret;

	if (nla_put_uint(skb, GPUMEM_A_CGROUP_ID, gm->id))
		return -EMSGSIZE;
	ret = gpumem_put_memcg(skb, gm, ctx);
	if (ret)
		return ret;
	if (gpumem_put_policy(skb, gm) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_RESIDENT,
			 gpumem_bytes(memcg_page_state(gm->memcg, MEMCG_GPU))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_PURGEABLE,
			 gpumem_bytes(page_counter_read(&gm->purgeable))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BACKUP,
			 gpumem_bytes(page_counter_read(&gm->backup))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_PURGED_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_PURGED]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BACKED_UP_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_BACKED_UP]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_RESTORED_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_RESTORED]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BUDGET_DENIALS,
			 atomic_long_read(&gm->denials)) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM,
			 gpumem_bytes(page_counter_read(&gm->vram))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM_EVICTIONS,
			 atomic_long_read(&gm->vram_evictions)))
		return -EMSGSIZE;
	return 0;
}

/*
 * The memory cgroup named by attribute @attr of a request, with a reference,
 * or an error with an extack message. Only a cgroup that has a memory
 * controller of its own and is online has gpumem state.
 */
static struct mem_cgroup *gpumem_nl_memcg(struct genl_info *info,
					  unsigned int attr)
{
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;

	if (GENL_REQ_ATTR_CHECK(info, attr)) {
		GENL_SET_ERR_MSG(info, "the cgroup id is missing");
		return ERR_PTR(-EINVAL);
	}

	cgrp = cgroup_get_from_id(nla_get_uint(info->attrs[attr]));
	if (IS_ERR(cgrp)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no cgroup with this id");
		return ERR_PTR(-ENOENT);
	}
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css || css->cgroup != cgrp || css_is_dying(css)) {
		if (css)
			css_put(css);
		cgroup_put(cgrp);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "cgroup has no memory controller of its own");
		return ERR_PTR(-ENOENT);
	}
	cgroup_put(cgrp);
	return mem_cgroup_from_css(css);
}

typedef int (*gpumem_fill_fn)(struct sk_buff *skb, struct gpumem_memcg *gm,
			      struct gpumem_fill_ctx *ctx);

/* The root of the requester's cgroup namespace on the default hierarchy. */
static struct cgroup *gpumem_ns_root(void)
{
	return current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
}

static int gpumem_nl_get_doit(struct sk_buff *skb, struct genl_info *info,
			      gpumem_fill_fn fill)
{
	struct gpumem_fill_ctx ctx = { .ns_root = gpumem_ns_root() };
	struct gpumem_memcg *gm;
	struct mem_cgroup *memcg;
	struct sk_buff *rsp;
	void *hdr;
	int ret;

	memcg = gpumem_nl_memcg(info, GPUMEM_A_CGROUP_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);

	ret = -ENOMEM;
	ctx.path = kmalloc(PATH_MAX, GFP_KERNEL);
	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp || !ctx.path)
		goto err_free;
	hdr = genlmsg_iput(rsp, info);
	if (!hdr)
		goto err_free;

	mem_cgroup_flush_stats(memcg);
	rcu_read_lock();
	gm = gpumem_lookup(gpumem_memcg_id(memcg));
	ret = gm ? fill(rsp, gm, &ctx) : -ENOENT;
	rcu_read_unlock();
	if (ret) {
		if (ret == -ENOENT)
			GENL_SET_ERR_MSG(info, "cgroup went away");
		goto err_free;
	}
	genlmsg_end(rsp, hdr);
	ret = genlmsg_reply(rsp, info);
	goto out;

err_free:
	nlmsg_free(rsp);
out:
	kfree(ctx.path);
	mem_cgroup_put(memcg);
	return ret;
}

/*
 * Where a dump goes on: the xarray index of the next cgroup (see
 * gpumem_index()); the id of the subtree asked for, 0 for all.
 */
struct gpumem_dump_ctx {
	unsigned long next;
	u64 subtree_id;
};

/*
 * The root of the subtree a dump covers, referenced: the cgroup the request
 * names (which must be inside the requester's cgroup namespace), else the
 * namespace's root.
 */
static struct cgroup *gpumem_dump_root(struct netlink_callback *cb,
				       struct gpumem_dump_ctx *ctx)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct nlattr *attr = info->attrs[GPUMEM_A_CGROUP_ID];
	struct cgroup *root;

	if (!ctx->next && attr)
		ctx->subtree_id = nla_get_uint(attr);
	if (!ctx->subtree_id) {
		root = gpumem_ns_root();
		cgroup_get(root);
		return root;
	}
	/* Looked up again by each part of the dump: it may have gone. */
	root = cgroup_get_from_id(ctx->subtree_id);
	if (IS_ERR(root) && !ctx->next)
		NL_SET_ERR_MSG_ATTR(cb->extack, attr, "no cgroup with this id");
	return root;
}

static int gpumem_nl_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb,
				gpumem_fill_fn fill)
{
	struct gpumem_dump_ctx *ctx = (void *)cb->ctx;
	const struct genl_info *info = genl_info_dump(cb);
	struct gpumem_fill_ctx fill_ctx = { .ns_root = gpumem_ns_root() };
	struct gpumem_memcg *gm;
	struct cgroup *root;
	unsigned long index;
	int ret = 0;
	void *hdr;

	NL_ASSERT_DUMP_CTX_FITS(struct gpumem_dump_ctx);

	/* A subtree root that went away mid-dump ends it with an error too. */
	root = gpumem_dump_root(cb, ctx);
	if (IS_ERR(root))
		return -ENOENT;
	fill_ctx.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!fill_ctx.path) {
		cgroup_put(root);
		return -ENOMEM;
	}
	if (!ctx->next)
		mem_cgroup_flush_stats(root_mem_cgroup);

	rcu_read_lock();
	xa_for_each_start(&gpumem_memcgs, index, gm, ctx->next) {
		/* Like a lookup by id: nothing outside the cgroup namespace. */
		if (cgroup_is_descendant(gm->memcg->css.cgroup, root)) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, info->family,
					  NLM_F_MULTI, info->genlhdr->cmd);
			if (!hdr) {
				ret = -EMSGSIZE;
				break;
			}
			ret = fill(skb, gm, &fill_ctx);
			if (ret) {
				genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		ctx->next = index + 1;
		/*
		 * A machine may have thousands of cgroups. The walk finds the
		 * next entry afresh, and @gm is not used past this point.
		 */
		cond_resched_rcu();
	}
	rcu_read_unlock();
	kfree(fill_ctx.path);
	cgroup_put(root);

	/* A full message ends this part of the dump; the rest comes next. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}

int gpumem_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gpumem_nl_get_doit(skb, info, gpumem_fill_policy);
}

int gpumem_nl_policy_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return gpumem_nl_get_dumpit(skb, cb, gpumem_fill_policy);
}

int gpumem_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gpumem_nl_get_doit(skb, info, gpumem_fill_stats);
}

int gpumem_nl_stats_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return gpumem_nl_get_dumpit(skb, cb, gpumem_fill_stats);
}

/*
 * Changing policy and reclaiming are the administrator's, not a container's:
 * CAP_SYS_ADMIN in the initial user namespace, checked here rather than by
 * the core's GENL_ADMIN_PERM, which checks CAP_NET_ADMIN.
 */
static int gpumem_nl_check_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	GENL_SET_ERR_MSG(info, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

/*
 * From inside a cgroup namespace, the policy of the namespace's root is its
 * parent's to set, as cgroupfs delegation keeps the limits of a delegated
 * cgroup with the parent: only the cgroups below it can be changed there.
 * (Cgroups outside the namespace cannot even be named.) Reclaiming the
 * root's own memory stays allowed: it gives nothing away.
 */
static int gpumem_nl_check_ns_root(struct mem_cgroup *memcg,
				   struct genl_info *info)
{
	struct cgroup *ns_root = gpumem_ns_root();

	if (memcg->css.cgroup != ns_root || !cgroup_parent(ns_root))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[GPUMEM_A_CGROUP_ID],
			    "the root of a cgroup namespace takes its policy from outside the namespace");
	return -EPERM;
}

/* A new event message, or NULL when nobody listens (or out of memory). */
static struct sk_buff *gpumem_event_new(int cmd, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&gpumem_nl_family, &init_net,
				GPUMEM_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &gpumem_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send an event message, or drop it if filling it failed (@err). */
static void gpumem_event_send(struct sk_buff *msg, void *hdr, int err,
			      gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&gpumem_nl_family, msg, 0, GPUMEM_NLGRP_EVENTS, gfp);
}

static void gpumem_notify_policy(struct gpumem_memcg *gm)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gpumem_event_new(GPUMEM_CMD_POLICY_NTF, GFP_KERNEL, &hdr);
	if (msg)
		gpumem_event_send(msg, hdr,
				  gpumem_fill_policy(msg, gm, NULL) ||
				  nla_put_uint(msg, GPUMEM_A_CGROUP_TIMESTAMP,
					       ktime_get_real_ns()),
				  GFP_KERNEL);
}

/*
 * Called from reclaim and eviction, under RCU: nothing here may sleep.
 * @other_attr, when not 0, names a second cgroup (@other_id).
 */
static void gpumem_notify_event(int cmd, u64 id, unsigned long nr_pages,
				int other_attr, u64 other_id)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN;
	struct sk_buff *msg;
	void *hdr;

	msg = gpumem_event_new(cmd, gfp, &hdr);
	if (!msg)
		return;
	gpumem_event_send(msg, hdr,
			  nla_put_uint(msg, GPUMEM_A_EVENT_ID, id) ||
			  nla_put_uint(msg, GPUMEM_A_EVENT_BYTES,
				       gpumem_bytes(nr_pages)) ||
			  nla_put_uint(msg, GPUMEM_A_EVENT_TIMESTAMP,
				       ktime_get_real_ns()) ||
			  (other_attr && nla_put_uint(msg, other_attr, other_id)),
			  gfp);
}

/* A limit in bytes, rounded down to pages; beyond a page counter, none. */
static unsigned long gpumem_nl_pages(const struct nlattr *attr)
{
	return min_t(u64, nla_get_uint(attr) >> PAGE_SHIFT, PAGE_COUNTER_MAX);
}

int gpumem_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *purge = info->attrs[GPUMEM_A_CGROUP_PURGE];
	struct nlattr *writeback = info->attrs[GPUMEM_A_CGROUP_WRITEBACK];
	struct nlattr *budget = info->attrs[GPUMEM_A_CGROUP_SWAP_BUDGET];
	struct nlattr *vram_max = info->attrs[GPUMEM_A_CGROUP_VRAM_MAX];
	struct gpumem_memcg *gm;
	struct mem_cgroup *memcg;
	int ret;

	ret = gpumem_nl_check_admin(skb, info);
	if (ret)
		return ret;
	memcg = gpumem_nl_memcg(info, GPUMEM_A_CGROUP_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	ret = gpumem_nl_check_ns_root(memcg, info);
	if (ret) {
		mem_cgroup_put(memcg);
		return ret;
	}
	if (!purge && !writeback && !budget && !vram_max) {
		GENL_SET_ERR_MSG(info,
				 "nothing to set: give purge, writeback, swap-budget or vram-max");
		mem_cgroup_put(memcg);
		return -EINVAL;
	}

	mutex_lock(&gpumem_lock);
	gm = gpumem_lookup(gpumem_memcg_id(memcg));
	if (gm) {
		if (purge)
			WRITE_ONCE(gm->purge, nla_get_u32(purge));
		if (writeback)
			WRITE_ONCE(gm->writeback, nla_get_u32(writeback));
		/*
		 * Like memory.swap.max: a budget below what is in backup now
		 * only refuses new backups.
		 */
		if (budget)
			xchg(&gm->backup.max, gpumem_nl_pages(budget));
		/* Unlike it, a VRAM limit below what is used evicts (below). */
		if (vram_max)
			xchg(&gm->vram.max, gpumem_nl_pages(vram_max));
		gpumem_notify_policy(gm);
	} else {
		GENL_SET_ERR_MSG(info, "cgroup went away");
		ret = -ENOENT;
	}
	mutex_unlock(&gpumem_lock);
	if (!ret && vram_max)
		gpumem_vram_shrink(memcg);
	mem_cgroup_put(memcg);
	return ret;
}

int gpumem_nl_reclaim_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gpumem_reclaim_stats stats = {};
	struct mem_cgroup *memcg;
	unsigned long nr_pages;
	struct sk_buff *rsp;
	void *hdr;
	u64 bytes;
	int ret;

	ret = gpumem_nl_check_admin(skb, info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, GPUMEM_A_RECLAIM_BYTES)) {
		GENL_SET_ERR_MSG(info, "how many bytes to reclaim is missing");
		return -EINVAL;
	}
	bytes = nla_get_uint(info->attrs[GPUMEM_A_RECLAIM_BYTES]);
	/* Rounded up, without overflowing near U64_MAX. */
	nr_pages = min_t(u64, (bytes >> PAGE_SHIFT) + !!(bytes & ~PAGE_MASK),
			 ULONG_MAX);

	memcg = gpumem_nl_memcg(info, GPUMEM_A_RECLAIM_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);

	ret = -ENOMEM;
	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp)
		goto out;
	gpumem_reclaim(memcg, nr_pages, &stats);

	ret = -EMSGSIZE;
	hdr = genlmsg_iput(rsp, info);
	if (!hdr ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_ID, gpumem_memcg_id(memcg)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_FREED,
			 gpumem_bytes(stats.freed)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_PURGED,
			 gpumem_bytes(stats.purged)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_BACKED_UP,
			 gpumem_bytes(stats.backed_up))) {
		nlmsg_free(rsp);
		goto out;
	}
	genlmsg_end(rsp, hdr);
	ret = genlmsg_reply(rsp, info);
out:
	mem_cgroup_put(memcg);
	return ret;
}

/* After the generic netlink core, which is a subsys_initcall of net/. */
static int __init gpumem_init(void)
{
	if (mem_cgroup_disabled())
		return 0;
	return genl_register_family(&gpumem_nl_family);
}
late_initcall(gpumem_init);
