// SPDX-License-Identifier: GPL-2.0
/*
 * show --output-file: the atomic write (gm_outfile) and the file it makes
 * for node_exporter's textfile collector, checked by promtool when it is
 * installed (Debian package prometheus).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fstree.h"
#include "outfile.h"
#include "output.h"
#include "size.h"

static char dir[1024];
static struct gm_err err;

/* The names in dir, sorted, joined by blanks ("" if empty). */
static const char *listing(void)
{
	static char buf[4096];
	struct dirent **names;
	size_t out = 0;
	int n, i;

	buf[0] = '\0';
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") &&
		    strcmp(names[i]->d_name, ".."))
			out += snprintf(buf + out, sizeof(buf) - out, "%s%s",
					out ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return buf;
}

static const char *contents(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return "(missing)";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_all(int fd, const char *text)
{
	size_t n = strlen(text);

	if (write(fd, text, n) != (ssize_t)n)
		CHECK_FAIL("write: %s", strerror(errno));
}

/*
 * While the new file is written, the old one is what readers see, whole;
 * the temporary file is hidden from the collector's *.prom glob; the new
 * file appears with mode 0644 whatever the umask.
 */
static void test_replace(void)
{
	char path[1100];
	struct gm_outfile o;
	struct stat st;
	mode_t old_umask = umask(077);
	const char *names;

	snprintf(path, sizeof(path), "%s/gpumem.prom", dir);
	CHECK(!tree_put(dir, "gpumem.prom", "old 1\n"));
	CHECK_INT(gm_outfile_open(&o, path, &err), 0);
	write_all(o.fd, "new 1\n");
	CHECK_STR(contents(path), "old 1\n");
	/* ".gpumem.prom.XXXXXX gpumem.prom": not matched by *.prom */
	names = listing();
	CHECK(!strncmp(names, ".gpumem.prom.", 13));
	CHECK_INT(strlen(names), strlen(".gpumem.prom.XXXXXX gpumem.prom"));
	CHECK_HAS(names, " gpumem.prom");
	write_all(o.fd, "new 2\n");
	CHECK_STR(contents(path), "old 1\n");
	CHECK_INT(gm_outfile_commit(&o, &err), 0);
	CHECK_STR(contents(path), "new 1\nnew 2\n");
	CHECK_STR(listing(), "gpumem.prom");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0644);
	umask(old_umask);
}

/* A failed run leaves the old file as it was and nothing else. */
static void test_abort(void)
{
	char path[1100];
	struct gm_outfile o;

	snprintf(path, sizeof(path), "%s/gpumem.prom", dir);
	CHECK(!tree_put(dir, "gpumem.prom", "old 1\n"));
	CHECK_INT(gm_outfile_open(&o, path, &err), 0);
	write_all(o.fd, "partial");
	gm_outfile_abort(&o);
	CHECK_STR(contents(path), "old 1\n");
	CHECK_STR(listing(), "gpumem.prom");
	unlink(path);
}

static void test_errors(void)
{
	char path[1100];
	struct gm_outfile o;

	snprintf(path, sizeof(path), "%s/nonexistent/gpumem.prom", dir);
	CHECK_INT(gm_outfile_open(&o, path, &err), -ENOENT);
	CHECK_HAS(err.msg, "cannot create a temporary file beside it");
	CHECK_HAS(err.msg, path);
	snprintf(path, sizeof(path), "%s/", dir);
	CHECK_INT(gm_outfile_open(&o, path, &err), -EINVAL);
	CHECK_HAS(err.msg, "not a file name");
	CHECK_INT(gm_outfile_open(&o, "", &err), -EINVAL);
	/* the target is a directory: rename fails, the temp file goes */
	CHECK(!tree_mkdir(dir, "sub/x"));
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK_INT(gm_outfile_open(&o, path, &err), 0);
	CHECK(gm_outfile_commit(&o, &err) < 0);
	CHECK_HAS(err.msg, "renaming");
	CHECK_STR(listing(), "sub");
	tree_remove(path);
}

static bool have_promtool(void)
{
	return !system("command -v promtool >/dev/null 2>&1");
}

/* promtool check metrics < @path (what it says to @out): 0 if it passes. */
static int promtool(const char *path, const char *out)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' >%s 2>&1",
		 path, out);
	return system(cmd);
}

static void set_attr(struct gm_record *r, unsigned int type, uint64_t v)
{
	r->a.val[type] = v;
	r->a.has |= 1u << type;
}

/*
 * What show --output-file writes for the collector passes promtool's
 * checks (format and its lint rules): every metric, labels with quotes,
 * backslashes, newlines and bytes that are not UTF-8, a record without
 * policy, one without path.
 */
static void test_promtool(void)
{
	static const char *const paths[] = {
		"/", "/system.slice/a \"b\"\\c\nd", "/x\xff\xc3\xa9", NULL,
	};
	struct gm_record recs[4];
	char path[1100];
	struct gm_outfile o;
	unsigned int t;
	size_t i;
	FILE *f;

	if (!have_promtool()) {
		check_skip("no promtool (Debian package prometheus)");
		return;
	}
	/* promtool does check: a broken file fails */
	snprintf(path, sizeof(path), "%s/broken.prom", dir);
	CHECK(!tree_put(dir, "broken.prom", "gpumem_x{cgroup=\"a} 1\n"));
	CHECK(promtool(path, "/dev/null") != 0);
	unlink(path);

	memset(recs, 0, sizeof(recs));
	for (i = 0; i < 4; i++) {
		recs[i].path = (char *)paths[i];
		for (t = GPUMEM_A_CGROUP_ID; t < GM_ATTR_SLOTS; t++)
			set_attr(&recs[i], t, 4096 * (i + 1));
		set_attr(&recs[i], GPUMEM_A_CGROUP_ID, 10 + i);
		set_attr(&recs[i], GPUMEM_A_CGROUP_PURGE, GPUMEM_PURGE_LAST);
		set_attr(&recs[i], GPUMEM_A_CGROUP_EFFECTIVE_PURGE,
			 GPUMEM_PURGE_LAST);
		set_attr(&recs[i], GPUMEM_A_CGROUP_WRITEBACK,
			 GPUMEM_WRITEBACK_DEFERRED);
		set_attr(&recs[i], GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK,
			 GPUMEM_WRITEBACK_DEFERRED);
	}
	recs[1].a.has &= ~(1u << GPUMEM_A_CGROUP_EFFECTIVE_WRITEBACK);
	set_attr(&recs[2], GPUMEM_A_CGROUP_SWAP_BUDGET, GM_SIZE_MAX);

	snprintf(path, sizeof(path), "%s/gpumem.prom", dir);
	CHECK_INT(gm_outfile_open(&o, path, &err), 0);
	f = fdopen(dup(o.fd), "w");
	CHECK(f != NULL);
	if (!f)
		return;
	gm_print_records(f, recs, 4, GM_FORMAT_PROMETHEUS, false, false);
	CHECK_INT(fclose(f), 0);
	CHECK_INT(gm_outfile_commit(&o, &err), 0);
	if (promtool(path, "/dev/stderr"))
		CHECK_FAIL("promtool check metrics fails on:\n%s",
			   contents(path));
	CHECK_HAS(contents(path),
		  "\ngpumem_policy_info{cgroup=\"/\",cgroup_id=\"10\",purge=\"last\",writeback=\"deferred\"} 1\n");
	CHECK_HAS(contents(path), "cgroup=\"/x\xef\xbf\xbd\xc3\xa9\"");
	unlink(path);
}

int main(void)
{
	static const struct check_case cases[] = {
		CASE(test_replace),
		CASE(test_abort),
		CASE(test_errors),
		CASE(test_promtool),
	};
	int ret;

	if (!tree_create(dir, sizeof(dir))) {
		printf("Bail out! cannot create a directory: %s\n",
		       strerror(errno));
		return 1;
	}
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(dir);
	return ret;
}
