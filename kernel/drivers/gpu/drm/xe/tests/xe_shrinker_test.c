// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * KUnit tests of the hardware-free parts of the xe bo shrinker: the madvise
 * ioctl's argument checking and the shrinker's page counts.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>

#include "tests/xe_kunit_helpers.h"

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

/* The counts, on a shrinker that is not registered with the mm. */
static void xe_shrinker_count_kunit(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct xe_shrinker shrinker = { .xe = test->priv };
	struct shrinker shrink = { .private_data = &shrinker };

	if (get_nr_swap_pages() > 0)
		kunit_skip(test, "expects a machine without swap");

	spin_lock_init(&shrinker.lock);
	KUNIT_EXPECT_EQ(test, xe_shrinker_count(&shrink, &sc), SHRINK_EMPTY);

	xe_shrinker_mod_pages(&shrinker, 10, 3);
	/* Without swap, only purgeable pages can be freed. */
	KUNIT_EXPECT_EQ(test, xe_shrinker_count(&shrink, &sc), 3);

	xe_shrinker_mod_pages(&shrinker, 4, -3);
	KUNIT_EXPECT_EQ(test, shrinker.shrinkable_pages, 14);
	KUNIT_EXPECT_EQ(test, xe_shrinker_count(&shrink, &sc), SHRINK_EMPTY);

	/* A bo marked purgeable moves its pages between the counts. */
	xe_shrinker_mod_pages(&shrinker, -14, 14);
	KUNIT_EXPECT_EQ(test, xe_shrinker_count(&shrink, &sc), 14);
	xe_shrinker_mod_pages(&shrinker, 0, -14);
	KUNIT_EXPECT_EQ(test, xe_shrinker_count(&shrink, &sc), SHRINK_EMPTY);
}

static struct kunit_case xe_shrinker_tests[] = {
	KUNIT_CASE(xe_madvise_args_kunit),
	KUNIT_CASE(xe_shrinker_count_kunit),
	{}
};

VISIBLE_IF_KUNIT
struct kunit_suite xe_shrinker_test_suite = {
	.name = "xe_shrinker",
	.test_cases = xe_shrinker_tests,
	.init = xe_kunit_helper_xe_device_test_init,
};
EXPORT_SYMBOL_IF_KUNIT(xe_shrinker_test_suite);
