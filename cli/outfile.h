/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing an output file atomically, as the node_exporter textfile
 * collector needs it (show --output-file): the output goes to a temporary
 * file in the same directory (".NAME.XXXXXX", which the collector's *.prom
 * glob does not match), which replaces NAME with rename(2) once complete,
 * so a reader sees the old file or the new one, never part of one.  The
 * file's mode is 0644 whatever the umask: the collector runs as another
 * user (prometheus on Debian).
 */
#ifndef GPUMEMCTL_OUTFILE_H
#define GPUMEMCTL_OUTFILE_H

#include "err.h"

#define GM_OUTFILE_MODE 0644

struct gm_outfile {
	char *path;		/* the file to replace */
	char *tmp;		/* the temporary file, NULL once gone */
	int fd;			/* open on tmp, -1 once closed */
};

/* Create the temporary file for @path.  0 or a negative errno. */
int gm_outfile_open(struct gm_outfile *o, const char *path,
		    struct gm_err *err);

/*
 * Flush it to disk and put it in place of the path (the caller has
 * written and flushed its output to o->fd).  On failure the temporary
 * file is removed and the old file, if any, is left as it was.
 */
int gm_outfile_commit(struct gm_outfile *o, struct gm_err *err);

/* Remove the temporary file; the old file stays.  Frees @o. */
void gm_outfile_abort(struct gm_outfile *o);

#endif
