// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl: inspect and control GPU buffer memory per cgroup.  This is
 * the dispatch only: each command is in its cmd_*.c (commands.h).  See
 * gpumemctl(8) and DESIGN.md.
 */
#include <errno.h>
#include <stdio.h>

#include "cmdline.h"
#include "err.h"
#include "help.h"
#include "run.h"

int main(int argc, char **argv)
{
	struct gm_cmdline cl;
	struct gm_err err;
	int ret;

	/* No arguments at all: the usage, as a usage error. */
	if (argc <= 1) {
		gm_usage(stderr);
		return GM_EXIT_USAGE;
	}
	ret = gm_cmdline_parse(&cl, argc, argv, &err);
	if (ret)
		return gm_fail(&err, ret == -EINVAL ? GM_EXIT_USAGE :
			       GM_EXIT_FAILURE);
	if (cl.cmd == GM_CMD_VERSION) {
		gm_version(stdout);
		ret = gm_flush_or_fail();
	} else {
		ret = gm_command_info(cl.cmd)->run(&cl);
	}
	gm_cmdline_free(&cl);
	return ret;
}
