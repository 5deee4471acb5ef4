/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Backup storage for the system pages of TTM buffer objects.
 */
#ifndef _TTM_BACKUP_H_
#define _TTM_BACKUP_H_

#include <linux/bug.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include <linux/mm_types.h>
#include <linux/types.h>

struct ttm_backup;

/**
 * ttm_backup_handle_to_page_ptr() - Encode a backup handle as a page pointer
 * @handle: A handle returned by &ttm_backup_ops.backup_page.
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

/**
 * struct ttm_backup_ops - A backend for graphics memory backup
 *
 * A backend stores copies of pages and gives a handle for each. Handles are
 * never 0 and fit in BITS_PER_LONG - 1 bits.
 */
struct ttm_backup_ops {
	/**
	 * @backup_page: Store a copy of @page at index @idx of the buffer.
	 * If @writeback is true, start writing the copy to its final storage
	 * (for shmem: swap) at once rather than leaving that to reclaim.
	 * Allocations use @gfp. Returns the handle, -EAGAIN without copying
	 * when the storage is behind with the copies written out before
	 * (nothing waits for it), or another negative error code.
	 */
	s64 (*backup_page)(struct ttm_backup *backup, struct page *page,
			   bool writeback, pgoff_t idx, gfp_t gfp);
	/**
	 * @copy_backed_up_page: Copy the content stored under @handle into
	 * @dst; the copy stays stored. Waits are interruptible if @intr.
	 * What reading the copy allocates (a read from swap, charged to the
	 * owner) is allocated with the backend's flags and @gfp: with
	 * %__GFP_RETRY_MAYFAIL a charge that reclaim cannot make room for
	 * fails, with %__GFP_NOFAIL too it goes past the owner's limit.
	 * Returns 0 or a negative error code.
	 */
	int (*copy_backed_up_page)(struct ttm_backup *backup, struct page *dst,
				   unsigned long handle, bool intr, gfp_t gfp);
	/**
	 * @flush: Optional. Finish what the calls since the last flush
	 * started: free the memory of the copies written out at once that
	 * reached their final storage (waiting for the others until
	 * &ttm_backup.wait_until at most; the rest is left to reclaim); free
	 * the copies dropped. Returns how many of the copies backed up are no
	 * longer in memory. Called when the backup or the restore of a tt
	 * ends, and after its copies were dropped.
	 */
	unsigned long (*flush)(struct ttm_backup *backup);
	/**
	 * @drop: Release the copy stored under @handle. The backend may free
	 * its memory only at the next @flush.
	 */
	void (*drop)(struct ttm_backup *backup, unsigned long handle);
	/** @fini: Release the backend and every copy it still stores. */
	void (*fini)(struct ttm_backup *backup);
};

/**
 * struct ttm_backup - Base class of graphics memory backup backends
 * @ops: The backend's operations.
 * @wait_until: Set by ttm_pool_backup() for the backup under way: until
 * when (in jiffies) the backend may wait for the copies it wrote out to
 * reach their storage; 0 when it must not wait at all (kswapd).
 */
struct ttm_backup {
	const struct ttm_backup_ops *ops;
	unsigned long wait_until;
};

/**
 * ttm_backup_may_wait() - Whether a backend may wait for its writes now
 * @backup: The backend.
 *
 * Return: true before &ttm_backup.wait_until, if set, and without a fatal
 * signal pending.
 */
static inline bool ttm_backup_may_wait(const struct ttm_backup *backup)
{
	return backup->wait_until && time_before(jiffies, backup->wait_until) &&
	       !fatal_signal_pending(current);
}

/*
 * The longest one backup (one call of ttm_pool_backup()) that may wait waits
 * for its writes in all: a storage that stalls costs a reclaimer that much.
 */
#define TTM_BACKUP_WAIT_MS 100

struct ttm_backup *ttm_backup_shmem_create(loff_t size);

#endif
