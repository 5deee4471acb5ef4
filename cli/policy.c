// SPDX-License-Identifier: GPL-2.0
/* The policy key table (policy.h): its rows, lookups, value parser and names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/gpumem.h>

#include "ocikeys.h"
#include "policy.h"
#include "size.h"

const char *const gm_purge_words[] = {
	[GM_PURGE_FIRST] = "first",
	[GM_PURGE_LAST] = "last",
	[GM_PURGE_NEVER] = "never",
	NULL
};

const char *const gm_writeback_words[] = {
	[GM_WRITEBACK_IMMEDIATE] = "immediate",
	[GM_WRITEBACK_DEFERRED] = "deferred",
	NULL
};

_Static_assert((int)GM_PURGE_FIRST == (int)GPUMEM_PURGE_FIRST &&
	       (int)GM_PURGE_LAST == (int)GPUMEM_PURGE_LAST &&
	       (int)GM_PURGE_NEVER == (int)GPUMEM_PURGE_NEVER, "purge values");
_Static_assert((int)GM_WRITEBACK_IMMEDIATE == (int)GPUMEM_WRITEBACK_IMMEDIATE &&
	       (int)GM_WRITEBACK_DEFERRED == (int)GPUMEM_WRITEBACK_DEFERRED,
	       "writeback values");

#define GM_POLICY_ROW(e, n, unit, j, u, w)				\
	[GM_POLICY_##e] = {						\
		.name = n,						\
		.unit_key = unit,					\
		.json = j,						\
		.annotation = GM_OCI_PREFIX n,				\
		.env = GM_OCI_ENV_PREFIX #e,				\
		.usage = u,						\
		.words = w,						\
		.attr = GPUMEM_A_CGROUP_##e,				\
	},
const struct gm_policy_key_info gm_policy_keys[GM_POLICY_NKEYS] = {
	GM_POLICY_KEYS(GM_POLICY_ROW)
};
#undef GM_POLICY_ROW

static const char *field_of(const struct gm_policy_key_info *k, size_t field)
{
	return *(const char *const *)((const char *)k + field);
}

static int key_lookup(const char *word, size_t field)
{
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++)
		if (!strcmp(word, field_of(&gm_policy_keys[k], field)))
			return k;
	return -1;
}

int gm_policy_key_lookup(const char *word)
{
	return key_lookup(word, GM_POLICY_FIELD(name));
}

int gm_policy_unit_key_lookup(const char *word)
{
	return key_lookup(word, GM_POLICY_FIELD(unit_key));
}

int gm_policy_annotation_lookup(const char *word)
{
	return key_lookup(word, GM_POLICY_FIELD(annotation));
}

/* "a, b, c@last d" of @n strings @s[]. */
static void join(char *buf, size_t len, const char *const *s, size_t n,
		 const char *last)
{
	size_t i, out = 0;

	buf[0] = '\0';
	for (i = 0; i < n && out < len; i++)
		out += snprintf(buf + out, len - out, "%s%s",
				!i ? "" : i == n - 1 ? last : ", ", s[i]);
}

void gm_policy_key_list(char *buf, size_t len, size_t field,
			const char *last)
{
	const char *names[GM_POLICY_NKEYS];
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++)
		names[k] = field_of(&gm_policy_keys[k], field);
	join(buf, len, names, GM_POLICY_NKEYS, last);
}

static size_t count_words(const char *const *words)
{
	size_t n = 0;

	while (words[n])
		n++;
	return n;
}

const char *gm_policy_value_name(enum gm_policy_key key, uint64_t v)
{
	const char *const *words = gm_policy_keys[key].words;

	return words && v < count_words(words) ? words[v] : "?";
}

int gm_size_value_parse(const char *value, uint64_t *out, char *why,
			size_t len)
{
	int ret = gm_size_parse(value, out);

	if (ret == -ERANGE)
		snprintf(why, len, "SIZE '%s' is too large (over 2^64 - 1)",
			 value);
	else if (ret)
		snprintf(why, len,
			 "invalid SIZE '%s' (expected a whole number with an optional K, M, G, T, P or E suffix, or max)",
			 value);
	return ret ? -EINVAL : 0;
}

int gm_policy_value_parse(struct gm_policy_args *p, enum gm_policy_key key,
			  const char *value, char *why, size_t len)
{
	const char *const *words = gm_policy_keys[key].words;
	char expected[128];
	size_t i, n;

	if (!words) {
		if (gm_size_value_parse(value, &p->val[key], why, len))
			return -EINVAL;
		p->given |= 1u << key;
		return 0;
	}
	n = count_words(words);
	for (i = 0; i < n; i++) {
		if (!strcmp(words[i], value)) {
			p->val[key] = i;
			p->given |= 1u << key;
			return 0;
		}
	}
	join(expected, sizeof(expected), words, n, " or ");
	snprintf(why, len, "invalid value '%s' (expected %s)", value,
		 expected);
	return -EINVAL;
}
