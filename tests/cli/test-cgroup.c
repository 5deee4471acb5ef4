// SPDX-License-Identifier: GPL-2.0
/*
 * CGROUP resolution, against a fake cgroup tree: a temporary directory
 * given to gpumemctl through GPUMEM_CGROUP_ROOT.  There, ids are inode
 * numbers (the file handles of ext4/tmpfs/overlayfs are not kernfs ids);
 * the real cgroup2 mount, when there is one, checks the kernfs handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "check.h"
#include "fstree.h"

static char root[1024];	/* leaves room for root + suffix in PATH_MAX */
static struct gm_err err;

static const char *const tree_dirs[] = {
	"init.scope",
	"system.slice/foo.service",
	"system.slice/bar.service/payload/inner",
	"system.slice/dup.service",
	"system.slice/sock.socket",
	"batch.slice/batch-gpu.slice/job.service",
	"batch.slice/batch-gpu.slice/run-1.scope",
	"batch.slice/batch-gpu.slice/batch-gpu-x.slice",
	"user.slice/user-1000.slice/session-2.scope",
	"user.slice/user-1000.slice/user@1000.service/app.slice/dup.service",
	"user.slice/user-1000.slice/user@1000.service/app.slice/mine.service",
	"a.slice/amb.service",
	"b.slice/amb.service",
	"odd dir/x.service",
	"odd dir.slice/y.service",
	"machine.slice/libpod-c1.scope/system.slice/foo.service",
	"machine.slice/libpod-c1.scope/system.slice/inner.service",
};

static int setup_tree(void)
{
	size_t i;

	if (!tree_create(root, sizeof(root)))
		return -errno;
	for (i = 0; i < sizeof(tree_dirs) / sizeof(tree_dirs[0]); i++)
		if (tree_mkdir(root, tree_dirs[i]))
			return -errno;
	if (tree_file(root, "system.slice/cgroup.procs") ||
	    tree_file(root, "system.slice/file.service") ||
	    tree_symlink(root, "system.slice/link.service", "foo.service"))
		return -errno;
	return 0;
}

static uint64_t inode_of(const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (stat(path, &st)) {
		CHECK_FAIL("stat(%s): %s", path, strerror(errno));
		return 0;
	}
	return st.st_ino;
}

/* @spec resolves to @rel, with the directory's inode as id, and back. */
static void check_resolves(const char *spec, const char *rel)
{
	struct gm_cgroup cg, back;
	char idspec[32];
	int ret;

	memset(&cg, 0, sizeof(cg));
	ret = gm_cgroup_resolve(root, spec, &cg, &err);
	if (ret) {
		CHECK_FAIL("resolve(\"%s\") = %d: %s", spec, ret, err.msg);
		return;
	}
	CHECK_STR(cg.path, rel);
	CHECK_U64(cg.id, inode_of(rel));
	snprintf(idspec, sizeof(idspec), "id:%llu", (unsigned long long)cg.id);
	ret = gm_cgroup_resolve(root, idspec, &back, &err);
	if (ret) {
		CHECK_FAIL("resolve(\"%s\") = %d: %s", idspec, ret, err.msg);
		return;
	}
	CHECK_STR(back.path, rel);
	CHECK_U64(back.id, cg.id);
}

static void check_fails(const char *spec, int expected, const char *needle)
{
	struct gm_cgroup cg;
	int ret;

	err.msg[0] = '\0';
	ret = gm_cgroup_resolve(root, spec, &cg, &err);
	if (ret != expected)
		CHECK_FAIL("resolve(\"%s\") = %d, expected %d (%s)", spec, ret,
			   expected, err.msg);
	CHECK_HAS(err.msg, needle);
}

static void test_check_kinds(void)
{
	static const struct {
		const char *spec;
		enum gm_cgroup_kind kind;
	} good[] = {
		{ "/", GM_CGROUP_PATH },
		{ "/a", GM_CGROUP_PATH },
		{ "a/b", GM_CGROUP_PATH },
		{ "/a.service", GM_CGROUP_PATH },
		{ "/a/...", GM_CGROUP_PATH },
		{ "a.slice", GM_CGROUP_SLICE },
		{ "-.slice", GM_CGROUP_SLICE },
		{ "a-b-c.slice", GM_CGROUP_SLICE },
		{ "a.service", GM_CGROUP_UNIT },
		{ "a.scope", GM_CGROUP_UNIT },
		{ "a.socket", GM_CGROUP_UNIT },
		{ "a.mount", GM_CGROUP_UNIT },
		{ "a.swap", GM_CGROUP_UNIT },
		{ "user@1000.service", GM_CGROUP_UNIT },
		{ "id:1", GM_CGROUP_ID },
		{ "id:18446744073709551615", GM_CGROUP_ID },
	};
	static const char *const bad[] = {
		"", "a", "a.target", "a.timer", ".service", ".slice",
		"a--b.slice", "-a.slice", "a-.slice", "--.slice", "id:",
		"id:0", "id:x", "id: 1", "id:1 ", "id:-1", "id:+1",
		"id:18446744073709551616", "ID:1", "/..", "/a/../b", "./a",
		"a/.", "..",
	};
	enum gm_cgroup_kind kind;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		kind = (enum gm_cgroup_kind)-1;
		if (gm_cgroup_check(good[i].spec, &kind, &err))
			CHECK_FAIL("check(\"%s\"): %s", good[i].spec, err.msg);
		else if (kind != good[i].kind)
			CHECK_FAIL("check(\"%s\"): kind %d, expected %d",
				   good[i].spec, kind, good[i].kind);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (gm_cgroup_check(bad[i], &kind, &err) != -EINVAL)
			CHECK_FAIL("check(\"%s\") accepted", bad[i]);
		CHECK_HAS(err.msg, "cgroup '");
	}
}

static void test_slice_path(void)
{
	char buf[PATH_MAX];

	CHECK_INT(gm_cgroup_slice_path("-.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/");
	CHECK_INT(gm_cgroup_slice_path("batch.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/batch.slice");
	CHECK_INT(gm_cgroup_slice_path("a-b.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/a.slice/a-b.slice");
	CHECK_INT(gm_cgroup_slice_path("a-b-c.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/a.slice/a-b.slice/a-b-c.slice");
	CHECK_INT(gm_cgroup_slice_path("user-1000.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/user.slice/user-1000.slice");
	/* systemd's \x2d escape is a literal part of the name */
	CHECK_INT(gm_cgroup_slice_path("a\\x2db.slice", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/a\\x2db.slice");
	CHECK_INT(gm_cgroup_slice_path("a--b.slice", buf, sizeof(buf)),
		  -EINVAL);
	CHECK_INT(gm_cgroup_slice_path("a.service", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(gm_cgroup_slice_path("a/b.slice", buf, sizeof(buf)), -EINVAL);
	CHECK_INT(gm_cgroup_slice_path("a-b.slice", buf, 10), -ENAMETOOLONG);
}

static void test_resolve_paths(void)
{
	char spec[PATH_MAX];

	check_resolves("/", "/");
	check_resolves("//", "/");
	check_resolves("/system.slice", "/system.slice");
	check_resolves("/system.slice/foo.service", "/system.slice/foo.service");
	check_resolves("//system.slice///foo.service/",
		       "/system.slice/foo.service");
	check_resolves("system.slice/foo.service", "/system.slice/foo.service");
	check_resolves("/system.slice/bar.service/payload/inner",
		       "/system.slice/bar.service/payload/inner");
	check_resolves("/odd dir/x.service", "/odd dir/x.service");

	/* full paths under the mount */
	check_resolves(root, "/");
	snprintf(spec, sizeof(spec), "%s/", root);
	check_resolves(spec, "/");
	snprintf(spec, sizeof(spec), "%s/system.slice/foo.service", root);
	check_resolves(spec, "/system.slice/foo.service");
	snprintf(spec, sizeof(spec), "%s//batch.slice/", root);
	check_resolves(spec, "/batch.slice");
}

static void test_resolve_paths_bad(void)
{
	char spec[PATH_MAX];

	check_fails("/nope", -ENOENT, "no such cgroup");
	check_fails("/system.slice/nope", -ENOENT, "/system.slice/nope");
	check_fails("/system.slice/cgroup.procs", -ENOTDIR, "no such cgroup");
	check_fails("/system.slice/../system.slice", -EINVAL, "'..'");
	check_fails("nope", -EINVAL, "not a cgroup");
	/* a path that merely starts like the mount is relative to it */
	snprintf(spec, sizeof(spec), "%sx/system.slice", root);
	check_fails(spec, -ENOENT, "no such cgroup");
}

static void test_resolve_units(void)
{
	check_resolves("-.slice", "/");
	check_resolves("batch.slice", "/batch.slice");
	check_resolves("batch-gpu.slice", "/batch.slice/batch-gpu.slice");
	check_resolves("batch-gpu-x.slice",
		       "/batch.slice/batch-gpu.slice/batch-gpu-x.slice");
	check_resolves("user-1000.slice", "/user.slice/user-1000.slice");
	check_resolves("foo.service", "/system.slice/foo.service");
	check_resolves("bar.service", "/system.slice/bar.service");
	check_resolves("sock.socket", "/system.slice/sock.socket");
	check_resolves("init.scope", "/init.scope");
	check_resolves("job.service",
		       "/batch.slice/batch-gpu.slice/job.service");
	check_resolves("run-1.scope",
		       "/batch.slice/batch-gpu.slice/run-1.scope");
	check_resolves("session-2.scope",
		       "/user.slice/user-1000.slice/session-2.scope");
	check_resolves("user@1000.service",
		       "/user.slice/user-1000.slice/user@1000.service");
	check_resolves("y.service", "/odd dir.slice/y.service");
	/* the user manager's and the container's units are not searched */
	check_resolves("dup.service", "/system.slice/dup.service");
	check_resolves("foo.service", "/system.slice/foo.service");
}

static void test_resolve_units_bad(void)
{
	check_fails("nope.service", -ENOENT, "no such unit cgroup");
	check_fails("mine.service", -ENOENT, "no such unit cgroup");
	check_fails("inner.service", -ENOENT, "no such unit cgroup");
	/* not below a slice */
	check_fails("x.service", -ENOENT, "no such unit cgroup");
	check_fails("file.service", -ENOENT, "no such unit cgroup");
	check_fails("link.service", -ENOENT, "no such unit cgroup");
	check_fails("amb.service", -ENOTUNIQ, "ambiguous");
	check_fails("amb.service", -ENOTUNIQ, "/a.slice/amb.service");
	check_fails("amb.service", -ENOTUNIQ, "/b.slice/amb.service");
	check_fails("nope.slice", -ENOENT, "/nope.slice");
	check_fails("app.slice", -ENOENT, "no such cgroup");
	check_fails("batch-nope.slice", -ENOENT, "batch.slice/batch-nope");
}

static void test_ids(void)
{
	enum gm_id_source source;
	char buf[PATH_MAX];
	uint64_t id;
	size_t i;

	/* every directory of the tree, and every parent on the way */
	for (i = 0; i < sizeof(tree_dirs) / sizeof(tree_dirs[0]); i++) {
		char rel[PATH_MAX], *slash;

		snprintf(rel, sizeof(rel), "/%s", tree_dirs[i]);
		for (;;) {
			check_resolves(rel, rel);
			slash = strrchr(rel, '/');
			if (!slash || slash == rel)
				break;
			*slash = '\0';
		}
	}
	CHECK_INT(gm_cgroup_id_at(AT_FDCWD, root, &id, &source), 0);
	CHECK_U64(id, inode_of("/"));
	CHECK_INT(source, GM_ID_INODE);
	CHECK_INT(gm_cgroup_find_id(root, id, buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/");

	/* an id that is in no directory of the tree */
	CHECK_INT(gm_cgroup_find_id(root, UINT64_MAX - 5, buf, sizeof(buf),
				    &err), -ENOENT);
	CHECK_HAS(err.msg, "no cgroup with this id");
	check_fails("id:18446744073709551610", -ENOENT,
		    "cgroup 'id:18446744073709551610': no cgroup with this id");
}

static void test_id_at_dirfd(void)
{
	uint64_t id, id2;
	int fd;

	fd = open(root, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(gm_cgroup_id_at(fd, "system.slice", &id, NULL), 0);
	CHECK_U64(id, inode_of("/system.slice"));
	CHECK_INT(gm_cgroup_id_at(fd, "", &id2, NULL), 0);
	CHECK_U64(id2, inode_of("/"));
	CHECK_INT(gm_cgroup_id_at(fd, "nope", &id, NULL), -ENOENT);
	close(fd);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static void test_mountinfo(void)
{
	static const char hybrid[] =
		"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		"50 1 8:1 / /cgroup2 rw shared:1 - ext4 /dev/cgroup2 rw\n"
		"31 23 0:28 / /sys/fs/cgroup ro shared:9 - tmpfs tmpfs ro\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw shared:10 - cgroup cgroup rw,cpu\n"
		"41 31 0:38 / /sys/fs/cgroup/my\\040unified rw shared:19 master:3 - cgroup2 cgroup2 rw,nsdelegate\n"
		"42 31 0:38 / /second rw - cgroup2 cgroup2 rw\n";
	static const char none[] =
		"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
	char path[PATH_MAX], buf[PATH_MAX];

	snprintf(path, sizeof(path), "%s.mountinfo", root);
	CHECK_INT(write_file(path, hybrid), 0);
	CHECK_INT(gm_cgroup_find_mount(path, buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/sys/fs/cgroup/my unified");
	CHECK_INT(gm_cgroup_find_mount(path, buf, 8, &err), -ENAMETOOLONG);

	CHECK_INT(write_file(path, none), 0);
	CHECK_INT(gm_cgroup_find_mount(path, buf, sizeof(buf), &err), -ENOENT);
	CHECK_HAS(err.msg, "cannot find the cgroup2 mount");
	CHECK_HAS(err.msg, GM_CGROUP_ROOT_ENV);
	unlink(path);
	CHECK_INT(gm_cgroup_find_mount(path, buf, sizeof(buf), &err), -ENOENT);
	CHECK_HAS(err.msg, "cannot read");
}

/* Which cgroup2 mount the mountinfo text @text gives (or why not). */
static const char *mount_of(const char *text, char *buf, size_t len)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s.mountinfo", root);
	if (write_file(path, text))
		return "(cannot write the fixture)";
	ret = gm_cgroup_find_mount(path, buf, len, &err);
	unlink(path);
	return ret ? err.msg : buf;
}

/*
 * The cgroup2 mount on the hosts podman and friends meet: a unified host,
 * a hybrid one (v1 under /sys/fs/cgroup, v2 at /sys/fs/cgroup/unified,
 * maybe another cgroup2 mount listed first), and mounts hidden by a later
 * mount over them or over a parent.
 */
static void test_mountinfo_hosts(void)
{
	static const char unified[] =
		"21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
		"25 21 0:22 / /sys rw - sysfs sysfs rw\n"
		"28 25 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
	static const char hybrid[] =
		"21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
		"25 21 0:22 / /sys rw - sysfs sysfs rw\n"
		"26 21 0:23 / /run/other rw - cgroup2 cgroup2 rw\n"
		"31 25 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n"
		"32 31 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
	/* a tmpfs over a unified /sys/fs/cgroup, a hybrid layout on it */
	static const char overmounted[] =
		"21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
		"25 21 0:22 / /sys rw - sysfs sysfs rw\n"
		"28 25 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
		"40 28 0:40 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		"41 40 0:41 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
	/* the hybrid tree hidden as a whole by a tmpfs over its parent */
	static const char hidden_parent[] =
		"21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
		"31 21 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
		"60 31 0:60 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		"70 21 0:38 / /mnt/cg rw - cgroup2 cgroup2 rw\n";
	/* every cgroup2 mount hidden */
	static const char all_hidden[] =
		"21 1 0:20 / / rw - ext4 /dev/sda1 rw\n"
		"28 21 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
		"40 28 0:40 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n";
	char buf[PATH_MAX];

	CHECK_STR(mount_of(unified, buf, sizeof(buf)), "/sys/fs/cgroup");
	CHECK_STR(mount_of(hybrid, buf, sizeof(buf)),
		  "/sys/fs/cgroup/unified");
	CHECK_STR(mount_of(overmounted, buf, sizeof(buf)),
		  "/sys/fs/cgroup/unified");
	CHECK_STR(mount_of(hidden_parent, buf, sizeof(buf)), "/mnt/cg");
	CHECK_HAS(mount_of(all_hidden, buf, sizeof(buf)),
		  "cannot find the cgroup2 mount");
}

static void test_root_env(void)
{
	char buf[PATH_MAX], spec[PATH_MAX];

	CHECK_INT(setenv(GM_CGROUP_ROOT_ENV, root, 1), 0);
	CHECK_INT(gm_cgroup_root(buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, root);
	snprintf(spec, sizeof(spec), "%s///", root);
	setenv(GM_CGROUP_ROOT_ENV, spec, 1);
	CHECK_INT(gm_cgroup_root(buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, root);

	setenv(GM_CGROUP_ROOT_ENV, "relative/dir", 1);
	CHECK_INT(gm_cgroup_root(buf, sizeof(buf), &err), -EINVAL);
	CHECK_HAS(err.msg, "not an absolute path");
	snprintf(spec, sizeof(spec), "%s/nope", root);
	setenv(GM_CGROUP_ROOT_ENV, spec, 1);
	CHECK_INT(gm_cgroup_root(buf, sizeof(buf), &err), -ENOENT);
	CHECK_HAS(err.msg, GM_CGROUP_ROOT_ENV " '");
	snprintf(spec, sizeof(spec), "%s/system.slice/cgroup.procs", root);
	setenv(GM_CGROUP_ROOT_ENV, spec, 1);
	CHECK_INT(gm_cgroup_root(buf, sizeof(buf), &err), -ENOTDIR);

	/* empty means unset: the mount from /proc/self/mountinfo */
	setenv(GM_CGROUP_ROOT_ENV, "", 1);
	if (!gm_cgroup_root(buf, sizeof(buf), &err))
		CHECK(buf[0] == '/');
	else
		CHECK_HAS(err.msg, "cannot find the cgroup2 mount");
	unsetenv(GM_CGROUP_ROOT_ENV);
}

/* The trailing slash of a root given by the caller does not matter. */
static void test_root_trailing_slash(void)
{
	char slashed[PATH_MAX], spec[PATH_MAX];
	struct gm_cgroup cg;

	snprintf(slashed, sizeof(slashed), "%s/", root);
	CHECK_INT(gm_cgroup_resolve(slashed, "/system.slice", &cg, &err), 0);
	CHECK_STR(cg.path, "/system.slice");
	snprintf(spec, sizeof(spec), "%s/system.slice", root);
	CHECK_INT(gm_cgroup_resolve(slashed, spec, &cg, &err), 0);
	CHECK_STR(cg.path, "/system.slice");
	CHECK_INT(gm_cgroup_resolve(slashed, "foo.service", &cg, &err), 0);
	CHECK_STR(cg.path, "/system.slice/foo.service");
}

/* On the real cgroup2 mount, ids come from FILEID_KERNFS handles. */
static void test_real_cgroup2(void)
{
	enum gm_id_source source = GM_ID_INODE;
	char mnt[PATH_MAX], idspec[32];
	struct gm_cgroup cg;
	struct stat st;
	uint64_t id;

	if (gm_cgroup_find_mount("/proc/self/mountinfo", mnt, sizeof(mnt),
				 &err)) {
		check_skip("no cgroup2 mount on this machine");
		return;
	}
	if (stat(mnt, &st)) {
		check_skip("cgroup2 mount not accessible");
		return;
	}
	CHECK_INT(gm_cgroup_id_at(AT_FDCWD, mnt, &id, &source), 0);
	CHECK_INT(source, GM_ID_KERNFS_HANDLE);
	/* on 64-bit kernels the kernfs id is the inode number */
	if (sizeof(long) == 8)
		CHECK_U64(id, st.st_ino);
	CHECK_INT(gm_cgroup_resolve(mnt, "/", &cg, &err), 0);
	CHECK_U64(cg.id, id);
	CHECK_INT(gm_cgroup_resolve(mnt, mnt, &cg, &err), 0);
	CHECK_STR(cg.path, "/");
	snprintf(idspec, sizeof(idspec), "id:%llu", (unsigned long long)id);
	CHECK_INT(gm_cgroup_resolve(mnt, idspec, &cg, &err), 0);
	CHECK_STR(cg.path, "/");
}

/* Every directory of the fake tree is in the map, by inode, once. */
static void test_map(void)
{
	struct gm_cgroup_map map = { 0 };
	size_t i;

	CHECK_INT(gm_cgroup_map_build(&map, root, &err), 0);
	CHECK_STR(gm_cgroup_map_find(&map, inode_of("/")), "/");
	for (i = 0; i < sizeof(tree_dirs) / sizeof(tree_dirs[0]); i++) {
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "/%s", tree_dirs[i]);
		CHECK_STR(gm_cgroup_map_find(&map, inode_of(rel)), rel);
	}
	/* files and symlinks are not cgroups */
	CHECK(!gm_cgroup_map_find(&map, inode_of("/system.slice/cgroup.procs")));
	CHECK(!gm_cgroup_map_find(&map, 0));
	CHECK(!gm_cgroup_map_find(&map, 1ULL << 60));
	/* all directories, the root and user@ subtrees included */
	CHECK_U64(map.n, 34);
	/* adding an id again replaces its path */
	CHECK_INT(gm_cgroup_map_add(&map, inode_of("/init.scope"), "/moved"), 0);
	CHECK_STR(gm_cgroup_map_find(&map, inode_of("/init.scope")), "/moved");
	CHECK_U64(map.n, 34);
	CHECK_INT(gm_cgroup_map_add(&map, 0, "/zero"), -EINVAL);
	gm_cgroup_map_free(&map);
	CHECK(!gm_cgroup_map_find(&map, inode_of("/")));
	CHECK_INT(gm_cgroup_map_build(&map, "/nonexistent/gpumemctl", &err),
		  -ENOENT);
	CHECK_HAS(err.msg, "reading the cgroup tree /nonexistent/gpumemctl");
	gm_cgroup_map_free(&map);
}

/* 10000 cgroups: one walk, every id found. */
static void test_map_large(void)
{
	struct gm_cgroup_map map = { 0 };
	char big[PATH_MAX], rel[64];
	int i, j, missing = 0;

	snprintf(big, sizeof(big), "%s/big.slice", root);
	CHECK_INT(tree_mkdir(root, "big.slice"), 0);
	for (i = 0; i < 100; i++)
		for (j = 0; j < 100; j++) {
			snprintf(rel, sizeof(rel), "g%d/c%d", i, j);
			if (tree_mkdir(big, rel)) {
				CHECK_FAIL("mkdir %s: %s", rel, strerror(errno));
				return;
			}
		}
	CHECK_INT(gm_cgroup_map_build(&map, big, &err), 0);
	CHECK_U64(map.n, 1 + 100 + 10000);
	for (i = 0; i < 100; i++)
		for (j = 0; j < 100; j += 7) {
			char path[PATH_MAX], want[64];
			struct stat st;
			const char *got;

			snprintf(path, sizeof(path), "%s/g%d/c%d", big, i, j);
			snprintf(want, sizeof(want), "/g%d/c%d", i, j);
			if (stat(path, &st))
				continue;
			got = gm_cgroup_map_find(&map, st.st_ino);
			if (!got || strcmp(got, want))
				missing++;
		}
	CHECK_INT(missing, 0);
	gm_cgroup_map_free(&map);
	tree_remove(big);
}

static void write_rel(const char *rel, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (write_file(path, text))
		CHECK_FAIL("%s: %s", path, strerror(errno));
}

static void test_read_u64(void)
{
	uint64_t v = 7;

	write_rel("/init.scope/memory.current", "1234567\n");
	write_rel("/init.scope/memory.max", "max\n");
	write_rel("/init.scope/memory.low", "12x\n");
	write_rel("/init.scope/memory.high", "");
	CHECK_INT(gm_cgroup_read_u64(root, "/init.scope", "memory.current",
				     &v), 0);
	CHECK_U64(v, 1234567);
	CHECK_INT(gm_cgroup_read_u64(root, "/init.scope", "memory.max", &v),
		  0);
	CHECK_U64(v, UINT64_MAX);
	CHECK_INT(gm_cgroup_read_u64(root, "/init.scope", "memory.low", &v),
		  -EINVAL);
	CHECK_INT(gm_cgroup_read_u64(root, "/init.scope", "memory.high", &v),
		  -EINVAL);
	CHECK_INT(gm_cgroup_read_u64(root, "/", "memory.max", &v), -ENOENT);
	write_rel("/memory.current", "0\n");
	CHECK_INT(gm_cgroup_read_u64(root, "/", "memory.current", &v), 0);
	CHECK_U64(v, 0);
}

static const struct check_case cases[] = {
	CASE(test_check_kinds),
	CASE(test_slice_path),
	CASE(test_resolve_paths),
	CASE(test_resolve_paths_bad),
	CASE(test_resolve_units),
	CASE(test_resolve_units_bad),
	CASE(test_ids),
	CASE(test_id_at_dirfd),
	CASE(test_mountinfo),
	CASE(test_mountinfo_hosts),
	CASE(test_root_env),
	CASE(test_root_trailing_slash),
	CASE(test_real_cgroup2),
	CASE(test_map),
	CASE(test_map_large),
	CASE(test_read_u64),
};

int main(void)
{
	int ret;

	unsetenv(GM_CGROUP_ROOT_ENV);
	if (setup_tree()) {
		printf("Bail out! cannot build the fake cgroup tree in %s: %s\n",
		       root, strerror(errno));
		tree_remove(root);
		return 1;
	}
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(root);
	return ret;
}
