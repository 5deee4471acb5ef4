// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl: inspect and control GPU buffer memory per cgroup.
 * See gpumemctl(8) and DESIGN.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "cdi.h"
#include "cgroup.h"
#include "cmdline.h"
#include "err.h"
#include "help.h"
#include "nl.h"
#include "oci.h"
#include "outfile.h"
#include "output.h"

/* What a command works with. */
struct ctx {
	const struct gm_cmdline *cl;
	char root[PATH_MAX];		/* the cgroup2 mount */
	struct gm_cgroup *cgs;		/* the resolved CGROUP operands */
	struct gm_nl nl;
	struct gm_err err;
};

static int fail(const struct gm_err *err, int status)
{
	fprintf(stderr, "gpumemctl: %s\n", err->msg);
	return status;
}

static int exit_status(int ret)
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

/* Check that writing to stdout worked. */
static int flush_stdout(struct gm_err *err)
{
	if (fflush(stdout) || ferror(stdout)) {
		gm_err_set(err, "writing to standard output: %s",
			   strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Resolve every CGROUP operand. */
static int resolve_cgroups(struct ctx *c)
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

/* ---- show ------------------------------------------------------------ */

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
static int get_records(struct ctx *c, struct records *r)
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

static int cmd_show(struct ctx *c)
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
		ret = flush_stdout(&c->err);
	}
	records_free(&r);
	return ret;
}

/* ---- set, reclaim ---------------------------------------------------- */

/* Open the family: 0, or the exit status of the failure (message in c). */
static int open_family(struct ctx *c)
{
	int ret = gm_nl_open(&c->nl, &c->err);

	if (!ret)
		return GM_EXIT_OK;
	return ret == -ENOENT ? GM_EXIT_NO_GPUMEM : GM_EXIT_FAILURE;
}

/*
 * The one place a policy is sent: POLICY_SET of @cg with the keys @s has.
 * Used by set, apply and oci-hook.
 */
static int send_policy(struct ctx *c, const struct gm_cgroup *cg,
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

static int cmd_set(struct ctx *c)
{
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "set %s", c->cgs[0].path);
	return send_policy(c, &c->cgs[0], &c->cl->set, what);
}

static int keep_attrs(uint8_t cmd, const struct gm_attrs *a, void *arg)
{
	(void)cmd;
	*(struct gm_attrs *)arg = *a;
	return 0;
}

static int cmd_reclaim(struct ctx *c)
{
	const struct gm_nl_attr attrs[] = {
		{ GPUMEM_A_RECLAIM_ID, false, c->cgs[0].id },
		{ GPUMEM_A_RECLAIM_BYTES, false, c->cl->reclaim_bytes },
	};
	struct gm_attrs reply = { 0 };
	char what[PATH_MAX + 16];
	int ret;

	snprintf(what, sizeof(what), "reclaim %s", c->cgs[0].path);
	ret = gm_nl_request(&c->nl, what, GPUMEM_CMD_RECLAIM, false, attrs,
			    2, keep_attrs, &reply, &c->err);
	if (ret)
		return ret;
	gm_print_reclaim(stdout, &reply, c->cl->format, c->cl->pretty);
	return flush_stdout(&c->err);
}

/* ---- monitor --------------------------------------------------------- */

struct monitor {
	struct ctx *c;
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

static bool monitor_wants(const struct ctx *c, uint64_t id)
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
	return flush_stdout(&m->c->err);
}

static int cmd_monitor(struct ctx *c)
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

/* ---- apply ----------------------------------------------------------- */

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
static int cmd_apply(const struct gm_cmdline *cl)
{
	struct gm_apply_list l = { 0 };
	struct ctx *c = calloc(1, sizeof(*c));
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
		status = fail(&c->err, GM_EXIT_FAILURE);
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
				status = fail(&c->err, GM_EXIT_FAILURE);
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
	ret = open_family(c);
	if (ret == GM_EXIT_NO_GPUMEM && cl->optional) {
		status = apply_without_gpumem(&l, todo, status);
		goto out;
	}
	if (ret) {
		/* Parse errors come first: they need fixing either way. */
		if (status == GM_EXIT_OK)
			status = ret;
		fail(&c->err, status);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct gm_apply_item *it = &l.items[i];
		char what[PATH_MAX + 64];

		if (!todo[i])
			continue;
		snprintf(what, sizeof(what), "apply %s (%s)",
			 it->unit ? it->unit : it->cgroup, cgs[i].path);
		ret = send_policy(c, &cgs[i], &it->policy, what);
		if (ret) {
			fprintf(stderr, "gpumemctl: %s\n", c->err.msg);
			if (status == GM_EXIT_OK)
				status = exit_status(ret);
			continue;
		}
		gm_apply_print(stdout, it, cgs[i].path, cgs[i].id,
			       cl->format == GM_FORMAT_JSON);
	}
	gm_nl_close(&c->nl);
	if (flush_stdout(&c->err))
		status = fail(&c->err, GM_EXIT_FAILURE);
out:
	gm_apply_free(&l);
	free(cgs);
	free(todo);
	free(c);
	return status;
}

/* ---- oci-hook -------------------------------------------------------- */

/*
 * oci-hook (see oci.h): the container state on stdin.  Bad annotations
 * (and variables) are all reported and apply nothing; no policy at all is
 * no action (no netlink, no output).  Then the cgroup must exist, and the
 * policy is sent as set and apply send it.  With --optional, a kernel
 * without the family is a warning and status 0: the container starts
 * without its policy.
 */
static int cmd_oci_hook(const struct gm_cmdline *cl)
{
	struct ctx *c = calloc(1, sizeof(*c));
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
		fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = gm_oci_parse(&o, state, len, "/proc", &c->err);
	if (o.warning)
		fprintf(stderr, "gpumemctl: %s\n", o.warning);
	if (ret) {
		fail(&c->err, GM_EXIT_FAILURE);
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
		fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = open_family(c);
	if (ret == GM_EXIT_NO_GPUMEM && cl->optional) {
		fprintf(stderr, "gpumemctl: warning: oci-hook: container %s: the 'gpumem' generic netlink family is not available: " GM_NO_FAMILY_WHY "; its policy is not applied\n",
			o.id);
		status = GM_EXIT_OK;
		goto out;
	}
	if (ret) {
		status = fail(&c->err, ret);
		goto out;
	}
	snprintf(what, sizeof(what), "oci-hook: container %.64s (%s)", o.id,
		 cg.path);
	ret = send_policy(c, &cg, &o.policy, what);
	gm_nl_close(&c->nl);
	if (ret) {
		status = fail(&c->err, exit_status(ret));
		goto out;
	}
	gm_oci_print(stdout, &o, cg.path, cg.id,
		     cl->format == GM_FORMAT_JSON);
	status = flush_stdout(&c->err) ? fail(&c->err, GM_EXIT_FAILURE) :
		 GM_EXIT_OK;
out:
	gm_oci_free(&o);
	free(state);
	free(c);
	return status;
}

/* ---- main ------------------------------------------------------------ */

/* show, set, reclaim, monitor: CGROUPs resolved, the family open. */
static int run_kernel_command(const struct gm_cmdline *cl,
			      int (*fn)(struct ctx *c))
{
	struct ctx *c = calloc(1, sizeof(*c));
	int ret, status;

	if (!c) {
		fputs("gpumemctl: out of memory\n", stderr);
		return GM_EXIT_FAILURE;
	}
	c->cl = cl;
	/* Arguments first, then the kernel. */
	ret = resolve_cgroups(c);
	if (ret) {
		status = fail(&c->err, GM_EXIT_FAILURE);
		goto out;
	}
	ret = open_family(c);
	if (ret) {
		status = fail(&c->err, ret);
		goto out;
	}
	if (!c->root[0])
		ret = gm_cgroup_root(c->root, sizeof(c->root), &c->err);
	if (!ret)
		ret = fn(c);
	gm_nl_close(&c->nl);
	status = ret ? fail(&c->err, exit_status(ret)) : GM_EXIT_OK;
out:
	free(c->cgs);
	free(c);
	return status;
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
		return run_kernel_command(cl, cmd_show);
	if (gm_outfile_open(&o, cl->output_file, &err))
		return fail(&err, GM_EXIT_FAILURE);
	if (fflush(stdout) || dup2(o.fd, STDOUT_FILENO) < 0) {
		gm_err_set(&err, "output file %s: %s", cl->output_file,
			   strerror(errno));
		gm_outfile_abort(&o);
		return fail(&err, GM_EXIT_FAILURE);
	}
	status = run_kernel_command(cl, cmd_show);
	/* cmd_show flushed stdout and checked it */
	if (status == GM_EXIT_OK && gm_outfile_commit(&o, &err))
		status = fail(&err, GM_EXIT_FAILURE);
	else if (status != GM_EXIT_OK)
		gm_outfile_abort(&o);
	return status;
}

static int run_set(const struct gm_cmdline *cl)
{
	return run_kernel_command(cl, cmd_set);
}

static int run_reclaim(const struct gm_cmdline *cl)
{
	return run_kernel_command(cl, cmd_reclaim);
}

static int run_monitor(const struct gm_cmdline *cl)
{
	return run_kernel_command(cl, cmd_monitor);
}

static int run_apply(const struct gm_cmdline *cl)
{
	return cmd_apply(cl);
}

static int run_oci_hook(const struct gm_cmdline *cl)
{
	return cmd_oci_hook(cl);
}

/* ---- cdi ------------------------------------------------------------ */

/* The spec onto @f; 0, or -errno with a message naming @what. */
static int write_spec(FILE *f, const char *what,
		      const struct gm_cdi_card *cards, size_t n,
		      const char *hook, bool optional, struct gm_err *err)
{
	gm_cdi_write(f, cards, n, hook, optional);
	if (fflush(f) || ferror(f)) {
		gm_err_set(err, "cdi: writing %s: %s", what, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * The spec to @path, atomically (outfile.h): a reader (an engine starting
 * a container) sees the old spec or the new one.  The default directory
 * is made if missing; another one must exist.
 */
static int write_spec_file(const char *path, const struct gm_cdi_card *cards,
			   size_t n, const char *hook, bool optional,
			   struct gm_err *err)
{
	struct gm_outfile o;
	FILE *f;
	int fd, ret;

	if (!strcmp(path, GM_CDI_FILE) && mkdir(GM_CDI_DIR, 0755) &&
	    errno != EEXIST) {
		gm_err_set(err, "cdi: %s: %s", GM_CDI_DIR, strerror(errno));
		return -errno;
	}
	if (gm_outfile_open(&o, path, err))
		return -EIO;
	fd = dup(o.fd);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		gm_err_set(err, "cdi: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		gm_outfile_abort(&o);
		return -EIO;
	}
	ret = write_spec(f, path, cards, n, hook, optional, err);
	if (fclose(f) && !ret) {
		gm_err_set(err, "cdi: writing %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	if (ret) {
		gm_outfile_abort(&o);
		return ret;
	}
	return gm_outfile_commit(&o, err) ? -EIO : 0;
}

/*
 * cdi: the CDI spec of the machine's DRM cards (cdi.h) to --output-file
 * FILE, "-" for standard output, by default GM_CDI_FILE.  The hook is
 * this gpumemctl.  With no card there is no spec: an old one at FILE
 * would name devices that are gone, so it is removed.  GPUMEM_SYSFS_ROOT
 * moves /sys (the tests' fake one).
 */
static int run_cdi(const struct gm_cmdline *cl)
{
	const char *sysfs = getenv("GPUMEM_SYSFS_ROOT");
	const char *path = cl->output_file ? cl->output_file : GM_CDI_FILE;
	struct gm_cdi_card *cards;
	struct gm_err err;
	char *hook;
	size_t n;
	int ret;

	if (!sysfs || !*sysfs)
		sysfs = "/sys";
	if (gm_cdi_scan(sysfs, &cards, &n, &err))
		return fail(&err, GM_EXIT_FAILURE);
	if (!n) {
		if (strcmp(path, "-") && !unlink(path))
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm: removed %s\n",
				sysfs, path);
		else if (strcmp(path, "-") && errno != ENOENT)
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm, and %s cannot be removed: %s\n",
				sysfs, path, strerror(errno));
		else
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm: no spec written\n",
				sysfs);
		return GM_EXIT_OK;
	}
	hook = realpath("/proc/self/exe", NULL);
	if (!hook) {
		gm_err_set(&err, "cdi: cannot find this program's path: /proc/self/exe: %s",
			   strerror(errno));
		free(cards);
		return fail(&err, GM_EXIT_FAILURE);
	}
	if (!strcmp(path, "-"))
		ret = write_spec(stdout, "standard output", cards, n, hook,
				 cl->optional, &err);
	else
		ret = write_spec_file(path, cards, n, hook, cl->optional, &err);
	free(hook);
	free(cards);
	return ret ? fail(&err, GM_EXIT_FAILURE) : GM_EXIT_OK;
}

static int flush_or_fail(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror("gpumemctl: writing to standard output");
		return GM_EXIT_FAILURE;
	}
	return GM_EXIT_OK;
}

static int run_help(const struct gm_cmdline *cl)
{
	gm_help(stdout, cl->help_cmd);
	return flush_or_fail();
}

static int run_version(const struct gm_cmdline *cl)
{
	(void)cl;
	gm_version(stdout);
	return flush_or_fail();
}

/* The handler of each command, from the command table (commands.h). */
#define GM_CMD_HANDLER(e, name, fn, args, summary) [GM_CMD_##e] = fn,
static int (*const handlers[GM_CMD_COUNT])(const struct gm_cmdline *) = {
	[GM_CMD_VERSION] = run_version,
	GM_COMMANDS(GM_CMD_HANDLER)
};
#undef GM_CMD_HANDLER

int main(int argc, char **argv)
{
	struct gm_cmdline cl;
	struct gm_err err;
	int ret;

	/* No arguments at all: the usage, as a usage error. */
	if (argc <= 1) {
		gm_usage(stderr);
		return GM_EXIT_USAGE;
	}
	ret = gm_cmdline_parse(&cl, argc, argv, &err);
	if (ret)
		return fail(&err, ret == -EINVAL ? GM_EXIT_USAGE :
			    GM_EXIT_FAILURE);
	ret = handlers[cl.cmd] ? handlers[cl.cmd](&cl) : GM_EXIT_FAILURE;
	gm_cmdline_free(&cl);
	return ret;
}
