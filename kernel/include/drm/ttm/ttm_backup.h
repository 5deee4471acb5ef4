/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Backup storage for the system pages of TTM buffer objects: a shmem file
 * per tt, whose pages reclaim writes to swap.
 */
#ifndef _TTM_BACKUP_H_
#define _TTM_BACKUP_H_

#include <linux/bug.h>
#include <linux/gfp_types.h>
#include <linux/mm_types.h>
#include <linux/types.h>

struct ttm_backup;

/**
 * ttm_backup_handle_to_page_ptr() - Encode a backup handle as a page pointer
 * @handle: A handle returned by ttm_backup_backup_page().
 *
 * A backed-up page's handle is stored in the &ttm_tt.pages entry of the page
 * it replaces, so that backing up needs no memory per page. Page pointers are
 * at least word aligned, so bit 0 tells handles from pages.
 *
 * Return: The value to store in place of the page pointer.
 */
static inline struct page *ttm_backup_handle_to_page_ptr(unsigned long handle)
{
	return (struct page *)(handle << 1 | 1);
}

/**
 * ttm_backup_page_ptr_is_handle() - Whether a page pointer holds a handle
 * @page: An entry of &ttm_tt.pages.
 *
 * Return: true if @page encodes a backup handle, false if it is a page.
 */
static inline bool ttm_backup_page_ptr_is_handle(const struct page *page)
{
	return (unsigned long)page & 1;
}

/**
 * ttm_backup_page_ptr_to_handle() - Decode a backup handle
 * @page: An entry of &ttm_tt.pages that encodes a handle.
 *
 * Return: The handle.
 */
static inline unsigned long ttm_backup_page_ptr_to_handle(const struct page *page)
{
	WARN_ON(!ttm_backup_page_ptr_is_handle(page));
	return (unsigned long)page >> 1;
}

/*
 * The longest one backup (one call of ttm_pool_backup()) that may wait waits
 * for its writes in all: a storage that stalls costs a reclaimer that much.
 */
#define TTM_BACKUP_WAIT_MS 100

void ttm_backup_drop(struct ttm_backup *backup, pgoff_t handle);
int ttm_backup_copy_page(struct ttm_backup *backup, struct page *dst,
			 pgoff_t handle, bool intr, gfp_t additional_gfp);
s64 ttm_backup_backup_page(struct ttm_backup *backup, struct page *page,
			   bool writeback, pgoff_t idx, gfp_t page_gfp,
			   gfp_t alloc_gfp);
void ttm_backup_fini(struct ttm_backup *backup);
u64 ttm_backup_bytes_avail(void);
struct ttm_backup *ttm_backup_shmem_create(loff_t size);

/* gpumem: batched writes, bounded waits. */
unsigned long ttm_backup_flush(struct ttm_backup *backup);
void ttm_backup_set_deadline(struct ttm_backup *backup, unsigned long until);

#endif
