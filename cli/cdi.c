// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl cdi: the machine's DRM cards from sysfs, and the CDI spec
 * that names them (see cdi.h).  Nothing here talks to the kernel but
 * through sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdi.h"
#include "json.h"

/* @name is PREFIX followed by a decimal number only; that number in @n. */
static bool numbered(const char *name, const char *prefix, unsigned int *n)
{
	size_t len = strlen(prefix);
	const char *d = name + len;
	char *end;
	unsigned long v;

	if (strncmp(name, prefix, len) || *d < '0' || *d > '9')
		return false;
	errno = 0;
	v = strtoul(d, &end, 10);
	if (*end || errno || v > UINT_MAX)
		return false;
	*n = (unsigned int)v;
	return true;
}

/*
 * The /dev path of the node whose sysfs directory is @dir: DEVNAME= of
 * its uevent, else dri/@name.  Returns 0 or -ENAMETOOLONG.
 */
static int node_path(const char *dir, const char *name, char *buf,
		     size_t len)
{
	char file[PATH_MAX], line[512], *devname = NULL;
	FILE *f;
	int w;

	snprintf(file, sizeof(file), "%s/uevent", dir);
	f = fopen(file, "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8))
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* No ".." that would leave /dev. */
		if (line[8] && line[8] != '/' && !strstr(line + 8, ".."))
			devname = line + 8;
		break;
	}
	if (f)
		fclose(f);
	if (devname)
		w = snprintf(buf, len, "/dev/%s", devname);
	else
		w = snprintf(buf, len, "/dev/dri/%s", name);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

/*
 * The render node beside the card at @card_dir (the resolved sysfs
 * directory, DEVICE/drm/cardN): the first renderDN of DEVICE/drm.
 */
static int find_render(const char *card_dir, char *buf, size_t len)
{
	char parent[PATH_MAX], dir[PATH_MAX + 300], *slash;
	unsigned int n, best = UINT_MAX;
	char best_name[256] = "";
	struct dirent *de;
	DIR *d;

	snprintf(parent, sizeof(parent), "%s", card_dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	d = opendir(parent);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (numbered(de->d_name, "renderD", &n) && n < best &&
		    strlen(de->d_name) < sizeof(best_name)) {
			best = n;
			strcpy(best_name, de->d_name);
		}
	}
	closedir(d);
	if (!best_name[0])
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", parent, best_name);
	return node_path(dir, best_name, buf, len);
}

static int by_minor(const void *a, const void *b)
{
	const struct gm_cdi_card *x = a, *y = b;

	return x->minor < y->minor ? -1 : x->minor > y->minor;
}

int gm_cdi_scan(const char *sysfs, struct gm_cdi_card **cards, size_t *n,
		struct gm_err *err)
{
	char class[PATH_MAX], link[PATH_MAX + 300], *real;
	struct gm_cdi_card *v = NULL, *nv, *c;
	size_t count = 0;
	struct dirent *de;
	unsigned int num;
	int ret = 0;
	DIR *d;

	*cards = NULL;
	*n = 0;
	snprintf(class, sizeof(class), "%s/class/drm", sysfs);
	d = opendir(class);
	/* No DRM driver loaded (yet): no card. */
	if (!d && errno == ENOENT)
		return 0;
	if (!d) {
		gm_err_set(err, "cdi: %s: %s", class, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!numbered(de->d_name, "card", &num))
			continue;
		nv = realloc(v, (count + 1) * sizeof(*v));
		if (!nv) {
			ret = -ENOMEM;
			gm_err_set(err, "out of memory");
			break;
		}
		v = nv;
		c = &v[count];
		memset(c, 0, sizeof(*c));
		c->minor = num;
		snprintf(c->name, sizeof(c->name), "%.31s", de->d_name);
		snprintf(link, sizeof(link), "%s/%s", class, de->d_name);
		real = realpath(link, NULL);
		if (!real) {
			ret = -errno;
			gm_err_set(err, "cdi: %s: %s", link, strerror(errno));
			break;
		}
		ret = node_path(real, c->name, c->card, sizeof(c->card));
		if (!ret)
			ret = find_render(real, c->render, sizeof(c->render));
		free(real);
		if (ret) {
			gm_err_set(err, "cdi: %s: a device path too long", link);
			break;
		}
		count++;
	}
	closedir(d);
	if (ret) {
		free(v);
		return ret;
	}
	if (count)
		qsort(v, count, sizeof(*v), by_minor);
	*cards = v;
	*n = count;
	return 0;
}

static void device_node(struct gm_json *j, const char *path)
{
	gm_json_begin_object(j);
	gm_json_key(j, "path");
	gm_json_string(j, path);
	gm_json_end_object(j);
}

static void card_nodes(struct gm_json *j, const struct gm_cdi_card *c)
{
	device_node(j, c->card);
	if (c->render[0])
		device_node(j, c->render);
}

static void device(struct gm_json *j, const char *name,
		   const struct gm_cdi_card *cards, size_t n)
{
	size_t i;

	gm_json_begin_object(j);
	gm_json_key(j, "name");
	gm_json_string(j, name);
	gm_json_key(j, "containerEdits");
	gm_json_begin_object(j);
	gm_json_key(j, "deviceNodes");
	gm_json_begin_array(j);
	for (i = 0; i < n; i++)
		card_nodes(j, &cards[i]);
	gm_json_end_array(j);
	gm_json_end_object(j);
	gm_json_end_object(j);
}

void gm_cdi_write(FILE *f, const struct gm_cdi_card *cards, size_t n,
		  const char *hook, bool optional)
{
	struct gm_json j;
	size_t i;

	gm_json_init(&j, f, true);
	gm_json_begin_object(&j);
	gm_json_key(&j, "cdiVersion");
	gm_json_string(&j, GM_CDI_VERSION);
	gm_json_key(&j, "kind");
	gm_json_string(&j, GM_CDI_KIND);
	gm_json_key(&j, "devices");
	gm_json_begin_array(&j);
	for (i = 0; i < n; i++)
		device(&j, cards[i].name, &cards[i], 1);
	device(&j, "all", cards, n);
	gm_json_end_array(&j);
	/* Once per container, whichever devices it asks for. */
	gm_json_key(&j, "containerEdits");
	gm_json_begin_object(&j);
	gm_json_key(&j, "hooks");
	gm_json_begin_array(&j);
	gm_json_begin_object(&j);
	gm_json_key(&j, "hookName");
	gm_json_string(&j, "createRuntime");
	gm_json_key(&j, "path");
	gm_json_string(&j, hook);
	gm_json_key(&j, "args");
	gm_json_begin_array(&j);
	gm_json_string(&j, "gpumemctl");
	gm_json_string(&j, "oci-hook");
	if (optional)
		gm_json_string(&j, "--optional");
	gm_json_end_array(&j);
	gm_json_end_object(&j);
	gm_json_end_array(&j);
	gm_json_end_object(&j);
	gm_json_end_object(&j);
	fputc('\n', f);
}
