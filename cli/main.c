/*
 * gpumemctl: inspect and control GPU buffer memory per cgroup.
 * See gpumemctl(8) and DESIGN.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup.h"
#include "cmdline.h"
#include "err.h"
#include "help.h"
#include "nl.h"

static int fail(const struct gm_err *err, int status)
{
	fprintf(stderr, "gpumemctl: %s\n", err->msg);
	return status;
}

/* Resolve every CGROUP operand; only checks, for now, that they exist. */
static int resolve_cgroups(const struct gm_cmdline *cl, struct gm_err *err)
{
	char root[PATH_MAX];
	struct gm_cgroup *cg;
	size_t i;
	int ret;

	if (!cl->nargs)
		return 0;
	ret = gm_cgroup_root(root, sizeof(root), err);
	if (ret)
		return ret;
	cg = malloc(sizeof(*cg));
	if (!cg) {
		gm_err_set(err, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < cl->nargs && !ret; i++)
		ret = gm_cgroup_resolve(root, cl->args[i], cg, err);
	free(cg);
	return ret;
}

/* show, set, reclaim, monitor */
static int run_kernel_command(const struct gm_cmdline *cl)
{
	struct gm_nl nl;
	struct gm_err err;
	int ret;

	ret = resolve_cgroups(cl, &err);
	if (ret)
		return fail(&err, GM_EXIT_FAILURE);
	ret = gm_nl_open(&nl, &err);
	if (ret)
		return fail(&err, ret == -ENOENT ? GM_EXIT_NO_GPUMEM :
			    GM_EXIT_FAILURE);
	gm_nl_close(&nl);
	gm_err_set(&err,
		   "%s: not implemented yet (the kernel has the '%s' generic netlink family, id %d, but this gpumemctl cannot talk to it yet)",
		   gm_command_name(cl->cmd), GM_GENL_FAMILY, nl.family);
	return fail(&err, GM_EXIT_FAILURE);
}

static int not_implemented(const struct gm_cmdline *cl)
{
	struct gm_err err;

	gm_err_set(&err, "%s: not implemented yet", gm_command_name(cl->cmd));
	return fail(&err, GM_EXIT_FAILURE);
}

static int print_and_exit(void (*print)(FILE *f))
{
	print(stdout);
	if (fflush(stdout) || ferror(stdout)) {
		perror("gpumemctl: writing to standard output");
		return GM_EXIT_FAILURE;
	}
	return GM_EXIT_OK;
}

static int run(const struct gm_cmdline *cl)
{
	switch (cl->cmd) {
	case GM_CMD_HELP:
		return print_and_exit(gm_help);
	case GM_CMD_VERSION:
		return print_and_exit(gm_version);
	case GM_CMD_SHOW:
	case GM_CMD_SET:
	case GM_CMD_RECLAIM:
	case GM_CMD_MONITOR:
		return run_kernel_command(cl);
	case GM_CMD_APPLY:
	case GM_CMD_OCI_HOOK:
		return not_implemented(cl);
	default:
		return GM_EXIT_FAILURE;
	}
}

int main(int argc, char **argv)
{
	struct gm_cmdline cl;
	struct gm_err err;
	int ret;

	ret = gm_cmdline_parse(&cl, argc, argv, &err);
	if (ret)
		return fail(&err, ret == -EINVAL ? GM_EXIT_USAGE :
			    GM_EXIT_FAILURE);
	ret = run(&cl);
	gm_cmdline_free(&cl);
	return ret;
}
