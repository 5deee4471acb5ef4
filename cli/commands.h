/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table of gpumemctl: one line per command, in the order
 * help lists them.  Everything about a command that is not its code comes
 * from here: the command enum and the name the parser matches (with
 * unique prefixes) in cmdline.c, the handler main.c dispatches to, the
 * usage lines and command list of help.c.  The bash completion and the
 * man page list the commands too; test-commands checks that they list
 * exactly these.
 *
 * X(ENUM, name, handler, arguments, one-line summary)
 */
#ifndef GPUMEMCTL_COMMANDS_H
#define GPUMEMCTL_COMMANDS_H

#include "policy.h"

#define GM_COMMANDS(X)							\
	X(SHOW, "show", run_show, "[CGROUP...] [--tree] [--output-file FILE]", \
	  "statistics and policy of cgroups")				\
	X(SET, "set", run_set, "CGROUP" GM_POLICY_SET_USAGE,		\
	  "set policy (at least one key, each once)")			\
	X(RECLAIM, "reclaim", run_reclaim, "CGROUP SIZE",		\
	  "reclaim GPU memory from CGROUP's subtree")			\
	X(MONITOR, "monitor", run_monitor, "[CGROUP...]",		\
	  "print gpumem events until interrupted")			\
	X(APPLY, "apply", run_apply, "[FILE|UNIT...] [--optional]",	\
	  "apply policies from configuration files")			\
	X(OCI_HOOK, "oci-hook", run_oci_hook, "[--optional]",			\
	  "OCI runtime hook (container state on stdin)")		\
	X(CDI, "cdi", run_cdi, "[--output-file FILE|-] [--optional]",	\
	  "write a CDI spec for the DRM devices, with the OCI hook")	\
	X(HELP, "help", run_help, "[COMMAND]",				\
	  "print this help, or COMMAND's")

#endif
