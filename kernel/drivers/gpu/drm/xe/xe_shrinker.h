/* SPDX-License-Identifier: MIT */
/*
 * xe's bos on TTM's memcg-aware shrinker.
 */
#ifndef _XE_SHRINKER_H_
#define _XE_SHRINKER_H_

struct kunit_suite;
struct xe_device;

int xe_shrinker_init(struct xe_device *xe);
void xe_shrinker_fini(struct xe_device *xe);

#if IS_ENABLED(CONFIG_DRM_XE_KUNIT_TEST)
extern struct kunit_suite xe_shrinker_test_suite;
#endif

#endif
