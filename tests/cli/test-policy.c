// SPDX-License-Identifier: GPL-2.0
/* The policy key table (cli/policy.h): its rows agree with each other. */
#include <ctype.h>
#include <errno.h>

#include <linux/gpumem.h>

#include "check.h"
#include "policy.h"
#include "size.h"

/* A keyword key's usage is its words joined by '|'; a SIZE's "SIZE|max". */
static void test_usage_is_the_values(void)
{
	char buf[128];
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		const struct gm_policy_key_info *key = &gm_policy_keys[k];
		size_t i, out = 0;

		if (!key->words) {
			CHECK_STR(key->usage, "SIZE|max");
			continue;
		}
		buf[0] = '\0';
		for (i = 0; key->words[i]; i++)
			out += snprintf(buf + out, sizeof(buf) - out, "%s%s",
					i ? "|" : "", key->words[i]);
		CHECK_STR(key->usage, buf);
	}
}

/* JSON member, annotation and variable are spelled from the name. */
static void test_names_follow_the_name(void)
{
	char json[64], ann[64], env[64];
	int k;

	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		const struct gm_policy_key_info *key = &gm_policy_keys[k];
		size_t i;

		snprintf(ann, sizeof(ann), "gpumem.io/%s", key->name);
		for (i = 0; key->name[i] && i < sizeof(json) - 1; i++) {
			json[i] = key->name[i] == '-' ? '_' : key->name[i];
			env[i] = toupper((unsigned char)json[i]);
		}
		json[i] = '\0';
		env[i] = '\0';
		CHECK_STR(key->json, json);
		CHECK_STR(key->annotation, ann);
		CHECK_STR(key->env + strlen("GPUMEM_"), env);
		CHECK_INT(gm_policy_key_lookup(key->name), k);
		CHECK_INT(gm_policy_unit_key_lookup(key->unit_key), k);
		CHECK_INT(gm_policy_annotation_lookup(key->annotation), k);
	}
	CHECK_INT(gm_policy_key_lookup("Purge"), -1);
	CHECK_INT(gm_policy_unit_key_lookup("purge"), -1);
	CHECK_INT(gm_policy_annotation_lookup("purge"), -1);
}

static void test_attributes(void)
{
	CHECK_INT(gm_policy_keys[GM_POLICY_PURGE].attr, GPUMEM_A_CGROUP_PURGE);
	CHECK_INT(gm_policy_keys[GM_POLICY_SWAP_BUDGET].attr,
		  GPUMEM_A_CGROUP_SWAP_BUDGET);
	CHECK_INT(gm_policy_keys[GM_POLICY_WRITEBACK].attr,
		  GPUMEM_A_CGROUP_WRITEBACK);
	CHECK_INT(gm_policy_keys[GM_POLICY_VRAM_MAX].attr,
		  GPUMEM_A_CGROUP_VRAM_MAX);
}

static void test_lists(void)
{
	char buf[256];

	gm_policy_key_list(buf, sizeof(buf), GM_POLICY_FIELD(name), " or ");
	CHECK_STR(buf, "purge, swap-budget, writeback or vram-max");
	gm_policy_key_list(buf, sizeof(buf), GM_POLICY_FIELD(unit_key), ", ");
	CHECK_STR(buf, "Purge, SwapBudget, Writeback, VRAMMax");
	CHECK_STR(GM_POLICY_SET_USAGE,
		  " [purge first|last|never] [swap-budget SIZE|max]"
		  " [writeback immediate|deferred] [vram-max SIZE|max]");
}

static void test_parse(void)
{
	struct gm_policy_args p = { 0 };
	char why[256];

	CHECK(gm_policy_args_empty(&p));
	CHECK_INT(gm_policy_value_parse(&p, GM_POLICY_WRITEBACK, "deferred",
					why, sizeof(why)), 0);
	CHECK(HAS(p, WRITEBACK) && !HAS(p, PURGE));
	CHECK_U64(VAL(p, WRITEBACK), GM_WRITEBACK_DEFERRED);
	CHECK_INT(gm_policy_value_parse(&p, GM_POLICY_VRAM_MAX, "max", why,
					sizeof(why)), 0);
	CHECK_U64(VAL(p, VRAM_MAX), GM_SIZE_MAX);
	CHECK_INT(gm_policy_value_parse(&p, GM_POLICY_PURGE, "sometimes", why,
					sizeof(why)), -EINVAL);
	CHECK_STR(why, "invalid value 'sometimes' (expected first, last or never)");
	CHECK(!HAS(p, PURGE));
	CHECK_STR(gm_policy_value_name(GM_POLICY_PURGE, GM_PURGE_LAST), "last");
	CHECK_STR(gm_policy_value_name(GM_POLICY_PURGE, 3), "?");
	CHECK_STR(gm_policy_value_name(GM_POLICY_SWAP_BUDGET, 0), "?");
}

CHECK_MAIN(
	CASE(test_usage_is_the_values),
	CASE(test_names_follow_the_name),
	CASE(test_attributes),
	CASE(test_lists),
	CASE(test_parse),
)
