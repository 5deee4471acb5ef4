/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIZE arguments: parsing and printing.
 *
 * Syntax: decimal digits, optionally followed by one binary unit letter
 * K, M, G, T, P or E (case-insensitive, powers of 1024), optionally
 * followed by "B" or, after a unit letter, "iB" (also case-insensitive):
 * "4096", "512K", "2g", "2GiB", "2GB" (still 2 * 1024^3), "100B".
 * The word "max" (or "infinity", as systemd's MemoryMax= writes it) means
 * "no limit" and is represented by GM_SIZE_MAX, as is the number
 * 18446744073709551615 (2^64 - 1).  No sign, no blanks, no
 * fractions.
 */
#ifndef GPUMEMCTL_SIZE_H
#define GPUMEMCTL_SIZE_H

#include <stdint.h>

#define GM_SIZE_MAX	UINT64_MAX
#define GM_SIZE_STRLEN	32	/* enough for any formatted size + NUL */

/*
 * Parse @s into *@out.  Returns 0, -EINVAL if @s is not a SIZE, or
 * -ERANGE if it does not fit in 64 bits.  *@out is untouched on error.
 */
int gm_size_parse(const char *s, uint64_t *out);

/*
 * Exact, machine-parsable form: the largest unit that divides @v exactly
 * ("1048576" -> "1M", "1536" -> "1536"), "max" for GM_SIZE_MAX.
 * gm_size_parse(gm_size_format(v)) == v for every v.  Returns @buf.
 */
char *gm_size_format(uint64_t v, char buf[GM_SIZE_STRLEN]);

/*
 * Human form for tables, one decimal, rounded to nearest:
 * "0B", "1023B", "1.5K", "2.0G", "max".  Not meant to be parsed back.
 */
char *gm_size_human(uint64_t v, char buf[GM_SIZE_STRLEN]);

#endif
