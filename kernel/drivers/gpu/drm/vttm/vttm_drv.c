// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The virtual TTM device: a DRM driver without hardware whose buffer objects
 * live in system memory and take the paths of a GPU driver's: the TTM page
 * pool, backup and restore, the memcg-aware TTM shrinker and the charging of
 * their pages to the memory cgroup of their creator. It lets the whole stack
 * be tested in a VM, as vgem does for GEM.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_ttm_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/ttm/ttm_backup.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_range_manager.h>
#include <drm/ttm/ttm_shrinker.h>
#include <drm/ttm/ttm_tt.h>
#include <uapi/drm/vttm_drm.h>

#define DRIVER_NAME	"vttm"
#define DRIVER_DESC	"Virtual TTM device"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

/* pwrite and pread go through a bounce buffer of this size (see vttm_bo_rw()). */
#define VTTM_RW_CHUNK	SZ_64K

static unsigned int vram_size = 64;
module_param(vram_size, uint, 0444);
MODULE_PARM_DESC(vram_size,
		 "Size of the device's VRAM in MiB, its content kept in pages allocated when written (default: 64)");

static bool memcg_account = true;
module_param(memcg_account, bool, 0444);
MODULE_PARM_DESC(memcg_account,
		 "Charge buffer object pages to their creator's memory cgroup (default: true)");

/*
 * @vram holds the content of VRAM: the page of each VRAM page (by its
 * offset in the range manager) that was written since it was allocated.
 * The bo that holds a range changes its pages under the bo's lock; the
 * pages are freed when the range is.
 */
struct vttm_device {
	struct drm_device drm;
	struct ttm_device ttm;
	struct ttm_shrinker shrinker;
	struct platform_device *pdev;
	struct xarray vram;
};

/* A bo for VRAM falls back to system memory where VRAM has no room. */
struct vttm_bo {
	struct ttm_buffer_object tbo;
	struct ttm_place places[2];
	struct ttm_placement placement;
};

static struct vttm_device *vttm_device;

static struct vttm_bo *gem_to_vttm_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vttm_bo, tbo.base);
}

static struct vttm_device *ttm_to_vttm_device(struct ttm_device *bdev)
{
	return container_of(bdev, struct vttm_device, ttm);
}

/* The page of VRAM page @idx; NULL if never written (zeroes) unless @alloc. */
static struct page *vttm_vram_page(struct vttm_device *vdev, pgoff_t idx,
				   bool alloc)
{
	struct page *page = xa_load(&vdev->vram, idx);
	int ret;

	if (page || !alloc)
		return page;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);
	ret = xa_err(xa_store(&vdev->vram, idx, page, GFP_KERNEL));
	if (ret) {
		__free_page(page);
		return ERR_PTR(ret);
	}
	return page;
}

/* A VRAM range is free: forget its content. */
static void vttm_vram_free(struct vttm_device *vdev, pgoff_t start,
			   pgoff_t nr_pages)
{
	struct page *page;
	unsigned long idx;

	xa_for_each_range(&vdev->vram, idx, page, start, start + nr_pages - 1) {
		xa_erase(&vdev->vram, idx);
		__free_page(page);
		cond_resched();
	}
}

static struct ttm_tt *vttm_tt_create(struct ttm_buffer_object *tbo,
				     u32 page_flags)
{
	struct ttm_tt *tt = kzalloc(sizeof(*tt), GFP_KERNEL_ACCOUNT);

	if (!tt)
		return NULL;

	/*
	 * Never show userspace what the pages held before. TTM lists the
	 * pages on the device's shrinker while they are populated.
	 */
	page_flags |= TTM_TT_FLAG_ZERO_ALLOC | TTM_TT_FLAG_SHRINKABLE;
	if (ttm_tt_init(tt, tbo, page_flags, ttm_cached, 0)) {
		kfree(tt);
		return NULL;
	}
	return tt;
}

static void vttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	ttm_tt_fini(tt);
	kfree(tt);
}

/* VRAM is evicted to system memory; system memory never is. */
static void vttm_evict_flags(struct ttm_buffer_object *tbo,
			     struct ttm_placement *placement)
{
	static const struct ttm_place system = { .mem_type = TTM_PL_SYSTEM };

	placement->num_placement = 1;
	placement->placement = &system;
}

/*
 * A bo only ever leaves VRAM, for system memory: its content goes into its
 * tt's pages (zeroed when allocated, so unwritten VRAM needs no copy).
 */
static int vttm_bo_move(struct ttm_buffer_object *tbo, bool evict,
			struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, struct ttm_place *hop)
{
	struct vttm_device *vdev = ttm_to_vttm_device(tbo->bdev);
	struct ttm_resource *old = tbo->resource;
	struct page *page;
	pgoff_t i;
	int ret;

	if (WARN_ON_ONCE(old && new_mem->mem_type == TTM_PL_VRAM))
		return -EINVAL;
	if (old && old->mem_type == TTM_PL_VRAM) {
		ret = ttm_tt_populate(tbo->bdev, tbo->ttm, ctx);
		if (ret)
			return ret;
		for (i = 0; i < tbo->ttm->num_pages; ++i) {
			page = vttm_vram_page(vdev, old->start + i, false);
			if (page)
				copy_highpage(tbo->ttm->pages[i], page);
			/* A bo may be all of VRAM. */
			cond_resched();
		}
		vttm_vram_free(vdev, old->start, tbo->ttm->num_pages);
	}
	ttm_bo_move_null(tbo, new_mem);
	return 0;
}

/* A bo released in VRAM leaves nothing behind for the range's next holder. */
static void vttm_delete_mem_notify(struct ttm_buffer_object *tbo)
{
	if (tbo->resource && tbo->resource->mem_type == TTM_PL_VRAM)
		vttm_vram_free(ttm_to_vttm_device(tbo->bdev),
			       tbo->resource->start, PFN_UP(tbo->base.size));
}

/* VRAM has no bus addresses to map: a fault on a bo in VRAM fails. */
static int vttm_io_mem_reserve(struct ttm_device *bdev,
			       struct ttm_resource *mem)
{
	return mem->mem_type == TTM_PL_VRAM ? -EINVAL : 0;
}

static const struct ttm_device_funcs vttm_ttm_funcs = {
	.ttm_tt_create = vttm_tt_create,
	.ttm_tt_destroy = vttm_tt_destroy,
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = vttm_evict_flags,
	.move = vttm_bo_move,
	.delete_mem_notify = vttm_delete_mem_notify,
	.io_mem_reserve = vttm_io_mem_reserve,
};

static void vttm_bo_destroy(struct ttm_buffer_object *tbo)
{
	drm_gem_object_release(&tbo->base);
	kfree(container_of(tbo, struct vttm_bo, tbo));
}

static void vttm_gem_free(struct drm_gem_object *obj)
{
	ttm_bo_put(&gem_to_vttm_bo(obj)->tbo);
}

static const struct drm_gem_object_funcs vttm_gem_funcs = {
	.free = vttm_gem_free,
	.mmap = drm_gem_ttm_mmap,
};

static int vttm_bo_create_ioctl(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	struct vttm_device *vdev = container_of(dev, struct vttm_device, drm);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct drm_vttm_bo_create *args = data;
	struct vttm_bo *bo;
	int ret;

	/* No bo larger than the memory: its page array alone would be huge. */
	if ((args->flags & ~DRM_VTTM_CREATE_VRAM) || !args->size ||
	    !PAGE_ALIGNED(args->size) ||
	    args->size >> PAGE_SHIFT > totalram_pages())
		return -EINVAL;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL_ACCOUNT);
	if (!bo)
		return -ENOMEM;

	bo->tbo.base.funcs = &vttm_gem_funcs;
	drm_gem_private_object_init(dev, &bo->tbo.base, args->size);
	if (args->flags & DRM_VTTM_CREATE_VRAM) {
		/* Only where eviction cannot make room in VRAM: system memory. */
		bo->places[0].mem_type = TTM_PL_VRAM;
		bo->places[1].mem_type = TTM_PL_SYSTEM;
		bo->places[1].flags = TTM_PL_FLAG_FALLBACK;
		bo->placement.num_placement = 2;
	} else {
		bo->places[0].mem_type = TTM_PL_SYSTEM;
		bo->placement.num_placement = 1;
	}
	bo->placement.placement = bo->places;

	/* On failure, this puts the bo, which frees it. */
	ret = ttm_bo_init_reserved(&vdev->ttm, &bo->tbo, ttm_bo_type_device,
				   &bo->placement, 0, &ctx, NULL, NULL,
				   vttm_bo_destroy);
	if (ret)
		return ret;
	dma_resv_unlock(bo->tbo.base.resv);
	ret = drm_gem_handle_create(file, &bo->tbo.base, &args->handle);
	/* The handle holds the bo now, or nothing does. */
	drm_gem_object_put(&bo->tbo.base);
	return ret;
}

static bool vttm_bo_in_vram(struct vttm_bo *bo)
{
	return bo->tbo.resource && bo->tbo.resource->mem_type == TTM_PL_VRAM;
}

/* Lock a bo with its content at hand: in VRAM, or its pages resident. */
static int vttm_bo_lock_resident(struct vttm_bo *bo)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	int ret;

	ret = dma_resv_lock_interruptible(bo->tbo.base.resv, NULL);
	if (ret || vttm_bo_in_vram(bo))
		return ret;
	ret = ttm_tt_populate(bo->tbo.bdev, bo->tbo.ttm, &ctx);
	if (ret)
		dma_resv_unlock(bo->tbo.base.resv);
	return ret;
}

/*
 * The page that holds page @i of a locked bo, from vttm_bo_lock_resident();
 * NULL for VRAM never written (zeroes) unless @write.
 */
static struct page *vttm_bo_page(struct vttm_bo *bo, pgoff_t i, bool write)
{
	if (vttm_bo_in_vram(bo))
		return vttm_vram_page(ttm_to_vttm_device(bo->tbo.bdev),
				      bo->tbo.resource->start + i, write);
	return bo->tbo.ttm->pages[i];
}

/* Copy between a locked bo at @offset and @buf. */
static int vttm_bo_copy(struct vttm_bo *bo, u64 offset, void *buf, size_t len,
			bool write)
{
	struct page *page;

	while (len) {
		size_t in_page = offset & ~PAGE_MASK;
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);

		page = vttm_bo_page(bo, offset >> PAGE_SHIFT, write);
		if (IS_ERR(page))
			return PTR_ERR(page);
		if (write)
			memcpy_to_page(page, in_page, buf, n);
		else if (page)
			memcpy_from_page(buf, page, in_page, n);
		else
			memset(buf, 0, n);
		offset += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * User memory is copied outside the bo's lock, through a bounce buffer: a
 * fault on user memory (which may be a mapping of this very bo) takes the
 * mmap lock, which ranks above the reservation lock.
 */
static int vttm_bo_rw(struct drm_file *file, struct drm_vttm_bo_rw *args,
		      bool write)
{
	void __user *user = u64_to_user_ptr(args->data_ptr);
	u64 offset = args->offset, left = args->size;
	struct drm_gem_object *obj;
	struct vttm_bo *bo;
	void *bounce;
	int ret = 0;

	if (args->pad)
		return -EINVAL;

	/* Held throughout: the handle may name another bo once we let go. */
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = gem_to_vttm_bo(obj);
	if (args->offset > obj->size || args->size > obj->size - args->offset)
		ret = -EINVAL;
	if (ret || !args->size)
		goto out_put;

	bounce = kvmalloc(min_t(u64, left, VTTM_RW_CHUNK), GFP_KERNEL);
	if (!bounce) {
		ret = -ENOMEM;
		goto out_put;
	}

	while (left) {
		size_t n = min_t(u64, left, VTTM_RW_CHUNK);

		if (write && copy_from_user(bounce, user, n)) {
			ret = -EFAULT;
			break;
		}
		ret = vttm_bo_lock_resident(bo);
		if (ret)
			break;
		ret = vttm_bo_copy(bo, offset, bounce, n, write);
		dma_resv_unlock(bo->tbo.base.resv);
		if (ret)
			break;
		if (!write && copy_to_user(user, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		user += n;
		offset += n;
		left -= n;
	}

	kvfree(bounce);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

static int vttm_bo_pwrite_ioctl(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	return vttm_bo_rw(file, data, true);
}

static int vttm_bo_pread_ioctl(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	return vttm_bo_rw(file, data, false);
}

static int vttm_bo_madvise_ioctl(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct vttm_device *vdev = container_of(dev, struct vttm_device, drm);
	struct drm_vttm_bo_madvise *args = data;
	struct drm_gem_object *obj;
	struct ttm_tt *tt;
	bool dontneed;
	int ret;

	if (args->pad || (args->madv != DRM_VTTM_MADV_WILLNEED &&
			  args->madv != DRM_VTTM_MADV_DONTNEED))
		return -EINVAL;
	dontneed = args->madv == DRM_VTTM_MADV_DONTNEED;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_put;

	tt = gem_to_vttm_bo(obj)->tbo.ttm;
	/* A bo in VRAM has no pages to drop. */
	if (!tt) {
		ret = -EINVAL;
		goto out_unlock;
	}
	args->retained = !(tt->page_flags & TTM_TT_FLAG_PURGED);
	ttm_shrinker_set_purgeable(tt, dontneed);
	/* A backup of content nobody needs only takes up swap. */
	if (dontneed && ttm_tt_is_backed_up(tt))
		ttm_tt_backup(&vdev->ttm, tt,
			      (struct ttm_backup_flags){ .purge = true });
out_unlock:
	dma_resv_unlock(obj->resv);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

/* The cgroup v2 id of the memory cgroup that @objcg charges. */
static u64 vttm_objcg_cgroup_id(struct obj_cgroup *objcg)
{
	u64 id = 0;

#ifdef CONFIG_MEMCG
	if (objcg) {
		rcu_read_lock();
		id = cgroup_id(obj_cgroup_memcg(objcg)->css.cgroup);
		rcu_read_unlock();
	}
#endif
	return id;
}

/*
 * The pages of @tt that are in memory in physically contiguous, aligned
 * blocks of 2 MiB, the size a GPU or IOMMU maps with one entry.
 */
static u64 vttm_tt_pages_in_2m_blocks(struct ttm_tt *tt)
{
	const pgoff_t block = SZ_2M >> PAGE_SHIFT;
	pgoff_t i = 0, j;
	u64 pages = 0;

	while (i + block <= tt->num_pages) {
		unsigned long pfn;

		if (ttm_backup_page_ptr_is_handle(tt->pages[i]) ||
		    !IS_ALIGNED(page_to_pfn(tt->pages[i]), block)) {
			++i;
			continue;
		}
		pfn = page_to_pfn(tt->pages[i]);
		for (j = 1; j < block; ++j)
			if (ttm_backup_page_ptr_is_handle(tt->pages[i + j]) ||
			    page_to_pfn(tt->pages[i + j]) != pfn + j)
				break;
		if (j == block)
			pages += block;
		i += j;
	}
	return pages;
}

static int vttm_bo_info_ioctl(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct drm_vttm_bo_info *args = data;
	struct drm_gem_object *obj;
	struct ttm_buffer_object *tbo;
	u64 resident = 0, backed_up = 0, in_2m = 0;
	struct ttm_tt *tt;
	u32 i;
	int ret;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	tbo = &gem_to_vttm_bo(obj)->tbo;
	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_put;

	tt = tbo->ttm;
	args->flags = 0;
	if (!tt) {
		/* In VRAM: nothing resident in system memory. */
	} else if (ttm_tt_is_populated(tt)) {
		resident = tt->num_pages;
	} else if (ttm_tt_is_backed_up(tt)) {
		for (i = 0; i < tt->num_pages; ++i) {
			if (ttm_backup_page_ptr_is_handle(tt->pages[i]))
				++backed_up;
			else
				++resident;
		}
	}
	if (resident)
		in_2m = vttm_tt_pages_in_2m_blocks(tt);
	if (tt && (tt->page_flags & TTM_TT_FLAG_PURGEABLE))
		args->flags |= DRM_VTTM_BO_PURGEABLE;
	if (tt && (tt->page_flags & TTM_TT_FLAG_PURGED))
		args->flags |= DRM_VTTM_BO_PURGED;
	if (tbo->resource && tbo->resource->mem_type == TTM_PL_VRAM)
		args->flags |= DRM_VTTM_BO_VRAM;
	args->size = obj->size;
	args->resident = resident << PAGE_SHIFT;
	args->backed_up = backed_up << PAGE_SHIFT;
	args->resident_2m = in_2m << PAGE_SHIFT;
	args->owner_cgroup_id = vttm_objcg_cgroup_id(tbo->objcg);
	dma_resv_unlock(obj->resv);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

static int vttm_bo_mmap_offset_ioctl(struct drm_device *dev, void *data,
				     struct drm_file *file)
{
	struct drm_vttm_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

static const struct drm_ioctl_desc vttm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VTTM_BO_CREATE, vttm_bo_create_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_PWRITE, vttm_bo_pwrite_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_PREAD, vttm_bo_pread_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_MADVISE, vttm_bo_madvise_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_INFO, vttm_bo_info_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_MMAP_OFFSET, vttm_bo_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(vttm_fops);

/*
 * Writing to debugfs dri/N/vttm_evict_all moves every bo out of VRAM, as a
 * driver does before suspend, so that tests can see that no cgroup's limit
 * makes it fail.
 */
static ssize_t vttm_evict_all_write(struct file *file, const char __user *buf,
				    size_t len, loff_t *ppos)
{
	struct vttm_device *vdev = file_inode(file)->i_private;
	int ret;

	ret = ttm_resource_manager_evict_all(&vdev->ttm,
					     ttm_manager_type(&vdev->ttm,
							      TTM_PL_VRAM));
	return ret ?: len;
}

static const struct file_operations vttm_evict_all_fops = {
	.owner = THIS_MODULE,
	.write = vttm_evict_all_write,
};

static void vttm_debugfs_init(struct drm_minor *minor)
{
	struct vttm_device *vdev = container_of(minor->dev, struct vttm_device,
						drm);

	debugfs_create_file("vttm_evict_all", 0200, minor->debugfs_root, vdev,
			    &vttm_evict_all_fops);
}

static const struct drm_driver vttm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.ioctls = vttm_ioctls,
	.num_ioctls = ARRAY_SIZE(vttm_ioctls),
	.fops = &vttm_fops,
	.debugfs_init = vttm_debugfs_init,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static int __init vttm_init(void)
{
	struct platform_device *pdev;
	struct vttm_device *vdev;
	int ret;

	pdev = platform_device_register_simple(DRIVER_NAME, -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	if (!devres_open_group(&pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister;
	}

	vdev = devm_drm_dev_alloc(&pdev->dev, &vttm_driver, struct vttm_device,
				  drm);
	if (IS_ERR(vdev)) {
		ret = PTR_ERR(vdev);
		goto err_devres;
	}
	vdev->pdev = pdev;
	xa_init(&vdev->vram);

	ret = ttm_device_init(&vdev->ttm, &vttm_ttm_funcs, vdev->drm.dev,
			      vdev->drm.anon_inode->i_mapping,
			      vdev->drm.vma_offset_manager, false, false);
	if (ret)
		goto err_devres;
	vdev->ttm.memcg_account = memcg_account;

	ret = ttm_range_man_init(&vdev->ttm, TTM_PL_VRAM, false,
				 (unsigned long)vram_size << (20 - PAGE_SHIFT));
	if (ret)
		goto err_ttm;

	ret = ttm_shrinker_init(&vdev->shrinker, &vdev->ttm, DRIVER_NAME);
	if (ret)
		goto err_vram;

	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_shrinker;

	vttm_device = vdev;
	return 0;

err_shrinker:
	ttm_shrinker_fini(&vdev->shrinker);
err_vram:
	ttm_range_man_fini(&vdev->ttm, TTM_PL_VRAM);
err_ttm:
	ttm_device_fini(&vdev->ttm);
err_devres:
	devres_release_group(&pdev->dev, NULL);
err_unregister:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit vttm_exit(void)
{
	struct vttm_device *vdev = vttm_device;
	struct platform_device *pdev = vdev->pdev;

	drm_dev_unregister(&vdev->drm);
	/* Bos released late are freed from the device's workqueue. */
	drain_workqueue(vdev->ttm.wq);
	ttm_shrinker_fini(&vdev->shrinker);
	ttm_range_man_fini(&vdev->ttm, TTM_PL_VRAM);
	ttm_device_fini(&vdev->ttm);
	/* Every bo is gone, and with it every page of VRAM. */
	WARN_ON(!xa_empty(&vdev->vram));
	devres_release_group(&pdev->dev, NULL);
	platform_device_unregister(pdev);
}

module_init(vttm_init);
module_exit(vttm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("Dual MIT/GPL");
