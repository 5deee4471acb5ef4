// SPDX-License-Identifier: GPL-2.0
/* gpumemctl monitor: gpumem's events, printed until interrupted. */
#include <stdio.h>
#include <time.h>

#include "output.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"monitor prints one line per event (purge, budget, policy, vram), or one\n"
"JSON object per line with -j, and says \"monitoring ...\" on stderr once\n"
"subscribed; SIGINT or SIGTERM ends it with status 0.  It needs\n"
"CAP_NET_ADMIN, in the host's network namespace.\n";

struct monitor {
	struct gm_ctx *c;
	struct gm_cgroup_map map;
	time_t mapped;		/* when the map was built */
};

/*
 * The path of @id.  Cgroups come and go while monitoring: on a miss the
 * tree is walked again, at most once a second.
 */
static const char *monitor_path(struct monitor *m, uint64_t id)
{
	const char *path = gm_cgroup_map_find(&m->map, id);
	time_t now = time(NULL);
	struct gm_err err;

	if (path || now == m->mapped)
		return path;
	gm_cgroup_map_free(&m->map);
	gm_cgroup_map_build(&m->map, m->c->root, &err);
	m->mapped = now;
	return gm_cgroup_map_find(&m->map, id);
}

static bool monitor_wants(const struct gm_ctx *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->cl->nargs; i++)
		if (c->cgs[i].id == id)
			return true;
	return !c->cl->nargs;
}

static int on_event(uint8_t cmd, const struct gm_attrs *a, void *arg)
{
	struct monitor *m = arg;
	struct gm_event ev = { .cmd = cmd, .a = *a };
	unsigned int ts_attr;

	/* Policy events carry GPUMEM_A_CGROUP_ID, the same number. */
	_Static_assert((int)GPUMEM_A_EVENT_ID == (int)GPUMEM_A_CGROUP_ID,
		       "id attrs");
	if (!gm_event_name(cmd) ||
	    !monitor_wants(m->c, a->val[GPUMEM_A_EVENT_ID]))
		return 0;
	/* The kernel's time of the event; ours for a kernel without it. */
	ts_attr = cmd == GPUMEM_CMD_POLICY_NTF ? GPUMEM_A_CGROUP_TIMESTAMP :
						 GPUMEM_A_EVENT_TIMESTAMP;
	if (gm_has(a, ts_attr)) {
		ev.time.tv_sec = a->val[ts_attr] / 1000000000;
		ev.time.tv_nsec = a->val[ts_attr] % 1000000000;
	} else {
		clock_gettime(CLOCK_REALTIME, &ev.time);
	}
	ev.path = monitor_path(m, a->val[GPUMEM_A_EVENT_ID]);
	if (cmd == GPUMEM_CMD_BUDGET_NTF &&
	    gm_has(a, GPUMEM_A_EVENT_BUDGET_ID))
		ev.other_path = monitor_path(m,
					     a->val[GPUMEM_A_EVENT_BUDGET_ID]);
	if (cmd == GPUMEM_CMD_VRAM_NTF && gm_has(a, GPUMEM_A_EVENT_LIMIT_ID))
		ev.other_path = monitor_path(m, a->val[GPUMEM_A_EVENT_LIMIT_ID]);
	gm_print_event(stdout, &ev, m->c->cl->format == GM_FORMAT_JSON);
	return gm_flush_stdout(&m->c->err);
}

static int cmd_monitor(struct gm_ctx *c)
{
	static volatile sig_atomic_t stop;
	struct monitor m = { .c = c, .mapped = time(NULL) };
	int ret;

	ret = gm_cgroup_map_build(&m.map, c->root, &c->err);
	if (!ret)
		ret = gm_nl_subscribe(&c->nl, &c->err);
	if (!ret) {
		if (c->cl->nargs)
			fprintf(stderr, "monitoring gpumem events of %zu cgroup%s\n",
				c->cl->nargs, c->cl->nargs > 1 ? "s" : "");
		else
			fputs("monitoring gpumem events of all cgroups\n",
			      stderr);
		ret = gm_nl_listen(&c->nl, on_event, &m, &stop, &c->err);
	}
	gm_cgroup_map_free(&m.map);
	return ret;
}

static int run_monitor(const struct gm_cmdline *cl)
{
	return gm_run_kernel_command(cl, cmd_monitor);
}

const struct gm_command_info gm_cmd_monitor = {
	.cmd = GM_CMD_MONITOR,
	.name = "monitor",
	.args = "[CGROUP...]",
	.summary = "print gpumem events until interrupted",
	.help = help,
	.options = 0,
	.parse = gm_parse_cgroups,
	.run = run_monitor,
};
