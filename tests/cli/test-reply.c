// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the gpumem family's messages from buffers built here: uint
 * attributes of 4 and 8 bytes, absent, malformed and unknown attributes,
 * and the kernel's extended ack messages.
 */
#include <errno.h>
#include <stdlib.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "check.h"
#include "reply.h"

/* A message under construction: nlmsghdr, genlmsghdr, attributes. */
struct msg {
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	};
	size_t len;
};

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd)
{
	struct genlmsghdr gh = { .cmd = cmd, .version = 1 };

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	memcpy(m->buf + NLMSG_HDRLEN, &gh, sizeof(gh));
	m->len = NLMSG_HDRLEN + NLMSG_ALIGN(GENL_HDRLEN);
	m->nlh.nlmsg_len = m->len;
}

static void msg_put(struct msg *m, uint16_t type, const void *data,
		    size_t n)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + n, .nla_type = type };

	memcpy(m->buf + m->len, &nla, sizeof(nla));
	memcpy(m->buf + m->len + NLA_HDRLEN, data, n);
	m->len += NLA_ALIGN(nla.nla_len);
	m->nlh.nlmsg_len = m->len;
}

static void put32(struct msg *m, uint16_t type, uint32_t v)
{
	msg_put(m, type, &v, sizeof(v));
}

static void put64(struct msg *m, uint16_t type, uint64_t v)
{
	msg_put(m, type, &v, sizeof(v));
}

static void test_stats_4_and_8_bytes(void)
{
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd = 0;

	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	put32(&m, GPUMEM_A_CGROUP_ID, 42);
	put64(&m, GPUMEM_A_CGROUP_RESIDENT, 5ULL << 32);
	put32(&m, GPUMEM_A_CGROUP_PURGEABLE, 4096);
	put64(&m, GPUMEM_A_CGROUP_BACKUP, 8192);
	put64(&m, GPUMEM_A_CGROUP_SWAP_BUDGET, UINT64_MAX);
	put64(&m, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, 1ULL << 30);
	put32(&m, GPUMEM_A_CGROUP_PURGED_TOTAL, 0xffffffffu);
	put64(&m, GPUMEM_A_CGROUP_BACKED_UP_TOTAL, 7);
	put32(&m, GPUMEM_A_CGROUP_RESTORED_TOTAL, 3);
	put64(&m, GPUMEM_A_CGROUP_BUDGET_DENIALS, 1);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK_INT(cmd, GPUMEM_CMD_STATS_GET);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_ID], 42);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_RESIDENT], 5ULL << 32);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_PURGEABLE], 4096);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_BACKUP], 8192);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_SWAP_BUDGET], UINT64_MAX);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET], 1ULL << 30);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_PURGED_TOTAL], 0xffffffffu);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_BACKED_UP_TOTAL], 7);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_RESTORED_TOTAL], 3);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_BUDGET_DENIALS], 1);
	/* None was sent: none is there. */
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_PURGE));
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_WRITEBACK));
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_EFFECTIVE_PURGE));
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_PATH) && !a.path);
	CHECK(gm_has(&a, GPUMEM_A_CGROUP_BUDGET_DENIALS));
}

/* The path and memory numbers a stats record carries since issue 14. */
static void test_stats_path(void)
{
	static const char path[] = "/system.slice/a b.service";
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd = 0;

	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	put32(&m, GPUMEM_A_CGROUP_ID, 42);
	msg_put(&m, GPUMEM_A_CGROUP_PATH, path, sizeof(path));
	put64(&m, GPUMEM_A_CGROUP_MEMORY_CURRENT, 3ULL << 20);
	put64(&m, GPUMEM_A_CGROUP_MEMORY_MAX, UINT64_MAX);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK(gm_has(&a, GPUMEM_A_CGROUP_PATH));
	CHECK_STR(a.path, path);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_MEMORY_CURRENT], 3ULL << 20);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_MEMORY_MAX], UINT64_MAX);

	/* A path without its NUL is no path; the rest still parses. */
	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	msg_put(&m, GPUMEM_A_CGROUP_PATH, path, sizeof(path) - 1);
	put32(&m, GPUMEM_A_CGROUP_ID, 43);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_PATH) && !a.path);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_ID], 43);
	/* An empty attribute neither. */
	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	msg_put(&m, GPUMEM_A_CGROUP_PATH, "", 0);
	put32(&m, GPUMEM_A_CGROUP_ID, 44);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK(!a.path);
}

static void test_policy_enums(void)
{
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd;

	msg_init(&m, 0x20, GPUMEM_CMD_POLICY_GET);
	put64(&m, GPUMEM_A_CGROUP_ID, 1ULL << 40);
	put32(&m, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_LAST);
	put32(&m, GPUMEM_A_CGROUP_WRITEBACK, GPUMEM_WRITEBACK_DEFERRED);
	put32(&m, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, GPUMEM_PURGE_NEVER);
	/* a u32 sent as 8 bytes is malformed: absent */
	put64(&m, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK, 1);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_ID], 1ULL << 40);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_PURGE], GPUMEM_PURGE_LAST);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_WRITEBACK], GPUMEM_WRITEBACK_DEFERRED);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_EFFECTIVE_PURGE], GPUMEM_PURGE_NEVER);
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK));
	CHECK(!gm_has(&a, GPUMEM_A_CGROUP_RESIDENT));
}

static void test_odd_attributes(void)
{
	uint16_t two = 2;
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd;

	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	put64(&m, 30, 99);			/* unknown to us */
	msg_put(&m, GPUMEM_A_CGROUP_RESIDENT, &two, sizeof(two)); /* 2 bytes */
	msg_put(&m, GPUMEM_A_CGROUP_BACKUP, "", 0);	/* empty */
	put32(&m, GPUMEM_A_CGROUP_ID | NLA_F_NESTED, 5);	/* flag bits */
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK_U64(a.val[GPUMEM_A_CGROUP_ID], 5);
	CHECK_U64(a.has, 1u << GPUMEM_A_CGROUP_ID);
}

static void test_bad_messages(void)
{
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd;

	/* no id */
	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	put64(&m, GPUMEM_A_CGROUP_RESIDENT, 1);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), -EPROTO);
	/* an attribute running past the end */
	msg_init(&m, 0x20, GPUMEM_CMD_STATS_GET);
	put64(&m, GPUMEM_A_CGROUP_ID, 1);
	put64(&m, GPUMEM_A_CGROUP_RESIDENT, 1);
	m.nlh.nlmsg_len -= 4;
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), -EPROTO);
	/* shorter than the headers */
	m.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), -EPROTO);
	/* a command this program does not know */
	msg_init(&m, 0x20, 99);
	put64(&m, 1, 1);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), -EOPNOTSUPP);
	CHECK_INT(cmd, 99);
}

static void test_reclaim_and_events(void)
{
	struct gm_attrs a;
	struct msg m;
	uint8_t cmd;

	msg_init(&m, 0x20, GPUMEM_CMD_RECLAIM);
	put64(&m, GPUMEM_A_RECLAIM_ID, 7);
	put64(&m, GPUMEM_A_RECLAIM_FREED, 3 << 20);
	put32(&m, GPUMEM_A_RECLAIM_PURGED, 1 << 20);
	put64(&m, GPUMEM_A_RECLAIM_BACKED_UP, 2 << 20);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK_U64(a.val[GPUMEM_A_RECLAIM_FREED], 3 << 20);
	CHECK_U64(a.val[GPUMEM_A_RECLAIM_PURGED], 1 << 20);
	CHECK_U64(a.val[GPUMEM_A_RECLAIM_BACKED_UP], 2 << 20);
	CHECK(!gm_has(&a, GPUMEM_A_RECLAIM_BYTES));

	msg_init(&m, 0x20, GPUMEM_CMD_BUDGET_NTF);
	put32(&m, GPUMEM_A_EVENT_ID, 9);
	put64(&m, GPUMEM_A_EVENT_BYTES, 4096);
	put64(&m, GPUMEM_A_EVENT_BUDGET_ID, 3);
	CHECK_INT(gm_msg_parse(&m.nlh, &cmd, &a), 0);
	CHECK_INT(cmd, GPUMEM_CMD_BUDGET_NTF);
	CHECK_U64(a.val[GPUMEM_A_EVENT_ID], 9);
	CHECK_U64(a.val[GPUMEM_A_EVENT_BYTES], 4096);
	CHECK_U64(a.val[GPUMEM_A_EVENT_BUDGET_ID], 3);

	CHECK_INT(gm_cmd_attr_set(GPUMEM_CMD_POLICY_NTF), GM_SET_CGROUP);
	CHECK_INT(gm_cmd_attr_set(GPUMEM_CMD_PURGE_NTF), GM_SET_EVENT);
	CHECK_INT(gm_cmd_attr_set(0), -1);
}

/* An NLMSG_ERROR for a request of @req_len bytes, then the extack TLVs. */
static void error_msg(struct msg *m, int error, bool capped, size_t req_len,
		      const char *text)
{
	struct nlmsgerr e = { .error = error };
	size_t n = strlen(text) + 1;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = NLMSG_ERROR;
	m->nlh.nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e.msg.nlmsg_len = req_len;
	memcpy(m->buf + NLMSG_HDRLEN, &e, sizeof(e));
	m->len = NLMSG_HDRLEN + sizeof(e);
	if (!capped)
		m->len += NLMSG_ALIGN(req_len) - NLMSG_HDRLEN;
	m->nlh.nlmsg_len = m->len;
	/* an offset attribute first, then the message */
	put32(m, NLMSGERR_ATTR_OFFS, 20);
	msg_put(m, NLMSGERR_ATTR_MSG, text, n);
}

static void test_extack(void)
{
	char buf[128];
	struct msg m;

	error_msg(&m, -EINVAL, false, 44, "budget too large");
	gm_extack_msg(&m.nlh, buf, sizeof(buf));
	CHECK_STR(buf, "budget too large");
	error_msg(&m, -EINVAL, true, 44, "capped");
	gm_extack_msg(&m.nlh, buf, sizeof(buf));
	CHECK_STR(buf, "capped");
	/* without NLM_F_ACK_TLVS there is nothing to read */
	m.nlh.nlmsg_flags = 0;
	gm_extack_msg(&m.nlh, buf, sizeof(buf));
	CHECK_STR(buf, "");
	/* truncated: no message, no crash */
	error_msg(&m, -EINVAL, true, 44, "cut");
	m.nlh.nlmsg_len -= 8;
	gm_extack_msg(&m.nlh, buf, sizeof(buf));
	CHECK_STR(buf, "");
	/* a short buffer truncates the text */
	error_msg(&m, -EINVAL, true, 44, "a long message");
	gm_extack_msg(&m.nlh, buf, 7);
	CHECK_STR(buf, "a long");

	/* NLMSG_DONE of a failed dump: error code, then the TLVs */
	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_type = NLMSG_DONE;
	m.nlh.nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_MULTI;
	m.len = NLMSG_HDRLEN + sizeof(int);
	m.nlh.nlmsg_len = m.len;
	msg_put(&m, NLMSGERR_ATTR_MSG, "dump failed", 12);
	gm_extack_msg(&m.nlh, buf, sizeof(buf));
	CHECK_STR(buf, "dump failed");
}

static void test_kernel_error(void)
{
	struct gm_err err;

	gm_kernel_error(&err, "set /a", EPERM, "");
	CHECK_STR(err.msg,
		  "set /a: permission denied: changing policy or reclaiming needs CAP_SYS_ADMIN");
	gm_kernel_error(&err, "set /", EPERM,
			"the root of a cgroup namespace takes its policy from outside the namespace");
	CHECK_STR(err.msg,
		  "set /: permission denied: the root of a cgroup namespace takes its policy from outside the namespace");
	gm_kernel_error(&err, "show id:5", ENOENT, NULL);
	CHECK_STR(err.msg,
		  "show id:5: no such cgroup (or it has no memory controller)");
	gm_kernel_error(&err, "set /a", EINVAL, "value out of range");
	CHECK_STR(err.msg,
		  "set /a: Invalid argument (kernel: value out of range)");
	gm_kernel_error(&err, "reclaim /a", EBUSY, NULL);
	CHECK_STR(err.msg, "reclaim /a: Device or resource busy");
}

CHECK_MAIN(
	CASE(test_stats_4_and_8_bytes),
	CASE(test_stats_path),
	CASE(test_policy_enums),
	CASE(test_odd_attributes),
	CASE(test_bad_messages),
	CASE(test_reclaim_and_events),
	CASE(test_extack),
	CASE(test_kernel_error),
)
