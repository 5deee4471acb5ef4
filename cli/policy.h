/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy keys of a cgroup (purge, swap-budget, writeback, vram-max):
 * one row each, read by set, apply, oci-hook, the request builder and the
 * printers.
 *
 * A row says everything about a key that is not code:
 *
 *   X(ENUM, name, unit key, JSON member, values in set's usage, words)
 *
 * and the rest follows from it: the enum gm_policy_key value
 * GM_POLICY_ENUM, the netlink attribute GPUMEM_A_CGROUP_ENUM (u32 for a
 * keyword, uint for a SIZE), the OCI annotation "gpumem.io/" name and the
 * environment variable "GPUMEM_" ENUM (ocikeys.h).  @words names the
 * keyword values by enum value (NULL-terminated), or is NULL for a SIZE
 * ("max" for no limit).  Adding a key is adding a row (and its attribute
 * to the netlink spec); test-policy checks the rows against each other.
 *
 * This header is macros and declarations only: gpumem-runtime, which
 * links nothing of gpumemctl's, reads the rows through ocikeys.h.
 */
#ifndef GPUMEMCTL_POLICY_H
#define GPUMEMCTL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GM_POLICY_KEYS(X)						\
	X(PURGE, "purge", "Purge", "purge", "first|last|never",	\
	  gm_purge_words)						\
	X(SWAP_BUDGET, "swap-budget", "SwapBudget", "swap_budget",	\
	  "SIZE|max", NULL)						\
	X(WRITEBACK, "writeback", "Writeback", "writeback",		\
	  "immediate|deferred", gm_writeback_words)			\
	X(VRAM_MAX, "vram-max", "VRAMMax", "vram_max", "SIZE|max", NULL)

#define GM_POLICY_ENUM(e, name, unit, json, usage, words) GM_POLICY_##e,
enum gm_policy_key {
	GM_POLICY_KEYS(GM_POLICY_ENUM)
	GM_POLICY_NKEYS
};
#undef GM_POLICY_ENUM

/* " [purge first|last|never] [swap-budget SIZE|max] ...": set's usage. */
#define GM_POLICY_USAGE(e, name, unit, json, usage, words)		\
	" [" name " " usage "]"
#define GM_POLICY_SET_USAGE GM_POLICY_KEYS(GM_POLICY_USAGE)

/* The values of the keyword keys, as the kernel numbers them. */
enum gm_purge {
	GM_PURGE_FIRST,
	GM_PURGE_LAST,
	GM_PURGE_NEVER,
};

enum gm_writeback {
	GM_WRITEBACK_IMMEDIATE,
	GM_WRITEBACK_DEFERRED,
};

extern const char *const gm_purge_words[];
extern const char *const gm_writeback_words[];

struct gm_policy_key_info {
	const char *name;	/* set's KEY, "applied" and event lines */
	const char *unit_key;	/* [X-GPUMemory] KEY= */
	const char *json;	/* the JSON member */
	const char *annotation;	/* gpumem.io/NAME */
	const char *env;	/* GPUMEM_ENUM, in config.json's process.env */
	const char *usage;	/* its values, as set's usage writes them */
	const char *const *words;	/* keyword values; NULL: a SIZE */
	unsigned int attr;	/* GPUMEM_A_CGROUP_ENUM */
};

/* Indexed by enum gm_policy_key. */
extern const struct gm_policy_key_info gm_policy_keys[GM_POLICY_NKEYS];

/* The keys given (set, a file, a container) and their values. */
struct gm_policy_args {
	unsigned int given;		/* 1 << key of each key given */
	/* A keyword's enum value, or bytes (GM_SIZE_MAX for "max"). */
	uint64_t val[GM_POLICY_NKEYS];
};

static inline bool gm_policy_has(const struct gm_policy_args *p,
				 enum gm_policy_key key)
{
	return p->given & (1u << key);
}

static inline bool gm_policy_args_empty(const struct gm_policy_args *p)
{
	return !p->given;
}

/* The key whose name (as set takes it) is @word, or -1. */
int gm_policy_key_lookup(const char *word);
/* The key whose [X-GPUMemory] key is @word, or -1. */
int gm_policy_unit_key_lookup(const char *word);
/* The key whose annotation is @word, or -1. */
int gm_policy_annotation_lookup(const char *word);

/*
 * The names of all keys as a list for a message, each name the member at
 * @field of its row (GM_POLICY_FIELD(name), ...), @last between the last
 * two: "purge, swap-budget, writeback or vram-max" (@last " or "), or
 * "Purge, SwapBudget, Writeback, VRAMMax" (@last ", ").
 */
#define GM_POLICY_FIELD(member) offsetof(struct gm_policy_key_info, member)
void gm_policy_key_list(char *buf, size_t len, size_t field,
			const char *last);

/* The name of value @v of keyword key @key, "?" if it has none. */
const char *gm_policy_value_name(enum gm_policy_key key, uint64_t v);

/*
 * The one parser of policy values, for set, apply and oci-hook: parse
 * @value of @key into @p and mark it given.  Returns 0, or -EINVAL with
 * why in @why ("invalid value 'x' (expected first, last or never)",
 * "invalid SIZE 'x' (...)", "SIZE 'x' is too large (...)").
 */
int gm_policy_value_parse(struct gm_policy_args *p, enum gm_policy_key key,
			  const char *value, char *why, size_t len);
/* A SIZE, with gm_policy_value_parse()'s messages. */
int gm_size_value_parse(const char *value, uint64_t *out, char *why,
			size_t len);

#endif
