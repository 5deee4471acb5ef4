// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem netlink: the handlers of the "gpumem" generic netlink family
 * (Documentation/netlink/specs/gpumem.yaml; its policies are generated
 * into gpumem-nl-gen.c) that read and set the policy, read the statistics
 * and reclaim, and the events it multicasts. Locking: see internal.h.
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/gpumem.h>
#include <linux/kernfs.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/page_counter.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "gpumem-nl-gen.h"
#include "internal.h"

static u64 gpumem_bytes(unsigned long nr_pages)
{
	return (u64)nr_pages << PAGE_SHIFT;
}

/* A page counter's max in bytes; all ones for "no limit". */
static u64 gpumem_max_bytes(unsigned long max)
{
	return max >= PAGE_COUNTER_MAX ? U64_MAX : gpumem_bytes(max);
}

/*
 * What a reply is filled for: the root of the requester's cgroup namespace,
 * which paths are relative to, and a buffer of PATH_MAX bytes for them
 * (NULL for replies that carry no path).
 */
struct gpumem_fill_ctx {
	struct cgroup *ns_root;
	char *path;
};

/* The policy attributes, own and in force; one place for every reply. */
static int gpumem_put_policy(struct sk_buff *skb, struct gpumem_memcg *gm)
{
	struct gpumem_policy policy;

	gpumem_effective(gm, &policy);
	return nla_put_u32(skb, GPUMEM_A_CGROUP_PURGE, READ_ONCE(gm->purge)) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_WRITEBACK,
			   READ_ONCE(gm->writeback)) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_SWAP_BUDGET,
			    gpumem_max_bytes(READ_ONCE(gm->backup.max))) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, policy.purge) ||
	       nla_put_u32(skb, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
			   policy.writeback) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET,
			    gpumem_max_bytes(gpumem_effective_max(&gm->backup))) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM_MAX,
			    gpumem_max_bytes(READ_ONCE(gm->vram.max))) ||
	       nla_put_uint(skb, GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX,
			    gpumem_max_bytes(gpumem_effective_max(&gm->vram)));
}

static int gpumem_fill_policy(struct sk_buff *skb, struct gpumem_memcg *gm,
			      struct gpumem_fill_ctx *ctx)
{
	if (nla_put_uint(skb, GPUMEM_A_CGROUP_ID, gm->id) ||
	    gpumem_put_policy(skb, gm))
		return -EMSGSIZE;
	return 0;
}

/*
 * The cgroup's path and memory.current and memory.max, so that a dump is
 * all a reader needs. The root cgroup has neither file.
 */
static int gpumem_put_memcg(struct sk_buff *skb, struct gpumem_memcg *gm,
			    struct gpumem_fill_ctx *ctx)
{
	struct mem_cgroup *memcg = gm->memcg;
	int len;

	len = kernfs_path_from_node(memcg->css.cgroup->kn, ctx->ns_root->kn,
				    ctx->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (nla_put_string(skb, GPUMEM_A_CGROUP_PATH, ctx->path))
		return -EMSGSIZE;
	if (mem_cgroup_is_root(memcg))
		return 0;
	if (nla_put_uint(skb, GPUMEM_A_CGROUP_MEMORY_CURRENT,
			 gpumem_bytes(page_counter_read(&memcg->memory))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_MEMORY_MAX,
			 gpumem_max_bytes(READ_ONCE(memcg->memory.max))))
		return -EMSGSIZE;
	return 0;
}

/* Memory cgroup statistics are flushed by the caller. */
static int gpumem_fill_stats(struct sk_buff *skb, struct gpumem_memcg *gm,
			     struct gpumem_fill_ctx *ctx)
{
	int ret;

	if (nla_put_uint(skb, GPUMEM_A_CGROUP_ID, gm->id))
		return -EMSGSIZE;
	ret = gpumem_put_memcg(skb, gm, ctx);
	if (ret)
		return ret;
	if (gpumem_put_policy(skb, gm) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_RESIDENT,
			 gpumem_bytes(memcg_page_state(gm->memcg, MEMCG_GPU))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_PURGEABLE,
			 gpumem_bytes(page_counter_read(&gm->purgeable))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BACKUP,
			 gpumem_bytes(page_counter_read(&gm->backup))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_PURGED_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_PURGED]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BACKED_UP_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_BACKED_UP]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_RESTORED_TOTAL,
			 gpumem_bytes(atomic_long_read(&gm->totals[GPUMEM_RESTORED]))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_BUDGET_DENIALS,
			 atomic_long_read(&gm->denials)) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM,
			 gpumem_bytes(page_counter_read(&gm->vram))) ||
	    nla_put_uint(skb, GPUMEM_A_CGROUP_VRAM_EVICTIONS,
			 atomic_long_read(&gm->vram_evictions)))
		return -EMSGSIZE;
	return 0;
}

/*
 * The memory cgroup named by attribute @attr of a request, with a reference,
 * or an error with an extack message. Only a cgroup that has a memory
 * controller of its own and is online has gpumem state.
 */
static struct mem_cgroup *gpumem_nl_memcg(struct genl_info *info,
					  unsigned int attr)
{
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;

	if (GENL_REQ_ATTR_CHECK(info, attr)) {
		GENL_SET_ERR_MSG(info, "the cgroup id is missing");
		return ERR_PTR(-EINVAL);
	}

	cgrp = cgroup_get_from_id(nla_get_uint(info->attrs[attr]));
	if (IS_ERR(cgrp)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no cgroup with this id");
		return ERR_PTR(-ENOENT);
	}
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css || css->cgroup != cgrp || css_is_dying(css)) {
		if (css)
			css_put(css);
		cgroup_put(cgrp);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "cgroup has no memory controller of its own");
		return ERR_PTR(-ENOENT);
	}
	cgroup_put(cgrp);
	return mem_cgroup_from_css(css);
}

typedef int (*gpumem_fill_fn)(struct sk_buff *skb, struct gpumem_memcg *gm,
			      struct gpumem_fill_ctx *ctx);

/* The root of the requester's cgroup namespace on the default hierarchy. */
static struct cgroup *gpumem_ns_root(void)
{
	return current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;
}

static int gpumem_nl_get_doit(struct sk_buff *skb, struct genl_info *info,
			      gpumem_fill_fn fill)
{
	struct gpumem_fill_ctx ctx = { .ns_root = gpumem_ns_root() };
	struct gpumem_memcg *gm;
	struct mem_cgroup *memcg;
	struct sk_buff *rsp;
	void *hdr;
	int ret;

	memcg = gpumem_nl_memcg(info, GPUMEM_A_CGROUP_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);

	ret = -ENOMEM;
	ctx.path = kmalloc(PATH_MAX, GFP_KERNEL);
	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp || !ctx.path)
		goto err_free;
	hdr = genlmsg_iput(rsp, info);
	if (!hdr)
		goto err_free;

	mem_cgroup_flush_stats(memcg);
	rcu_read_lock();
	gm = gpumem_lookup(gpumem_memcg_id(memcg));
	ret = gm ? fill(rsp, gm, &ctx) : -ENOENT;
	rcu_read_unlock();
	if (ret) {
		if (ret == -ENOENT)
			GENL_SET_ERR_MSG(info, "cgroup went away");
		goto err_free;
	}
	genlmsg_end(rsp, hdr);
	ret = genlmsg_reply(rsp, info);
	goto out;

err_free:
	nlmsg_free(rsp);
out:
	kfree(ctx.path);
	mem_cgroup_put(memcg);
	return ret;
}

/*
 * Where a dump goes on: the xarray index of the next cgroup (see
 * gpumem_index()); the id of the subtree asked for, 0 for all.
 */
struct gpumem_dump_ctx {
	unsigned long next;
	u64 subtree_id;
};

/*
 * The root of the subtree a dump covers, referenced: the cgroup the request
 * names (which must be inside the requester's cgroup namespace), else the
 * namespace's root.
 */
static struct cgroup *gpumem_dump_root(struct netlink_callback *cb,
				       struct gpumem_dump_ctx *ctx)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct nlattr *attr = info->attrs[GPUMEM_A_CGROUP_ID];
	struct cgroup *root;

	if (!ctx->next && attr)
		ctx->subtree_id = nla_get_uint(attr);
	if (!ctx->subtree_id) {
		root = gpumem_ns_root();
		cgroup_get(root);
		return root;
	}
	/* Looked up again by each part of the dump: it may have gone. */
	root = cgroup_get_from_id(ctx->subtree_id);
	if (IS_ERR(root) && !ctx->next)
		NL_SET_ERR_MSG_ATTR(cb->extack, attr, "no cgroup with this id");
	return root;
}

static int gpumem_nl_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb,
				gpumem_fill_fn fill)
{
	struct gpumem_dump_ctx *ctx = (void *)cb->ctx;
	const struct genl_info *info = genl_info_dump(cb);
	struct gpumem_fill_ctx fill_ctx = { .ns_root = gpumem_ns_root() };
	struct gpumem_memcg *gm;
	struct cgroup *root;
	unsigned long index;
	int ret = 0;
	void *hdr;

	NL_ASSERT_DUMP_CTX_FITS(struct gpumem_dump_ctx);

	/* A subtree root that went away mid-dump ends it with an error too. */
	root = gpumem_dump_root(cb, ctx);
	if (IS_ERR(root))
		return -ENOENT;
	fill_ctx.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!fill_ctx.path) {
		cgroup_put(root);
		return -ENOMEM;
	}
	if (!ctx->next)
		mem_cgroup_flush_stats(root_mem_cgroup);

	rcu_read_lock();
	xa_for_each_start(&gpumem_memcgs, index, gm, ctx->next) {
		/* Like a lookup by id: nothing outside the cgroup namespace. */
		if (cgroup_is_descendant(gm->memcg->css.cgroup, root)) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, info->family,
					  NLM_F_MULTI, info->genlhdr->cmd);
			if (!hdr) {
				ret = -EMSGSIZE;
				break;
			}
			ret = fill(skb, gm, &fill_ctx);
			if (ret) {
				genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		ctx->next = index + 1;
		/*
		 * A machine may have thousands of cgroups. The walk finds the
		 * next entry afresh, and @gm is not used past this point.
		 */
		cond_resched_rcu();
	}
	rcu_read_unlock();
	kfree(fill_ctx.path);
	cgroup_put(root);

	/* A full message ends this part of the dump; the rest comes next. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}

int gpumem_nl_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gpumem_nl_get_doit(skb, info, gpumem_fill_policy);
}

int gpumem_nl_policy_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return gpumem_nl_get_dumpit(skb, cb, gpumem_fill_policy);
}

int gpumem_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return gpumem_nl_get_doit(skb, info, gpumem_fill_stats);
}

int gpumem_nl_stats_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return gpumem_nl_get_dumpit(skb, cb, gpumem_fill_stats);
}

/*
 * Changing policy and reclaiming are the administrator's, not a container's:
 * CAP_SYS_ADMIN in the initial user namespace, checked here rather than by
 * the core's GENL_ADMIN_PERM, which checks CAP_NET_ADMIN.
 */
static int gpumem_nl_check_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	GENL_SET_ERR_MSG(info, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

/*
 * From inside a cgroup namespace, the policy of the namespace's root is its
 * parent's to set, as cgroupfs delegation keeps the limits of a delegated
 * cgroup with the parent: only the cgroups below it can be changed there.
 * (Cgroups outside the namespace cannot even be named.) Reclaiming the
 * root's own memory stays allowed: it gives nothing away.
 */
static int gpumem_nl_check_ns_root(struct mem_cgroup *memcg,
				   struct genl_info *info)
{
	struct cgroup *ns_root = gpumem_ns_root();

	if (memcg->css.cgroup != ns_root || !cgroup_parent(ns_root))
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[GPUMEM_A_CGROUP_ID],
			    "the root of a cgroup namespace takes its policy from outside the namespace");
	return -EPERM;
}

/* A new event message, or NULL when nobody listens (or out of memory). */
static struct sk_buff *gpumem_event_new(int cmd, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&gpumem_nl_family, &init_net,
				GPUMEM_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &gpumem_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send an event message, or drop it if filling it failed (@err). */
static void gpumem_event_send(struct sk_buff *msg, void *hdr, int err,
			      gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&gpumem_nl_family, msg, 0, GPUMEM_NLGRP_EVENTS, gfp);
}

static void gpumem_notify_policy(struct gpumem_memcg *gm)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gpumem_event_new(GPUMEM_CMD_POLICY_NTF, GFP_KERNEL, &hdr);
	if (msg)
		gpumem_event_send(msg, hdr,
				  gpumem_fill_policy(msg, gm, NULL) ||
				  nla_put_uint(msg, GPUMEM_A_CGROUP_TIMESTAMP,
					       ktime_get_real_ns()),
				  GFP_KERNEL);
}

/*
 * Called from reclaim and eviction, under RCU: nothing here may sleep.
 * @other_attr, when not 0, names a second cgroup (@other_id).
 */
void gpumem_notify_event(int cmd, u64 id, unsigned long nr_pages,
			 int other_attr, u64 other_id)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN;
	struct sk_buff *msg;
	void *hdr;

	msg = gpumem_event_new(cmd, gfp, &hdr);
	if (!msg)
		return;
	gpumem_event_send(msg, hdr,
			  nla_put_uint(msg, GPUMEM_A_EVENT_ID, id) ||
			  nla_put_uint(msg, GPUMEM_A_EVENT_BYTES,
				       gpumem_bytes(nr_pages)) ||
			  nla_put_uint(msg, GPUMEM_A_EVENT_TIMESTAMP,
				       ktime_get_real_ns()) ||
			  (other_attr && nla_put_uint(msg, other_attr, other_id)),
			  gfp);
}

/* A limit in bytes, rounded down to pages; beyond a page counter, none. */
static unsigned long gpumem_nl_pages(const struct nlattr *attr)
{
	return min_t(u64, nla_get_uint(attr) >> PAGE_SHIFT, PAGE_COUNTER_MAX);
}

int gpumem_nl_policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *purge = info->attrs[GPUMEM_A_CGROUP_PURGE];
	struct nlattr *writeback = info->attrs[GPUMEM_A_CGROUP_WRITEBACK];
	struct nlattr *budget = info->attrs[GPUMEM_A_CGROUP_SWAP_BUDGET];
	struct nlattr *vram_max = info->attrs[GPUMEM_A_CGROUP_VRAM_MAX];
	struct gpumem_memcg *gm;
	struct mem_cgroup *memcg;
	int ret;

	ret = gpumem_nl_check_admin(skb, info);
	if (ret)
		return ret;
	memcg = gpumem_nl_memcg(info, GPUMEM_A_CGROUP_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);
	ret = gpumem_nl_check_ns_root(memcg, info);
	if (ret) {
		mem_cgroup_put(memcg);
		return ret;
	}
	if (!purge && !writeback && !budget && !vram_max) {
		GENL_SET_ERR_MSG(info,
				 "nothing to set: give purge, writeback, swap-budget or vram-max");
		mem_cgroup_put(memcg);
		return -EINVAL;
	}

	mutex_lock(&gpumem_lock);
	gm = gpumem_lookup(gpumem_memcg_id(memcg));
	if (gm) {
		if (purge)
			WRITE_ONCE(gm->purge, nla_get_u32(purge));
		if (writeback)
			WRITE_ONCE(gm->writeback, nla_get_u32(writeback));
		/*
		 * Like memory.swap.max: a budget below what is in backup now
		 * only refuses new backups.
		 */
		if (budget)
			xchg(&gm->backup.max, gpumem_nl_pages(budget));
		/* Unlike it, a VRAM limit below what is used evicts (below). */
		if (vram_max)
			xchg(&gm->vram.max, gpumem_nl_pages(vram_max));
		gpumem_notify_policy(gm);
	} else {
		GENL_SET_ERR_MSG(info, "cgroup went away");
		ret = -ENOENT;
	}
	mutex_unlock(&gpumem_lock);
	if (!ret && vram_max)
		gpumem_vram_shrink(memcg);
	mem_cgroup_put(memcg);
	return ret;
}

int gpumem_nl_reclaim_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gpumem_reclaim_stats stats = {};
	struct mem_cgroup *memcg;
	unsigned long nr_pages;
	struct sk_buff *rsp;
	void *hdr;
	u64 bytes;
	int ret;

	ret = gpumem_nl_check_admin(skb, info);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, GPUMEM_A_RECLAIM_BYTES)) {
		GENL_SET_ERR_MSG(info, "how many bytes to reclaim is missing");
		return -EINVAL;
	}
	bytes = nla_get_uint(info->attrs[GPUMEM_A_RECLAIM_BYTES]);
	/* Rounded up, without overflowing near U64_MAX. */
	nr_pages = min_t(u64, (bytes >> PAGE_SHIFT) + !!(bytes & ~PAGE_MASK),
			 ULONG_MAX);

	memcg = gpumem_nl_memcg(info, GPUMEM_A_RECLAIM_ID);
	if (IS_ERR(memcg))
		return PTR_ERR(memcg);

	ret = -ENOMEM;
	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp)
		goto out;
	gpumem_reclaim(memcg, nr_pages, &stats);

	ret = -EMSGSIZE;
	hdr = genlmsg_iput(rsp, info);
	if (!hdr ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_ID, gpumem_memcg_id(memcg)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_FREED,
			 gpumem_bytes(stats.freed)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_PURGED,
			 gpumem_bytes(stats.purged)) ||
	    nla_put_uint(rsp, GPUMEM_A_RECLAIM_BACKED_UP,
			 gpumem_bytes(stats.backed_up))) {
		nlmsg_free(rsp);
		goto out;
	}
	genlmsg_end(rsp, hdr);
	ret = genlmsg_reply(rsp, info);
out:
	mem_cgroup_put(memcg);
	return ret;
}

/* After the generic netlink core, which is a subsys_initcall of net/. */
static int __init gpumem_init(void)
{
	if (mem_cgroup_disabled())
		return 0;
	return genl_register_family(&gpumem_nl_family);
}
late_initcall(gpumem_init);
