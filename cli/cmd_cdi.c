// SPDX-License-Identifier: GPL-2.0
/* gpumemctl cdi: a CDI spec for the DRM cards, with the OCI hook. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdi.h"
#include "outfile.h"
#include "run.h"

/* What it does, for help (more than the summary). */
static const char help[] =
"cdi writes a CDI spec for the machine's DRM cards (from /sys/class/drm):\n"
"kind gpumem.io/gpu, cdiVersion 0.5.0, a device per card (card0: its card\n"
"and render nodes) and \"all\", and the createRuntime hook \"gpumemctl\n"
"oci-hook\" (with --optional: \"oci-hook --optional\") for every container\n"
"that asks for one of them (podman run --device gpumem.io/gpu=card0).  It\n"
"writes /var/run/cdi/gpumem.json, or --output-file FILE (\"-\": standard\n"
"output), atomically; an error leaves the old spec.  With no card it writes\n"
"nothing and removes the old spec.\n";

/* The spec onto @f; 0, or -errno with a message naming @what. */
static int write_spec(FILE *f, const char *what,
		      const struct gm_cdi_card *cards, size_t n,
		      const char *hook, bool optional, struct gm_err *err)
{
	gm_cdi_write(f, cards, n, hook, optional);
	if (fflush(f) || ferror(f)) {
		gm_err_set(err, "cdi: writing %s: %s", what, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * The spec to @path, atomically (outfile.h): a reader (an engine starting
 * a container) sees the old spec or the new one.  The default directory
 * is made if missing; another one must exist.
 */
static int write_spec_file(const char *path, const struct gm_cdi_card *cards,
			   size_t n, const char *hook, bool optional,
			   struct gm_err *err)
{
	struct gm_outfile o;
	FILE *f;
	int fd, ret;

	if (!strcmp(path, GM_CDI_FILE) && mkdir(GM_CDI_DIR, 0755) &&
	    errno != EEXIST) {
		gm_err_set(err, "cdi: %s: %s", GM_CDI_DIR, strerror(errno));
		return -errno;
	}
	if (gm_outfile_open(&o, path, err))
		return -EIO;
	fd = dup(o.fd);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		gm_err_set(err, "cdi: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		gm_outfile_abort(&o);
		return -EIO;
	}
	ret = write_spec(f, path, cards, n, hook, optional, err);
	if (fclose(f) && !ret) {
		gm_err_set(err, "cdi: writing %s: %s", path, strerror(errno));
		ret = -EIO;
	}
	if (ret) {
		gm_outfile_abort(&o);
		return ret;
	}
	return gm_outfile_commit(&o, err) ? -EIO : 0;
}

/*
 * cdi: the CDI spec of the machine's DRM cards (cdi.h) to --output-file
 * FILE, "-" for standard output, by default GM_CDI_FILE.  The hook is
 * this gpumemctl.  With no card there is no spec: an old one at FILE
 * would name devices that are gone, so it is removed.  GPUMEM_SYSFS_ROOT
 * moves /sys (the tests' fake one).
 */
static int run_cdi(const struct gm_cmdline *cl)
{
	const char *sysfs = getenv("GPUMEM_SYSFS_ROOT");
	const char *path = cl->output_file ? cl->output_file : GM_CDI_FILE;
	struct gm_cdi_card *cards;
	struct gm_err err;
	char *hook;
	size_t n;
	int ret;

	if (!sysfs || !*sysfs)
		sysfs = "/sys";
	if (gm_cdi_scan(sysfs, &cards, &n, &err))
		return gm_fail(&err, GM_EXIT_FAILURE);
	if (!n) {
		if (strcmp(path, "-") && !unlink(path))
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm: removed %s\n",
				sysfs, path);
		else if (strcmp(path, "-") && errno != ENOENT)
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm, and %s cannot be removed: %s\n",
				sysfs, path, strerror(errno));
		else
			fprintf(stderr, "gpumemctl: cdi: no DRM card in %s/class/drm: no spec written\n",
				sysfs);
		return GM_EXIT_OK;
	}
	hook = realpath("/proc/self/exe", NULL);
	if (!hook) {
		gm_err_set(&err, "cdi: cannot find this program's path: /proc/self/exe: %s",
			   strerror(errno));
		free(cards);
		return gm_fail(&err, GM_EXIT_FAILURE);
	}
	if (!strcmp(path, "-"))
		ret = write_spec(stdout, "standard output", cards, n, hook,
				 cl->optional, &err);
	else
		ret = write_spec_file(path, cards, n, hook, cl->optional, &err);
	free(hook);
	free(cards);
	return ret ? gm_fail(&err, GM_EXIT_FAILURE) : GM_EXIT_OK;
}

const struct gm_command_info gm_cmd_cdi = {
	.cmd = GM_CMD_CDI,
	.name = "cdi",
	.args = "[--output-file FILE|-] [--optional]",
	.summary = "write a CDI spec for the DRM devices, with the OCI hook",
	.help = help,
	.options = GM_OPT_OUTPUT_FILE | GM_OPT_OPTIONAL,
	.parse = gm_parse_no_operands,
	.run = run_cdi,
};
