// SPDX-License-Identifier: GPL-2.0
/*
 * Output formatting: table, tree, JSON (checked with jq, a real parser),
 * Prometheus text, reclaim results and monitor events.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "json.h"
#include "output.h"
#include "size.h"

#define M (1024ULL * 1024)

/* Run @fn's output into a string (free it). */
#define CAPTURE(buf, ...)						\
	do {								\
		size_t _len;						\
		FILE *_f = open_memstream(&(buf), &_len);		\
		if (!_f) {						\
			CHECK_FAIL("open_memstream: %s", strerror(errno)); \
			break;						\
		}							\
		__VA_ARGS__;						\
		fclose(_f);						\
	} while (0)
#define OUT _f

static void set_attr(struct gm_record *r, unsigned int type, uint64_t v)
{
	r->a.val[type] = v;
	r->a.has |= 1u << type;
}

/* A record with everything the kernel sends. */
static void full_record(struct gm_record *r, uint64_t id, const char *path,
			uint64_t resident)
{
	memset(r, 0, sizeof(*r));
	r->path = path ? strdup(path) : NULL;
	set_attr(r, GPUMEM_A_CGROUP_ID, id);
	set_attr(r, GPUMEM_A_CGROUP_RESIDENT, resident);
	set_attr(r, GPUMEM_A_CGROUP_PURGEABLE, resident / 2);
	set_attr(r, GPUMEM_A_CGROUP_BACKUP, 4096);
	set_attr(r, GPUMEM_A_CGROUP_VRAM, 8192);
	set_attr(r, GPUMEM_A_CGROUP_SWAP_BUDGET, GM_SIZE_MAX);
	set_attr(r, GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, GM_SIZE_MAX);
	set_attr(r, GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_FIRST);
	set_attr(r, GPUMEM_A_CGROUP_EFFECTIVE_PURGE, GPUMEM_PURGE_FIRST);
	set_attr(r, GPUMEM_A_CGROUP_WRITEBACK, GPUMEM_WRITEBACK_IMMEDIATE);
	set_attr(r, GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
		 GPUMEM_WRITEBACK_IMMEDIATE);
	set_attr(r, GPUMEM_A_CGROUP_PURGED_TOTAL, 1);
	set_attr(r, GPUMEM_A_CGROUP_BACKED_UP_TOTAL, 2);
	set_attr(r, GPUMEM_A_CGROUP_RESTORED_TOTAL, 3);
	set_attr(r, GPUMEM_A_CGROUP_BUDGET_DENIALS, 4);
	set_attr(r, GPUMEM_A_CGROUP_VRAM_MAX, GM_SIZE_MAX);
	set_attr(r, GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX, GM_SIZE_MAX);
	set_attr(r, GPUMEM_A_CGROUP_VRAM_EVICTIONS, 5);
	r->has_mem_current = true;
	r->mem_current = 100 * M;
	r->has_mem_max = true;
	r->mem_max = GM_SIZE_MAX;
}

#define NRECS 6
static struct gm_record recs[NRECS];

/* A small hierarchy, deliberately out of order, one id without a path. */
static void make_records(void)
{
	size_t i;

	for (i = 0; i < NRECS; i++)
		free(recs[i].path);
	full_record(&recs[0], 30, "/system.slice/foo.service", 0);
	full_record(&recs[1], 1, "/", 3 * M / 2);
	full_record(&recs[2], 77, NULL, 0);
	full_record(&recs[3], 20, "/system.slice", 512 * M);
	full_record(&recs[4], 40, "/system.slice-x", 0);
	full_record(&recs[5], 31, "/system.slice/foo.service/a \"q\"\\", 0);
	/* /system.slice: a budget, other policies, no memory files */
	set_attr(&recs[3], GPUMEM_A_CGROUP_SWAP_BUDGET, 2048 * M);
	set_attr(&recs[3], GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET, 2048 * M);
	set_attr(&recs[3], GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_NEVER);
	set_attr(&recs[3], GPUMEM_A_CGROUP_EFFECTIVE_PURGE, GPUMEM_PURGE_NEVER);
	set_attr(&recs[3], GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
		 GPUMEM_WRITEBACK_DEFERRED);
	recs[3].has_mem_current = recs[3].has_mem_max = false;
	/* a VRAM limit on /system.slice holds for foo.service too */
	set_attr(&recs[3], GPUMEM_A_CGROUP_VRAM_MAX, 64 * M);
	set_attr(&recs[3], GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX, 64 * M);
	set_attr(&recs[0], GPUMEM_A_CGROUP_EFFECTIVE_VRAM_MAX, 64 * M);
	/* id 77: only stats arrived (no policy reply) */
	recs[2].a.has &= ~(1u << GPUMEM_A_CGROUP_EFFECTIVE_PURGE |
			   1u << GPUMEM_A_CGROUP_PURGE);
	recs[0].mem_max = 1024 * M;
	gm_records_sort(recs, NRECS);
}

static void test_sort(void)
{
	make_records();
	CHECK_STR(recs[0].path, "/");
	CHECK_STR(recs[1].path, "/system.slice");
	CHECK_STR(recs[2].path, "/system.slice/foo.service");
	CHECK_STR(recs[3].path, "/system.slice/foo.service/a \"q\"\\");
	CHECK_STR(recs[4].path, "/system.slice-x");
	CHECK(!recs[5].path);
	CHECK_U64(gm_record_id(&recs[5]), 77);
}

static void test_merge(void)
{
	struct gm_record r = { 0 };
	struct gm_attrs a = { 0 };

	a.val[GPUMEM_A_CGROUP_ID] = 5;
	a.val[GPUMEM_A_CGROUP_RESIDENT] = 10;
	a.has = 1u << GPUMEM_A_CGROUP_ID | 1u << GPUMEM_A_CGROUP_RESIDENT;
	gm_record_merge(&r, &a);
	a.val[GPUMEM_A_CGROUP_RESIDENT] = 99;	/* not present: ignored */
	a.val[GPUMEM_A_CGROUP_PURGE] = GPUMEM_PURGE_LAST;
	a.has = 1u << GPUMEM_A_CGROUP_ID | 1u << GPUMEM_A_CGROUP_PURGE;
	gm_record_merge(&r, &a);
	CHECK_U64(r.a.val[GPUMEM_A_CGROUP_RESIDENT], 10);
	CHECK_U64(r.a.val[GPUMEM_A_CGROUP_PURGE], GPUMEM_PURGE_LAST);
	CHECK(gm_has(&r.a, GPUMEM_A_CGROUP_RESIDENT));
	CHECK(gm_has(&r.a, GPUMEM_A_CGROUP_PURGE));
	CHECK(!gm_has(&r.a, GPUMEM_A_CGROUP_BACKUP));
}

static void test_table(void)
{
	char *out = NULL;

	make_records();
	CAPTURE(out, gm_print_records(OUT, recs, NRECS, GM_FORMAT_TABLE,
				      false, false));
	CHECK_STR(out,
		  "CGROUP                            RESIDENT  PURGEABLE  BACKUP  VRAM  VRAM.MAX  BUDGET  PURGE  WRITEBACK  MEM.CUR  MEM.MAX\n"
		  "/                                     1.5M     768.0K    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "/system.slice                       512.0M     256.0M    4.0K  8.0K     64.0M    2.0G  never  deferred         -        -\n"
		  "/system.slice/foo.service               0B         0B    4.0K  8.0K     64.0M     max  first  immediate   100.0M     1.0G\n"
		  "/system.slice/foo.service/a \"q\"\\        0B         0B    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "/system.slice-x                         0B         0B    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "id:77                                   0B         0B    4.0K  8.0K       max     max  -      immediate   100.0M      max\n");
	free(out);
}

static void test_tree(void)
{
	char *out = NULL;

	make_records();
	CAPTURE(out, gm_print_records(OUT, recs, NRECS, GM_FORMAT_TABLE,
				      false, true));
	CHECK_STR(out,
		  "CGROUP            RESIDENT  PURGEABLE  BACKUP  VRAM  VRAM.MAX  BUDGET  PURGE  WRITEBACK  MEM.CUR  MEM.MAX\n"
		  "/                     1.5M     768.0K    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "  system.slice      512.0M     256.0M    4.0K  8.0K     64.0M    2.0G  never  deferred         -        -\n"
		  "    foo.service         0B         0B    4.0K  8.0K     64.0M     max  first  immediate   100.0M     1.0G\n"
		  "      a \"q\"\\            0B         0B    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "  system.slice-x        0B         0B    4.0K  8.0K       max     max  first  immediate   100.0M      max\n"
		  "id:77                   0B         0B    4.0K  8.0K       max     max  -      immediate   100.0M      max\n");
	free(out);
	/* A subtree without the root: its top is not indented. */
	CAPTURE(out, gm_print_records(OUT, recs + 1, 3, GM_FORMAT_TABLE,
				      false, true));
	CHECK_STR(out,
		  "CGROUP         RESIDENT  PURGEABLE  BACKUP  VRAM  VRAM.MAX  BUDGET  PURGE  WRITEBACK  MEM.CUR  MEM.MAX\n"
		  "/system.slice    512.0M     256.0M    4.0K  8.0K     64.0M    2.0G  never  deferred         -        -\n"
		  "  foo.service        0B         0B    4.0K  8.0K     64.0M     max  first  immediate   100.0M     1.0G\n"
		  "    a \"q\"\\           0B         0B    4.0K  8.0K       max     max  first  immediate   100.0M      max\n");
	free(out);
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return !system(cmd);
}

/* @text in a new file @path (a mkstemp() template); false on failure. */
static bool temp_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	size_t n = strlen(text);
	bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;

	if (!ok)
		CHECK_FAIL("writing %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Check JSON text with jq: it must parse, and the jq expression @expr
 * must be true.  Without jq, python3 checks that it parses.
 */
static void check_json(const char *text, const char *expr)
{
	char path[] = "/tmp/gpumemctl-json-XXXXXX", cmd[1024];

	if (!temp_file(path, text))
		return;
	if (have("jq")) {
		snprintf(cmd, sizeof(cmd), "jq -e '%s' %s >/dev/null", expr,
			 path);
		if (system(cmd))
			CHECK_FAIL("jq -e '%s' fails on: %s", expr, text);
	} else if (have("python3")) {
		snprintf(cmd, sizeof(cmd),
			 "python3 -m json.tool %s >/dev/null", path);
		if (system(cmd))
			CHECK_FAIL("not JSON: %s", text);
	} else {
		check_skip("neither jq nor python3");
	}
	unlink(path);
}

static void test_json(void)
{
	static const char *const keys =
		"[\"path\",\"id\",\"resident\",\"purgeable\",\"backup\",\"vram\","
		"\"swap_budget\",\"effective_swap_budget\",\"purge\","
		"\"effective_purge\",\"writeback\",\"effective_writeback\","
		"\"vram_max\",\"effective_vram_max\","
		"\"purged_total\",\"backed_up_total\",\"restored_total\","
		"\"budget_denials\",\"vram_evictions\",\"memory_current\","
		"\"memory_max\"]";
	char *out = NULL, expr[512];
	bool pretty;

	make_records();
	for (pretty = false; ; pretty = true) {
		CAPTURE(out, gm_print_records(OUT, recs, NRECS,
					      GM_FORMAT_JSON, pretty, false));
		CHECK(out[strlen(out) - 1] == '\n');
		CHECK_INT(!!strchr(out, '\n') && strchr(out, '\n')[1], pretty);
		snprintf(expr, sizeof(expr),
			 "(.cgroups | length) == 6 and "
			 "all(.cgroups[]; keys_unsorted == %s)", keys);
		check_json(out, expr);
		check_json(out, ".cgroups[0] == {\"path\":\"/\",\"id\":1,"
			   "\"resident\":1572864,\"purgeable\":786432,"
			   "\"backup\":4096,\"vram\":8192,\"swap_budget\":null,"
			   "\"effective_swap_budget\":null,\"purge\":\"first\","
			   "\"effective_purge\":\"first\","
			   "\"writeback\":\"immediate\","
			   "\"effective_writeback\":\"immediate\","
			   "\"vram_max\":null,\"effective_vram_max\":null,"
			   "\"purged_total\":1,\"backed_up_total\":2,"
			   "\"restored_total\":3,\"budget_denials\":4,"
			   "\"vram_evictions\":5,"
			   "\"memory_current\":104857600,\"memory_max\":null}");
		check_json(out, ".cgroups[1].vram_max == 67108864 and "
			   ".cgroups[2].vram_max == null and "
			   ".cgroups[2].effective_vram_max == 67108864");
		check_json(out, ".cgroups[1].swap_budget == 2147483648 and "
			   ".cgroups[1].purge == \"never\" and "
			   ".cgroups[1].memory_current == null and "
			   ".cgroups[2].memory_max == 1073741824");
		check_json(out, ".cgroups[3].path == \"/system.slice/foo.service/a \\\"q\\\"\\\\\"");
		check_json(out, ".cgroups[5].path == null and "
			   ".cgroups[5].id == 77 and .cgroups[5].purge == null");
		free(out);
		if (pretty)
			break;
	}
	CAPTURE(out, gm_print_records(OUT, recs, 0, GM_FORMAT_JSON, false,
				      false));
	CHECK_STR(out, "{\"cgroups\":[]}\n");
	free(out);
}

static void test_json_writer(void)
{
	struct gm_json j;
	char *out = NULL;

	CAPTURE(out,
		gm_json_init(&j, OUT, true);
		gm_json_begin_object(&j);
		gm_json_key(&j, "s");
		gm_json_string(&j, "tab\there \"q\" \\ \x01 \xc3\xa9\n");
		gm_json_key(&j, "a");
		gm_json_begin_array(&j);
		gm_json_u64(&j, UINT64_MAX);
		gm_json_null(&j);
		gm_json_begin_object(&j);
		gm_json_end_object(&j);
		gm_json_end_array(&j);
		gm_json_key(&j, "e");
		gm_json_begin_array(&j);
		gm_json_end_array(&j);
		gm_json_end_object(&j));
	CHECK_STR(out,
		  "{\n"
		  "  \"s\": \"tab\\there \\\"q\\\" \\\\ \\u0001 \xc3\xa9\\n\",\n"
		  "  \"a\": [\n"
		  "    18446744073709551615,\n"
		  "    null,\n"
		  "    {}\n"
		  "  ],\n"
		  "  \"e\": []\n"
		  "}");
	check_json(out, ".a[0] == 18446744073709551615 and .e == [] and "
		   ".s == \"tab\\there \\\"q\\\" \\\\ \\u0001 \xc3\xa9\\n\"");
	free(out);
}

/* Is @text valid UTF-8 by python3's strict decoder (skip without it)? */
static void check_strict_utf8(const char *text)
{
	char path[] = "/tmp/gpumemctl-utf8-XXXXXX", cmd[256];

	if (!temp_file(path, text))
		return;
	if (have("python3")) {
		snprintf(cmd, sizeof(cmd),
			 "python3 -c 'import sys; open(sys.argv[1], \"rb\").read().decode(\"utf-8\")' %s 2>/dev/null",
			 path);
		if (system(cmd))
			CHECK_FAIL("not valid UTF-8: %s", text);
	}
	unlink(path);
}

static void test_utf8_len(void)
{
	CHECK_INT(gm_utf8_len("a"), 1);
	CHECK_INT(gm_utf8_len("\xc3\xa9"), 2);		/* é */
	CHECK_INT(gm_utf8_len("\xe2\x82\xac"), 3);	/* € */
	CHECK_INT(gm_utf8_len("\xf0\x9f\x98\x80"), 4);	/* U+1F600 */
	CHECK_INT(gm_utf8_len("\xf4\x8f\xbf\xbf"), 4);	/* U+10FFFF */
	CHECK_INT(gm_utf8_len("\xff"), 0);
	CHECK_INT(gm_utf8_len("\x80"), 0);		/* continuation */
	CHECK_INT(gm_utf8_len("\xc3"), 0);		/* truncated at NUL */
	CHECK_INT(gm_utf8_len("\xe2\x82x"), 0);		/* truncated */
	CHECK_INT(gm_utf8_len("\xc0\xaf"), 0);		/* overlong '/' */
	CHECK_INT(gm_utf8_len("\xe0\x80\xaf"), 0);	/* overlong */
	CHECK_INT(gm_utf8_len("\xf0\x80\x80\xaf"), 0);	/* overlong */
	CHECK_INT(gm_utf8_len("\xed\xa0\x80"), 0);	/* surrogate D800 */
	CHECK_INT(gm_utf8_len("\xf4\x90\x80\x80"), 0);	/* U+110000 */
}

/*
 * A cgroup name is bytes: what is not UTF-8 becomes U+FFFD, in JSON as
 * \ufffd, in Prometheus label values as the character itself; valid
 * multi-byte characters pass through.
 */
static void test_invalid_utf8(void)
{
	static char path[] = "/x\xff\xc3\xa9\xc0\xaf\xed\xa0\x80\xe2\x82";
	struct gm_record r;
	char *out = NULL;

	CAPTURE(out, gm_json_escape(OUT, path));
	CHECK_STR(out, "/x\\ufffd\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
		  "\\ufffd\\ufffd");
	free(out);

	full_record(&r, 42, path, 4096);
	CAPTURE(out, gm_print_records(OUT, &r, 1, GM_FORMAT_JSON, false,
				      false));
	CHECK_HAS(out, "\"path\":\"/x\\ufffd\xc3\xa9\\ufffd");
	check_strict_utf8(out);
	check_json(out, ".cgroups[0].path == \"/x\\ufffd\xc3\xa9"
		   "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\" and "
		   ".cgroups[0].id == 42");
	free(out);

	CAPTURE(out, gm_print_records(OUT, &r, 1, GM_FORMAT_PROMETHEUS, false,
				      false));
	CHECK_HAS(out, "{cgroup=\"/x\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd");
	check_strict_utf8(out);
	free(out);
	free(r.path);
}

/* Number of lines of @text that start with @prefix. */
static int count_lines(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	int count = 0;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, n))
			count++;
	return count;
}

static void test_prometheus(void)
{
	static const char *const metrics[][2] = {
		{ "gpumem_resident_bytes", "gauge" },
		{ "gpumem_purgeable_bytes", "gauge" },
		{ "gpumem_backup_bytes", "gauge" },
		{ "gpumem_vram_bytes", "gauge" },
		{ "gpumem_swap_budget_bytes", "gauge" },
		{ "gpumem_effective_swap_budget_bytes", "gauge" },
		{ "gpumem_purged_bytes_total", "counter" },
		{ "gpumem_backed_up_bytes_total", "counter" },
		{ "gpumem_restored_bytes_total", "counter" },
		{ "gpumem_budget_denials_total", "counter" },
		{ "gpumem_vram_max_bytes", "gauge" },
		{ "gpumem_effective_vram_max_bytes", "gauge" },
		{ "gpumem_vram_evictions_total", "counter" },
		{ "gpumem_policy_info", "gauge" },
	};
	char *out = NULL, line[256];
	size_t i;

	make_records();
	CAPTURE(out, gm_print_records(OUT, recs, NRECS,
				      GM_FORMAT_PROMETHEUS, false, false));
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		snprintf(line, sizeof(line), "# HELP %s ", metrics[i][0]);
		CHECK_INT(count_lines(out, line), 1);
		snprintf(line, sizeof(line), "# TYPE %s %s\n", metrics[i][0],
			 metrics[i][1]);
		CHECK_INT(count_lines(out, line), 1);
	}
	CHECK_INT(count_lines(out, "# HELP "), 14);
	CHECK_INT(count_lines(out, "# TYPE "), 14);
	/* no label "id": cAdvisor's id label is a cgroup path */
	CHECK(!strstr(out, ",id=\""));
	/* the effective policy as an info metric; id 77 has none */
	CHECK_INT(count_lines(out, "gpumem_policy_info{"), NRECS - 1);
	CHECK_HAS(out, "\ngpumem_policy_info{cgroup=\"/system.slice\",cgroup_id=\"20\",purge=\"never\",writeback=\"deferred\"} 1\n");
	CHECK_HAS(out, "\ngpumem_policy_info{cgroup=\"/\",cgroup_id=\"1\",purge=\"first\",writeback=\"immediate\"} 1\n");
	CHECK(!strstr(out, "gpumem_policy_info{cgroup=\"\",cgroup_id=\"77\""));
	CHECK_INT(count_lines(out, "gpumem_resident_bytes{"), NRECS);
	CHECK_HAS(out, "\ngpumem_vram_bytes{cgroup=\"/\",cgroup_id=\"1\"} 8192\n");
	CHECK_HAS(out, "\ngpumem_resident_bytes{cgroup=\"/\",cgroup_id=\"1\"} 1572864\n");
	CHECK_HAS(out, "\ngpumem_budget_denials_total{cgroup=\"/system.slice\",cgroup_id=\"20\"} 4\n");
	/* only /system.slice has a budget: "max" has no series */
	CHECK_INT(count_lines(out, "gpumem_swap_budget_bytes{"), 1);
	CHECK_HAS(out, "\ngpumem_swap_budget_bytes{cgroup=\"/system.slice\",cgroup_id=\"20\"} 2147483648\n");
	CHECK_INT(count_lines(out, "gpumem_effective_swap_budget_bytes{"), 1);
	/* a VRAM limit: its own on one cgroup, in force on two */
	CHECK_INT(count_lines(out, "gpumem_vram_max_bytes{"), 1);
	CHECK_INT(count_lines(out, "gpumem_effective_vram_max_bytes{"), 2);
	CHECK_HAS(out, "\ngpumem_effective_vram_max_bytes{cgroup=\"/system.slice/foo.service\",cgroup_id=\"30\"} 67108864\n");
	CHECK_HAS(out, "\ngpumem_vram_evictions_total{cgroup=\"/\",cgroup_id=\"1\"} 5\n");
	/* escaping of label values; unknown path: empty */
	CHECK_HAS(out, "\ngpumem_backup_bytes{cgroup=\"/system.slice/foo.service/a \\\"q\\\"\\\\\",cgroup_id=\"31\"} 4096\n");
	CHECK_HAS(out, "\ngpumem_backup_bytes{cgroup=\"\",cgroup_id=\"77\"} 4096\n");
	free(out);
	CAPTURE(out, gm_prom_escape(OUT, "a\nb\\c\"d"));
	CHECK_STR(out, "a\\nb\\\\c\\\"d");
	free(out);
}

static void test_reclaim(void)
{
	struct gm_attrs a = { 0 };
	char *out = NULL;

	a.val[GPUMEM_A_RECLAIM_ID] = 5;
	a.val[GPUMEM_A_RECLAIM_FREED] = 3 * M;
	a.val[GPUMEM_A_RECLAIM_PURGED] = M;
	a.val[GPUMEM_A_RECLAIM_BACKED_UP] = 2 * M;
	a.has = 0xf << 1 & ~(1u << GPUMEM_A_RECLAIM_BYTES);
	a.has |= 1u << GPUMEM_A_RECLAIM_BACKED_UP;
	CAPTURE(out, gm_print_reclaim(OUT, &a, GM_FORMAT_TABLE, false));
	CHECK_STR(out, "freed      3.0M (3145728 bytes)\n"
		       "purged     1.0M (1048576 bytes)\n"
		       "backed up  2.0M (2097152 bytes)\n");
	free(out);
	CAPTURE(out, gm_print_reclaim(OUT, &a, GM_FORMAT_JSON, false));
	CHECK_STR(out, "{\"freed\":3145728,\"purged\":1048576,\"backed_up\":2097152}\n");
	check_json(out, "keys_unsorted == [\"freed\",\"purged\",\"backed_up\"]");
	free(out);
	a.has &= ~(1u << GPUMEM_A_RECLAIM_PURGED);
	CAPTURE(out, gm_print_reclaim(OUT, &a, GM_FORMAT_JSON, true));
	check_json(out, ".purged == null and .freed == 3145728");
	free(out);
}

static struct gm_event event(uint8_t cmd)
{
	struct gm_event ev = { .cmd = cmd };

	ev.time.tv_sec = 1700000000;
	ev.time.tv_nsec = 123456789;
	ev.a.val[GPUMEM_A_EVENT_ID] = 30;
	ev.a.has = 1u << GPUMEM_A_EVENT_ID;
	return ev;
}

static void test_events(void)
{
	struct gm_event ev;
	char *out = NULL;

	setenv("TZ", "UTC", 1);
	ev = event(GPUMEM_CMD_PURGE_NTF);
	ev.path = "/system.slice/foo.service";
	ev.a.val[GPUMEM_A_EVENT_BYTES] = 4 * M;
	ev.a.has |= 1u << GPUMEM_A_EVENT_BYTES;
	CAPTURE(out, gm_print_event(OUT, &ev, false));
	CHECK_STR(out, "2023-11-14T22:13:20.123+0000 purge /system.slice/foo.service bytes=4M\n");
	free(out);
	CAPTURE(out, gm_print_event(OUT, &ev, true));
	CHECK_STR(out, "{\"event\":\"purge\",\"time\":\"2023-11-14T22:13:20.123+0000\",\"id\":30,\"path\":\"/system.slice/foo.service\",\"bytes\":4194304}\n");
	check_json(out, ".event == \"purge\" and .bytes == 4194304");
	free(out);

	ev = event(GPUMEM_CMD_BUDGET_NTF);
	ev.a.val[GPUMEM_A_EVENT_BYTES] = 4096;
	ev.a.val[GPUMEM_A_EVENT_BUDGET_ID] = 20;
	ev.a.has |= 1u << GPUMEM_A_EVENT_BYTES | 1u << GPUMEM_A_EVENT_BUDGET_ID;
	ev.other_path = "/system.slice";
	CAPTURE(out, gm_print_event(OUT, &ev, false));
	CHECK_STR(out, "2023-11-14T22:13:20.123+0000 budget id:30 bytes=4K budget=/system.slice\n");
	free(out);
	CAPTURE(out, gm_print_event(OUT, &ev, true));
	check_json(out, ".event == \"budget\" and .path == null and .id == 30 "
		   "and .bytes == 4096 and .budget_id == 20 and "
		   ".budget_path == \"/system.slice\"");
	CHECK(!strchr(out, '\n')[1]);
	free(out);

	ev = event(GPUMEM_CMD_VRAM_NTF);
	ev.path = "/system.slice/foo.service";
	ev.a.val[GPUMEM_A_EVENT_BYTES] = 8 * M;
	ev.a.val[GPUMEM_A_EVENT_LIMIT_ID] = 20;
	ev.a.has |= 1u << GPUMEM_A_EVENT_BYTES | 1u << GPUMEM_A_EVENT_LIMIT_ID;
	ev.other_path = "/system.slice";
	CAPTURE(out, gm_print_event(OUT, &ev, false));
	CHECK_STR(out, "2023-11-14T22:13:20.123+0000 vram /system.slice/foo.service bytes=8M limit=/system.slice\n");
	free(out);
	CAPTURE(out, gm_print_event(OUT, &ev, true));
	check_json(out, ".event == \"vram\" and .id == 30 and "
		   ".bytes == 8388608 and .limit_id == 20 and "
		   ".limit_path == \"/system.slice\" and "
		   "(has(\"budget_id\") | not)");
	free(out);

	ev = event(GPUMEM_CMD_POLICY_NTF);
	ev.path = "/a";
	ev.a.val[GPUMEM_A_CGROUP_PURGE] = GPUMEM_PURGE_LAST;
	ev.a.val[GPUMEM_A_CGROUP_SWAP_BUDGET] = 2048 * M;
	ev.a.val[GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET] = GM_SIZE_MAX;
	ev.a.val[GPUMEM_A_CGROUP_WRITEBACK] = GPUMEM_WRITEBACK_DEFERRED;
	ev.a.val[GPUMEM_A_CGROUP_VRAM_MAX] = 16 * M;
	ev.a.has |= 1u << GPUMEM_A_CGROUP_PURGE |
		    1u << GPUMEM_A_CGROUP_SWAP_BUDGET |
		    1u << GPUMEM_A_CGROUP_EFFECTIVE_SWAP_BUDGET |
		    1u << GPUMEM_A_CGROUP_WRITEBACK |
		    1u << GPUMEM_A_CGROUP_VRAM_MAX;
	CAPTURE(out, gm_print_event(OUT, &ev, false));
	CHECK_STR(out, "2023-11-14T22:13:20.123+0000 policy /a purge=last swap-budget=2G writeback=deferred vram-max=16M effective-swap-budget=max\n");
	free(out);
	CAPTURE(out, gm_print_event(OUT, &ev, true));
	check_json(out, ".event == \"policy\" and .purge == \"last\" and "
		   ".vram_max == 16777216 and .effective_vram_max == null and "
		   ".swap_budget == 2147483648 and "
		   ".effective_swap_budget == null and "
		   ".writeback == \"deferred\" and .effective_purge == null");
	free(out);

	/* not an event: nothing */
	ev = event(GPUMEM_CMD_STATS_GET);
	CAPTURE(out, gm_print_event(OUT, &ev, false));
	CHECK_STR(out, "");
	free(out);
	CHECK_STR(gm_event_name(GPUMEM_CMD_BUDGET_NTF), "budget");
	CHECK(!gm_event_name(GPUMEM_CMD_RECLAIM));
}

CHECK_MAIN(
	CASE(test_sort),
	CASE(test_merge),
	CASE(test_table),
	CASE(test_tree),
	CASE(test_json),
	CASE(test_json_writer),
	CASE(test_utf8_len),
	CASE(test_invalid_utf8),
	CASE(test_prometheus),
	CASE(test_reclaim),
	CASE(test_events),
)
