// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A shmem file as backup storage for TTM pages: the copy of the page at index
 * i of a buffer lives at page i of the file, and reclaim (or an immediate
 * writeback) moves it to swap like any other shmem page.
 */

#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/shmem_fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/writeback.h>

#include <kunit/static_stub.h>

#include <drm/ttm/ttm_backup.h>

/*
 * A tt's backup: its shmem file, and what a backup or restore under way
 * keeps between calls. Folios written out at once are freed when their
 * writeback is done: @written
 * collects them; when it is full they become @inflight, and the folios
 * @inflight held before are freed then, their writes done a batch of copies
 * later. If they are not, and the backup may not wait for them (kswapd), or
 * not any longer (&ttm_backup.wait_until), the storage is behind and the
 * backup stops there (see ttm_backup_backup_page()). A flush leaves
 * what is still being written to LRU reclaim, which meets it first (see
 * release_written_folios()). @released counts the pages freed since the
 * last flush.
 */
struct ttm_backup {
	struct file *filp;
	/*
	 * Until when (in jiffies) the backup under way may wait for the
	 * copies it wrote out to reach their storage; 0: not at all (kswapd).
	 */
	unsigned long wait_until;
	struct folio_batch written;
	struct folio_batch inflight;
	unsigned long released;
	/*
	 * Copies dropped in a row are truncated together, up to
	 * SWAP_CLUSTER_MAX at a time: file pages [drop_start, drop_end).
	 */
	pgoff_t drop_start, drop_end;
	/* Copies are read back from swap ahead of their copy up to here. */
	pgoff_t readahead_end;
};

/*
 * How far ahead of the copy it restores a restore reads from swap: copies
 * are taken back in order, and reads started together go out together.
 */
#define TTM_BACKUP_SHMEM_READAHEAD 512

/* Handles are file page indices + 1, so that no handle is 0. */
static pgoff_t handle_to_index(unsigned long handle)
{
	return handle - 1;
}

/**
 * ttm_backup_set_deadline() - Bound the waits of the backup under way
 * @backup: The backup.
 * @until: Until when (in jiffies) ttm_backup_backup_page() and
 * ttm_backup_flush() may wait for the copies written out to reach swap;
 * 0 for not at all (kswapd must not wait for IO).
 */
void ttm_backup_set_deadline(struct ttm_backup *backup, unsigned long until)
{
	backup->wait_until = until;
}
EXPORT_SYMBOL_GPL(ttm_backup_set_deadline);

/* Whether the backup under way may wait for its writes now. */
static bool ttm_backup_may_wait(const struct ttm_backup *backup)
{
	return backup->wait_until && time_before(jiffies, backup->wait_until) &&
	       !fatal_signal_pending(current);
}

/* Free the copies dropped and not yet truncated. */
static void ttm_backup_truncate(struct ttm_backup *backup)
{
	if (backup->drop_end == backup->drop_start)
		return;
	shmem_truncate_range(file_inode(backup->filp),
			     (loff_t)backup->drop_start << PAGE_SHIFT,
			     ((loff_t)backup->drop_end << PAGE_SHIFT) - 1);
	backup->drop_start = 0;
	backup->drop_end = 0;
}

/**
 * ttm_backup_drop() - Release a backed-up copy
 * @backup: The backup.
 * @handle: The copy's handle, from ttm_backup_backup_page().
 *
 * The copy's memory (or swap) is freed at the latest by the next
 * ttm_backup_flush(): copies dropped in a row are freed together.
 */
void ttm_backup_drop(struct ttm_backup *backup, pgoff_t handle)
{
	pgoff_t idx = handle_to_index(handle);

	KUNIT_STATIC_STUB_REDIRECT(ttm_backup_drop, backup, handle);

	if (backup->drop_end == backup->drop_start ||
	    idx != backup->drop_end ||
	    backup->drop_end - backup->drop_start == SWAP_CLUSTER_MAX) {
		ttm_backup_truncate(backup);
		backup->drop_start = idx;
	}
	backup->drop_end = idx + 1;
}
EXPORT_SYMBOL_GPL(ttm_backup_drop);

/*
 * Before the copy at @idx is read back: start reading the copies up to
 * TTM_BACKUP_SHMEM_READAHEAD pages ahead from swap when @idx is outside the
 * window read ahead, or half-way through it, so that reads stay ahead.
 */
static void ttm_backup_readahead(struct ttm_backup *backup, pgoff_t idx)
{
	struct address_space *mapping = backup->filp->f_mapping;
	pgoff_t size = i_size_read(mapping->host) >> PAGE_SHIFT;
	pgoff_t start, end = min(idx + TTM_BACKUP_SHMEM_READAHEAD, size);

	if (idx >= backup->readahead_end ||
	    idx + TTM_BACKUP_SHMEM_READAHEAD < backup->readahead_end)
		start = idx;
	else if (idx + TTM_BACKUP_SHMEM_READAHEAD / 2 >= backup->readahead_end)
		start = backup->readahead_end;
	else
		return;
	/* Reading ahead may fail: the copy reads what is missing. */
	if (start < end)
		shmem_swapin_async(mapping, start, end - 1,
				   mapping_gfp_mask(mapping) | __GFP_NORETRY |
				   __GFP_NOWARN);
	backup->readahead_end = end;
}

/**
 * ttm_backup_copy_page() - Copy a backed-up page back into memory
 * @backup: The backup.
 * @dst: The page to copy into.
 * @handle: The copy's handle, from ttm_backup_backup_page(). The copy
 * stays stored until ttm_backup_drop().
 * @intr: Whether waits may be interrupted (shmem's swap-in waits are not).
 * @additional_gfp: Added to the file's allocation flags for what reading
 * the copy back from swap allocates, which is charged to the backup's
 * owner: with %__GFP_RETRY_MAYFAIL a charge that reclaim cannot make room
 * for fails, with %__GFP_NOFAIL too it goes past the owner's limit.
 *
 * Reads the copies that follow ahead from swap, as a restore takes them
 * back in order.
 *
 * Return: 0 on success, or a negative error code.
 */
int ttm_backup_copy_page(struct ttm_backup *backup, struct page *dst,
			 pgoff_t handle, bool intr, gfp_t additional_gfp)
{
	struct address_space *mapping = backup->filp->f_mapping;
	pgoff_t idx = handle_to_index(handle);
	struct folio *from;

	KUNIT_STATIC_STUB_REDIRECT(ttm_backup_copy_page, backup, dst, handle,
				   intr, additional_gfp);
	ttm_backup_readahead(backup, idx);
	from = shmem_read_folio_gfp(mapping, idx,
				    mapping_gfp_mask(mapping) | additional_gfp);
	if (IS_ERR(from))
		return PTR_ERR(from);

	copy_highpage(dst, folio_file_page(from, idx));
	folio_put(from);
	return 0;
}
EXPORT_SYMBOL_GPL(ttm_backup_copy_page);

/*
 * Start writing a locked, dirty shmem folio to swap, as reclaim would, and
 * unlock it. Return: whether it is being written.
 */
static bool ttm_backup_writeout(struct folio *folio)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = SWAP_CLUSTER_MAX,
		.range_start = 0,
		.range_end = LLONG_MAX,
		.for_reclaim = 1,
	};
	int ret;

	if (folio_mapped(folio) || !folio_clear_dirty_for_io(folio)) {
		folio_unlock(folio);
		return false;
	}
	folio_set_reclaim(folio);
	ret = shmem_writeout(folio, &wbc);
	if (!folio_test_writeback(folio))
		folio_clear_reclaim(folio);
	/* Not written (no swap, say): the folio stays dirty and locked. */
	if (ret == AOP_WRITEPAGE_ACTIVATE) {
		folio_unlock(folio);
		return false;
	}
	return !ret;
}

/*
 * Free the folios written out whose writes are done: those of @inflight, and
 * of @written too if @all. While the backup may wait, wait for @inflight's.
 */
static unsigned long ttm_backup_release(struct ttm_backup *backup, bool all)
{
	unsigned long released = release_written_folios(&backup->inflight);

	while (folio_batch_count(&backup->inflight) &&
	       ttm_backup_may_wait(backup)) {
		io_schedule_timeout(1);
		released += release_written_folios(&backup->inflight);
	}
	if (all) {
		swap(backup->written, backup->inflight);
		released += ttm_backup_release(backup, false);
	}
	return released;
}

/**
 * ttm_backup_backup_page() - Back up a copy of a page
 * @backup: The backup.
 * @page: The page to copy; the caller frees it once it has the handle.
 * @writeback: Start writing the copy to swap at once rather than leaving
 * it to reclaim; the caller's context must allow IO (%__GFP_IO).
 * @idx: The page's index in its buffer: the copy goes to that page of the
 * file.
 * @page_gfp: The flags @page was allocated with. Not used by the shmem
 * backup: a copy is always a page of its own.
 * @alloc_gfp: The flags for what the copy allocates (its shmem page).
 *
 * With @writeback, the copies written out are freed when their writes
 * are done, a batch at a time, and at ttm_backup_flush(). When the
 * storage is behind with the batch before and the backup may not wait for
 * it (kswapd, or past ttm_backup_set_deadline()), nothing is copied.
 *
 * Return: The copy's handle (never 0, at most BITS_PER_LONG - 1 bits),
 * -EAGAIN when the storage is behind, or another negative error code.
 */
s64 ttm_backup_backup_page(struct ttm_backup *backup, struct page *page,
			   bool writeback, pgoff_t idx, gfp_t page_gfp,
			   gfp_t alloc_gfp)
{
	struct address_space *mapping = backup->filp->f_mapping;
	struct folio *to;

	KUNIT_STATIC_STUB_REDIRECT(ttm_backup_backup_page, backup, page,
				   writeback, idx, page_gfp, alloc_gfp);

	/*
	 * Two batches in flight at most: when the older one is still being
	 * written and the backup may not wait (longer), the storage is
	 * behind: the backup stops here, and what it copied so far stays in
	 * memory until its writes are done, for LRU reclaim to free.
	 */
	if (writeback && !folio_batch_space(&backup->written)) {
		backup->released += ttm_backup_release(backup, false);
		if (folio_batch_count(&backup->inflight))
			return -EAGAIN;
		swap(backup->written, backup->inflight);
	}

	/* The page's previous copy, dropped, must not be taken for this one. */
	if (idx >= backup->drop_start && idx < backup->drop_end)
		ttm_backup_truncate(backup);
	to = shmem_read_folio_gfp(mapping, idx, alloc_gfp);
	if (IS_ERR(to))
		return PTR_ERR(to);

	/*
	 * Not marked accessed: a copy that stays in memory is the first thing
	 * LRU reclaim should take.
	 */
	folio_lock(to);
	folio_mark_dirty(to);
	copy_highpage(folio_file_page(to, idx), page);
	if (!writeback || folio_test_large(to)) {
		folio_unlock(to);
		folio_put(to);
	} else if (!ttm_backup_writeout(to)) {
		folio_put(to);
	} else {
		/* There is room: made above. */
		folio_batch_add(&backup->written, to);
	}

	return idx + 1;
}
EXPORT_SYMBOL_GPL(ttm_backup_backup_page);

/**
 * ttm_backup_flush() - Finish what the calls since the last flush started
 * @backup: The backup.
 *
 * Frees the copies written out at once that reached swap (waiting for the
 * others until the deadline at most, see ttm_backup_set_deadline(); the
 * rest is left to reclaim) and the copies dropped. Called when the backup
 * or the restore of a tt ends, and after its copies were dropped.
 *
 * Return: How many of the copies backed up since the last flush are no
 * longer in memory.
 */
unsigned long ttm_backup_flush(struct ttm_backup *backup)
{
	unsigned long released = backup->released;

	ttm_backup_truncate(backup);
	/* What is read ahead next starts afresh. */
	backup->readahead_end = 0;
	released += ttm_backup_release(backup, true);
	/* Still being written: LRU reclaim frees them when their writes end. */
	folios_put(&backup->inflight);
	folios_put(&backup->written);
	backup->released = 0;
	return released;
}
EXPORT_SYMBOL_GPL(ttm_backup_flush);

/**
 * ttm_backup_fini() - Release a backup and every copy it still stores
 * @backup: The backup.
 */
void ttm_backup_fini(struct ttm_backup *backup)
{
	/* Folios left unflushed hold references: drop them first. */
	folios_put(&backup->inflight);
	folios_put(&backup->written);
	fput(backup->filp);
	kfree(backup);
}
EXPORT_SYMBOL_GPL(ttm_backup_fini);

/**
 * ttm_backup_bytes_avail() - How much swap backups may still take
 *
 * Return: The bytes of swap that are free, system-wide. A memory cgroup's
 * own share may be smaller (memory.swap.max).
 */
u64 ttm_backup_bytes_avail(void)
{
	return (u64)max(get_nr_swap_pages(), 0L) << PAGE_SHIFT;
}
EXPORT_SYMBOL_GPL(ttm_backup_bytes_avail);

/**
 * ttm_backup_shmem_create() - Create the shmem backup of a buffer
 * @size: The size in bytes of the buffer it backs up.
 *
 * The file is an internal shmem file of @size bytes: pages backed up into
 * it are shmem pages, reclaimed to swap. If shmem hands out huge folios,
 * each handle still names one page of them.
 *
 * Return: The backup, or an ERR_PTR() on failure.
 */
struct ttm_backup *ttm_backup_shmem_create(loff_t size)
{
	struct ttm_backup *backup;
	struct file *filp;

	/* Zeroed: empty batches, nothing dropped or read ahead. */
	backup = kzalloc(sizeof(*backup), GFP_KERNEL);
	if (!backup)
		return ERR_PTR(-ENOMEM);

	/*
	 * Often created from reclaim: no up-front commit of @size, the file's
	 * pages are accounted one by one as they are backed up.
	 */
	filp = shmem_file_setup("ttm shmem backup", size, VM_NORESERVE);
	if (IS_ERR(filp)) {
		kfree(backup);
		return ERR_CAST(filp);
	}

	backup->filp = filp;
	return backup;
}
EXPORT_SYMBOL_GPL(ttm_backup_shmem_create);
