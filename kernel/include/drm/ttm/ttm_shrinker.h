/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A memcg-aware shrinker of the system pages of a TTM device's bos.
 */
#ifndef _TTM_SHRINKER_H_
#define _TTM_SHRINKER_H_

#include <linux/atomic.h>
#include <linux/gpumem.h>
#include <linux/list_lru.h>
#include <linux/types.h>

struct shrinker;
struct ttm_bo_shrink_walk;
struct ttm_buffer_object;
struct ttm_device;

/**
 * enum ttm_shrinker_list - The lists of a &struct ttm_shrinker
 * @TTM_SHRINKER_PURGEABLE: Bos whose content may be dropped.
 * @TTM_SHRINKER_BACKUP: Bos whose content must be backed up.
 * @TTM_SHRINKER_NUM_LISTS: The number of lists.
 */
enum ttm_shrinker_list {
	TTM_SHRINKER_PURGEABLE,
	TTM_SHRINKER_BACKUP,
	TTM_SHRINKER_NUM_LISTS,
};

/**
 * struct ttm_shrinker - A memcg-aware shrinker of a device's bos
 * @bdev: The device.
 * @shrinker: The mm shrinker, %SHRINKER_MEMCG_AWARE.
 * @lru: Per list: the bos with populated pages, one LRU per memory cgroup
 * of their owners (&ttm_buffer_object.objcg), oldest first. Reparented with
 * the cgroup when it goes away.
 * @nr_pages: Per list: the pages of the bos on it.
 * @nr_bos: Per list: the number of bos on it.
 * @allow: Optional veto, see &ttm_bo_shrink_walk.allow.
 * @reclaimer: Reclaims the bos of a cgroup on request (gpumem).
 *
 * Reclaim in a memory cgroup walks that cgroup's lists only, so it frees the
 * pages of the bos its tasks created and nobody else's; reclaim without a
 * cgroup reaches everyone's through the cgroups' own lists. Purgeable bos
 * are purged and the others backed up as the cgroup's gpumem policy says.
 */
struct ttm_shrinker {
	struct ttm_device *bdev;
	struct shrinker *shrinker;
	struct list_lru lru[TTM_SHRINKER_NUM_LISTS];
	atomic_long_t nr_pages[TTM_SHRINKER_NUM_LISTS];
	atomic_long_t nr_bos[TTM_SHRINKER_NUM_LISTS];
	bool (*allow)(struct ttm_bo_shrink_walk *walk,
		      struct ttm_buffer_object *bo, bool purge);
	struct gpumem_reclaimer reclaimer;
};

/**
 * struct ttm_shrinker_stats - What ttm_shrinker_shrink() did
 * @scanned: Pages of the bos it looked at.
 * @purged: Pages it purged.
 * @backed_up: Pages it backed up.
 */
struct ttm_shrinker_stats {
	unsigned long scanned;
	unsigned long purged;
	unsigned long backed_up;
};

int ttm_shrinker_init(struct ttm_shrinker *ts, struct ttm_device *bdev,
		      const char *name);
void ttm_shrinker_fini(struct ttm_shrinker *ts);
int ttm_shrinker_prepare_bo(struct ttm_shrinker *ts,
			    struct ttm_buffer_object *bo);
void ttm_shrinker_add(struct ttm_shrinker *ts, struct ttm_buffer_object *bo);
void ttm_shrinker_del(struct ttm_shrinker *ts, struct ttm_buffer_object *bo);
void ttm_shrinker_set_purgeable(struct ttm_shrinker *ts,
				struct ttm_buffer_object *bo, bool purgeable);
unsigned long ttm_shrinker_shrink(struct ttm_shrinker *ts,
				  struct mem_cgroup *memcg,
				  unsigned long nr_pages,
				  struct ttm_shrinker_stats *stats);

#endif
