// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * KUnit tests of xe on TTM's memcg-aware shrinker, on a fake xe device with
 * xe's TTM functions: bos made with xe's tt, populated, pinned, marked
 * purgeable, purged, backed up and restored keep the shrinker's lists and
 * counts right, and reclaim follows xe's rules. DRM_IOCTL_XE_MADVISE's
 * purgeable state is set on the bos bound in a VM made of its GPUVA tree
 * alone, and a DONTNEED bo refuses mmap, CPU faults and export.
 *
 * The fake device has an XE_PL_TT and an XE_PL_VRAM0 manager and a move
 * of its own in place of xe_bo_move(), which needs hardware (and DMA, which
 * UML has not): it moves without copying, hands the tt of a move out of TT
 * into VRAM to a ghost object as a pipelined copy does, and counts the
 * moves, those of ghosts and zombies (which xe_bo_move() must never see),
 * and the CCS copies xe_bo_move() would submit. xe_bo_move() itself, the
 * copy, VM unbinding and runtime PM on a real device stay untested here.
 */

#include <linux/highmem.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <kunit/visibility.h>

#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_range_manager.h>

#include "tests/xe_kunit_helpers.h"
#include "xe_vm.h"
#include "xe_vm_madvise.h"

/* ttm_shrinker_free_swap() is TTM's, exported to tests only. */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define XE_SHRINKER_TEST_PAGES 8

/* What the fake device's move saw. */
static struct {
	unsigned int moves;
	unsigned int ghost_moves;
	unsigned int zombie_moves;
	unsigned int ccs_copies;
	struct dma_fence *copy_fence;
} xe_test_mover;

static DEFINE_SPINLOCK(xe_test_fence_lock);

static const char *xe_test_fence_name(struct dma_fence *fence)
{
	return "xe-shrinker-test";
}

static const struct dma_fence_ops xe_test_fence_ops = {
	.get_driver_name = xe_test_fence_name,
	.get_timeline_name = xe_test_fence_name,
};

/*
 * The fake device's move. A ghost or a zombie would make xe_bo_move() read
 * an xe_bo that is not there (or is being freed): it is counted and
 * refused. A move into VRAM is a pipelined copy that ends with
 * xe_test_mover.copy_fence, whose ghost keeps the tt; one from TT to system
 * memory of a bo with CCS metadata on an integrated part is the one
 * xe_bo_move() copies the metadata in, and waits for.
 */
static int xe_test_move(struct ttm_buffer_object *ttm_bo, bool evict,
			struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, struct ttm_place *hop)
{
	u32 old_type = ttm_bo->resource ? ttm_bo->resource->mem_type :
		XE_PL_SYSTEM;
	struct xe_device *xe = ttm_to_xe_device(ttm_bo->bdev);

	if (ttm_bo_is_ghost(ttm_bo)) {
		xe_test_mover.ghost_moves++;
		return -EINVAL;
	}
	if (!kref_read(&ttm_bo->base.refcount)) {
		xe_test_mover.zombie_moves++;
		return -EINVAL;
	}
	xe_test_mover.moves++;

	if (old_type == XE_PL_TT && new_mem->mem_type == XE_PL_SYSTEM &&
	    !IS_DGFX(xe) && xe_bo_needs_ccs_pages(ttm_to_xe_bo(ttm_bo)))
		xe_test_mover.ccs_copies++;

	if (new_mem->mem_type == XE_PL_VRAM0 && xe_test_mover.copy_fence)
		return ttm_bo_move_accel_cleanup(ttm_bo,
						 xe_test_mover.copy_fence,
						 false, false, new_mem);
	ttm_bo_move_null(ttm_bo, new_mem);
	return 0;
}

static struct ttm_device_funcs xe_test_funcs;

#define XE_SHRINKER_TEST_MANAGER_PAGES 1024

/*
 * The fake device with a TTM device and the shrinker, as xe_device_create()
 * makes them, and managers for XE_PL_TT and XE_PL_VRAM0.
 */
static int xe_shrinker_test_init(struct kunit *test)
{
	struct xe_device *xe;
	int err;

	xe_kunit_helper_xe_device_test_init(test);
	xe = test->priv;
	xe_test_funcs = xe_ttm_funcs;
	xe_test_funcs.move = xe_test_move;
	memset(&xe_test_mover, 0, sizeof(xe_test_mover));
	err = ttm_device_init(&xe->ttm, &xe_test_funcs, xe->drm.dev,
			      xe->drm.anon_inode->i_mapping,
			      xe->drm.vma_offset_manager, false, false);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = ttm_range_man_init(&xe->ttm, XE_PL_TT, true,
				 XE_SHRINKER_TEST_MANAGER_PAGES);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = ttm_range_man_init(&xe->ttm, XE_PL_VRAM0, false,
				 XE_SHRINKER_TEST_MANAGER_PAGES);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = xe_shrinker_init(xe);
	KUNIT_ASSERT_EQ(test, err, 0);
	return 0;
}

static void xe_shrinker_test_exit(struct kunit *test)
{
	struct xe_device *xe = test->priv;

	/* Ghosts and deleted bos leave through the workqueue. */
	flush_workqueue(xe->ttm.wq);
	xe_shrinker_fini(xe);
	ttm_range_man_fini(&xe->ttm, XE_PL_VRAM0);
	ttm_range_man_fini(&xe->ttm, XE_PL_TT);
	ttm_device_fini(&xe->ttm);
}

static void xe_shrinker_test_bo_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	xe_bo_free(ttm_to_xe_bo(tbo));
}

static struct ttm_placement *xe_test_placement(u32 mem_type)
{
	static const struct ttm_place places[] = {
		[XE_PL_SYSTEM] = { .mem_type = XE_PL_SYSTEM },
		[XE_PL_TT] = { .mem_type = XE_PL_TT },
		[XE_PL_VRAM0] = { .mem_type = XE_PL_VRAM0 },
	};
	static struct ttm_placement placements[] = {
		[XE_PL_SYSTEM] = { 1, &places[XE_PL_SYSTEM] },
		[XE_PL_TT] = { 1, &places[XE_PL_TT] },
		[XE_PL_VRAM0] = { 1, &places[XE_PL_VRAM0] },
	};

	return &placements[mem_type];
}

/*
 * A bo of @type in @mem_type with xe's tt, populated, filled with a pattern
 * of its own; unlocked unless @locked.
 */
static struct xe_bo *xe_test_bo(struct kunit *test, enum ttm_bo_type type,
				u32 mem_type, bool locked)
{
	struct ttm_operation_ctx ctx = {};
	struct xe_device *xe = test->priv;
	struct xe_bo *bo = xe_bo_alloc();
	pgoff_t i;
	int err;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bo);
	drm_gem_private_object_init(&xe->drm, &bo->ttm.base,
				    XE_SHRINKER_TEST_PAGES << PAGE_SHIFT);
	/* xe's driver features have DRIVER_GEM_GPUVA, the fake device's not. */
	drm_gem_gpuva_init(&bo->ttm.base);
	bo->size = XE_SHRINKER_TEST_PAGES << PAGE_SHIFT;
	bo->flags = XE_BO_FLAG_SYSTEM;
	if (type == ttm_bo_type_device)
		bo->flags |= XE_BO_FLAG_USER;
	bo->cpu_caching = DRM_XE_GEM_CPU_CACHING_WB;
	err = ttm_bo_init_reserved(&xe->ttm, &bo->ttm, type,
				   xe_test_placement(mem_type), 0, &ctx, NULL,
				   NULL, xe_shrinker_test_bo_destroy);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, bo->ttm.resource->mem_type, mem_type);
	err = ttm_tt_populate(&xe->ttm, bo->ttm.ttm, &ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	for (i = 0; i < bo->ttm.ttm->num_pages; ++i)
		memset_page(bo->ttm.ttm->pages[i], 0, (u8)(i + (uintptr_t)bo),
			    PAGE_SIZE);
	if (!locked)
		xe_bo_unlock(bo);
	return bo;
}

/* A user bo in XE_PL_SYSTEM with xe's tt, populated, as a CPU mapping makes it. */
static struct xe_bo *xe_shrinker_test_bo(struct kunit *test)
{
	return xe_test_bo(test, ttm_bo_type_device, XE_PL_SYSTEM, false);
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
 * DRM_IOCTL_XE_MADVISE takes upstream 7.1's arguments: the purgeable state,
 * WILLNEED or DONTNEED, of a 4 KiB-aligned range; every other attribute
 * type, value, pad or reserved field is refused.
 */
static void xe_vm_madvise_args_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct drm_xe_madvise args = {
		.start = SZ_64K,
		.range = SZ_8K,
		.type = DRM_XE_VMA_ATTR_PURGEABLE_STATE,
		.purge_state_val.val = DRM_XE_VMA_PURGEABLE_STATE_WILLNEED,
	};

	/* Upstream's numbers and layout. */
	KUNIT_EXPECT_EQ(test, DRM_IOCTL_XE_MADVISE,
			DRM_IOW(DRM_COMMAND_BASE + 0x0c, struct drm_xe_madvise));
	KUNIT_EXPECT_EQ(test, sizeof(args), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_xe_madvise, type), 28);
	KUNIT_EXPECT_EQ(test, offsetof(struct drm_xe_madvise,
				       purge_state_val.retained_ptr), 40);
	KUNIT_EXPECT_EQ(test, DRM_XE_VMA_ATTR_PURGEABLE_STATE, 3);
	KUNIT_EXPECT_EQ(test, DRM_XE_VMA_PURGEABLE_STATE_DONTNEED, 1);

	KUNIT_EXPECT_EQ(test, xe_vm_madvise_check_args(xe, &args), 0);
	args.purge_state_val.val = DRM_XE_VMA_PURGEABLE_STATE_DONTNEED;
	KUNIT_EXPECT_EQ(test, xe_vm_madvise_check_args(xe, &args), 0);

#define XE_EXPECT_REFUSED(field, v) do {				\
		struct drm_xe_madvise bad = args;			\
									\
		bad.field = v;						\
		KUNIT_EXPECT_EQ_MSG(test,				\
				    xe_vm_madvise_check_args(xe, &bad),	\
				    -EINVAL, #field " = " #v " accepted"); \
	} while (0)
	XE_EXPECT_REFUSED(extensions, 1);
	XE_EXPECT_REFUSED(start, SZ_64K + 1);
	XE_EXPECT_REFUSED(range, SZ_4K + SZ_2K);
	XE_EXPECT_REFUSED(range, 0);
	XE_EXPECT_REFUSED(type, DRM_XE_MEM_RANGE_ATTR_PREFERRED_LOC);
	XE_EXPECT_REFUSED(type, DRM_XE_MEM_RANGE_ATTR_ATOMIC);
	XE_EXPECT_REFUSED(type, DRM_XE_MEM_RANGE_ATTR_PAT);
	XE_EXPECT_REFUSED(type, DRM_XE_VMA_ATTR_PURGEABLE_STATE + 1);
	XE_EXPECT_REFUSED(purge_state_val.val, 2);
	XE_EXPECT_REFUSED(purge_state_val.pad, 1);
	XE_EXPECT_REFUSED(reserved[0], 1);
	XE_EXPECT_REFUSED(reserved[1], 1);
#undef XE_EXPECT_REFUSED
}

static void xe_test_vm_free(struct drm_gpuvm *gpuvm)
{
	kfree(container_of(gpuvm, struct xe_vm, gpuvm));
}

static const struct drm_gpuvm_ops xe_test_vm_ops = {
	.vm_free = xe_test_vm_free,
};

/* A VM with nothing but its lock and its GPUVA tree, which madvise uses. */
static struct xe_vm *xe_test_vm(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct drm_gem_object *r_obj;
	struct xe_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vm);
	r_obj = drm_gpuvm_resv_object_alloc(&xe->drm);
	KUNIT_ASSERT_NOT_NULL(test, r_obj);
	vm->xe = xe;
	init_rwsem(&vm->lock);
	drm_gpuvm_init(&vm->gpuvm, "xe-madvise-test", 0, &xe->drm, r_obj, 0,
		       SZ_1G, 0, 0, &xe_test_vm_ops);
	drm_gem_object_put(r_obj);
	return vm;
}

/* Bind the start of @bo at @addr, @size bytes. */
static struct xe_vma *xe_test_bind(struct kunit *test, struct xe_vm *vm,
				   struct xe_bo *bo, u64 addr, u64 size)
{
	struct xe_vma *vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	struct drm_gpuvm_bo *vm_bo;

	KUNIT_ASSERT_NOT_NULL(test, vma);
	drm_gpuva_init(&vma->gpuva, addr, size, &bo->ttm.base, 0);
	KUNIT_ASSERT_EQ(test, drm_gpuva_insert(&vm->gpuvm, &vma->gpuva), 0);
	xe_bo_lock(bo, false);
	vm_bo = drm_gpuvm_bo_obtain(&vm->gpuvm, &bo->ttm.base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm_bo);
	drm_gpuva_link(&vma->gpuva, vm_bo);
	drm_gpuvm_bo_put(vm_bo);
	xe_bo_unlock(bo);
	return vma;
}

static void xe_test_unbind(struct xe_vma *vma)
{
	struct xe_bo *bo = xe_vma_bo(vma);

	xe_bo_lock(bo, false);
	drm_gpuva_unlink(&vma->gpuva);
	xe_bo_unlock(bo);
	drm_gpuva_remove(&vma->gpuva);
	kfree(vma);
}

static int xe_test_madvise(struct xe_vm *vm, u64 start, u64 range,
			   bool dontneed, bool *retained)
{
	int err;

	down_read(&vm->lock);
	err = xe_vm_madvise_purgeable(vm, start, start + range, dontneed,
				      retained);
	up_read(&vm->lock);
	return err;
}

#define XE_TEST_BO_SIZE (XE_SHRINKER_TEST_PAGES << PAGE_SHIFT)

/*
 * DONTNEED marks the bos whose every binding lies in the range, and leaves
 * alone the bos bound partly outside it, shared through dma-buf (exported
 * or imported) or pinned; WILLNEED unmarks every bo bound in the range and
 * reports, once, a bo whose content was dropped.
 */
static void xe_vm_madvise_range_kunit(struct kunit *test)
{
	enum { INSIDE, HALF_OUT, EXPORTED, IMPORTED, PINNED, NR_BOS };
	static const char * const name[NR_BOS] = {
		"inside", "half-out", "exported", "imported", "pinned",
	};
	struct dma_buf_attachment attach = {};
	struct dma_buf dmabuf = {};
	struct xe_vm *vm = xe_test_vm(test);
	struct xe_vma *vma[NR_BOS + 1];
	struct xe_bo *bo[NR_BOS];
	const u64 range = NR_BOS * XE_TEST_BO_SIZE;
	bool retained;
	int i;

	for (i = 0; i < NR_BOS; i++) {
		bo[i] = xe_shrinker_test_bo(test);
		vma[i] = xe_test_bind(test, vm, bo[i], i * XE_TEST_BO_SIZE,
				      XE_TEST_BO_SIZE);
	}
	/* A second binding, outside the range. */
	vma[NR_BOS] = xe_test_bind(test, vm, bo[HALF_OUT], range,
				   XE_TEST_BO_SIZE);
	bo[EXPORTED]->ttm.base.dma_buf = &dmabuf;
	bo[IMPORTED]->ttm.base.import_attach = &attach;
	xe_bo_lock(bo[PINNED], false);
	ttm_bo_pin(&bo[PINNED]->ttm);
	xe_bo_unlock(bo[PINNED]);

	KUNIT_EXPECT_EQ(test, xe_test_madvise(vm, 0, range, true, &retained), 0);
	KUNIT_EXPECT_TRUE(test, retained);
	for (i = 0; i < NR_BOS; i++)
		KUNIT_EXPECT_EQ_MSG(test, bo[i]->purgeable, i == INSIDE,
				    "DONTNEED on the %s bo", name[i]);

	/* Both bindings in the range: the bo goes. */
	KUNIT_EXPECT_EQ(test, xe_test_madvise(vm, 0, range + XE_TEST_BO_SIZE,
					      true, &retained), 0);
	KUNIT_EXPECT_TRUE(test, bo[HALF_OUT]->purgeable);

	/* WILLNEED on a range that only touches a binding. */
	bo[INSIDE]->purged = true;
	KUNIT_EXPECT_EQ(test, xe_test_madvise(vm, XE_TEST_BO_SIZE - SZ_4K,
					      SZ_4K, false, &retained), 0);
	KUNIT_EXPECT_FALSE_MSG(test, retained, "purged content retained");
	KUNIT_EXPECT_FALSE(test, bo[INSIDE]->purgeable);
	KUNIT_EXPECT_TRUE(test, bo[HALF_OUT]->purgeable);
	KUNIT_EXPECT_EQ(test, xe_test_madvise(vm, 0, range, false, &retained),
			0);
	KUNIT_EXPECT_TRUE_MSG(test, retained, "not retained reported twice");
	KUNIT_EXPECT_FALSE(test, bo[HALF_OUT]->purgeable);

	xe_bo_lock(bo[PINNED], false);
	ttm_bo_unpin(&bo[PINNED]->ttm);
	xe_bo_unlock(bo[PINNED]);
	bo[IMPORTED]->ttm.base.import_attach = NULL;
	bo[EXPORTED]->ttm.base.dma_buf = NULL;
	for (i = 0; i <= NR_BOS; i++)
		xe_test_unbind(vma[i]);
	drm_gpuvm_put(&vm->gpuvm);
	for (i = 0; i < NR_BOS; i++)
		ttm_bo_put(&bo[i]->ttm);
}

/*
 * A DONTNEED bo is neither mapped anew (-EBUSY) nor faulted in through an
 * existing mapping (SIGBUS), nor exported (-EBUSY).
 */
static void xe_vm_madvise_mmap_kunit(struct kunit *test)
{
	struct xe_bo *bo = xe_shrinker_test_bo(test);
	struct drm_gem_object *obj = &bo->ttm.base;
	struct vm_area_struct vma = { .vm_private_data = &bo->ttm };
	struct vm_fault vmf = { .vma = &vma };
	struct dma_buf *buf;
	vm_fault_t fault;

	/* xe_bo_init_locked() sets them on xe's bos. */
	obj->funcs = &xe_gem_object_funcs;
	xe_bo_lock(bo, false);
	xe_bo_set_purgeable(bo, true);
	xe_bo_unlock(bo);

	KUNIT_EXPECT_EQ(test, obj->funcs->mmap(obj, &vma), -EBUSY);
	fault = obj->funcs->vm_ops->fault(&vmf);
	KUNIT_EXPECT_TRUE_MSG(test, fault == VM_FAULT_SIGBUS,
			      "a fault on a DONTNEED bo returned %#x",
			      (__force unsigned int)fault);
	KUNIT_EXPECT_FALSE_MSG(test, dma_resv_is_locked(obj->resv),
			       "the fault left the bo locked");
	buf = obj->funcs->export(obj, O_RDWR);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -EBUSY);

	xe_bo_lock(bo, false);
	KUNIT_EXPECT_TRUE(test, xe_bo_set_purgeable(bo, false));
	xe_bo_unlock(bo);
	ttm_bo_put(&bo->ttm);
}

/*
 * Reclaim wakes a runtime-suspended device (the fake one is never resumed)
 * only where resuming is safe in reclaim, and leaves exported bos alone.
 */
static void xe_shrinker_rules_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct xe_bo *bo = xe_shrinker_test_bo(test);
	struct dma_buf dmabuf = {};

	KUNIT_EXPECT_TRUE(test, xe->ttm.memcg_account);
	KUNIT_EXPECT_PTR_EQ(test, xe->ttm.shrinker, ts);
	KUNIT_ASSERT_FALSE(test, xe_pm_runtime_get_if_active(xe));
	KUNIT_EXPECT_TRUE(test, xe_rpm_reclaim_safe(xe));
	KUNIT_EXPECT_TRUE(test, ts->device_get(ts));
	ts->device_put(ts);
	xe->d3cold.capable = true;
	KUNIT_EXPECT_FALSE(test, ts->device_get(ts));
	xe->d3cold.capable = false;

	KUNIT_EXPECT_TRUE(test, ts->allow(NULL, &bo->ttm, false));
	bo->ttm.base.dma_buf = &dmabuf;
	KUNIT_EXPECT_FALSE(test, ts->allow(NULL, &bo->ttm, false));
	KUNIT_EXPECT_FALSE(test, ts->allow(NULL, &bo->ttm, true));
	bo->ttm.base.dma_buf = NULL;
	ttm_bo_put(&bo->ttm);
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

static struct ttm_buffer_object *xe_test_ghost;

/*
 * The mover's ttm_bo_ghost_keeps_tt(): the ghost keeps the tt, and the
 * test holds the ghost as a scan that picked its tt before the mover let
 * go of it does.
 */
static void xe_test_hold_ghost(struct ttm_buffer_object *ghost)
{
	kunit_deactivate_static_stub(kunit_get_current_test(),
				     ttm_bo_ghost_keeps_tt);
	ttm_bo_ghost_keeps_tt(ghost);
	ttm_bo_get(ghost);
	xe_test_ghost = ghost;
}

static struct dma_fence *xe_test_fence(struct kunit *test)
{
	struct dma_fence *fence = kunit_kzalloc(test, sizeof(*fence),
						GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &xe_test_fence_ops, &xe_test_fence_lock, 0, 0);
	return fence;
}

/*
 * Shrink as direct reclaim does (__perform_reclaim()): lockdep checks what
 * the scan takes in reclaim, waking the device included.
 */
static unsigned long xe_test_direct_reclaim(struct ttm_shrinker *ts,
					    unsigned long nr_pages,
					    struct ttm_shrinker_stats *stats)
{
	unsigned long freed;
	unsigned int noreclaim;

	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	freed = ttm_shrinker_shrink(ts, NULL, nr_pages, GFP_KERNEL, stats);
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
	return freed;
}

/* Expect @freed pages discarded, neither purged nor backed up. */
static void xe_test_expect_discarded(struct kunit *test,
				     struct ttm_shrinker_stats *stats,
				     unsigned long freed, unsigned long pages)
{
	KUNIT_EXPECT_EQ(test, freed, pages);
	KUNIT_EXPECT_EQ(test, stats->discarded, pages);
	KUNIT_EXPECT_EQ_MSG(test, stats->purged, 0,
			    "freed pages of a dead bo counted as purged");
	KUNIT_EXPECT_EQ(test, stats->backed_up, 0);
}

/*
 * A pipelined move out of TT into VRAM hands the tt, and the TT resource, to
 * a ghost object. A scan that picked that tt while the mover still held the
 * ghost finds it alive (not deleted) once the copy is done: its pages are
 * freed in system memory, without xe's move (which would read an xe_bo past
 * the end of the ghost) and without being counted as a purge.
 */
static void xe_shrinker_ghost_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_operation_ctx ctx = {};
	struct ttm_shrinker_stats stats = {};
	struct dma_fence *fence = xe_test_fence(test);
	struct ttm_buffer_object *ghost;
	unsigned long freed;
	struct ttm_tt *tt;
	struct xe_bo *bo;

	kunit_activate_static_stub(test, ttm_shrinker_free_swap,
				   xe_test_free_swap);
	bo = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, true);
	tt = bo->ttm.ttm;

	xe_test_ghost = NULL;
	xe_test_mover.copy_fence = fence;
	kunit_activate_static_stub(test, ttm_bo_ghost_keeps_tt,
				   xe_test_hold_ghost);
	KUNIT_ASSERT_EQ(test, ttm_bo_validate(&bo->ttm,
					      xe_test_placement(XE_PL_VRAM0),
					      &ctx), 0);
	xe_test_mover.copy_fence = NULL;
	xe_bo_unlock(bo);
	ghost = xe_test_ghost;
	KUNIT_ASSERT_NOT_NULL(test, ghost);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(tt->bo), ghost);
	KUNIT_EXPECT_TRUE(test, ttm_bo_is_ghost(ghost));
	KUNIT_EXPECT_FALSE(test, ghost->deleted);
	KUNIT_EXPECT_EQ(test, ghost->resource->mem_type, XE_PL_TT);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP),
			XE_SHRINKER_TEST_PAGES);

	dma_fence_signal(fence);
	freed = xe_test_direct_reclaim(ts, 100, &stats);
	KUNIT_EXPECT_EQ_MSG(test, xe_test_mover.ghost_moves, 0,
			    "a ghost went through xe's move");
	xe_test_expect_discarded(test, &stats, freed, XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_EQ(test, ghost->resource->mem_type, XE_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP), 0);

	ttm_bo_put(ghost);
	ttm_bo_put(&bo->ttm);
}

/*
 * An xe bo whose GEM reference count reached zero while a scan holds its
 * TTM reference (a "zombie") is freed without xe's move or callbacks.
 */
static void xe_shrinker_zombie_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_shrinker_stats stats = {};
	unsigned long freed;
	struct xe_bo *bo;

	kunit_activate_static_stub(test, ttm_shrinker_free_swap,
				   xe_test_free_swap);
	bo = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, false);
	/* The last GEM reference is gone; the TTM one is what a scan holds. */
	refcount_set(&bo->ttm.base.refcount.refcount, 0);

	freed = xe_test_direct_reclaim(ts, 100, &stats);
	KUNIT_EXPECT_EQ_MSG(test, xe_test_mover.zombie_moves, 0,
			    "a zombie went through xe's move");
	xe_test_expect_discarded(test, &stats, freed, XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(bo->ttm.ttm));
	KUNIT_EXPECT_EQ(test, bo->ttm.resource->mem_type, XE_PL_SYSTEM);
	KUNIT_EXPECT_FALSE(test, bo->purged);

	ttm_bo_put(&bo->ttm);
}

/*
 * Freeing a deleted bo (ttm_bo_release() leaves a busy bo so, with its
 * pages, until it is idle) is userspace's doing, not a purge: it does not
 * count in the purged stats nor mark the tt purged.
 */
static void xe_shrinker_deleted_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_shrinker_stats stats = {};
	unsigned long freed;
	struct xe_bo *bo;

	bo = xe_test_bo(test, ttm_bo_type_device, XE_PL_SYSTEM, true);
	xe_bo_set_purgeable(bo, true);
	bo->ttm.deleted = true;
	xe_bo_unlock(bo);

	freed = xe_test_direct_reclaim(ts, 100, &stats);
	xe_test_expect_discarded(test, &stats, freed, XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_FALSE(test, bo->ttm.ttm->page_flags & TTM_TT_FLAG_PURGED);

	bo->ttm.deleted = false;
	ttm_bo_put(&bo->ttm);
}

/*
 * The purge of a bo with CCS metadata in TT on an integrated part submits
 * no copy: xe unbinds it and TTM moves it to system memory without xe's
 * move. A backup of such a bo needs the copy: kswapd and direct reclaim
 * leave it alone, proactive reclaim makes it.
 */
static void xe_shrinker_ccs_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_shrinker_stats stats = {};
	struct xe_bo *drop, *keep;
	unsigned int noreclaim;
	unsigned long freed;
	u32 pages;

	kunit_activate_static_stub(test, ttm_shrinker_free_swap,
				   xe_test_free_swap);
	xe->info.is_dgfx = false;
	xe->info.has_flat_ccs = true;
	drop = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, true);
	KUNIT_ASSERT_TRUE(test, xe_bo_needs_ccs_pages(drop));
	xe_bo_set_purgeable(drop, true);
	xe_bo_unlock(drop);
	keep = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, false);
	pages = drop->ttm.ttm->num_pages;
	xe_test_mover.moves = 0;

	freed = ttm_shrinker_shrink(ts, NULL, pages, GFP_KERNEL, &stats);
	KUNIT_EXPECT_EQ_MSG(test, xe_test_mover.ccs_copies, 0,
			    "a purge submitted a CCS copy");
	KUNIT_EXPECT_EQ(test, xe_test_mover.moves, 0);
	KUNIT_EXPECT_EQ(test, freed, pages);
	KUNIT_EXPECT_EQ(test, stats.purged, pages);
	KUNIT_EXPECT_EQ(test, drop->ttm.resource->mem_type, XE_PL_SYSTEM);
	KUNIT_EXPECT_TRUE(test, drop->purged);

	/* kswapd and direct reclaim run with PF_MEMALLOC. */
	noreclaim = memalloc_noreclaim_save();
	freed = ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL, &stats);
	memalloc_noreclaim_restore(noreclaim);
	KUNIT_EXPECT_EQ(test, freed, 0);
	KUNIT_EXPECT_EQ_MSG(test, xe_test_mover.ccs_copies, 0,
			    "reclaim waited for a CCS copy");

	freed = ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL, &stats);
	KUNIT_EXPECT_EQ(test, freed, pages);
	KUNIT_EXPECT_EQ(test, stats.backed_up, pages);
	KUNIT_EXPECT_EQ(test, xe_test_mover.ccs_copies, 1);

	ttm_bo_put(&drop->ttm);
	ttm_bo_put(&keep->ttm);
}

/*
 * Give a runtime-suspended device (the fake one never resumes) bos mostly
 * in TT, as an integrated part's with the screen off: two in TT (one of
 * them purgeable), one in system memory.
 */
static void xe_test_suspended_bos(struct kunit *test, struct xe_bo *bo[3])
{
	struct xe_device *xe = test->priv;

	kunit_activate_static_stub(test, ttm_shrinker_free_swap,
				   xe_test_free_swap);
	KUNIT_ASSERT_FALSE(test, xe_pm_runtime_get_if_active(xe));
	bo[0] = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, false);
	bo[1] = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, true);
	xe_bo_set_purgeable(bo[1], true);
	xe_bo_unlock(bo[1]);
	bo[2] = xe_test_bo(test, ttm_bo_type_device, XE_PL_SYSTEM, false);
}

/*
 * Count and scan in direct reclaim, round after round, while there is
 * something counted: each scan must free what the count said. Returns the
 * pages freed in all.
 */
static unsigned long xe_test_reclaim_counted(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct ttm_shrinker_stats stats = {};
	unsigned long count, freed, total = 0;
	int rounds = 0;

	while ((count = ts->shrinker->count_objects(ts->shrinker, &sc)) !=
	       SHRINK_EMPTY && count && rounds++ < 4) {
		freed = xe_test_direct_reclaim(ts, count, &stats);
		KUNIT_EXPECT_EQ_MSG(test, freed, count,
				    "round %d: counted %lu pages, freed %lu",
				    rounds, count, freed);
		if (freed != count)
			break;
		total += freed;
	}
	return total;
}

/*
 * A runtime-suspended device that may be woken in reclaim (integrated, no
 * D3cold): what the shrinker counts is what its scans, in direct reclaim,
 * free, round after round, all of its bos.
 */
static void xe_shrinker_suspended_kunit(struct kunit *test)
{
	struct xe_bo *bo[3];
	int i;

	xe_test_suspended_bos(test, bo);
	KUNIT_EXPECT_EQ(test, xe_test_reclaim_counted(test),
			3 * XE_SHRINKER_TEST_PAGES);
	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		ttm_bo_put(&bo[i]->ttm);
}

/*
 * A D3cold-capable device is not woken in reclaim: while it sleeps only
 * its bo in system memory is counted, and freed; its bos in TT are left,
 * and counted and freed once the device may be woken.
 */
static void xe_shrinker_d3cold_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct xe_bo *bo[3];
	int i;

	xe_test_suspended_bos(test, bo);
	xe->d3cold.capable = true;
	KUNIT_EXPECT_EQ(test, xe_test_reclaim_counted(test),
			XE_SHRINKER_TEST_PAGES);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_populated(bo[0]->ttm.ttm));
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_populated(bo[1]->ttm.ttm));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(bo[2]->ttm.ttm));
	xe->d3cold.capable = false;
	KUNIT_EXPECT_EQ(test, xe_test_reclaim_counted(test),
			2 * XE_SHRINKER_TEST_PAGES);
	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		ttm_bo_put(&bo[i]->ttm);
}

/* xe's kernel bos are all pinned: they get no backup storage. */
static void xe_shrinker_kernel_bo_kunit(struct kunit *test)
{
	struct xe_bo *bo = xe_test_bo(test, ttm_bo_type_kernel, XE_PL_TT, true);

	ttm_bo_pin(&bo->ttm);
	KUNIT_EXPECT_FALSE(test, bo->ttm.ttm->page_flags &
			   TTM_TT_FLAG_SHRINKABLE);
	KUNIT_EXPECT_NULL_MSG(test, bo->ttm.ttm->backup,
			      "a pinned kernel bo has backup storage");
	KUNIT_EXPECT_EQ(test, xe_listed(test, TTM_SHRINKER_BACKUP), 0);
	ttm_bo_unpin(&bo->ttm);
	xe_bo_unlock(bo);
	ttm_bo_put(&bo->ttm);
}

/*
 * A purged bo that moves to VRAM hands its purged tt to a ghost: WILLNEED
 * still reports the content lost (once), from the bo's own state.
 */
static void xe_shrinker_purged_moved_kunit(struct kunit *test)
{
	struct xe_device *xe = test->priv;
	struct ttm_shrinker *ts = &xe->mem.shrinker;
	struct ttm_shrinker_stats stats = {};
	struct ttm_operation_ctx ctx = {};
	struct xe_bo *bo;

	bo = xe_test_bo(test, ttm_bo_type_device, XE_PL_TT, true);
	xe_bo_set_purgeable(bo, true);
	xe_bo_unlock(bo);
	KUNIT_ASSERT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats),
			XE_SHRINKER_TEST_PAGES);

	xe_bo_lock(bo, false);
	xe_test_mover.copy_fence = dma_fence_get_stub();
	KUNIT_ASSERT_EQ(test, ttm_bo_validate(&bo->ttm,
					      xe_test_placement(XE_PL_VRAM0),
					      &ctx), 0);
	dma_fence_put(xe_test_mover.copy_fence);
	xe_test_mover.copy_fence = NULL;
	KUNIT_EXPECT_NULL(test, bo->ttm.ttm);
	KUNIT_EXPECT_FALSE_MSG(test, xe_bo_set_purgeable(bo, false),
			       "WILLNEED reports purged content retained");
	KUNIT_EXPECT_TRUE(test, xe_bo_set_purgeable(bo, false));
	xe_bo_unlock(bo);

	flush_workqueue(xe->ttm.wq);
	ttm_bo_put(&bo->ttm);
}

static struct kunit_case xe_shrinker_tests[] = {
	KUNIT_CASE(xe_vm_madvise_args_kunit),
	KUNIT_CASE(xe_vm_madvise_range_kunit),
	KUNIT_CASE(xe_vm_madvise_mmap_kunit),
	KUNIT_CASE(xe_shrinker_rules_kunit),
	KUNIT_CASE(xe_shrinker_lists_kunit),
	KUNIT_CASE(xe_shrinker_reclaim_kunit),
	KUNIT_CASE(xe_shrinker_ghost_kunit),
	KUNIT_CASE(xe_shrinker_zombie_kunit),
	KUNIT_CASE(xe_shrinker_deleted_kunit),
	KUNIT_CASE(xe_shrinker_ccs_kunit),
	KUNIT_CASE(xe_shrinker_suspended_kunit),
	KUNIT_CASE(xe_shrinker_d3cold_kunit),
	KUNIT_CASE(xe_shrinker_kernel_bo_kunit),
	KUNIT_CASE(xe_shrinker_purged_moved_kunit),
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
