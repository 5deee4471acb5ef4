/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per memory cgroup policy, budget and statistics of the system memory of
 * GPU buffers; see Documentation/netlink/specs/gpumem.yaml.
 */
#ifndef _LINUX_GPUMEM_H
#define _LINUX_GPUMEM_H

#include <linux/errno.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/gpumem.h>

struct mem_cgroup;
struct obj_cgroup;

/**
 * struct gpumem_policy - The policy in force for a memory cgroup
 * @purge: When purgeable buffers are purged.
 * @writeback: Whether backed-up pages are written to swap at once.
 */
struct gpumem_policy {
	enum gpumem_purge purge;
	enum gpumem_writeback writeback;
};

/**
 * enum gpumem_total - What the totals of a cgroup count, in pages
 * @GPUMEM_PURGED: Pages purged.
 * @GPUMEM_BACKED_UP: Pages backed up.
 * @GPUMEM_RESTORED: Pages restored from backup.
 * @GPUMEM_NR_TOTALS: The number of totals.
 */
enum gpumem_total {
	GPUMEM_PURGED,
	GPUMEM_BACKED_UP,
	GPUMEM_RESTORED,
	GPUMEM_NR_TOTALS,
};

/**
 * struct gpumem_reclaim_stats - What a reclaim did, in pages
 * @freed: Pages that left memory: purged, freed with their bo, or backed
 * up and written out (a copy still in memory frees nothing yet).
 * @purged: Pages purged.
 * @backed_up: Pages backed up, their copies in memory or not.
 */
struct gpumem_reclaim_stats {
	unsigned long freed;
	unsigned long purged;
	unsigned long backed_up;
};

/**
 * struct gpumem_reclaimer - Something that can free buffer memory of a cgroup
 * @link: In the list of reclaimers.
 * @reclaim: Free up to @nr_pages pages of the buffers charged to @memcg
 * itself (not its descendants) as @memcg's policy says, add what was done
 * to @stats (what left memory to its @freed) and return the number of
 * pages taken from the buffers (purged, backed up or discarded), 0 when
 * there was nothing to take. May sleep.
 * @evict_vram: Move up to @nr_pages pages of device memory (VRAM) of the
 * buffers charged to @memcg's subtree out of VRAM, counting each buffer
 * with gpumem_vram_evicted(), and return the number of pages moved (a
 * buffer goes whole). NULL for a reclaimer without VRAM. May sleep.
 */
struct gpumem_reclaimer {
	struct list_head link;
	unsigned long (*reclaim)(struct gpumem_reclaimer *reclaimer,
				 struct mem_cgroup *memcg,
				 unsigned long nr_pages,
				 struct gpumem_reclaim_stats *stats);
	unsigned long (*evict_vram)(struct gpumem_reclaimer *reclaimer,
				    struct mem_cgroup *memcg,
				    unsigned long nr_pages);
};

#ifdef CONFIG_GPUMEM
int gpumem_memcg_online(struct mem_cgroup *memcg);
void gpumem_memcg_offline(struct mem_cgroup *memcg);
void gpumem_policy_of(struct mem_cgroup *memcg, struct gpumem_policy *policy);
int gpumem_backup_charge(struct obj_cgroup *objcg, unsigned long nr_pages);
void gpumem_backup_uncharge(struct obj_cgroup *objcg, unsigned long nr_pages);
void gpumem_purgeable_add(struct obj_cgroup *objcg, unsigned long nr_pages);
void gpumem_purgeable_sub(struct obj_cgroup *objcg, unsigned long nr_pages);
void gpumem_count(struct obj_cgroup *objcg, enum gpumem_total total,
		  unsigned long nr_pages);
int gpumem_vram_charge(struct obj_cgroup *objcg, unsigned long nr_pages,
		       struct mem_cgroup **limit);
void gpumem_vram_uncharge(struct obj_cgroup *objcg, unsigned long nr_pages);
bool gpumem_owned_by(struct obj_cgroup *objcg, struct mem_cgroup *memcg);
bool gpumem_charges_current(struct obj_cgroup *objcg);
struct mem_cgroup *gpumem_get_owner_memcg(struct obj_cgroup *objcg);
void gpumem_vram_evicted(struct obj_cgroup *objcg, unsigned long nr_pages,
			 struct mem_cgroup *limit);
void gpumem_register_reclaimer(struct gpumem_reclaimer *reclaimer);
void gpumem_unregister_reclaimer(struct gpumem_reclaimer *reclaimer);
#else
static inline int gpumem_memcg_online(struct mem_cgroup *memcg)
{
	return 0;
}

static inline void gpumem_memcg_offline(struct mem_cgroup *memcg)
{
}

static inline void gpumem_policy_of(struct mem_cgroup *memcg,
				    struct gpumem_policy *policy)
{
	policy->purge = GPUMEM_PURGE_FIRST;
	policy->writeback = GPUMEM_WRITEBACK_IMMEDIATE;
}

static inline int gpumem_backup_charge(struct obj_cgroup *objcg,
				       unsigned long nr_pages)
{
	return 0;
}

static inline void gpumem_backup_uncharge(struct obj_cgroup *objcg,
					  unsigned long nr_pages)
{
}

static inline void gpumem_purgeable_add(struct obj_cgroup *objcg,
					unsigned long nr_pages)
{
}

static inline void gpumem_purgeable_sub(struct obj_cgroup *objcg,
					unsigned long nr_pages)
{
}

static inline void gpumem_count(struct obj_cgroup *objcg,
				enum gpumem_total total,
				unsigned long nr_pages)
{
}

static inline int gpumem_vram_charge(struct obj_cgroup *objcg,
				     unsigned long nr_pages,
				     struct mem_cgroup **limit)
{
	*limit = NULL;
	return 0;
}

static inline void gpumem_vram_uncharge(struct obj_cgroup *objcg,
					unsigned long nr_pages)
{
}

static inline bool gpumem_owned_by(struct obj_cgroup *objcg,
				   struct mem_cgroup *memcg)
{
	return false;
}

static inline bool gpumem_charges_current(struct obj_cgroup *objcg)
{
	return true;
}

static inline struct mem_cgroup *gpumem_get_owner_memcg(struct obj_cgroup *objcg)
{
	return NULL;
}

static inline void gpumem_vram_evicted(struct obj_cgroup *objcg,
				       unsigned long nr_pages,
				       struct mem_cgroup *limit)
{
}

static inline void gpumem_register_reclaimer(struct gpumem_reclaimer *reclaimer)
{
}

static inline void
gpumem_unregister_reclaimer(struct gpumem_reclaimer *reclaimer)
{
}
#endif

#endif /* _LINUX_GPUMEM_H */
