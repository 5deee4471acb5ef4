/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CGROUP arguments: finding the cgroup2 mount, checking and resolving
 * the four spellings of a cgroup, and cgroup ids.
 *
 *   /system.slice/foo.service          path relative to the cgroup2 mount
 *   system.slice/foo.service           the same (contains '/', no leading '/')
 *   /sys/fs/cgroup/system.slice/foo.service  full path under the mount
 *   batch.slice, a-b.slice, -.slice    systemd slice: /a.slice/a-b.slice
 *   foo.service, foo.scope, ...        other systemd unit: searched for
 *   id:N                               cgroup id N
 *
 * The cgroup id is what the kernel's netlink interface uses: the 64-bit
 * kernfs node id that name_to_handle_at() returns in a FILEID_KERNFS
 * handle.  On a 64-bit kernel it equals the directory's inode number.  On
 * any other file system (the fake trees the tests build on tmpfs, ext4,
 * overlayfs) the handle is something else, so st_ino stands in for it.
 */
#ifndef GPUMEMCTL_CGROUP_H
#define GPUMEMCTL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define GM_CGROUP_ROOT_ENV "GPUMEM_CGROUP_ROOT"

/* Spellings of a CGROUP argument. */
enum gm_cgroup_kind {
	GM_CGROUP_PATH,		/* path, relative or full */
	GM_CGROUP_SLICE,	/* systemd slice unit name */
	GM_CGROUP_UNIT,		/* other systemd unit name */
	GM_CGROUP_ID,		/* id:N */
};

/* Where an id came from (see above). */
enum gm_id_source {
	GM_ID_KERNFS_HANDLE,
	GM_ID_INODE,
};

struct gm_cgroup {
	char path[PATH_MAX];	/* relative to the mount, "/" for the root */
	uint64_t id;
};

/* @s ends in @suffix, after at least one other character. */
bool gm_has_suffix(const char *s, const char *suffix);

/*
 * Check the syntax of a CGROUP argument without touching the file system.
 * Returns 0 and sets *@kind, or -EINVAL with a message.
 */
int gm_cgroup_check(const char *spec, enum gm_cgroup_kind *kind,
		    struct gm_err *err);

/*
 * The cgroup2 mount point in the mountinfo file @mountinfo (e.g.
 * "/proc/self/mountinfo"), among those not hidden by a later mount on
 * top of them or of a parent: the one at /sys/fs/cgroup, else the one at
 * /sys/fs/cgroup/unified (hybrid hosts), else the first listed.  -ENOENT
 * if there is none.
 */
int gm_cgroup_find_mount(const char *mountinfo, char *buf, size_t len,
			 struct gm_err *err);

/*
 * The cgroup2 mount to use: $GPUMEM_CGROUP_ROOT if set and non-empty
 * (must be an absolute path to a directory), else the cgroup2 mount
 * gm_cgroup_find_mount() picks in /proc/self/mountinfo.
 */
int gm_cgroup_root(char *buf, size_t len, struct gm_err *err);

/* Map slice "a-b.slice" to "/a.slice/a-b.slice" ("-.slice" is "/"). */
int gm_cgroup_slice_path(const char *slice, char *buf, size_t len);

/* The cgroup id of @name relative to @dirfd ("" for @dirfd itself). */
int gm_cgroup_id_at(int dirfd, const char *name, uint64_t *id,
		    enum gm_id_source *source);

/* Find the cgroup with id @id under @root; its relative path in @buf. */
int gm_cgroup_find_id(const char *root, uint64_t id, char *buf, size_t len,
		      struct gm_err *err);

/*
 * Find the cgroup directory named @unit under @root, searching the root
 * and slices only: like systemctl, names refer to the system manager's
 * units, not to those of a user manager (user@UID.service) or of a
 * container's systemd, whose cgroups are below another unit's.  Two
 * matches are an error.
 */
int gm_cgroup_find_unit(const char *root, const char *unit, char *buf,
			size_t len, struct gm_err *err);

/*
 * Resolve @spec against the cgroup2 mount @root.  Returns 0, -EINVAL for
 * bad syntax, -ENOENT if there is no such cgroup, other negative errno.
 */
int gm_cgroup_resolve(const char *root, const char *spec,
		      struct gm_cgroup *cg, struct gm_err *err);

/*
 * id -> path of every cgroup under a root, built by walking the tree once
 * (an open-addressing hash table: fine for tens of thousands of cgroups).
 */
struct gm_cgroup_map {
	size_t n, cap;			/* cap: 0 or a power of two */
	struct gm_cgroup_slot {
		uint64_t id;		/* 0: empty (ids are never 0) */
		char *path;		/* relative to the root, "/" for it */
	} *slots;
};

/* Walk @root into @map (empty it first with gm_cgroup_map_free()). */
int gm_cgroup_map_build(struct gm_cgroup_map *map, const char *root,
			struct gm_err *err);
/* Add one entry (replacing an older path of @id).  0 or -ENOMEM. */
int gm_cgroup_map_add(struct gm_cgroup_map *map, uint64_t id,
		      const char *path);
/* The path of @id, NULL if not in the map. */
const char *gm_cgroup_map_find(const struct gm_cgroup_map *map, uint64_t id);
void gm_cgroup_map_free(struct gm_cgroup_map *map);

/*
 * Read a cgroup interface file holding one number or "max" (then
 * UINT64_MAX), such as memory.current and memory.max, of the cgroup @rel
 * under @root.  Returns 0, -ENOENT if there is no such file (the root
 * cgroup has no memory.max), -EINVAL if it holds something else, or
 * another negative errno.
 */
int gm_cgroup_read_u64(const char *root, const char *rel, const char *file,
		       uint64_t *v);

#endif
