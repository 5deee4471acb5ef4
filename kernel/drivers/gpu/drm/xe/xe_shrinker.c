// SPDX-License-Identifier: MIT
/*
 * The shrinker of xe buffer objects' system pages: purgeable bos are purged
 * first, then, when there is swap, the others are backed up to shmem, all
 * through TTM's shrink helper.
 */

#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swap.h>

#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_tt.h>

#include "xe_assert.h"
#include "xe_bo.h"
#include "xe_device.h"
#include "xe_pm.h"
#include "xe_shrinker.h"

/**
 * struct xe_shrinker - Per-device shrinker state
 * @xe: The device.
 * @lock: Protects the page counts.
 * @shrinkable_pages: Populated system pages that can be backed up.
 * @purgeable_pages: Populated system pages whose content may be dropped.
 * @shrink: The mm shrinker.
 */
struct xe_shrinker {
	struct xe_device *xe;
	spinlock_t lock; /* protects the page counts */
	long shrinkable_pages;
	long purgeable_pages;
	struct shrinker *shrink;
};

/**
 * xe_shrinker_mod_pages() - Account populated system pages of the device
 * @shrinker: The device's shrinker.
 * @shrinkable: Pages that can be backed up, added (or removed if negative).
 * @purgeable: Pages that may be purged, added (or removed if negative).
 */
void xe_shrinker_mod_pages(struct xe_shrinker *shrinker, long shrinkable,
			   long purgeable)
{
	spin_lock(&shrinker->lock);
	shrinker->shrinkable_pages += shrinkable;
	shrinker->purgeable_pages += purgeable;
	spin_unlock(&shrinker->lock);
}

static unsigned long xe_shrinker_count(struct shrinker *shrink,
				       struct shrink_control *sc)
{
	struct xe_shrinker *shrinker = shrink->private_data;
	unsigned long num_pages;

	spin_lock(&shrinker->lock);
	num_pages = max(shrinker->purgeable_pages, 0L);
	/* Backing up without swap only moves pages into shmem. */
	if (get_nr_swap_pages() > 0)
		num_pages += max(shrinker->shrinkable_pages, 0L);
	spin_unlock(&shrinker->lock);

	return num_pages ?: SHRINK_EMPTY;
}

/*
 * Moving a bo out of TT unbinds it from the GPU, which needs the device
 * awake: a suspended device is not woken from reclaim, its bos in TT wait.
 */
static bool xe_shrinker_allow_suspended(struct ttm_bo_shrink_walk *walk,
					struct ttm_buffer_object *bo, bool purge)
{
	return bo->resource->mem_type == XE_PL_SYSTEM;
}

static unsigned long xe_shrinker_scan(struct shrinker *shrink,
				      struct shrink_control *sc)
{
	struct xe_shrinker *shrinker = shrink->private_data;
	struct xe_device *xe = shrinker->xe;
	struct ttm_operation_ctx ctx = { .no_wait_gpu = true };
	struct ttm_bo_shrink_walk walk = {
		.walk.ctx = &ctx,
		/* kswapd can afford to write out; direct reclaim wants memory now. */
		.writeback = current_is_kswapd(),
		.purge_only = true,
	};
	bool awake = xe_pm_runtime_get_if_active(xe);
	s64 freed, lret;

	if (!awake)
		walk.allow = xe_shrinker_allow_suspended;

	freed = ttm_bo_shrink_lru(&walk, &xe->ttm, sc->nr_to_scan);
	if (freed >= 0 && freed < sc->nr_to_scan && get_nr_swap_pages() > 0) {
		walk.purge_only = false;
		lret = ttm_bo_shrink_lru(&walk, &xe->ttm, sc->nr_to_scan - freed);
		freed = lret < 0 ? lret : freed + lret;
	}

	/* Purged pages left through xe_ttm_tt_unpopulate(), which counts them. */
	if (walk.backup_unpopulated)
		xe_shrinker_mod_pages(shrinker, -(long)walk.backup_unpopulated, 0);
	if (awake)
		xe_pm_runtime_put(xe);

	if (freed <= 0)
		return SHRINK_STOP;
	sc->nr_scanned = freed;
	return freed;
}

/**
 * xe_shrinker_create() - Create and register the shrinker of a device
 * @xe: The device.
 *
 * Return: The shrinker, or an ERR_PTR() on failure.
 */
struct xe_shrinker *xe_shrinker_create(struct xe_device *xe)
{
	struct xe_shrinker *shrinker = kzalloc(sizeof(*shrinker), GFP_KERNEL);

	if (!shrinker)
		return ERR_PTR(-ENOMEM);

	shrinker->shrink = shrinker_alloc(0, "drm-xe_gem:%s", xe->drm.unique);
	if (!shrinker->shrink) {
		kfree(shrinker);
		return ERR_PTR(-ENOMEM);
	}

	spin_lock_init(&shrinker->lock);
	shrinker->xe = xe;
	shrinker->shrink->count_objects = xe_shrinker_count;
	shrinker->shrink->scan_objects = xe_shrinker_scan;
	shrinker->shrink->private_data = shrinker;
	shrinker_register(shrinker->shrink);
	return shrinker;
}

/**
 * xe_shrinker_destroy() - Unregister and free the shrinker of a device
 * @shrinker: The shrinker; all of the device's bos must be gone.
 */
void xe_shrinker_destroy(struct xe_shrinker *shrinker)
{
	xe_assert(shrinker->xe, !shrinker->shrinkable_pages);
	xe_assert(shrinker->xe, !shrinker->purgeable_pages);
	shrinker_free(shrinker->shrink);
	kfree(shrinker);
}

#if IS_ENABLED(CONFIG_DRM_XE_KUNIT_TEST)
#include "tests/xe_shrinker_test.c"
#endif
