// SPDX-License-Identifier: GPL-2.0
/* gpumemctl reclaim: GPU memory reclaimed from a cgroup's subtree now. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "output.h"
#include "run.h"
#include "size.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"reclaim asks the kernel to free SIZE bytes of GPU buffer memory of\n"
"CGROUP's subtree now (purging, backing up) and prints what it freed.  It\n"
"needs CAP_SYS_ADMIN.\n";

static int parse_size_arg(const char *what, const char *word, uint64_t *out,
			  struct gm_err *err)
{
	char why[GM_ERR_LEN];

	if (!gm_size_value_parse(word, out, why, sizeof(why)))
		return 0;
	gm_err_set(err, "%s: %s", what, why);
	return -EINVAL;
}

/* reclaim CGROUP SIZE */
static int parse_reclaim(struct gm_cmdline *cl, struct gm_err *err)
{
	const char **a = cl->args;
	size_t n = cl->nargs;

	if (n < 2) {
		gm_err_set(err, "reclaim: missing %s",
			   n ? "SIZE" : "CGROUP");
		return -EINVAL;
	}
	if (n > 2) {
		gm_err_set(err, "reclaim: unexpected argument '%s'", a[2]);
		return -EINVAL;
	}
	if (gm_parse_cgroup(cl, a[0], err) ||
	    parse_size_arg("reclaim", a[1], &cl->reclaim_bytes, err))
		return -EINVAL;
	if (cl->reclaim_bytes == GM_SIZE_MAX || !cl->reclaim_bytes) {
		gm_err_set(err,
			   "reclaim: SIZE must be a number of bytes greater than 0, not '%s'",
			   a[1]);
		return -EINVAL;
	}
	cl->nargs = 1;
	return 0;
}

static int keep_attrs(uint8_t cmd, const struct gm_attrs *a, void *arg)
{
	(void)cmd;
	*(struct gm_attrs *)arg = *a;
	return 0;
}

static int cmd_reclaim(struct gm_ctx *c)
{
	const struct gm_nl_attr attrs[] = {
		{ GPUMEM_A_RECLAIM_ID, false, c->cgs[0].id },
		{ GPUMEM_A_RECLAIM_BYTES, false, c->cl->reclaim_bytes },
	};
	struct gm_attrs reply = { 0 };
	char what[PATH_MAX + 16];
	int ret;

	snprintf(what, sizeof(what), "reclaim %s", c->cgs[0].path);
	ret = gm_nl_request(&c->nl, what, GPUMEM_CMD_RECLAIM, false, attrs,
			    2, keep_attrs, &reply, &c->err);
	if (ret)
		return ret;
	gm_print_reclaim(stdout, &reply, c->cl->format, c->cl->pretty);
	return gm_flush_stdout(&c->err);
}

static int run_reclaim(const struct gm_cmdline *cl)
{
	return gm_run_kernel_command(cl, cmd_reclaim);
}

const struct gm_command_info gm_cmd_reclaim = {
	.cmd = GM_CMD_RECLAIM,
	.name = "reclaim",
	.args = "CGROUP SIZE",
	.summary = "reclaim GPU memory from CGROUP's subtree",
	.help = help,
	.options = 0,
	.parse = parse_reclaim,
	.run = run_reclaim,
};
