/* SPDX-License-Identifier: GPL-2.0 */
/* Build and remove fake cgroup trees (plain directories) for the tests. */
#ifndef GPUMEMCTL_FSTREE_H
#define GPUMEMCTL_FSTREE_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR (or /tmp); NULL on failure. */
static inline char *tree_create(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(buf, len, "%s/gpumemctl-test-XXXXXX", tmp) >= len)
		return NULL;
	return mkdtemp(buf);
}

/* mkdir -p @root/@rel */
static inline int tree_mkdir(const char *root, const char *rel)
{
	char path[PATH_MAX];
	size_t n = strlen(root), i;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	for (i = n + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* @root/@rel holding @text, its directories made as needed; 0 or -errno. */
static inline int tree_put(const char *root, const char *rel,
			   const char *text)
{
	char path[PATH_MAX], *slash;
	int ret;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	slash = strrchr(path, '/');
	*slash = '\0';
	ret = strcmp(path, root) ? tree_mkdir(root, path + strlen(root) + 1) : 0;
	*slash = '/';
	if (ret)
		return ret;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* An empty regular file @root/@rel */
static inline int tree_file(const char *root, const char *rel)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fclose(f);
	return 0;
}

static inline int tree_symlink(const char *root, const char *rel,
			       const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return symlink(target, path) ? -errno : 0;
}

static inline int tree_rm_one(const char *path, const struct stat *st,
			      int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static inline void tree_remove(const char *root)
{
	nftw(root, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
