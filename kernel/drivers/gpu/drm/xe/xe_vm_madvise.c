// SPDX-License-Identifier: MIT
/*
 * DRM_IOCTL_XE_MADVISE: attributes of a VM's address range, with upstream
 * Linux 7.1's UAPI. 6.12's VMAs have no attributes, so only the one that
 * lives on the bo is implemented: the purgeable state
 * (DRM_XE_VMA_ATTR_PURGEABLE_STATE), applied to the bos bound in the range
 * on top of xe_bo_set_purgeable() and TTM's shrinker.
 *
 * Upstream splits the VMAs at the ends of the range and keeps a state per
 * VMA; a bo becomes purgeable once all of its VMAs are DONTNEED. Without
 * per-VMA state, the same rule reads: DONTNEED marks a bo whose every
 * binding, in every VM, lies inside the range (or one already DONTNEED);
 * WILLNEED unmarks every bo with a binding that overlaps it. A bo is thus
 * never made purgeable while userspace may still use part of it.
 */

#include "xe_vm_madvise.h"

#include <linux/uaccess.h>

#include <drm/drm_exec.h>
#include <uapi/drm/xe_drm.h>

#include "xe_bo.h"
#include "xe_device.h"
#include "xe_macros.h"
#include "xe_vm.h"

/**
 * xe_vm_madvise_check_args() - Check the arguments of the madvise ioctl
 * @xe: The device.
 * @args: The ioctl's arguments.
 *
 * Return: 0 if the arguments are well-formed and name the purgeable state,
 * -EINVAL otherwise (any other attribute type included).
 */
int xe_vm_madvise_check_args(struct xe_device *xe,
			     const struct drm_xe_madvise *args)
{
	u32 val = args->purge_state_val.val;

	if (XE_IOCTL_DBG(xe, args->extensions) ||
	    XE_IOCTL_DBG(xe, args->reserved[0] || args->reserved[1]))
		return -EINVAL;

	if (XE_IOCTL_DBG(xe, !IS_ALIGNED(args->start, SZ_4K)) ||
	    XE_IOCTL_DBG(xe, !IS_ALIGNED(args->range, SZ_4K)) ||
	    XE_IOCTL_DBG(xe, args->range < SZ_4K))
		return -EINVAL;

	/* The other attributes need per-VMA state 6.12 does not have. */
	if (XE_IOCTL_DBG(xe, args->type != DRM_XE_VMA_ATTR_PURGEABLE_STATE))
		return -EINVAL;

	if (XE_IOCTL_DBG(xe, val != DRM_XE_VMA_PURGEABLE_STATE_WILLNEED &&
			 val != DRM_XE_VMA_PURGEABLE_STATE_DONTNEED) ||
	    XE_IOCTL_DBG(xe, args->purge_state_val.pad))
		return -EINVAL;

	return 0;
}

/*
 * Whether DONTNEED may mark @bo: not shared through dma-buf (the importer
 * or exporter still uses the pages), not pinned, and every binding of it
 * inside [@start, @end) of @vm. The bo's lock protects its list of VMAs.
 */
static bool xe_bo_may_purge(struct xe_bo *bo, struct xe_vm *vm, u64 start,
			    u64 end)
{
	struct drm_gem_object *obj = &bo->ttm.base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *gpuva;

	xe_bo_assert_held(bo);

	if (obj->import_attach || obj->dma_buf || xe_bo_is_pinned(bo))
		return false;
	if (bo->purgeable)
		return true;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		drm_gpuvm_bo_for_each_va(gpuva, vm_bo) {
			struct xe_vma *vma = gpuva_to_vma(gpuva);

			if (xe_vma_vm(vma) != vm || xe_vma_start(vma) < start ||
			    xe_vma_end(vma) > end)
				return false;
		}
	}
	return true;
}

/**
 * xe_vm_madvise_purgeable() - Set the purgeable state of a range's bos
 * @vm: The VM, its lock held.
 * @start: Start of the range, in the VM's (non-canonical) addresses.
 * @end: End of the range, exclusive.
 * @dontneed: %true for DONTNEED, %false for WILLNEED.
 * @retained: Set to whether the content of every bo bound in the range was
 * retained.
 *
 * Locks the bos bound in the range and marks them as the file header says.
 *
 * Return: 0, -EINTR if interrupted while waiting for a bo's lock, or
 * -ENOMEM.
 */
int xe_vm_madvise_purgeable(struct xe_vm *vm, u64 start, u64 end,
			    bool dontneed, bool *retained)
{
	struct drm_gpuva *gpuva;
	struct drm_exec exec;
	int err = 0;

	lockdep_assert_held(&vm->lock);

	*retained = true;
	drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES |
		      DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(&exec) {
		drm_gpuvm_for_each_va_range(gpuva, &vm->gpuvm, start, end) {
			struct xe_bo *bo = xe_vma_bo(gpuva_to_vma(gpuva));

			if (!bo)
				continue;
			err = drm_exec_lock_obj(&exec, &bo->ttm.base);
			drm_exec_retry_on_contention(&exec);
			if (err)
				goto out;
		}
	}

	drm_gpuvm_for_each_va_range(gpuva, &vm->gpuvm, start, end) {
		struct xe_bo *bo = xe_vma_bo(gpuva_to_vma(gpuva));

		if (!bo || (dontneed && !xe_bo_may_purge(bo, vm, start, end)))
			continue;
		if (!xe_bo_set_purgeable(bo, dontneed))
			*retained = false;
	}
out:
	drm_exec_fini(&exec);
	return err;
}

/**
 * xe_vm_madvise_ioctl() - Set an attribute of a VM's address range
 * @dev: The DRM device.
 * @data: The ioctl's arguments, struct drm_xe_madvise.
 * @file: The DRM file the VM belongs to.
 *
 * Only %DRM_XE_VMA_ATTR_PURGEABLE_STATE is implemented; see struct
 * drm_xe_madvise.
 *
 * Return: 0 on success, -EINVAL on bad arguments, an unknown VM or a range
 * outside it or a retained value not 0, -ENOENT on a closed or banned VM,
 * -EFAULT when the retained value cannot be read or written, -EINTR if
 * interrupted.
 */
int xe_vm_madvise_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct xe_device *xe = to_xe_device(dev);
	struct drm_xe_madvise *args = data;
	u32 __user *retained_ptr =
		u64_to_user_ptr(args->purge_state_val.retained_ptr);
	bool retained;
	struct xe_vm *vm;
	u64 start;
	int err;

	vm = xe_vm_lookup(to_xe_file(file), args->vm_id);
	if (XE_IOCTL_DBG(xe, !vm))
		return -EINVAL;

	err = xe_vm_madvise_check_args(xe, args);
	if (err)
		goto put_vm;

	/* Userspace sets it to 0, so that "not retained" is the default. */
	if (retained_ptr) {
		u32 val;

		if (get_user(val, retained_ptr)) {
			err = -EFAULT;
			goto put_vm;
		}
		if (XE_IOCTL_DBG(xe, val)) {
			err = -EINVAL;
			goto put_vm;
		}
	}

	start = xe_device_uncanonicalize_addr(xe, args->start);
	if (XE_IOCTL_DBG(xe, args->range > vm->size ||
			 start > vm->size - args->range)) {
		err = -EINVAL;
		goto put_vm;
	}

	err = down_read_killable(&vm->lock);
	if (err)
		goto put_vm;
	if (XE_IOCTL_DBG(xe, xe_vm_is_closed_or_banned(vm)))
		err = -ENOENT;
	else
		err = xe_vm_madvise_purgeable(vm, start, start + args->range,
					      args->purge_state_val.val ==
					      DRM_XE_VMA_PURGEABLE_STATE_DONTNEED,
					      &retained);
	up_read(&vm->lock);

	/* Written with no lock held: the page may fault. */
	if (!err && retained_ptr && put_user(retained, retained_ptr))
		err = -EFAULT;
put_vm:
	xe_vm_put(vm);
	return err;
}
