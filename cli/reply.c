// SPDX-License-Identifier: GPL-2.0
/*
 * The gpumem family's messages as data: attributes parsed into plain
 * structs, extack messages (see reply.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "reply.h"

/* What each attribute set holds, from gpumem.yaml. */
static const enum gm_attr_type cgroup_types[GM_ATTR_SLOTS] = {
	[GPUMEM_A_CGROUP_ID] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_PURGE] = GM_ATTR_U32,
	[GPUMEM_A_CGROUP_WRITEBACK] = GM_ATTR_U32,
	[GPUMEM_A_CGROUP_SWAP_BUDGET] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_EFFECTIVE_PURGE] = GM_ATTR_U32,
	[GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK] = GM_ATTR_U32,
	[GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_RESIDENT] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_PURGEABLE] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_BACKUP] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_PURGED_TOTAL] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_BACKED_UP_TOTAL] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_RESTORED_TOTAL] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_BUDGET_DENIALS] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_VRAM] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_VRAM_MAX] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_VRAM_EVICTIONS] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_PATH] = GM_ATTR_STRING,
	[GPUMEM_A_CGROUP_MEMORY_CURRENT] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_MEMORY_MAX] = GM_ATTR_UINT,
	[GPUMEM_A_CGROUP_TIMESTAMP] = GM_ATTR_UINT,
};

static const enum gm_attr_type reclaim_types[GM_ATTR_SLOTS] = {
	[GPUMEM_A_RECLAIM_ID] = GM_ATTR_UINT,
	[GPUMEM_A_RECLAIM_BYTES] = GM_ATTR_UINT,
	[GPUMEM_A_RECLAIM_FREED] = GM_ATTR_UINT,
	[GPUMEM_A_RECLAIM_PURGED] = GM_ATTR_UINT,
	[GPUMEM_A_RECLAIM_BACKED_UP] = GM_ATTR_UINT,
};

static const enum gm_attr_type event_types[GM_ATTR_SLOTS] = {
	[GPUMEM_A_EVENT_ID] = GM_ATTR_UINT,
	[GPUMEM_A_EVENT_BYTES] = GM_ATTR_UINT,
	[GPUMEM_A_EVENT_BUDGET_ID] = GM_ATTR_UINT,
	[GPUMEM_A_EVENT_LIMIT_ID] = GM_ATTR_UINT,
	[GPUMEM_A_EVENT_TIMESTAMP] = GM_ATTR_UINT,
};

static const enum gm_attr_type *const set_types[] = {
	[GM_SET_CGROUP] = cgroup_types,
	[GM_SET_RECLAIM] = reclaim_types,
	[GM_SET_EVENT] = event_types,
};

/* Read one value; false if its length does not fit its type. */
static bool read_value(enum gm_attr_type type, const void *p, size_t n,
		       uint64_t *v)
{
	uint32_t v32;

	if (n == sizeof(v32) && (type == GM_ATTR_U32 || type == GM_ATTR_UINT)) {
		memcpy(&v32, p, sizeof(v32));
		*v = v32;
		return true;
	}
	if (n == sizeof(*v) && type == GM_ATTR_UINT) {
		memcpy(v, p, sizeof(*v));
		return true;
	}
	return false;
}

int gm_attrs_parse(const void *buf, size_t len, enum gm_attr_set set,
		   struct gm_attrs *out)
{
	const enum gm_attr_type *types = set_types[set];
	const char *p = buf;

	memset(out, 0, sizeof(*out));
	while (len >= NLA_HDRLEN) {
		struct nlattr nla;
		size_t step;
		unsigned int type;

		memcpy(&nla, p, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len)
			return -EPROTO;
		type = nla.nla_type & NLA_TYPE_MASK;
		if (type < GM_ATTR_SLOTS && types[type] == GM_ATTR_STRING) {
			/* Only a string that ends within the attribute. */
			if (nla.nla_len > NLA_HDRLEN &&
			    !p[nla.nla_len - 1]) {
				out->path = p + NLA_HDRLEN;
				out->has |= 1u << type;
			}
		} else if (type < GM_ATTR_SLOTS &&
			   read_value(types[type], p + NLA_HDRLEN,
				      nla.nla_len - NLA_HDRLEN, &out->val[type])) {
			out->has |= 1u << type;
		}
		step = NLA_ALIGN(nla.nla_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

int gm_cmd_attr_set(uint8_t cmd)
{
	switch (cmd) {
	case GPUMEM_CMD_POLICY_GET:
	case GPUMEM_CMD_POLICY_SET:
	case GPUMEM_CMD_STATS_GET:
	case GPUMEM_CMD_POLICY_NTF:
		return GM_SET_CGROUP;
	case GPUMEM_CMD_RECLAIM:
		return GM_SET_RECLAIM;
	case GPUMEM_CMD_PURGE_NTF:
	case GPUMEM_CMD_BUDGET_NTF:
	case GPUMEM_CMD_VRAM_NTF:
		return GM_SET_EVENT;
	}
	return -1;
}

int gm_msg_parse(const struct nlmsghdr *nlh, uint8_t *cmd,
		 struct gm_attrs *out)
{
	const size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(GENL_HDRLEN);
	const struct genlmsghdr *gh;
	int set;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_len < hdr)
		return -EPROTO;
	gh = (const void *)((const char *)nlh + NLMSG_HDRLEN);
	*cmd = gh->cmd;
	set = gm_cmd_attr_set(gh->cmd);
	if (set < 0)
		return -EOPNOTSUPP;
	if (gm_attrs_parse((const char *)nlh + hdr, nlh->nlmsg_len - hdr, set,
			   out))
		return -EPROTO;
	/* id is attribute 1 in every set */
	return gm_has(out, 1) ? 0 : -EPROTO;
}

void gm_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	const char *msg = (const char *)nlh;
	size_t off = NLMSG_HDRLEN, end = nlh->nlmsg_len;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr e;

		if (end < off + sizeof(e))
			return;
		memcpy(&e, msg + off, sizeof(e));
		/* The TLVs follow the error and, unless capped, the request. */
		off += sizeof(e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e.msg.nlmsg_len) - NLMSG_HDRLEN;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off += sizeof(int);	/* the dump's error code */
	} else {
		return;
	}
	while (off + NLA_HDRLEN <= end) {
		struct nlattr nla;

		memcpy(&nla, msg + off, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || off + nla.nla_len > end)
			return;
		if ((nla.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = msg + off + NLA_HDRLEN;

			snprintf(buf, len, "%.*s",
				 (int)strnlen(s, nla.nla_len - NLA_HDRLEN), s);
			return;
		}
		off += NLA_ALIGN(nla.nla_len);
	}
}

void gm_kernel_error(struct gm_err *err, const char *what, int errnum,
		     const char *extack)
{
	const char *why;

	switch (errnum) {
	case EPERM:
		/* The kernel says why: CAP_SYS_ADMIN, or a namespace's root. */
		if (extack && *extack) {
			gm_err_set(err, "%s: permission denied: %s", what,
				   extack);
			return;
		}
		why = "permission denied: changing policy or reclaiming needs CAP_SYS_ADMIN";
		break;
	case ENOENT:
		why = "no such cgroup (or it has no memory controller)";
		break;
	default:
		why = strerror(errnum);
	}
	if (extack && *extack)
		gm_err_set(err, "%s: %s (kernel: %s)", what, why, extack);
	else
		gm_err_set(err, "%s: %s", what, why);
}
