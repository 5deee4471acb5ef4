/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpumemctl apply: policy from configuration files, without the kernel.
 *
 * Two kinds of source:
 *
 *  - systemd units: an [X-GPUMemory] section (Purge=, SwapBudget=,
 *    Writeback=, VRAMMax=, and Strict=, a boolean: whether the unit must
 *    not start on a kernel without gpumem) in a unit file or its drop-ins,
 *    found as systemd finds them.  The search path, highest priority first, is GM_UNIT_PATH_DEFAULT
 *    or $GPUMEM_UNIT_PATH (colon-separated).  A unit's fragment is the first
 *    file of its name on the path; its drop-ins are NAME.d/ *.conf from every
 *    directory on the path, a basename in a higher-priority directory
 *    masking the same basename in lower ones, read in lexical order of
 *    basename after the fragment: later assignments win, an empty one
 *    ("Purge=") resets the key to "not set".
 *
 *  - plain files: GM_CONFIG_DIR_DEFAULT/ *.conf or $GPUMEM_CONFIG_DIR, each
 *    with an [X-GPUMemory] section holding a required Cgroup= (a CGROUP as
 *    the command line takes it) and the same keys.
 *
 * A file with a parse error contributes nothing; each of its errors is
 * recorded as one line "FILE:LINE: KEY: why" and loading goes on.  A bare
 * unit name among the files that has no file on the search path is an
 * error too ("NAME: no such unit: ...").
 */
#ifndef GPUMEMCTL_APPLY_H
#define GPUMEMCTL_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cmdline.h"
#include "err.h"

#define GM_UNIT_PATH_ENV	"GPUMEM_UNIT_PATH"
#define GM_CONFIG_DIR_ENV	"GPUMEM_CONFIG_DIR"
#define GM_UNIT_PATH_DEFAULT						\
	"/etc/systemd/system:/run/systemd/system:"			\
	"/usr/local/lib/systemd/system:/usr/lib/systemd/system:"	\
	"/lib/systemd/system"
#define GM_CONFIG_DIR_DEFAULT	"/etc/gpumem/cgroups.d"
#define GM_APPLY_SECTION	"X-GPUMemory"

/* One unit or plain file to apply. */
struct gm_apply_item {
	char *unit;		/* systemd unit name, or NULL */
	char *cgroup;		/* Cgroup= of a plain file, or NULL */
	struct gm_policy_args policy;	/* only the keys set */
	char **files;		/* the files that contributed, in order */
	size_t nfiles;
	bool broken;		/* a unit file of it has a parse error */
	bool strict;		/* Strict=yes: no gpumem is an error (units) */
};

struct gm_apply_list {
	struct gm_apply_item *items;
	size_t n, cap;
	char **errors;		/* "FILE:LINE: KEY: why", in order found */
	size_t nerrors, errcap;
};

/*
 * Load the policies of @files (all units and plain files if @nfiles is 0)
 * into @l (zeroed by the caller).  A bare unit name among @files
 * ("foo.service", no '/') means that unit as the search path has it.
 * A unit with a parse error in one of its files is an item (with broken
 * set) even if none of its files contributed, so that whoever puts its
 * policy in place knows there is one that failed.  Returns 0 (parse
 * errors are in l->errors) or -ENOMEM.  Release with gm_apply_free().
 */
int gm_apply_load(struct gm_apply_list *l, const char *const *files,
		  size_t nfiles, struct gm_err *err);
void gm_apply_free(struct gm_apply_list *l);

/*
 * One line for an applied item: "applied NAME (PATH): purge=... ..." with
 * the keys set, or with @json one JSON object (unit, cgroup, path, id, the
 * keys set, files).
 */
void gm_apply_print(FILE *f, const struct gm_apply_item *it,
		    const char *path, uint64_t id, bool json);

/* A template unit's name ("foo@.service"), not an instance's. */
bool gm_unit_is_template(const char *name);

#endif
