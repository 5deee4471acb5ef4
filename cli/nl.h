/* The 'gpumem' generic netlink family. */
#ifndef GPUMEMCTL_NL_H
#define GPUMEMCTL_NL_H

#include "err.h"

#define GM_GENL_FAMILY "gpumem"

struct nl_sock;

struct gm_nl {
	struct nl_sock *sock;
	int family;		/* generic netlink family id */
};

/*
 * Connect to generic netlink and resolve the family.  Returns 0, -ENOENT
 * if the kernel has no such family, or another negative errno.
 */
int gm_nl_open(struct gm_nl *nl, struct gm_err *err);
void gm_nl_close(struct gm_nl *nl);

#endif
