/* SPDX-License-Identifier: MIT */
/*
 * DRM_IOCTL_XE_MADVISE: attributes of a VM's address range (upstream 7.1's
 * UAPI; the purgeable state only).
 */
#ifndef _XE_VM_MADVISE_H_
#define _XE_VM_MADVISE_H_

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct drm_xe_madvise;
struct xe_device;
struct xe_vm;

int xe_vm_madvise_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file);
int xe_vm_madvise_check_args(struct xe_device *xe,
			     const struct drm_xe_madvise *args);
int xe_vm_madvise_purgeable(struct xe_vm *vm, u64 start, u64 end,
			    bool dontneed, bool *retained);

#endif
