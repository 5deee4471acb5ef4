// SPDX-License-Identifier: GPL-2.0
/*
 * The 'gpumem' generic netlink family over libnl-genl-3: requests, replies
 * and events (see nl.h).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXTACK_LEN 512

int gm_nl_open(struct gm_nl *nl, struct gm_err *err)
{
	int one = 1;
	int ret;

	nl->family = -1;
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		gm_err_set(err, "generic netlink: out of memory");
		return -ENOMEM;
	}
	ret = genl_connect(nl->sock);
	if (ret < 0) {
		gm_err_set(err, "cannot connect to generic netlink: %s",
			   nl_geterror(ret));
		goto fail;
	}
	/* Kernels before 4.12 lack extended acks: then just no messages. */
	setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	ret = genl_ctrl_resolve(nl->sock, GM_GENL_FAMILY);
	if (ret == -NLE_OBJ_NOTFOUND) {
		gm_err_set(err,
			   "the '%s' generic netlink family is not available: " GM_NO_FAMILY_WHY,
			   GM_GENL_FAMILY);
		gm_nl_close(nl);
		return -ENOENT;
	}
	if (ret < 0) {
		gm_err_set(err,
			   "cannot look up the '%s' generic netlink family: %s",
			   GM_GENL_FAMILY, nl_geterror(ret));
		goto fail;
	}
	nl->family = ret;
	return 0;
fail:
	gm_nl_close(nl);
	return -EIO;
}

void gm_nl_close(struct gm_nl *nl)
{
	if (nl->sock)
		nl_socket_free(nl->sock);
	nl->sock = NULL;
}

/* State of one exchange, shared by the callbacks. */
struct exchange {
	gm_nl_reply_fn fn;
	void *arg;
	bool done;
	int error;		/* positive errno from the kernel, or ours */
	bool local;		/* error is ours (from @fn or a bad reply) */
	char extack[EXTACK_LEN];
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct exchange *x = data;
	struct gm_attrs a;
	uint8_t cmd;
	int ret;

	ret = gm_msg_parse(nlmsg_hdr(msg), &cmd, &a);
	if (ret == -EOPNOTSUPP)
		return NL_SKIP;		/* say, an event of a newer kernel */
	if (!ret && x->fn)
		ret = x->fn(cmd, &a, x->arg);
	if (ret < 0) {
		/* Give up: the command fails, nothing more is read. */
		x->error = -ret;
		x->local = true;
		x->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *data)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct exchange *x = data;
	int code;

	/* A dump that failed half way says so in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(code)) {
		memcpy(&code, nlmsg_data(nlh), sizeof(code));
		if (code < 0) {
			x->error = -code;
			gm_extack_msg(nlh, x->extack, sizeof(x->extack));
		}
	}
	x->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *data)
{
	struct exchange *x = data;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	const struct nlmsghdr *nlh =
		(const void *)((const char *)e - NLMSG_HDRLEN);
	struct exchange *x = data;

	(void)nla;
	x->error = -e->error;
	gm_extack_msg(nlh, x->extack, sizeof(x->extack));
	x->done = true;
	return NL_STOP;
}

static struct nl_cb *exchange_cb(struct exchange *x)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

/* The message for a failed exchange; returns the negative errno. */
static int exchange_error(const struct exchange *x, const char *what,
			  int nlerr, struct gm_err *err)
{
	if (x->error == EPROTO && x->local) {
		gm_err_set(err, "%s: malformed reply from the kernel", what);
		return -EPROTO;
	}
	if (x->error && x->local) {
		gm_err_set(err, "%s: %s", what, strerror(x->error));
		return -x->error;
	}
	if (x->error) {
		gm_kernel_error(err, what, x->error, x->extack);
		return -x->error;
	}
	gm_err_set(err, "%s: netlink: %s", what, nl_geterror(nlerr));
	return -EIO;
}

static int put_attrs(struct nl_msg *msg, const struct gm_nl_attr *attrs,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int ret = attrs[i].u32 ?
			nla_put_u32(msg, attrs[i].type, (uint32_t)attrs[i].value) :
			nla_put_u64(msg, attrs[i].type, attrs[i].value);

		if (ret < 0)
			return ret;
	}
	return 0;
}

int gm_nl_request(struct gm_nl *nl, const char *what, uint8_t cmd,
		  bool dump, const struct gm_nl_attr *attrs, size_t nattrs,
		  gm_nl_reply_fn fn, void *arg, struct gm_err *err)
{
	struct exchange x = { .fn = fn, .arg = arg };
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = exchange_cb(&x);
	int ret = -NLE_NOMEM;

	if (!msg || !cb)
		goto out;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, GPUMEM_FAMILY_VERSION))
		goto out;
	ret = put_attrs(msg, attrs, nattrs);
	if (ret < 0)
		goto out;
	ret = nl_send_auto(nl->sock, msg);
	while (ret >= 0 && !x.done)
		ret = nl_recvmsgs(nl->sock, cb);
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	if (x.error || ret < 0)
		return exchange_error(&x, what, ret, err);
	return 0;
}

int gm_nl_subscribe(struct gm_nl *nl, struct gm_err *err)
{
	int grp = genl_ctrl_resolve_grp(nl->sock, GM_GENL_FAMILY,
					GPUMEM_MCGRP_EVENTS);
	int ret;

	if (grp < 0) {
		gm_err_set(err,
			   "monitor: cannot find the '%s' multicast group of '%s': %s",
			   GPUMEM_MCGRP_EVENTS, GM_GENL_FAMILY,
			   nl_geterror(grp));
		return -ENOENT;
	}
	ret = nl_socket_add_membership(nl->sock, grp);
	if (ret == -NLE_PERM) {
		gm_err_set(err,
			   "monitor: permission denied: the '%s' group needs CAP_NET_ADMIN (events name every cgroup of the machine)",
			   GPUMEM_MCGRP_EVENTS);
		return -EPERM;
	}
	if (ret < 0) {
		gm_err_set(err, "monitor: cannot join the '%s' group: %s",
			   GPUMEM_MCGRP_EVENTS, nl_geterror(ret));
		return -EIO;
	}
	return 0;
}

static volatile sig_atomic_t *stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	*stop_flag = 1;
}

/*
 * SIGINT and SIGTERM are blocked except inside ppoll(), so that one
 * arriving between the check of *stop and the wait is not lost.
 */
static int catch_signals(volatile sig_atomic_t *stop, sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	stop_flag = stop;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) ||
	    sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	return 0;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int gm_nl_listen(struct gm_nl *nl, gm_nl_reply_fn fn, void *arg,
		 volatile sig_atomic_t *stop, struct gm_err *err)
{
	struct exchange x = { .fn = fn, .arg = arg };
	struct pollfd pfd = {
		.fd = nl_socket_get_fd(nl->sock), .events = POLLIN,
	};
	struct nl_cb *cb;
	sigset_t waitmask;
	int ret;

	ret = catch_signals(stop, &waitmask);
	if (ret) {
		gm_err_set(err, "monitor: signal handling: %s", strerror(-ret));
		return ret;
	}
	cb = exchange_cb(&x);
	if (!cb) {
		gm_err_set(err, "monitor: out of memory");
		return -ENOMEM;
	}
	/* Events are not answers to our requests: no sequence numbers. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	while (!*stop) {
		ret = ppoll(&pfd, 1, NULL, &waitmask);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			gm_err_set(err, "monitor: poll: %s", strerror(errno));
			break;
		}
		x.error = 0;
		ret = nl_recvmsgs(nl->sock, cb);
		if (ret == -NLE_NOMEM && !x.error) {
			/* ENOBUFS: the socket's queue overflowed. */
			fputs("gpumemctl: monitor: events lost (receive queue overflow)\n",
			      stderr);
			continue;
		}
		if (ret < 0 || x.error) {
			ret = exchange_error(&x, "monitor", ret, err);
			break;
		}
	}
	nl_cb_put(cb);
	return *stop ? 0 : ret;
}
