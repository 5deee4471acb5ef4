// SPDX-License-Identifier: MIT
/*
 * xe's bos on TTM's memcg-aware shrinker: their system pages are charged to
 * the memory cgroup of the task that created them, and reclaim in a cgroup
 * purges or backs up that cgroup's bos, as its gpumem policy says. TTM keeps
 * the lists; xe says what reclaim may do with its device and its bos.
 */

#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_shrinker.h>

#include "xe_bo.h"
#include "xe_device.h"
#include "xe_pm.h"
#include "xe_shrinker.h"

static struct xe_device *shrinker_to_xe(struct ttm_shrinker *ts)
{
	return container_of(ts, struct xe_device, mem.shrinker);
}

/*
 * Moving a bo out of TT unbinds it from the GPU (and on integrated parts
 * copies its compression metadata), which needs the device awake: reclaim
 * never wakes a runtime-suspended device. Its bos in system memory can be
 * shrunk anyway.
 */
static bool xe_shrinker_device_get(struct ttm_shrinker *ts)
{
	return xe_pm_runtime_get_if_active(shrinker_to_xe(ts));
}

static void xe_shrinker_device_put(struct ttm_shrinker *ts)
{
	xe_pm_runtime_put(shrinker_to_xe(ts));
}

/*
 * An exported bo's pages may be mapped by an importer that would not be
 * told they went: only the exporter's own bos are shrunk. Pinned bos are
 * off the lists already (TTM), and a busy bo is skipped by TTM.
 */
static bool xe_shrinker_allow(struct ttm_bo_shrink_walk *walk,
			      struct ttm_buffer_object *bo, bool purge)
{
	return !bo->base.dma_buf;
}

/**
 * xe_shrinker_init() - Put a device's bos on TTM's memcg-aware shrinker
 * @xe: The device, its TTM device initialised and without bos.
 *
 * From then on, the system pages of the bos userspace creates are charged
 * to its memory cgroup, and reclaim frees them per cgroup.
 *
 * Return: 0 on success, a negative error code on failure.
 */
int xe_shrinker_init(struct xe_device *xe)
{
	struct ttm_shrinker *ts = &xe->mem.shrinker;

	ts->allow = xe_shrinker_allow;
	ts->device_get = xe_shrinker_device_get;
	ts->device_put = xe_shrinker_device_put;
	xe->ttm.memcg_account = true;
	return ttm_shrinker_init(ts, &xe->ttm, dev_name(xe->drm.dev));
}

/**
 * xe_shrinker_fini() - Take a device's bos off the shrinker
 * @xe: The device; all of its bos must be gone.
 */
void xe_shrinker_fini(struct xe_device *xe)
{
	ttm_shrinker_fini(&xe->mem.shrinker);
}

#if IS_ENABLED(CONFIG_DRM_XE_KUNIT_TEST)
#include "tests/xe_shrinker_test.c"
#endif
