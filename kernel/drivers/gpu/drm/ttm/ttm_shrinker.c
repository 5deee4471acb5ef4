// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A memcg-aware shrinker for the system pages of a TTM device's bos.
 *
 * A bo is on one of the shrinker's lists while its pages are populated: on
 * the LRU of its owner's memory cgroup, kept by list_lru, which also moves
 * the entries to the parent when a cgroup goes away. A scan takes the oldest
 * bo of the list, rotates it to the tail and shrinks it outside the list's
 * lock, so the work of a scan grows with the bos it visits, never with the
 * number of bos on the device.
 */

#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/gpumem.h>
#include <linux/memcontrol.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/swap.h>

#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_shrinker.h>
#include <drm/ttm/ttm_tt.h>

/* Items of the lists are not NUMA aware: the pages of a bo are anywhere. */
#define TTM_SHRINKER_NID 0

/* The memory cgroup whose LRU holds @bo; call under rcu_read_lock(). */
static struct mem_cgroup *ttm_shrinker_memcg_of(struct ttm_buffer_object *bo)
{
#ifdef CONFIG_MEMCG
	if (bo->objcg)
		return obj_cgroup_memcg(bo->objcg);
#endif
	return NULL;
}

static struct obj_cgroup *ttm_shrinker_objcg_of(struct ttm_buffer_object *bo)
{
#ifdef CONFIG_MEMCG
	return bo->objcg;
#else
	return NULL;
#endif
}

static enum ttm_shrinker_list ttm_shrinker_list_of(struct ttm_buffer_object *bo)
{
	return bo->ttm->page_flags & TTM_TT_FLAG_PURGEABLE ?
		TTM_SHRINKER_PURGEABLE : TTM_SHRINKER_BACKUP;
}

/**
 * ttm_shrinker_prepare_bo() - Make room for a new bo on the owner's lists
 * @ts: The shrinker.
 * @bo: The bo, just created.
 *
 * Allocates the lists of the memory cgroup that @bo is charged to, if it
 * does not have them yet, so that ttm_shrinker_add() never allocates.
 *
 * Return: 0 on success, -ENOMEM on failure.
 */
int ttm_shrinker_prepare_bo(struct ttm_shrinker *ts,
			    struct ttm_buffer_object *bo)
{
	struct mem_cgroup *memcg;
	int i, ret = 0;

	if (!bo->objcg)
		return 0;

	memcg = get_mem_cgroup_from_objcg(bo->objcg);
	for (i = 0; i < TTM_SHRINKER_NUM_LISTS && !ret; ++i)
		ret = memcg_list_lru_alloc(memcg, &ts->lru[i], GFP_KERNEL);
	mem_cgroup_put(memcg);
	return ret;
}
EXPORT_SYMBOL(ttm_shrinker_prepare_bo);

/**
 * ttm_shrinker_add() - Put a bo with populated pages on its owner's LRU
 * @ts: The shrinker.
 * @bo: The bo, locked, with a populated tt.
 *
 * Called by the driver when the bo's tt has been populated. A bo already on
 * a list stays where it is.
 */
void ttm_shrinker_add(struct ttm_shrinker *ts, struct ttm_buffer_object *bo)
{
	enum ttm_shrinker_list l = ttm_shrinker_list_of(bo);
	bool added;

	dma_resv_assert_held(bo->base.resv);
	rcu_read_lock();
	added = list_lru_add(&ts->lru[l], &bo->shrink_link, TTM_SHRINKER_NID,
			     ttm_shrinker_memcg_of(bo));
	rcu_read_unlock();
	if (added) {
		/* Remembered: the tt may be gone or changed when it leaves. */
		bo->shrink_list = l;
		bo->shrink_pages = bo->ttm->num_pages;
		atomic_long_add(bo->shrink_pages, &ts->nr_pages[l]);
		atomic_long_inc(&ts->nr_bos[l]);
		if (l == TTM_SHRINKER_PURGEABLE)
			gpumem_purgeable_add(ttm_shrinker_objcg_of(bo),
					     bo->shrink_pages);
	}
}
EXPORT_SYMBOL(ttm_shrinker_add);

/**
 * ttm_shrinker_del() - Take a bo off its LRU
 * @ts: The shrinker.
 * @bo: The bo, locked. Nothing happens if it is on no list.
 *
 * Called by the driver when the bo's tt is unpopulated or destroyed; the
 * bo's tt need not be there any more.
 */
void ttm_shrinker_del(struct ttm_shrinker *ts, struct ttm_buffer_object *bo)
{
	enum ttm_shrinker_list l = bo->shrink_list;
	bool deleted;

	if (list_empty(&bo->shrink_link))
		return;

	rcu_read_lock();
	deleted = list_lru_del(&ts->lru[l], &bo->shrink_link, TTM_SHRINKER_NID,
			       ttm_shrinker_memcg_of(bo));
	rcu_read_unlock();
	if (deleted) {
		atomic_long_sub(bo->shrink_pages, &ts->nr_pages[l]);
		atomic_long_dec(&ts->nr_bos[l]);
		if (l == TTM_SHRINKER_PURGEABLE)
			gpumem_purgeable_add(ttm_shrinker_objcg_of(bo),
					     -(long)bo->shrink_pages);
	}
}
EXPORT_SYMBOL(ttm_shrinker_del);

/**
 * ttm_shrinker_set_purgeable() - Mark a bo's content as (not) needed
 * @ts: The shrinker.
 * @bo: The bo, locked, with a tt.
 * @purgeable: Whether the content may be dropped under pressure.
 *
 * Sets or clears %TTM_TT_FLAG_PURGEABLE and moves the bo to the matching
 * list. Clearing it also clears %TTM_TT_FLAG_PURGED: the caller reports
 * the loss before.
 */
void ttm_shrinker_set_purgeable(struct ttm_shrinker *ts,
				struct ttm_buffer_object *bo, bool purgeable)
{
	struct ttm_tt *tt = bo->ttm;
	bool listed = !list_empty(&bo->shrink_link);

	dma_resv_assert_held(bo->base.resv);
	if (listed)
		ttm_shrinker_del(ts, bo);
	if (purgeable)
		tt->page_flags |= TTM_TT_FLAG_PURGEABLE;
	else
		tt->page_flags &= ~(TTM_TT_FLAG_PURGEABLE | TTM_TT_FLAG_PURGED);
	if (listed)
		ttm_shrinker_add(ts, bo);
}
EXPORT_SYMBOL(ttm_shrinker_set_purgeable);

/* Take a reference on the oldest bo and rotate it behind the others. */
static enum lru_status ttm_shrinker_pick(struct list_head *item,
					 struct list_lru_one *list,
					 spinlock_t *lock, void *arg)
{
	struct ttm_buffer_object *bo =
		container_of(item, struct ttm_buffer_object, shrink_link);
	struct ttm_buffer_object **picked = arg;

	/* A bo on its way out leaves the list when its pages are freed. */
	if (ttm_bo_get_unless_zero(bo))
		*picked = bo;
	return LRU_ROTATE;
}

/* Shrink the bos of one list of one memcg, oldest first, up to @target pages. */
static unsigned long ttm_shrinker_scan_list(struct ttm_shrinker *ts,
					    enum ttm_shrinker_list l,
					    struct mem_cgroup *memcg,
					    struct ttm_bo_shrink_walk *walk,
					    unsigned long target,
					    struct ttm_shrinker_stats *stats)
{
	unsigned long nr_bos = list_lru_count_one(&ts->lru[l], TTM_SHRINKER_NID,
						  memcg);
	unsigned long freed = 0;

	/* Each bo at most once: a busy one comes round again after the others. */
	while (freed < target && nr_bos--) {
		struct ttm_buffer_object *bo = NULL;
		unsigned long one = 1;
		s64 ret;

		list_lru_walk_one(&ts->lru[l], TTM_SHRINKER_NID, memcg,
				  ttm_shrinker_pick, &bo, &one);
		if (!bo)
			continue;

		if (dma_resv_trylock(bo->base.resv)) {
			if (bo->ttm) {
				stats->scanned += bo->ttm->num_pages;
				ret = ttm_bo_shrink(walk, bo);
				if (ret > 0)
					freed += ret;
				if (!ttm_tt_is_populated(bo->ttm))
					ttm_shrinker_del(ts, bo);
			}
			dma_resv_unlock(bo->base.resv);
		}
		ttm_bo_put(bo);
	}
	return freed;
}

/**
 * ttm_shrinker_shrink() - Free the system pages of one memory cgroup's bos
 * @ts: The shrinker.
 * @memcg: The memory cgroup whose own lists to walk (not its descendants'),
 * NULL or the root for the bos charged to no cgroup.
 * @nr_pages: How many pages to free.
 * @stats: Incremented by what was looked at, purged and backed up.
 *
 * Frees as the cgroup's gpumem policy says (see gpumem_policy_of()), oldest
 * bos first. With purge "first", purges purgeable bos, then, if that was not
 * enough, the cgroup has no purgeable bo left (or none could be purged) and
 * there is swap, backs up the others. With "last", backs up the other bos,
 * then the purgeable ones, and purges only what backups could not free
 * (budget spent, no swap). With "never", backs up both and purges nothing.
 * A backup is made only within the owner's swap budgets and is written out
 * at once if the writeback policy is "immediate". Bos that are busy,
 * pinned, locked by someone else or vetoed by &ttm_shrinker.allow are
 * skipped.
 *
 * Return: The number of pages freed.
 */
unsigned long ttm_shrinker_shrink(struct ttm_shrinker *ts,
				  struct mem_cgroup *memcg,
				  unsigned long nr_pages,
				  struct ttm_shrinker_stats *stats)
{
	/* Reclaim does not wait for the GPU. */
	struct ttm_operation_ctx ctx = { .no_wait_gpu = true };
	struct ttm_bo_shrink_walk walk = {
		.walk.ctx = &ctx,
		.allow = ts->allow,
	};
	bool swap = get_nr_swap_pages() > 0;
	struct gpumem_policy policy;
	unsigned long freed = 0;

	gpumem_policy_of(memcg, &policy);
	walk.writeback = policy.writeback == GPUMEM_WRITEBACK_IMMEDIATE;

	if (policy.purge == GPUMEM_PURGE_FIRST) {
		freed = ttm_shrinker_scan_list(ts, TTM_SHRINKER_PURGEABLE, memcg,
					       &walk, nr_pages, stats);
		/*
		 * Back up only once nothing of the cgroup is left to purge, or
		 * what is left cannot be purged now (busy or pinned).
		 */
		if (freed < nr_pages && swap &&
		    (!freed ||
		     !list_lru_count_one(&ts->lru[TTM_SHRINKER_PURGEABLE],
					 TTM_SHRINKER_NID, memcg)))
			freed += ttm_shrinker_scan_list(ts, TTM_SHRINKER_BACKUP,
							memcg, &walk,
							nr_pages - freed,
							stats);
	} else {
		walk.keep_purgeable = true;
		if (swap) {
			freed = ttm_shrinker_scan_list(ts, TTM_SHRINKER_BACKUP,
						       memcg, &walk, nr_pages,
						       stats);
			if (freed < nr_pages)
				freed += ttm_shrinker_scan_list(ts,
						TTM_SHRINKER_PURGEABLE, memcg,
						&walk, nr_pages - freed, stats);
		}
		walk.keep_purgeable = false;
		if (freed < nr_pages && policy.purge == GPUMEM_PURGE_LAST)
			freed += ttm_shrinker_scan_list(ts,
					TTM_SHRINKER_PURGEABLE, memcg, &walk,
					nr_pages - freed, stats);
	}
	stats->purged += walk.purged;
	stats->backed_up += walk.backed_up;
	return freed;
}
EXPORT_SYMBOL(ttm_shrinker_shrink);

/*
 * list_lru counts bos; reclaim wants pages. Convert with the device-wide
 * average size of the bos on the list, which is exact when the bos have one
 * size and close enough to steer reclaim otherwise.
 */
static unsigned long ttm_shrinker_list_pages(struct ttm_shrinker *ts,
					     enum ttm_shrinker_list l,
					     struct shrink_control *sc)
{
	unsigned long nr_bos = list_lru_shrink_count(&ts->lru[l], sc);
	long pages = atomic_long_read(&ts->nr_pages[l]);
	long bos = atomic_long_read(&ts->nr_bos[l]);

	if (!nr_bos || pages <= 0 || bos <= 0)
		return 0;
	return nr_bos * DIV_ROUND_UP(pages, bos);
}

static unsigned long ttm_shrinker_count(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct ttm_shrinker *ts = shrinker->private_data;
	unsigned long purgeable, others;
	struct gpumem_policy policy;
	bool swap = get_nr_swap_pages() > 0;

	purgeable = ttm_shrinker_list_pages(ts, TTM_SHRINKER_PURGEABLE, sc);
	others = ttm_shrinker_list_pages(ts, TTM_SHRINKER_BACKUP, sc);
	/*
	 * Only "empty" clears the cgroup's shrinker bit: bos that wait for
	 * swap must still be found once there is some.
	 */
	if (!purgeable && !others)
		return SHRINK_EMPTY;

	gpumem_policy_of(sc->memcg, &policy);
	switch (policy.purge) {
	case GPUMEM_PURGE_FIRST:
		/*
		 * While the cgroup has purgeable bos, reclaim is told of those
		 * only, so that it does not go on to back up the others when
		 * purging is enough. Without swap, a backup would only move the
		 * pages into shmem.
		 */
		if (purgeable)
			return purgeable;
		return swap ? others : 0;
	case GPUMEM_PURGE_LAST:
		return swap ? purgeable + others : purgeable;
	default:
		return swap ? purgeable + others : 0;
	}
}

static unsigned long ttm_shrinker_scan(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	struct ttm_shrinker *ts = shrinker->private_data;
	struct ttm_shrinker_stats stats = {};
	unsigned long freed;

	freed = ttm_shrinker_shrink(ts, sc->memcg, sc->nr_to_scan, &stats);
	sc->nr_scanned = stats.scanned;
	/*
	 * Purged pages are gone, and were sc->memcg's: its reclaim counts
	 * them. Backed-up ones became shmem pages of the same cgroup, which
	 * LRU reclaim counts once it has written them out and freed them.
	 */
	mm_account_reclaimed_memcg_pages(stats.purged);
	return freed ?: SHRINK_STOP;
}

/* Proactive reclaim through gpumem: one cgroup's own bos. */
static unsigned long ttm_shrinker_reclaim(struct gpumem_reclaimer *reclaimer,
					  struct mem_cgroup *memcg,
					  unsigned long nr_pages,
					  struct gpumem_reclaim_stats *stats)
{
	struct ttm_shrinker *ts = container_of(reclaimer, struct ttm_shrinker,
					       reclaimer);
	struct ttm_shrinker_stats done = {};
	unsigned long freed;

	freed = ttm_shrinker_shrink(ts, memcg, nr_pages, &done);
	stats->purged += done.purged;
	stats->backed_up += done.backed_up;
	return freed;
}

/**
 * ttm_shrinker_init() - Set up and register a device's memcg-aware shrinker
 * @ts: The shrinker.
 * @bdev: The device whose bos it shrinks.
 * @name: A name for the shrinker, as shown in debugfs.
 *
 * The driver then puts bos on it (ttm_shrinker_add()) when their tts are
 * populated and takes them off (ttm_shrinker_del()) when they are not.
 *
 * Return: 0 on success, a negative error code on failure.
 */
int ttm_shrinker_init(struct ttm_shrinker *ts, struct ttm_device *bdev,
		      const char *name)
{
	int i, ret;

	ts->bdev = bdev;
	ts->shrinker = shrinker_alloc(SHRINKER_MEMCG_AWARE, "drm-ttm:%s", name);
	if (!ts->shrinker)
		return -ENOMEM;

	for (i = 0; i < TTM_SHRINKER_NUM_LISTS; ++i) {
		ret = list_lru_init_memcg(&ts->lru[i], ts->shrinker);
		if (ret)
			goto err_destroy;
		atomic_long_set(&ts->nr_pages[i], 0);
		atomic_long_set(&ts->nr_bos[i], 0);
	}

	ts->shrinker->count_objects = ttm_shrinker_count;
	ts->shrinker->scan_objects = ttm_shrinker_scan;
	ts->shrinker->private_data = ts;
	shrinker_register(ts->shrinker);
	ts->reclaimer.reclaim = ttm_shrinker_reclaim;
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
 * @ts: The shrinker; no bo may be on it any more.
 */
void ttm_shrinker_fini(struct ttm_shrinker *ts)
{
	int i;

	gpumem_unregister_reclaimer(&ts->reclaimer);
	shrinker_free(ts->shrinker);
	for (i = 0; i < TTM_SHRINKER_NUM_LISTS; ++i) {
		WARN_ON(atomic_long_read(&ts->nr_bos[i]));
		list_lru_destroy(&ts->lru[i]);
	}
}
EXPORT_SYMBOL(ttm_shrinker_fini);
