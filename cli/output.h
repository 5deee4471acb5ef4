/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of gpumemctl: the records of "show" as a table, an indented tree,
 * JSON or Prometheus text, the result of "reclaim", and event lines of
 * "monitor".  Pure formatting onto a FILE; nothing here talks to the
 * kernel.  The JSON keys and metric names are documented in gpumemctl(8).
 */
#ifndef GPUMEMCTL_OUTPUT_H
#define GPUMEMCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cmdline.h"
#include "json.h"
#include "reply.h"

/* One cgroup for "show": the kernel's figures and memory.{current,max}. */
struct gm_record {
	struct gm_attrs a;	/* set GM_SET_CGROUP, id always present */
	char *path;		/* relative to the cgroup2 mount; NULL: unknown */
	bool has_mem_current, has_mem_max;
	uint64_t mem_current, mem_max;	/* GM_SIZE_MAX for "max" */
};

static inline uint64_t gm_record_id(const struct gm_record *r)
{
	return r->a.val[GPUMEM_A_CGROUP_ID];
}

/* Add the attributes present in @src to @dst (a second reply joined). */
void gm_record_merge(struct gm_record *dst, const struct gm_attrs *src);

/*
 * Sort by path so that a parent comes right before its subtree and
 * siblings are sorted by name (depth-first order); unknown paths last,
 * by id.
 */
void gm_records_sort(struct gm_record *recs, size_t n);

/*
 * "show" output.  @tree (table format only) prints the CGROUP column as
 * an indented hierarchy: each record is shown under the nearest record
 * before it that is an ancestor (so sort first).
 */
void gm_print_records(FILE *f, const struct gm_record *recs, size_t n,
		      enum gm_format format, bool pretty, bool tree);

/* "reclaim" output from the reply's attributes (set GM_SET_RECLAIM). */
void gm_print_reclaim(FILE *f, const struct gm_attrs *a,
		      enum gm_format format, bool pretty);

/* One event of "monitor". */
struct gm_event {
	uint8_t cmd;			/* GPUMEM_CMD_*_NTF */
	struct gm_attrs a;		/* its attributes */
	struct timespec time;		/* when it was received (CLOCK_REALTIME) */
	const char *path;		/* of the id; NULL if unknown */
	const char *other_path;		/* of budget-id or limit-id; NULL if unknown */
};

/* "purge", "budget", "policy", "vram", or NULL for another command. */
const char *gm_event_name(uint8_t cmd);

/* One line (text, or one JSON object) for @ev, ending in '\n'. */
void gm_print_event(FILE *f, const struct gm_event *ev, bool json);

/*
 * Escape a Prometheus label value ("\\", "\"", "\n") onto @f; a byte that
 * is not valid UTF-8 becomes U+FFFD, as in JSON.
 */
void gm_prom_escape(FILE *f, const char *s);

/*
 * The keys @p sets, as apply and oci-hook print what they set: text
 * " purge=last swap-budget=2G writeback=deferred" (each with a leading
 * blank), or JSON members "purge", "swap_budget" (null for max) and
 * "writeback" of the object @j is in.
 */
void gm_print_policy_args(FILE *f, const struct gm_policy_args *p);
void gm_json_policy_args(struct gm_json *j, const struct gm_policy_args *p);

#endif
