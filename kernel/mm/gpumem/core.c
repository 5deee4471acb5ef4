// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem core: the per memory cgroup state and what drivers charge and
 * count in it (swap budget, purgeable pages, totals, VRAM), and the policy
 * in force for a cgroup's buffers. Locking: see internal.h.
 *
 * Every online memory cgroup has a struct gpumem_memcg, created when the
 * cgroup comes online and freed (after an RCU grace period) when it goes
 * offline, found by cgroup id in an xarray. Its page counters are
 * hierarchical, like memcg's own: a charge is made to the cgroup and all its
 * ancestors. When a cgroup goes offline its buffers' object cgroup moves to
 * the parent, so later uncharges land on the parent, which holds the charges
 * of the whole subtree already; nothing needs to be moved.
 */

#include <linux/cgroup.h>
#include <linux/export.h>
#include <linux/gpumem.h>
#include <linux/kernfs.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/page_counter.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"

/* Events of one kind and cgroup: a burst of this many per interval. */
#define GPUMEM_EVENT_INTERVAL	HZ
#define GPUMEM_EVENT_BURST	10

/* Cgroup id -> struct gpumem_memcg; read under RCU. */
DEFINE_XARRAY(gpumem_memcgs);
/* Serializes policy changes with cgroups coming and going; see internal.h. */
DEFINE_MUTEX(gpumem_lock);

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
struct gpumem_memcg *gpumem_lookup(u64 id)
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
unsigned long gpumem_effective_max(struct page_counter *counter)
{
	unsigned long max = PAGE_COUNTER_MAX;

	for (; counter; counter = counter->parent)
		max = min(max, READ_ONCE(counter->max));
	return max;
}

/* The most restrictive policy on the path from @gm to the root. */
void gpumem_effective(struct gpumem_memcg *gm, struct gpumem_policy *policy)
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
