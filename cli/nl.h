/* SPDX-License-Identifier: GPL-2.0 */
/* The 'gpumem' generic netlink family: requests, replies and events. */
#ifndef GPUMEMCTL_NL_H
#define GPUMEMCTL_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "reply.h"

#define GM_GENL_FAMILY GPUMEM_FAMILY_NAME

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

/* One request attribute: an enum is sent as u32, anything else as u64. */
struct gm_nl_attr {
	uint16_t type;
	bool u32;
	uint64_t value;
};

/* Called for each reply or event; a negative errno stops. */
typedef int (*gm_nl_reply_fn)(uint8_t cmd, const struct gm_attrs *a,
			      void *arg);

/*
 * Send command @cmd (a dump if @dump) with @attrs and call @fn for each
 * reply (@fn may be NULL).  Returns 0 or a negative errno, with a
 * message "@what: WHY" including the kernel's extack message.
 */
int gm_nl_request(struct gm_nl *nl, const char *what, uint8_t cmd,
		  bool dump, const struct gm_nl_attr *attrs, size_t nattrs,
		  gm_nl_reply_fn fn, void *arg, struct gm_err *err);

/* Join the "events" multicast group. */
int gm_nl_subscribe(struct gm_nl *nl, struct gm_err *err);

/*
 * Call @fn for every event until *@stop is set by a SIGINT or SIGTERM
 * handler (installed here).  Returns 0 when stopped, or a negative errno.
 */
int gm_nl_listen(struct gm_nl *nl, gm_nl_reply_fn fn, void *arg,
		 volatile sig_atomic_t *stop, struct gm_err *err);

#endif
