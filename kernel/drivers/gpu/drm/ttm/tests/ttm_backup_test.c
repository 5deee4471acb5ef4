// SPDX-License-Identifier: GPL-2.0 AND MIT
/*
 * KUnit tests of TTM's page-by-page backup and restore: content survives,
 * memory stays bounded, and every injected failure leaves a tt that still
 * restores to what was written. And of the shrink helper built on them.
 */
#include <linux/dma-resv.h>
#include <linux/fault-inject.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/swap.h>

#include <kunit/static_stub.h>

#include <drm/drm_gem.h>
#include <drm/ttm/ttm_backup.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_pool.h>
#include <drm/ttm/ttm_shrinker.h>
#include <drm/ttm/ttm_tt.h>

#include "ttm_kunit_helpers.h"
#include "../ttm_module.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct ttm_backup_test_priv {
	struct ttm_test_devices *devs;
	struct ttm_pool pool;
};

static struct ttm_operation_ctx backup_test_ctx = {
	.interruptible = true,
};

static int ttm_backup_test_init(struct kunit *test)
{
	struct ttm_backup_test_priv *priv;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);

	priv->devs = ttm_test_devices_all(test);
	ttm_pool_init(&priv->pool, priv->devs->dev, NUMA_NO_NODE, false, false);
	test->priv = priv;
	return 0;
}

static void ttm_backup_test_fini(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;

	ttm_pool_fini(&priv->pool);
	ttm_test_devices_put(test, priv->devs);
}

/* A tt of @num_pages, with DMA addresses if @dma, allocated from the pool. */
static struct ttm_tt *backup_test_tt(struct kunit *test, pgoff_t num_pages,
				     bool dma)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_buffer_object *bo;
	struct ttm_tt *tt;
	int err;

	bo = ttm_bo_kunit_init(test, priv->devs, num_pages << PAGE_SHIFT, NULL);
	KUNIT_ASSERT_NOT_NULL(test, bo);

	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);

	if (dma)
		err = ttm_sg_tt_init(tt, bo, 0, ttm_cached);
	else
		err = ttm_tt_init(tt, bo, 0, ttm_cached, 0);
	KUNIT_ASSERT_EQ(test, err, 0);

	err = ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	return tt;
}

static void backup_test_tt_free(struct kunit *test, struct ttm_tt *tt)
{
	struct ttm_backup_test_priv *priv = test->priv;

	if (ttm_tt_is_backed_up(tt))
		ttm_pool_drop_backed_up(tt);
	else
		ttm_pool_free(&priv->pool, tt);
	ttm_tt_fini(tt);
}

static u32 pattern(pgoff_t page, unsigned int word, u32 seed)
{
	return seed ^ (page * 0x9e3779b1u) ^ (word * 0x85ebca6bu);
}

static void fill_tt(struct ttm_tt *tt, u32 seed)
{
	pgoff_t i;

	for (i = 0; i < tt->num_pages; ++i) {
		u32 *vaddr = kmap_local_page(tt->pages[i]);
		unsigned int w;

		for (w = 0; w < PAGE_SIZE / sizeof(u32); ++w)
			vaddr[w] = pattern(i, w, seed);
		kunmap_local(vaddr);
	}
}

/* Every page of a resident @tt holds what fill_tt() wrote. */
static void expect_content(struct kunit *test, struct ttm_tt *tt, u32 seed)
{
	pgoff_t i, bad = 0;

	for (i = 0; i < tt->num_pages; ++i) {
		u32 *vaddr;
		unsigned int w;

		KUNIT_ASSERT_FALSE(test, ttm_backup_page_ptr_is_handle(tt->pages[i]));
		vaddr = kmap_local_page(tt->pages[i]);
		for (w = 0; w < PAGE_SIZE / sizeof(u32); ++w) {
			if (vaddr[w] != pattern(i, w, seed)) {
				++bad;
				break;
			}
		}
		kunmap_local(vaddr);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "pages with wrong content");
}

/* Every page of a resident @tt reads as zeroes. */
static void expect_zero(struct kunit *test, struct ttm_tt *tt)
{
	pgoff_t i, bad = 0;

	for (i = 0; i < tt->num_pages; ++i) {
		void *vaddr = kmap_local_page(tt->pages[i]);

		bad += !!memchr_inv(vaddr, 0, PAGE_SIZE);
		kunmap_local(vaddr);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "pages not zeroed");
}

static pgoff_t count_handles(struct ttm_tt *tt)
{
	pgoff_t i, n = 0;

	for (i = 0; i < tt->num_pages; ++i)
		n += ttm_backup_page_ptr_is_handle(tt->pages[i]);
	return n;
}

static void attach_shmem_backup(struct kunit *test, struct ttm_tt *tt)
{
	struct ttm_backup *backup;

	backup = ttm_backup_shmem_create((loff_t)tt->num_pages << PAGE_SHIFT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(backup));
	tt->backup = backup;
}

struct backup_case {
	const char *description;
	pgoff_t num_pages;
	bool dma;
	bool writeback;
	bool multi_order;
};

static const struct backup_case backup_cases[] = {
	{ "one page", 1 },
	{ "one page, writeback", 1, .writeback = true },
	{ "an order-4 allocation", 16, .multi_order = true },
	{ "an order-4 allocation, DMA-mapped", 16, .dma = true, .multi_order = true },
	{ "2 MiB + 3 pages, mixed orders", 512 + 3, .multi_order = true },
	{ "2 MiB + 3 pages, mixed orders, writeback", 512 + 3, .writeback = true,
	  .multi_order = true },
	{ "37 pages, DMA-mapped", 37, .dma = true },
};

static void backup_case_desc(const struct backup_case *t, char *desc)
{
	strscpy(desc, t->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(backup, backup_cases, backup_case_desc);

/* A backup that leaves its copies in memory, as reclaim writes them. */
static const struct ttm_backup_flags keep_in_memory = {};

/* Back up, restore, compare every page; twice, to cover a reused tt. */
static void ttm_backup_restore_identical(struct kunit *test)
{
	const struct backup_case *params = test->param_value;
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_tt *tt;
	unsigned int round;
	long freed;
	int err;

	tt = backup_test_tt(test, params->num_pages, params->dma);
	if (params->multi_order)
		KUNIT_ASSERT_NE_MSG(test, tt->pages[0]->private, 0,
				    "the pool did not hand out a multi-order allocation");

	/* The storage is the tt's, kept from one backup to the next. */
	attach_shmem_backup(test, tt);
	for (round = 0; round < 2; ++round) {
		fill_tt(tt, round);

		freed = ttm_pool_backup(&priv->pool, tt,
					&(struct ttm_backup_flags){
						.writeback = params->writeback,
					});
		KUNIT_ASSERT_EQ(test, freed, (long)tt->num_pages);
		KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(tt));
		KUNIT_EXPECT_EQ(test, count_handles(tt), tt->num_pages);

		err = ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx);
		KUNIT_ASSERT_EQ(test, err, 0);
		KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
		KUNIT_EXPECT_NOT_NULL(test, tt->backup);
		expect_content(test, tt, round);
	}
	backup_test_tt_free(test, tt);
}

/*
 * Stubs of the backup that keep copies in pages of their own and check, at
 * every call, that the page copied on the previous call was freed since:
 * the extra memory a backup holds at any time is then the copy in flight.
 */
struct counting_backup {
	struct page **copies;
	struct page *prev_original;
	pgoff_t stored;
	pgoff_t originals_freed;
	long max_extra;
};

/* The test's counting stubs, which get no context of their own. */
static struct counting_backup *counting;

/* The pool has freed the previous original if only our reference is left. */
static void counting_check_prev_freed(struct counting_backup *cb)
{
	if (!cb->prev_original)
		return;
	if (page_ref_count(cb->prev_original) == 1)
		cb->originals_freed++;
	put_page(cb->prev_original);
	cb->prev_original = NULL;
}

static s64 counting_backup_page(struct ttm_backup *backup, struct page *page,
				bool writeback, pgoff_t idx, gfp_t page_gfp,
				gfp_t alloc_gfp)
{
	struct counting_backup *cb = counting;
	struct page *copy;

	counting_check_prev_freed(cb);
	copy = alloc_page(alloc_gfp);
	if (!copy)
		return -ENOMEM;
	copy_highpage(copy, page);
	cb->copies[idx] = copy;
	cb->stored++;
	/* Hold the original, so that it cannot be reused before the check. */
	get_page(page);
	cb->prev_original = page;
	cb->max_extra = max_t(long, cb->max_extra, cb->stored - cb->originals_freed);
	return idx + 1;
}

static int counting_copy_page(struct ttm_backup *backup, struct page *dst,
			      pgoff_t handle, bool intr, gfp_t additional_gfp)
{
	copy_highpage(dst, counting->copies[handle - 1]);
	return 0;
}

static void counting_drop(struct ttm_backup *backup, pgoff_t handle)
{
	__free_page(counting->copies[handle - 1]);
	counting->copies[handle - 1] = NULL;
	counting->stored--;
}

static void ttm_backup_page_by_page(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct counting_backup *cb;
	struct ttm_tt *tt;
	long freed;

	tt = backup_test_tt(test, 1024, false);
	fill_tt(tt, 7);

	cb = kunit_kzalloc(test, sizeof(*cb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb);
	cb->copies = kunit_kcalloc(test, tt->num_pages, sizeof(*cb->copies), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cb->copies);
	counting = cb;
	attach_shmem_backup(test, tt);
	kunit_activate_static_stub(test, ttm_backup_backup_page,
				   counting_backup_page);
	kunit_activate_static_stub(test, ttm_backup_copy_page,
				   counting_copy_page);
	kunit_activate_static_stub(test, ttm_backup_drop, counting_drop);

	freed = ttm_pool_backup(&priv->pool, tt, &keep_in_memory);
	counting_check_prev_freed(cb);
	KUNIT_ASSERT_EQ(test, freed, 1024);
	KUNIT_EXPECT_EQ_MSG(test, cb->max_extra, 1,
			    "pages held beyond the tt during backup");
	KUNIT_EXPECT_EQ(test, cb->originals_freed, 1024);

	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_EQ(test, cb->stored, 0);
	expect_content(test, tt, 7);
	backup_test_tt_free(test, tt);
}

#ifdef CONFIG_FAULT_INJECTION
/* Make the @nth call of @attr's fault point fail, once. */
static void fail_nth(struct fault_attr *attr, unsigned long nth)
{
	attr->probability = 100;
	attr->interval = nth;
	attr->count = 0;
	attr->verbose = 0;
	atomic_set(&attr->times, 1);
}

static void fail_never(struct fault_attr *attr)
{
	attr->probability = 0;
	attr->interval = 1;
	attr->count = 0;
}
#endif

struct fault_case {
	const char *description;
	pgoff_t nth;
};

static const struct fault_case fault_cases[] = {
	{ "first page", 1 },
	{ "second page", 2 },
	{ "middle page", 17 },
	{ "last page", 33 },
};

static void fault_case_desc(const struct fault_case *t, char *desc)
{
	strscpy(desc, t->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_cases, fault_case_desc);

/* The backup of the Nth page fails: the rest stays resident, all restores. */
static void ttm_backup_fault_backup(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	const struct fault_case *params = test->param_value;
	struct ttm_backup_test_priv *priv = test->priv;
	long want = params->nth - 1;
	struct ttm_tt *tt;
	long freed;

	tt = backup_test_tt(test, 33, true);
	fill_tt(tt, 3);
	attach_shmem_backup(test, tt);

	fail_nth(&ttm_backup_page_fault, params->nth);
	freed = ttm_pool_backup(&priv->pool, tt, &keep_in_memory);
	fail_never(&ttm_backup_page_fault);

	KUNIT_EXPECT_EQ(test, freed, want ? want : -ENOMEM);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)want);
	KUNIT_EXPECT_EQ(test, tt->backed_up_pages, (u32)want);

	/* The next backup goes on with the pages left. */
	KUNIT_EXPECT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), 33 - want);
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)33);

	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_EQ(test, tt->backed_up_pages, 0);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	expect_content(test, tt, 3);
	backup_test_tt_free(test, tt);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

/*
 * A backup bounded to a number of pages backs up that many, leaves the rest
 * resident, and the next goes on from there (the work of one shrinker call
 * stays bounded whatever the size of the bo).
 */
static void ttm_backup_bounded(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_backup_flags flags = { .nr_pages = 100 };
	struct ttm_tt *tt;

	tt = backup_test_tt(test, 512, true);
	fill_tt(tt, 7);
	attach_shmem_backup(test, tt);

	KUNIT_EXPECT_EQ_MSG(test, ttm_pool_backup(&priv->pool, tt, &flags), 100,
			    "pages backed up with nr_pages 100");
	KUNIT_EXPECT_EQ(test, tt->backed_up_pages, 100);
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)100);
	KUNIT_EXPECT_EQ(test, ttm_tt_resident_pages(tt), 412);
	KUNIT_EXPECT_EQ(test, ttm_pool_backup(&priv->pool, tt, &flags), 100);
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)200);
	KUNIT_EXPECT_EQ_MSG(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory),
			    312, "the rest, unbounded");
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)512);

	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	expect_content(test, tt, 7);
	backup_test_tt_free(test, tt);
}

/* The restore of the Nth page fails: a later populate completes it. */
static void ttm_backup_fault_restore(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	const struct fault_case *params = test->param_value;
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_tt *tt;
	int err;

	tt = backup_test_tt(test, 33, true);
	fill_tt(tt, 5);
	attach_shmem_backup(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), 33);

	fail_nth(&ttm_restore_page_fault, params->nth);
	err = ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx);
	fail_never(&ttm_restore_page_fault);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_EQ(test, count_handles(tt), 33 - (params->nth - 1));

	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	expect_content(test, tt, 5);
	backup_test_tt_free(test, tt);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

/* The pages of @tt in allocations of the pool's largest order. */
static pgoff_t pages_in_max_order(struct ttm_tt *tt)
{
	pgoff_t i, n = 0;

	for (i = 0; i < tt->num_pages; ++i)
		if (!ttm_backup_page_ptr_is_handle(tt->pages[i]) &&
		    tt->pages[i]->private == MAX_PAGE_ORDER)
			n += 1UL << MAX_PAGE_ORDER;
	return n;
}

/*
 * A restore brings the pages back in the pool's orders: two chunks of the
 * largest order for a tt of twice that. Interrupted in the second chunk, it
 * keeps the first chunk and the pages copied of the second; a backup of
 * that partly restored tt takes them all (splitting the chunk), and the
 * restore after brings back both chunks whole.
 */
static void ttm_backup_restore_chunks(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	const pgoff_t chunk = 1UL << MAX_PAGE_ORDER;
	struct ttm_tt *tt;

	tt = backup_test_tt(test, 2 * chunk, false);
	KUNIT_ASSERT_EQ_MSG(test, pages_in_max_order(tt), 2 * chunk,
			    "the pool did not hand out chunks of its largest order");
	fill_tt(tt, 21);
	attach_shmem_backup(test, tt);

	KUNIT_ASSERT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), 2 * chunk);
	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_EQ(test, pages_in_max_order(tt), 2 * chunk);
	expect_content(test, tt, 21);

#ifdef CONFIG_FAULT_INJECTION
	KUNIT_ASSERT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), 2 * chunk);
	fail_nth(&ttm_restore_page_fault, chunk + 89);
	KUNIT_EXPECT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), -ENOMEM);
	fail_never(&ttm_restore_page_fault);
	KUNIT_EXPECT_EQ(test, count_handles(tt), chunk - 88);
	KUNIT_EXPECT_EQ(test, tt->backed_up_pages, chunk - 88);
	KUNIT_EXPECT_EQ(test, pages_in_max_order(tt), chunk);

	KUNIT_EXPECT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), chunk + 88);
	KUNIT_EXPECT_EQ(test, count_handles(tt), 2 * chunk);
	KUNIT_ASSERT_EQ(test, ttm_pool_alloc(&priv->pool, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_EQ(test, pages_in_max_order(tt), 2 * chunk);
	expect_content(test, tt, 21);
#endif
	backup_test_tt_free(test, tt);
}

/*
 * An interruptible restore stops at a signal, after a chunk, keeping what it
 * restored; the next one goes on. A restore that is not interruptible
 * does not stop.
 */
static void ttm_backup_restore_interruptible(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_operation_ctx intr = { .interruptible = true };
	struct ttm_operation_ctx uninterruptible = {};
	const pgoff_t chunk = 1UL << MAX_PAGE_ORDER;
	struct ttm_tt *tt;
	int ret;

	tt = backup_test_tt(test, 2 * chunk, false);
	fill_tt(tt, 22);
	attach_shmem_backup(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_pool_backup(&priv->pool, tt, &keep_in_memory), 2 * chunk);

	allow_signal(SIGUSR1);
	send_sig(SIGUSR1, current, 1);
	KUNIT_ASSERT_TRUE(test, signal_pending(current));
	ret = ttm_pool_alloc(&priv->pool, tt, &intr);
	KUNIT_EXPECT_EQ(test, ret, -ERESTARTSYS);
	KUNIT_EXPECT_EQ(test, count_handles(tt), chunk);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(tt));

	/* Still pending: a restore that is not interruptible goes on. */
	ret = ttm_pool_alloc(&priv->pool, tt, &uninterruptible);
	flush_signals(current);
	disallow_signal(SIGUSR1);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, pages_in_max_order(tt), 2 * chunk);
	expect_content(test, tt, 22);
	backup_test_tt_free(test, tt);
}

/* A tt populated through the device, as drivers do. */
static struct ttm_tt *device_tt(struct kunit *test, pgoff_t num_pages, u32 page_flags)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_buffer_object *bo;
	struct ttm_tt *tt;

	bo = ttm_bo_kunit_init(test, priv->devs, num_pages << PAGE_SHIFT, NULL);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, bo, page_flags, ttm_cached, 0), 0);
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, tt, &backup_test_ctx), 0);
	return tt;
}

static void device_tt_free(struct kunit *test, struct ttm_tt *tt)
{
	struct ttm_backup_test_priv *priv = test->priv;

	ttm_tt_unpopulate(priv->devs->ttm_dev, tt);
	ttm_tt_fini(tt);
}

#ifdef CONFIG_FAULT_INJECTION
/* A backup that fails at @attr before freeing anything leaves the tt as it was. */
static void expect_backup_fails_untouched(struct kunit *test,
					  struct fault_attr *attr)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_backup_flags flags = {};
	struct ttm_tt *tt;
	long ret;

	tt = device_tt(test, 8, 0);
	fill_tt(tt, 11);

	fail_nth(attr, 1);
	ret = ttm_tt_backup(priv->devs->ttm_dev, tt, flags);
	fail_never(attr);

	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)0);
	expect_content(test, tt, 11);
	device_tt_free(test, tt);
}
#endif

/* Creating the backup storage of a tt the driver backs up itself fails. */
static void ttm_backup_fault_alloc(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	expect_backup_fails_untouched(test, &ttm_backup_alloc_fault);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

static unsigned long listed_pages(struct ttm_shrinker *ts,
				  enum ttm_shrinker_list list);

/*
 * A shrinkable tt gets its backup storage when it is first listed on its
 * device's shrinker, so that reclaim never creates it and a tt that cannot
 * be shrunk (no shrinker, a pinned bo) has none. When that fails at
 * populate, the populate fails and changes nothing; at unpin, the tt stays
 * off the lists.
 */
static void ttm_backup_storage_at_populate(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_device *bdev = priv->devs->ttm_dev;
	struct ttm_buffer_object *bo;
	struct ttm_shrinker *ts;
	struct ttm_tt *tt;
	int err;

	bo = ttm_bo_kunit_init(test, priv->devs, 8 << PAGE_SHIFT, NULL);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, bo, TTM_TT_FLAG_SHRINKABLE,
					  ttm_cached, 0), 0);

	KUNIT_ASSERT_EQ(test, ttm_tt_populate(bdev, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_NULL_MSG(test, tt->backup, "storage without a shrinker");
	ttm_tt_unpopulate(bdev, tt);

	ts = kunit_kzalloc(test, sizeof(*ts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ts);
	KUNIT_ASSERT_EQ(test, ttm_shrinker_init(ts, bdev, "kunit"), 0);

	/* Populated while pinned, listed when unpinned. */
	dma_resv_lock(bo->base.resv, NULL);
	bo->ttm = tt;
	ttm_bo_pin(bo);
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(bdev, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_NULL_MSG(test, tt->backup, "storage for a pinned bo");
	fail_nth(&ttm_backup_alloc_fault, 1);
	ttm_bo_unpin(bo);
	fail_never(&ttm_backup_alloc_fault);
	KUNIT_EXPECT_NULL(test, tt->backup);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);
	ttm_bo_pin(bo);
	ttm_bo_unpin(bo);
	KUNIT_EXPECT_NOT_NULL(test, tt->backup);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 8);
	ttm_tt_unpopulate(bdev, tt);
	bo->ttm = NULL;
	dma_resv_unlock(bo->base.resv);
	ttm_tt_fini(tt);

	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, bo, TTM_TT_FLAG_SHRINKABLE,
					  ttm_cached, 0), 0);
	fail_nth(&ttm_backup_alloc_fault, 1);
	err = ttm_tt_populate(bdev, tt, &backup_test_ctx);
	fail_never(&ttm_backup_alloc_fault);
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_NULL(test, tt->backup);

	KUNIT_ASSERT_EQ(test, ttm_tt_populate(bdev, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_NOT_NULL(test, tt->backup);
	device_tt_free(test, tt);
	ttm_shrinker_fini(ts);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

/* The backup of the first page fails: nothing is freed, the tt is restored. */
static void ttm_backup_fault_first_page(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	expect_backup_fails_untouched(test, &ttm_backup_page_fault);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

/* Through the device: back up, populate again, content identical. */
static void ttm_backup_tt_roundtrip(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_backup_flags flags = { .writeback = true };
	struct ttm_tt *tt;

	tt = device_tt(test, 64, 0);
	fill_tt(tt, 13);

	KUNIT_ASSERT_EQ(test, ttm_tt_backup(priv->devs->ttm_dev, tt, flags), 64);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_EQ(test, ttm_tt_backup(priv->devs->ttm_dev, tt, flags), -EINVAL);

	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, tt, &backup_test_ctx), 0);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	expect_content(test, tt, 13);
	device_tt_free(test, tt);
}

/* A backed-up tt that is destroyed drops its backup and resident pages. */
static void ttm_backup_unpopulate_backed_up(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_backup_flags flags = {};
	struct ttm_tt *tt;

	tt = device_tt(test, 16, 0);
	KUNIT_ASSERT_EQ(test, ttm_tt_backup(priv->devs->ttm_dev, tt, flags), 16);
	ttm_tt_unpopulate(priv->devs->ttm_dev, tt);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_EQ(test, count_handles(tt), (pgoff_t)0);
	ttm_tt_fini(tt);
	KUNIT_EXPECT_NULL(test, tt->backup);
}

/* Purgeable content is dropped, not backed up, and reported as purged. */
static void ttm_backup_purge(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_backup_flags flags = { .purge = true };
	struct ttm_tt *tt;

	tt = device_tt(test, 16, TTM_TT_FLAG_PURGEABLE);
	fill_tt(tt, 17);

	KUNIT_ASSERT_EQ(test, ttm_tt_backup(priv->devs->ttm_dev, tt, flags), 16);
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_populated(tt));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(tt));
	KUNIT_EXPECT_NULL(test, tt->backup);
	KUNIT_EXPECT_TRUE(test, tt->page_flags & TTM_TT_FLAG_PURGED);

	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, tt, &backup_test_ctx), 0);
	expect_zero(test, tt);
	device_tt_free(test, tt);
}

/* The shrink helper: LRU order, skipping pinned and busy bos, purging. */

#define SHRINK_BO_PAGES 4

static DEFINE_SPINLOCK(shrink_fence_lock);

static const char *shrink_fence_name(struct dma_fence *f)
{
	return "ttm-bo-shrink-test";
}

static const struct dma_fence_ops shrink_fence_ops = {
	.get_driver_name = shrink_fence_name,
	.get_timeline_name = shrink_fence_name,
};

/* An idle bo of @pages in system memory with a populated tt; @flags go to its tt. */
static struct ttm_buffer_object *sized_shrink_test_bo(struct kunit *test,
						      u32 flags, pgoff_t pages)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_operation_ctx ctx = {};
	struct ttm_placement *placement;
	struct ttm_buffer_object *bo;
	int err;

	bo = kunit_kzalloc(test, sizeof(*bo), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	placement = kunit_kzalloc(test, sizeof(*placement), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, placement);
	placement->num_placement = 1;
	placement->placement = ttm_place_kunit_init(test, TTM_PL_SYSTEM, 0);
	drm_gem_private_object_init(priv->devs->drm, &bo->base,
				    pages << PAGE_SHIFT);

	err = ttm_bo_init_reserved(priv->devs->ttm_dev, bo, ttm_bo_type_device,
				   placement, PAGE_SIZE, &ctx, NULL, NULL,
				   &dummy_ttm_bo_destroy);
	KUNIT_ASSERT_EQ(test, err, 0);
	bo->ttm->page_flags |= flags;
	err = ttm_tt_populate(priv->devs->ttm_dev, bo->ttm, &ctx);
	dma_resv_unlock(bo->base.resv);
	KUNIT_ASSERT_EQ(test, err, 0);
	fill_tt(bo->ttm, (unsigned long)bo);
	return bo;
}

static struct ttm_buffer_object *shrink_test_bo(struct kunit *test, u32 flags)
{
	return sized_shrink_test_bo(test, flags, SHRINK_BO_PAGES);
}

static bool shrunk(struct ttm_buffer_object *bo)
{
	return !ttm_tt_is_populated(bo->ttm);
}

static void expect_bo_content(struct kunit *test, struct ttm_buffer_object *bo)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_operation_ctx ctx = {};

	dma_resv_lock(bo->base.resv, NULL);
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, bo->ttm, &ctx), 0);
	dma_resv_unlock(bo->base.resv);
	expect_content(test, bo->ttm, (unsigned long)bo);
}

/*
 * Shrink @bo[0..@n) in turn with @flags, as a driver's scan would, until
 * @target pages are freed: each bo that can be locked without waiting and
 * is suitable. Return the pages freed.
 */
static long shrink(struct ttm_bo_shrink_flags flags,
		   struct ttm_buffer_object **bo, unsigned int n, long target)
{
	struct ttm_operation_ctx ctx = { .no_wait_gpu = true };
	long freed = 0, ret;
	unsigned int i;

	for (i = 0; i < n && freed < target; ++i) {
		if (!dma_resv_trylock(bo[i]->base.resv))
			continue;
		ret = ttm_bo_shrink_suitable(bo[i], &ctx) ?
			ttm_bo_shrink(&ctx, bo[i], flags) : -EBUSY;
		dma_resv_unlock(bo[i]->base.resv);
		if (ret > 0)
			freed += ret;
	}
	return freed;
}

static const struct ttm_bo_shrink_flags backup_flags = { .allow_move = true };

/* Pinned and busy bos are not suitable: a scan leaves them alone. */
static void ttm_bo_shrink_skips(struct kunit *test)
{
	struct ttm_operation_ctx ctx = { .no_wait_gpu = true };
	struct ttm_buffer_object *bo[5];
	struct dma_fence *fence;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		bo[i] = shrink_test_bo(test, 0);

	/* bo[0] is pinned, bo[1] busy; bo[2] and bo[3] are the oldest idle. */
	dma_resv_lock(bo[0]->base.resv, NULL);
	ttm_bo_pin(bo[0]);
	KUNIT_EXPECT_FALSE(test, ttm_bo_shrink_suitable(bo[0], &ctx));
	dma_resv_unlock(bo[0]->base.resv);

	fence = kunit_kzalloc(test, sizeof(*fence), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &shrink_fence_ops, &shrink_fence_lock, 0, 0);
	dma_resv_lock(bo[1]->base.resv, NULL);
	KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(bo[1]->base.resv, 1), 0);
	dma_resv_add_fence(bo[1]->base.resv, fence, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_FALSE(test, ttm_bo_shrink_suitable(bo[1], &ctx));
	dma_resv_unlock(bo[1]->base.resv);

	KUNIT_EXPECT_EQ(test, shrink(backup_flags, bo, ARRAY_SIZE(bo),
				     2 * SHRINK_BO_PAGES),
			2 * SHRINK_BO_PAGES);
	KUNIT_EXPECT_FALSE(test, shrunk(bo[0]));
	KUNIT_EXPECT_FALSE(test, shrunk(bo[1]));
	KUNIT_EXPECT_TRUE(test, shrunk(bo[2]) && ttm_tt_is_backed_up(bo[2]->ttm));
	KUNIT_EXPECT_TRUE(test, shrunk(bo[3]) && ttm_tt_is_backed_up(bo[3]->ttm));
	KUNIT_EXPECT_FALSE(test, shrunk(bo[4]));
	/* A shrunk bo has nothing left to shrink. */
	dma_resv_lock(bo[2]->base.resv, NULL);
	KUNIT_EXPECT_FALSE(test, ttm_bo_shrink_suitable(bo[2], &ctx));
	dma_resv_unlock(bo[2]->base.resv);

	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		expect_bo_content(test, bo[i]);

	dma_fence_signal(fence);
	dma_resv_lock(bo[0]->base.resv, NULL);
	ttm_bo_unpin(bo[0]);
	dma_resv_unlock(bo[0]->base.resv);
	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		ttm_bo_put(bo[i]);
}

/* A purge frees the pages and their content; a backup keeps the content. */
static void ttm_bo_shrink_purge(struct kunit *test)
{
	struct ttm_buffer_object *keep, *purgeable;

	keep = shrink_test_bo(test, 0);
	purgeable = shrink_test_bo(test, TTM_TT_FLAG_PURGEABLE);

	KUNIT_EXPECT_EQ(test, shrink((struct ttm_bo_shrink_flags){
					.purge = true, .allow_move = true },
				     &purgeable, 1, 100), SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(purgeable));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(purgeable->ttm));
	KUNIT_EXPECT_TRUE(test, purgeable->ttm->page_flags & TTM_TT_FLAG_PURGED);

	KUNIT_EXPECT_EQ(test, shrink(backup_flags, &keep, 1, 100),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(keep->ttm));
	KUNIT_EXPECT_FALSE(test, keep->ttm->page_flags & TTM_TT_FLAG_PURGED);
	expect_bo_content(test, keep);

	ttm_bo_put(keep);
	ttm_bo_put(purgeable);
}

/* Only kswapd may wait for the GPU; this test's thread is not kswapd. */
static void ttm_bo_shrink_avoid_wait_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, ttm_bo_shrink_avoid_wait());
}

/* TTM's own swapout leaves the bos of a driver with a shrinker alone. */
static void ttm_bo_shrink_not_swapped_out(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_operation_ctx ctx = {};
	struct ttm_buffer_object *plain, *managed, *bo[2];

	plain = shrink_test_bo(test, 0);
	managed = shrink_test_bo(test, TTM_TT_FLAG_SHRINKABLE);
	bo[0] = plain;
	bo[1] = managed;

	KUNIT_EXPECT_EQ(test, ttm_device_swapout(priv->devs->ttm_dev, &ctx,
						 GFP_KERNEL), SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, plain->ttm->page_flags & TTM_TT_FLAG_SWAPPED);
	KUNIT_EXPECT_EQ(test, ttm_device_swapout(priv->devs->ttm_dev, &ctx,
						 GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, shrunk(managed));

	KUNIT_EXPECT_EQ(test, shrink(backup_flags, bo, 2, 100), SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(managed));
	expect_bo_content(test, managed);
	expect_bo_content(test, plain);

	ttm_bo_put(plain);
	ttm_bo_put(managed);
}

/*
 * The memcg-aware shrinker, with bos charged to nobody (KUnit has no memcg).
 * TTM lists a device's shrinkable tts itself once the device has a shrinker.
 */

static struct ttm_shrinker *shrinker_of_test(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_shrinker *ts;

	ts = kunit_kzalloc(test, sizeof(*ts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ts);
	KUNIT_ASSERT_EQ(test, ttm_shrinker_init(ts, priv->devs->ttm_dev, "kunit"), 0);
	return ts;
}

static struct ttm_buffer_object *listed_bo(struct kunit *test, u32 flags)
{
	return shrink_test_bo(test, flags | TTM_TT_FLAG_SHRINKABLE);
}

static unsigned long listed_pages(struct ttm_shrinker *ts,
				  enum ttm_shrinker_list list)
{
	return ttm_shrinker_count_pages(ts, list, NULL);
}

/* The swap a cgroup may use, as the test says: KUnit has no swap device. */
static unsigned long test_free_swap;

static unsigned long fake_free_swap(struct mem_cgroup *memcg)
{
	return test_free_swap;
}

static void fake_swap(struct kunit *test, unsigned long pages)
{
	test_free_swap = pages;
	kunit_activate_static_stub(test, ttm_shrinker_free_swap, fake_free_swap);
}

/* Purgeable tts go first, oldest first, and a scan looks at no more than it frees. */
static void ttm_shrinker_purge_lru_order(struct kunit *test)
{
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_buffer_object *keep, *bo[3];
	struct ttm_shrinker_stats stats = {};
	int i;

	fake_swap(test, 0);
	keep = listed_bo(test, 0);
	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		bo[i] = listed_bo(test, TTM_TT_FLAG_PURGEABLE);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_PURGEABLE),
			3 * SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			SHRINK_BO_PAGES);

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 2 * SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			2 * SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.scanned, 2 * SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.purged, 2 * SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.backed_up, 0);
	KUNIT_EXPECT_TRUE(test, shrunk(bo[0]));
	KUNIT_EXPECT_TRUE(test, shrunk(bo[1]));
	KUNIT_EXPECT_FALSE(test, shrunk(bo[2]));
	KUNIT_EXPECT_FALSE(test, shrunk(keep));
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_PURGEABLE),
			SHRINK_BO_PAGES);

	/* Without swap, there is nothing else to do: the other bo stays. */
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(bo[2]));
	KUNIT_EXPECT_FALSE(test, shrunk(keep));
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_PURGEABLE), 0);

	ttm_bo_put(keep);
	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		ttm_bo_put(bo[i]);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);
	ttm_shrinker_fini(ts);
}

/* A bo locked by someone else is skipped, and comes round after the others. */
static void ttm_shrinker_skips_locked(struct kunit *test)
{
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_buffer_object *bo[3];
	int i;

	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		bo[i] = listed_bo(test, TTM_TT_FLAG_PURGEABLE);

	dma_resv_lock(bo[0]->base.resv, NULL);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);
	dma_resv_unlock(bo[0]->base.resv);
	KUNIT_EXPECT_FALSE(test, shrunk(bo[0]));
	KUNIT_EXPECT_TRUE(test, shrunk(bo[1]));

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(bo[2]));
	KUNIT_EXPECT_FALSE(test, shrunk(bo[0]));
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(bo[0]));

	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		ttm_bo_put(bo[i]);
	ttm_shrinker_fini(ts);
}

/*
 * The lists count pages, not bos: one large tt among many small ones is
 * seen whole. Pinning takes a tt off its list, unpinning puts it back.
 */
static void ttm_shrinker_counts_pages(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct ttm_buffer_object *large, *small[8];
	struct ttm_tt *tt;
	int i;

	fake_swap(test, 1 << 20);
	large = ttm_bo_kunit_init(test, priv->devs, 512 << PAGE_SHIFT, NULL);
	KUNIT_ASSERT_NOT_NULL(test, large);
	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, large, TTM_TT_FLAG_SHRINKABLE,
					  ttm_cached, 0), 0);
	large->ttm = tt;
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, tt,
					      &backup_test_ctx), 0);
	for (i = 0; i < ARRAY_SIZE(small); ++i)
		small[i] = listed_bo(test, 0);

	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			512 + ARRAY_SIZE(small) * SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc),
			512 + ARRAY_SIZE(small) * SHRINK_BO_PAGES);

	dma_resv_lock(small[0]->base.resv, NULL);
	ttm_bo_pin(small[0]);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			512 + (ARRAY_SIZE(small) - 1) * SHRINK_BO_PAGES);
	ttm_bo_unpin(small[0]);
	dma_resv_unlock(small[0]->base.resv);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			512 + ARRAY_SIZE(small) * SHRINK_BO_PAGES);

	dma_resv_lock(large->base.resv, NULL);
	ttm_tt_unpopulate(priv->devs->ttm_dev, tt);
	dma_resv_unlock(large->base.resv);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			ARRAY_SIZE(small) * SHRINK_BO_PAGES);
	large->ttm = NULL;
	ttm_tt_fini(tt);

	for (i = 0; i < ARRAY_SIZE(small); ++i)
		ttm_bo_put(small[i]);
	ttm_shrinker_fini(ts);
}

/*
 * A backup that fails part way leaves the tt listed, counted by the pages it
 * still has in memory; the next shrink backs those up, the populate after
 * restores it all.
 */
static void ttm_shrinker_partial_backup(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_buffer_object *bo;

	fake_swap(test, 1 << 20);
	bo = sized_shrink_test_bo(test, TTM_TT_FLAG_SHRINKABLE, 512);

	fail_nth(&ttm_backup_page_fault, 101);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 512, GFP_KERNEL,
						  &stats), 100);
	fail_never(&ttm_backup_page_fault);
	KUNIT_EXPECT_TRUE(test, ttm_tt_is_backed_up(bo->ttm));
	KUNIT_EXPECT_EQ(test, ttm_tt_resident_pages(bo->ttm), 412);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 412);

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 512, GFP_KERNEL,
						  &stats), 412);
	KUNIT_EXPECT_EQ(test, stats.backed_up, 512);
	KUNIT_EXPECT_EQ(test, count_handles(bo->ttm), (pgoff_t)512);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);

	expect_bo_content(test, bo);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 512);
	ttm_bo_put(bo);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);
	ttm_shrinker_fini(ts);
#else
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION");
#endif
}

/* What was backed up into one tt's backup, and whether written out at once. */
struct recording_backup {
	struct ttm_backup *backup;
	unsigned int writebacks;
	unsigned int pages;
};

static struct recording_backup recorders[2];

static s64 recording_backup_page(struct ttm_backup *backup, struct page *page,
				 bool writeback, pgoff_t idx, gfp_t page_gfp,
				 gfp_t alloc_gfp)
{
	struct kunit *test = kunit_get_current_test();
	struct recording_backup *rb;
	s64 ret;

	for (rb = recorders; rb < recorders + ARRAY_SIZE(recorders); ++rb) {
		if (rb->backup == backup) {
			rb->pages++;
			rb->writebacks += writeback;
		}
	}
	/* The backup itself, without swap here: the copy stays in shmem. */
	kunit_deactivate_static_stub(test, ttm_backup_backup_page);
	ret = ttm_backup_backup_page(backup, page, false, idx, page_gfp,
				     alloc_gfp);
	kunit_activate_static_stub(test, ttm_backup_backup_page,
				   recording_backup_page);
	return ret;
}

/* Record what is backed up into the storage TTM gave @bo's tt. */
static struct recording_backup *record_backup(struct kunit *test,
					      struct ttm_buffer_object *bo,
					      unsigned int i)
{
	struct recording_backup *rb = &recorders[i];

	KUNIT_ASSERT_NOT_NULL(test, bo->ttm->backup);
	*rb = (struct recording_backup){ .backup = bo->ttm->backup };
	kunit_activate_static_stub(test, ttm_backup_backup_page,
				   recording_backup_page);
	return rb;
}

/*
 * Reclaim that may not enter the file system (GFP_NOFS, GFP_NOIO) purges
 * but backs nothing up, and is told so by count; reclaim that may not start
 * IO backs up without writing out.
 */
static void ttm_shrinker_reclaim_context(struct kunit *test)
{
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct shrink_control sc = {};
	struct ttm_buffer_object *bo[2], *purgeable;
	struct recording_backup *rb[2];
	int i;

	fake_swap(test, 1 << 20);
	for (i = 0; i < ARRAY_SIZE(bo); ++i) {
		bo[i] = listed_bo(test, 0);
		rb[i] = record_backup(test, bo[i], i);
	}
	purgeable = listed_bo(test, TTM_TT_FLAG_PURGEABLE);

	sc.gfp_mask = GFP_NOFS;
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_NOFS,
						  &stats), SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.purged, SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, stats.backed_up, 0,
			    "backed up under GFP_NOFS");
	KUNIT_EXPECT_TRUE(test, shrunk(purgeable));

	sc.gfp_mask = GFP_NOIO;
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc), 0);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_NOIO,
						  &stats), 0);
	KUNIT_EXPECT_EQ_MSG(test, stats.backed_up, 0,
			    "backed up under GFP_NOIO");
	KUNIT_EXPECT_EQ(test, rb[0]->pages + rb[1]->pages, 0);

	/* File system work but no IO: a backup, not written out. */
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL & ~__GFP_IO,
						  &stats), SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, rb[0]->pages, SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, rb[0]->writebacks, 0,
			    "written out without __GFP_IO");

	sc.gfp_mask = GFP_KERNEL;
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, rb[1]->writebacks, SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.backed_up, 2 * SHRINK_BO_PAGES);

	for (i = 0; i < ARRAY_SIZE(bo); ++i) {
		expect_bo_content(test, bo[i]);
		ttm_bo_put(bo[i]);
	}
	ttm_bo_put(purgeable);
	ttm_shrinker_fini(ts);
}

/* A cgroup without swap left (memory.swap.max, or full swap) backs up nothing. */
static void ttm_shrinker_no_swap_left(struct kunit *test)
{
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct ttm_buffer_object *bo[2];
	int i;

	for (i = 0; i < ARRAY_SIZE(bo); ++i)
		bo[i] = listed_bo(test, 0);

	fake_swap(test, 0);
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc), 0);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.backed_up, 0);

	/* Room for one bo, not two: one backup. */
	fake_swap(test, SHRINK_BO_PAGES + SHRINK_BO_PAGES / 2);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.backed_up, SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(bo[0]));
	KUNIT_EXPECT_FALSE(test, shrunk(bo[1]));

	for (i = 0; i < ARRAY_SIZE(bo); ++i) {
		expect_bo_content(test, bo[i]);
		ttm_bo_put(bo[i]);
	}
	ttm_shrinker_fini(ts);
}

/*
 * A ghost object takes over a listed tt in a pipelined move, with a fence
 * that has not signalled: the tt stays listed, is found through the ghost
 * (busy, so left alone), and leaves the lists when the ghost is freed, after
 * the original bo was put. Counts stay right all along (and KASAN quiet).
 */
static void ttm_shrinker_ghost_keeps_tt(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_buffer_object *bo;
	struct dma_fence *fence;
	struct ttm_tt *old_tt;

	fake_swap(test, 1 << 20);
	bo = listed_bo(test, 0);
	old_tt = bo->ttm;
	KUNIT_ASSERT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			SHRINK_BO_PAGES);

	fence = kunit_kzalloc(test, sizeof(*fence), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &shrink_fence_ops, &shrink_fence_lock, 0, 0);
	dma_resv_lock(bo->base.resv, NULL);
	KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(bo->base.resv, 1), 0);
	dma_resv_add_fence(bo->base.resv, fence, DMA_RESV_USAGE_KERNEL);
	KUNIT_ASSERT_EQ(test, ttm_bo_pipeline_gutting(bo), 0);
	dma_resv_unlock(bo->base.resv);

	/* The bo has a new, empty tt; the ghost has the listed one. */
	KUNIT_EXPECT_PTR_NE(test, bo->ttm, old_tt);
	KUNIT_EXPECT_PTR_NE(test, READ_ONCE(old_tt->bo), bo);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			SHRINK_BO_PAGES);
	ttm_bo_put(bo);

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.scanned, SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP),
			SHRINK_BO_PAGES);

	dma_fence_signal(fence);
	flush_workqueue(priv->devs->ttm_dev->wq);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), 0);
	ttm_shrinker_fini(ts);
}

/*
 * A driver that frees a tt still listed (here: populated) gets a warning,
 * and the tt leaves the list, so that no scan finds freed memory.
 */
static void ttm_shrinker_tt_freed_while_listed(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_buffer_object *bo;
	struct ttm_tt *tt;
	struct page *page;

	bo = ttm_bo_kunit_init(test, priv->devs, PAGE_SIZE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	tt = kunit_kzalloc(test, sizeof(*tt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tt);
	KUNIT_ASSERT_EQ(test, ttm_tt_init(tt, bo, TTM_TT_FLAG_SHRINKABLE,
					  ttm_cached, 0), 0);
	KUNIT_ASSERT_EQ(test, ttm_tt_populate(priv->devs->ttm_dev, tt,
					      &backup_test_ctx), 0);
	KUNIT_ASSERT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 1);

	page = tt->pages[0];
	kunit_info(test, "two warnings from ttm_tt_fini() are expected\n");
	ttm_tt_fini(tt);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_BACKUP), 0);
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, 100, GFP_KERNEL,
						  &stats), 0);
	/* The page the driver should have freed. */
	__free_page(page);
	ttm_shrinker_fini(ts);
}

/*
 * A tt is listed on the node of its pages: the reclaim of that node counts
 * and frees it, another node's does not see it. Needs a second node with
 * memory (tests/kunit/run boots x86_64 with numa=fake=2 for it; UML has
 * one node).
 */
static void ttm_shrinker_numa_node(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	struct ttm_device *bdev = priv->devs->ttm_dev;
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nr_to_scan = 100 };
	int other = first_memory_node, nid = next_memory_node(other);
	struct device *dev = bdev->pool.dev;
	bool use_dma_alloc = bdev->pool.use_dma_alloc;
	bool use_dma32 = bdev->pool.use_dma32;
	struct ttm_buffer_object *bo;
	struct ttm_shrinker *ts;

	if (nid >= MAX_NUMNODES)
		kunit_skip(test, "one NUMA node with memory");
	ts = shrinker_of_test(test);
	/* Else reclaim calls it for the first node only. */
	KUNIT_EXPECT_TRUE(test, ts->shrinker->flags & SHRINKER_NUMA_AWARE);
	fake_swap(test, 0);
	/* The device's pool allocates on the second node. */
	ttm_pool_fini(&bdev->pool);
	ttm_pool_init(&bdev->pool, dev, nid, use_dma_alloc, use_dma32);
	bo = listed_bo(test, TTM_TT_FLAG_PURGEABLE);
	KUNIT_ASSERT_EQ(test, page_to_nid(bo->ttm->pages[0]), nid);
	KUNIT_EXPECT_EQ(test, bo->ttm->shrink_nid, nid);
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_PURGEABLE),
			SHRINK_BO_PAGES);

	sc.nid = other;
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc),
			SHRINK_EMPTY);
	KUNIT_EXPECT_EQ(test, ts->shrinker->scan_objects(ts->shrinker, &sc),
			SHRINK_STOP);
	KUNIT_EXPECT_FALSE(test, shrunk(bo));

	sc.nid = nid;
	KUNIT_EXPECT_EQ(test, ts->shrinker->count_objects(ts->shrinker, &sc),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, ts->shrinker->scan_objects(ts->shrinker, &sc),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_TRUE(test, shrunk(bo));
	KUNIT_EXPECT_EQ(test, listed_pages(ts, TTM_SHRINKER_PURGEABLE), 0);

	ttm_bo_put(bo);
	ttm_shrinker_fini(ts);
}

static struct ttm_buffer_object *vetoed_bo;

static bool veto_one(struct ttm_shrinker *ts, struct ttm_buffer_object *bo,
		     bool purge)
{
	return bo != vetoed_bo;
}

/* The driver's veto leaves a bo alone; the next one is shrunk instead. */
static void ttm_shrinker_veto(struct kunit *test)
{
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_buffer_object *first, *second;

	fake_swap(test, 100);
	ts->allow = veto_one;
	first = listed_bo(test, 0);
	second = listed_bo(test, 0);
	vetoed_bo = first;

	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ(test, stats.backed_up, SHRINK_BO_PAGES);
	KUNIT_EXPECT_FALSE(test, shrunk(first));
	KUNIT_EXPECT_TRUE(test, shrunk(second));
	expect_bo_content(test, second);

	ttm_bo_put(first);
	ttm_bo_put(second);
	ttm_shrinker_fini(ts);
}

static unsigned int swap_notified;

static void count_swap_notify(struct ttm_buffer_object *bo)
{
	++swap_notified;
}

static bool on_its_way_out(struct ttm_buffer_object *bo)
{
	return false;
}

/*
 * A bo that is not the driver's own live object (a ghost, or on its way
 * out, &ttm_shrinker.bo_get) is neither backed up nor given to the
 * driver's veto or callbacks: its pages are freed, counted as discarded,
 * not purged.
 */
static void ttm_shrinker_not_alive(struct kunit *test)
{
	struct ttm_backup_test_priv *priv = test->priv;
	const struct ttm_device_funcs *old_funcs = priv->devs->ttm_dev->funcs;
	struct ttm_shrinker *ts = shrinker_of_test(test);
	struct ttm_shrinker_stats stats = {};
	struct ttm_device_funcs *funcs;
	struct ttm_buffer_object *bo;

	funcs = kunit_kzalloc(test, sizeof(*funcs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, funcs);
	*funcs = *old_funcs;
	funcs->swap_notify = count_swap_notify;
	priv->devs->ttm_dev->funcs = funcs;
	swap_notified = 0;
	fake_swap(test, 100);
	ts->allow = veto_one;
	ts->bo_get = on_its_way_out;

	bo = listed_bo(test, 0);
	/* The driver's veto is not asked: it must not see the bo. */
	vetoed_bo = bo;
	KUNIT_EXPECT_EQ(test, ttm_shrinker_shrink(ts, NULL, SHRINK_BO_PAGES,
						  GFP_KERNEL, &stats),
			SHRINK_BO_PAGES);

	KUNIT_EXPECT_TRUE(test, shrunk(bo));
	KUNIT_EXPECT_FALSE(test, ttm_tt_is_backed_up(bo->ttm));
	KUNIT_EXPECT_EQ(test, stats.discarded, SHRINK_BO_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, stats.purged, 0, "discarded pages counted as purged");
	KUNIT_EXPECT_EQ(test, stats.backed_up, 0);
	KUNIT_EXPECT_FALSE(test, bo->ttm->page_flags & TTM_TT_FLAG_PURGED);
	KUNIT_EXPECT_EQ(test, swap_notified, 0);

	priv->devs->ttm_dev->funcs = old_funcs;
	ttm_bo_put(bo);
	ttm_shrinker_fini(ts);
}

static struct kunit_case ttm_shrinker_test_cases[] = {
	KUNIT_CASE(ttm_shrinker_purge_lru_order),
	KUNIT_CASE(ttm_shrinker_skips_locked),
	KUNIT_CASE(ttm_shrinker_counts_pages),
	KUNIT_CASE(ttm_shrinker_partial_backup),
	KUNIT_CASE(ttm_shrinker_reclaim_context),
	KUNIT_CASE(ttm_shrinker_no_swap_left),
	KUNIT_CASE(ttm_shrinker_ghost_keeps_tt),
	KUNIT_CASE(ttm_shrinker_tt_freed_while_listed),
	KUNIT_CASE(ttm_shrinker_numa_node),
	KUNIT_CASE(ttm_shrinker_veto),
	KUNIT_CASE(ttm_shrinker_not_alive),
	{}
};

static struct kunit_suite ttm_shrinker_test_suite = {
	.name = "ttm_shrinker",
	.init = ttm_backup_test_init,
	.exit = ttm_backup_test_fini,
	.test_cases = ttm_shrinker_test_cases,
};

static struct kunit_case ttm_bo_shrink_test_cases[] = {
	KUNIT_CASE(ttm_bo_shrink_skips),
	KUNIT_CASE(ttm_bo_shrink_purge),
	KUNIT_CASE(ttm_bo_shrink_avoid_wait_test),
	KUNIT_CASE(ttm_bo_shrink_not_swapped_out),
	{}
};

static struct kunit_suite ttm_bo_shrink_test_suite = {
	.name = "ttm_bo_shrink",
	.init = ttm_backup_test_init,
	.exit = ttm_backup_test_fini,
	.test_cases = ttm_bo_shrink_test_cases,
};

static struct kunit_case ttm_backup_test_cases[] = {
	KUNIT_CASE_PARAM(ttm_backup_restore_identical, backup_gen_params),
	KUNIT_CASE(ttm_backup_page_by_page),
	KUNIT_CASE_PARAM(ttm_backup_fault_backup, fault_gen_params),
	KUNIT_CASE_PARAM(ttm_backup_fault_restore, fault_gen_params),
	KUNIT_CASE(ttm_backup_bounded),
	KUNIT_CASE(ttm_backup_restore_chunks),
	KUNIT_CASE(ttm_backup_restore_interruptible),
	KUNIT_CASE(ttm_backup_fault_alloc),
	KUNIT_CASE(ttm_backup_storage_at_populate),
	KUNIT_CASE(ttm_backup_fault_first_page),
	KUNIT_CASE(ttm_backup_tt_roundtrip),
	KUNIT_CASE(ttm_backup_unpopulate_backed_up),
	KUNIT_CASE(ttm_backup_purge),
	{}
};

static struct kunit_suite ttm_backup_test_suite = {
	.name = "ttm_backup",
	.init = ttm_backup_test_init,
	.exit = ttm_backup_test_fini,
	.test_cases = ttm_backup_test_cases,
};

kunit_test_suites(&ttm_backup_test_suite, &ttm_bo_shrink_test_suite,
		  &ttm_shrinker_test_suite);

MODULE_DESCRIPTION("KUnit tests for TTM page backup and restore");
MODULE_LICENSE("GPL and additional rights");
