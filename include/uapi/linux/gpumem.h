/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/gpumem.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_GPUMEM_H
#define _UAPI_LINUX_GPUMEM_H

#define GPUMEM_FAMILY_NAME	"gpumem"
#define GPUMEM_FAMILY_VERSION	1

/**
 * enum gpumem_purge - When purgeable buffers (marked "don't need") are purged.
 * @GPUMEM_PURGE_FIRST: Purge purgeable buffers before backing up any buffer.
 * @GPUMEM_PURGE_LAST: Back up purgeable buffers like the others while the swap
 *   budget allows; purge them only when it does not (or there is no swap).
 * @GPUMEM_PURGE_NEVER: Never purge; purgeable buffers are backed up like the
 *   others.
 */
enum gpumem_purge {
	GPUMEM_PURGE_FIRST,
	GPUMEM_PURGE_LAST,
	GPUMEM_PURGE_NEVER,
};

/**
 * enum gpumem_writeback - What happens to the shmem copy of a backed-up
 *   buffer.
 * @GPUMEM_WRITEBACK_IMMEDIATE: Written to swap at once, so that the memory is
 *   freed now.
 * @GPUMEM_WRITEBACK_DEFERRED: Left in shmem, for memory reclaim to write out
 *   when it needs to.
 */
enum gpumem_writeback {
	GPUMEM_WRITEBACK_IMMEDIATE,
	GPUMEM_WRITEBACK_DEFERRED,
};

enum {
	GPUMEM_A_CGROUP_ID = 1,
	GPUMEM_A_CGROUP_PURGE,
	GPUMEM_A_CGROUP_WRITEBACK,
	GPUMEM_A_CGROUP_SWAP_BUDGET,
	GPUMEM_A_CGROUP_EFFECTIVE_PURGE,
	GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
	GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET,
	GPUMEM_A_CGROUP_RESIDENT,
	GPUMEM_A_CGROUP_PURGEABLE,
	GPUMEM_A_CGROUP_BACKUP,
	GPUMEM_A_CGROUP_PURGED_TOTAL,
	GPUMEM_A_CGROUP_BACKED_UP_TOTAL,
	GPUMEM_A_CGROUP_RESTORED_TOTAL,
	GPUMEM_A_CGROUP_BUDGET_DENIALS,
	GPUMEM_A_CGROUP_VRAM,
	GPUMEM_A_CGROUP_VRAM_MAX,
	GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX,
	GPUMEM_A_CGROUP_VRAM_EVICTIONS,
	GPUMEM_A_CGROUP_PATH,
	GPUMEM_A_CGROUP_MEMORY_CURRENT,
	GPUMEM_A_CGROUP_MEMORY_MAX,
	GPUMEM_A_CGROUP_TIMESTAMP,

	__GPUMEM_A_CGROUP_MAX,
	GPUMEM_A_CGROUP_MAX = (__GPUMEM_A_CGROUP_MAX - 1)
};

enum {
	GPUMEM_A_RECLAIM_ID = 1,
	GPUMEM_A_RECLAIM_BYTES,
	GPUMEM_A_RECLAIM_FREED,
	GPUMEM_A_RECLAIM_PURGED,
	GPUMEM_A_RECLAIM_BACKED_UP,

	__GPUMEM_A_RECLAIM_MAX,
	GPUMEM_A_RECLAIM_MAX = (__GPUMEM_A_RECLAIM_MAX - 1)
};

enum {
	GPUMEM_A_EVENT_ID = 1,
	GPUMEM_A_EVENT_BYTES,
	GPUMEM_A_EVENT_BUDGET_ID,
	GPUMEM_A_EVENT_LIMIT_ID,
	GPUMEM_A_EVENT_TIMESTAMP,

	__GPUMEM_A_EVENT_MAX,
	GPUMEM_A_EVENT_MAX = (__GPUMEM_A_EVENT_MAX - 1)
};

enum {
	GPUMEM_CMD_POLICY_GET = 1,
	GPUMEM_CMD_POLICY_SET,
	GPUMEM_CMD_STATS_GET,
	GPUMEM_CMD_RECLAIM,
	GPUMEM_CMD_PURGE_NTF,
	GPUMEM_CMD_BUDGET_NTF,
	GPUMEM_CMD_POLICY_NTF,
	GPUMEM_CMD_VRAM_NTF,

	__GPUMEM_CMD_MAX,
	GPUMEM_CMD_MAX = (__GPUMEM_CMD_MAX - 1)
};

#define GPUMEM_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_GPUMEM_H */
