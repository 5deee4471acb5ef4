// SPDX-License-Identifier: GPL-2.0
/*
 * Run the built gpumemctl (argv[1]; argv[2] is the project version) and
 * check exit statuses and messages.  This machine is expected to have no
 * 'gpumem' generic netlink family.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cmdline.h"
#include "err.h"
#include "fstree.h"
#include "help.h"

#define NO_FAMILY							\
	"gpumemctl: the 'gpumem' generic netlink family is not available: " \
	"this kernel has no gpumem support (built without CONFIG_GPUMEM) " \
	"or has it disabled with the memory controller (cgroup_disable=memory)\n"

static const char *bin, *version;
static char root[1024];	/* leaves room for root + suffix in PATH_MAX */
static FILE *stdin_file;	/* the child's stdin if set (oci-hook) */

struct result {
	int status;		/* exit status, or 128 + signal */
	char out[16384];
	char err[16384];
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void child(FILE *out, FILE *err, const char *cgroot, char **argv,
		  const char *stdout_path)
{
	int fd = fileno(out);

	if (stdout_path)
		fd = open(stdout_path, O_WRONLY);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fileno(err), 2) < 0)
		_exit(126);
	if (stdin_file && dup2(fileno(stdin_file), 0) < 0)
		_exit(126);
	if (cgroot)
		setenv("GPUMEM_CGROUP_ROOT", cgroot, 1);
	else
		unsetenv("GPUMEM_CGROUP_ROOT");
	execv(bin, argv);
	_exit(127);
}

/* Run gpumemctl with @argv (argv[0] included), stdout to @stdout_path. */
static void run_to(struct result *r, const char *cgroot,
		   const char *stdout_path, char **argv)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (!out || !err) {
		CHECK_FAIL("tmpfile: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(out, err, cgroot, argv, stdout_path);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		CHECK_FAIL("running %s: %s", bin, strerror(errno));
		return;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

#define RUN(r, cgroot, ...)						\
	run_to(r, cgroot, NULL, (char *[]){ "gpumemctl", __VA_ARGS__, NULL })

/* Failure: status, nothing on stdout, exactly one "gpumemctl: " line. */
static void check_error(const struct result *r, int status, const char *msg)
{
	const char *nl = strchr(r->err, '\n');

	CHECK_INT(r->status, status);
	CHECK_STR(r->out, "");
	CHECK(!strncmp(r->err, "gpumemctl: ", 11));
	CHECK(nl && !nl[1]);
	CHECK_HAS(r->err, msg);
}

static void test_help(void)
{
	static const char *const words[] = {
		"show [CGROUP...] [--tree]", "set CGROUP", "purge first|last|never",
		"swap-budget SIZE|max", "writeback immediate|deferred",
		"reclaim CGROUP SIZE", "monitor [CGROUP...]", "apply [FILE|UNIT...]",
		"oci-hook", "--json", "--pretty", "--output", "--version",
		"id:N", "Exit status", "GPUMEM_CGROUP_ROOT",
		"gpumem.io/swap-budget", "GPUMEM_UNIT_PATH", "GPUMEM_CONFIG_DIR", "4  permission denied", "CAP_SYS_ADMIN",
		"MEM.CUR", "monitoring ...", "prometheus (show only)",
	};
	struct result r;
	size_t i;

	RUN(&r, NULL, "--help");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK_HAS(r.out, words[i]);
	RUN(&r, NULL, "show", "-h");
	CHECK_INT(r.status, 0);
	CHECK_HAS(r.out, "Usage: gpumemctl");
	/* every command of the table is listed, and so is "help" */
	RUN(&r, NULL, "help");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	for (i = 0; i < gm_ncommands; i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n  %s", gm_commands[i]->name);
		CHECK_HAS(r.out, line);
	}
	CHECK_HAS(r.out, "  help [COMMAND]");
	CHECK_HAS(r.out, "-V, --version");
}

/*
 * Every command's own help, however asked: its usage line, its text,
 * status 0, nothing on stderr.
 */
static void test_command_help(void)
{
	char usage[128], prefix[16];
	struct result r;
	size_t i;

	for (i = 0; i < gm_ncommands; i++) {
		const struct gm_command_info *c = gm_commands[i];
		char *name = (char *)c->name;

		snprintf(usage, sizeof(usage), "Usage: gpumemctl [OPTIONS] %s",
			 name);
		RUN(&r, NULL, name, "--help");
		CHECK_INT(r.status, 0);
		CHECK_STR(r.err, "");
		CHECK(!strncmp(r.out, usage, strlen(usage)));
		CHECK_HAS(r.out, gm_command_help_text(c->cmd));
		RUN(&r, NULL, name, "help");
		CHECK_INT(r.status, 0);
		CHECK(!strncmp(r.out, usage, strlen(usage)));
		RUN(&r, NULL, "help", name);
		CHECK_INT(r.status, 0);
		CHECK(!strncmp(r.out, usage, strlen(usage)));
		/* the shortest unique prefix */
		snprintf(prefix, sizeof(prefix), "%.*s",
			 c->cmd == GM_CMD_SHOW || c->cmd == GM_CMD_SET ? 2 : 1,
			 name);
		RUN(&r, NULL, prefix, "-h");
		CHECK_INT(r.status, 0);
		CHECK(!strncmp(r.out, usage, strlen(usage)));
	}
	RUN(&r, NULL, "help", "s");
	check_error(&r, GM_EXIT_USAGE,
		    "gpumemctl: ambiguous command 's' (show or set)");
}

static void test_help_write_error(void)
{
	struct result r;

	if (access("/dev/full", W_OK)) {
		check_skip("no /dev/full");
		return;
	}
	run_to(&r, NULL, "/dev/full", (char *[]){ "gpumemctl", "--help", NULL });
	CHECK_INT(r.status, GM_EXIT_FAILURE);
	CHECK_HAS(r.err, "writing to standard output");
}

static void test_version(void)
{
	char expected[128];
	struct result r;

	snprintf(expected, sizeof(expected), "gpumemctl %s\n", version);
	RUN(&r, NULL, "--version");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, expected);
	CHECK_STR(r.err, "");
	RUN(&r, NULL, "-V");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, expected);
	CHECK_STR(r.err, "");
}

static void test_usage_errors(void)
{
	struct result r;

	size_t i;

	/* no arguments at all: the usage on stderr, a usage error */
	run_to(&r, NULL, NULL, (char *[]){ "gpumemctl", NULL });
	CHECK_INT(r.status, GM_EXIT_USAGE);
	CHECK_STR(r.out, "");
	CHECK(!strncmp(r.err, "Usage: gpumemctl ", 17));
	for (i = 0; i < gm_ncommands; i++)
		CHECK_HAS(r.err, gm_commands[i]->name);
	/* options but no command: one line */
	RUN(&r, NULL, "-j");
	check_error(&r, GM_EXIT_USAGE, "missing COMMAND (see gpumemctl help)");
	RUN(&r, NULL, "s", "/a");
	check_error(&r, GM_EXIT_USAGE, "ambiguous command 's' (show or set)");
	RUN(&r, NULL, "bogus");
	check_error(&r, GM_EXIT_USAGE, "gpumemctl: unknown command 'bogus'");
	RUN(&r, NULL, "set", "/a");
	check_error(&r, GM_EXIT_USAGE, "gpumemctl: set: nothing to set");
	RUN(&r, NULL, "set", "/a", "purge", "first", "purge", "last");
	check_error(&r, GM_EXIT_USAGE, "'purge' given more than once");
	RUN(&r, NULL, "reclaim", "/a", "max");
	check_error(&r, GM_EXIT_USAGE, "reclaim: SIZE must be");
	RUN(&r, NULL, "-o", "xml", "show");
	check_error(&r, GM_EXIT_USAGE, "unknown output format 'xml'");
	RUN(&r, NULL, "show", "foo");
	check_error(&r, GM_EXIT_USAGE, "show: cgroup 'foo': not a cgroup");
	RUN(&r, NULL, "-o", "prometheus", "monitor");
	check_error(&r, GM_EXIT_USAGE,
		    "monitor: output format 'prometheus' is only valid with show");
}

static void test_no_family(void)
{
	struct result r;

	RUN(&r, NULL, "show");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	CHECK_STR(r.out, "");
	RUN(&r, NULL, "-j", "monitor");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
}

/* Arguments are resolved first, then the family is looked up. */
static void test_no_family_with_cgroups(void)
{
	struct result r;

	RUN(&r, root, "show", "/system.slice", "foo.service", "--tree");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	RUN(&r, root, "set", "foo.service", "purge", "last", "swap-budget",
	    "2G", "writeback", "deferred");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	RUN(&r, root, "reclaim", "batch.slice", "1G");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	RUN(&r, root, "monitor", "-.slice", "/");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
}

/*
 * show --output-file: when show fails (no family here), the file is left
 * as it was and no temporary file stays behind.
 */
static void test_output_file(void)
{
	char dir[1100], path[1200], bad[1200], old[64] = "";
	struct result r;
	FILE *f;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/textfile", root);
	snprintf(path, sizeof(path), "%s/gpumem.prom", dir);
	CHECK(!tree_mkdir(root, "textfile/x"));
	CHECK(!tree_put(dir, "gpumem.prom", "gpumem_old 1\n"));
	RUN(&r, root, "-o", "prometheus", "show", "--output-file", path);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	CHECK_STR(r.out, "");
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		n = fread(old, 1, sizeof(old) - 1, f);
		old[n] = '\0';
		fclose(f);
	}
	CHECK_STR(old, "gpumem_old 1\n");
	/* nothing but the old file and x/ in the directory */
	{
		struct dirent **names;
		int k, count = scandir(dir, &names, NULL, alphasort);

		CHECK_INT(count, 4);	/* . .. gpumem.prom x */
		for (k = 0; k < count; k++)
			free(names[k]);
		if (count >= 0)
			free(names);
	}
	/* a directory that does not exist: said before the kernel is asked */
	snprintf(bad, sizeof(bad), "%s/nonexistent/gpumem.prom", dir);
	RUN(&r, root, "-o", "prometheus", "show", "--output-file", bad);
	check_error(&r, GM_EXIT_FAILURE,
		    "cannot create a temporary file beside it");
	RUN(&r, root, "-o", "prometheus", "monitor", "--output-file", path);
	check_error(&r, GM_EXIT_USAGE,
		    "monitor: option '--output-file' is only valid with show");
}

static void test_cgroup_errors(void)
{
	struct result r;

	RUN(&r, root, "show", "/nope");
	check_error(&r, GM_EXIT_FAILURE, "cgroup '/nope': no such cgroup");
	RUN(&r, root, "set", "nope.service", "purge", "never");
	check_error(&r, GM_EXIT_FAILURE, "no such unit cgroup");
	RUN(&r, root, "reclaim", "id:18446744073709551615", "1M");
	check_error(&r, GM_EXIT_FAILURE, "no cgroup with this id");
	RUN(&r, root, "show", "/", "amb.service");
	check_error(&r, GM_EXIT_FAILURE, "ambiguous");
	RUN(&r, "relative", "show", "/");
	check_error(&r, GM_EXIT_FAILURE,
		    "GPUMEM_CGROUP_ROOT 'relative': not an absolute path");
}

/* The oci-hook warning for a state with status @s. */
#define STAGE_WARNING(s)						\
	"gpumemctl: oci-hook: container abc: status '" s "': "		\
	"this hook belongs in the createRuntime stage\n"

/* Run "gpumemctl [OPT] oci-hook" with @state on its stdin. */
static void run_hook(struct result *r, const char *cgroot, char *opt,
		     const char *state)
{
	stdin_file = tmpfile();
	if (!stdin_file) {
		CHECK_FAIL("tmpfile: %s", strerror(errno));
		return;
	}
	fputs(state, stdin_file);
	rewind(stdin_file);
	if (opt)
		RUN(r, cgroot, opt, "oci-hook");
	else
		RUN(r, cgroot, "oci-hook");
	fclose(stdin_file);
	stdin_file = NULL;
}

/*
 * oci-hook: nothing to do is silent, bad annotations are all reported
 * (status 1) before the family is needed, valid ones on an existing
 * cgroup need it (status 3 here).
 */
static void test_oci_hook(void)
{
	char bundle[1100], path[1200], state[2048];
	struct result r;
	FILE *f;

	/* no gpumem.io/ annotation: not even the bundle is looked at */
	run_hook(&r, root, NULL,
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"pid\":1,"
		 "\"bundle\":\"/nonexistent\",\"annotations\":{\"org.example/x\":\"1\"}}");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, "");
	run_hook(&r, root, NULL,
		 "{\"id\":\"abc\",\"bundle\":\"/nonexistent\",\"annotations\":{"
		 "\"gpumem.io/purge\":\"sometimes\",\"gpumem.io/swap-budget\":\"1G\","
		 "\"gpumem.io/writebak\":\"deferred\"}}");
	CHECK_INT(r.status, GM_EXIT_FAILURE);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err,
		  "gpumemctl: oci-hook: container abc: annotation gpumem.io/purge: invalid value 'sometimes' (expected first, last or never)\n"
		  "gpumemctl: oci-hook: container abc: annotation gpumem.io/writebak: 'deferred': unknown key, expected gpumem.io/purge, gpumem.io/swap-budget, gpumem.io/writeback or gpumem.io/vram-max\n");
	/* another stage than createRuntime: a warning, nothing else changes */
	run_hook(&r, root, NULL,
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"running\",\"pid\":1,"
		 "\"bundle\":\"/nonexistent\",\"annotations\":{\"org.example/x\":\"1\"}}");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, STAGE_WARNING("running"));
	run_hook(&r, root, NULL,
		 "{\"id\":\"abc\",\"status\":\"stopped\",\"bundle\":\"/nonexistent\","
		 "\"annotations\":{\"gpumem.io/purge\":\"sometimes\"}}");
	CHECK_INT(r.status, GM_EXIT_FAILURE);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, STAGE_WARNING("stopped")
		  "gpumemctl: oci-hook: container abc: annotation gpumem.io/purge: invalid value 'sometimes' (expected first, last or never)\n");
	run_hook(&r, root, NULL, "{\"id\": \"abc\", \"bundle\": ");
	check_error(&r, GM_EXIT_FAILURE,
		    "gpumemctl: oci-hook: container state: not valid JSON");

	/* a bundle outside the fake cgroup tree */
	if (!tree_create(bundle, sizeof(bundle))) {
		CHECK_FAIL("cannot create a bundle: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	if (!f) {
		CHECK_FAIL("cannot write %s", path);
		tree_remove(bundle);
		return;
	}
	fputs("{\"ociVersion\":\"1.0.2\",\"linux\":{\"cgroupsPath\":\"system.slice:gpumem:foo\"},"
	      "\"annotations\":{\"gpumem.io/swap-budget\":\"2G\",\"gpumem.io/purge\":\"never\"}}\n",
	      f);
	fclose(f);
	tree_mkdir(root, "system.slice/gpumem-foo.scope");
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"%s\"}",
		 bundle);
	run_hook(&r, root, NULL, state);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	CHECK_STR(r.out, "");
	run_hook(&r, root, "-j", state);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	/* --optional (the hook file's or runtime.conf's opt-out): a warning */
	run_hook(&r, root, "--optional", state);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, "");
	CHECK_HAS(r.err, "gpumemctl: warning: oci-hook: container abc: the 'gpumem' generic netlink family is not available");
	CHECK_HAS(r.err, "its policy is not applied\n");
	/* "created" (some runtimes) is no warning; "running" is one */
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"created\",\"bundle\":\"%s\"}",
		 bundle);
	run_hook(&r, root, NULL, state);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"running\",\"bundle\":\"%s\"}",
		 bundle);
	run_hook(&r, root, NULL, state);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.out, "");
	CHECK_STR(r.err, STAGE_WARNING("running") NO_FAMILY);
	snprintf(state, sizeof(state),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"%s\"}",
		 bundle);
	/* the policy from process.env alone also needs the family */
	f = fopen(path, "w");
	if (f) {
		fputs("{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"GPUMEM_PURGE=never\"]},"
		      "\"linux\":{\"cgroupsPath\":\"system.slice:gpumem:foo\"}}\n", f);
		fclose(f);
	}
	run_hook(&r, root, NULL, state);
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	/* the scope is gone */
	snprintf(path, sizeof(path), "%s/system.slice/gpumem-foo.scope", root);
	rmdir(path);
	run_hook(&r, root, NULL, state);
	check_error(&r, GM_EXIT_FAILURE,
		    "gpumemctl: oci-hook: container abc: cgroup /system.slice/gpumem-foo.scope (from cgroupsPath 'system.slice:gpumem:foo'): no such cgroup");
	tree_remove(bundle);
}

/*
 * apply: parse errors are reported (file:line: key) and make the status 1
 * before the family is needed; valid files that need it exit 3 here.
 */
static void test_apply(void)
{
	char units[1100], conf[1100], path[1200], want[2800];
	struct result r;
	FILE *f;

	snprintf(units, sizeof(units), "%s/units", root);
	snprintf(conf, sizeof(conf), "%s/conf", root);
	tree_mkdir(root, "units/foo.service.d");
	tree_mkdir(root, "conf");
	setenv("GPUMEM_UNIT_PATH", units, 1);
	setenv("GPUMEM_CONFIG_DIR", conf, 1);
	snprintf(path, sizeof(path), "%s/foo.service.d/bad.conf", units);
	f = fopen(path, "w");
	if (!f) {
		CHECK_FAIL("cannot write %s", path);
		return;
	}
	fputs("[Service]\nNice=5\n[X-GPUMemory]\nPurge=sometimes\n", f);
	fclose(f);
	RUN(&r, root, "apply");
	snprintf(want, sizeof(want), "gpumemctl: %s:4: Purge: invalid value 'sometimes'",
		 path);
	check_error(&r, GM_EXIT_FAILURE, want);
	RUN(&r, root, "apply", path);
	check_error(&r, GM_EXIT_FAILURE, want);
	/* a valid file: foo.service runs in the fake tree, needs the family */
	snprintf(path, sizeof(path), "%s/foo.service.d/bad.conf", units);
	CHECK(!tree_put(units, "foo.service.d/bad.conf", "[X-GPUMemory]\nPurge=last\n"));
	RUN(&r, root, "apply");
	CHECK_INT(r.status, GM_EXIT_NO_GPUMEM);
	CHECK_STR(r.err, NO_FAMILY);
	CHECK_STR(r.out, "");
	/* --optional (the generator's, gpumemctl.service's): a warning */
	RUN(&r, root, "apply", "--optional");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "gpumemctl: warning: the 'gpumem' generic netlink family is not available: " GM_NO_FAMILY_WHY "; not applied: foo.service\n");
	CHECK_STR(r.out, "");
	RUN(&r, root, "apply", "--optional", "foo.service");
	CHECK_INT(r.status, 0);
	CHECK_HAS(r.err, "gpumemctl: warning: ");
	/* ... unless the unit asks for Strict=yes */
	CHECK(!tree_put(units, "foo.service.d/strict.conf", "[X-GPUMemory]\nStrict=yes\n"));
	RUN(&r, root, "apply", "--optional", "foo.service");
	check_error(&r, GM_EXIT_NO_GPUMEM,
		    "gpumemctl: apply: foo.service has Strict=yes: the 'gpumem' generic netlink family is not available: " GM_NO_FAMILY_WHY "\n");
	snprintf(path, sizeof(path), "%s/foo.service.d/strict.conf", units);
	unlink(path);
	snprintf(path, sizeof(path), "%s/foo.service.d/bad.conf", units);
	/* a unit that is nowhere on the search path */
	RUN(&r, root, "apply", "--optional", "nope.service");
	check_error(&r, GM_EXIT_FAILURE,
		    "gpumemctl: nope.service: no such unit: no unit file or drop-in of this name on the unit search path");
	/* every error of a file, one line each */
	CHECK(!tree_put(units, "foo.service.d/bad.conf",
			"[X-GPUMemory]\nPurge=sometimes\nSwapBudget=lots\nVRAMMax=1\n"));
	RUN(&r, root, "apply", "foo.service");
	CHECK_INT(r.status, GM_EXIT_FAILURE);
	snprintf(want, sizeof(want),
		 "gpumemctl: %s:2: Purge: invalid value 'sometimes' (expected first, last or never)\n"
		 "gpumemctl: %s:3: SwapBudget: invalid SIZE 'lots'", path, path);
	CHECK_HAS(r.err, want);
	CHECK(!tree_put(units, "foo.service.d/bad.conf", "[X-GPUMemory]\nPurge=last\n"));
	/* a unit that is not running is skipped: nothing to send, status 0 */
	unlink(path);
	snprintf(path, sizeof(path), "%s/gone.service", units);
	CHECK(!tree_put(units, "gone.service", "[X-GPUMemory]\nSwapBudget=1G\n"));
	RUN(&r, root, "apply");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "gpumemctl: apply: gone.service: not running, skipped\n");
	CHECK_STR(r.out, "");
	/* a template is skipped, saying how its instances get it */
	unlink(path);
	snprintf(path, sizeof(path), "%s/worker@.service", units);
	CHECK(!tree_put(units, "worker@.service", "[X-GPUMemory]\nSwapBudget=1G\n"));
	RUN(&r, root, "apply");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "gpumemctl: apply: worker@.service: a template, skipped: its instances take its policy by name (apply worker@INSTANCE.service)\n");
	/* nothing configured at all: status 0, the family is not needed */
	unlink(path);
	RUN(&r, root, "apply");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	unsetenv("GPUMEM_UNIT_PATH");
	unsetenv("GPUMEM_CONFIG_DIR");
}

static const struct check_case cases[] = {
	CASE(test_help),
	CASE(test_command_help),
	CASE(test_help_write_error),
	CASE(test_version),
	CASE(test_usage_errors),
	CASE(test_no_family),
	CASE(test_no_family_with_cgroups),
	CASE(test_output_file),
	CASE(test_cgroup_errors),
	CASE(test_oci_hook),
	CASE(test_apply),
};

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s GPUMEMCTL VERSION\n", argv[0]);
		return 2;
	}
	bin = argv[1];
	version = argv[2];
	if (!tree_create(root, sizeof(root)) ||
	    tree_mkdir(root, "system.slice/foo.service") ||
	    tree_mkdir(root, "batch.slice") ||
	    tree_mkdir(root, "a.slice/amb.service") ||
	    tree_mkdir(root, "b.slice/amb.service")) {
		printf("Bail out! cannot build a fake cgroup tree: %s\n",
		       strerror(errno));
		return 1;
	}
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(root);
	return ret;
}
