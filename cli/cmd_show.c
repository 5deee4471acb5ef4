// SPDX-License-Identifier: GPL-2.0
/* gpumemctl show: statistics and policy of cgroups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "output.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"show lists every memory cgroup (or the CGROUPs given) with its GPU buffer\n"
"memory: RESIDENT, PURGEABLE, BACKUP, VRAM, the effective VRAM limit\n"
"(VRAM.MAX), the effective swap BUDGET, PURGE and WRITEBACK policies, and\n"
"memory.current/memory.max as MEM.CUR/MEM.MAX.  A VRAM limit moves the\n"
"cgroup's own buffers out of VRAM, into its memory, when it is reached or\n"
"lowered.  --tree shows the hierarchy, indented (with CGROUPs: the subtrees\n"
"below them).  --output-file FILE writes the output to FILE atomically (a\n"
"temporary file beside it, renamed over it when complete; mode 0644), as\n"
"the node_exporter textfile collector needs it: gpumemctl -o prometheus\n"
"show --output-file /var/lib/prometheus/node-exporter/gpumem.prom.  On an\n"
"error FILE is left as it was.\n";

struct records {
	struct gm_record *v;
	size_t n, cap;
};

/* A new zeroed record at the end, NULL if out of memory. */
static struct gm_record *records_push(struct records *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct gm_record *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	return &r->v[r->n++];
}

/*
 * Reply callback: a stats-get record, which carries everything show prints
 * (statistics, policy, path, memory.current and memory.max).
 */
static int collect(uint8_t cmd, const struct gm_attrs *a, void *arg)
{
	struct records *r = arg;
	struct gm_record *rec;

	(void)cmd;
	rec = records_push(r);
	if (!rec)
		return -ENOMEM;
	gm_record_merge(rec, a);
	if (a->path && !(rec->path = strdup(a->path)))
		return -ENOMEM;
	rec->has_mem_current = gm_has(a, GPUMEM_A_CGROUP_MEMORY_CURRENT);
	rec->mem_current = a->val[GPUMEM_A_CGROUP_MEMORY_CURRENT];
	rec->has_mem_max = gm_has(a, GPUMEM_A_CGROUP_MEMORY_MAX);
	rec->mem_max = a->val[GPUMEM_A_CGROUP_MEMORY_MAX];
	return 0;
}

static int id_cmp(const void *pa, const void *pb)
{
	uint64_t a = gm_record_id(pa), b = gm_record_id(pb);

	return a < b ? -1 : a > b;
}

/* A cgroup met twice (in overlapping subtrees) is kept once. */
static void records_dedupe(struct records *r)
{
	size_t i, kept = 0;

	qsort(r->v, r->n, sizeof(*r->v), id_cmp);
	for (i = 0; i < r->n; i++) {
		if (kept && gm_record_id(&r->v[kept - 1]) == gm_record_id(&r->v[i]))
			free(r->v[i].path);
		else
			r->v[kept++] = r->v[i];
	}
	r->n = kept;
}

static void records_free(struct records *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/*
 * Every record show needs, from the kernel alone: of each CGROUP operand
 * (with --tree, of its subtree), or of every cgroup.
 */
static int get_records(struct gm_ctx *c, struct records *r)
{
	const struct gm_cmdline *cl = c->cl;
	char what[PATH_MAX + 16];
	size_t i;
	int ret;

	if (!cl->nargs)
		return gm_nl_request(&c->nl, "show", GPUMEM_CMD_STATS_GET, true,
				     NULL, 0, collect, r, &c->err);
	for (i = 0; i < cl->nargs; i++) {
		const struct gm_nl_attr id = {
			GPUMEM_A_CGROUP_ID, false, c->cgs[i].id,
		};

		snprintf(what, sizeof(what), "show %s", c->cgs[i].path);
		/* A dump with an id covers that cgroup's subtree. */
		ret = gm_nl_request(&c->nl, what, GPUMEM_CMD_STATS_GET, cl->tree,
				    &id, 1, collect, r, &c->err);
		if (ret)
			return ret;
	}
	if (cl->tree && cl->nargs > 1)
		records_dedupe(r);
	return 0;
}

static int cmd_show(struct gm_ctx *c)
{
	const struct gm_cmdline *cl = c->cl;
	struct records r = { 0 };
	int ret;

	ret = get_records(c, &r);
	if (!ret) {
		if (!cl->nargs || cl->tree)
			gm_records_sort(r.v, r.n);
		gm_print_records(stdout, r.v, r.n, cl->format, cl->pretty,
				 cl->tree);
		ret = gm_flush_stdout(&c->err);
	}
	records_free(&r);
	return ret;
}

/*
 * show --output-file FILE: standard output goes to a temporary file that
 * replaces FILE only if show succeeds (see outfile.h).
 */
static int run_show(const struct gm_cmdline *cl)
{
	struct gm_outfile o;
	struct gm_err err;
	int status;

	if (!cl->output_file)
		return gm_run_kernel_command(cl, cmd_show);
	if (gm_outfile_open(&o, cl->output_file, &err))
		return gm_fail(&err, GM_EXIT_FAILURE);
	if (fflush(stdout) || dup2(o.fd, STDOUT_FILENO) < 0) {
		gm_err_set(&err, "output file %s: %s", cl->output_file,
			   strerror(errno));
		gm_outfile_abort(&o);
		return gm_fail(&err, GM_EXIT_FAILURE);
	}
	status = gm_run_kernel_command(cl, cmd_show);
	/* cmd_show flushed stdout and checked it */
	if (status == GM_EXIT_OK && gm_outfile_commit(&o, &err))
		status = gm_fail(&err, GM_EXIT_FAILURE);
	else if (status != GM_EXIT_OK)
		gm_outfile_abort(&o);
	return status;
}

const struct gm_command_info gm_cmd_show = {
	.cmd = GM_CMD_SHOW,
	.name = "show",
	.args = "[CGROUP...] [--tree] [--output-file FILE]",
	.summary = "statistics and policy of cgroups",
	.help = help,
	.options = GM_OPT_TREE | GM_OPT_OUTPUT_FILE | GM_OPT_PROMETHEUS,
	.parse = gm_parse_cgroups,
	.run = run_show,
};
