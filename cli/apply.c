// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl apply: finding, parsing and merging policy files (see apply.h).
 * Nothing here talks to the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "cgroup.h"
#include "json.h"
#include "output.h"
#include "size.h"
#include "text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers --------------------------------------------------- */

struct strv {
	char **v;
	size_t n, cap;
};

static int strv_push(struct strv *s, const char *str)
{
	char *dup;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	dup = strdup(str);
	if (!dup)
		return -ENOMEM;
	s->v[s->n++] = dup;
	return 0;
}

static bool strv_has(const struct strv *s, const char *str)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return true;
	return false;
}

static void strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Are @a and @b the same file? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(a, b))
		return true;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int add_error(struct gm_apply_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_error(struct gm_apply_list *l, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	if (l->nerrors == l->errcap) {
		size_t cap = l->errcap ? 2 * l->errcap : 8;
		char **v = realloc(l->errors, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->errors = v;
		l->errcap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	l->errors[l->nerrors++] = msg;
	return 0;
}

/* Unit types systemd knows; names with these suffixes are units. */
static const char *const unit_types[] = {
	".service", ".socket", ".device", ".mount", ".automount", ".swap",
	".target", ".path", ".timer", ".slice", ".scope",
};

/*
 * The type suffix of unit name @name, or NULL if it is not one: systemd's
 * characters (no '%', '/', blanks), one of its types, at most NAME_MAX.
 */
static const char *unit_type(const char *name)
{
	size_t i;

	if (!*name || name[0] == '.' || strlen(name) > NAME_MAX ||
	    name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.\\@-")])
		return NULL;
	for (i = 0; i < ARRAY_SIZE(unit_types); i++)
		if (gm_has_suffix(name, unit_types[i]))
			return unit_types[i];
	return NULL;
}

/*
 * A unit's own name.  A prefix name ("foo-.service", whose drop-ins
 * systemd gives to every foo-*.service; never one with an '@') is not one;
 * the root slice is.
 */
static bool is_unit_name(const char *name)
{
	const char *type = unit_type(name);

	return type && (name[strlen(name) - strlen(type) - 1] != '-' ||
			strchr(name, '@') || !strcmp(name, "-.slice"));
}

/* ---- parsing one file ------------------------------------------------ */

enum key_state { UNSET, SET, RESET };

/* What one file says. */
struct file_policy {
	enum key_state st[GM_POLICY_NKEYS];	/* by enum gm_policy_key */
	struct gm_policy_args v;
	bool has_section;
	int section_line;	/* of the first [X-GPUMemory] */
	char *cgroup;		/* Cgroup=, NULL if none (or reset) */
	int cgroup_line;
	enum key_state strict_st;	/* Strict= */
	bool strict;
	int strict_line;
};

/* A boolean as systemd reads one; -1 if @v is not one. */
static int parse_boolean(const char *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/*
 * One assignment in [X-GPUMemory].  Returns 0, or 1 with @why filled.
 * @allow_cgroup: Cgroup= is known (plain files and FILE arguments).
 */
static int assign(struct file_policy *fp, const char *key, const char *value,
		  int line, char *why, size_t len)
{
	char keys[128];
	int k;

	if (!strcmp(key, "Cgroup")) {
		struct gm_err err;
		enum gm_cgroup_kind kind;

		free(fp->cgroup);
		fp->cgroup = NULL;
		fp->cgroup_line = line;
		if (!*value)
			return 0;
		if (gm_cgroup_check(value, &kind, &err)) {
			snprintf(why, len, "%s", err.msg);
			return 1;
		}
		fp->cgroup = strdup(value);
		if (!fp->cgroup) {
			snprintf(why, len, "out of memory");
			return 1;
		}
		return 0;
	}
	if (!strcmp(key, "Strict")) {
		int b = *value ? parse_boolean(value) : 0;

		fp->strict_line = line;
		if (b < 0) {
			snprintf(why, len,
				 "invalid value '%s' (expected yes or no)",
				 value);
			return 1;
		}
		fp->strict_st = *value ? SET : RESET;
		fp->strict = b;
		return 0;
	}
	k = gm_policy_unit_key_lookup(key);
	if (k < 0) {
		gm_policy_key_list(keys, sizeof(keys),
				   GM_POLICY_FIELD(unit_key), ", ");
		snprintf(why, len,
			 "unknown key (expected %s, Strict or, in plain configuration files, Cgroup)",
			 keys);
		return 1;
	}
	if (!*value) {
		fp->st[k] = RESET;
		return 0;
	}
	if (gm_policy_value_parse(&fp->v, k, value, why, len))
		return 1;
	fp->st[k] = SET;
	return 0;
}

/* A comment line: systemd never continues one. */
static bool is_comment(const char *text)
{
	text += strspn(text, " \t");
	return *text == '#' || *text == ';';
}

/*
 * One logical line of @f into *@buf, as systemd reads unit files: a line
 * ending in an odd number of backslashes goes on in the next one (the last
 * backslash read as a space), comment lines among them skipped; "\r\n"
 * ends a line as "\n" does, and a UTF-8 BOM before the first is dropped.
 * *@lineno: the number of its first physical line; *@next counts them.
 * Returns 1, 0 at the end, or -ENOMEM.
 */
static int read_line(FILE *f, char **buf, size_t *cap, int *lineno,
		     int *next)
{
	char *part = NULL, *text;
	size_t part_cap = 0, len = 0, n, tail;
	bool more = true, any = false;
	int ret = 0;

	while (more && getline(any ? &part : buf, any ? &part_cap : cap,
			       f) >= 0) {
		text = any ? part : *buf;
		if (!*next && !strncmp(text, "\xef\xbb\xbf", 3))
			memmove(text, text + 3, strlen(text + 3) + 1);
		(*next)++;
		n = strcspn(text, "\n");
		if (n && text[n - 1] == '\r')
			n--;
		text[n] = '\0';
		if (is_comment(text)) {
			if (any)
				continue;
			*lineno = *next;
			ret = 1;
			break;
		}
		if (!any)
			*lineno = *next;
		for (tail = 0; tail < n && text[n - 1 - tail] == '\\'; tail++)
			;
		more = tail % 2;
		if (more)
			text[n - 1] = ' ';
		if (any) {
			char *joined = realloc(*buf, len + n + 1);

			if (!joined) {
				ret = -ENOMEM;
				break;
			}
			memcpy(joined + len, text, n + 1);
			*buf = joined;
			*cap = len + n + 1;
		}
		len += n;
		any = true;
		ret = 1;
	}
	free(part);
	return ret;
}

/* Record a parse error: 1 (the file is broken), or -ENOMEM. */
#define FILE_ERROR(l, ...) (add_error(l, __VA_ARGS__) ?: 1)

/*
 * Parse @path into @fp (zeroed here).  @plain: a plain configuration file
 * (lines without '=' are errors in every section).  Every error of the
 * file is recorded in @l, not only the first.  Returns 0, 1 if the file
 * has an error, or -ENOMEM.
 */
static int parse_file(struct gm_apply_list *l, const char *path, bool plain,
		      struct file_policy *fp)
{
	char *buf = NULL, why[GM_ERR_LEN + 64], *line, *eq, *key, *value;
	bool in_section = false;
	size_t cap = 0;
	int lineno = 0, next = 0, ret = 0, got = 0, e;
	FILE *f;

	memset(fp, 0, sizeof(*fp));
	f = fopen(path, "re");
	if (!f)
		return FILE_ERROR(l, "%s: %s", path, strerror(errno));
	while (ret >= 0 &&
	       (got = read_line(f, &buf, &cap, &lineno, &next)) > 0) {
		e = 0;
		line = gm_trim(buf);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			size_t n = strlen(line);

			if (n < 3 || line[n - 1] != ']' ||
			    strpbrk(line + 1, "[]") != line + n - 1) {
				/* In a unit, only ours is our business. */
				in_section = false;
				if (!plain && !strcasestr(line, "GPUMemory"))
					continue;
				e = FILE_ERROR(l, "%s:%d: %s: bad section header (expected [NAME])",
					       path, lineno, line);
			} else {
				line[n - 1] = '\0';
				in_section = !strcmp(line + 1,
						     GM_APPLY_SECTION);
				if (in_section && !fp->has_section) {
					fp->has_section = true;
					fp->section_line = lineno;
				}
			}
		} else if (!(eq = strchr(line, '='))) {
			/* systemd ignores it elsewhere too */
			if (in_section || plain)
				e = FILE_ERROR(l, "%s:%d: %s: missing '=' (expected KEY=VALUE)",
					       path, lineno, line);
		} else if (in_section) {	/* else systemd's, or another X- */
			*eq = '\0';
			key = gm_trim(line);
			value = gm_trim(eq + 1);
			if (!*key)
				e = FILE_ERROR(l, "%s:%d: =%s: missing key before '='",
					       path, lineno, value);
			else if (assign(fp, key, value, lineno, why,
					sizeof(why)))
				e = FILE_ERROR(l, "%s:%d: %s: %s", path,
					       lineno, key, why);
		}
		if (e)
			ret = e;
	}
	if (ret >= 0 && got < 0)
		ret = got;
	else if (ret >= 0 && ferror(f))
		ret = FILE_ERROR(l, "%s: %s", path, strerror(errno));
	free(buf);
	fclose(f);
	if (ret) {
		free(fp->cgroup);
		fp->cgroup = NULL;
	}
	return ret;
}

/* What @path says, read as a unit file, its errors dropped. */
static void peek_file(const char *path, struct file_policy *fp)
{
	struct gm_apply_list scratch = { 0 };

	parse_file(&scratch, path, false, fp);
	free(fp->cgroup);
	fp->cgroup = NULL;
	gm_apply_free(&scratch);
}

static void merge(struct gm_policy_args *dst, const struct file_policy *fp)
{
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		if (fp->st[k] == UNSET)
			continue;
		dst->given &= ~(1u << k);
		if (fp->st[k] == SET) {
			dst->val[k] = fp->v.val[k];
			dst->given |= 1u << k;
		}
	}
}

/* ---- the list -------------------------------------------------------- */

static struct gm_apply_item *push_item(struct gm_apply_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct gm_apply_item *v = realloc(l->items, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->items = v;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(l->items[l->n]));
	return &l->items[l->n++];
}

static void item_free(struct gm_apply_item *it)
{
	size_t i;

	for (i = 0; i < it->nfiles; i++)
		free(it->files[i]);
	free(it->files);
	free(it->unit);
	free(it->cgroup);
}

void gm_apply_free(struct gm_apply_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		item_free(&l->items[i]);
	for (i = 0; i < l->nerrors; i++)
		free(l->errors[i]);
	free(l->items);
	free(l->errors);
	memset(l, 0, sizeof(*l));
}

/* Hand @files over to a new item. */
static int add_item(struct gm_apply_list *l, const char *unit,
		    char *cgroup, const struct gm_policy_args *p,
		    struct strv *files)
{
	struct gm_apply_item *it = push_item(l);

	if (!it || (unit && !(it->unit = strdup(unit)))) {
		if (it)
			l->n--;
		free(cgroup);
		return -ENOMEM;
	}
	it->cgroup = cgroup;
	it->policy = *p;
	it->files = files->v;
	it->nfiles = files->n;
	memset(files, 0, sizeof(*files));
	return 0;
}

/* ---- directories ----------------------------------------------------- */

/* The unit search path, highest priority first. */
static int unit_path(struct strv *dirs)
{
	const char *env = getenv(GM_UNIT_PATH_ENV);
	char *copy, *tok, *save;
	int ret = 0;

	copy = strdup(env && *env ? env : GM_UNIT_PATH_DEFAULT);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ":", &save); tok && !ret;
	     tok = strtok_r(NULL, ":", &save))
		if (!strv_has(dirs, tok))
			ret = strv_push(dirs, tok);
	free(copy);
	return ret;
}

static const char *config_dir(void)
{
	const char *env = getenv(GM_CONFIG_DIR_ENV);

	return env && *env ? env : GM_CONFIG_DIR_DEFAULT;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/*
 * Entries of @dir whose name ends in @suffix (all if NULL), sorted, as
 * names (not paths).  A missing directory is empty.
 */
static int list_dir(const char *dir, const char *suffix, struct strv *out)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (suffix && !gm_has_suffix(de->d_name, suffix))
			continue;
		ret = strv_push(out, de->d_name);
	}
	closedir(d);
	if (!ret && out->n)
		qsort(out->v, out->n, sizeof(*out->v), str_cmp);
	return ret;
}

/* "service" of a type-wide drop-in directory "service.d", say. */
static bool is_type_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unit_types); i++)
		if (!strcmp(name, unit_types[i] + 1))
			return true;
	return false;
}

/*
 * Every unit name with a fragment or a drop-in directory on the path, and
 * in @shared the drop-in directories systemd gives to many units (prefix
 * "foo-.service.d", type-wide "service.d"), which are not read.
 */
static int list_units(const struct strv *dirs, struct strv *units,
		      struct strv *shared)
{
	char path[PATH_MAX];
	size_t i, j;
	int ret = 0;

	for (i = 0; i < dirs->n && !ret; i++) {
		struct strv names = { 0 };

		ret = list_dir(dirs->v[i], NULL, &names);
		for (j = 0; j < names.n && !ret; j++) {
			char *name = names.v[j];
			bool dropins = gm_has_suffix(name, ".d");

			snprintf(path, sizeof(path), "%s/%s", dirs->v[i], name);
			if (dropins)
				name[strlen(name) - 2] = '\0';
			if (is_unit_name(name) && !strv_has(units, name))
				ret = strv_push(units, name);
			else if (dropins && !is_unit_name(name) &&
				 (unit_type(name) || is_type_name(name)))
				ret = strv_push(shared, path);
		}
		strv_free(&names);
	}
	if (!ret && units->n)
		qsort(units->v, units->n, sizeof(*units->v), str_cmp);
	return ret;
}

/* ---- units ----------------------------------------------------------- */

/* Drop-in paths sorted by basename. */
static int base_cmp(const void *a, const void *b)
{
	return strcmp(base_name(*(char *const *)a),
		      base_name(*(char *const *)b));
}

/* Put @path among the drop-ins, replacing one of the same basename. */
static int dropin_put(struct strv *dropins, const char *path)
{
	size_t i;

	for (i = 0; i < dropins->n; i++) {
		if (!strcmp(base_name(dropins->v[i]), base_name(path))) {
			char *dup = strdup(path);

			if (!dup)
				return -ENOMEM;
			free(dropins->v[i]);
			dropins->v[i] = dup;
			return 0;
		}
	}
	return strv_push(dropins, path);
}

/* The unit a FILE argument belongs to (in @buf), or NULL. */
static const char *unit_of_file(const char *path, char *buf, size_t len)
{
	const char *base = base_name(path), *dir_end;
	size_t n;

	if (base != path && gm_has_suffix(base, ".conf")) {
		dir_end = base - 1;
		while (dir_end > path && dir_end[-1] == '/')
			dir_end--;
		n = dir_end - path;
		if (n > 2 && !strncmp(dir_end - 2, ".d", 2)) {
			const char *dir = dir_end - 1;

			while (dir > path && dir[-1] != '/')
				dir--;
			n = dir_end - 2 - dir;
			if (n < len) {
				memcpy(buf, dir, n);
				buf[n] = '\0';
				if (is_unit_name(buf))
					return buf;
			}
		}
	}
	if (is_unit_name(base) && strlen(base) < len) {
		strcpy(buf, base);
		return buf;
	}
	return NULL;
}

bool gm_unit_is_template(const char *name)
{
	const char *at = strchr(name, '@');

	return at && at[1] == '.' && at + 1 == strrchr(name, '.');
}

/* "foo@.service", the template of instance @name "foo@bar.service". */
static bool template_of(const char *name, char *buf, size_t len)
{
	const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (!at || !dot || dot <= at + 1)
		return false;
	return (size_t)snprintf(buf, len, "%.*s%s", (int)(at + 1 - name), name,
				dot) < len;
}

/*
 * Load unit @name from the search path.  An instance ("foo@bar.service")
 * reads its template's files too: the fragment is its own if it has one,
 * else the template's; the drop-ins are both's, the instance's before the
 * template's of the same directory.  @extra (FILE arguments of this unit)
 * take the place of its fragment or of the drop-in of the same name if
 * they are not on the path.  *@found is set if the unit has any file
 * (its fragment, masked or not, a drop-in, one of @extra).
 */
static int load_unit(struct gm_apply_list *l, const struct strv *dirs,
		     const char *name, const struct strv *extra, bool *found)
{
	struct strv dropins = { 0 }, files = { 0 };
	struct gm_policy_args policy = { 0 };
	char *fragment = NULL, path[PATH_MAX], tmpl[NAME_MAX + 1];
	const char *names[2] = {
		name, template_of(name, tmpl, sizeof(tmpl)) ? tmpl : NULL,
	};
	bool any = false, broken = false, strict = false;
	size_t i, j, k;
	int ret = 0;

	/* The fragment: the unit's own first, else its template's. */
	for (k = 0; k < 2 && names[k] && !fragment && !ret; k++) {
		for (i = 0; i < dirs->n && !fragment && !ret; i++) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dirs->v[i],
				 names[k]);
			if (stat(path, &st))
				continue;
			*found = true;
			/* masked: linked to /dev/null, or empty */
			if (S_ISCHR(st.st_mode) ||
			    (S_ISREG(st.st_mode) && !st.st_size))
				goto out;
			if (S_ISREG(st.st_mode) && !(fragment = strdup(path)))
				ret = -ENOMEM;
		}
	}
	/* The drop-ins of both, directory by directory. */
	for (i = 0; i < dirs->n * 2 && !ret; i++) {
		struct strv confs = { 0 };

		if (!names[i % 2])
			continue;
		snprintf(path, sizeof(path), "%s/%s.d", dirs->v[i / 2],
			 names[i % 2]);
		ret = list_dir(path, ".conf", &confs);
		for (j = 0; j < confs.n && !ret; j++) {
			char full[PATH_MAX];
			bool masked = false;
			size_t m;

			for (m = 0; m < dropins.n; m++)
				if (!strcmp(base_name(dropins.v[m]),
					    confs.v[j]))
					masked = true;
			if (snprintf(full, sizeof(full), "%s/%s", path,
				     confs.v[j]) >= (int)sizeof(full))
				continue;
			/* One that is not a file (/dev/null) masks too. */
			if (!masked)
				ret = strv_push(&dropins, full);
		}
		strv_free(&confs);
	}
	for (i = 0; extra && i < extra->n && !ret; i++) {
		const char *x = extra->v[i];
		bool known = fragment && same_file(fragment, x);

		for (j = 0; j < dropins.n && !known; j++)
			known = same_file(dropins.v[j], x);
		if (known)
			continue;
		if (!strcmp(base_name(x), name)) {
			free(fragment);
			if (!(fragment = strdup(x)))
				ret = -ENOMEM;
		} else {
			ret = dropin_put(&dropins, x);
		}
	}
	if (ret)
		goto out;
	if (dropins.n || (extra && extra->n))
		*found = true;
	if (dropins.n)
		qsort(dropins.v, dropins.n, sizeof(*dropins.v), base_cmp);
	for (i = 0; i < dropins.n + 1 && !ret; i++) {
		const char *file = i ? dropins.v[i - 1] : fragment;
		struct file_policy fp;

		if (!file || !is_regular(file))
			continue;
		ret = parse_file(l, file, false, &fp);
		if (ret == 1) {
			ret = 0;
			broken = true;
			continue;
		}
		if (!ret && fp.cgroup_line) {
			ret = add_error(l, "%s:%d: Cgroup: only in plain configuration files (a unit's cgroup is the unit's)",
					file, fp.cgroup_line);
			broken = true;
		} else if (!ret && fp.has_section) {
			merge(&policy, &fp);
			if (fp.strict_st != UNSET)
				strict = fp.strict_st == SET && fp.strict;
			any = true;
			ret = strv_push(&files, file);
		}
		free(fp.cgroup);
	}
	if (!ret && (any || broken))
		ret = add_item(l, name, NULL, &policy, &files);
	if (!ret && (any || broken)) {
		l->items[l->n - 1].broken = broken;
		l->items[l->n - 1].strict = strict;
	}
out:
	free(fragment);
	strv_free(&dropins);
	strv_free(&files);
	return ret;
}

/* ---- plain files ----------------------------------------------------- */

/* A plain file: a Cgroup= in [X-GPUMemory], and the policy keys. */
static int load_plain(struct gm_apply_list *l, const char *path)
{
	struct strv files = { 0 };
	struct gm_policy_args policy = { 0 };
	struct file_policy fp;
	int ret;

	ret = parse_file(l, path, true, &fp);
	if (ret)
		return ret == 1 ? 0 : ret;
	if (fp.strict_line) {
		ret = add_error(l, "%s:%d: Strict: only in units (it decides whether the unit starts on a kernel without gpumem)",
				path, fp.strict_line);
		free(fp.cgroup);
		return ret;
	}
	if (!fp.cgroup) {
		ret = add_error(l, "%s:%d: Cgroup: missing (a plain configuration file needs Cgroup=CGROUP in [" GM_APPLY_SECTION "])",
				path, fp.cgroup_line ? fp.cgroup_line :
				fp.section_line ? fp.section_line : 1);
		free(fp.cgroup);
		return ret;
	}
	merge(&policy, &fp);
	ret = strv_push(&files, path);
	if (!ret)
		return add_item(l, NULL, fp.cgroup, &policy, &files);
	free(fp.cgroup);
	return ret;
}

static bool in_config_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *base = base_name(path);
	size_t n = base - path;

	if (n >= sizeof(dir))
		return false;
	if (!n)
		strcpy(dir, ".");
	else
		memcpy(dir, path, n), dir[n] = '\0';
	return same_file(dir, config_dir());
}

/* Is @path a plain file by its content (a Cgroup= assignment)? */
static bool says_cgroup(const char *path)
{
	struct file_policy fp;

	peek_file(path, &fp);
	return fp.cgroup_line;
}

/* A policy in a shared drop-in directory @dir is an error: not read. */
static int check_shared(struct gm_apply_list *l, const char *dir)
{
	struct strv confs = { 0 };
	char path[PATH_MAX];
	size_t i;
	int ret;

	ret = list_dir(dir, ".conf", &confs);
	for (i = 0; i < confs.n && !ret; i++) {
		struct file_policy fp;

		snprintf(path, sizeof(path), "%s/%s", dir, confs.v[i]);
		if (!is_regular(path))
			continue;
		peek_file(path, &fp);
		if (fp.has_section)
			ret = add_error(l, "%s:%d: [" GM_APPLY_SECTION "]: not read in a drop-in directory shared by several units (type-wide or prefix); put it in each unit's own",
					path, fp.section_line);
	}
	strv_free(&confs);
	return ret;
}

static int load_all(struct gm_apply_list *l, const struct strv *dirs)
{
	struct strv units = { 0 }, confs = { 0 }, shared = { 0 };
	char path[PATH_MAX];
	size_t i;
	int ret;

	ret = list_units(dirs, &units, &shared);
	for (i = 0; i < shared.n && !ret; i++)
		ret = check_shared(l, shared.v[i]);
	strv_free(&shared);
	for (i = 0; i < units.n && !ret; i++) {
		bool found = false;

		ret = load_unit(l, dirs, units.v[i], NULL, &found);
	}
	if (!ret)
		ret = list_dir(config_dir(), ".conf", &confs);
	for (i = 0; i < confs.n && !ret; i++) {
		snprintf(path, sizeof(path), "%s/%s", config_dir(),
			 confs.v[i]);
		if (is_regular(path))
			ret = load_plain(l, path);
	}
	strv_free(&units);
	strv_free(&confs);
	return ret;
}

/* A UNIT argument that is nowhere on the search path: an error. */
static int unit_not_found(struct gm_apply_list *l, const struct strv *dirs,
			  const char *name)
{
	char path[4096];
	size_t i, out = 0;

	path[0] = '\0';
	for (i = 0; i < dirs->n && out < sizeof(path); i++)
		out += snprintf(path + out, sizeof(path) - out, "%s%s",
				i ? ":" : "", dirs->v[i]);
	return add_error(l, "%s: no such unit: no unit file or drop-in of this name on the unit search path %s",
			 name, path);
}

static int load_files(struct gm_apply_list *l, const struct strv *dirs,
		      const char *const *files, size_t nfiles)
{
	char (*units)[NAME_MAX + 1] = calloc(nfiles, sizeof(*units));
	struct strv done = { 0 };
	size_t i, j;
	int ret = 0;

	if (!units)
		return -ENOMEM;
	/*
	 * Which unit each argument belongs to ("" for a plain file).  A bare
	 * unit name (no '/') is that unit, from the search path alone.
	 */
	for (i = 0; i < nfiles; i++) {
		if (is_unit_name(files[i])) {
			strcpy(units[i], files[i]);
			continue;
		}
		if (access(files[i], R_OK) || in_config_dir(files[i]) ||
		    !unit_of_file(files[i], units[i], sizeof(units[i])) ||
		    says_cgroup(files[i]))
			units[i][0] = '\0';
	}
	for (i = 0; i < nfiles && !ret; i++) {
		struct strv extra = { 0 };
		bool found = false;

		if (!units[i][0]) {
			ret = load_plain(l, files[i]);
			continue;
		}
		if (strv_has(&done, units[i]))
			continue;
		ret = strv_push(&done, units[i]);
		for (j = i; j < nfiles && !ret; j++)
			if (!strcmp(units[j], units[i]) &&
			    !is_unit_name(files[j]))
				ret = strv_push(&extra, files[j]);
		if (!ret)
			ret = load_unit(l, dirs, units[i], &extra, &found);
		strv_free(&extra);
		if (!ret && !found)
			ret = unit_not_found(l, dirs, units[i]);
	}
	strv_free(&done);
	free(units);
	return ret;
}

int gm_apply_load(struct gm_apply_list *l, const char *const *files,
		  size_t nfiles, struct gm_err *err)
{
	struct strv dirs = { 0 };
	int ret;

	ret = unit_path(&dirs);
	if (!ret)
		ret = nfiles ? load_files(l, &dirs, files, nfiles) :
			       load_all(l, &dirs);
	strv_free(&dirs);
	if (ret)
		gm_err_set(err, "apply: %s", strerror(-ret));
	return ret;
}

/* ---- output ---------------------------------------------------------- */

void gm_apply_print(FILE *f, const struct gm_apply_item *it,
		    const char *path, uint64_t id, bool json)
{
	const struct gm_policy_args *p = &it->policy;
	const char *name = it->unit ? it->unit : it->cgroup;
	struct gm_json j;
	size_t i;

	if (!json) {
		fprintf(f, "applied %s (%s):", name, path);
		gm_print_policy_args(f, p);
		fputc('\n', f);
		return;
	}
	gm_json_init(&j, f, false);
	gm_json_begin_object(&j);
	gm_json_key(&j, "unit");
	gm_json_string(&j, it->unit);
	gm_json_key(&j, "cgroup");
	gm_json_string(&j, it->cgroup);
	gm_json_key(&j, "path");
	gm_json_string(&j, path);
	gm_json_key(&j, "id");
	gm_json_u64(&j, id);
	gm_json_policy_args(&j, p);
	gm_json_key(&j, "files");
	gm_json_begin_array(&j);
	for (i = 0; i < it->nfiles; i++)
		gm_json_string(&j, it->files[i]);
	gm_json_end_array(&j);
	gm_json_end_object(&j);
	fputc('\n', f);
}
