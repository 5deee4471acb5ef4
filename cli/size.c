// SPDX-License-Identifier: GPL-2.0
/* SIZE arguments: parsing and printing (see size.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

static const char gm_units[] = "KMGTPE";

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char to_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

/* Shift for the unit letter @c (0 if none), -1 if @c is not a unit. */
static int unit_shift(char c)
{
	const char *u;

	if (!c)
		return -1;
	u = strchr(gm_units, to_upper(c));
	return u ? 10 * (int)(u - gm_units + 1) : -1;
}

/* Parse what follows the digits: "", "B", "<unit>", "<unit>B", "<unit>iB". */
static int parse_suffix(const char *p, unsigned int *shift)
{
	int s = unit_shift(*p);

	*shift = 0;
	if (s > 0) {
		*shift = s;
		p++;
		if (to_upper(*p) == 'I' && to_upper(p[1]) == 'B')
			p++;
	}
	if (to_upper(*p) == 'B')
		p++;
	return *p ? -EINVAL : 0;
}

int gm_size_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;
	unsigned int shift;
	const char *p;

	if (!s)
		return -EINVAL;
	/* "infinity" as systemd's MemoryMax= takes it */
	if (!strcmp(s, "max") || !strcmp(s, "infinity")) {
		*out = GM_SIZE_MAX;
		return 0;
	}
	if (!is_digit(*s))
		return -EINVAL;
	for (p = s; is_digit(*p); p++) {
		unsigned int d = *p - '0';

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		v = v * 10 + d;
	}
	if (parse_suffix(p, &shift))
		return -EINVAL;
	if (overflow || v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

char *gm_size_format(uint64_t v, char buf[GM_SIZE_STRLEN])
{
	int i = 0;

	if (v == GM_SIZE_MAX) {
		snprintf(buf, GM_SIZE_STRLEN, "max");
		return buf;
	}
	while (v && gm_units[i] && !(v & 1023)) {
		v >>= 10;
		i++;
	}
	if (i)
		snprintf(buf, GM_SIZE_STRLEN, "%llu%c",
			 (unsigned long long)v, gm_units[i - 1]);
	else
		snprintf(buf, GM_SIZE_STRLEN, "%llu", (unsigned long long)v);
	return buf;
}

char *gm_size_human(uint64_t v, char buf[GM_SIZE_STRLEN])
{
	uint64_t whole, tenths;
	unsigned int i = 0;

	if (v == GM_SIZE_MAX) {
		snprintf(buf, GM_SIZE_STRLEN, "max");
		return buf;
	}
	if (v < 1024) {
		snprintf(buf, GM_SIZE_STRLEN, "%lluB", (unsigned long long)v);
		return buf;
	}
	/* Largest unit not above v; a rounding carry may push one further. */
	while (i + 1 < sizeof(gm_units) - 1 && v >> (10 * (i + 2)))
		i++;
	for (;;) {
		unsigned int shift = 10 * (i + 1);
		uint64_t rem = v & ((1ULL << shift) - 1);

		whole = v >> shift;
		/* rem < 2^60 here, so rem * 10 cannot overflow. */
		tenths = (rem * 10 + (1ULL << (shift - 1))) >> shift;
		if (tenths == 10) {
			whole++;
			tenths = 0;
		}
		if (whole < 1024 || i + 1 >= sizeof(gm_units) - 1)
			break;
		i++;
	}
	/* whole < 1024, except in the top unit where it is at most 16 */
	snprintf(buf, GM_SIZE_STRLEN, "%u.%u%c", (unsigned int)whole,
		 (unsigned int)tenths, gm_units[i]);
	return buf;
}
