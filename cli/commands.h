/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of gpumemctl, one line each, in the order help lists them:
 *
 *   X(ENUM, file)
 *
 * Everything else about a command is in cli/cmd_FILE.c, in one struct
 * gm_command_info gm_cmd_FILE (cmdline.h): its name, usage, summary and
 * help text, the parser of its operands and its runner.  The command enum,
 * the parser's lookup (with unique prefixes), main.c's dispatch and help's
 * command list all read this table.  The bash completion and the man page
 * list the commands too; test-commands checks that they list exactly these.
 */
#ifndef GPUMEMCTL_COMMANDS_H
#define GPUMEMCTL_COMMANDS_H

#define GM_COMMANDS(X)							\
	X(SHOW, show)							\
	X(SET, set)							\
	X(RECLAIM, reclaim)						\
	X(MONITOR, monitor)						\
	X(APPLY, apply)							\
	X(OCI_HOOK, oci_hook)						\
	X(CDI, cdi)							\
	X(HELP, help)

#endif
