// SPDX-License-Identifier: GPL-2.0
/* gpumemctl oci-hook: an OCI runtime hook that sets a container's policy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"oci-hook runs as an OCI runtime hook at createRuntime (see gpumemctl(8)): it\n"
"reads the container state on stdin and sets the container cgroup's policy\n"
"from its annotations gpumem.io/purge, gpumem.io/swap-budget,\n"
"gpumem.io/writeback and gpumem.io/vram-max (values as for set), printing\n"
"one \"applied\" line.  A key without an annotation comes from the\n"
"container's environment (config.json's process.env): GPUMEM_PURGE,\n"
"GPUMEM_SWAP_BUDGET, GPUMEM_WRITEBACK, GPUMEM_VRAM_MAX; the annotation wins\n"
"when both are set.  A bad value or another gpumem.io/ key applies nothing\n"
"and exits 1, which fails the container's start; a container with neither\n"
"is left alone.  --optional: a kernel without gpumem is a warning (status\n"
"0, the container starts without its policy), not status 3.\n";

/*
 * oci-hook (see oci.h): the container state on stdin.  Bad annotations
 * (and variables) are all reported and apply nothing; no policy at all is
 * no action (no netlink, no output).  Then the cgroup must exist, and the
 * policy is sent as set and apply send it.  With --optional, a kernel
 * without the family is a warning and status 0: the container starts
 * without its policy.
 */
static int run_oci_hook(const struct gm_cmdline *cl)
{
	struct gm_ctx *c = calloc(1, sizeof(*c));
	struct gm_oci o = { 0 };
	struct gm_cgroup cg;
	char *state = NULL, what[PATH_MAX + 128];
	int status = GM_EXIT_FAILURE, ret;
	size_t len, i;

	if (!c) {
		fputs("gpumemctl: out of memory\n", stderr);
		return GM_EXIT_FAILURE;
	}
	c->cl = cl;
	ret = gm_oci_read(stdin, &state, &len);
	if (ret) {
		gm_err_set(&c->err,
			   "oci-hook: reading the container state from standard input: %s",
			   strerror(-ret));
		gm_fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = gm_oci_parse(&o, state, len, "/proc", &c->err);
	if (o.warning)
		fprintf(stderr, "gpumemctl: %s\n", o.warning);
	if (ret) {
		gm_fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	for (i = 0; i < o.nerrors; i++)
		fprintf(stderr, "gpumemctl: %s\n", o.errors[i]);
	if (o.nerrors)
		goto out;
	if (gm_policy_args_empty(&o.policy)) {
		status = GM_EXIT_OK;
		goto out;
	}
	ret = gm_cgroup_root(c->root, sizeof(c->root), &c->err);
	if (!ret)
		ret = gm_oci_resolve(&o, c->root, &cg, &c->err);
	if (ret) {
		gm_fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = gm_open_family(c);
	if (ret == GM_EXIT_NO_GPUMEM && cl->optional) {
		fprintf(stderr, "gpumemctl: warning: oci-hook: container %s: the 'gpumem' generic netlink family is not available: " GM_NO_FAMILY_WHY "; its policy is not applied\n",
			o.id);
		status = GM_EXIT_OK;
		goto out;
	}
	if (ret) {
		status = gm_fail(&c->err, ret);
		goto out;
	}
	snprintf(what, sizeof(what), "oci-hook: container %.64s (%s)", o.id,
		 cg.path);
	ret = gm_send_policy(c, &cg, &o.policy, what);
	gm_nl_close(&c->nl);
	if (ret) {
		status = gm_fail(&c->err, gm_exit_status(ret));
		goto out;
	}
	gm_oci_print(stdout, &o, cg.path, cg.id,
		     cl->format == GM_FORMAT_JSON);
	status = gm_flush_stdout(&c->err) ? gm_fail(&c->err, GM_EXIT_FAILURE) :
		 GM_EXIT_OK;
out:
	gm_oci_free(&o);
	free(state);
	free(c);
	return status;
}

const struct gm_command_info gm_cmd_oci_hook = {
	.cmd = GM_CMD_OCI_HOOK,
	.name = "oci-hook",
	.args = "[--optional]",
	.summary = "OCI runtime hook (container state on stdin)",
	.help = help,
	.options = GM_OPT_OPTIONAL,
	.parse = gm_parse_no_operands,
	.run = run_oci_hook,
};
