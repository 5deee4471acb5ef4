// SPDX-License-Identifier: GPL-2.0
/*
 * Writing an output file atomically: a temporary file renamed over it (see
 * outfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int gm_outfile_open(struct gm_outfile *o, const char *path,
		    struct gm_err *err)
{
	const char *slash = strrchr(path, '/');
	int n = slash ? (int)(slash - path + 1) : 0;
	int ret;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!*path || (slash && !slash[1])) {
		gm_err_set(err, "output file '%s': not a file name", path);
		return -EINVAL;
	}
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%.*s.%s.XXXXXX", n, path,
				 path + n) < 0) {
		o->tmp = NULL;
		gm_outfile_abort(o);
		gm_err_set(err, "out of memory");
		return -ENOMEM;
	}
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		ret = -errno;
		gm_err_set(err, "output file %s: cannot create a temporary file beside it: %s",
			   path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		gm_outfile_abort(o);
		return ret;
	}
	if (fchmod(o->fd, GM_OUTFILE_MODE)) {
		ret = -errno;
		gm_err_set(err, "output file %s: chmod %s: %s", path, o->tmp,
			   strerror(errno));
		gm_outfile_abort(o);
		return ret;
	}
	return 0;
}

int gm_outfile_commit(struct gm_outfile *o, struct gm_err *err)
{
	int ret = 0;

	if (fsync(o->fd) || close(o->fd)) {
		ret = -errno;
		gm_err_set(err, "output file %s: writing %s: %s", o->path,
			   o->tmp, strerror(errno));
	}
	o->fd = -1;
	if (!ret && rename(o->tmp, o->path)) {
		ret = -errno;
		gm_err_set(err, "output file %s: renaming %s to it: %s",
			   o->path, o->tmp, strerror(errno));
	}
	if (!ret) {
		free(o->tmp);
		o->tmp = NULL;
	}
	gm_outfile_abort(o);
	return ret;
}

void gm_outfile_abort(struct gm_outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}
