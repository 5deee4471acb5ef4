#include <errno.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

int gm_nl_open(struct gm_nl *nl, struct gm_err *err)
{
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
	ret = genl_ctrl_resolve(nl->sock, GM_GENL_FAMILY);
	if (ret == -NLE_OBJ_NOTFOUND) {
		gm_err_set(err,
			   "the '%s' generic netlink family is not available: this kernel has no gpumem support (or the module is not loaded)",
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
