// SPDX-License-Identifier: GPL-2.0
/* Command line parsing. */
#include <errno.h>

#include "check.h"
#include "cmdline.h"
#include "size.h"

#define ARGV(...) ((char *[]){ "gpumemctl", __VA_ARGS__, NULL })

static struct gm_err err;

static int parse(struct gm_cmdline *cl, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err.msg[0] = '\0';
	return gm_cmdline_parse(cl, argc, argv, &err);
}

/* Expect a usage error whose message contains @needle. */
#define CHECK_USAGE(needle, ...)					\
	do {								\
		struct gm_cmdline _cl;					\
		CHECK_INT(parse(&_cl, ARGV(__VA_ARGS__)), -EINVAL);	\
		CHECK_HAS(err.msg, needle);				\
		CHECK(!_cl.args);					\
	} while (0)

static void test_no_command(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, (char *[]){ "gpumemctl", NULL }), -EINVAL);
	CHECK_HAS(err.msg, "missing COMMAND");
	CHECK_USAGE("missing COMMAND", "-j");
	CHECK_USAGE("unknown command '-j'", "--", "-j");
	CHECK_USAGE("unknown command 'bogus'", "bogus");
	CHECK_USAGE("unknown command 'Show'", "Show");
	CHECK_USAGE("unknown command 'showx'", "showx");
	CHECK_USAGE("(expected show, set, reclaim, monitor, apply, oci-hook, cdi or help)",
		    "bogus");
}

/* A unique prefix names its command; an ambiguous one names them all. */
static void test_prefixes(void)
{
	static const struct {
		const char *word;
		enum gm_command cmd;
	} ok[] = {
		{ "sh", GM_CMD_SHOW }, { "sho", GM_CMD_SHOW },
		{ "se", GM_CMD_SET }, { "r", GM_CMD_RECLAIM },
		{ "m", GM_CMD_MONITOR }, { "a", GM_CMD_APPLY },
		{ "o", GM_CMD_OCI_HOOK }, { "oci", GM_CMD_OCI_HOOK },
		{ "h", GM_CMD_HELP },
	};
	struct gm_cmdline cl;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(gm_command_lookup(ok[i].word, &err), ok[i].cmd);
		if (ok[i].cmd == GM_CMD_SET || ok[i].cmd == GM_CMD_RECLAIM)
			continue;	/* they need operands */
		CHECK_INT(parse(&cl, ARGV((char *)ok[i].word)), 0);
		CHECK_INT(cl.cmd, ok[i].cmd);
		gm_cmdline_free(&cl);
	}
	CHECK_INT(gm_command_lookup("s", &err), GM_CMD_NONE);
	CHECK_STR(err.msg, "ambiguous command 's' (show or set)");
	CHECK_USAGE("ambiguous command 's' (show or set)", "s", "/a");
	CHECK_INT(gm_command_lookup("", &err), GM_CMD_NONE);
	CHECK_HAS(err.msg, "unknown command ''");
	/* an abbreviation works where the full name does */
	CHECK_INT(parse(&cl, ARGV("se", "/a", "purge", "never")), 0);
	CHECK_INT(cl.cmd, GM_CMD_SET);
	CHECK(HAS(cl.set, PURGE));
	gm_cmdline_free(&cl);
	CHECK_USAGE("set: nothing to set", "se", "/a");
}

/* The command table has a name, a summary and a help text for each. */
static void test_command_table(void)
{
	size_t i, j;

	CHECK_INT(gm_ncommands, GM_CMD_COUNT - GM_CMD_SHOW);
	for (i = 0; i < gm_ncommands; i++) {
		const struct gm_command_info *c = gm_commands[i];

		CHECK(c->name && *c->name && c->args && c->summary);
		CHECK(c->parse && c->run);
		CHECK_INT(c->cmd, GM_CMD_SHOW + (int)i);
		CHECK(gm_command_info(c->cmd) == c);
		CHECK_STR(gm_command_name(c->cmd), c->name);
		CHECK_INT(gm_command_lookup(c->name, &err), c->cmd);
		for (j = 0; j < i; j++)
			CHECK(strcmp(gm_commands[j]->name, c->name));
	}
	CHECK(!gm_command_info(GM_CMD_NONE));
	CHECK(!gm_command_info(GM_CMD_VERSION));
}

static void test_help_version(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("-h")), 0);
	CHECK_INT(cl.cmd, GM_CMD_HELP);
	CHECK_INT(parse(&cl, ARGV("--help")), 0);
	CHECK_INT(cl.cmd, GM_CMD_HELP);
	/* help wins over whatever follows, and over bad commands */
	CHECK_INT(parse(&cl, ARGV("bogus", "--help", "--nope")), 0);
	CHECK_INT(cl.cmd, GM_CMD_HELP);
	CHECK_INT(parse(&cl, ARGV("set", "-jh")), 0);
	CHECK_INT(cl.cmd, GM_CMD_HELP);
	CHECK_INT(parse(&cl, ARGV("--version")), 0);
	CHECK_INT(cl.cmd, GM_CMD_VERSION);
	gm_cmdline_free(&cl);
	CHECK_USAGE("option '--help' takes no value", "--help=yes");
	CHECK_INT(parse(&cl, ARGV("-V")), 0);
	CHECK_INT(cl.cmd, GM_CMD_VERSION);
	CHECK_INT(parse(&cl, ARGV("show", "-jV")), 0);
	CHECK_INT(cl.cmd, GM_CMD_VERSION);
	CHECK_USAGE("unknown option '--vers'", "--vers");
}

/* Help about one command: COMMAND --help, COMMAND help, help COMMAND. */
static void test_command_help(void)
{
	static const char *const forms[][3] = {
		{ "show", "--help", NULL }, { "sh", "-h", NULL },
		{ "show", "help", NULL }, { "help", "show", NULL },
		{ "help", "sh", NULL }, { "-j", "show", "-h" },
		{ "show", "/a", "--help" },
	};
	struct gm_cmdline cl;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char *argv[] = { "gpumemctl", (char *)forms[i][0],
				 (char *)forms[i][1], (char *)forms[i][2],
				 NULL };
		int argc = forms[i][2] ? 4 : 3;

		CHECK_INT(gm_cmdline_parse(&cl, argc, argv, &err), 0);
		CHECK_INT(cl.cmd, GM_CMD_HELP);
		CHECK_INT(cl.help_cmd, GM_CMD_SHOW);
		gm_cmdline_free(&cl);
	}
	CHECK_INT(parse(&cl, ARGV("oci-hook", "help")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_OCI_HOOK);
	CHECK_INT(parse(&cl, ARGV("set", "help")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_SET);
	CHECK_INT(parse(&cl, ARGV("apply", "help")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_APPLY);
	/* the general help */
	CHECK_INT(parse(&cl, ARGV("help")), 0);
	CHECK_INT(cl.cmd, GM_CMD_HELP);
	CHECK_INT(cl.help_cmd, GM_CMD_NONE);
	CHECK_INT(parse(&cl, ARGV("--help", "show")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_NONE);
	CHECK_INT(parse(&cl, ARGV("help", "--help")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_HELP);
	CHECK_INT(parse(&cl, ARGV("s", "--help")), 0);
	CHECK_INT(cl.help_cmd, GM_CMD_NONE);
	CHECK_USAGE("ambiguous command 's'", "help", "s");
	CHECK_USAGE("unknown command 'bogus'", "help", "bogus");
	CHECK_USAGE("help: unexpected argument 'set'", "help", "show", "set");
	/* "help" only right after the command */
	CHECK_USAGE("cgroup 'help': not a cgroup", "show", "/a", "help");
}

/* --output-file (show) and --optional (apply, oci-hook) */
static void test_command_options(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("-o", "prometheus", "show",
				  "--output-file", "/x/gpumem.prom")), 0);
	CHECK_STR(cl.output_file, "/x/gpumem.prom");
	CHECK_INT(cl.format, GM_FORMAT_PROMETHEUS);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("show", "--output-file=out.json", "-j")), 0);
	CHECK_STR(cl.output_file, "out.json");
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("show")), 0);
	CHECK(!cl.output_file && !cl.optional);
	gm_cmdline_free(&cl);
	CHECK_USAGE("option '--output-file': missing FILE", "show",
		    "--output-file");
	CHECK_USAGE("option '--output-file': missing FILE", "show",
		    "--output-file=");
	CHECK_USAGE("set: option '--output-file' is only valid with show and cdi",
		    "set", "/a", "purge", "first", "--output-file", "x");

	CHECK_INT(parse(&cl, ARGV("apply", "--optional", "foo.service")), 0);
	CHECK(cl.optional);
	CHECK_INT(cl.nargs, 1);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("cdi", "--optional", "--output-file", "-")), 0);
	CHECK_INT(cl.cmd, GM_CMD_CDI);
	CHECK(cl.optional);
	CHECK_STR(cl.output_file, "-");
	CHECK_INT(cl.nargs, 0);
	gm_cmdline_free(&cl);
	CHECK_USAGE("show: option '--optional' is only valid with apply, oci-hook and cdi",
		    "show", "--optional");
	CHECK_USAGE("option '--optional' takes no value", "apply",
		    "--optional=yes");
}

static void test_show(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("show")), 0);
	CHECK_INT(cl.cmd, GM_CMD_SHOW);
	CHECK_INT(cl.nargs, 0);
	CHECK_INT(cl.format, GM_FORMAT_TABLE);
	CHECK(!cl.tree && !cl.pretty);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("show", "/system.slice", "batch.slice",
				  "foo.service", "id:7", "--tree",
				  "/sys/fs/cgroup/a", "user.slice/x.scope")), 0);
	CHECK_INT(cl.cmd, GM_CMD_SHOW);
	CHECK(cl.tree);
	CHECK_INT(cl.nargs, 6);
	if (cl.nargs == 6) {
		CHECK_STR(cl.args[0], "/system.slice");
		CHECK_STR(cl.args[1], "batch.slice");
		CHECK_STR(cl.args[2], "foo.service");
		CHECK_STR(cl.args[3], "id:7");
		CHECK_STR(cl.args[4], "/sys/fs/cgroup/a");
		CHECK_STR(cl.args[5], "user.slice/x.scope");
	}
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("--tree", "show", "-.slice")), 0);
	CHECK(cl.tree);
	CHECK_INT(cl.nargs, 1);
	CHECK_STR(cl.args[0], "-.slice");
	gm_cmdline_free(&cl);
}

static void test_show_bad_cgroups(void)
{
	CHECK_USAGE("show: cgroup 'foo'", "show", "foo");
	CHECK_USAGE("not a cgroup", "show", "/ok", "foo.txt");
	CHECK_USAGE("empty cgroup name", "show", "");
	CHECK_USAGE("not a cgroup id", "show", "id:");
	CHECK_USAGE("not a cgroup id", "show", "id:0");
	CHECK_USAGE("not a cgroup id", "show", "id:-1");
	CHECK_USAGE("not a cgroup id", "show", "id:12x");
	CHECK_USAGE("not a cgroup id", "show", "id:18446744073709551616");
	CHECK_USAGE("'.' and '..'", "show", "/system.slice/../etc");
	CHECK_USAGE("'.' and '..'", "show", "../x");
	CHECK_USAGE("'.' and '..'", "show", "/a/./b");
	CHECK_USAGE("not a valid slice name", "show", "a--b.slice");
	CHECK_USAGE("not a valid slice name", "show", "a-.slice");
	CHECK_USAGE("not a valid slice name", "show", "-a.slice");
	CHECK_USAGE("not a cgroup", "show", ".slice");
	CHECK_USAGE("not a cgroup", "show", ".service");
	CHECK_USAGE("unknown option '--frobnicate'", "show", "--frobnicate");
}

static void test_monitor(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("monitor")), 0);
	CHECK_INT(cl.cmd, GM_CMD_MONITOR);
	CHECK_INT(cl.nargs, 0);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("monitor", "id:1", "/")), 0);
	CHECK_INT(cl.nargs, 2);
	gm_cmdline_free(&cl);
	CHECK_USAGE("monitor: cgroup 'nope'", "monitor", "nope");
	CHECK_USAGE("monitor: option '--tree' is only valid with show",
		    "monitor", "--tree");
}

static void test_set_each_key(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("set", "/a", "purge", "first")), 0);
	CHECK_INT(cl.cmd, GM_CMD_SET);
	CHECK_INT(cl.nargs, 1);
	CHECK_STR(cl.args[0], "/a");
	CHECK(HAS(cl.set, PURGE) && !HAS(cl.set, SWAP_BUDGET) &&
	      !HAS(cl.set, WRITEBACK));
	CHECK_INT(VAL(cl.set, PURGE), GM_PURGE_FIRST);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("set", "/a", "purge", "last")), 0);
	CHECK_INT(VAL(cl.set, PURGE), GM_PURGE_LAST);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("set", "/a", "purge", "never")), 0);
	CHECK_INT(VAL(cl.set, PURGE), GM_PURGE_NEVER);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "swap-budget", "2G")), 0);
	CHECK(!HAS(cl.set, PURGE) && HAS(cl.set, SWAP_BUDGET) &&
	      !HAS(cl.set, WRITEBACK));
	CHECK_U64(VAL(cl.set, SWAP_BUDGET), 2ULL << 30);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "swap-budget", "max")), 0);
	CHECK_U64(VAL(cl.set, SWAP_BUDGET), GM_SIZE_MAX);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "swap-budget", "0")), 0);
	CHECK(HAS(cl.set, SWAP_BUDGET));
	CHECK_U64(VAL(cl.set, SWAP_BUDGET), 0);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "vram-max", "256M")), 0);
	CHECK(HAS(cl.set, VRAM_MAX) && !HAS(cl.set, SWAP_BUDGET) &&
	      !HAS(cl.set, PURGE) && !HAS(cl.set, WRITEBACK));
	CHECK_U64(VAL(cl.set, VRAM_MAX), 256ULL << 20);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "vram-max", "max")), 0);
	CHECK_U64(VAL(cl.set, VRAM_MAX), GM_SIZE_MAX);
	gm_cmdline_free(&cl);
	/* "infinity", as systemd writes MemoryMax=, is max */
	CHECK_INT(parse(&cl, ARGV("set", "b.slice", "vram-max", "infinity",
				  "swap-budget", "infinity")), 0);
	CHECK_U64(VAL(cl.set, VRAM_MAX), GM_SIZE_MAX);
	CHECK_U64(VAL(cl.set, SWAP_BUDGET), GM_SIZE_MAX);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("set", "id:9", "writeback", "immediate")), 0);
	CHECK(!HAS(cl.set, PURGE) && !HAS(cl.set, SWAP_BUDGET) &&
	      HAS(cl.set, WRITEBACK));
	CHECK_INT(VAL(cl.set, WRITEBACK), GM_WRITEBACK_IMMEDIATE);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("set", "id:9", "writeback", "deferred")), 0);
	CHECK_INT(VAL(cl.set, WRITEBACK), GM_WRITEBACK_DEFERRED);
	gm_cmdline_free(&cl);
}

static void test_set_all_keys(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("set", "x.service", "writeback", "deferred",
				  "swap-budget", "512M", "purge", "last")), 0);
	CHECK(HAS(cl.set, PURGE) && HAS(cl.set, SWAP_BUDGET) &&
	      HAS(cl.set, WRITEBACK));
	CHECK_INT(VAL(cl.set, PURGE), GM_PURGE_LAST);
	CHECK_U64(VAL(cl.set, SWAP_BUDGET), 512ULL << 20);
	CHECK_INT(VAL(cl.set, WRITEBACK), GM_WRITEBACK_DEFERRED);
	CHECK_INT(cl.nargs, 1);
	CHECK_STR(cl.args[0], "x.service");
	gm_cmdline_free(&cl);
}

static void test_set_bad(void)
{
	CHECK_USAGE("set: missing CGROUP", "set");
	CHECK_USAGE("set: nothing to set", "set", "/a");
	CHECK_USAGE("set: cgroup 'purge'", "set", "purge", "first");
	CHECK_USAGE("set: missing value for 'purge'", "set", "/a", "purge");
	CHECK_USAGE("set: missing value for 'swap-budget'", "set", "/a",
		    "purge", "first", "swap-budget");
	CHECK_USAGE("set: missing value for 'writeback'", "set", "/a",
		    "writeback");
	CHECK_USAGE("set: unknown key 'colour'", "set", "/a", "colour", "red");
	CHECK_USAGE("set: unknown key 'Purge'", "set", "/a", "Purge", "first");
	CHECK_USAGE("set: unknown key 'swap_budget'", "set", "/a",
		    "swap_budget", "1G");
	CHECK_USAGE("set: purge: invalid value 'sometimes'", "set", "/a",
		    "purge", "sometimes");
	CHECK_USAGE("set: purge: invalid value 'First'", "set", "/a",
		    "purge", "First");
	CHECK_USAGE("set: writeback: invalid value 'later'", "set", "/a",
		    "writeback", "later");
	CHECK_USAGE("unknown option '-1'", "set", "/a", "swap-budget", "-1");
	CHECK_USAGE("set: swap-budget: invalid SIZE '-1'", "set", "/a",
		    "swap-budget", "--", "-1");
	CHECK_USAGE("set: swap-budget: invalid SIZE '-0'", "set", "--", "/a",
		    "swap-budget", "-0");
	CHECK_USAGE("set: swap-budget: invalid SIZE 'lots'", "set", "/a",
		    "swap-budget", "lots");
	CHECK_USAGE("set: vram-max: invalid SIZE '16 MB'", "set", "/a",
		    "vram-max", "16 MB");
	CHECK_USAGE("set: 'vram-max' given more than once", "set", "/a",
		    "vram-max", "1G", "vram-max", "2G");
	CHECK_USAGE("set: swap-budget: invalid SIZE ''", "set", "/a",
		    "swap-budget", "");
	CHECK_USAGE("set: swap-budget: SIZE '99999999999T' is too large",
		    "set", "/a", "swap-budget", "99999999999T");
	CHECK_USAGE("set: 'purge' given more than once", "set", "/a",
		    "purge", "first", "purge", "first");
	CHECK_USAGE("set: 'swap-budget' given more than once", "set", "/a",
		    "swap-budget", "1G", "writeback", "deferred",
		    "swap-budget", "2G");
	CHECK_USAGE("set: 'writeback' given more than once", "set", "/a",
		    "writeback", "deferred", "writeback");
	CHECK_USAGE("set: unknown key 'extra'", "set", "/a", "purge", "last",
		    "extra");
	CHECK_USAGE("set: option '--tree' is only valid with show", "set",
		    "/a", "purge", "last", "--tree");
}

static void test_reclaim(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("reclaim", "batch.slice", "1G")), 0);
	CHECK_INT(cl.cmd, GM_CMD_RECLAIM);
	CHECK_INT(cl.nargs, 1);
	CHECK_STR(cl.args[0], "batch.slice");
	CHECK_U64(cl.reclaim_bytes, 1ULL << 30);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("reclaim", "id:3", "4096")), 0);
	CHECK_U64(cl.reclaim_bytes, 4096);
	gm_cmdline_free(&cl);

	CHECK_USAGE("reclaim: missing CGROUP", "reclaim");
	CHECK_USAGE("reclaim: missing SIZE", "reclaim", "/a");
	CHECK_USAGE("reclaim: unexpected argument 'x'", "reclaim", "/a", "1G",
		    "x");
	CHECK_USAGE("greater than 0, not 'max'", "reclaim", "/a", "max");
	CHECK_USAGE("greater than 0, not '0K'", "reclaim", "/a", "0K");
	CHECK_USAGE("reclaim: invalid SIZE '1G2'", "reclaim", "/a", "1G2");
	CHECK_USAGE("reclaim: SIZE '17E' is too large", "reclaim", "/a", "17E");
	CHECK_USAGE("reclaim: cgroup 'a'", "reclaim", "a", "1G");
}

static void test_apply_oci_hook(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("apply")), 0);
	CHECK_INT(cl.cmd, GM_CMD_APPLY);
	CHECK_INT(cl.nargs, 0);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("apply", "a.conf", "-", "/etc/b.conf")), 0);
	CHECK_INT(cl.nargs, 3);
	CHECK_STR(cl.args[1], "-");
	gm_cmdline_free(&cl);
	CHECK_USAGE("apply: empty FILE name", "apply", "");

	CHECK_INT(parse(&cl, ARGV("oci-hook")), 0);
	CHECK_INT(cl.cmd, GM_CMD_OCI_HOOK);
	CHECK_INT(cl.nargs, 0);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("oci-hook", "--optional")), 0);
	CHECK_INT(cl.cmd, GM_CMD_OCI_HOOK);
	CHECK(cl.optional);
	gm_cmdline_free(&cl);
	CHECK_USAGE("oci-hook: unexpected argument 'createRuntime'",
		    "oci-hook", "createRuntime");
}

static void test_formats(void)
{
	struct gm_cmdline cl;

	CHECK_INT(parse(&cl, ARGV("-j", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	CHECK(!cl.pretty);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("--json", "--pretty", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	CHECK(cl.pretty);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("-p", "show")), 0);	/* implies -j */
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	CHECK(cl.pretty);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("-jp", "show")), 0);
	CHECK(cl.pretty && cl.format == GM_FORMAT_JSON);
	gm_cmdline_free(&cl);

	CHECK_INT(parse(&cl, ARGV("-o", "prometheus", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_PROMETHEUS);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("-otable", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_TABLE);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("--output=json", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("--output", "prometheus", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_PROMETHEUS);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("-jo", "json", "show")), 0);
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("-j", "-o", "json", "-p", "show")), 0);
	CHECK(cl.pretty && cl.format == GM_FORMAT_JSON);
	gm_cmdline_free(&cl);
}

static void test_formats_bad(void)
{
	CHECK_USAGE("unknown output format 'yaml'", "-o", "yaml", "show");
	CHECK_USAGE("unknown output format 'JSON'", "-o", "JSON", "show");
	CHECK_USAGE("unknown output format ''", "--output=", "show");
	CHECK_USAGE("option '-o': missing FORMAT", "show", "-o");
	CHECK_USAGE("option '--output': missing FORMAT", "show", "--output");
	CHECK_USAGE("conflicting output formats 'json' and 'prometheus'",
		    "-j", "-o", "prometheus", "show");
	CHECK_USAGE("conflicting output formats 'table' and 'json'",
		    "-o", "table", "-j", "show");
	CHECK_USAGE("conflicting output formats 'table' and 'json'",
		    "-otable", "-ojson", "show");
	CHECK_USAGE("'--pretty' applies to JSON output only, not 'table'",
		    "-p", "-o", "table", "show");
	CHECK_USAGE("'--pretty' applies to JSON output only, not 'prometheus'",
		    "-o", "prometheus", "show", "--pretty");
	CHECK_USAGE("unknown option '-x'", "-x", "show");
	CHECK_USAGE("unknown option '-x' in '-jx'", "-jx", "show");
	CHECK_USAGE("unknown option '-t'", "show", "-t");
	CHECK_USAGE("option '--json' takes no value", "--json=1", "show");
	CHECK_USAGE("option '--tree' takes no value", "show", "--tree=1");
	CHECK_USAGE("unknown option '--js'", "--js", "show");
	CHECK_USAGE("monitor: output format 'prometheus' is only valid with show",
		    "-o", "prometheus", "monitor");
	CHECK_USAGE("reclaim: output format 'prometheus' is only valid with show",
		    "reclaim", "/a", "1G", "-oprometheus");
	CHECK_USAGE("set: output format 'prometheus' is only valid with show",
		    "set", "/a", "purge", "last", "--output=prometheus");
}

static void test_option_placement(void)
{
	struct gm_cmdline cl;

	/* after the command, between and after operands */
	CHECK_INT(parse(&cl, ARGV("set", "-j", "/a", "purge", "-p", "first")),
		  0);
	CHECK(cl.pretty && cl.format == GM_FORMAT_JSON);
	CHECK(HAS(cl.set, PURGE));
	CHECK_INT(VAL(cl.set, PURGE), GM_PURGE_FIRST);
	gm_cmdline_free(&cl);
	CHECK_INT(parse(&cl, ARGV("reclaim", "/a", "1M", "-o", "json")), 0);
	CHECK_INT(cl.format, GM_FORMAT_JSON);
	CHECK_U64(cl.reclaim_bytes, 1ULL << 20);
	gm_cmdline_free(&cl);

	/* "--" ends options; "-.slice" is an operand anyway */
	CHECK_INT(parse(&cl, ARGV("show", "--", "-.slice", "--tree")), -EINVAL);
	CHECK_HAS(err.msg, "cgroup '--tree'");
	CHECK_INT(parse(&cl, ARGV("-j", "--", "show", "-.slice")), 0);
	CHECK_INT(cl.cmd, GM_CMD_SHOW);
	CHECK_INT(cl.nargs, 1);
	CHECK_STR(cl.args[0], "-.slice");
	gm_cmdline_free(&cl);

	/* a value that looks like an option is consumed by -o */
	CHECK_USAGE("unknown output format '-j'", "-o", "-j", "show");
	/* a negative SIZE is an unknown option, not a value */
	CHECK_USAGE("unknown option '-1'", "reclaim", "/a", "-1");
}

static void test_names(void)
{
	CHECK_STR(gm_command_name(GM_CMD_OCI_HOOK), "oci-hook");
	CHECK_STR(gm_command_name(GM_CMD_SHOW), "show");
	CHECK_STR(gm_format_name(GM_FORMAT_PROMETHEUS), "prometheus");
	CHECK_STR(gm_policy_value_name(GM_POLICY_PURGE, GM_PURGE_NEVER), "never");
	CHECK_STR(gm_policy_value_name(GM_POLICY_WRITEBACK,
						GM_WRITEBACK_DEFERRED), "deferred");
	CHECK_STR(gm_policy_value_name(GM_POLICY_WRITEBACK, 7), "?");
}

CHECK_MAIN(
	CASE(test_no_command),
	CASE(test_help_version),
	CASE(test_prefixes),
	CASE(test_command_table),
	CASE(test_command_help),
	CASE(test_command_options),
	CASE(test_show),
	CASE(test_show_bad_cgroups),
	CASE(test_monitor),
	CASE(test_set_each_key),
	CASE(test_set_all_keys),
	CASE(test_set_bad),
	CASE(test_reclaim),
	CASE(test_apply_oci_hook),
	CASE(test_formats),
	CASE(test_formats_bad),
	CASE(test_option_placement),
	CASE(test_names),
)
