// SPDX-License-Identifier: GPL-2.0
/*
 * CGROUP arguments: the cgroup2 mount, the four spellings of a cgroup, and
 * cgroup ids (see cgroup.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"

/* include/linux/exportfs.h, not exported to userspace headers */
#define GM_FILEID_KERNFS 0xfe

static const char *const gm_unit_suffixes[] = {
	".service", ".scope", ".socket", ".mount", ".swap", NULL,
};

bool gm_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/* ---- syntax ---------------------------------------------------------- */

static int parse_id(const char *s, uint64_t *id)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*s - '0');
	}
	if (!v)
		return -EINVAL;
	*id = v;
	return 0;
}

/* No "." or ".." components: a CGROUP must not escape the mount. */
static int check_path(const char *spec, struct gm_err *err)
{
	const char *p = spec;

	if (strlen(spec) >= PATH_MAX) {
		gm_err_set(err, "cgroup '%.64s...': path too long", spec);
		return -EINVAL;
	}
	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			gm_err_set(err,
				   "cgroup '%s': '.' and '..' are not allowed in a cgroup path",
				   spec);
			return -EINVAL;
		}
		p += n;
		p += strspn(p, "/");
	}
	return 0;
}

static bool is_unit_name(const char *spec)
{
	const char *const *s;

	for (s = gm_unit_suffixes; *s; s++)
		if (gm_has_suffix(spec, *s))
			return true;
	return false;
}

int gm_cgroup_check(const char *spec, enum gm_cgroup_kind *kind,
		    struct gm_err *err)
{
	char buf[PATH_MAX];
	uint64_t id;

	if (!*spec) {
		gm_err_set(err, "cgroup '': empty cgroup name");
		return -EINVAL;
	}
	if (!strncmp(spec, "id:", 3)) {
		if (parse_id(spec + 3, &id)) {
			gm_err_set(err,
				   "cgroup '%s': not a cgroup id (expected id:N, N a positive 64-bit decimal number)",
				   spec);
			return -EINVAL;
		}
		*kind = GM_CGROUP_ID;
		return 0;
	}
	if (strchr(spec, '/')) {
		*kind = GM_CGROUP_PATH;
		return check_path(spec, err);
	}
	if (strlen(spec) > NAME_MAX) {
		gm_err_set(err, "cgroup '%.64s...': unit name too long", spec);
		return -EINVAL;
	}
	if (gm_has_suffix(spec, ".slice")) {
		if (gm_cgroup_slice_path(spec, buf, sizeof(buf))) {
			gm_err_set(err,
				   "cgroup '%s': not a valid slice name (empty part between dashes)",
				   spec);
			return -EINVAL;
		}
		*kind = GM_CGROUP_SLICE;
		return 0;
	}
	if (is_unit_name(spec)) {
		*kind = GM_CGROUP_UNIT;
		return 0;
	}
	gm_err_set(err,
		   "cgroup '%s': not a cgroup: expected a path starting with '/', a systemd unit name (.slice, .service, .scope, ...) or id:N",
		   spec);
	return -EINVAL;
}

int gm_cgroup_slice_path(const char *slice, char *buf, size_t len)
{
	size_t n = strlen(slice) - strlen(".slice"), out = 0, i;

	if (!gm_has_suffix(slice, ".slice") || strchr(slice, '/'))
		return -EINVAL;
	if (!strcmp(slice, "-.slice")) {
		snprintf(buf, len, "/");
		return 0;
	}
	if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
		return -EINVAL;
	/* "a-b-c" -> /a.slice/a-b.slice/a-b-c.slice */
	for (i = 1; i <= n; i++) {
		int w;

		if (i < n && slice[i] != '-')
			continue;
		if (out >= len)
			return -ENAMETOOLONG;
		w = snprintf(buf + out, len - out, "/%.*s.slice", (int)i, slice);
		if (w < 0 || (size_t)w >= len - out)
			return -ENAMETOOLONG;
		out += w;
	}
	return 0;
}

/* ---- the cgroup2 mount ----------------------------------------------- */

/* Undo mountinfo's octal escapes ("\040" for a blank) in place. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* One line of mountinfo: what finding the cgroup2 mount needs. */
struct mount {
	unsigned long id, parent;
	char *point;		/* unescaped */
	bool cgroup2;
};

/*
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw"
 * Fields 1 and 2 are the mount's and its parent's ids, field 5 the mount
 * point; the file system type follows "-".  Returns false for a line
 * that is not one.
 */
static bool mountinfo_parse(char *line, struct mount *m)
{
	char *save = NULL, *tok, *end;
	bool sep = false;
	int field = 0;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save), field++) {
		if (field == 0 || field == 1) {
			unsigned long v = strtoul(tok, &end, 10);

			if (*end)
				return false;
			*(field ? &m->parent : &m->id) = v;
		} else if (field == 4) {
			m->point = tok;
		} else if (field > 5 && !sep && !strcmp(tok, "-")) {
			sep = true;
		} else if (sep) {
			m->cgroup2 = !strcmp(tok, "cgroup2");
			return m->point != NULL;
		}
	}
	return false;
}

/*
 * Can this process see mount @i?  Not if another mount sits on top of it
 * (a child at the same mount point: an over-mount), nor if one of its
 * ancestors is hidden so by a mount that is not on the way to @i.  The
 * root's parent is not in the list.
 */
static bool mount_visible(const struct mount *v, size_t n, size_t i)
{
	size_t depth, k, p, prev = n;

	for (depth = 0; depth < n; depth++) {
		for (k = 0; k < n; k++)
			if (v[k].parent == v[i].id && k != i && k != prev &&
			    !strcmp(v[k].point, v[i].point))
				return false;
		for (p = 0; p < n; p++)
			if (v[p].id == v[i].parent && p != i)
				break;
		if (p == n)
			return true;
		prev = i;
		i = p;
	}
	return true;	/* a loop: not a real mountinfo, do not care */
}

/*
 * The cgroup2 mount to use among the visible ones: the one at
 * /sys/fs/cgroup (a unified host), else the one at /sys/fs/cgroup/unified
 * (a hybrid host, where /sys/fs/cgroup holds the v1 hierarchies), else the
 * first listed.  -1 if there is none.
 */
static long pick_mount(const struct mount *v, size_t n)
{
	static const char *const preferred[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	long first = -1;
	size_t i, k;

	for (k = 0; k < sizeof(preferred) / sizeof(preferred[0]); k++)
		for (i = 0; i < n; i++)
			if (v[i].cgroup2 && !strcmp(v[i].point, preferred[k]) &&
			    mount_visible(v, n, i))
				return (long)i;
	for (i = 0; i < n && first < 0; i++)
		if (v[i].cgroup2 && mount_visible(v, n, i))
			first = (long)i;
	return first;
}

int gm_cgroup_find_mount(const char *mountinfo, char *buf, size_t len,
			 struct gm_err *err)
{
	struct mount *v = NULL, m;
	char **lines = NULL, *line = NULL;
	size_t cap = 0, n = 0, vcap = 0, i;
	int ret = -ENOENT;
	long pick;
	FILE *f;

	f = fopen(mountinfo, "re");
	if (!f) {
		ret = -errno;
		gm_err_set(err, "cannot read %s: %s", mountinfo, strerror(errno));
		return ret;
	}
	while (getline(&line, &cap, f) > 0) {
		if (n == vcap) {
			size_t c = vcap ? 2 * vcap : 64;
			struct mount *nv = realloc(v, c * sizeof(*nv));
			char **nl = realloc(lines, c * sizeof(*nl));

			if (nv)
				v = nv;
			if (nl)
				lines = nl;
			if (!nv || !nl) {
				ret = -ENOMEM;
				break;
			}
			vcap = c;
		}
		/* keep the line: the mount's strings point into it */
		lines[n] = line;
		line = NULL;
		cap = 0;
		if (!mountinfo_parse(lines[n], &m)) {
			free(lines[n]);
			continue;
		}
		unescape_octal(m.point);
		v[n++] = m;
	}
	free(line);
	fclose(f);
	if (ret != -ENOMEM) {
		pick = pick_mount(v, n);
		if (pick >= 0)
			ret = (size_t)snprintf(buf, len, "%s", v[pick].point) <
			      len ? 0 : -ENAMETOOLONG;
	}
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(v);
	if (ret == -ENOENT)
		gm_err_set(err,
			   "cannot find the cgroup2 mount: no cgroup2 file system in %s (set %s to override)",
			   mountinfo, GM_CGROUP_ROOT_ENV);
	else if (ret)
		gm_err_set(err, "cgroup2 mount point in %s: %s", mountinfo,
			   strerror(-ret));
	return ret;
}

/* Length of @root without trailing slashes; "/" keeps its slash. */
static size_t root_len(const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	return n;
}

static int root_from_env(const char *env, char *buf, size_t len,
			 struct gm_err *err)
{
	struct stat st;

	if (env[0] != '/') {
		gm_err_set(err, "%s '%s': not an absolute path",
			   GM_CGROUP_ROOT_ENV, env);
		return -EINVAL;
	}
	if (stat(env, &st)) {
		int ret = -errno;

		gm_err_set(err, "%s '%s': %s", GM_CGROUP_ROOT_ENV, env,
			   strerror(errno));
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		gm_err_set(err, "%s '%s': %s", GM_CGROUP_ROOT_ENV, env,
			   strerror(ENOTDIR));
		return -ENOTDIR;
	}
	if (root_len(env) >= len) {
		gm_err_set(err, "%s: path too long", GM_CGROUP_ROOT_ENV);
		return -ENAMETOOLONG;
	}
	snprintf(buf, len, "%.*s", (int)root_len(env), env);
	return 0;
}

int gm_cgroup_root(char *buf, size_t len, struct gm_err *err)
{
	const char *env = getenv(GM_CGROUP_ROOT_ENV);

	if (env && *env)
		return root_from_env(env, buf, len, err);
	return gm_cgroup_find_mount("/proc/self/mountinfo", buf, len, err);
}

/* @root + @rel (which starts with '/') into @buf. */
static int join(char *buf, size_t len, const char *root, const char *rel)
{
	size_t n = root_len(root);
	int w;

	if (n == 1 && root[0] == '/')
		n = 0;
	w = snprintf(buf, len, "%.*s%s", (int)n, root, rel);
	return (w < 0 || (size_t)w >= len) ? -ENAMETOOLONG : 0;
}

/* ---- ids ------------------------------------------------------------- */

int gm_cgroup_id_at(int dirfd, const char *name, uint64_t *id,
		    enum gm_id_source *source)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	int flags = *name ? 0 : AT_EMPTY_PATH;
	struct stat st;
	int mnt_id;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (!name_to_handle_at(dirfd, name, &h.fh, &mnt_id, flags) &&
	    h.fh.handle_type == GM_FILEID_KERNFS &&
	    h.fh.handle_bytes == sizeof(*id)) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		if (source)
			*source = GM_ID_KERNFS_HANDLE;
		return 0;
	}
	/* Not kernfs (or no handle support): use the inode number. */
	if (fstatat(dirfd, name, &st, flags | AT_SYMLINK_NOFOLLOW))
		return -errno;
	*id = st.st_ino;
	if (source)
		*source = GM_ID_INODE;
	return 0;
}

/* ---- walking the hierarchy ------------------------------------------- */

enum { WALK_CONTINUE, WALK_SKIP, WALK_STOP };

/*
 * Called for every cgroup directory, the root first (with @parentfd
 * AT_FDCWD and @name the root's path).  @rel is the path relative to the
 * root.  Returns WALK_* or a negative errno.
 */
typedef int (*walk_fn)(int parentfd, const char *name, const char *rel,
		       void *data);

struct walk {
	char rel[PATH_MAX];
	walk_fn fn;
	void *data;
};

static bool is_subdir(int dirfd, const struct dirent *de)
{
	struct stat st;

	if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
		return false;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return !fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(st.st_mode);
}

static int walk_dir(struct walk *w, int fd, size_t rel_len);

/* Visit @name in @dirfd, whose path is already in w->rel. */
static int walk_one(struct walk *w, int dirfd, const char *name,
		    size_t rel_len)
{
	int ret = w->fn(dirfd, name, w->rel, w->data);
	int fd;

	if (ret != WALK_CONTINUE)
		return ret;
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* Gone since readdir(), or not ours to look into. */
		if (errno == ENOENT || errno == EACCES || errno == ENOTDIR)
			return 0;
		return -errno;
	}
	return walk_dir(w, fd, rel_len);
}

/* Walk the subdirectories of @fd (closed here); w->rel has @rel_len. */
static int walk_dir(struct walk *w, int fd, size_t rel_len)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (!ret && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (!is_subdir(dirfd(d), de))
			continue;
		if (rel_len + 1 + n >= sizeof(w->rel)) {
			ret = -ENAMETOOLONG;
			break;
		}
		w->rel[rel_len] = '/';
		memcpy(w->rel + rel_len + 1, de->d_name, n + 1);
		ret = walk_one(w, dirfd(d), de->d_name, rel_len + 1 + n);
		if (ret == WALK_SKIP)
			ret = 0;
		w->rel[rel_len] = '\0';
	}
	closedir(d);
	return ret;
}

/* Returns 0, WALK_STOP if @fn stopped the walk, or a negative errno. */
static int walk(const char *root, walk_fn fn, void *data)
{
	struct walk *w;
	int ret, fd;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->data = data;
	snprintf(w->rel, sizeof(w->rel), "/");
	ret = fn(AT_FDCWD, root, w->rel, data);
	if (ret == WALK_CONTINUE) {
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		w->rel[0] = '\0';
		ret = fd < 0 ? -errno : walk_dir(w, fd, 0);
	}
	free(w);
	return ret == WALK_SKIP ? 0 : ret;
}

struct id_search {
	uint64_t id;
	char *buf;
	size_t len;
};

static int match_id(int parentfd, const char *name, const char *rel,
		    void *data)
{
	struct id_search *s = data;
	uint64_t id;

	if (gm_cgroup_id_at(parentfd, name, &id, NULL) || id != s->id)
		return WALK_CONTINUE;
	if ((size_t)snprintf(s->buf, s->len, "%s", rel) >= s->len)
		return -ENAMETOOLONG;
	return WALK_STOP;
}

int gm_cgroup_find_id(const char *root, uint64_t id, char *buf, size_t len,
		      struct gm_err *err)
{
	struct id_search s = { .id = id, .buf = buf, .len = len };
	int ret = walk(root, match_id, &s);

	if (ret == WALK_STOP)
		return 0;
	if (!ret) {
		gm_err_set(err, "cgroup 'id:%llu': no cgroup with this id under %s",
			   (unsigned long long)id, root);
		return -ENOENT;
	}
	gm_err_set(err, "cgroup 'id:%llu': searching %s: %s",
		   (unsigned long long)id, root, strerror(-ret));
	return ret;
}

struct unit_search {
	const char *unit;
	int found;
	char first[PATH_MAX];
	char second[PATH_MAX];
};

/*
 * The system manager puts a unit's cgroup in its slice's: only slices are
 * searched.  What is below another unit's cgroup (a user manager's units,
 * a container's own systemd) belongs to someone else.
 */
static int match_unit(int parentfd, const char *name, const char *rel,
		      void *data)
{
	struct unit_search *s = data;

	(void)parentfd;
	if (!strcmp(name, s->unit)) {
		snprintf(s->found ? s->second : s->first, PATH_MAX, "%s", rel);
		if (++s->found > 1)
			return WALK_STOP;
	}
	return !strcmp(rel, "/") || gm_has_suffix(name, ".slice") ?
	       WALK_CONTINUE : WALK_SKIP;
}

int gm_cgroup_find_unit(const char *root, const char *unit, char *buf,
			size_t len, struct gm_err *err)
{
	struct unit_search *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->unit = unit;
	ret = walk(root, match_unit, s);
	if (ret < 0) {
		gm_err_set(err, "cgroup '%s': searching %s: %s", unit, root,
			   strerror(-ret));
	} else if (s->found > 1) {
		gm_err_set(err,
			   "cgroup '%s': ambiguous, found at %s and %s: give a path",
			   unit, s->first, s->second);
		ret = -ENOTUNIQ;
	} else if (!s->found) {
		gm_err_set(err, "cgroup '%s': no such unit cgroup under %s",
			   unit, root);
		ret = -ENOENT;
	} else if ((size_t)snprintf(buf, len, "%s", s->first) >= len) {
		gm_err_set(err, "cgroup '%s': path too long", unit);
		ret = -ENAMETOOLONG;
	} else {
		ret = 0;
	}
	free(s);
	return ret;
}

/* ---- resolution ------------------------------------------------------ */

/* A path spec to a normalised relative path ("/a/b", "/" for the root). */
static int path_rel(const char *root, const char *spec, char *buf,
		    size_t len)
{
	size_t rl = root_len(root), out = 0;
	const char *p = spec;

	if (spec[0] == '/' && rl > 1 && !strncmp(spec, root, rl) &&
	    (spec[rl] == '/' || !spec[rl]))
		p = spec + rl;
	while (*p) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (out + 1 + n >= len)
			return -ENAMETOOLONG;
		buf[out++] = '/';
		memcpy(buf + out, p, n);
		out += n;
		p += n;
	}
	if (!out) {
		if (len < 2)
			return -ENAMETOOLONG;
		buf[out++] = '/';
	}
	buf[out] = '\0';
	return 0;
}

/* The cgroup directory must exist; then fill in its id. */
static int finish(const char *root, const char *spec, struct gm_cgroup *cg,
		  struct gm_err *err)
{
	char full[PATH_MAX];
	struct stat st;
	int ret;

	ret = join(full, sizeof(full), root, cg->path);
	if (ret) {
		gm_err_set(err, "cgroup '%s': path too long", spec);
		return ret;
	}
	if (stat(full, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	if (ret) {
		gm_err_set(err, "cgroup '%s': no such cgroup (%s: %s)", spec,
			   full, strerror(-ret));
		return ret;
	}
	ret = gm_cgroup_id_at(AT_FDCWD, full, &cg->id, NULL);
	if (ret)
		gm_err_set(err, "cgroup '%s': cannot get its id: %s", spec,
			   strerror(-ret));
	return ret;
}

int gm_cgroup_resolve(const char *root, const char *spec,
		      struct gm_cgroup *cg, struct gm_err *err)
{
	enum gm_cgroup_kind kind;
	uint64_t id;
	int ret;

	ret = gm_cgroup_check(spec, &kind, err);
	if (ret)
		return ret;
	switch (kind) {
	case GM_CGROUP_ID:
		if (parse_id(spec + 3, &id))
			return -EINVAL;	/* gm_cgroup_check() said it is fine */
		ret = gm_cgroup_find_id(root, id, cg->path, sizeof(cg->path),
					err);
		if (!ret)
			cg->id = id;
		return ret;
	case GM_CGROUP_UNIT:
		ret = gm_cgroup_find_unit(root, spec, cg->path,
					  sizeof(cg->path), err);
		break;
	case GM_CGROUP_SLICE:
		ret = gm_cgroup_slice_path(spec, cg->path, sizeof(cg->path));
		if (ret)
			gm_err_set(err, "cgroup '%s': %s", spec, strerror(-ret));
		break;
	case GM_CGROUP_PATH:
		ret = path_rel(root, spec, cg->path, sizeof(cg->path));
		if (ret)
			gm_err_set(err, "cgroup '%s': path too long", spec);
		break;
	}
	return ret ? ret : finish(root, spec, cg, err);
}

/* ---- id -> path map -------------------------------------------------- */

static size_t map_hash(uint64_t id, size_t cap)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static struct gm_cgroup_slot *map_slot(struct gm_cgroup_slot *slots,
				       size_t cap, uint64_t id)
{
	size_t i = map_hash(id, cap);

	while (slots[i].id && slots[i].id != id)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int map_grow(struct gm_cgroup_map *map)
{
	size_t cap = map->cap ? 2 * map->cap : 256, i;
	struct gm_cgroup_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < map->cap; i++)
		if (map->slots[i].id)
			*map_slot(slots, cap, map->slots[i].id) = map->slots[i];
	free(map->slots);
	map->slots = slots;
	map->cap = cap;
	return 0;
}

int gm_cgroup_map_add(struct gm_cgroup_map *map, uint64_t id,
		      const char *path)
{
	struct gm_cgroup_slot *s;
	char *copy;

	if (!id)
		return -EINVAL;
	if (2 * (map->n + 1) > map->cap && map_grow(map))
		return -ENOMEM;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	s = map_slot(map->slots, map->cap, id);
	if (s->id) {
		free(s->path);
	} else {
		s->id = id;
		map->n++;
	}
	s->path = copy;
	return 0;
}

const char *gm_cgroup_map_find(const struct gm_cgroup_map *map, uint64_t id)
{
	const struct gm_cgroup_slot *s;

	if (!map->cap || !id)
		return NULL;
	s = map_slot(map->slots, map->cap, id);
	return s->id ? s->path : NULL;
}

void gm_cgroup_map_free(struct gm_cgroup_map *map)
{
	size_t i;

	for (i = 0; i < map->cap; i++)
		free(map->slots[i].path);
	free(map->slots);
	memset(map, 0, sizeof(*map));
}

static int map_one(int parentfd, const char *name, const char *rel,
		   void *data)
{
	uint64_t id;
	int ret = gm_cgroup_id_at(parentfd, name, &id, NULL);

	/* A cgroup gone since readdir() is skipped; a missing root is not. */
	if (ret)
		return parentfd == AT_FDCWD ? ret : WALK_SKIP;
	return gm_cgroup_map_add(data, id, rel) ? -ENOMEM : WALK_CONTINUE;
}

int gm_cgroup_map_build(struct gm_cgroup_map *map, const char *root,
			struct gm_err *err)
{
	int ret = walk(root, map_one, map);

	if (ret)
		gm_err_set(err, "reading the cgroup tree %s: %s", root,
			   strerror(-ret));
	return ret;
}

/* ---- interface files ------------------------------------------------- */

/*
 * These files are read directly rather than through libcgroup: libcgroup
 * 2.0.2 (Debian 12) wants cgroup_init() to parse the mounts, a struct
 * cgroup per group and cgroup_get_cgroup() reading every file of every
 * controller; that is far more work than reading two small files, and it
 * ignores GPUMEM_CGROUP_ROOT.
 */
int gm_cgroup_read_u64(const char *root, const char *rel, const char *file,
		       uint64_t *v)
{
	char path[PATH_MAX], buf[32], *end;
	ssize_t n;
	int fd, ret;

	if (join(path, sizeof(path), root, rel) ||
	    strlen(path) + 1 + strlen(file) >= sizeof(path))
		return -ENAMETOOLONG;
	strcat(path, "/");
	strcat(path, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	if (!strcmp(buf, "max")) {
		*v = UINT64_MAX;
		return 0;
	}
	if (!n || buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return (errno || *end) ? -EINVAL : 0;
}
