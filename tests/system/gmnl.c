// SPDX-License-Identifier: GPL-2.0
/* The gpumem generic netlink family for the system tests (see gmnl.h). */
#include <inttypes.h>

#include <linux/gpumem.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "gmnl.h"
#include "systest.h"

struct nl_sock *gmnl_open(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk))
		st_fail("cannot open a generic netlink socket");
	*family = genl_ctrl_resolve(sk, GPUMEM_FAMILY_NAME);
	if (*family < 0)
		st_fail("no gpumem family: %s", nl_geterror(*family));
	return sk;
}

void gmnl_request(struct nl_sock *sk, int family, int cmd, int id_attr,
		  uint64_t id, int bytes_attr, uint64_t bytes,
		  nl_recvmsg_msg_cb_t cb, void *arg)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 cmd, GPUMEM_FAMILY_VERSION) ||
	    nla_put_u64(msg, id_attr, id) ||
	    (bytes_attr && nla_put_u64(msg, bytes_attr, bytes)))
		st_fail("cannot build a gpumem request");
	if (cb)
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	if (err < 0)
		st_fail("gpumem command %d for cgroup %" PRIu64 ": %s", cmd, id,
			nl_geterror(err));
}
