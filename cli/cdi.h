/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpumemctl cdi: a CDI (Container Device Interface) spec for the DRM
 * devices of the machine, so that a container that asks for a GPU by its
 * CDI name (podman run --device gpumem.io/gpu=card0) gets its device
 * nodes and gpumemctl's OCI hook at createRuntime, with no engine
 * configuration.
 *
 * The cards are the cardN entries of SYSFS/class/drm (connectors such as
 * card0-DP-1 are not cards); a card's render node is the renderDN entry
 * beside it in its parent device's drm/ directory.  A node's path under
 * /dev is the DEVNAME of its uevent file ("dri/card0"), else dri/NAME.
 *
 * The spec: cdiVersion GM_CDI_VERSION, kind GM_CDI_KIND, one device per
 * card named after it with its card and render nodes, a device "all" with
 * every node, and, in the spec's own containerEdits (applied once to a
 * container that asks for any of them), the hook.
 */
#ifndef GPUMEMCTL_CDI_H
#define GPUMEMCTL_CDI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

/*
 * The newest CDI version that the CDI library of Debian 12's podman
 * (4.3.1, container-device-interface 0.5) accepts; the spec uses nothing
 * newer (deviceNodes with a path only, hooks).
 */
#define GM_CDI_VERSION		"0.5.0"
#define GM_CDI_KIND		"gpumem.io/gpu"
/* The default output: generated at boot, so the CDI spec's dynamic dir. */
#define GM_CDI_DIR		"/var/run/cdi"
#define GM_CDI_FILE		GM_CDI_DIR "/gpumem.json"

struct gm_cdi_card {
	unsigned int minor;		/* N of cardN, for the order */
	char name[32];			/* "card0" */
	char card[PATH_MAX];		/* "/dev/dri/card0" */
	char render[PATH_MAX];		/* "/dev/dri/renderD128", "" if none */
};

/*
 * The cards under @sysfs ("/sys"), sorted by number, into a new array
 * *@cards of *@n (0 cards, or no SYSFS/class/drm at all, is no error:
 * *@cards is NULL).  Returns 0 or a negative errno with a message in @err
 * (SYSFS/class/drm or a card's entry unreadable).
 */
int gm_cdi_scan(const char *sysfs, struct gm_cdi_card **cards, size_t *n,
		struct gm_err *err);

/*
 * The spec for @n > 0 @cards onto @f, pretty-printed JSON, the hook being
 * "@hook oci-hook" (with --optional if @optional).
 */
void gm_cdi_write(FILE *f, const struct gm_cdi_card *cards, size_t n,
		  const char *hook, bool optional);

#endif
