// SPDX-License-Identifier: GPL-2.0
/*
 * The gpumem netlink family refuses malformed and out-of-range requests with
 * the right errno and an extended ack, and a refused request changes
 * nothing: a test cgroup's policy (purge last, writeback deferred, swap
 * budget 8 MiB) reads back exactly as set after every one of them.
 *
 * Requests are built by hand, byte by byte, so that they can be wrong in
 * ways no netlink library would produce (attributes of the wrong size,
 * truncated, of unknown types, unknown commands, reserved bits); libnl only
 * resolves the family. The extack of every refusal is printed.
 *
 * Also: stats-get do and dump, policy-get dump and a valid reclaim work.
 * Without capabilities (uid 65534), and as root with only CAP_NET_ADMIN,
 * policy-get and stats-get (do and dump) work, while policy-set and reclaim
 * fail with EPERM and "needs CAP_SYS_ADMIN"; root with only CAP_SYS_ADMIN
 * may set.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/gpumem.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "systest.h"

/* The test cgroup, and one below it without a memory controller of its own. */
#define CG "gpumem-badinput"
#define CG_NOMEM CG "/nomem"
#define CG_GONE "gpumem-badinput-gone"

/* The policy set first, which every refused request must leave alone. */
#define POL_PURGE GPUMEM_PURGE_LAST
#define POL_WRITEBACK GPUMEM_WRITEBACK_DEFERRED
#define POL_BUDGET (8 * MiB)
#define POL_VRAM_MAX (32 * MiB)

#define UNKNOWN_ID ((uint64_t)1 << 40)

static int family;
static uint64_t cg_test, cg_nomem;

/* A request under construction. */
struct req {
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	};
	const char *what;
};

/*
 * What came back: the error of the ack (or of the dump's DONE), its extack
 * (message, offset of the offending attribute, missing attribute type), and
 * the data messages, handed to a callback.
 */
struct reply {
	int error;
	char msg[256];
	int64_t offs;		/* -1: none */
	int64_t miss_type;	/* -1: none */
	int nr_msgs;
};

/* The attributes of one data message, by type (a uint as 4 or 8 bytes). */
struct attrs {
	const struct nlattr *a[64];
};

typedef void (*msg_fn)(const struct nlmsghdr *nlh, void *arg);

static const char *errname(int err)
{
	switch (err) {
	case 0: return "success";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	default: return strerror(err);
	}
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 30 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		st_fail("netlink socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		st_fail("bind netlink socket: %s", strerror(errno));
	/* Extended acks, without the request echoed back before them. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		st_fail("NETLINK_EXT_ACK/NETLINK_CAP_ACK: %s", strerror(errno));
	/* A request the kernel drops without an answer fails, not hangs. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		st_fail("SO_RCVTIMEO: %s", strerror(errno));
	return fd;
}

static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id;

	if (!sk)
		st_fail("nl_socket_alloc failed");
	if (genl_connect(sk))
		st_fail("genl_connect failed");
	id = genl_ctrl_resolve(sk, GPUMEM_FAMILY_NAME);
	if (id < 0)
		st_fail("generic netlink family \"%s\" not found: %s "
			"(is CONFIG_GPUMEM=y in the test kernel?)",
			GPUMEM_FAMILY_NAME, nl_geterror(id));
	nl_socket_free(sk);
	return id;
}

/* Start a request for command CMD, with NLM_F_REQUEST | NLM_F_ACK | FLAGS. */
static void req_init(struct req *r, const char *what, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r->buf, 0, sizeof(r->buf));
	r->what = what;
	r->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = NLMSG_DATA(&r->nlh);
	g->cmd = cmd;
	g->version = GPUMEM_FAMILY_VERSION;
}

/*
 * Append an attribute of TYPE with LEN bytes of DATA, padded; return its
 * offset in the message (what the kernel reports as the bad attribute).
 */
static uint32_t req_put(struct req *r, uint16_t type, const void *data, uint16_t len)
{
	uint32_t off = NLMSG_ALIGN(r->nlh.nlmsg_len);
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(r->buf))
		st_fail("%s: request too long", r->what);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nlh.nlmsg_len = off + NLA_ALIGN(a->nla_len);
	return off;
}

static uint32_t req_u32(struct req *r, uint16_t type, uint32_t v)
{
	return req_put(r, type, &v, sizeof(v));
}

static uint32_t req_u64(struct req *r, uint16_t type, uint64_t v)
{
	return req_put(r, type, &v, sizeof(v));
}

/* Parse the extack TLVs at P..END into R. */
static void parse_tlvs(struct reply *r, const char *p, const char *end)
{
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		const char *data = p + NLA_HDRLEN;
		int len = a->nla_len - NLA_HDRLEN;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->msg, sizeof(r->msg), "%.*s", len, data);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (len == 4)
				r->offs = *(const uint32_t *)data;
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (len == 4)
				r->miss_type = *(const uint32_t *)data;
			break;
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Send LEN bytes of BUF as they are and read the answer up to the ack (a do)
 * or the DONE (a dump); data messages go to FN.
 */
static void transact(int fd, struct req *req, struct reply *r, msg_fn fn, void *arg)
{
	static uint32_t seq = 1000;
	static char buf[65536];
	const struct nlmsghdr *nlh;
	ssize_t n;
	bool done = false;

	memset(r, 0, sizeof(*r));
	r->offs = r->miss_type = -1;
	req->nlh.nlmsg_seq = ++seq;
	if (send(fd, req->buf, req->nlh.nlmsg_len, 0) != (ssize_t)req->nlh.nlmsg_len)
		st_fail("%s: send: %s", req->what, strerror(errno));
	while (!done) {
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0)
			st_fail("%s: no answer from the kernel: %s", req->what,
				strerror(errno));
		if ((size_t)n > sizeof(buf))
			st_fail("%s: answer of %zd bytes truncated", req->what, n);
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				st_fail("%s: answer with sequence %u, want %u",
					req->what, nlh->nlmsg_seq, seq);
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);
				const char *p = (const char *)(e + 1);

				r->error = -e->error;
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					p += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_tlvs(r, p, (const char *)nlh + nlh->nlmsg_len);
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				const int *e = NLMSG_DATA(nlh);

				r->error = -*e;
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_tlvs(r, (const char *)(e + 1),
						   (const char *)nlh + nlh->nlmsg_len);
				done = true;
			} else if (nlh->nlmsg_type == family) {
				r->nr_msgs++;
				if (fn)
					fn(nlh, arg);
			} else {
				st_fail("%s: unexpected message of type %u", req->what,
					nlh->nlmsg_type);
			}
		}
	}
}

static void parse_attrs(const struct nlmsghdr *nlh, struct attrs *at)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	memset(at, 0, sizeof(*at));
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			st_fail("malformed attribute in a reply of the kernel");
		if (type < (int)ARRAY_SIZE(at->a))
			at->a[type] = a;
		p += NLA_ALIGN(a->nla_len);
	}
}

/* The value of uint (or u32) attribute TYPE, which must be there. */
static uint64_t attr_uint(const struct attrs *at, int type, const char *what)
{
	const struct nlattr *a = at->a[type];
	const void *data = (const char *)a + NLA_HDRLEN;

	if (!a)
		st_fail("%s: reply without attribute %d", what, type);
	if (a->nla_len == NLA_HDRLEN + 4)
		return *(const uint32_t *)data;
	if (a->nla_len == NLA_HDRLEN + 8)
		return *(const uint64_t *)data;
	st_fail("%s: attribute %d of %d bytes", what, type, a->nla_len - NLA_HDRLEN);
}

static void describe(char *buf, size_t len, const struct reply *r)
{
	size_t n = snprintf(buf, len, "%s", errname(r->error));

	if (r->msg[0] && n < len)
		n += snprintf(buf + n, len - n, " \"%s\"", r->msg);
	if (r->offs >= 0 && n < len)
		n += snprintf(buf + n, len - n, " (bad attribute at offset %" PRId64 ")",
			      r->offs);
	if (r->miss_type >= 0 && n < len)
		snprintf(buf + n, len - n, " (missing attribute type %" PRId64 ")",
			 r->miss_type);
}

/*
 * Send request REQ, which must be refused with WANT (a positive errno) and
 * extack message MSG (NULL: the kernel gives none, e.g. for a missing
 * attribute, then MISS names it), pointing at offset OFFS (-1: none).
 */
static void refused(int fd, struct req *req, int want, const char *msg,
		    int64_t offs, int64_t miss)
{
	struct reply r;
	char got[512];

	transact(fd, req, &r, NULL, NULL);
	describe(got, sizeof(got), &r);
	if (r.error != want)
		st_fail("%s: %s, want %s", req->what, got, errname(want));
	if (r.nr_msgs)
		st_fail("%s: refused, but with %d data messages", req->what, r.nr_msgs);
	if (msg && strcmp(r.msg, msg))
		st_fail("%s: %s; want the extack message \"%s\"", req->what, got, msg);
	if (!msg && r.msg[0])
		st_fail("%s: %s; want no extack message", req->what, got);
	if (offs != r.offs)
		st_fail("%s: %s; want the bad attribute at offset %" PRId64,
			req->what, got, offs);
	if (miss != r.miss_type)
		st_fail("%s: %s; want missing attribute type %" PRId64,
			req->what, got, miss);
	if (!msg && miss < 0)
		st_ok("%s: %s (the kernel gives no extack for this)", req->what, got);
	else
		st_ok("%s: %s", req->what, got);
}

struct policy {
	uint64_t id, purge, writeback, budget, eff_purge, eff_writeback, eff_budget;
	uint64_t vram_max, eff_vram_max;
};

static void fill_policy(const struct nlmsghdr *nlh, struct policy *p, const char *what)
{
	struct attrs at;

	parse_attrs(nlh, &at);
	p->id = attr_uint(&at, GPUMEM_A_CGROUP_ID, what);
	p->purge = attr_uint(&at, GPUMEM_A_CGROUP_PURGE, what);
	p->writeback = attr_uint(&at, GPUMEM_A_CGROUP_WRITEBACK, what);
	p->budget = attr_uint(&at, GPUMEM_A_CGROUP_SWAP_BUDGET, what);
	p->eff_purge = attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, what);
	p->eff_writeback = attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK, what);
	p->eff_budget = attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, what);
	p->vram_max = attr_uint(&at, GPUMEM_A_CGROUP_VRAM_MAX, what);
	p->eff_vram_max = attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX, what);
}

static void on_policy(const struct nlmsghdr *nlh, void *arg)
{
	fill_policy(nlh, arg, "policy-get");
}

static struct policy policy_get(int fd, uint64_t id)
{
	struct policy p;
	struct reply r;
	struct req req;
	char got[512];

	req_init(&req, "policy-get", GPUMEM_CMD_POLICY_GET, 0);
	req_u64(&req, GPUMEM_A_CGROUP_ID, id);
	transact(fd, &req, &r, on_policy, &p);
	describe(got, sizeof(got), &r);
	if (r.error || r.nr_msgs != 1)
		st_fail("policy-get of cgroup %" PRIu64 ": %s with %d replies, "
			"want success with 1", id, got, r.nr_msgs);
	if (p.id != id)
		st_fail("policy-get of cgroup %" PRIu64 ": reply names cgroup %" PRIu64,
			id, p.id);
	return p;
}

/* The test cgroup's policy is still the one set first; AFTER says when. */
static void expect_policy(int fd, const char *after)
{
	struct policy p = policy_get(fd, cg_test);

	if (p.purge != POL_PURGE || p.writeback != POL_WRITEBACK ||
	    p.budget != POL_BUDGET || p.eff_purge != POL_PURGE ||
	    p.eff_writeback != POL_WRITEBACK || p.eff_budget != POL_BUDGET)
		st_fail("after %s: policy of " CG " is purge %" PRIu64 " writeback %" PRIu64
			" swap-budget %" PRIu64 " (effective %" PRIu64 "/%" PRIu64 "/%" PRIu64
			"), want purge %d writeback %d swap-budget %" PRIu64 " (effective "
			"the same), as first set", after, p.purge,
			p.writeback, p.budget, p.eff_purge, p.eff_writeback, p.eff_budget,
			POL_PURGE, POL_WRITEBACK, POL_BUDGET);
	if (p.vram_max != POL_VRAM_MAX || p.eff_vram_max != POL_VRAM_MAX)
		st_fail("after %s: vram-max of " CG " is %" PRIu64 " (effective %"
			PRIu64 "), want %" PRIu64 " as first set", after, p.vram_max,
			p.eff_vram_max, POL_VRAM_MAX);
}

/* refused(), then the policy must be unchanged. */
static void refused_unchanged(int fd, struct req *req, int want, const char *msg,
			      int64_t offs, int64_t miss)
{
	refused(fd, req, want, msg, offs, miss);
	expect_policy(fd, req->what);
}

static void do_ok(int fd, struct req *req, msg_fn fn, void *arg, int nr_msgs)
{
	struct reply r;
	char got[512];

	transact(fd, req, &r, fn, arg);
	describe(got, sizeof(got), &r);
	if (r.error)
		st_fail("%s: %s, want success", req->what, got);
	if (nr_msgs >= 0 && r.nr_msgs != nr_msgs)
		st_fail("%s: %d replies, want %d", req->what, r.nr_msgs, nr_msgs);
}

static void set_policy(int fd)
{
	struct req req;

	req_init(&req, "policy-set purge last writeback deferred swap-budget 8M "
		 "vram-max 32M", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&req, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&req, GPUMEM_A_CGROUP_PURGE, POL_PURGE);
	req_u32(&req, GPUMEM_A_CGROUP_WRITEBACK, POL_WRITEBACK);
	req_u64(&req, GPUMEM_A_CGROUP_SWAP_BUDGET, POL_BUDGET);
	req_u64(&req, GPUMEM_A_CGROUP_VRAM_MAX, POL_VRAM_MAX);
	do_ok(fd, &req, NULL, NULL, 0);
	expect_policy(fd, "the first policy-set");
	st_ok("policy of " CG " (id %" PRIu64 ") set: purge last, writeback deferred, "
	      "swap-budget 8 MiB, vram-max 32 MiB; policy-get reads it back", cg_test);
}

/* Statistics. */

static const int stats_attrs[] = {
	GPUMEM_A_CGROUP_ID, GPUMEM_A_CGROUP_RESIDENT, GPUMEM_A_CGROUP_PURGEABLE,
	GPUMEM_A_CGROUP_BACKUP, GPUMEM_A_CGROUP_SWAP_BUDGET,
	GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, GPUMEM_A_CGROUP_PURGED_TOTAL,
	GPUMEM_A_CGROUP_BACKED_UP_TOTAL, GPUMEM_A_CGROUP_RESTORED_TOTAL,
	GPUMEM_A_CGROUP_BUDGET_DENIALS, GPUMEM_A_CGROUP_VRAM,
	GPUMEM_A_CGROUP_VRAM_MAX, GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX,
	GPUMEM_A_CGROUP_VRAM_EVICTIONS,
};

/* What a dump saw of the root and of the test cgroup. */
struct seen {
	const char *what;
	bool root, test;
	int n;
};

static void check_stats(const struct nlmsghdr *nlh, const char *what, uint64_t want_id)
{
	struct attrs at;
	uint64_t id;
	size_t i;

	parse_attrs(nlh, &at);
	for (i = 0; i < ARRAY_SIZE(stats_attrs); i++)
		attr_uint(&at, stats_attrs[i], what);
	id = attr_uint(&at, GPUMEM_A_CGROUP_ID, what);
	if (want_id && id != want_id)
		st_fail("%s: reply names cgroup %" PRIu64 ", want %" PRIu64, what, id,
			want_id);
	if (id == cg_test &&
	    (attr_uint(&at, GPUMEM_A_CGROUP_SWAP_BUDGET, what) != POL_BUDGET ||
	     attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, what) != POL_BUDGET))
		st_fail("%s: swap-budget of " CG " is %" PRIu64 " (effective %" PRIu64
			"), want %" PRIu64, what,
			attr_uint(&at, GPUMEM_A_CGROUP_SWAP_BUDGET, what),
			attr_uint(&at, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, what),
			POL_BUDGET);
}

static void on_stats(const struct nlmsghdr *nlh, void *arg)
{
	check_stats(nlh, arg, cg_test);
}

static void on_stats_dump(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;
	struct attrs at;
	uint64_t id;

	check_stats(nlh, s->what, 0);
	parse_attrs(nlh, &at);
	id = attr_uint(&at, GPUMEM_A_CGROUP_ID, s->what);
	s->root |= id == 1;
	s->test |= id == cg_test;
	s->n++;
}

static void on_policy_dump(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;
	struct policy p;

	fill_policy(nlh, &p, s->what);
	s->root |= p.id == 1;
	if (p.id == cg_test) {
		s->test = true;
		if (p.purge != POL_PURGE || p.writeback != POL_WRITEBACK ||
		    p.budget != POL_BUDGET)
			st_fail("%s: " CG " has purge %" PRIu64 " writeback %" PRIu64
				" swap-budget %" PRIu64 ", want what was set", s->what,
				p.purge, p.writeback, p.budget);
	}
	s->n++;
}

/* The reads everybody may do: stats-get do, stats-get and policy-get dumps. */
static void reads(int fd, const char *who)
{
	struct seen s = { 0 };
	char what[128];
	struct req req;

	snprintf(what, sizeof(what), "stats-get of " CG " (%s)", who);
	req_init(&req, what, GPUMEM_CMD_STATS_GET, 0);
	req_u64(&req, GPUMEM_A_CGROUP_ID, cg_test);
	do_ok(fd, &req, on_stats, what, 1);

	snprintf(what, sizeof(what), "stats-get dump (%s)", who);
	s.what = what;
	req_init(&req, what, GPUMEM_CMD_STATS_GET, NLM_F_DUMP);
	do_ok(fd, &req, on_stats_dump, &s, -1);
	if (!s.root || !s.test)
		st_fail("%s: %d cgroups, the root (id 1) %s, " CG " (id %" PRIu64 ") %s",
			what, s.n, s.root ? "among them" : "missing", cg_test,
			s.test ? "among them" : "missing");
	st_ok("%s: stats-get of " CG " has all 14 statistics, swap-budget 8 MiB; "
	      "its dump lists %d cgroups, the root and " CG " among them", who, s.n);

	snprintf(what, sizeof(what), "policy-get dump (%s)", who);
	memset(&s, 0, sizeof(s));
	s.what = what;
	req_init(&req, what, GPUMEM_CMD_POLICY_GET, NLM_F_DUMP);
	do_ok(fd, &req, on_policy_dump, &s, -1);
	if (!s.root || !s.test)
		st_fail("%s: %d cgroups, the root %s, " CG " %s", what, s.n,
			s.root ? "among them" : "missing", s.test ? "among them" : "missing");
	expect_policy(fd, what);
	st_ok("%s: policy-get of " CG " reads the policy set; its dump lists %d cgroups, "
	      "the root and " CG " among them", who, s.n);
}

/* The refusals. */

/* An id attribute of LEN bytes (all ones). */
static uint32_t put_id_len(struct req *r, uint16_t type, uint16_t len)
{
	static const char ones[16] = { [0 ... 15] = 1 };

	return req_put(r, type, ones, len);
}

static void missing_ids(int fd)
{
	struct req r;

	req_init(&r, "policy-get without id", GPUMEM_CMD_POLICY_GET, 0);
	refused_unchanged(fd, &r, EINVAL, "the cgroup id is missing", -1,
			  GPUMEM_A_CGROUP_ID);

	req_init(&r, "policy-set of purge first without id", GPUMEM_CMD_POLICY_SET, 0);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EINVAL, "the cgroup id is missing", -1,
			  GPUMEM_A_CGROUP_ID);

	req_init(&r, "stats-get without id", GPUMEM_CMD_STATS_GET, 0);
	refused_unchanged(fd, &r, EINVAL, "the cgroup id is missing", -1,
			  GPUMEM_A_CGROUP_ID);

	req_init(&r, "reclaim of 4 KiB without id", GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_BYTES, 4096);
	refused_unchanged(fd, &r, EINVAL, "the cgroup id is missing", -1,
			  GPUMEM_A_RECLAIM_ID);
}

static void bad_ids(int fd)
{
	static const struct {
		const char *name;
		uint8_t cmd;
		uint16_t id_type;
	} cmds[] = {
		{ "policy-get", GPUMEM_CMD_POLICY_GET, GPUMEM_A_CGROUP_ID },
		{ "policy-set", GPUMEM_CMD_POLICY_SET, GPUMEM_A_CGROUP_ID },
		{ "stats-get", GPUMEM_CMD_STATS_GET, GPUMEM_A_CGROUP_ID },
		{ "reclaim", GPUMEM_CMD_RECLAIM, GPUMEM_A_RECLAIM_ID },
	};
	char what[128];
	uint64_t gone, file;
	struct req r;
	uint32_t off;
	size_t i;

	/* A cgroup that existed, and a cgroup file's inode. */
	cg_create(CG_GONE);
	gone = cg_id(CG_GONE);
	cg_remove(CG_GONE);
	file = cg_id(CG "/memory.max");

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const uint8_t cmd = cmds[i].cmd;
		const uint16_t idt = cmds[i].id_type;
		const bool set = cmd == GPUMEM_CMD_POLICY_SET;
		const bool rec = cmd == GPUMEM_CMD_RECLAIM;
		/*
		 * What a policy-set or reclaim would do if the id were taken:
		 * purge first (not what is set), reclaim 4 KiB.
		 */
#define INIT(fmt, ...) do {							\
		snprintf(what, sizeof(what), "%s " fmt, cmds[i].name, ##__VA_ARGS__); \
		req_init(&r, what, cmd, 0);					\
	} while (0)
#define REST() do {								\
		if (set)							\
			req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);	\
		if (rec)							\
			req_u64(&r, GPUMEM_A_RECLAIM_BYTES, 4096);		\
	} while (0)

		INIT("with an id of 2 bytes");
		off = put_id_len(&r, idt, 2);
		REST();
		refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

		INIT("with an id of 16 bytes");
		off = put_id_len(&r, idt, 16);
		REST();
		refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

		INIT("with id 0");
		off = req_u64(&r, idt, 0);
		REST();
		refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

		INIT("with id 0 as 4 bytes");
		off = req_u32(&r, idt, 0);
		REST();
		refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

		INIT("of unknown id 1<<40");
		off = req_u64(&r, idt, UNKNOWN_ID);
		REST();
		refused_unchanged(fd, &r, ENOENT, "no cgroup with this id", off, -1);

		INIT("of a removed cgroup (id %" PRIu64 ")", gone);
		off = req_u64(&r, idt, gone);
		REST();
		refused_unchanged(fd, &r, ENOENT, "no cgroup with this id", off, -1);

		INIT("of the inode of a cgroup file (id %" PRIu64 ")", file);
		off = req_u64(&r, idt, file);
		REST();
		refused_unchanged(fd, &r, ENOENT, "no cgroup with this id", off, -1);

		INIT("of a cgroup without a memory controller (id %" PRIu64 ")", cg_nomem);
		off = req_u64(&r, idt, cg_nomem);
		REST();
		refused_unchanged(fd, &r, ENOENT,
				  "cgroup has no memory controller of its own", off, -1);
#undef INIT
#undef REST
	}

	/* A dump with an id covers that subtree; the id is checked alike. */
	req_init(&r, "stats-get dump of id 0's subtree", GPUMEM_CMD_STATS_GET,
		 NLM_F_DUMP);
	off = req_u64(&r, GPUMEM_A_CGROUP_ID, 0);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);
	req_init(&r, "stats-get dump of unknown id 1<<40's subtree",
		 GPUMEM_CMD_STATS_GET, NLM_F_DUMP);
	off = req_u64(&r, GPUMEM_A_CGROUP_ID, UNKNOWN_ID);
	refused_unchanged(fd, &r, ENOENT, "no cgroup with this id", off, -1);
	req_init(&r, "policy-get dump of a removed cgroup's subtree",
		 GPUMEM_CMD_POLICY_GET, NLM_F_DUMP);
	off = req_u64(&r, GPUMEM_A_CGROUP_ID, gone);
	refused_unchanged(fd, &r, ENOENT, "no cgroup with this id", off, -1);
}

static void bad_values(int fd)
{
	struct req r;
	uint32_t off;
	uint8_t u8 = GPUMEM_PURGE_FIRST;
	uint16_t u16 = GPUMEM_PURGE_FIRST;
	static const char three[3] = { 0 };

	req_init(&r, "policy-set purge 3", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_PURGE, 3);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set purge 0xffffffff", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_PURGE, 0xffffffff);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set writeback 2", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_WRITEBACK, 2);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set purge first as a u8", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_put(&r, GPUMEM_A_CGROUP_PURGE, &u8, sizeof(u8));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "policy-set purge first as a u16", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_put(&r, GPUMEM_A_CGROUP_PURGE, &u16, sizeof(u16));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "policy-set writeback immediate as a u64", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u64(&r, GPUMEM_A_CGROUP_WRITEBACK, GPUMEM_WRITEBACK_IMMEDIATE);
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "policy-set swap-budget of 3 bytes", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_put(&r, GPUMEM_A_CGROUP_SWAP_BUDGET, three, sizeof(three));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "policy-set vram-max of 3 bytes", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_put(&r, GPUMEM_A_CGROUP_VRAM_MAX, three, sizeof(three));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "policy-set vram-max 1M (valid), writeback 2",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u64(&r, GPUMEM_A_CGROUP_VRAM_MAX, MiB);
	off = req_u32(&r, GPUMEM_A_CGROUP_WRITEBACK, 2);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set with the id only", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	refused_unchanged(fd, &r, EINVAL,
			  "nothing to set: give purge, writeback, swap-budget or vram-max", -1, -1);

	/* Nothing of a request is applied when one value is refused. */
	req_init(&r, "policy-set purge first (valid), writeback 2",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	off = req_u32(&r, GPUMEM_A_CGROUP_WRITEBACK, 2);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set writeback 2, purge first (valid) after it",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_WRITEBACK, 2);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "policy-set purge first and swap-budget 1M (valid), "
		 "writeback as a u8", GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	req_u64(&r, GPUMEM_A_CGROUP_SWAP_BUDGET, MiB);
	off = req_put(&r, GPUMEM_A_CGROUP_WRITEBACK, &u8, sizeof(u8));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);

	req_init(&r, "reclaim of 0 bytes", GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	off = req_u64(&r, GPUMEM_A_RECLAIM_BYTES, 0);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);

	req_init(&r, "reclaim without bytes", GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	refused_unchanged(fd, &r, EINVAL, "how many bytes to reclaim is missing",
			  -1, GPUMEM_A_RECLAIM_BYTES);

	req_init(&r, "reclaim with bytes of 3 bytes", GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	off = req_put(&r, GPUMEM_A_RECLAIM_BYTES, three, sizeof(three));
	refused_unchanged(fd, &r, EINVAL, "invalid attribute length", off, -1);
}

static void bad_messages(int fd)
{
	struct nlattr *a;
	struct req r;
	uint32_t off;

	/* Strict validation: attributes not in the command's policy. */
	req_init(&r, "policy-get with an attribute of type 200", GPUMEM_CMD_POLICY_GET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u64(&r, 200, 0);
	refused_unchanged(fd, &r, EINVAL, "Unknown attribute type", off, -1);

	req_init(&r, "policy-set purge first (valid) with an attribute of type 200",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	off = req_u64(&r, 200, 0);
	refused_unchanged(fd, &r, EINVAL, "Unknown attribute type", off, -1);

	req_init(&r, "policy-set of effective-purge (read-only) and purge first",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	off = req_u32(&r, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EINVAL, "Unsupported attribute", off, -1);

	req_init(&r, "stats-get with an attribute of type 0", GPUMEM_CMD_STATS_GET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u64(&r, 0, 0);
	refused_unchanged(fd, &r, EINVAL, "Unknown attribute type", off, -1);

	req_init(&r, "reclaim with an attribute of type 200", GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	req_u64(&r, GPUMEM_A_RECLAIM_BYTES, 4096);
	off = req_u64(&r, 200, 0);
	refused_unchanged(fd, &r, EINVAL, "Unknown attribute type", off, -1);

	/* Commands and modes the family does not have. */
	req_init(&r, "command 99", 99, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	refused_unchanged(fd, &r, EOPNOTSUPP, NULL, -1, -1);

	req_init(&r, "command 0", 0, 0);
	refused_unchanged(fd, &r, EOPNOTSUPP, NULL, -1, -1);

	req_init(&r, "policy-ntf (a notification) as a request", GPUMEM_CMD_POLICY_NTF, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	refused_unchanged(fd, &r, EOPNOTSUPP, NULL, -1, -1);

	req_init(&r, "policy-set as a dump", GPUMEM_CMD_POLICY_SET, NLM_F_DUMP);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EOPNOTSUPP, NULL, -1, -1);

	req_init(&r, "reclaim as a dump", GPUMEM_CMD_RECLAIM, NLM_F_DUMP);
	refused_unchanged(fd, &r, EOPNOTSUPP, NULL, -1, -1);

	/* An attribute whose length runs past the end of the message. */
	req_init(&r, "policy-set with a truncated attribute (nla_len 12 of 8 bytes)",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	a = (struct nlattr *)(r.buf + off);
	a->nla_len = 12;
	refused_unchanged(fd, &r, EINVAL, "bytes leftover after parsing attributes",
			  -1, -1);

	req_init(&r, "policy-get with a truncated id (nla_len 200)",
		 GPUMEM_CMD_POLICY_GET, 0);
	off = req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	a = (struct nlattr *)(r.buf + off);
	a->nla_len = 200;
	refused_unchanged(fd, &r, EINVAL, "bytes leftover after parsing attributes",
			  -1, -1);

	req_init(&r, "policy-set with an attribute header cut short",
		 GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	r.nlh.nlmsg_len -= 6;	/* leaves 2 bytes of the purge attribute */
	refused_unchanged(fd, &r, EINVAL, "bytes leftover after parsing attributes",
			  -1, -1);

	/* The genetlink core's header checks. */
	req_init(&r, "policy-set purge first with NLM_F_REPLACE",
		 GPUMEM_CMD_POLICY_SET, NLM_F_REPLACE);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EINVAL, "ambiguous or reserved bits set in nlmsg_flags",
			  -1, -1);

	req_init(&r, "policy-set purge first with genlmsghdr.reserved 1",
		 GPUMEM_CMD_POLICY_SET, 0);
	((struct genlmsghdr *)NLMSG_DATA(&r.nlh))->reserved = 1;
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EINVAL, "genlmsghdr.reserved field is not 0", -1, -1);
}

static void on_reclaim(const struct nlmsghdr *nlh, void *arg)
{
	const char *what = arg;
	struct attrs at;
	uint64_t id, freed, purged, backed_up;

	parse_attrs(nlh, &at);
	id = attr_uint(&at, GPUMEM_A_RECLAIM_ID, what);
	freed = attr_uint(&at, GPUMEM_A_RECLAIM_FREED, what);
	purged = attr_uint(&at, GPUMEM_A_RECLAIM_PURGED, what);
	backed_up = attr_uint(&at, GPUMEM_A_RECLAIM_BACKED_UP, what);
	/* The test cgroup has no buffers: nothing to free. */
	if (id != cg_test || freed || purged || backed_up)
		st_fail("%s: cgroup %" PRIu64 " freed %" PRIu64 " purged %" PRIu64
			" backed-up %" PRIu64 ", want cgroup %" PRIu64 " and zeros",
			what, id, freed, purged, backed_up, cg_test);
}

static void valid_reclaim(int fd)
{
	struct req r;

	req_init(&r, "reclaim of 1 MiB from " CG, GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	req_u32(&r, GPUMEM_A_RECLAIM_BYTES, MiB);	/* a uint may be 4 bytes */
	do_ok(fd, &r, on_reclaim, (void *)r.what, 1);
	expect_policy(fd, r.what);
	st_ok("reclaim of 1 MiB from " CG " (id given as 8 bytes, bytes as 4): "
	      "freed 0, purged 0, backed-up 0");
}

/* Unprivileged access. */

static void set_caps(uint64_t caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = caps, .permitted = caps },
		{ .effective = caps >> 32, .permitted = caps >> 32 },
	};

	if (syscall(SYS_capset, &h, d))
		st_fail("capset %#" PRIx64 ": %s", caps, strerror(errno));
}

static uint64_t get_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		st_fail("capget: %s", strerror(errno));
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

/* Policy-set and reclaim, refused with EPERM: "needs CAP_SYS_ADMIN". */
static void no_writes(int fd, const char *who)
{
	const char *msg = "needs CAP_SYS_ADMIN";
	char what[128];
	struct req r;
	uint32_t off;

	snprintf(what, sizeof(what), "policy-set purge first (%s)", who);
	req_init(&r, what, GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	req_u32(&r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	refused_unchanged(fd, &r, EPERM, msg, -1, -1);

	snprintf(what, sizeof(what), "reclaim of 1 MiB (%s)", who);
	req_init(&r, what, GPUMEM_CMD_RECLAIM, 0);
	req_u64(&r, GPUMEM_A_RECLAIM_ID, cg_test);
	req_u64(&r, GPUMEM_A_RECLAIM_BYTES, MiB);
	refused_unchanged(fd, &r, EPERM, msg, -1, -1);

	/* Bad input: validation comes before the check. */
	snprintf(what, sizeof(what), "policy-set purge 3 (%s)", who);
	req_init(&r, what, GPUMEM_CMD_POLICY_SET, 0);
	req_u64(&r, GPUMEM_A_CGROUP_ID, cg_test);
	off = req_u32(&r, GPUMEM_A_CGROUP_PURGE, 3);
	refused_unchanged(fd, &r, ERANGE, "integer out of range", off, -1);
}

static void unprivileged(void)
{
	pid_t pid;
	int fd;

	/* Nobody: no capabilities at all. */
	pid = st_fork(NULL);
	if (!pid) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			st_fail("drop to uid/gid 65534: %s", strerror(errno));
		if (get_caps())
			st_fail("uid 65534 still has capabilities %#" PRIx64, get_caps());
		fd = nl_open();
		expect_policy(fd, "nothing (uid 65534)");
		reads(fd, "uid 65534");
		no_writes(fd, "uid 65534");
		close(fd);
		exit(0);
	}
	st_wait(pid, "the unprivileged child (uid 65534)");

	/* Root with CAP_NET_ADMIN (what GENL_ADMIN_PERM would ask) only. */
	pid = st_fork(NULL);
	if (!pid) {
		set_caps((uint64_t)1 << CAP_NET_ADMIN);
		fd = nl_open();
		reads(fd, "root with CAP_NET_ADMIN only");
		no_writes(fd, "root with CAP_NET_ADMIN only");
		close(fd);
		exit(0);
	}
	st_wait(pid, "the child with CAP_NET_ADMIN only");

	/* Root with CAP_SYS_ADMIN but not CAP_NET_ADMIN. */
	pid = st_fork(NULL);
	if (!pid) {
		set_caps((uint64_t)1 << CAP_SYS_ADMIN);
		fd = nl_open();
		reads(fd, "root with CAP_SYS_ADMIN only");
		set_policy(fd);
		st_ok("root with CAP_SYS_ADMIN only may set policy");
		close(fd);
		exit(0);
	}
	st_wait(pid, "the child with CAP_SYS_ADMIN only");
}

int main(void)
{
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	cg_write("", "cgroup.subtree_control", "+memory");
	cg_create(CG);
	cg_create(CG_NOMEM);	/* CG's subtree_control stays empty */
	cg_test = cg_id(CG);
	cg_nomem = cg_id(CG_NOMEM);

	family = resolve_family();
	fd = nl_open();
	st_ok("family " GPUMEM_FAMILY_NAME " is %d; test cgroup " CG " id %" PRIu64,
	      family, cg_test);

	set_policy(fd);
	reads(fd, "root");
	missing_ids(fd);
	bad_ids(fd);
	bad_values(fd);
	bad_messages(fd);
	valid_reclaim(fd);
	unprivileged();
	expect_policy(fd, "everything");
	st_ok("after every refused request the policy of " CG " is still purge last, "
	      "writeback deferred, swap-budget 8 MiB");

	close(fd);
	cg_remove(CG_NOMEM);
	cg_remove(CG);
	return 0;
}
