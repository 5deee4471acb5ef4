// SPDX-License-Identifier: GPL-2.0
/* gpumemctl set: the policy of a cgroup, in the keys of policy.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "policy.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"set changes the policy of CGROUP: purge order, swap budget, writeback\n"
"mode and VRAM limit; keys not given keep their value.  It needs\n"
"CAP_SYS_ADMIN and prints nothing.\n";

static int set_one(struct gm_cmdline *cl, enum gm_policy_key key,
		   const char *value, struct gm_err *err)
{
	char why[GM_ERR_LEN];

	if (!gm_policy_value_parse(&cl->set, key, value, why, sizeof(why)))
		return 0;
	gm_err_set(err, "set: %s: %s", gm_policy_keys[key].name, why);
	return -EINVAL;
}

/* set CGROUP KEY VALUE [KEY VALUE]... */
static int parse_set(struct gm_cmdline *cl, struct gm_err *err)
{
	const char **a = cl->args;
	size_t n = cl->nargs, i;
	char keys[128];

	gm_policy_key_list(keys, sizeof(keys), GM_POLICY_FIELD(name), " or ");
	if (!n) {
		gm_err_set(err, "set: missing CGROUP");
		return -EINVAL;
	}
	if (gm_parse_cgroup(cl, a[0], err))
		return -EINVAL;
	if (n == 1) {
		gm_err_set(err, "set: nothing to set (give %s)", keys);
		return -EINVAL;
	}
	for (i = 1; i < n; i += 2) {
		int key = gm_policy_key_lookup(a[i]);

		if (key < 0) {
			gm_err_set(err, "set: unknown key '%s' (expected %s)",
				   a[i], keys);
			return -EINVAL;
		}
		if (gm_policy_has(&cl->set, key)) {
			gm_err_set(err, "set: '%s' given more than once",
				   a[i]);
			return -EINVAL;
		}
		if (i + 1 >= n) {
			gm_err_set(err, "set: missing value for '%s'", a[i]);
			return -EINVAL;
		}
		if (set_one(cl, key, a[i + 1], err))
			return -EINVAL;
	}
	cl->nargs = 1;
	return 0;
}

static int cmd_set(struct gm_ctx *c)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "set %s", c->cgs[0].path);
	return gm_send_policy(c, &c->cgs[0], &c->cl->set, what);
}

static int run_set(const struct gm_cmdline *cl)
{
	return gm_run_kernel_command(cl, cmd_set);
}

const struct gm_command_info gm_cmd_set = {
	.cmd = GM_CMD_SET,
	.name = "set",
	.args = "CGROUP" GM_POLICY_SET_USAGE,
	.summary = "set policy (at least one key, each once)",
	.help = help,
	.options = 0,
	.parse = parse_set,
	.run = run_set,
};
