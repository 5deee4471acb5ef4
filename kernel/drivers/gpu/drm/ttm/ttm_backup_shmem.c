// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A shmem file as backup storage for TTM pages: the copy of the page at index
 * i of a buffer lives at page i of the file, and reclaim (or an immediate
 * writeback) moves it to swap like any other shmem page.
 */

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/shmem_fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/writeback.h>

#include <drm/ttm/ttm_backup.h>

/*
 * Folios written out at once are freed when their writeback is done: @written
 * collects them; when it is full they become @inflight, and the folios
 * @inflight held before are freed then, their writes done a batch of copies
 * later. If they are not, and the backup may not wait for them (kswapd), or
 * not any longer (&ttm_backup.wait_until), the storage is behind and the
 * backup stops there (see ttm_backup_shmem_backup_page()). A flush leaves
 * what is still being written to LRU reclaim, which meets it first (see
 * release_written_folios()). @released counts the pages freed since the
 * last flush.
 */
struct ttm_backup_shmem {
	struct ttm_backup backup;
	struct file *filp;
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

static struct ttm_backup_shmem *to_backup_shmem(struct ttm_backup *backup)
{
	return container_of(backup, struct ttm_backup_shmem, backup);
}

/* Handles are file page indices + 1, so that no handle is 0. */
static pgoff_t handle_to_index(unsigned long handle)
{
	return handle - 1;
}

/* Free the copies dropped and not yet truncated. */
static void ttm_backup_shmem_truncate(struct ttm_backup_shmem *sbackup)
{
	if (sbackup->drop_end == sbackup->drop_start)
		return;
	shmem_truncate_range(file_inode(sbackup->filp),
			     (loff_t)sbackup->drop_start << PAGE_SHIFT,
			     ((loff_t)sbackup->drop_end << PAGE_SHIFT) - 1);
	sbackup->drop_start = 0;
	sbackup->drop_end = 0;
}

static void ttm_backup_shmem_drop(struct ttm_backup *backup, unsigned long handle)
{
	struct ttm_backup_shmem *sbackup = to_backup_shmem(backup);
	pgoff_t idx = handle_to_index(handle);

	if (sbackup->drop_end == sbackup->drop_start ||
	    idx != sbackup->drop_end ||
	    sbackup->drop_end - sbackup->drop_start == SWAP_CLUSTER_MAX) {
		ttm_backup_shmem_truncate(sbackup);
		sbackup->drop_start = idx;
	}
	sbackup->drop_end = idx + 1;
}

/*
 * Before the copy at @idx is read back: start reading the copies up to
 * TTM_BACKUP_SHMEM_READAHEAD pages ahead from swap when @idx is outside the
 * window read ahead, or half-way through it, so that reads stay ahead.
 */
static void ttm_backup_shmem_readahead(struct ttm_backup_shmem *sbackup,
				       pgoff_t idx)
{
	struct address_space *mapping = sbackup->filp->f_mapping;
	pgoff_t size = i_size_read(mapping->host) >> PAGE_SHIFT;
	pgoff_t start, end = min(idx + TTM_BACKUP_SHMEM_READAHEAD, size);

	if (idx >= sbackup->readahead_end ||
	    idx + TTM_BACKUP_SHMEM_READAHEAD < sbackup->readahead_end)
		start = idx;
	else if (idx + TTM_BACKUP_SHMEM_READAHEAD / 2 >= sbackup->readahead_end)
		start = sbackup->readahead_end;
	else
		return;
	/* Reading ahead may fail: the copy reads what is missing. */
	if (start < end)
		shmem_swapin_async(mapping, start, end - 1,
				   mapping_gfp_mask(mapping) | __GFP_NORETRY |
				   __GFP_NOWARN);
	sbackup->readahead_end = end;
}

static int ttm_backup_shmem_copy_page(struct ttm_backup *backup,
				      struct page *dst, unsigned long handle,
				      bool intr, gfp_t gfp)
{
	struct ttm_backup_shmem *sbackup = to_backup_shmem(backup);
	struct address_space *mapping = sbackup->filp->f_mapping;
	pgoff_t idx = handle_to_index(handle);
	struct folio *from;

	ttm_backup_shmem_readahead(sbackup, idx);
	/* shmem waits for swap-in uninterruptibly; @intr cannot help here. */
	from = shmem_read_folio_gfp(mapping, idx, mapping_gfp_mask(mapping) | gfp);
	if (IS_ERR(from))
		return PTR_ERR(from);

	copy_highpage(dst, folio_file_page(from, idx));
	folio_put(from);
	return 0;
}

/*
 * Start writing a locked, dirty shmem folio to swap, as reclaim would, and
 * unlock it. Return: whether it is being written.
 */
static bool ttm_backup_shmem_writeback(struct folio *folio, pgoff_t idx)
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
	ret = folio->mapping->a_ops->writepage(folio_file_page(folio, idx), &wbc);
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
static unsigned long ttm_backup_shmem_release(struct ttm_backup_shmem *sbackup,
					      bool all)
{
	unsigned long released = release_written_folios(&sbackup->inflight);

	while (folio_batch_count(&sbackup->inflight) &&
	       ttm_backup_may_wait(&sbackup->backup)) {
		io_schedule_timeout(1);
		released += release_written_folios(&sbackup->inflight);
	}
	if (all) {
		swap(sbackup->written, sbackup->inflight);
		released += ttm_backup_shmem_release(sbackup, false);
	}
	return released;
}

static s64 ttm_backup_shmem_backup_page(struct ttm_backup *backup,
					struct page *page, bool writeback,
					pgoff_t idx, gfp_t gfp)
{
	struct ttm_backup_shmem *sbackup = to_backup_shmem(backup);
	struct address_space *mapping = sbackup->filp->f_mapping;
	struct folio *to;

	/*
	 * Two batches in flight at most: when the older one is still being
	 * written and the backup may not wait (longer), the storage is
	 * behind: the backup stops here, and what it copied so far stays in
	 * memory until its writes are done, for LRU reclaim to free.
	 */
	if (writeback && !folio_batch_space(&sbackup->written)) {
		sbackup->released += ttm_backup_shmem_release(sbackup, false);
		if (folio_batch_count(&sbackup->inflight))
			return -EAGAIN;
		swap(sbackup->written, sbackup->inflight);
	}

	/* The page's previous copy, dropped, must not be taken for this one. */
	if (idx >= sbackup->drop_start && idx < sbackup->drop_end)
		ttm_backup_shmem_truncate(sbackup);
	to = shmem_read_folio_gfp(mapping, idx, gfp);
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
	} else if (!ttm_backup_shmem_writeback(to, idx)) {
		folio_put(to);
	} else {
		/* There is room: made above. */
		folio_batch_add(&sbackup->written, to);
	}

	return idx + 1;
}

static unsigned long ttm_backup_shmem_flush(struct ttm_backup *backup)
{
	struct ttm_backup_shmem *sbackup = to_backup_shmem(backup);
	unsigned long released = sbackup->released;

	ttm_backup_shmem_truncate(sbackup);
	/* What is read ahead next starts afresh. */
	sbackup->readahead_end = 0;
	released += ttm_backup_shmem_release(sbackup, true);
	/* Still being written: LRU reclaim frees them when their writes end. */
	folios_put(&sbackup->inflight);
	folios_put(&sbackup->written);
	sbackup->released = 0;
	return released;
}

static void ttm_backup_shmem_fini(struct ttm_backup *backup)
{
	struct ttm_backup_shmem *sbackup = to_backup_shmem(backup);

	/* Folios left unflushed hold references: drop them first. */
	folios_put(&sbackup->inflight);
	folios_put(&sbackup->written);
	fput(sbackup->filp);
	kfree(sbackup);
}

static const struct ttm_backup_ops ttm_backup_shmem_ops = {
	.backup_page = ttm_backup_shmem_backup_page,
	.copy_backed_up_page = ttm_backup_shmem_copy_page,
	.flush = ttm_backup_shmem_flush,
	.drop = ttm_backup_shmem_drop,
	.fini = ttm_backup_shmem_fini,
};

/**
 * ttm_backup_shmem_create() - Create a shmem-file backup backend
 * @size: The size in bytes of the buffer it backs up.
 *
 * The file is an internal shmem file of @size bytes: pages backed up into
 * it are shmem pages, reclaimed to swap. If shmem hands out huge folios,
 * each handle still names one page of them.
 *
 * Return: The backend, or an ERR_PTR() on failure.
 */
struct ttm_backup *ttm_backup_shmem_create(loff_t size)
{
	struct ttm_backup_shmem *sbackup;
	struct file *filp;

	/* Zeroed: empty batches, nothing dropped or read ahead. */
	sbackup = kzalloc(sizeof(*sbackup), GFP_KERNEL);
	if (!sbackup)
		return ERR_PTR(-ENOMEM);

	/*
	 * Often created from reclaim: no up-front commit of @size, the file's
	 * pages are accounted one by one as they are backed up.
	 */
	filp = shmem_file_setup("ttm shmem backup", size, VM_NORESERVE);
	if (IS_ERR(filp)) {
		kfree(sbackup);
		return ERR_CAST(filp);
	}

	sbackup->filp = filp;
	sbackup->backup.ops = &ttm_backup_shmem_ops;
	return &sbackup->backup;
}
EXPORT_SYMBOL_GPL(ttm_backup_shmem_create);
