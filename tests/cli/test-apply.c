// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl apply: finding, parsing and merging policy files, on fixture
 * unit trees under a temporary directory ($GPUMEM_UNIT_PATH with an "etc"
 * and a "usr" directory, $GPUMEM_CONFIG_DIR).
 */
#include <stdlib.h>

#include "apply.h"
#include "check.h"
#include "fstree.h"
#include "size.h"

static char root[1024];
static char etc[1100], usr[1100], conf[1100];

static void put(const char *rel, const char *text)
{
	int ret = tree_put(root, rel, text);

	if (ret)
		CHECK_FAIL("cannot write %s/%s: %s", root, rel, strerror(-ret));
}

/* A fresh fixture: empty etc, usr and conf. */
static void fresh(void)
{
	tree_remove(root);
	mkdir(root, 0700);
	tree_mkdir(root, "etc");
	tree_mkdir(root, "usr");
	tree_mkdir(root, "conf");
}

static void load(struct gm_apply_list *l, const char *const *files, size_t n)
{
	struct gm_err err;

	memset(l, 0, sizeof(*l));
	CHECK_INT(gm_apply_load(l, files, n, &err), 0);
}

static const struct gm_apply_item *find(const struct gm_apply_list *l,
					const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if ((l->items[i].unit && !strcmp(l->items[i].unit, name)) ||
		    (l->items[i].cgroup && !strcmp(l->items[i].cgroup, name)))
			return &l->items[i];
	return NULL;
}

static void test_fragment_only(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/job.service",
	    "[Unit]\nDescription=a job\n\n[Service]\nExecStart=/bin/true\n"
	    "# a comment\n; another\n[X-GPUMemory]\n  Purge =  last  \n"
	    "SwapBudget=2G\nWriteback=deferred\nVRAMMax=1G\n");
	put("usr/plain.service", "[Service]\nExecStart=/bin/true\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.nerrors, 0);
	it = find(&l, "job.service");
	CHECK(it != NULL);
	if (it) {
		CHECK(it->cgroup == NULL);
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_LAST);
		CHECK(HAS(it->policy, SWAP_BUDGET));
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 2ULL << 30);
		CHECK(HAS(it->policy, WRITEBACK) &&
		      VAL(it->policy, WRITEBACK) == GM_WRITEBACK_DEFERRED);
		CHECK(HAS(it->policy, VRAM_MAX));
		CHECK_U64(VAL(it->policy, VRAM_MAX), 1ULL << 30);
		CHECK_INT(it->nfiles, 1);
		CHECK_HAS(it->files[0], "/usr/job.service");
	}
	gm_apply_free(&l);
}

static void test_etc_overrides_usr(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\nSwapBudget=1G\n");
	put("etc/job.service", "[X-GPUMemory]\nPurge=never\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 1);
	it = find(&l, "job.service");
	if (it) {
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
		/* the /usr fragment is not read at all */
		CHECK(!HAS(it->policy, SWAP_BUDGET));
		CHECK_INT(it->nfiles, 1);
		CHECK_HAS(it->files[0], "/etc/job.service");
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
}

static void test_dropins_lexical(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\nSwapBudget=1G\n");
	put("etc/job.service.d/20-b.conf", "[X-GPUMemory]\nSwapBudget=3G\n");
	put("usr/job.service.d/10-a.conf",
	    "[X-GPUMemory]\nSwapBudget=2G\nPurge=never\n");
	put("usr/job.service.d/30-c.conf", "[X-GPUMemory]\nPurge=first\n");
	put("usr/job.service.d/README", "[X-GPUMemory]\nPurge=last\n");
	/* a slice only named by a drop-in (no fragment) */
	put("etc/batch.slice.d/gpumem.conf",
	    "[X-GPUMemory]\nSwapBudget=max\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.nerrors, 0);
	it = find(&l, "job.service");
	if (it) {
		CHECK(VAL(it->policy, PURGE) == GM_PURGE_FIRST);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 3ULL << 30);
		CHECK_INT(it->nfiles, 4);
		if (it->nfiles == 4) {
			CHECK_HAS(it->files[0], "/usr/job.service");
			CHECK_HAS(it->files[1], "/usr/job.service.d/10-a.conf");
			CHECK_HAS(it->files[2], "/etc/job.service.d/20-b.conf");
			CHECK_HAS(it->files[3], "/usr/job.service.d/30-c.conf");
		}
	} else {
		CHECK(it != NULL);
	}
	it = find(&l, "batch.slice");
	if (it) {
		CHECK(HAS(it->policy, SWAP_BUDGET));
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), GM_SIZE_MAX);
		CHECK(!HAS(it->policy, PURGE) && !HAS(it->policy, WRITEBACK));
	} else {
		CHECK(it != NULL);
	}
	/* units sorted by name */
	if (l.n == 2)
		CHECK_STR(l.items[0].unit, "batch.slice");
	gm_apply_free(&l);
}

static void test_dropin_masking(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/batch.slice.d/gpumem.conf",
	    "[X-GPUMemory]\nPurge=never\nSwapBudget=1G\n");
	put("etc/batch.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=last\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 1);
	it = find(&l, "batch.slice");
	if (it) {
		CHECK(VAL(it->policy, PURGE) == GM_PURGE_LAST);
		CHECK(!HAS(it->policy, SWAP_BUDGET));	/* masked, unread */
		CHECK_INT(it->nfiles, 1);
		CHECK_HAS(it->files[0], "/etc/batch.slice.d/gpumem.conf");
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);

	/* an empty fragment masks its unit, drop-ins and all */
	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\n");
	put("etc/job.service", "");
	put("usr/job.service.d/gpumem.conf", "[X-GPUMemory]\nSwapBudget=1G\n");
	load(&l, NULL, 0);
	CHECK(find(&l, "job.service") == NULL);
	gm_apply_free(&l);

	/* a link to /dev/null masks as well, and says nothing */
	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\n");
	put("usr/job.service.d/gpumem.conf", "[X-GPUMemory]\nSwapBudget=1G\n");
	tree_mkdir(root, "etc/job.service.d");
	{
		char link[PATH_MAX];

		snprintf(link, sizeof(link), "%s/job.service.d/gpumem.conf", etc);
		CHECK(!symlink("/dev/null", link));
	}
	load(&l, NULL, 0);
	CHECK_INT(l.nerrors, 0);
	it = find(&l, "job.service");
	if (it) {
		CHECK(!HAS(it->policy, SWAP_BUDGET));
		CHECK_INT(it->nfiles, 1);
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
}

/*
 * Drop-in directories systemd gives to many units (type-wide, prefix) are
 * not read: a policy there is an error, not a silent no-op.  Names systemd
 * would not take are no units.
 */
static void test_shared_dropins(void)
{
	struct gm_apply_list l;
	char want[2048];

	fresh();
	put("etc/service.d/gpumem.conf", "# all services\n[X-GPUMemory]\nPurge=never\n");
	put("usr/render-.service.d/gpumem.conf", "[X-GPUMemory]\nPurge=never\n");
	put("usr/other-.service.d/other.conf", "[Service]\nNice=5\n");
	put("usr/bad%name.service", "[X-GPUMemory]\nPurge=never\n");
	put("usr/two words.service", "[X-GPUMemory]\nPurge=never\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(l.nerrors, 2);
	if (l.nerrors == 2) {
		snprintf(want, sizeof(want),
			 "%s/service.d/gpumem.conf:2: [X-GPUMemory]: not read in a drop-in directory shared by several units",
			 etc);
		CHECK_HAS(l.errors[0], want);
		snprintf(want, sizeof(want),
			 "%s/render-.service.d/gpumem.conf:1: [X-GPUMemory]: not read",
			 usr);
		CHECK_HAS(l.errors[1], want);
	}
	gm_apply_free(&l);
}

static void test_empty_resets(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/job.service",
	    "[X-GPUMemory]\nPurge=last\nSwapBudget=1G\nWriteback=deferred\n");
	put("etc/job.service.d/reset.conf",
	    "[X-GPUMemory]\nPurge=\nSwapBudget =\n");
	put("etc/other.service",
	    "[X-GPUMemory]\nPurge=last\nPurge=\n");
	load(&l, NULL, 0);
	CHECK_INT(l.nerrors, 0);
	it = find(&l, "job.service");
	if (it) {
		CHECK(!HAS(it->policy, PURGE));
		CHECK(!HAS(it->policy, SWAP_BUDGET));
		CHECK(HAS(it->policy, WRITEBACK));
	} else {
		CHECK(it != NULL);
	}
	it = find(&l, "other.service");
	if (it)
		CHECK(gm_policy_args_empty(&it->policy));
	else
		CHECK(it != NULL);
	gm_apply_free(&l);
}

static void test_other_sections_ignored(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;

	fresh();
	put("usr/job.service",
	    "[Unit]\nPurge=never\nno equals sign here\n[Service]\n"
	    "SwapBudget=bogus\n[X-Other]\nPurge=nonsense\n[X-GPUMemory]\n"
	    "Writeback=immediate\n[Install]\nWantedBy=multi-user.target\n"
	    "Purge=last\n");
	put("usr/noisy.service", "[Service]\nExecStart=/bin/true\n");
	load(&l, NULL, 0);
	CHECK_INT(l.nerrors, 0);
	CHECK_INT(l.n, 1);
	it = find(&l, "job.service");
	if (it) {
		CHECK(!HAS(it->policy, PURGE));
		CHECK(!HAS(it->policy, SWAP_BUDGET));
		CHECK(HAS(it->policy, WRITEBACK) &&
		      VAL(it->policy, WRITEBACK) == GM_WRITEBACK_IMMEDIATE);
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
}

static void test_errors(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char want[2048];

	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\n");
	put("etc/job.service.d/10-bad.conf",
	    "[X-GPUMemory]\nWriteback=deferred\n# ok so far\nSwapBudget=lots\n");
	put("etc/job.service.d/20-key.conf",
	    "[X-GPUMemory]\nPurge=never\nPurg=first\n");
	put("etc/job.service.d/30-eq.conf", "[X-GPUMemory]\nPurge\n");
	put("etc/job.service.d/40-hdr.conf", "[X-GPUMemory\nPurge=never\n");
	put("etc/job.service.d/50-val.conf", "[X-GPUMemory]\nPurge=sometimes\n");
	put("etc/job.service.d/60-cg.conf", "[X-GPUMemory]\nCgroup=/x\n");
	put("etc/bad.service", "[X-GPUMemory]\nWriteback=later\n");
	put("etc/vram.service", "[X-GPUMemory]\nVRAMMax=1,5G\n");
	load(&l, NULL, 0);
	CHECK_INT(l.nerrors, 8);
	if (l.nerrors == 8) {
		snprintf(want, sizeof(want),
			 "%s/job.service.d/10-bad.conf:4: SwapBudget: invalid SIZE 'lots'",
			 etc);
		CHECK_HAS(l.errors[1], want);
		snprintf(want, sizeof(want),
			 "%s/job.service.d/20-key.conf:3: Purg: unknown key",
			 etc);
		CHECK_HAS(l.errors[2], want);
		snprintf(want, sizeof(want),
			 "%s/job.service.d/30-eq.conf:2: Purge: missing '='",
			 etc);
		CHECK_HAS(l.errors[3], want);
		snprintf(want, sizeof(want),
			 "%s/job.service.d/40-hdr.conf:1: [X-GPUMemory: bad section header",
			 etc);
		CHECK_HAS(l.errors[4], want);
		snprintf(want, sizeof(want),
			 "%s/job.service.d/50-val.conf:2: Purge: invalid value 'sometimes'",
			 etc);
		CHECK_HAS(l.errors[5], want);
		snprintf(want, sizeof(want),
			 "%s/job.service.d/60-cg.conf:2: Cgroup: only in plain",
			 etc);
		CHECK_HAS(l.errors[6], want);
		snprintf(want, sizeof(want),
			 "%s/bad.service:2: Writeback: invalid value 'later'",
			 etc);
		CHECK_HAS(l.errors[0], want);
		snprintf(want, sizeof(want),
			 "%s/vram.service:2: VRAMMax: invalid SIZE '1,5G'",
			 etc);
		CHECK_HAS(l.errors[7], want);
	}
	/*
	 * bad.service had only a broken file: it is there, marked, with
	 * nothing to apply.
	 */
	it = find(&l, "bad.service");
	if (it) {
		CHECK(it->broken);
		CHECK(gm_policy_args_empty(&it->policy));
		CHECK_INT(it->nfiles, 0);
	} else {
		CHECK(it != NULL);
	}
	/* the broken drop-ins contribute nothing, the fragment still does */
	it = find(&l, "job.service");
	if (it) {
		CHECK(it->broken);
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_LAST);
		CHECK(!HAS(it->policy, WRITEBACK));
		CHECK(!HAS(it->policy, SWAP_BUDGET));
		CHECK_INT(it->nfiles, 1);
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
}

static void test_plain_config(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char want[2048];

	fresh();
	put("conf/a.conf",
	    "# for the render farm\n[X-GPUMemory]\nCgroup = /render\n"
	    "SwapBudget=512M\n");
	put("conf/b.conf", "[X-GPUMemory]\nPurge=last\n");
	put("conf/c.conf", "[X-GPUMemory]\nCgroup=nonsense\nPurge=last\n");
	put("conf/ignored.txt", "[X-GPUMemory]\nCgroup=/x\nPurge=last\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 1);
	it = find(&l, "/render");
	if (it) {
		CHECK(it->unit == NULL);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 512ULL << 20);
		CHECK(!HAS(it->policy, PURGE));
	} else {
		CHECK(it != NULL);
	}
	CHECK_INT(l.nerrors, 2);
	if (l.nerrors == 2) {
		snprintf(want, sizeof(want), "%s/b.conf:1: Cgroup: missing",
			 conf);
		CHECK_HAS(l.errors[0], want);
		snprintf(want, sizeof(want), "%s/c.conf:2: Cgroup: ", conf);
		CHECK_HAS(l.errors[1], want);
	}
	gm_apply_free(&l);
}

static void test_file_arguments(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char f1[2048], f2[2048], f3[2048], f4[2048];
	const char *files[4] = { f1, f2, f3, f4 };

	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\n");
	put("etc/job.service.d/10.conf", "[X-GPUMemory]\nSwapBudget=1G\n");
	put("usr/other.service", "[X-GPUMemory]\nPurge=never\n");
	put("conf/a.conf", "[X-GPUMemory]\nCgroup=/a\nPurge=first\n");
	put("conf/b.conf", "[X-GPUMemory]\nCgroup=/b\nPurge=first\n");
	put("elsewhere/x.conf", "[X-GPUMemory]\nCgroup=/x\nWriteback=deferred\n");
	put("elsewhere/job.service.d/90-extra.conf",
	    "[X-GPUMemory]\nWriteback=deferred\n");
	/* a drop-in means its unit, merged with the unit's other files */
	snprintf(f1, sizeof(f1), "%s/job.service.d/10.conf", etc);
	snprintf(f2, sizeof(f2), "%s/b.conf", conf);
	snprintf(f3, sizeof(f3), "%s/elsewhere/x.conf", root);
	snprintf(f4, sizeof(f4), "%s/elsewhere/job.service.d/90-extra.conf",
		 root);
	load(&l, files, 4);
	CHECK_INT(l.nerrors, 0);
	CHECK_INT(l.n, 3);
	CHECK(find(&l, "other.service") == NULL);
	CHECK(find(&l, "/a") == NULL);
	it = find(&l, "job.service");
	if (it) {
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_LAST);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 1ULL << 30);
		CHECK(HAS(it->policy, WRITEBACK));
		CHECK_INT(it->nfiles, 3);
	} else {
		CHECK(it != NULL);
	}
	CHECK(find(&l, "/b") != NULL);
	it = find(&l, "/x");
	if (it)
		CHECK(HAS(it->policy, WRITEBACK));
	else
		CHECK(it != NULL);
	gm_apply_free(&l);
	/* a fragment by path; a missing file is an error */
	snprintf(f1, sizeof(f1), "%s/other.service", usr);
	snprintf(f2, sizeof(f2), "%s/nope.conf", root);
	load(&l, files, 2);
	CHECK_INT(l.n, 1);
	CHECK(find(&l, "other.service") != NULL);
	CHECK_INT(l.nerrors, 1);
	if (l.nerrors)
		CHECK_HAS(l.errors[0], "nope.conf: No such file");
	gm_apply_free(&l);
}

/*
 * An instance reads its template's files: the template's fragment unless
 * it has its own, the drop-ins of both; the template itself is an item.
 */
static void test_instances(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	const char *args[] = { "worker@1.service", "worker@2.service" };

	fresh();
	put("usr/worker@.service", "[X-GPUMemory]\nPurge=never\nSwapBudget=1G\n");
	put("usr/worker@.service.d/10-wb.conf", "[X-GPUMemory]\nWriteback=deferred\n");
	put("etc/worker@2.service.d/20-budget.conf", "[X-GPUMemory]\nSwapBudget=2G\n");
	put("etc/worker@2.service.d/10-wb.conf", "[X-GPUMemory]\nWriteback=\n");
	load(&l, args, 2);
	CHECK_INT(l.nerrors, 0);
	CHECK_INT(l.n, 2);
	it = find(&l, "worker@1.service");
	if (it) {
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 1ULL << 30);
		CHECK(HAS(it->policy, WRITEBACK));
		CHECK_INT(it->nfiles, 2);
	} else {
		CHECK(it != NULL);
	}
	it = find(&l, "worker@2.service");
	if (it) {
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 2ULL << 30);
		/* its own 10-wb.conf masks the template's */
		CHECK(!HAS(it->policy, WRITEBACK));
		CHECK_INT(it->nfiles, 3);
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
	CHECK(gm_unit_is_template("worker@.service"));
	CHECK(!gm_unit_is_template("worker@1.service"));
	CHECK(!gm_unit_is_template("worker@.x.service"));
	CHECK(!gm_unit_is_template("worker.service"));
	load(&l, NULL, 0);
	CHECK(find(&l, "worker@.service") != NULL);
	CHECK(find(&l, "worker@2.service") != NULL);
	gm_apply_free(&l);
}

/*
 * Lines go on after a trailing backslash, as systemd reads them; what is
 * wrong outside [X-GPUMemory] is systemd's business, not an error here.
 */
static void test_continuations(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char want[2048];

	fresh();
	put("usr/plain.service",
	    "[Service]\nExecStartPre=/bin/sh -c '\\\n"
	    "  [ -f /etc/foo ] || touch /etc/foo'\n"
	    "ExecStart=/bin/true\n[Install\n");
	put("usr/job.service",
	    "[Service]\nExecStart=/bin/sh -c 'echo \\\n"
	    "# a comment inside\n"
	    "[X-GPUMemory]'\n"
	    "[X-GPUMemory]\nSwapBudget=\\\n   2G\nPurge=\\\n; skipped\n never\n");
	put("usr/bad.service",
	    "[X-GPUMemory]\nPurge=\\\nsometimes\nWriteback=deferred\n");
	/* an escaped backslash ends the line; a comment never goes on */
	put("usr/esc.service",
	    "[Service]\nExecStart=/bin/echo foo\\\\\n[X-GPUMemory]\n"
	    "# a note \\\nPurge=never\n");
	/* CRLF ends lines (and continues them); a BOM is dropped */
	put("usr/dos.service",
	    "\xef\xbb\xbf[X-GPUMemory]\r\nSwapBudget=\\\r\n 1G\r\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 4);
	it = find(&l, "esc.service");
	if (it)
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
	else
		CHECK(it != NULL);
	it = find(&l, "dos.service");
	if (it)
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 1ULL << 30);
	else
		CHECK(it != NULL);
	CHECK(find(&l, "plain.service") == NULL);
	it = find(&l, "job.service");
	if (it) {
		CHECK(!it->broken);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 2ULL << 30);
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
	} else {
		CHECK(it != NULL);
	}
	/* an error names the first line of the continued one */
	CHECK_INT(l.nerrors, 1);
	snprintf(want, sizeof(want),
		 "%s/bad.service:2: Purge: invalid value 'sometimes'", usr);
	if (l.nerrors)
		CHECK_HAS(l.errors[0], want);
	gm_apply_free(&l);
}

/* A bare unit name is the unit as the search path has it, not a file. */
static void test_unit_arguments(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	const char *args[] = { "job.service", "batch.slice", "idle.service" };
	char cwd[PATH_MAX];

	fresh();
	put("usr/job.service", "[X-GPUMemory]\nPurge=last\n");
	put("etc/job.service.d/10.conf", "[X-GPUMemory]\nSwapBudget=1G\n");
	put("etc/batch.slice.d/gpumem.conf", "[X-GPUMemory]\nPurge=never\n");
	put("usr/other.service", "[X-GPUMemory]\nPurge=never\n");
	put("usr/idle.service", "[Service]\nExecStart=/bin/true\n");
	/* a file of the same name in the working directory is not read */
	put("cwd/job.service", "[X-GPUMemory]\nPurge=first\n");
	snprintf(cwd, sizeof(cwd), "%s/cwd", root);
	CHECK(!chdir(cwd));
	load(&l, args, 3);
	CHECK(!chdir("/"));
	CHECK_INT(l.nerrors, 0);
	CHECK_INT(l.n, 2);
	CHECK(find(&l, "other.service") == NULL);
	CHECK(find(&l, "idle.service") == NULL);
	it = find(&l, "job.service");
	if (it) {
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_LAST);
		CHECK_U64(VAL(it->policy, SWAP_BUDGET), 1ULL << 30);
		CHECK_INT(it->nfiles, 2);
	} else {
		CHECK(it != NULL);
	}
	it = find(&l, "batch.slice");
	if (it)
		CHECK(HAS(it->policy, PURGE) && VAL(it->policy, PURGE) == GM_PURGE_NEVER);
	else
		CHECK(it != NULL);
	gm_apply_free(&l);
}

/*
 * Every error of a file is reported, each with its line; the file applies
 * nothing.
 */
static void test_all_errors_of_a_file(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char want[2048];

	fresh();
	put("etc/job.service",
	    "[Service]\nExecStart=/bin/true\n"
	    "[X-GPUMemory]\nPurge=sometimes\nSwapBudget=1G\nWriteback=later\n"
	    "Purg=first\nVRAMMax\n[X-GPUMemory\n=2G\n");
	load(&l, NULL, 0);
	/* after the bad header, "=2G" is outside the section: not ours */
	CHECK_INT(l.nerrors, 5);
	if (l.nerrors == 5) {
		snprintf(want, sizeof(want), "%s/job.service:4: Purge: invalid value 'sometimes'", etc);
		CHECK_HAS(l.errors[0], want);
		snprintf(want, sizeof(want), "%s/job.service:6: Writeback: invalid value 'later'", etc);
		CHECK_HAS(l.errors[1], want);
		snprintf(want, sizeof(want), "%s/job.service:7: Purg: unknown key", etc);
		CHECK_HAS(l.errors[2], want);
		snprintf(want, sizeof(want), "%s/job.service:8: VRAMMax: missing '='", etc);
		CHECK_HAS(l.errors[3], want);
		snprintf(want, sizeof(want), "%s/job.service:9: [X-GPUMemory: bad section header", etc);
		CHECK_HAS(l.errors[4], want);
	}
	it = find(&l, "job.service");
	if (it) {
		CHECK(it->broken);
		CHECK(gm_policy_args_empty(&it->policy));
	} else {
		CHECK(it != NULL);
	}
	gm_apply_free(&l);
}

/* A UNIT argument with no file anywhere on the search path is an error. */
static void test_unit_not_found(void)
{
	struct gm_apply_list l;
	const char *args[] = { "nope.service", "idle.service",
			       "worker@1.service", "masked.service" };
	char want[4096];

	fresh();
	put("usr/idle.service", "[Service]\nExecStart=/bin/true\n");
	put("usr/worker@.service", "[X-GPUMemory]\nPurge=never\n");
	put("etc/masked.service", "");
	load(&l, args, 4);
	CHECK_INT(l.nerrors, 1);
	snprintf(want, sizeof(want),
		 "nope.service: no such unit: no unit file or drop-in of this name on the unit search path %s:%s",
		 etc, usr);
	if (l.nerrors)
		CHECK_STR(l.errors[0], want);
	/* the instance has its template's policy; idle.service none */
	CHECK_INT(l.n, 1);
	CHECK(find(&l, "worker@1.service") != NULL);
	gm_apply_free(&l);
}

/*
 * Strict= (a boolean as systemd reads it): later files override it, an
 * empty value resets it; a bad value is an error; plain files refuse it.
 */
static void test_strict(void)
{
	struct gm_apply_list l;
	const struct gm_apply_item *it;
	char want[2048];

	fresh();
	put("usr/a.service", "[X-GPUMemory]\nPurge=never\nStrict=yes\n");
	put("usr/b.service", "[X-GPUMemory]\nPurge=never\nStrict=On\n");
	put("etc/b.service.d/10.conf", "[X-GPUMemory]\nStrict=\n");
	put("usr/c.service", "[X-GPUMemory]\nPurge=never\n");
	put("usr/d.service", "[X-GPUMemory]\nPurge=never\nStrict=1\n");
	put("etc/d.service.d/10.conf", "[X-GPUMemory]\nStrict=false\n");
	put("usr/e.service", "[X-GPUMemory]\nPurge=never\nStrict=maybe\n");
	put("conf/p.conf", "[X-GPUMemory]\nCgroup=/p\nPurge=last\nStrict=yes\n");
	load(&l, NULL, 0);
	it = find(&l, "a.service");
	CHECK(it && it->strict);
	it = find(&l, "b.service");
	CHECK(it && !it->strict);
	it = find(&l, "c.service");
	CHECK(it && !it->strict);
	it = find(&l, "d.service");
	CHECK(it && !it->strict);
	it = find(&l, "e.service");
	CHECK(it && it->broken);
	CHECK(find(&l, "/p") == NULL);
	CHECK_INT(l.nerrors, 2);
	if (l.nerrors == 2) {
		snprintf(want, sizeof(want),
			 "%s/e.service:3: Strict: invalid value 'maybe' (expected yes or no)",
			 usr);
		CHECK_STR(l.errors[0], want);
		snprintf(want, sizeof(want), "%s/p.conf:4: Strict: only in units",
			 conf);
		CHECK_HAS(l.errors[1], want);
	}
	gm_apply_free(&l);
}

static void test_print(void)
{
	struct gm_apply_list l;
	char buf[4096] = "";
	FILE *f;

	fresh();
	put("usr/job.service",
	    "[X-GPUMemory]\nPurge=last\nSwapBudget=2G\nWriteback=deferred\n");
	load(&l, NULL, 0);
	CHECK_INT(l.n, 1);
	if (l.n != 1)
		return;
	f = fmemopen(buf, sizeof(buf), "w");
	gm_apply_print(f, &l.items[0], "/system.slice/job.service", 7, false);
	gm_apply_print(f, &l.items[0], "/system.slice/job.service", 7, true);
	fclose(f);
	CHECK_HAS(buf, "applied job.service (/system.slice/job.service): purge=last swap-budget=2G writeback=deferred\n");
	CHECK_HAS(buf, "{\"unit\":\"job.service\",\"cgroup\":null,\"path\":\"/system.slice/job.service\",\"id\":7,\"purge\":\"last\",\"swap_budget\":2147483648,\"writeback\":\"deferred\",\"files\":[\"");
	gm_apply_free(&l);
}

static const struct check_case cases[] = {
	CASE(test_fragment_only),
	CASE(test_etc_overrides_usr),
	CASE(test_dropins_lexical),
	CASE(test_dropin_masking),
	CASE(test_shared_dropins),
	CASE(test_empty_resets),
	CASE(test_other_sections_ignored),
	CASE(test_errors),
	CASE(test_plain_config),
	CASE(test_file_arguments),
	CASE(test_instances),
	CASE(test_continuations),
	CASE(test_unit_arguments),
	CASE(test_all_errors_of_a_file),
	CASE(test_unit_not_found),
	CASE(test_strict),
	CASE(test_print),
};

int main(void)
{
	char path[2300];
	int ret;

	if (!tree_create(root, sizeof(root))) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	snprintf(etc, sizeof(etc), "%s/etc", root);
	snprintf(usr, sizeof(usr), "%s/usr", root);
	snprintf(conf, sizeof(conf), "%s/conf", root);
	snprintf(path, sizeof(path), "%s:%s", etc, usr);
	setenv(GM_UNIT_PATH_ENV, path, 1);
	setenv(GM_CONFIG_DIR_ENV, conf, 1);
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(root);
	return ret;
}
