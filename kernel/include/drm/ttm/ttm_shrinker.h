/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A memcg-aware shrinker of the system pages of a TTM device's bos.
 */
#ifndef _TTM_SHRINKER_H_
#define _TTM_SHRINKER_H_

#include <linux/gfp_types.h>
#include <linux/gpumem.h>
#include <linux/list_lru.h>
#include <linux/types.h>

struct mem_cgroup;
struct shrinker;
struct ttm_buffer_object;
struct ttm_device;
struct ttm_operation_ctx;
struct ttm_tt;

/**
 * enum ttm_shrinker_list - The lists of a &struct ttm_shrinker
 * @TTM_SHRINKER_PURGEABLE: Tts whose content may be dropped.
 * @TTM_SHRINKER_BACKUP: Tts whose content must be backed up.
 * @TTM_SHRINKER_NUM_LISTS: The number of lists.
 */
enum ttm_shrinker_list {
	TTM_SHRINKER_PURGEABLE,
	TTM_SHRINKER_BACKUP,
	TTM_SHRINKER_NUM_LISTS,
};

/**
 * enum ttm_shrinker_place - Where the bo of a listed tt is
 * @TTM_SHRINKER_IN_SYSTEM: In %TTM_PL_SYSTEM: shrinking it needs no device.
 * @TTM_SHRINKER_ON_DEVICE: Elsewhere (bound to the GPU, %TTM_PL_TT): it is
 * moved out with the device's help, so it is shrunk only while the device
 * is awake (&ttm_shrinker.device_get).
 * @TTM_SHRINKER_NUM_PLACES: The number of places.
 */
enum ttm_shrinker_place {
	TTM_SHRINKER_IN_SYSTEM,
	TTM_SHRINKER_ON_DEVICE,
	TTM_SHRINKER_NUM_PLACES,
};

#define TTM_SHRINKER_NUM_LRUS (TTM_SHRINKER_NUM_LISTS * TTM_SHRINKER_NUM_PLACES)

/**
 * struct ttm_shrinker - A memcg-aware shrinker of a device's bos
 * @bdev: The device.
 * @shrinker: The mm shrinker, %SHRINKER_MEMCG_AWARE.
 * @lru: Per list and place (see ttm_shrinker_lru()): the populated,
 * shrinkable tts of unpinned bos, one LRU per memory cgroup their pages are
 * charged to (&ttm_tt.objcg) and NUMA node, oldest first, each tt counting
 * as its number of pages. Reparented with the cgroup when it goes away.
 * @allow: Optional veto, called with a live bo locked before it is
 * shrunk: return false to leave it alone. @purge tells whether it would be
 * purged rather than backed up.
 * @device_get: Optional: called before a shrink, in reclaim; returns true
 * with the device awake (woken up if the driver may do so in reclaim), or
 * false if it cannot be used now (runtime suspended, say). Only bos in
 * %TTM_PL_SYSTEM, which need no device, are then shrunk.
 * @device_put: Undoes a successful @device_get.
 * @device_asleep: Optional: returns true when @device_get would return
 * false now. Called by the shrinker's count, which then counts only the
 * bos in %TTM_PL_SYSTEM, so that reclaim is told of what it can free. Must
 * not sleep, nor wake the device.
 * @bo_get: Optional: called with a bo that is not a ghost object locked,
 * before it is shrunk; returns false if the driver's object is on its way
 * out (its last reference is gone), else takes a reference that keeps it
 * alive until @bo_put. Such a bo, and a ghost, is only freed, without the
 * driver's move or callbacks, and counted as discarded.
 * @bo_put: Undoes a successful @bo_get, with the bo unlocked.
 * @purge_notify: Optional, called with a live bo locked and idle before
 * its content is purged: the driver stops using the pages (unbinds them
 * from the GPU, as before a move) and notes that the content is gone. TTM
 * then moves the bo to system memory itself, without
 * &ttm_device_funcs.move, so that a purge never copies anything. Without
 * it, a purge moves the bo as a backup does. Returns 0, or a negative
 * error code to leave the bo alone.
 * @reclaimer: Reclaims the bos of a cgroup on request (gpumem), and moves
 * them out of device memory when the cgroup's VRAM limit is lowered.
 *
 * TTM keeps the lists itself: a tt is added when it is populated and its bo
 * is not pinned, and removed when it is unpopulated, backed up, destroyed
 * or its bo pinned. Reclaim in a memory cgroup walks that cgroup's lists
 * only, so it frees the pages of the bos its tasks created and nobody
 * else's. Purgeable tts are purged and the others backed up as the
 * cgroup's gpumem policy says.
 */
struct ttm_shrinker {
	struct ttm_device *bdev;
	struct shrinker *shrinker;
	struct list_lru lru[TTM_SHRINKER_NUM_LRUS];
	bool (*allow)(struct ttm_shrinker *ts, struct ttm_buffer_object *bo,
		      bool purge);
	bool (*device_get)(struct ttm_shrinker *ts);
	void (*device_put)(struct ttm_shrinker *ts);
	bool (*device_asleep)(struct ttm_shrinker *ts);
	bool (*bo_get)(struct ttm_buffer_object *bo);
	void (*bo_put)(struct ttm_buffer_object *bo);
	int (*purge_notify)(struct ttm_buffer_object *bo,
			    struct ttm_operation_ctx *ctx);
	struct gpumem_reclaimer reclaimer;
};

/**
 * struct ttm_shrinker_stats - What ttm_shrinker_shrink() did
 * @scanned: Pages of the tts it looked at.
 * @purged: Pages it purged.
 * @backed_up: Pages it backed up.
 * @released: Pages of @backed_up whose copies left memory (written to swap
 * and freed) before it returned.
 * @discarded: Pages it freed that nobody could read any more (those of
 * deleted bos, ghost objects and bos on their way out): not purges.
 */
struct ttm_shrinker_stats {
	unsigned long scanned;
	unsigned long purged;
	unsigned long backed_up;
	unsigned long released;
	unsigned long discarded;
};

int ttm_shrinker_init(struct ttm_shrinker *ts, struct ttm_device *bdev,
		      const char *name);
void ttm_shrinker_fini(struct ttm_shrinker *ts);
void ttm_shrinker_set_purgeable(struct ttm_tt *tt, bool purgeable);
unsigned long ttm_shrinker_count_pages(struct ttm_shrinker *ts,
				       enum ttm_shrinker_list list,
				       struct mem_cgroup *memcg);
unsigned long ttm_shrinker_shrink(struct ttm_shrinker *ts,
				  struct mem_cgroup *memcg,
				  unsigned long nr_pages, gfp_t gfp,
				  struct ttm_shrinker_stats *stats);

#if IS_ENABLED(CONFIG_KUNIT)
/* Tests replace it (kunit_activate_static_stub()): KUnit has no swap. */
unsigned long ttm_shrinker_free_swap(struct mem_cgroup *memcg);
#endif

#endif
