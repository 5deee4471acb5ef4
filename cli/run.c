// SPDX-License-Identifier: GPL-2.0
/* What the commands' runners share (see run.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

int gm_fail(const struct gm_err *err, int status)
{
	fprintf(stderr, "gpumemctl: %s\n", err->msg);
	return status;
}

int gm_exit_status(int ret)
{
	switch (ret) {
	case 0:
		return GM_EXIT_OK;
	case -EPERM:
		return GM_EXIT_PERMISSION;
	default:
		return GM_EXIT_FAILURE;
	}
}

static int out_of_memory(struct gm_err *err)
{
	gm_err_set(err, "out of memory");
	return -ENOMEM;
}

int gm_flush_stdout(struct gm_err *err)
{
	if (fflush(stdout) || ferror(stdout)) {
		gm_err_set(err, "writing to standard output: %s",
			   strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Resolve every CGROUP operand. */
static int resolve_cgroups(struct gm_ctx *c)
{
	size_t i;
	int ret;

	if (!c->cl->nargs)
		return 0;
	ret = gm_cgroup_root(c->root, sizeof(c->root), &c->err);
	if (ret)
		return ret;
	c->cgs = calloc(c->cl->nargs, sizeof(*c->cgs));
	if (!c->cgs)
		return out_of_memory(&c->err);
	for (i = 0; i < c->cl->nargs; i++) {
		ret = gm_cgroup_resolve(c->root, c->cl->args[i], &c->cgs[i],
					&c->err);
		if (ret)
			return ret;
	}
	return 0;
}

int gm_open_family(struct gm_ctx *c)
{
	int ret = gm_nl_open(&c->nl, &c->err);

	if (!ret)
		return GM_EXIT_OK;
	return ret == -ENOENT ? GM_EXIT_NO_GPUMEM : GM_EXIT_FAILURE;
}

int gm_send_policy(struct gm_ctx *c, const struct gm_cgroup *cg,
		       const struct gm_policy_args *s, const char *what)
{
	struct gm_nl_attr attrs[1 + GM_POLICY_NKEYS] = {
		{ GPUMEM_A_CGROUP_ID, false, cg->id },
	};
	size_t n = 1;
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		const struct gm_policy_key_info *key = &gm_policy_keys[k];

		if (gm_policy_has(s, k))
			attrs[n++] = (struct gm_nl_attr){
				key->attr, key->words != NULL, s->val[k] };
	}
	return gm_nl_request(&c->nl, what, GPUMEM_CMD_POLICY_SET, false,
			     attrs, n, NULL, NULL, &c->err);
}

int gm_run_kernel_command(const struct gm_cmdline *cl,
			      int (*fn)(struct gm_ctx *c))
{
	struct gm_ctx *c = calloc(1, sizeof(*c));
	int ret, status;

	if (!c) {
		fputs("gpumemctl: out of memory\n", stderr);
		return GM_EXIT_FAILURE;
	}
	c->cl = cl;
	/* Arguments first, then the kernel. */
	ret = resolve_cgroups(c);
	if (ret) {
		status = gm_fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = gm_open_family(c);
	if (ret) {
		status = gm_fail(&c->err, ret);
		goto out;
	}
	if (!c->root[0])
		ret = gm_cgroup_root(c->root, sizeof(c->root), &c->err);
	if (!ret)
		ret = fn(c);
	gm_nl_close(&c->nl);
	status = ret ? gm_fail(&c->err, gm_exit_status(ret)) : GM_EXIT_OK;
out:
	free(c->cgs);
	free(c);
	return status;
}

int gm_flush_or_fail(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror("gpumemctl: writing to standard output");
		return GM_EXIT_FAILURE;
	}
	return GM_EXIT_OK;
}

