// SPDX-License-Identifier: GPL-2.0
/* gpumemctl help: the help of gpumemctl, or of one command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "help.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"help prints this help; help COMMAND, COMMAND help and COMMAND --help print\n"
"COMMAND's.  A COMMAND may be abbreviated to a unique prefix (sh for show).\n";

/* help [COMMAND], COMMAND help */
static int parse_help(struct gm_cmdline *cl, struct gm_err *err)
{
	if (cl->nargs > 1) {
		gm_err_set(err, "help: unexpected argument '%s'",
			   cl->args[1]);
		return -EINVAL;
	}
	if (cl->nargs) {
		cl->help_cmd = gm_command_lookup(cl->args[0], err);
		if (cl->help_cmd == GM_CMD_NONE)
			return -EINVAL;
	}
	cl->nargs = 0;
	return 0;
}

static int run_help(const struct gm_cmdline *cl)
{
	gm_help(stdout, cl->help_cmd);
	return gm_flush_or_fail();
}

const struct gm_command_info gm_cmd_help = {
	.cmd = GM_CMD_HELP,
	.name = "help",
	.args = "[COMMAND]",
	.summary = "print this help, or COMMAND's",
	.help = help,
	.options = 0,
	.parse = parse_help,
	.run = run_help,
};
