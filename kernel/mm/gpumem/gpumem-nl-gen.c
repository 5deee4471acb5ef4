// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/gpumem.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "gpumem-nl-gen.h"

#include <uapi/linux/gpumem.h>

/* GPUMEM_CMD_POLICY_GET - do */
static const struct nla_policy gpumem_policy_get_do_nl_policy[GPUMEM_A_CGROUP_ID + 1] = {
	[GPUMEM_A_CGROUP_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
};

/* GPUMEM_CMD_POLICY_GET - dump */
static const struct nla_policy gpumem_policy_get_dump_nl_policy[GPUMEM_A_CGROUP_ID + 1] = {
	[GPUMEM_A_CGROUP_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
};

/* GPUMEM_CMD_POLICY_SET - do */
static const struct nla_policy gpumem_policy_set_nl_policy[GPUMEM_A_CGROUP_VRAM_MAX + 1] = {
	[GPUMEM_A_CGROUP_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
	[GPUMEM_A_CGROUP_PURGE] = NLA_POLICY_MAX(NLA_U32, 2),
	[GPUMEM_A_CGROUP_WRITEBACK] = NLA_POLICY_MAX(NLA_U32, 1),
	[GPUMEM_A_CGROUP_SWAP_BUDGET] = { .type = NLA_UINT, },
	[GPUMEM_A_CGROUP_VRAM_MAX] = { .type = NLA_UINT, },
};

/* GPUMEM_CMD_STATS_GET - do */
static const struct nla_policy gpumem_stats_get_do_nl_policy[GPUMEM_A_CGROUP_ID + 1] = {
	[GPUMEM_A_CGROUP_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
};

/* GPUMEM_CMD_STATS_GET - dump */
static const struct nla_policy gpumem_stats_get_dump_nl_policy[GPUMEM_A_CGROUP_ID + 1] = {
	[GPUMEM_A_CGROUP_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
};

/* GPUMEM_CMD_RECLAIM - do */
static const struct nla_policy gpumem_reclaim_nl_policy[GPUMEM_A_RECLAIM_BYTES + 1] = {
	[GPUMEM_A_RECLAIM_ID] = NLA_POLICY_MIN(NLA_UINT, 1),
	[GPUMEM_A_RECLAIM_BYTES] = NLA_POLICY_MIN(NLA_UINT, 1),
};

/* Ops table for gpumem */
static const struct genl_split_ops gpumem_nl_ops[] = {
	{
		.cmd		= GPUMEM_CMD_POLICY_GET,
		.doit		= gpumem_nl_policy_get_doit,
		.policy		= gpumem_policy_get_do_nl_policy,
		.maxattr	= GPUMEM_A_CGROUP_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= GPUMEM_CMD_POLICY_GET,
		.dumpit		= gpumem_nl_policy_get_dumpit,
		.policy		= gpumem_policy_get_dump_nl_policy,
		.maxattr	= GPUMEM_A_CGROUP_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= GPUMEM_CMD_POLICY_SET,
		.doit		= gpumem_nl_policy_set_doit,
		.policy		= gpumem_policy_set_nl_policy,
		.maxattr	= GPUMEM_A_CGROUP_VRAM_MAX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= GPUMEM_CMD_STATS_GET,
		.doit		= gpumem_nl_stats_get_doit,
		.policy		= gpumem_stats_get_do_nl_policy,
		.maxattr	= GPUMEM_A_CGROUP_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= GPUMEM_CMD_STATS_GET,
		.dumpit		= gpumem_nl_stats_get_dumpit,
		.policy		= gpumem_stats_get_dump_nl_policy,
		.maxattr	= GPUMEM_A_CGROUP_ID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= GPUMEM_CMD_RECLAIM,
		.doit		= gpumem_nl_reclaim_doit,
		.policy		= gpumem_reclaim_nl_policy,
		.maxattr	= GPUMEM_A_RECLAIM_BYTES,
		.flags		= GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group gpumem_nl_mcgrps[] = {
	[GPUMEM_NLGRP_EVENTS] = { "events", .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

struct genl_family gpumem_nl_family __ro_after_init = {
	.name		= GPUMEM_FAMILY_NAME,
	.version	= GPUMEM_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= gpumem_nl_ops,
	.n_split_ops	= ARRAY_SIZE(gpumem_nl_ops),
	.mcgrps		= gpumem_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(gpumem_nl_mcgrps),
};
