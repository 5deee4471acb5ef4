/* SPDX-License-Identifier: GPL-2.0 */
/* Help, usage and version texts. */
#ifndef GPUMEMCTL_HELP_H
#define GPUMEMCTL_HELP_H

#include <stdio.h>

#include "cmdline.h"

#ifndef GPUMEM_VERSION
#define GPUMEM_VERSION "unknown"
#endif

/* The full help (@cmd GM_CMD_NONE), or the help of command @cmd. */
void gm_help(FILE *f, enum gm_command cmd);
/* The short usage: synopsis and command list (no arguments given). */
void gm_usage(FILE *f);
void gm_version(FILE *f);
/* What help says about @cmd beyond its summary; NULL if nothing. */
const char *gm_command_help_text(enum gm_command cmd);

#endif
