// SPDX-License-Identifier: GPL-2.0
/*
 * The output of gpumemctl: show's table, tree, JSON and Prometheus text,
 * reclaim results and event lines (see output.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "output.h"
#include "size.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The command line's enums are the kernel's values. */

#define VAL_LEN 32

void gm_record_merge(struct gm_record *dst, const struct gm_attrs *src)
{
	unsigned int t;

	for (t = 0; t < GM_ATTR_SLOTS; t++)
		if (gm_has(src, t))
			dst->a.val[t] = src->val[t];
	dst->a.has |= src->has;
}

/* ---- sorting --------------------------------------------------------- */

/* Compare paths with '/' below every other byte: depth-first order. */
static int path_cmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (*a == '/' || *b == '/')
		return *a == '/' ? (*b ? -1 : 1) : (*a ? 1 : -1);
	return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

static int record_cmp(const void *pa, const void *pb)
{
	const struct gm_record *a = pa, *b = pb;

	if (a->path && b->path)
		return path_cmp(a->path, b->path);
	if (a->path || b->path)
		return a->path ? -1 : 1;
	return gm_record_id(a) < gm_record_id(b) ? -1 :
	       gm_record_id(a) > gm_record_id(b);
}

void gm_records_sort(struct gm_record *recs, size_t n)
{
	qsort(recs, n, sizeof(*recs), record_cmp);
}

/* ---- the attributes of a cgroup ------------------------------------- */

/*
 * Every attribute show and policy events print is named here once: its
 * JSON key (whose '_' become '-' in event lines), its kind, and its
 * Prometheus metric.  Each output form picks the fields it shows, in its
 * order (table: columns[], Prometheus: prom_order[], event lines:
 * event_order[], JSON: this table's order), and prints them with
 * field_text() or json_field(), the one printer of each form.
 */
enum field_kind {
	FK_COUNT,	/* a number (bytes or events) */
	FK_LIMIT,	/* bytes, all ones for "max": JSON null, no sample */
	FK_KEYWORD,	/* the value of a keyword policy key (policy.h) */
};

enum field_id {
	F_ID, F_RESIDENT, F_PURGEABLE, F_BACKUP, F_VRAM,
	F_SWAP_BUDGET, F_EFF_SWAP_BUDGET, F_PURGE, F_EFF_PURGE,
	F_WRITEBACK, F_EFF_WRITEBACK, F_VRAM_MAX, F_EFF_VRAM_MAX,
	F_PURGED_TOTAL, F_BACKED_UP_TOTAL, F_RESTORED_TOTAL,
	F_BUDGET_DENIALS, F_VRAM_EVICTIONS,
	NFIELDS,
	F_POLICY_FIRST = F_SWAP_BUDGET,	/* the policy keys: a range */
	F_POLICY_LAST = F_EFF_VRAM_MAX,
};

static const struct field {
	unsigned int attr;
	enum field_kind kind;
	const char *key;		/* JSON */
	const char *metric, *type, *help;	/* Prometheus, or NULL */
	enum gm_policy_key pkey;	/* FK_KEYWORD: the key */
} fields[NFIELDS] = {
	[F_ID] = { GPUMEM_A_CGROUP_ID, FK_COUNT, "id" },
	[F_RESIDENT] = { GPUMEM_A_CGROUP_RESIDENT, FK_COUNT, "resident",
		"gpumem_resident_bytes", "gauge",
		"GPU buffer memory resident in system memory." },
	[F_PURGEABLE] = { GPUMEM_A_CGROUP_PURGEABLE, FK_COUNT, "purgeable",
		"gpumem_purgeable_bytes", "gauge",
		"Resident GPU buffer memory marked purgeable." },
	[F_BACKUP] = { GPUMEM_A_CGROUP_BACKUP, FK_COUNT, "backup",
		"gpumem_backup_bytes", "gauge",
		"GPU buffer content held in backup (shmem or swap)." },
	[F_VRAM] = { GPUMEM_A_CGROUP_VRAM, FK_COUNT, "vram",
		"gpumem_vram_bytes", "gauge",
		"Device memory (VRAM) held by GPU buffers." },
	[F_SWAP_BUDGET] = { GPUMEM_A_CGROUP_SWAP_BUDGET, FK_LIMIT,
		"swap_budget", "gpumem_swap_budget_bytes", "gauge",
		"The cgroup's own swap budget (no series when unlimited)." },
	[F_EFF_SWAP_BUDGET] = { GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET,
		FK_LIMIT, "effective_swap_budget",
		"gpumem_effective_swap_budget_bytes", "gauge",
		"The smallest swap budget on the path to the root (no series when unlimited)." },
	[F_PURGE] = { GPUMEM_A_CGROUP_PURGE, FK_KEYWORD, "purge",
		.pkey = GM_POLICY_PURGE },
	[F_EFF_PURGE] = { GPUMEM_A_CGROUP_EFFECTIVE_PURGE, FK_KEYWORD,
		"effective_purge", .pkey = GM_POLICY_PURGE },
	[F_WRITEBACK] = { GPUMEM_A_CGROUP_WRITEBACK, FK_KEYWORD,
		"writeback", .pkey = GM_POLICY_WRITEBACK },
	[F_EFF_WRITEBACK] = { GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
		FK_KEYWORD, "effective_writeback",
		.pkey = GM_POLICY_WRITEBACK },
	[F_VRAM_MAX] = { GPUMEM_A_CGROUP_VRAM_MAX, FK_LIMIT, "vram_max",
		"gpumem_vram_max_bytes", "gauge",
		"The cgroup's own VRAM limit (no series when unlimited)." },
	[F_EFF_VRAM_MAX] = { GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX, FK_LIMIT,
		"effective_vram_max", "gpumem_effective_vram_max_bytes",
		"gauge",
		"The smallest VRAM limit on the path to the root (no series when unlimited)." },
	[F_PURGED_TOTAL] = { GPUMEM_A_CGROUP_PURGED_TOTAL, FK_COUNT,
		"purged_total", "gpumem_purged_bytes_total", "counter",
		"GPU buffer memory purged." },
	[F_BACKED_UP_TOTAL] = { GPUMEM_A_CGROUP_BACKED_UP_TOTAL, FK_COUNT,
		"backed_up_total", "gpumem_backed_up_bytes_total", "counter",
		"GPU buffer memory backed up." },
	[F_RESTORED_TOTAL] = { GPUMEM_A_CGROUP_RESTORED_TOTAL, FK_COUNT,
		"restored_total", "gpumem_restored_bytes_total", "counter",
		"GPU buffer memory restored from backup." },
	[F_BUDGET_DENIALS] = { GPUMEM_A_CGROUP_BUDGET_DENIALS, FK_COUNT,
		"budget_denials", "gpumem_budget_denials_total", "counter",
		"Backups not made because a swap budget on the path was spent." },
	[F_VRAM_EVICTIONS] = { GPUMEM_A_CGROUP_VRAM_EVICTIONS, FK_COUNT,
		"vram_evictions", "gpumem_vram_evictions_total", "counter",
		"Buffers moved out of VRAM because a VRAM limit on the path was reached or lowered." },
};

/* The name of keyword value @v of @key, its number if unknown. */
static const char *enum_name(enum gm_policy_key key, uint64_t v,
			     char buf[VAL_LEN])
{
	const char *s = gm_policy_value_name(key, v);

	if (strcmp(s, "?"))
		return s;
	snprintf(buf, VAL_LEN, "%" PRIu64, v);
	return buf;
}

/*
 * The text of field @id of @a, NULL if absent: enum values by name,
 * numbers exact (@exact: "1M", "max", as SIZE takes them) or human
 * ("1.0M", "max").
 */
static const char *field_text(enum field_id id, const struct gm_attrs *a,
			      bool exact, char buf[VAL_LEN])
{
	const struct field *f = &fields[id];

	if (!gm_has(a, f->attr))
		return NULL;
	if (f->kind == FK_KEYWORD)
		return enum_name(f->pkey, a->val[f->attr], buf);
	return exact ? gm_size_format(a->val[f->attr], buf) :
		       gm_size_human(a->val[f->attr], buf);
}

static const char *size_text(bool has, uint64_t v, char buf[VAL_LEN])
{
	return has ? gm_size_human(v, buf) : "-";
}

/* A byte count where all ones means "max": null. */
static void json_limit(struct gm_json *j, const char *key, bool has,
		       uint64_t v)
{
	gm_json_key(j, key);
	if (has && v != GM_SIZE_MAX)
		gm_json_u64(j, v);
	else
		gm_json_null(j);
}

/* Field @id of @a as a JSON member: absent (and a limit's max) is null. */
static void json_field(struct gm_json *j, enum field_id id,
		       const struct gm_attrs *a)
{
	const struct field *f = &fields[id];
	char buf[VAL_LEN];

	switch (f->kind) {
	case FK_COUNT:
		gm_json_key(j, f->key);
		if (gm_has(a, f->attr))
			gm_json_u64(j, a->val[f->attr]);
		else
			gm_json_null(j);
		break;
	case FK_LIMIT:
		json_limit(j, f->key, gm_has(a, f->attr), a->val[f->attr]);
		break;
	default:
		gm_json_key(j, f->key);
		gm_json_string(j, field_text(id, a, true, buf));
		break;
	}
}

/* ---- table ----------------------------------------------------------- */

enum {
	COL_CGROUP, COL_RESIDENT, COL_PURGEABLE, COL_BACKUP, COL_VRAM,
	COL_VRAM_MAX, COL_BUDGET, COL_PURGE, COL_WRITEBACK, COL_MEM_CUR,
	COL_MEM_MAX, NCOLS
};

/* A column shows a field, or (-1) the CGROUP or a memory.* value. */
static const struct column {
	const char *title;
	bool left;
	int field;
} columns[NCOLS] = {
	[COL_CGROUP] = { "CGROUP", true, -1 },
	[COL_RESIDENT] = { "RESIDENT", false, F_RESIDENT },
	[COL_PURGEABLE] = { "PURGEABLE", false, F_PURGEABLE },
	[COL_BACKUP] = { "BACKUP", false, F_BACKUP },
	[COL_VRAM] = { "VRAM", false, F_VRAM },
	[COL_VRAM_MAX] = { "VRAM.MAX", false, F_EFF_VRAM_MAX },
	[COL_BUDGET] = { "BUDGET", false, F_EFF_SWAP_BUDGET },
	[COL_PURGE] = { "PURGE", true, F_EFF_PURGE },
	[COL_WRITEBACK] = { "WRITEBACK", true, F_EFF_WRITEBACK },
	[COL_MEM_CUR] = { "MEM.CUR", false, -1 },
	[COL_MEM_MAX] = { "MEM.MAX", false, -1 },
};

struct row {
	const char *cell[NCOLS];
	char buf[NCOLS][VAL_LEN];
	int indent;			/* tree depth of the CGROUP cell */
};

/* The CGROUP cell: the path, or in a tree the part below @parent. */
static const char *cgroup_cell(const struct gm_record *r, const char *parent,
			       char buf[VAL_LEN])
{
	if (!r->path) {
		snprintf(buf, VAL_LEN, "id:%" PRIu64, gm_record_id(r));
		return buf;
	}
	if (!parent)
		return r->path;
	return r->path + strlen(parent) + (strcmp(parent, "/") ? 1 : 0);
}

static void fill_row(struct row *row, const struct gm_record *r,
		     const char *parent)
{
	int c;

	for (c = 0; c < NCOLS; c++) {
		const char *text = NULL;

		if (columns[c].field >= 0)
			text = field_text(columns[c].field, &r->a, false,
					  row->buf[c]);
		row->cell[c] = text ? text : "-";
	}
	row->cell[COL_CGROUP] = cgroup_cell(r, parent, row->buf[COL_CGROUP]);
	row->cell[COL_MEM_CUR] = size_text(r->has_mem_current, r->mem_current,
					   row->buf[COL_MEM_CUR]);
	row->cell[COL_MEM_MAX] = size_text(r->has_mem_max, r->mem_max,
					   row->buf[COL_MEM_MAX]);
}

/* Is @path inside the subtree of @anc (and not @anc itself)? */
static bool is_below(const char *path, const char *anc)
{
	size_t n = strlen(anc);

	if (!strcmp(anc, "/"))
		return strcmp(path, "/") != 0;
	return !strncmp(path, anc, n) && path[n] == '/';
}

/* Tree depth of each record: the number of its ancestors shown before. */
static void tree_rows(struct row *rows, const struct gm_record *recs,
		      size_t n)
{
	const char **stack = calloc(n + 1, sizeof(*stack));
	size_t depth = 0, i;

	for (i = 0; i < n; i++) {
		const char *path = recs[i].path;

		if (!stack || !path) {
			depth = 0;
			fill_row(&rows[i], &recs[i], NULL);
			continue;
		}
		while (depth && !is_below(path, stack[depth - 1]))
			depth--;
		fill_row(&rows[i], &recs[i], depth ? stack[depth - 1] : NULL);
		rows[i].indent = (int)depth;
		stack[depth++] = path;
	}
	free(stack);
}

static void print_row(FILE *f, const char *const *cell, int indent,
		      const size_t *width)
{
	int c;

	for (c = 0; c < NCOLS; c++) {
		int w = (int)width[c];

		if (c)
			fputs("  ", f);
		if (c == COL_CGROUP)
			fprintf(f, "%*s%-*s", 2 * indent, "", w - 2 * indent,
				cell[c]);
		else if (columns[c].left && c + 1 < NCOLS)
			fprintf(f, "%-*s", w, cell[c]);
		else
			fprintf(f, "%*s", w, cell[c]);
	}
	fputc('\n', f);
}

static void print_table(FILE *f, const struct gm_record *recs, size_t n,
			bool tree)
{
	const char *titles[NCOLS];
	size_t width[NCOLS], i;
	struct row *rows;
	int c;

	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return;
	if (tree) {
		tree_rows(rows, recs, n);
	} else {
		for (i = 0; i < n; i++)
			fill_row(&rows[i], &recs[i], NULL);
	}
	for (c = 0; c < NCOLS; c++) {
		titles[c] = columns[c].title;
		width[c] = strlen(titles[c]);
		for (i = 0; i < n; i++) {
			size_t w = strlen(rows[i].cell[c]) +
				   (c == COL_CGROUP ? 2 * rows[i].indent : 0);

			if (w > width[c])
				width[c] = w;
		}
	}
	print_row(f, titles, 0, width);
	for (i = 0; i < n; i++)
		print_row(f, rows[i].cell, rows[i].indent, width);
	free(rows);
}

/* ---- JSON ------------------------------------------------------------ */

static void json_attr(struct gm_json *j, const char *key,
		      const struct gm_attrs *a, unsigned int type)
{
	gm_json_key(j, key);
	if (gm_has(a, type))
		gm_json_u64(j, a->val[type]);
	else
		gm_json_null(j);
}

/* The policy keys, shared by "show" and policy events. */
static void json_policy(struct gm_json *j, const struct gm_attrs *a)
{
	int id;

	for (id = F_POLICY_FIRST; id <= F_POLICY_LAST; id++)
		json_field(j, id, a);
}

static void json_record(struct gm_json *j, const struct gm_record *r)
{
	int id;

	gm_json_begin_object(j);
	gm_json_key(j, "path");
	gm_json_string(j, r->path);
	for (id = 0; id < NFIELDS; id++)
		json_field(j, id, &r->a);
	gm_json_key(j, "memory_current");
	if (r->has_mem_current)
		gm_json_u64(j, r->mem_current);
	else
		gm_json_null(j);
	json_limit(j, "memory_max", r->has_mem_max, r->mem_max);
	gm_json_end_object(j);
}

static void print_json(FILE *f, const struct gm_record *recs, size_t n,
		       bool pretty)
{
	struct gm_json j;
	size_t i;

	gm_json_init(&j, f, pretty);
	gm_json_begin_object(&j);
	gm_json_key(&j, "cgroups");
	gm_json_begin_array(&j);
	for (i = 0; i < n; i++)
		json_record(&j, &recs[i]);
	gm_json_end_array(&j);
	gm_json_end_object(&j);
	fputc('\n', f);
}

/* ---- Prometheus ------------------------------------------------------ */

/* The metrics, in the order printed; names and help in fields[]. */
static const enum field_id prom_order[] = {
	F_RESIDENT, F_PURGEABLE, F_BACKUP, F_VRAM, F_SWAP_BUDGET,
	F_EFF_SWAP_BUDGET, F_PURGED_TOTAL, F_BACKED_UP_TOTAL,
	F_RESTORED_TOTAL, F_BUDGET_DENIALS, F_VRAM_MAX, F_EFF_VRAM_MAX,
	F_VRAM_EVICTIONS,
};

void gm_prom_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		size_t n = (unsigned char)*s >= 0x80 ? gm_utf8_len(s) : 1;

		/* Prometheus refuses label values that are not UTF-8. */
		if (!n) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
		} else if (n > 1) {
			fwrite(s, 1, n, f);
			s += n - 1;
		} else if (*s == '\\') {
			fputs("\\\\", f);
		} else if (*s == '"') {
			fputs("\\\"", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else {
			fputc(*s, f);
		}
	}
}

/* The labels naming a cgroup: its path and its id ("id" is cAdvisor's path). */
static void prom_cgroup_labels(FILE *f, const struct gm_record *r)
{
	fputs("cgroup=\"", f);
	gm_prom_escape(f, r->path ? r->path : "");
	fprintf(f, "\",cgroup_id=\"%" PRIu64 "\"", gm_record_id(r));
}

/*
 * gpumem_policy_info: the effective purge and writeback policy as labels
 * of a series whose value is 1 (the "info" convention), for joins such as
 * gpumem_backup_bytes * on(cgroup_id) group_left(purge) gpumem_policy_info.
 */
static void print_policy_info(FILE *f, const struct gm_record *recs, size_t n)
{
	char pbuf[VAL_LEN], wbuf[VAL_LEN];
	size_t i;

	fputs("# HELP gpumem_policy_info The effective GPU memory policy (purge order, writeback mode) in the labels; always 1.\n"
	      "# TYPE gpumem_policy_info gauge\n", f);
	for (i = 0; i < n; i++) {
		const struct gm_attrs *a = &recs[i].a;

		if (!gm_has(a, GPUMEM_A_CGROUP_EFFECTIVE_PURGE) ||
		    !gm_has(a, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK))
			continue;
		fputs("gpumem_policy_info{", f);
		prom_cgroup_labels(f, &recs[i]);
		fprintf(f, ",purge=\"%s\",writeback=\"%s\"} 1\n",
			field_text(F_EFF_PURGE, a, true, pbuf),
			field_text(F_EFF_WRITEBACK, a, true, wbuf));
	}
}

static void print_prometheus(FILE *f, const struct gm_record *recs, size_t n)
{
	size_t m, i;

	for (m = 0; m < ARRAY_SIZE(prom_order); m++) {
		const struct field *mt = &fields[prom_order[m]];

		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", mt->metric, mt->help,
			mt->metric, mt->type);
		for (i = 0; i < n; i++) {
			const struct gm_attrs *a = &recs[i].a;

			if (!gm_has(a, mt->attr) ||
			    (mt->kind == FK_LIMIT &&
			     a->val[mt->attr] == GM_SIZE_MAX))
				continue;
			fprintf(f, "%s{", mt->metric);
			prom_cgroup_labels(f, &recs[i]);
			fprintf(f, "} %" PRIu64 "\n", a->val[mt->attr]);
		}
	}
	print_policy_info(f, recs, n);
}

void gm_print_records(FILE *f, const struct gm_record *recs, size_t n,
		      enum gm_format format, bool pretty, bool tree)
{
	switch (format) {
	case GM_FORMAT_TABLE:
		print_table(f, recs, n, tree);
		break;
	case GM_FORMAT_JSON:
		print_json(f, recs, n, pretty);
		break;
	case GM_FORMAT_PROMETHEUS:
		print_prometheus(f, recs, n);
		break;
	}
}

/* ---- reclaim --------------------------------------------------------- */

static const struct {
	const char *key;	/* JSON */
	const char *label;	/* text */
	unsigned int attr;
} reclaim_keys[] = {
	{ "freed", "freed", GPUMEM_A_RECLAIM_FREED },
	{ "purged", "purged", GPUMEM_A_RECLAIM_PURGED },
	{ "backed_up", "backed up", GPUMEM_A_RECLAIM_BACKED_UP },
};

void gm_print_reclaim(FILE *f, const struct gm_attrs *a,
		      enum gm_format format, bool pretty)
{
	char buf[VAL_LEN];
	struct gm_json j;
	size_t i;

	if (format != GM_FORMAT_JSON) {
		for (i = 0; i < ARRAY_SIZE(reclaim_keys); i++) {
			unsigned int t = reclaim_keys[i].attr;

			if (gm_has(a, t))
				fprintf(f, "%-10s %s (%" PRIu64 " bytes)\n",
					reclaim_keys[i].label,
					gm_size_human(a->val[t], buf),
					a->val[t]);
			else
				fprintf(f, "%-10s -\n", reclaim_keys[i].label);
		}
		return;
	}
	gm_json_init(&j, f, pretty);
	gm_json_begin_object(&j);
	for (i = 0; i < ARRAY_SIZE(reclaim_keys); i++)
		json_attr(&j, reclaim_keys[i].key, a, reclaim_keys[i].attr);
	gm_json_end_object(&j);
	fputc('\n', f);
}

/* ---- events ---------------------------------------------------------- */

const char *gm_event_name(uint8_t cmd)
{
	switch (cmd) {
	case GPUMEM_CMD_PURGE_NTF:
		return "purge";
	case GPUMEM_CMD_BUDGET_NTF:
		return "budget";
	case GPUMEM_CMD_POLICY_NTF:
		return "policy";
	case GPUMEM_CMD_VRAM_NTF:
		return "vram";
	}
	return NULL;
}

/* "2025-01-31T12:00:00.123+0100" */
static void format_time(const struct timespec *ts, char *buf, size_t len)
{
	char date[32], zone[8];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%03ld%s", date, ts->tv_nsec / 1000000, zone);
}

static const char *cgroup_text(const char *path, const struct gm_attrs *a,
			       unsigned int type, char buf[VAL_LEN])
{
	if (path)
		return path;
	snprintf(buf, VAL_LEN, "id:%" PRIu64, a->val[type]);
	return buf;
}

/* The policy keys of an event line, in their order. */
static const enum field_id event_order[] = {
	F_PURGE, F_SWAP_BUDGET, F_WRITEBACK, F_VRAM_MAX,
	F_EFF_PURGE, F_EFF_SWAP_BUDGET, F_EFF_WRITEBACK, F_EFF_VRAM_MAX,
};

/* " key=value" of field @id if present, the JSON key with '-' for '_'. */
static void text_field(FILE *f, enum field_id id, const struct gm_attrs *a)
{
	const char *k, *text;
	char buf[VAL_LEN];

	text = field_text(id, a, true, buf);
	if (!text)
		return;
	fputc(' ', f);
	for (k = fields[id].key; *k; k++)
		fputc(*k == '_' ? '-' : *k, f);
	fprintf(f, "=%s", text);
}

static void text_size(FILE *f, const char *key, const struct gm_attrs *a,
		      unsigned int type)
{
	char buf[GM_SIZE_STRLEN];

	if (gm_has(a, type))
		fprintf(f, " %s=%s", key, gm_size_format(a->val[type], buf));
}

static void text_event(FILE *f, const struct gm_event *ev, const char *time)
{
	const struct gm_attrs *a = &ev->a;
	char buf[VAL_LEN];
	size_t i;

	fprintf(f, "%s %s %s", time, gm_event_name(ev->cmd),
		cgroup_text(ev->path, a, GPUMEM_A_EVENT_ID, buf));
	if (ev->cmd == GPUMEM_CMD_POLICY_NTF) {
		for (i = 0; i < ARRAY_SIZE(event_order); i++)
			text_field(f, event_order[i], a);
	} else {
		text_size(f, "bytes", a, GPUMEM_A_EVENT_BYTES);
		if (gm_has(a, GPUMEM_A_EVENT_BUDGET_ID))
			fprintf(f, " budget=%s",
				cgroup_text(ev->other_path, a,
					    GPUMEM_A_EVENT_BUDGET_ID, buf));
		if (gm_has(a, GPUMEM_A_EVENT_LIMIT_ID))
			fprintf(f, " limit=%s",
				cgroup_text(ev->other_path, a,
					    GPUMEM_A_EVENT_LIMIT_ID, buf));
	}
	fputc('\n', f);
}

static void json_event(FILE *f, const struct gm_event *ev, const char *time)
{
	const struct gm_attrs *a = &ev->a;
	struct gm_json j;

	gm_json_init(&j, f, false);
	gm_json_begin_object(&j);
	gm_json_key(&j, "event");
	gm_json_string(&j, gm_event_name(ev->cmd));
	gm_json_key(&j, "time");
	gm_json_string(&j, time);
	json_attr(&j, "id", a, GPUMEM_A_EVENT_ID);
	gm_json_key(&j, "path");
	gm_json_string(&j, ev->path);
	if (ev->cmd == GPUMEM_CMD_POLICY_NTF) {
		json_policy(&j, a);
	} else {
		json_attr(&j, "bytes", a, GPUMEM_A_EVENT_BYTES);
		if (ev->cmd == GPUMEM_CMD_BUDGET_NTF) {
			json_attr(&j, "budget_id", a, GPUMEM_A_EVENT_BUDGET_ID);
			gm_json_key(&j, "budget_path");
			gm_json_string(&j, ev->other_path);
		}
		if (ev->cmd == GPUMEM_CMD_VRAM_NTF) {
			json_attr(&j, "limit_id", a, GPUMEM_A_EVENT_LIMIT_ID);
			gm_json_key(&j, "limit_path");
			gm_json_string(&j, ev->other_path);
		}
	}
	gm_json_end_object(&j);
	fputc('\n', f);
}

void gm_print_event(FILE *f, const struct gm_event *ev, bool json)
{
	char time[64];

	if (!gm_event_name(ev->cmd))
		return;
	format_time(&ev->time, time, sizeof(time));
	if (json)
		json_event(f, ev, time);
	else
		text_event(f, ev, time);
}

/* ---- policy keys (apply, oci-hook) ----------------------------------- */

void gm_print_policy_args(FILE *f, const struct gm_policy_args *p)
{
	char size[GM_SIZE_STRLEN];
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		const struct gm_policy_key_info *key = &gm_policy_keys[k];

		if (!gm_policy_has(p, k))
			continue;
		fprintf(f, " %s=%s", key->name, key->words ?
			gm_policy_value_name(k, p->val[k]) :
			gm_size_format(p->val[k], size));
	}
}

void gm_json_policy_args(struct gm_json *j, const struct gm_policy_args *p)
{
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		const struct gm_policy_key_info *key = &gm_policy_keys[k];

		if (!gm_policy_has(p, k))
			continue;
		if (!key->words) {
			json_limit(j, key->json, true, p->val[k]);
			continue;
		}
		gm_json_key(j, key->json);
		gm_json_string(j, gm_policy_value_name(k, p->val[k]));
	}
}
