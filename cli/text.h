/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small text helpers shared by gpumemctl and gpumem-runtime (which links
 * nothing of gpumemctl's, so they are inline here).
 */
#ifndef GPUMEMCTL_TEXT_H
#define GPUMEMCTL_TEXT_H

#include <string.h>

/* @s without leading blanks and trailing blanks and line ends, in place. */
static inline char *gm_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

#endif
