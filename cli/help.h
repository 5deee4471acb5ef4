/* --help and --version texts. */
#ifndef GPUMEMCTL_HELP_H
#define GPUMEMCTL_HELP_H

#include <stdio.h>

#ifndef GPUMEM_VERSION
#define GPUMEM_VERSION "unknown"
#endif

void gm_help(FILE *f);
void gm_version(FILE *f);

#endif
