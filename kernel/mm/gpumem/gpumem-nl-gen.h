/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/gpumem.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_GPUMEM_GEN_H
#define _LINUX_GPUMEM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/gpumem.h>

int gpumem_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info);
int gpumem_nl_policy_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int gpumem_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info);
int gpumem_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int gpumem_nl_stats_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int gpumem_nl_reclaim_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	GPUMEM_NLGRP_EVENTS,
};

extern struct genl_family gpumem_nl_family;

#endif /* _LINUX_GPUMEM_GEN_H */
