// SPDX-License-Identifier: GPL-2.0
/* gpumemctl apply: policies from unit files and configuration files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"apply reads [X-GPUMemory] sections (Purge=, SwapBudget=, Writeback=,\n"
"VRAMMax=, Strict=) of systemd units and their drop-ins, found as systemd\n"
"finds them, and the plain files /etc/gpumem/cgroups.d/*.conf (each with\n"
"Cgroup=CGROUP), or only the FILEs and UNITs (names such as foo.service)\n"
"given, and sets each running unit's or cgroup's policy; it prints one\n"
"\"applied\" line per cgroup.  Every error of a file is reported (as\n"
"FILE:LINE: KEY: why); a file with an error applies nothing, the others\n"
"still do; the exit status is then 1.  A UNIT given that has no file on\n"
"the unit search path is an error.  Units not running are skipped.\n"
"--optional: a kernel without gpumem is a warning (status 0), not status 3,\n"
"unless a unit applied says Strict=yes (gpumem-generator's ExecStartPre=\n"
"lines use it, so that such units still start there).\n";

static int parse_files(struct gm_cmdline *cl, struct gm_err *err)
{
	size_t i;

	for (i = 0; i < cl->nargs; i++) {
		if (!cl->args[i][0]) {
			gm_err_set(err, "apply: empty FILE name");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * apply --optional on a kernel without gpumem: a warning naming what is
 * not applied, unless a unit says Strict=yes: then an error (status 3).
 * Returns the exit status, @status if nothing is strict.
 */
static int apply_without_gpumem(const struct gm_apply_list *l,
				const bool *todo, int status)
{
	const char *strict = NULL;
	size_t i, k = 0;

	for (i = 0; i < l->n && !strict; i++)
		if (todo[i] && l->items[i].strict)
			strict = l->items[i].unit;
	if (strict) {
		fprintf(stderr, "gpumemctl: apply: %s has Strict=yes: the 'gpumem' generic netlink family is not available: %s\n",
			strict, GM_NO_FAMILY_WHY);
		return status == GM_EXIT_OK ? GM_EXIT_NO_GPUMEM : status;
	}
	fputs("gpumemctl: warning: the 'gpumem' generic netlink family is not available: " GM_NO_FAMILY_WHY "; not applied:",
	      stderr);
	for (i = 0; i < l->n; i++)
		if (todo[i])
			fprintf(stderr, "%s %s", k++ ? "," : "",
				l->items[i].unit ? l->items[i].unit :
				l->items[i].cgroup);
	fputc('\n', stderr);
	return status;
}

/*
 * apply: parse everything first (errors are printed, and make the exit
 * status 1, whether or not the kernel has gpumem), then resolve the
 * cgroups (units not running are skipped), then, only if there is
 * something to send, open the family and send one POLICY_SET per item.
 * With --optional, no family is a warning (see apply_without_gpumem()).
 */
static int run_apply(const struct gm_cmdline *cl)
{
	struct gm_apply_list l = { 0 };
	struct gm_ctx *c = calloc(1, sizeof(*c));
	struct gm_cgroup *cgs = NULL;
	bool *todo = NULL;
	size_t i, nsend = 0;
	int status = GM_EXIT_OK, ret;

	if (!c) {
		fputs("gpumemctl: out of memory\n", stderr);
		return GM_EXIT_FAILURE;
	}
	c->cl = cl;
	ret = gm_apply_load(&l, cl->args, cl->nargs, &c->err);
	if (ret) {
		status = gm_fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	for (i = 0; i < l.nerrors; i++)
		fprintf(stderr, "gpumemctl: %s\n", l.errors[i]);
	if (l.nerrors)
		status = GM_EXIT_FAILURE;
	cgs = calloc(l.n + 1, sizeof(*cgs));
	todo = calloc(l.n + 1, sizeof(*todo));
	if (!cgs || !todo) {
		status = GM_EXIT_FAILURE;
		fputs("gpumemctl: out of memory\n", stderr);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct gm_apply_item *it = &l.items[i];
		const char *name = it->unit ? it->unit : it->cgroup;

		if (gm_policy_args_empty(&it->policy)) {
			if (!it->broken)	/* else its error said why */
				fprintf(stderr, "gpumemctl: apply: %s: nothing to set, skipped\n",
					name);
			continue;
		}
		if (!c->root[0]) {
			ret = gm_cgroup_root(c->root, sizeof(c->root),
					     &c->err);
			if (ret) {
				status = gm_fail(&c->err, GM_EXIT_FAILURE);
				goto out;
			}
		}
		if (it->unit && gm_unit_is_template(it->unit)) {
			fprintf(stderr, "gpumemctl: apply: %s: a template, skipped: its instances take its policy by name (apply %.*s@INSTANCE%s)\n",
				name, (int)(strchr(name, '@') - name), name,
				strchr(name, '@') + 1);
			continue;
		}
		ret = gm_cgroup_resolve(c->root, name, &cgs[i], &c->err);
		if (ret == -ENOENT) {
			if (it->unit)
				fprintf(stderr, "gpumemctl: apply: %s: not running, skipped\n",
					name);
			else
				fprintf(stderr, "gpumemctl: apply: %s: no such cgroup, skipped (%s)\n",
					name, it->files[0]);
			continue;
		}
		if (ret) {
			fprintf(stderr, "gpumemctl: apply: %s\n", c->err.msg);
			status = GM_EXIT_FAILURE;
			continue;
		}
		todo[i] = true;
		nsend++;
	}
	if (!nsend)
		goto out;
	ret = gm_open_family(c);
	if (ret == GM_EXIT_NO_GPUMEM && cl->optional) {
		status = apply_without_gpumem(&l, todo, status);
		goto out;
	}
	if (ret) {
		/* Parse errors come first: they need fixing either way. */
		if (status == GM_EXIT_OK)
			status = ret;
		gm_fail(&c->err, status);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct gm_apply_item *it = &l.items[i];
		char what[PATH_MAX + 64];

		if (!todo[i])
			continue;
		snprintf(what, sizeof(what), "apply %s (%s)",
			 it->unit ? it->unit : it->cgroup, cgs[i].path);
		ret = gm_send_policy(c, &cgs[i], &it->policy, what);
		if (ret) {
			fprintf(stderr, "gpumemctl: %s\n", c->err.msg);
			if (status == GM_EXIT_OK)
				status = gm_exit_status(ret);
			continue;
		}
		gm_apply_print(stdout, it, cgs[i].path, cgs[i].id,
			       cl->format == GM_FORMAT_JSON);
	}
	gm_nl_close(&c->nl);
	if (gm_flush_stdout(&c->err))
		status = gm_fail(&c->err, GM_EXIT_FAILURE);
out:
	gm_apply_free(&l);
	free(cgs);
	free(todo);
	free(c);
	return status;
}

const struct gm_command_info gm_cmd_apply = {
	.cmd = GM_CMD_APPLY,
	.name = "apply",
	.args = "[FILE|UNIT...] [--optional]",
	.summary = "apply policies from configuration files",
	.help = help,
	.options = GM_OPT_OPTIONAL,
	.parse = parse_files,
	.run = run_apply,
};
