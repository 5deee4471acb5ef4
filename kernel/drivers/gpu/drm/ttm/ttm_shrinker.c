// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A memcg-aware shrinker for the system pages of a TTM device's bos.
 *
 * What the shrinker frees are the pages of tts, so its lists hold tts, not
 * bos: a tt taken over by a ghost object in a pipelined move stays on its
 * list, and &ttm_tt.bo says which bo to lock to shrink it. A tt is on the
 * LRU of the memory cgroup its pages are charged to and of the NUMA node
 * its pages are on, kept by list_lru, which also moves the entries to the
 * parent when a cgroup goes away; it counts as its number of pages, so
 * reclaim sees a cgroup's pages, not its number of bos. The node is that of
 * a page of the tt in memory: a pool allocates a tt's pages on one node
 * (its own, or the allocating task's), so reclaim of that node (kswapd,
 * a cpuset's or mbind()'s direct reclaim) finds them.
 *
 * A scan takes the oldest tt of the list, rotates it to the tail and
 * shrinks it outside the list's lock, so the work of a scan grows with the
 * tts it visits, never with the number of tts on the device.
 *
 * Locking: a tt is added and removed with its bo's reservation held, and
 * the list's own lock taken by list_lru; ttm_shrinker_pick() runs under the
 * list's lock, which keeps a listed tt and the bo it points to alive (a bo
 * takes its tt off the lists, or hands it to a ghost, before it is freed).
 */

#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/gpumem.h>
#include <linux/memcontrol.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/shrinker.h>
#include <linux/swap.h>

#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include <drm/ttm/ttm_backup.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>
#include <drm/ttm/ttm_shrinker.h>
#include <drm/ttm/ttm_tt.h>

#include "ttm_module.h"

/* The memory cgroup whose LRU holds @tt; call under rcu_read_lock(). */
static struct mem_cgroup *ttm_shrinker_memcg_of(struct ttm_tt *tt)
{
	return tt->objcg ? obj_cgroup_memcg(tt->objcg) : NULL;
}

/*
 * The node of one of @tt's pages in memory. A backup goes from the first
 * page on and leaves the last ones resident: look at the last page first,
 * so that listing a partly backed-up tt anew does not walk its handles.
 */
static int ttm_shrinker_nid_of(struct ttm_tt *tt)
{
	struct page *last = tt->num_pages ? tt->pages[tt->num_pages - 1] : NULL;
	pgoff_t i;

	if (last && !ttm_backup_page_ptr_is_handle(last))
		return page_to_nid(last);
	for (i = 0; i < tt->num_pages; ++i) {
		struct page *page = tt->pages[i];

		if (page && !ttm_backup_page_ptr_is_handle(page))
			return page_to_nid(page);
	}
	return first_memory_node;
}

static enum ttm_shrinker_list ttm_shrinker_list_of(struct ttm_tt *tt)
{
	return tt->page_flags & TTM_TT_FLAG_PURGEABLE ?
		TTM_SHRINKER_PURGEABLE : TTM_SHRINKER_BACKUP;
}

static enum ttm_shrinker_place ttm_shrinker_place_of(struct ttm_tt *tt)
{
	struct ttm_resource *res = tt->bo->resource;

	return res && res->mem_type != TTM_PL_SYSTEM ?
		TTM_SHRINKER_ON_DEVICE : TTM_SHRINKER_IN_SYSTEM;
}

/* The LRU of the tts of one list whose bos are in one place. */
static struct list_lru *ttm_shrinker_lru(struct ttm_shrinker *ts,
					 enum ttm_shrinker_list list,
					 enum ttm_shrinker_place place)
{
	return &ts->lru[list * TTM_SHRINKER_NUM_PLACES + place];
}

/**
 * ttm_shrinker_prepare() - Make room for tts charged to a cgroup
 * @bdev: The device.
 * @objcg: The object cgroup the tt's pages will be charged to, or NULL.
 *
 * Allocates the lists of @objcg's memory cgroup (and its ancestors') if
 * they do not exist yet, so that putting a tt on them never allocates.
 * Called by TTM when a tt is initialised.
 *
 * Return: 0 on success, -ENOMEM on failure.
 */
int ttm_shrinker_prepare(struct ttm_device *bdev, struct obj_cgroup *objcg)
{
	struct ttm_shrinker *ts = bdev->shrinker;
	struct mem_cgroup *memcg;
	int i, ret = 0;

	if (!ts || !objcg)
		return 0;

	memcg = get_mem_cgroup_from_objcg(objcg);
	for (i = 0; i < TTM_SHRINKER_NUM_LRUS && !ret; ++i)
		ret = memcg_list_lru_alloc(memcg, &ts->lru[i], GFP_KERNEL);
	mem_cgroup_put(memcg);
	return ret;
}

/**
 * ttm_shrinker_will_list() - Whether a tt goes on a shrinker's lists
 * @tt: The tt; its bo locked.
 *
 * Return: true if @tt is listed whenever it has pages in memory: its device
 * has a shrinker, it is %TTM_TT_FLAG_SHRINKABLE, its pages come from the
 * page allocator and its bo is not pinned.
 */
bool ttm_shrinker_will_list(struct ttm_tt *tt)
{
	struct ttm_device *bdev = tt->bo->bdev;

	return bdev->shrinker && (tt->page_flags & TTM_TT_FLAG_SHRINKABLE) &&
	       !(tt->page_flags & TTM_TT_FLAG_EXTERNAL) &&
	       !bdev->pool.use_dma_alloc && !tt->bo->pin_count;
}

/* The shrinker that lists @tt now, if it belongs on one. */
static struct ttm_shrinker *ttm_shrinker_of(struct ttm_tt *tt)
{
	if (!ttm_tt_resident_pages(tt) || !ttm_shrinker_will_list(tt))
		return NULL;
	return tt->bo->bdev->shrinker;
}

/**
 * ttm_shrinker_add() - Put a tt on its owner's LRU if it belongs there
 * @tt: The tt; its bo locked.
 *
 * Called by TTM when @tt has been populated, (partly) backed up, its bo
 * unpinned or moved. The tt counts as its pages in memory; a listed tt
 * whose number of pages in memory or whose bo's place changed is listed
 * anew, at the tail. Nothing happens if the device has no shrinker, the tt
 * has no pages in memory, is not shrinkable or its bo pinned.
 *
 * A tt gets its backup storage when it is first listed (by its first
 * populate, or the unpin of a bo populated while pinned), so that only
 * tts that can be shrunk have one and reclaim, which sees listed tts only,
 * never creates one. A tt whose storage cannot be created is not listed.
 */
void ttm_shrinker_add(struct ttm_tt *tt)
{
	struct ttm_shrinker *ts = ttm_shrinker_of(tt);
	enum ttm_shrinker_place place;
	enum ttm_shrinker_list l;
	u32 pages;
	int nid;

	if (!ts || ttm_tt_setup_backup(tt))
		return;
	pages = ttm_tt_resident_pages(tt);
	place = ttm_shrinker_place_of(tt);
	if (!list_empty(&tt->shrink_link)) {
		if (tt->shrink_pages == pages && tt->shrink_place == place)
			return;
		ttm_shrinker_del(tt);
	}

	l = ttm_shrinker_list_of(tt);
	nid = ttm_shrinker_nid_of(tt);
	rcu_read_lock();
	if (list_lru_add_weighted(ttm_shrinker_lru(ts, l, place),
				  &tt->shrink_link, nid,
				  ttm_shrinker_memcg_of(tt), pages)) {
		tt->shrink_list = l;
		tt->shrink_place = place;
		tt->shrink_nid = nid;
		tt->shrink_pages = pages;
		if (l == TTM_SHRINKER_PURGEABLE)
			gpumem_purgeable_add(tt->objcg, pages);
	}
	rcu_read_unlock();
}

/**
 * ttm_shrinker_del() - Take a tt off its LRU
 * @tt: The tt; its bo locked. Nothing happens if it is on no list.
 *
 * Called by TTM when @tt is unpopulated, backed up or destroyed, or its bo
 * pinned.
 */
void ttm_shrinker_del(struct ttm_tt *tt)
{
	enum ttm_shrinker_list l = tt->shrink_list;
	struct ttm_shrinker *ts;

	if (list_empty(&tt->shrink_link))
		return;
	ts = tt->bo->bdev->shrinker;
	if (WARN_ON_ONCE(!ts))
		return;

	rcu_read_lock();
	if (list_lru_del_weighted(ttm_shrinker_lru(ts, l, tt->shrink_place),
				  &tt->shrink_link, tt->shrink_nid,
				  ttm_shrinker_memcg_of(tt), tt->shrink_pages) &&
	    l == TTM_SHRINKER_PURGEABLE)
		gpumem_purgeable_sub(tt->objcg, tt->shrink_pages);
	rcu_read_unlock();
}

/**
 * ttm_shrinker_set_purgeable() - Mark a tt's content as (not) needed
 * @tt: The tt; its bo locked.
 * @purgeable: Whether the content may be dropped under pressure.
 *
 * Sets or clears %TTM_TT_FLAG_PURGEABLE and moves the tt to the matching
 * list. Clearing it also clears %TTM_TT_FLAG_PURGED: the caller reports
 * the loss before.
 */
void ttm_shrinker_set_purgeable(struct ttm_tt *tt, bool purgeable)
{
	bool listed = !list_empty(&tt->shrink_link);

	dma_resv_assert_held(tt->bo->base.resv);
	ttm_shrinker_del(tt);
	if (purgeable)
		tt->page_flags |= TTM_TT_FLAG_PURGEABLE;
	else
		tt->page_flags &= ~(TTM_TT_FLAG_PURGEABLE | TTM_TT_FLAG_PURGED);
	if (listed)
		ttm_shrinker_add(tt);
}
EXPORT_SYMBOL(ttm_shrinker_set_purgeable);

/*
 * The pages on one list of one memory cgroup on @nid (NUMA_NO_NODE: on
 * every node), of the bos in system memory only if @system_only.
 */
static unsigned long ttm_shrinker_count_node(struct ttm_shrinker *ts,
					     enum ttm_shrinker_list list,
					     struct mem_cgroup *memcg, int nid,
					     bool system_only)
{
	enum ttm_shrinker_place place, last;
	unsigned long pages = 0;
	int n;

	last = system_only ? TTM_SHRINKER_IN_SYSTEM : TTM_SHRINKER_ON_DEVICE;
	for (place = TTM_SHRINKER_IN_SYSTEM; place <= last; ++place) {
		struct list_lru *lru = ttm_shrinker_lru(ts, list, place);

		if (nid != NUMA_NO_NODE) {
			pages += list_lru_count_one(lru, nid, memcg);
			continue;
		}
		for_each_node(n)
			pages += list_lru_count_one(lru, n, memcg);
	}
	return pages;
}

/**
 * ttm_shrinker_count_pages() - The pages on one list of one memory cgroup
 * @ts: The shrinker.
 * @list: The list.
 * @memcg: The memory cgroup (its own list, not its descendants'), NULL for
 * the tts charged to no cgroup.
 *
 * Return: The number of pages of the tts on the list, on every node.
 */
unsigned long ttm_shrinker_count_pages(struct ttm_shrinker *ts,
				       enum ttm_shrinker_list list,
				       struct mem_cgroup *memcg)
{
	return ttm_shrinker_count_node(ts, list, memcg, NUMA_NO_NODE, false);
}
EXPORT_SYMBOL(ttm_shrinker_count_pages);

/*
 * The order in which a cgroup's purge policy frees its tts: each step walks
 * one list and purges or backs up what it finds. A backup step is taken
 * only where a backup can be made (swap, a context that allows it). While
 * an @alone step has work, reclaim is told of it only and the steps after
 * it wait, so that purging spares what it can.
 */
struct ttm_shrinker_step {
	enum ttm_shrinker_list list;
	bool purge;
	bool alone;
};

struct ttm_shrinker_plan {
	unsigned int nr_steps;
	struct ttm_shrinker_step steps[3];
};

static const struct ttm_shrinker_plan ttm_shrinker_plans[] = {
	[GPUMEM_PURGE_FIRST] = { 2, {
		{ TTM_SHRINKER_PURGEABLE, .purge = true, .alone = true },
		{ TTM_SHRINKER_BACKUP },
	} },
	/* Purgeable tts are backed up, and purged only if that failed. */
	[GPUMEM_PURGE_LAST] = { 3, {
		{ TTM_SHRINKER_BACKUP },
		{ TTM_SHRINKER_PURGEABLE },
		{ TTM_SHRINKER_PURGEABLE, .purge = true },
	} },
	[GPUMEM_PURGE_NEVER] = { 2, {
		{ TTM_SHRINKER_BACKUP },
		{ TTM_SHRINKER_PURGEABLE },
	} },
};

/**
 * ttm_shrinker_free_swap() - The swap a memory cgroup's backups may take
 * @memcg: The memory cgroup, NULL for none.
 *
 * Return: The pages of swap that are free and within memory.swap.max of
 * @memcg and its ancestors.
 */
VISIBLE_IF_KUNIT unsigned long ttm_shrinker_free_swap(struct mem_cgroup *memcg)
{
	long pages;

	KUNIT_STATIC_STUB_REDIRECT(ttm_shrinker_free_swap, memcg);
	pages = memcg ? mem_cgroup_get_nr_swap_pages(memcg) :
			ttm_backup_bytes_avail() >> PAGE_SHIFT;
	return max(pages, 0L);
}
EXPORT_SYMBOL_IF_KUNIT(ttm_shrinker_free_swap);

/*
 * The pages of swap a backup of @memcg's tts may take now: none when @gfp
 * forbids the file system work of a backup (shmem allocation) or the
 * cgroup has no swap left, since a copy that cannot leave memory frees
 * nothing.
 */
static unsigned long ttm_shrinker_swap_pages(struct mem_cgroup *memcg,
					     gfp_t gfp)
{
	return gfp & __GFP_FS ? ttm_shrinker_free_swap(memcg) : 0;
}

/* What ttm_shrinker_pick() found: a tt, and a reference on the bo to lock for it. */
struct ttm_shrinker_pick {
	struct ttm_tt *tt;
	struct ttm_buffer_object *bo;
	unsigned long pages;
};

/* Take a reference on the bo of the oldest tt and rotate the tt behind. */
static enum lru_status ttm_shrinker_pick(struct list_head *item,
					 struct list_lru_one *list,
					 spinlock_t *lock, void *arg)
{
	struct ttm_tt *tt = container_of(item, struct ttm_tt, shrink_link);
	struct ttm_buffer_object *bo = READ_ONCE(tt->bo);
	struct ttm_shrinker_pick *pick = arg;

	pick->pages = tt->shrink_pages;
	/* A bo on its way out takes its tt off the list when it frees it. */
	if (ttm_bo_get_unless_zero(bo)) {
		pick->tt = tt;
		pick->bo = bo;
	}
	return LRU_ROTATE;
}

/*
 * Whether @bo may be seen by its driver: not a ghost object, and, as the
 * driver says, not on its way out (the driver's object is alive, and kept
 * so until ttm_shrinker.bo_put). A ghost is never given to the driver: it
 * is not embedded in a driver's object, whatever its fields say.
 */
static bool ttm_shrinker_bo_get(struct ttm_shrinker *ts,
				struct ttm_buffer_object *bo)
{
	if (ttm_bo_is_ghost(bo))
		return false;
	return !ts->bo_get || ts->bo_get(bo);
}

/*
 * One call of ttm_shrinker_shrink(): the cgroup whose lists it walks, how
 * it shrinks a bo, the swap its backups may still take, whether the
 * backup storage is behind with its writes (then nothing more is backed
 * up), and what it did.
 */
struct ttm_shrinker_call {
	struct ttm_shrinker *ts;
	struct mem_cgroup *memcg;
	struct ttm_operation_ctx ctx;
	/* Backups are written out at once; then waited for a bounded time. */
	bool writeback;
	bool wait;
	/* The device sleeps: only bos in system memory are shrunk. */
	bool system_only;
	/* The step backs purgeable bos up rather than purge them. */
	bool keep_purgeable;
	unsigned long swap_pages;
	bool storage_behind;
	struct ttm_shrinker_stats *stats;
};

/*
 * Shrink one locked bo holding a listed tt, backing up @max_pages at most:
 * free the pages of a bo nobody can read any more (deleted, a ghost, or
 * on its way out: not @alive), else purge a purgeable one unless the step
 * keeps them, or back it up unless @purge_only, as the driver allows.
 * Return: pages freed, -EBUSY if it was left alone, or a negative error
 * code (-EAGAIN: the backup storage is behind). @stats gets what was done.
 */
static long ttm_shrinker_shrink_bo(struct ttm_shrinker_call *call,
				   struct ttm_buffer_object *bo, bool alive,
				   bool purge_only, unsigned long max_pages)
{
	struct ttm_shrinker *ts = call->ts;
	struct ttm_bo_shrink_flags flags = {
		.writeback = call->writeback,
		.wait = call->wait,
		.allow_move = true,
		.nr_pages = min_t(unsigned long, max_pages, U32_MAX),
	};
	unsigned long released;
	long ret;

	if (!ttm_bo_shrink_suitable(bo, &call->ctx) ||
	    (call->system_only && bo->resource->mem_type != TTM_PL_SYSTEM))
		return -EBUSY;

	if (bo->deleted || !alive) {
		ret = ttm_bo_discard(&call->ctx, bo);
		if (ret > 0)
			call->stats->discarded += ret;
		return ret;
	}

	flags.purge = !call->keep_purgeable &&
		      (bo->ttm->page_flags & TTM_TT_FLAG_PURGEABLE);
	if ((purge_only && !flags.purge) ||
	    (ts->allow && !ts->allow(ts, bo, flags.purge)))
		return -EBUSY;

	/* A purge copies nothing: the driver unbinds, TTM moves no data. */
	if (flags.purge && ts->purge_notify) {
		ret = ttm_bo_move_null_to_system(bo, &call->ctx,
						 ts->purge_notify);
		if (ret)
			return ret == -ENOMEM || ret == -ENOSPC ? -EBUSY : ret;
	}
	ret = ttm_bo_shrink_released(&call->ctx, bo, flags, &released);
	if (ret <= 0)
		return ret;
	if (flags.purge) {
		call->stats->purged += ret;
	} else {
		call->stats->backed_up += ret;
		call->stats->released += released;
	}
	return ret;
}

/*
 * Take one step of a plan over the call's cgroup's LRU @lru on node @nid,
 * oldest tt first, until @target pages are freed or each tt was visited
 * once. Backups are made only of tts that fit in the call's swap_pages,
 * which they use up.
 */
static unsigned long ttm_shrinker_scan_list(struct ttm_shrinker_call *call,
					    const struct ttm_shrinker_step *step,
					    struct list_lru *lru, int nid,
					    unsigned long target)
{
	unsigned long listed = list_lru_count_one(lru, nid, call->memcg);
	unsigned long visited = 0, freed = 0;

	while (freed < target && visited < listed) {
		struct ttm_shrinker_pick pick = {};
		unsigned long one = 1, backed_up, max_pages;
		struct ttm_buffer_object *bo;
		long ret;

		list_lru_walk_one(lru, nid, call->memcg,
				  ttm_shrinker_pick, &pick, &one);
		if (one)
			break;	/* The list is empty. */
		visited += pick.pages;
		bo = pick.bo;
		if (!bo)
			continue;

		if (dma_resv_trylock(bo->base.resv)) {
			bool alive = false;

			/* The tt may have gone, or gone to a ghost, meanwhile. */
			if (bo->ttm == pick.tt) {
				u32 pages = ttm_tt_resident_pages(pick.tt);

				alive = ttm_shrinker_bo_get(call->ts, bo);
				call->stats->scanned += pages;
				/* A large tt is backed up a part per call. */
				max_pages = target - freed;
				backed_up = call->stats->backed_up;
				ret = ttm_shrinker_shrink_bo(call, bo, alive,
							     step->purge ||
							     min(pages, max_pages) >
							     call->swap_pages,
							     max_pages);
				if (ret > 0)
					freed += ret;
				backed_up = call->stats->backed_up - backed_up;
				call->swap_pages -= min(backed_up,
							call->swap_pages);
				/*
				 * A backup that stopped short with pages left:
				 * the storage has not written what it was given.
				 * Back nothing more up in this call.
				 */
				call->storage_behind = ret == -EAGAIN ||
					(backed_up && backed_up < max_pages &&
					 ttm_tt_resident_pages(pick.tt));
			}
			dma_resv_unlock(bo->base.resv);
			if (alive && call->ts->bo_put)
				call->ts->bo_put(bo);
		}
		ttm_bo_put(bo);
		if (call->storage_behind)
			break;

		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	return freed;
}

/*
 * A step of a plan on node @nid's lists, or on every node's (NUMA_NO_NODE):
 * bos in system memory first, then, if the device is awake, the others.
 */
static unsigned long ttm_shrinker_scan_step(struct ttm_shrinker_call *call,
					    const struct ttm_shrinker_step *step,
					    int nid, unsigned long target)
{
	enum ttm_shrinker_place place, last;
	unsigned long freed = 0;
	int n;

	last = call->system_only ? TTM_SHRINKER_IN_SYSTEM :
					TTM_SHRINKER_ON_DEVICE;
	for (place = TTM_SHRINKER_IN_SYSTEM; place <= last; ++place) {
		struct list_lru *lru = ttm_shrinker_lru(call->ts, step->list,
							place);

		for_each_node(n) {
			if (freed >= target || call->storage_behind ||
			    fatal_signal_pending(current))
				return freed;
			if (nid != NUMA_NO_NODE && n != nid)
				continue;
			freed += ttm_shrinker_scan_list(call, step, lru, n,
							target - freed);
		}
	}
	return freed;
}

/* ttm_shrinker_shrink() of the tts on node @nid, NUMA_NO_NODE for all. */
static unsigned long ttm_shrinker_shrink_node(struct ttm_shrinker *ts,
					      struct mem_cgroup *memcg, int nid,
					      unsigned long nr_pages, gfp_t gfp,
					      struct ttm_shrinker_stats *stats)
{
	struct ttm_shrinker_call call = {
		.ts = ts,
		.memcg = memcg,
		/* No reclaim waits for the GPU: busy bos are skipped. */
		.ctx = { .no_wait_gpu = true },
		.stats = stats,
		.swap_pages = ttm_shrinker_swap_pages(memcg, gfp),
	};
	const struct ttm_shrinker_plan *plan;
	const struct ttm_shrinker_step *step;
	struct gpumem_policy policy;
	unsigned long freed = 0;
	bool awake;

	gpumem_policy_of(memcg, &policy);
	call.writeback = policy.writeback == GPUMEM_WRITEBACK_IMMEDIATE &&
			 (gfp & __GFP_IO);
	/*
	 * kswapd never waits for the writes it starts; others wait a bounded
	 * time (TTM_BACKUP_WAIT_MS per bo) for the storage to keep up.
	 */
	call.wait = !current_is_kswapd();
	awake = !ts->device_get || ts->device_get(ts);
	call.system_only = !awake;

	plan = &ttm_shrinker_plans[policy.purge];
	for (step = plan->steps; step < plan->steps + plan->nr_steps &&
	     freed < nr_pages && !fatal_signal_pending(current); ++step) {
		if (!step->purge && (!call.swap_pages || call.storage_behind))
			continue;
		call.keep_purgeable = !step->purge;
		freed += ttm_shrinker_scan_step(&call, step, nid,
						nr_pages - freed);
		if (step->alone && freed &&
		    ttm_shrinker_count_node(ts, step->list, memcg, nid,
					    call.system_only))
			break;
	}

	if (awake && ts->device_put)
		ts->device_put(ts);
	return freed;
}

/**
 * ttm_shrinker_shrink() - Free the system pages of one memory cgroup's tts
 * @ts: The shrinker.
 * @memcg: The memory cgroup whose own lists to walk (not its descendants'),
 * NULL or the root for the tts charged to no cgroup; those of every node.
 * @nr_pages: How many pages to free.
 * @gfp: The allocation context reclaim runs for: without __GFP_FS nothing
 * is backed up (a backup allocates shmem pages), without __GFP_IO nothing
 * is written out.
 * @stats: Incremented by what was looked at, purged and backed up.
 *
 * Frees as the cgroup's gpumem policy says (see gpumem_policy_of()), oldest
 * tts first. With purge "first", purges purgeable tts, then, if that was
 * not enough, the cgroup has no purgeable tt left (or none could be purged)
 * and there is swap, backs up the others. With "last", backs up the other
 * tts, then the purgeable ones, and purges only what backups could not free
 * (budget spent, no swap). With "never", backs up both and purges nothing.
 * A backup is made only where the cgroup's swap (memory.swap.max, the
 * swap that is free) can take it and within its swap budgets, and is
 * written out at once if the writeback policy is "immediate". A bo is
 * backed up by at most the pages still to free, the rest left resident
 * for the next call, so that the work of a call is bounded by @nr_pages.
 * kswapd never waits for the writes it started, other callers a bounded
 * time (%TTM_BACKUP_WAIT_MS per bo); when the storage is behind with what
 * it was given, the call backs up nothing more (it may still purge). Bos
 * that are busy, pinned, locked by someone else or vetoed by
 * &ttm_shrinker.allow are skipped; so are bos outside system memory when
 * the device is asleep (&ttm_shrinker.device_get). The pages of ghost objects, deleted bos and
 * bos on their way out (&ttm_shrinker.bo_get) are freed without the
 * driver's move or callbacks, and counted in @stats as discarded, not
 * purged. Stops early on a fatal signal.
 *
 * Return: The number of pages freed.
 */
unsigned long ttm_shrinker_shrink(struct ttm_shrinker *ts,
				  struct mem_cgroup *memcg,
				  unsigned long nr_pages, gfp_t gfp,
				  struct ttm_shrinker_stats *stats)
{
	return ttm_shrinker_shrink_node(ts, memcg, NUMA_NO_NODE, nr_pages, gfp,
					stats);
}
EXPORT_SYMBOL(ttm_shrinker_shrink);

static unsigned long ttm_shrinker_count(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct ttm_shrinker *ts = shrinker->private_data;
	unsigned long pages[TTM_SHRINKER_NUM_LISTS], count = 0;
	const struct ttm_shrinker_plan *plan;
	const struct ttm_shrinker_step *step;
	struct gpumem_policy policy;
	bool backup, asleep;
	int l;

	/*
	 * What is on the node reclaim runs for (its pages are there), and of
	 * that, while the device sleeps, what needs no device.
	 */
	asleep = ts->device_asleep && ts->device_asleep(ts);
	for (l = 0; l < TTM_SHRINKER_NUM_LISTS; ++l)
		pages[l] = ttm_shrinker_count_node(ts, l, sc->memcg, sc->nid,
						   asleep);
	/*
	 * Only "empty" clears the cgroup's shrinker bit: tts that wait for
	 * swap must still be found once there is some.
	 */
	if (!pages[TTM_SHRINKER_PURGEABLE] && !pages[TTM_SHRINKER_BACKUP])
		return SHRINK_EMPTY;

	backup = ttm_shrinker_swap_pages(sc->memcg, sc->gfp_mask);
	gpumem_policy_of(sc->memcg, &policy);
	plan = &ttm_shrinker_plans[policy.purge];
	for (step = plan->steps; step < plan->steps + plan->nr_steps; ++step) {
		if (!step->purge && !backup)
			continue;
		/* Each list once, though two steps may walk it. */
		count += pages[step->list];
		pages[step->list] = 0;
		if (step->alone && count)
			break;
	}
	return count;
}

static unsigned long ttm_shrinker_scan(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	struct ttm_shrinker *ts = shrinker->private_data;
	struct ttm_shrinker_stats stats = {};
	unsigned long freed;

	freed = ttm_shrinker_shrink_node(ts, sc->memcg, sc->nid, sc->nr_to_scan,
					 sc->gfp_mask, &stats);
	sc->nr_scanned = stats.scanned;
	/*
	 * Purged and discarded pages are gone, and were sc->memcg's: its
	 * reclaim counts them. Backed-up ones became shmem pages of the same
	 * cgroup: those written out at once and freed were counted by
	 * ttm_tt_backup(), LRU reclaim counts the others when it has written
	 * and freed them.
	 */
	mm_account_reclaimed_memcg_pages(stats.purged + stats.discarded);
	return freed ?: SHRINK_STOP;
}

/* Proactive reclaim through gpumem: one cgroup's own tts. */
static unsigned long ttm_shrinker_reclaim(struct gpumem_reclaimer *reclaimer,
					  struct mem_cgroup *memcg,
					  unsigned long nr_pages,
					  struct gpumem_reclaim_stats *stats)
{
	struct ttm_shrinker *ts = container_of(reclaimer, struct ttm_shrinker,
					       reclaimer);
	struct ttm_shrinker_stats done = {};
	unsigned long freed;

	freed = ttm_shrinker_shrink(ts, memcg, nr_pages, GFP_KERNEL, &done);
	stats->purged += done.purged;
	stats->backed_up += done.backed_up;
	/* What left memory: copies still in it freed nothing yet. */
	stats->freed += done.purged + done.discarded + done.released;
	return freed;
}

/*
 * A lowered VRAM limit through gpumem: move the bos of @memcg's subtree out
 * of the device's memory. A device that is asleep is woken only where
 * its driver says it may be (&ttm_shrinker.device_get).
 */
static unsigned long ttm_shrinker_evict_vram(struct gpumem_reclaimer *reclaimer,
					     struct mem_cgroup *memcg,
					     unsigned long nr_pages)
{
	struct ttm_shrinker *ts = container_of(reclaimer, struct ttm_shrinker,
					       reclaimer);
	struct ttm_resource_manager *man;
	unsigned long moved = 0;
	s64 got;
	int i;

	if (ts->device_get && !ts->device_get(ts))
		return 0;
	for (i = 0; i < TTM_NUM_MEM_TYPES && moved < nr_pages; ++i) {
		man = ttm_manager_type(ts->bdev, i);
		if (!man || man->use_tt || !ttm_resource_manager_used(man))
			continue;
		got = ttm_bo_evict_memcg(ts->bdev, i, memcg, nr_pages - moved);
		if (got > 0)
			moved += got;
	}
	if (ts->device_put)
		ts->device_put(ts);
	return moved;
}

/**
 * ttm_shrinker_init() - Set up and register a device's memcg-aware shrinker
 * @ts: The shrinker; the driver may have set its callbacks.
 * @bdev: The device whose tts it shrinks; it must have no bo yet.
 * @name: A name for the shrinker, as shown in debugfs.
 *
 * From then on TTM keeps the device's populated tts that have
 * %TTM_TT_FLAG_SHRINKABLE on the shrinker's lists: the driver has no calls
 * of its own to make for that.
 *
 * Return: 0 on success, a negative error code on failure.
 */
int ttm_shrinker_init(struct ttm_shrinker *ts, struct ttm_device *bdev,
		      const char *name)
{
	int i, ret;

	ts->bdev = bdev;
	/*
	 * Not slab: called for memcg reclaim even when kernel memory is not
	 * accounted (cgroup.memory=nokmem), since the pages it frees are
	 * charged to memory cgroups whatever kmem accounting does. NUMA
	 * aware: a node's reclaim is told of the tts whose pages are there.
	 */
	ts->shrinker = shrinker_alloc(SHRINKER_MEMCG_AWARE | SHRINKER_NUMA_AWARE |
				      SHRINKER_NONSLAB, "drm-ttm:%s", name);
	if (!ts->shrinker)
		return -ENOMEM;

	for (i = 0; i < TTM_SHRINKER_NUM_LRUS; ++i) {
		ret = list_lru_init_memcg(&ts->lru[i], ts->shrinker);
		if (ret)
			goto err_destroy;
	}

	ts->shrinker->count_objects = ttm_shrinker_count;
	ts->shrinker->scan_objects = ttm_shrinker_scan;
	ts->shrinker->private_data = ts;
	bdev->shrinker = ts;
	shrinker_register(ts->shrinker);
	ts->reclaimer.reclaim = ttm_shrinker_reclaim;
	ts->reclaimer.evict_vram = ttm_shrinker_evict_vram;
	gpumem_register_reclaimer(&ts->reclaimer);
	return 0;

err_destroy:
	while (i--)
		list_lru_destroy(&ts->lru[i]);
	shrinker_free(ts->shrinker);
	return ret;
}
EXPORT_SYMBOL(ttm_shrinker_init);

/**
 * ttm_shrinker_fini() - Unregister and free a device's shrinker
 * @ts: The shrinker; no tt may be on it any more.
 */
void ttm_shrinker_fini(struct ttm_shrinker *ts)
{
	int i;

	gpumem_unregister_reclaimer(&ts->reclaimer);
	shrinker_free(ts->shrinker);
	for (i = 0; i < TTM_SHRINKER_NUM_LRUS; ++i) {
		WARN_ON(list_lru_count(&ts->lru[i]));
		list_lru_destroy(&ts->lru[i]);
	}
	ts->bdev->shrinker = NULL;
}
EXPORT_SYMBOL(ttm_shrinker_fini);
