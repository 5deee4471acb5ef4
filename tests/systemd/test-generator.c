// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem-generator on fixture unit trees: what it writes for services,
 * slices, resets, errors and unit types it cannot serve, and that systemd
 * accepts the result: `systemd-analyze verify` on the generated units, with
 * the fixture trees and the output as the unit path, must print nothing.
 *
 * Usage: test-generator GENERATOR GPUMEMCTL UNIT...
 * (UNITs: the shipped units, gpumemctl.service first, configured with
 * GPUMEMCTL, so that verify finds its command.)
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "check.h"
#include "fstree.h"

static const char *generator, *gpumemctl, *service;
static char **shipped;		/* the shipped units, NULL-terminated */
static char root[1024];
static char etc[1100], usr[1100], out[1100], conf[1100];

struct result {
	int status;
	char text[16384];	/* stdout and stderr */
};

/*
 * Run @argv with the fixture's unit path and config dir, and @gpumemctl
 * as the command generated units run.
 */
static void run(struct result *r, char *const argv[])
{
	char unit_path[4096];
	FILE *f = tmpfile();
	int status;
	size_t n;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (!f) {
		CHECK_FAIL("tmpfile: %s", strerror(errno));
		return;
	}
	/*
	 * The generator's output between etc and usr, as systemd orders
	 * /etc, /run/systemd/generator and /usr; then (trailing ':') the
	 * defaults, for systemd-analyze's own units.
	 */
	snprintf(unit_path, sizeof(unit_path), "%s:%s:%s:", etc, out, usr);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (dup2(fileno(f), 1) < 0 || dup2(fileno(f), 2) < 0)
			_exit(126);
		setenv("GPUMEM_UNIT_PATH", unit_path, 1);
		setenv("SYSTEMD_UNIT_PATH", unit_path, 1);
		setenv("GPUMEM_CONFIG_DIR", conf, 1);
		setenv("GPUMEM_GPUMEMCTL", gpumemctl, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		CHECK_FAIL("running %s: %s", argv[0], strerror(errno));
		fclose(f);
		return;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	rewind(f);
	n = fread(r->text, 1, sizeof(r->text) - 1, f);
	r->text[n] = '\0';
	fclose(f);
}

static void generate(struct result *r)
{
	run(r, (char *[]){ (char *)generator, out, out, out, NULL });
}

/* systemd-analyze verify @units: status 0 and not a word of complaint. */
static void verify(char *const units[])
{
	char *argv[16] = { "systemd-analyze", "verify", "--man=no" };
	struct result r;
	size_t i;

	for (i = 0; units[i] && i + 4 < 16; i++)
		argv[3 + i] = units[i];
	run(&r, argv);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.text, "");
}

static void put(const char *rel, const char *text)
{
	int ret = tree_put(root, rel, text);

	if (ret)
		CHECK_FAIL("cannot write %s/%s: %s", root, rel, strerror(-ret));
}

/* The content of out/@rel, or "" (and a failed check) if it is missing. */
static const char *output(const char *rel)
{
	static char buf[8192];
	char path[PATH_MAX];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out, rel);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		CHECK_FAIL("%s: %s", path, strerror(errno));
		return buf;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool output_exists(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", out, rel);
	return !access(path, F_OK);
}

/* Number of entries under out/, recursively (directories included). */
static int count_entries(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			n += count_entries(path);
	}
	closedir(d);
	return n;
}

static void fresh(void)
{
	tree_remove(root);
	mkdir(root, 0700);
	tree_mkdir(root, "etc");
	tree_mkdir(root, "usr");
	tree_mkdir(root, "out");
	tree_mkdir(root, "conf");
}

static void test_service(void)
{
	char want[4096];
	struct result r;

	fresh();
	put("usr/render.service",
	    "[Unit]\nDescription=a renderer\n\n[Service]\nExecStart=/bin/true\n"
	    "DynamicUser=yes\n\n[X-GPUMemory]\nPurge=never\nSwapBudget=2G\n");
	put("etc/render.service.d/10-wb.conf",
	    "[X-GPUMemory]\nWriteback=deferred\n");
	put("usr/plain.service", "[Service]\nExecStart=/bin/true\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.text, "");
	snprintf(want, sizeof(want),
		 "[Service]\nExecStartPre=+%s apply --optional render.service\n",
		 gpumemctl);
	CHECK_HAS(output("render.service.d/00-gpumem-policy.conf"), want);
	snprintf(want, sizeof(want), "# From %s/render.service\n# From %s/render.service.d/10-wb.conf\n",
		 usr, etc);
	CHECK_HAS(output("render.service.d/00-gpumem-policy.conf"), want);
	/* nothing for the unit without a policy */
	CHECK_INT(count_entries(out), 2);
	verify((char *[]){ "render.service", NULL });
}

static void test_slice(void)
{
	char want[4096], link[PATH_MAX], path[PATH_MAX];
	struct result r;
	ssize_t n;

	fresh();
	/* a slice with no unit file, named by its drop-in alone */
	put("etc/batch.slice.d/gpumem.conf",
	    "[X-GPUMemory]\nPurge=last\nSwapBudget=8M\n");
	put("usr/a-b.slice", "[Unit]\nDescription=a nested slice\n"
	    "[X-GPUMemory]\nPurge=first\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.text, "");
	snprintf(want, sizeof(want),
		 "[Unit]\nDescription=GPU memory policy of batch.slice\n"
		 "Documentation=man:gpumemctl(8)\nDefaultDependencies=no\n"
		 "BindsTo=batch.slice\nAfter=batch.slice\n"
		 "Conflicts=shutdown.target\nBefore=shutdown.target\n\n"
		 "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
		 "ExecStart=%s apply --optional batch.slice\n", gpumemctl);
	CHECK_HAS(output("gpumem-batch.slice.service"), want);
	/* the slice wants it: starting the slice starts the policy unit */
	snprintf(path, sizeof(path),
		 "%s/batch.slice.wants/gpumem-batch.slice.service", out);
	n = readlink(path, link, sizeof(link) - 1);
	CHECK(n > 0);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%s/gpumem-batch.slice.service", out);
	CHECK_STR(link, want);
	CHECK_HAS(output("gpumem-a-b.slice.service"), "BindsTo=a-b.slice\n");
	CHECK(output_exists("a-b.slice.wants/gpumem-a-b.slice.service"));
	verify((char *[]){ "batch.slice", "gpumem-batch.slice.service",
			   "a-b.slice", "gpumem-a-b.slice.service", NULL });
}

/* Resets in a later drop-in leave nothing to put in place. */
static void test_reset(void)
{
	struct result r;

	fresh();
	put("usr/render.service", "[Service]\nExecStart=/bin/true\n"
	    "[X-GPUMemory]\nPurge=never\nSwapBudget=2G\n");
	put("etc/render.service.d/99-off.conf",
	    "[X-GPUMemory]\nPurge=\nSwapBudget=\n");
	/* a drop-in masked by one of the same name in a higher directory */
	put("usr/batch.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=last\n");
	put("etc/batch.slice.d/gpumem.conf", "# off here\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.text, "");
	CHECK_INT(count_entries(out), 0);
}

/*
 * A broken file is reported, and its unit still gets the command, which
 * will fail with the same error when the unit starts.
 */
static void test_errors(void)
{
	char want[4096];
	struct result r;

	fresh();
	put("etc/render.service", "[Service]\nExecStart=/bin/true\n"
	    "[X-GPUMemory]\nPurge=sometimes\n");
	put("usr/batch.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=last\n");
	put("etc/batch.slice.d/20-bad.conf", "[X-GPUMemory]\nSwapBudget=lots\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	snprintf(want, sizeof(want),
		 "gpumem-generator: %s/render.service:4: Purge: invalid value 'sometimes'",
		 etc);
	CHECK_HAS(r.text, want);
	snprintf(want, sizeof(want),
		 "gpumem-generator: %s/batch.slice.d/20-bad.conf:2: SwapBudget: invalid SIZE 'lots'",
		 etc);
	CHECK_HAS(r.text, want);
	CHECK_HAS(output("render.service.d/00-gpumem-policy.conf"),
		  "# A file of it has an error: the command below fails with it.\n");
	CHECK_HAS(output("render.service.d/00-gpumem-policy.conf"),
		  "ExecStartPre=+");
	CHECK_HAS(output("gpumem-batch.slice.service"),
		  "ExecStart=");
	verify((char *[]){ "render.service", "gpumem-batch.slice.service",
			   NULL });
}

static void test_unsupported(void)
{
	char want[512];
	struct result r;

	fresh();
	put("usr/worker@.socket", "[Socket]\nListenStream=/run/w\n"
	    "[X-GPUMemory]\nPurge=never\n");
	put("etc/pool@.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=last\n");
	put("etc/session-1.scope.d/gpumem.conf",
	    "[X-GPUMemory]\nPurge=first\n");
	put("usr/x.socket", "[Socket]\nListenStream=/run/x\n"
	    "[X-GPUMemory]\nPurge=first\n");
	put("etc/-.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=last\n");
	/* a slice name too long for gpumem-NAME.service */
	{
		char name[300];

		memset(name, 'a', 241);
		snprintf(name + 241, sizeof(name) - 241, ".slice.d/gpumem.conf");
		snprintf(want, sizeof(want), "etc/%s", name);
		put(want, "[X-GPUMemory]\nPurge=last\n");
	}
	generate(&r);
	CHECK_INT(r.status, 0);
	CHECK_HAS(r.text, "gpumem-generator: worker@.socket: not supported (templates other than services, the root slice, names too long for the generated unit): its policy is not applied\n");
	CHECK_HAS(r.text, "gpumem-generator: -.slice: not supported");
	CHECK_HAS(r.text, "gpumem-generator: pool@.slice: not supported");
	CHECK_HAS(r.text, "gpumem-generator: session-1.scope: only services and slices get their policy when they start; gpumemctl.service sets this one's only if it is running then\n");
	CHECK_HAS(r.text, "gpumem-generator: x.socket: only services and slices");
	CHECK_HAS(r.text, "gpumem-generator: aaaa");
	CHECK_INT(count_entries(out), 0);
}

/*
 * A template service's drop-in applies each instance's own policy (%n);
 * an instance's drop-in adds to it.
 */
static void test_template(void)
{
	char want[4096];
	struct result r;

	fresh();
	put("usr/worker@.service", "[Service]\nExecStart=/bin/true %i\n"
	    "[X-GPUMemory]\nPurge=never\n");
	put("etc/worker@2.service.d/budget.conf",
	    "[X-GPUMemory]\nSwapBudget=1G\n");
	/* an instance named ".x", not a template */
	put("etc/worker@.x.service.d/budget.conf",
	    "[X-GPUMemory]\nSwapBudget=2G\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.text, "");
	snprintf(want, sizeof(want),
		 "[Service]\nExecStartPre=+%s apply --optional %%n\n", gpumemctl);
	CHECK_HAS(output("worker@.service.d/00-gpumem-policy.conf"), want);
	snprintf(want, sizeof(want),
		 "[Service]\nExecStartPre=+%s apply --optional worker@2.service\n",
		 gpumemctl);
	CHECK_HAS(output("worker@2.service.d/00-gpumem-policy.conf"), want);
	snprintf(want, sizeof(want),
		 "[Service]\nExecStartPre=+%s apply --optional worker@.x.service\n",
		 gpumemctl);
	CHECK_HAS(output("worker@.x.service.d/00-gpumem-policy.conf"), want);
	verify((char *[]){ "worker@1.service", "worker@2.service", NULL });
}

/* systemd reads '\' in Exec lines as an escape: the name must survive. */
static void test_escaping(void)
{
	char want[4096];
	struct result r;

	fresh();
	put("usr/a\\x2db.service", "[Service]\nExecStart=/bin/true\n"
	    "[X-GPUMemory]\nPurge=never\n");
	generate(&r);
	CHECK_INT(r.status, 0);
	snprintf(want, sizeof(want),
		 "ExecStartPre=+%s apply --optional a\\\\x2db.service\n", gpumemctl);
	CHECK_HAS(output("a\\x2db.service.d/00-gpumem-policy.conf"), want);
	verify((char *[]){ "a\\x2db.service", NULL });
}

static void test_bad_invocation(void)
{
	char path[PATH_MAX];
	struct result r;

	fresh();
	run(&r, (char *[]){ (char *)generator, NULL });
	CHECK_INT(r.status, 2);
	CHECK_HAS(r.text, "usage: gpumem-generator NORMAL_DIR");
	/* an output directory it cannot write to */
	put("usr/render.service", "[X-GPUMemory]\nPurge=never\n");
	snprintf(path, sizeof(path), "%s/missing/dir", root);
	run(&r, (char *[]){ (char *)generator, path, NULL });
	CHECK_INT(r.status, 1);
	CHECK_HAS(r.text, "/missing/dir/render.service.d: No such file or directory");
}

/* The checker itself: verify must complain about a broken drop-in. */
static void test_verify_catches(void)
{
	struct result r;

	fresh();
	put("usr/render.service", "[Service]\nExecStart=/bin/true\n");
	put("out/render.service.d/00-gpumem-policy.conf",
	    "[Service]\nExecStartPre=+/nonexistent/gpumemctl apply render.service\nTypo=1\n");
	run(&r, (char *[]){ "systemd-analyze", "verify", "--man=no",
			    "render.service", NULL });
	CHECK_HAS(r.text, "Unknown key 'Typo'");
	CHECK_HAS(r.text, "/nonexistent/gpumemctl is not executable");
}

/*
 * The shipped units (gpumemctl.service, gpumem-textfile.service and its
 * timer, gpumem-cdi.service), as installed but for their command's path.
 */
static void test_shipped_service(void)
{
	fresh();
	verify(shipped);
}

static const struct check_case cases[] = {
	CASE(test_service),
	CASE(test_slice),
	CASE(test_reset),
	CASE(test_errors),
	CASE(test_unsupported),
	CASE(test_template),
	CASE(test_escaping),
	CASE(test_bad_invocation),
	CASE(test_verify_catches),
	CASE(test_shipped_service),
};

int main(int argc, char **argv)
{
	int ret;

	if (argc < 4) {
		printf("Bail out! usage: test-generator GENERATOR GPUMEMCTL UNIT...\n");
		return 1;
	}
	generator = argv[1];
	gpumemctl = argv[2];
	service = argv[3];
	shipped = argv + 3;
	if (!tree_create(root, sizeof(root))) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(usr, sizeof(usr), "%s/usr", root);
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(conf, sizeof(conf), "%s/conf", root);
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(root);
	return ret;
}
