/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpumemctl oci-hook: an OCI runtime hook for the createRuntime stage,
 * the part that needs no kernel.
 *
 * The runtime runs the hook with the container's state (runtime-spec
 * "State": ociVersion, id, status, pid, bundle, annotations) on standard
 * input.  The policy comes from the container's annotations in the
 * gpumem.io/ namespace: the state's "annotations" if it has that member,
 * else those of the bundle's config.json.  Every other gpumem.io/ key is
 * an error, so that a typo does not silently drop a policy.  A key no
 * annotation sets comes from the variable GPUMEM_KEY of config.json's
 * process.env, if there is one (ocikeys.h; its first entry, as getenv()
 * reads it); a bad value there is an error as in an annotation.
 *
 * The cgroup comes from config.json's linux.cgroupsPath, relative to the
 * cgroup2 mount whether or not it starts with '/':
 *
 *   /machine.slice/x, machine.slice/x   cgroupfs: a path
 *   SLICE:PREFIX:NAME                   systemd: unit PREFIX-NAME.scope
 *                                       ("-NAME.scope" for an empty
 *                                       PREFIX, as runc and crun make
 *                                       it; NAME itself if it ends in
 *                                       ".slice", runc's rule) in SLICE,
 *                                       expanded as systemd does;
 *                                       system.slice if SLICE is empty
 *
 * and without a cgroupsPath from the "0::" line of /proc/PID/cgroup of the
 * state's pid.  With a cgroupsPath and a pid whose /proc/PID/cgroup has a
 * "0::" line, that cgroup must be the one from cgroupsPath or below it
 * (crun puts the process in a "container" child of its scope), else the
 * runtime read cgroupsPath otherwise and the hook fails rather than set
 * the policy on another cgroup; a process whose cgroup cannot be read
 * (gone, no /proc) is not checked.
 *
 * A "status" other than "creating" (or "created", which some runtimes
 * report) means the hook was put in another stage: a warning, no error.
 */
#ifndef GPUMEMCTL_OCI_H
#define GPUMEMCTL_OCI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "cmdline.h"
#include "err.h"
#include "ocikeys.h"


/* What the hook was told. */
struct gm_oci {
	char *id;			/* the container ID */
	char *bundle;			/* its bundle directory */
	int pid;			/* its process; 0 if the state has none */
	struct gm_policy_args policy;	/* the keys the annotations set */
	/* Bad annotations, "oci-hook: container ID: annotation KEY: ..." */
	char **errors;
	size_t nerrors;
	/* Its cgroup relative to the cgroup2 mount, "" if not looked up. */
	char cgroup[PATH_MAX];
	char *source;			/* where that came from, for messages */
	char *warning;			/* the wrong stage, or NULL */
};

/*
 * Parse the container state @state (@len bytes, NUL-terminated) into @o
 * (zeroed here).  @proc is where /proc is mounted ("/proc"; the tests
 * give a fake one).
 *
 * Returns 0, or a negative errno with a message in @err (malformed state,
 * unreadable or malformed config.json, which is always read for its
 * process.env, no way to find the cgroup, the
 * process outside the cgroup cgroupsPath gives).  o->warning, if set, is
 * to be shown either way.  On 0:
 *  - o->nerrors > 0: bad annotations, nothing to apply, cgroup not looked
 *    up;
 *  - else an empty o->policy: no gpumem.io/ annotation and no GPUMEM_
 *    variable at all, nothing to do;
 *  - else o->cgroup is the cgroup to set o->policy on.
 * Release with gm_oci_free() in every case.
 */
int gm_oci_parse(struct gm_oci *o, const char *state, size_t len,
		 const char *proc, struct gm_err *err);
void gm_oci_free(struct gm_oci *o);

/*
 * Resolve o->cgroup under the cgroup2 mount @root, which must exist.
 * Returns 0 or a negative errno with a message in @err.
 */
int gm_oci_resolve(const struct gm_oci *o, const char *root,
		   struct gm_cgroup *cg, struct gm_err *err);

/*
 * One line for the policy set on @path (cgroup id @id):
 * "applied container ID (PATH): purge=... ..." with the keys set, or with
 * @json one JSON object (container, path, id, the keys set).
 */
void gm_oci_print(FILE *f, const struct gm_oci *o, const char *path,
		  uint64_t id, bool json);

/*
 * Read all of @f into a new NUL-terminated buffer *@buf (its length
 * without the NUL in *@len).  Returns 0, -EFBIG past GM_OCI_READ_MAX or
 * another negative errno.
 */
#define GM_OCI_READ_MAX	(64 << 20)
int gm_oci_read(FILE *f, char **buf, size_t *len);

#endif
