// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * KUnit tests of xe on TTM's memcg-aware shrinker, on a fake xe device with
 * xe's TTM functions: bos made with xe's tt, populated, pinned, marked
 * purgeable, purged, backed up and restored keep the shrinker's lists and
 * counts right, and reclaim follows xe's rules. Without hardware (and so
 * without DMA in UML), bos live in XE_PL_SYSTEM; moving them out of XE_PL_TT,
 * the CCS copy and runtime PM on a real device stay untested here.
 */

#include <linux/highmem.h>

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/visibility.h>

#include <drm/ttm/ttm_placement.h>

#include "tests/xe_kunit_helpers.h"

/* ttm_shrinker_free_swap() is TTM's, exported to tests only. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define XE_SHRINKER_TEST_PAGES 8

static void xe_madvise_args_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct drm_xe_gem_madvise args = { .madv = DRM_XE_GEM_MADV_WILLNEED };

	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), 0);
	args.madv = DRM_XE_GEM_MADV_DONTNEED;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), 0);

	args.madv = 2;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
	args.madv = ~0u;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
	args.madv = DRM_XE_GEM_MADV_DONTNEED;

	args.extensions = 1;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
	args.extensions = 0;
	args.pad = 1;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
	args.pad = 0;
	args.reserved[0] = 1;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
	args.reserved[0] = 0;
	args.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, xe_gem_madvise_check_args(xe, &args), -EINVAL);
}

/* The fake device with a TTM device and the shrinker, as xe_device_create() makes them. */
static int xe_shrinker_test_init(struct kunit *test)
{
	struct xe_device *xe;
	int err;

	xe_kunit_helper_xe_device_test_init(test);
	xe = test->priv;
	err = ttm_device_init(&xe->ttm, &xe_ttm_funcs, xe->drm.dev,
			      xe->drm.anon_inode->i_mapping,
			      xe->drm.vma_offset_manager, false, false);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = xe_shrinker_init(xe);
	KUNIT_ASSERT_EQ(test, err, 0);
	return 0;
}

static void xe_shrinker_test_exit(struct kunit *test)
{
	struct xe_device *xe = test->priv;

	xe_shrinker_fini(xe);
	ttm_device_fini(&xe->ttm);
}

static void xe_shrinker_test_bo_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	xe_bo_free(ttm_to_xe_bo(tbo));
}

/* A user bo in XE_PL_SYSTEM with xe's tt, populated, as a CPU mapping makes it. */
static struct xe_bo *xe_shrinker_test_bo(struct kunit *test)
{
	static const struct ttm_place sys = { .mem_type = XE_PL_SYSTEM };
	struct ttm_placement placement = { .num_placement = 1, .placement = &sys };
	struct ttm_operation_ctx ctx = {};
	struct xe_device *xe = test->priv;
	struct xe_bo *bo = xe_bo_alloc();
	pgoff_t i;
	int err;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bo);
	drm_gem_private_object_init(&xe->drm, &bo->ttm.base,
				    XE_SHRINKER_TEST_PAGES << PAGE_SHIFT);
	bo->flags = XE_BO_FLAG_SYSTEM | XE_BO_FLAG_USER;
	bo->cpu_caching = DRM_XE_GEM_CPU_CACHING_WB;
	err = ttm_bo_init_reserved(&xe->ttm, &bo->ttm, ttm_bo_type_device,
				   &placement, 0, &ctx, NULL, NULL,
				   xe_shrinker_test_bo_destroy);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = ttm_tt_populate(&xe->ttm, bo->ttm.ttm, &ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	for (i = 0; i < bo->ttm.ttm->num_pages; ++i)
		memset_page(bo->ttm.ttm->pages[i], 0, (u8)(i + (uintptr_t)bo),
			    PAGE_SIZE);
	xe_bo_unlock(bo);
	return bo;
}

/* Make the bo resident again and check what xe_shrinker_test_bo() wrote. */
static void xe_shrinker_test_expect_content(struct kunit *test,
					    struct xe_bo *bo)
{
	struct ttm_operation_ctx ctx = {};
	pgoff_t i, bad = 0;

	xe_bo_lock(bo, false);
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(bo->ttm.bdev, bo->ttm.ttm, &ctx), 0);
	for (i = 0; i < bo->ttm.ttm->num_pages; ++i) {
		u8 *vaddr = kmap_local_page(bo->ttm.ttm->pages[i]);

		bad += !!memchr_inv(vaddr, (u8)(i + (uintptr_t)bo), PAGE_SIZE);
		kunmap_local(vaddr);
	}
	xe_bo_unlock(bo);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "pages with wrong content");
}

static unsigned long xe_listed(struct kunit *test, enum ttm_shrinker_list l)
{
	struct xe_device *xe = test->priv;

	return ttm_shrinker_count_pages(&xe->mem.shrinker, l, NULL);
}

static unsigned long xe_test_free_swap(struct mem_cgroup *memcg)
{
	return 1 << 20;
}

/*
 * Reclaim does not wake a runtime-suspended device (the fake one is never
 * resumed) and leaves exported bos alone.
 */
static void xe_shrinker_rules_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_buffer_object tbo = {};
	struct dma_buf dmabuf = {};

	KUNIT_EXPECT_TRUE(test, xe->ttm.memcg_account);
	KUNIT_EXPECT_PTR_EQ(test, xe->ttm.shrinker, ts);
	KUNIT_EXPECT_FALSE(test, ts->device_get(ts));

	KUNIT_EXPECT_TRUE(test, ts->allow(NULL, &tbo, false));
	tbo.base.dma_buf = &dmabuf;
	KUNIT_EXPECT_FALSE(test, ts->allow(NULL, &tbo, false));
	KUNIT_EXPECT_FALSE(test, ts->allow(NULL, &tbo, true));
}

/*
 * xe's bos are listed while populated and unpinned, in the list their
 * purgeable state says, and counted in pages.
 */
static void xe_shrinker_lists_kunit(struct kunit *test)
{
	struct xe_bo *a = xe_shrinker_test_bo(test);
	struct xe_bo *b = xe_shrinker_test_bo(test);

	KUNIT_EXPECT_TRUE(test, a->ttm.ttm->page_flags & TTM_TT_FLAG_SHRINKABLE);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			2 * XE_SHRINKER_TEST_PAGES);

	xe_bo_lock(a, false);
	ttm_bo_pin(&a->ttm);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			XE_SHRINKER_TEST_PAGES);
	ttm_bo_unpin(&a->ttm);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			2 * XE_SHRINKER_TEST_PAGES);

	KUNIT_EXPECT_TRUE(test, xe_bo_set_purgeable(a, true));
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_PURGEABLE),
			XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			XE_SHRINKER_TEST_PAGES);

	ttm_tt_unpopulate(a->ttm.bdev, a->ttm.ttm);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_PURGEABLE), 0);
	xe_bo_unlock(a);

	ttm_bo_put(&a->ttm);
	ttm_bo_put(&b->ttm);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP), 0);
}

/*
 * Reclaim that may not enter the file system purges xe's purgeable bos and
 * backs up nothing; reclaim that may backs the others up, and they read
 * back intact. Purged content is reported lost once.
 */
static void xe_shrinker_reclaim_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_shrinker_stats stats = {};
	struct xe_bo *keep, *drop;

	kunit_activate_static_stub(test, ttm_shrinker_free_swap,
				   xe_test_free_swap);
	keep = xe_shrinker_test_bo(test);
	drop = xe_shrinker_test_bo(test);
	xe_bo_lock(drop, false);
	xe_bo_set_purgeable(drop, true);
	xe_bo_unlock(drop);

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_NOFS,
						  &stats),
			XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, stats.purged, XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, stats.backed_up, 0, "backed up under GFP_NOFS");
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_populated(keep->ttm.ttm));

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats),
			XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_EQ(test, stats.backed_up, XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(keep->ttm.ttm));
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP), 0);

	xe_shrinker_test_expect_content(test, keep);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			XE_SHRINKER_TEST_PAGES);

	xe_bo_lock(drop, false);
	KUNIT_EXPECT_FALSE(test, xe_bo_set_purgeable(drop, false));
	KUNIT_EXPECT_TRUE(test, xe_bo_set_purgeable(drop, false));
	xe_bo_unlock(drop);

	ttm_bo_put(&keep->ttm);
	ttm_bo_put(&drop->ttm);
}

static struct kunit_case xe_shrinker_tests[] = {
	KUNIT_CASE(xe_madvise_args_kunit),
	KUNIT_CASE(xe_shrinker_rules_kunit),
	KUNIT_CASE(xe_shrinker_lists_kunit),
	KUNIT_CASE(xe_shrinker_reclaim_kunit),
	{}
};

VISIBLE_IF_KUNIT
struct kunit_suite xe_shrinker_test_suite = {
	.name = "xe_shrinker",
	.test_cases = xe_shrinker_tests,
	.init = xe_shrinker_test_init,
	.exit = xe_shrinker_test_exit,
};
EXPORT_SYMBOL_IF_KUNIT(xe_shrinker_test_suite);
