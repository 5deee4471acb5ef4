// SPDX-License-Identifier: MIT
/*
 * xe's bos on TTM's memcg-aware shrinker: their system pages are charged to
 * the memory cgroup of the task that created them, and reclaim in a cgroup
 * purges or backs up that cgroup's bos, as its gpumem policy says. TTM keeps
 * the lists; xe says what reclaim may do with its device and its bos.
 */

#include <linux/sched.h>

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
 * Moving a bo out of TT unbinds it from the GPU (TLB invalidations through
 * the GuC, and on integrated parts a copy of its compression metadata),
 * which needs the device awake. Reclaim wakes a runtime-suspended device
 * where resuming is safe in reclaim (xe_rpm_reclaim_safe(): no D3cold, not
 * SR-IOV), which is what integrated parts are: they suspend whenever the
 * screen is off and keep nearly all of their bos in TT, so that a cgroup's
 * reclaim frees what its count promised. Elsewhere (D3cold-capable discrete
 * parts, SR-IOV) only bos in system memory are shrunk while the device
 * sleeps, and only those are counted (xe_shrinker_device_asleep()).
 */
static bool xe_shrinker_device_get(struct ttm_shrinker *ts)
{
	struct xe_device *xe = shrinker_to_xe(ts);

	if (xe_pm_runtime_get_if_active(xe))
		return true;
	if (!xe_rpm_reclaim_safe(xe))
		return false;
	xe_pm_runtime_get(xe);
	return true;
}

static void xe_shrinker_device_put(struct ttm_shrinker *ts)
{
	xe_pm_runtime_put(shrinker_to_xe(ts));
}

/* Whether xe_shrinker_device_get() would fail now; it wakes nothing. */
static bool xe_shrinker_device_asleep(struct ttm_shrinker *ts)
{
	struct xe_device *xe = shrinker_to_xe(ts);

	if (xe_rpm_reclaim_safe(xe))
		return false;
	if (!xe_pm_runtime_get_if_active(xe))
		return true;
	xe_pm_runtime_put(xe);
	return false;
}

/* kswapd and direct reclaim (memcg's too) do not wait for the GPU. */
static bool xe_shrinker_avoid_wait(void)
{
	return current->flags & PF_MEMALLOC;
}

/*
 * An exported bo's pages may be mapped by an importer that would not be
 * told they went: only the exporter's own bos are shrunk. Pinned bos are
 * off the lists already (TTM), and a busy bo is skipped by TTM.
 *
 * Backing up a bo in TT on an integrated part with flat CCS copies its
 * compression metadata with the GPU and waits for the copy (up to 15 s):
 * kswapd and direct reclaim leave such bos to proactive reclaim. A purge
 * copies nothing (xe_bo_purge_notify()).
 */
static bool xe_shrinker_allow(struct ttm_shrinker *ts,
			      struct ttm_buffer_object *ttm_bo, bool purge)
{
	struct xe_bo *bo = ttm_to_xe_bo(ttm_bo);

	if (ttm_bo->base.dma_buf)
		return false;
	return purge || ttm_bo->resource->mem_type != XE_PL_TT ||
	       IS_DGFX(xe_bo_device(bo)) || !xe_bo_needs_ccs_pages(bo) ||
	       !xe_shrinker_avoid_wait();
}

/*
 * A bo whose GEM reference count reached zero is on its way out: TTM frees
 * its pages without calling xe on it (a "zombie"). Otherwise the reference
 * taken keeps it alive while TTM shrinks it.
 */
static bool xe_shrinker_bo_get(struct ttm_buffer_object *ttm_bo)
{
	return kref_get_unless_zero(&ttm_bo->base.refcount);
}

static void xe_shrinker_bo_put(struct ttm_buffer_object *ttm_bo)
{
	xe_bo_put(ttm_to_xe_bo(ttm_bo));
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
	ts->device_asleep = xe_shrinker_device_asleep;
	ts->bo_get = xe_shrinker_bo_get;
	ts->bo_put = xe_shrinker_bo_put;
	ts->purge_notify = xe_bo_purge_notify;
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
