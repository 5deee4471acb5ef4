/* SPDX-License-Identifier: MIT */
/*
 * The virtual TTM device: a test device without hardware whose buffer
 * objects live in system memory and go through TTM's page pool, backup,
 * shrinker and memory cgroup accounting exactly like a GPU driver's.
 */
#ifndef _UAPI_VTTM_DRM_H_
#define _UAPI_VTTM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VTTM_BO_CREATE		0x00
#define DRM_VTTM_BO_PWRITE		0x01
#define DRM_VTTM_BO_PREAD		0x02
#define DRM_VTTM_BO_MADVISE		0x03
#define DRM_VTTM_BO_INFO		0x04
#define DRM_VTTM_BO_MMAP_OFFSET		0x05

#define DRM_IOCTL_VTTM_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_CREATE, struct drm_vttm_bo_create)
#define DRM_IOCTL_VTTM_BO_PWRITE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VTTM_BO_PWRITE, struct drm_vttm_bo_rw)
#define DRM_IOCTL_VTTM_BO_PREAD \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VTTM_BO_PREAD, struct drm_vttm_bo_rw)
#define DRM_IOCTL_VTTM_BO_MADVISE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_MADVISE, struct drm_vttm_bo_madvise)
#define DRM_IOCTL_VTTM_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_INFO, struct drm_vttm_bo_info)
#define DRM_IOCTL_VTTM_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_MMAP_OFFSET, struct drm_vttm_bo_mmap_offset)

/* &drm_vttm_bo_create.flags: place the buffer object in VRAM. */
#define DRM_VTTM_CREATE_VRAM	(1 << 0)

/**
 * struct drm_vttm_bo_create - Input and output of &DRM_IOCTL_VTTM_BO_CREATE
 *
 * Creates a buffer object of @size bytes. It has no pages until it is first
 * written, read or faulted in; its pages are then charged to the memory
 * cgroup of the task that created it, for as long as they are resident.
 * Destroy it with &DRM_IOCTL_GEM_CLOSE.
 *
 * With %DRM_VTTM_CREATE_VRAM, the buffer object is placed in the device's
 * VRAM instead (module parameter vram_size), and counts as VRAM of its
 * creator's cgroup, not as its memory. It can be read and written; it
 * cannot be mapped or marked purgeable while in VRAM (-EINVAL, SIGBUS on a
 * fault). When VRAM is full, or the creator's cgroup is at its VRAM limit
 * (gpumem's vram-max), creating one evicts others (only buffer objects of
 * the limited cgroup's subtree, in the second case) to system memory,
 * where they become ordinary buffer objects of their creators with their
 * content; when that cannot make room, the new one is created in system
 * memory. A buffer object never moves back into VRAM.
 */
struct drm_vttm_bo_create {
	/**
	 * @size: Size in bytes, a non-zero multiple of the page size, no
	 * larger than the system's memory.
	 */
	__u64 size;
	/** @flags: 0 or %DRM_VTTM_CREATE_VRAM. */
	__u32 flags;
	/** @handle: Output: the handle of the new buffer object. */
	__u32 handle;
};

/**
 * struct drm_vttm_bo_rw - Input of &DRM_IOCTL_VTTM_BO_PWRITE and
 * &DRM_IOCTL_VTTM_BO_PREAD
 *
 * Copies @size bytes between the buffer object at @offset and user memory
 * at @data_ptr. The buffer object's pages are made resident first (restored
 * from backup if they were backed up); if that needs memory its owner's
 * memory cgroup cannot give, the ioctl fails with -ENOMEM. The copy goes in
 * chunks of 64 KiB, between which reclaim may back the buffer object up
 * again: a write that fails may have been done in part, but no content is
 * ever lost.
 */
struct drm_vttm_bo_rw {
	/** @handle: The buffer object. */
	__u32 handle;
	/** @pad: MBZ */
	__u32 pad;
	/** @offset: Offset in bytes into the buffer object. */
	__u64 offset;
	/** @size: Number of bytes; @offset + @size must not exceed its size. */
	__u64 size;
	/** @data_ptr: User address of the data. */
	__u64 data_ptr;
};

#define DRM_VTTM_MADV_WILLNEED	0
#define DRM_VTTM_MADV_DONTNEED	1

/**
 * struct drm_vttm_bo_madvise - Input and output of &DRM_IOCTL_VTTM_BO_MADVISE
 *
 * Under memory pressure, the pages of a buffer object marked
 * %DRM_VTTM_MADV_DONTNEED are dropped rather than backed up. Marking it
 * %DRM_VTTM_MADV_WILLNEED again reports in @retained whether its content
 * survived; when it did not, the buffer object reads as zeroes.
 */
struct drm_vttm_bo_madvise {
	/** @handle: The buffer object. */
	__u32 handle;
	/** @madv: %DRM_VTTM_MADV_WILLNEED or %DRM_VTTM_MADV_DONTNEED */
	__u32 madv;
	/**
	 * @retained: Output: 1 if the content has been retained since the
	 * buffer object was last marked %DRM_VTTM_MADV_WILLNEED (or created),
	 * 0 if it was dropped.
	 */
	__u32 retained;
	/** @pad: MBZ */
	__u32 pad;
};

/* The content of the buffer object may be dropped under pressure. */
#define DRM_VTTM_BO_PURGEABLE	(1 << 0)
/* The content was dropped; cleared by marking it willneed. */
#define DRM_VTTM_BO_PURGED	(1 << 1)
/* &drm_vttm_bo_info.flags: the buffer object is in VRAM. */
#define DRM_VTTM_BO_VRAM	(1 << 2)

/**
 * struct drm_vttm_bo_info - Input and output of &DRM_IOCTL_VTTM_BO_INFO
 *
 * The device's own view of a buffer object's memory.
 */
struct drm_vttm_bo_info {
	/** @handle: The buffer object. */
	__u32 handle;
	/**
	 * @flags: Output: %DRM_VTTM_BO_PURGEABLE, %DRM_VTTM_BO_PURGED,
	 * %DRM_VTTM_BO_VRAM.
	 */
	__u32 flags;
	/** @size: Output: size in bytes. */
	__u64 size;
	/** @resident: Output: bytes resident in system memory. */
	__u64 resident;
	/** @backed_up: Output: bytes held in backup (shmem or swap). */
	__u64 backed_up;
	/**
	 * @owner_cgroup_id: Output: the cgroup v2 id of the memory cgroup the
	 * pages are charged to (after reparenting, the nearest live ancestor
	 * of the creator's), 0 when they are not charged.
	 */
	__u64 owner_cgroup_id;
	/**
	 * @resident_2m: Output: of @resident, the bytes in physically
	 * contiguous, aligned blocks of 2 MiB (what a GPU maps with one
	 * entry).
	 */
	__u64 resident_2m;
};

/**
 * struct drm_vttm_bo_mmap_offset - Input and output of
 * &DRM_IOCTL_VTTM_BO_MMAP_OFFSET
 *
 * A CPU fault on a mapping of a buffer object makes its pages resident; if
 * its owner's memory cgroup cannot give the memory, the faulting task gets
 * SIGBUS.
 */
struct drm_vttm_bo_mmap_offset {
	/** @handle: The buffer object. */
	__u32 handle;
	/** @pad: MBZ */
	__u32 pad;
	/** @offset: Output: the offset to pass to mmap() on the device. */
	__u64 offset;
};

#if defined(__cplusplus)
}
#endif

#endif
