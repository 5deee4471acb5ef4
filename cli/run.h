/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the commands' runners share: the context of a command that talks to
 * the kernel, exit statuses from errors, and the one place a policy is
 * sent.  Every runner prints its errors as "gpumemctl: MESSAGE" on stderr
 * and returns an exit status (err.h).
 */
#ifndef GPUMEMCTL_RUN_H
#define GPUMEMCTL_RUN_H

#include <limits.h>

#include "cgroup.h"
#include "cmdline.h"
#include "err.h"
#include "nl.h"

/* What a command works with. */
struct gm_ctx {
	const struct gm_cmdline *cl;
	char root[PATH_MAX];		/* the cgroup2 mount */
	struct gm_cgroup *cgs;		/* the resolved CGROUP operands */
	struct gm_nl nl;
	struct gm_err err;
};

/* Print @err's message; returns @status. */
int gm_fail(const struct gm_err *err, int status);
/* The exit status of a negative errno from the kernel (0: GM_EXIT_OK). */
int gm_exit_status(int ret);
/* Check that writing to stdout worked: 0, or -EIO with a message. */
int gm_flush_stdout(struct gm_err *err);
/* The same for help and version: the exit status, the error printed. */
int gm_flush_or_fail(void);

/* Open the family: 0, or the exit status of the failure (message in c). */
int gm_open_family(struct gm_ctx *c);

/*
 * The one place a policy is sent: POLICY_SET of @cg with the keys @s has.
 * Used by set, apply and oci-hook.
 */
int gm_send_policy(struct gm_ctx *c, const struct gm_cgroup *cg,
		   const struct gm_policy_args *s, const char *what);

/*
 * Run @fn as show, set, reclaim and monitor are run: the CGROUP operands
 * resolved (arguments first), then the family opened and the cgroup2 mount
 * found.  Returns the exit status.
 */
int gm_run_kernel_command(const struct gm_cmdline *cl,
			  int (*fn)(struct gm_ctx *c));

#endif
