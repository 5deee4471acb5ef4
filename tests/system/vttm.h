/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the system tests of the virtual TTM device (vttm): find and
 * open it, and create, fill, verify, mark and destroy its buffer objects.
 *
 * The functions named *_raw and vttm_try_*() return 0 or the errno of the
 * failing ioctl; the others fail the test on any error.
 */
#ifndef GPUMEM_VTTM_H
#define GPUMEM_VTTM_H

#include <stdbool.h>
#include <stdint.h>

#include "drm/vttm_drm.h"

/*
 * A buffer object and the content it must have: the pattern of @seed, or
 * zeroes when @seed is 0 (as after creation or a purge).
 */
struct vttm_bo {
	uint32_t handle;
	uint64_t size;
	uint64_t seed;
};

/* Load the vttm module unless it is loaded, and find its DRM card. */
void vttm_load(void);
/* Open vttm's card (vttm_load() first). */
int vttm_open(void);
/*
 * Touch the memory the helpers use (their buffers, some stack), so that
 * fills and verifies allocate nothing in the calling process. A process that
 * entered a cgroup calls this before taking a baseline of its memory.current.
 */
void vttm_prefault(void);

int vttm_create_raw(int fd, uint64_t size, uint32_t flags, uint32_t *handle);
/* Create a buffer object of SIZE bytes; its content is zeroes (seed 0). */
void vttm_create(int fd, struct vttm_bo *bo, uint64_t size);
/*
 * The same with DRM_VTTM_CREATE_VRAM: in VRAM, or in system memory where
 * VRAM has no room for it even by eviction.
 */
void vttm_create_vram(int fd, struct vttm_bo *bo, uint64_t size);
int vttm_close_raw(int fd, uint32_t handle);
void vttm_close(int fd, struct vttm_bo *bo);
/* Destroy N buffer objects. */
void vttm_close_all(int fd, struct vttm_bo *bos, int n);

int vttm_pwrite_raw(int fd, uint32_t handle, uint64_t offset, const void *data,
		    uint64_t size);
int vttm_pread_raw(int fd, uint32_t handle, uint64_t offset, void *data,
		   uint64_t size);

/* A fresh seed, never 0, distinct from every other of this test run. */
uint64_t vttm_new_seed(void);
/*
 * Write the pattern of SEED over the whole buffer object; on success it
 * becomes BO's seed. On failure, the content is undefined.
 */
int vttm_try_fill(int fd, struct vttm_bo *bo, uint64_t seed);
/* vttm_try_fill() with a fresh seed, failing the test on any error. */
void vttm_fill(int fd, struct vttm_bo *bo);
/*
 * Read the whole buffer object back; fail the test (naming WHAT) at the
 * first byte that differs from BO's seed. Returns the errno of a failed read.
 */
int vttm_try_verify(int fd, const struct vttm_bo *bo, const char *what);
void vttm_verify(int fd, const struct vttm_bo *bo, const char *what);

/* Map buffer object BO of FD with PROT (PROT_READ, ...). */
void *vttm_map(int fd, const struct vttm_bo *bo, int prot);
/* vttm_verify() through MAP, a mapping of BO: a refused fault is SIGBUS. */
void vttm_verify_mapped(const struct vttm_bo *bo, const void *map,
			const char *what);

int vttm_madvise_raw(int fd, uint32_t handle, uint32_t madv, uint32_t *retained);
/* Mark the buffer object; return "retained". */
uint32_t vttm_madvise(int fd, const struct vttm_bo *bo, uint32_t madv);

int vttm_info_raw(int fd, uint32_t handle, struct drm_vttm_bo_info *info);
void vttm_info(int fd, const struct vttm_bo *bo, struct drm_vttm_bo_info *info);
/*
 * Fail the test (naming WHAT) unless BO_INFO says FLAGS, RESIDENT bytes in
 * memory and nothing backed up.
 */
void vttm_expect_info(int fd, const struct vttm_bo *bo, const char *what,
		      uint32_t flags, uint64_t resident);

/* Create N buffer objects of SIZE bytes each and fill each with a fresh seed. */
void vttm_create_filled(int fd, struct vttm_bo *bos, int n, uint64_t size);
/*
 * The same, by a child in cgroup CG (BOS must be shared memory): CG's gpu is
 * then N * SIZE bytes.
 */
void vttm_create_filled_in(const char *cg, int fd, struct vttm_bo *bos, int n,
			   uint64_t size);
/* The same, each then marked DONTNEED (and checked retained so far). */
void vttm_create_purgeable(int fd, struct vttm_bo *bos, int n, uint64_t size);

#endif
