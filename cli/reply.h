/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gpumem family's messages as data: parsing netlink attributes from a
 * buffer into plain structs, and the kernel's extended ack message.  No
 * sockets here, so the unit tests can feed it messages built in memory.
 *
 * Every "uint" attribute (NLA_UINT) may arrive as 4 or 8 bytes; "u32"
 * ones (the purge and writeback enums) as 4.  Attributes a reply lacks,
 * has with a wrong length, or that this program does not know are simply
 * absent in the result: check gm_has() before using a value.
 */
#ifndef GPUMEMCTL_REPLY_H
#define GPUMEMCTL_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/gpumem.h>

#include "err.h"

struct nlmsghdr;

/* How to read one attribute type. */
enum gm_attr_type {
	GM_ATTR_IGNORE,		/* unknown to us: skipped */
	GM_ATTR_U32,
	GM_ATTR_UINT,		/* 4 or 8 bytes */
	GM_ATTR_STRING,		/* NUL-terminated: the cgroup set's path */
};

/* Values indexed by attribute type; bit (1 << type) of @has if present. */
#define GM_ATTR_SLOTS 32
struct gm_attrs {
	uint64_t val[GM_ATTR_SLOTS];
	uint32_t has;
	/*
	 * GPUMEM_A_CGROUP_PATH, the one string attribute: it points into the
	 * message parsed, so it is valid only as long as the message is.
	 */
	const char *path;
};

_Static_assert(GPUMEM_A_CGROUP_MAX < GM_ATTR_SLOTS, "cgroup attrs fit");
_Static_assert(GPUMEM_A_RECLAIM_MAX < GM_ATTR_SLOTS, "reclaim attrs fit");
_Static_assert(GPUMEM_A_EVENT_MAX < GM_ATTR_SLOTS, "event attrs fit");

/* The attribute sets of the spec. */
enum gm_attr_set {
	GM_SET_CGROUP,		/* policy-get, stats-get, policy-ntf */
	GM_SET_RECLAIM,
	GM_SET_EVENT,		/* purge-ntf, budget-ntf */
};

static inline bool gm_has(const struct gm_attrs *a, unsigned int type)
{
	return type < GM_ATTR_SLOTS && (a->has >> type & 1);
}

/*
 * Parse the attributes in @buf (@len bytes) of attribute set @set into
 * @out (which is cleared first).  Returns 0, or -EPROTO if an attribute
 * header runs past the end of the buffer.
 */
int gm_attrs_parse(const void *buf, size_t len, enum gm_attr_set set,
		   struct gm_attrs *out);

/*
 * Parse a generic netlink message (nlmsghdr, genlmsghdr, attributes) of
 * the gpumem family: its command in *@cmd, its attributes into @out (the
 * set that the command uses).  Returns 0, -EOPNOTSUPP for a command
 * unknown here (*@cmd is set), or -EPROTO if the message is truncated or
 * has no id.
 */
int gm_msg_parse(const struct nlmsghdr *nlh, uint8_t *cmd,
		 struct gm_attrs *out);

/* The set of attributes that command @cmd carries, -1 if unknown. */
int gm_cmd_attr_set(uint8_t cmd);

/*
 * The kernel's extended ack message (NLMSGERR_ATTR_MSG) in the
 * NLMSG_ERROR or NLMSG_DONE message @nlh, copied to @buf; "" if none.
 */
void gm_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len);

/*
 * "@what: WHY" for the kernel's error @errnum (positive), with its
 * extack message if any.  EPERM and ENOENT get gpumem-specific words.
 */
void gm_kernel_error(struct gm_err *err, const char *what, int errnum,
		     const char *extack);

#endif
