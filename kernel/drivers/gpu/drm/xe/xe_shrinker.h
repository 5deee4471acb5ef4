/* SPDX-License-Identifier: MIT */
/*
 * The shrinker of xe buffer objects' system pages.
 */
#ifndef _XE_SHRINKER_H_
#define _XE_SHRINKER_H_

struct xe_device;
struct xe_shrinker;

struct xe_shrinker *xe_shrinker_create(struct xe_device *xe);
void xe_shrinker_destroy(struct xe_shrinker *shrinker);
void xe_shrinker_mod_pages(struct xe_shrinker *shrinker, long shrinkable,
			   long purgeable);

#endif
