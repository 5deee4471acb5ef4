// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl oci-hook: the container state, annotations, config.json and
 * the container's cgroup, on fixtures under a temporary directory: a
 * bundle (config.json), a fake /proc and a fake cgroup tree.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "apply.h"
#include "check.h"
#include "fstree.h"
#include "oci.h"
#include "size.h"

static char root[1024];
static char bundle[1100], proc[1100], cgroot[1100];

static void put(const char *rel, const char *text)
{
	int ret = tree_put(root, rel, text);

	if (ret)
		CHECK_FAIL("cannot write %s/%s: %s", root, rel, strerror(-ret));
}

static void unlink_proc_4242(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/4242/cgroup", proc);
	unlink(path);
}

/* The state of container "abc" in the fixture bundle, plus @extra. */
static const char *state(const char *extra)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"abc\",\"status\":\"creating\",\"bundle\":\"%s\"%s%s}\n",
		 bundle, *extra ? "," : "", extra);
	return buf;
}

/*
 * config.json with linux.cgroupsPath @path, process.env @env (JSON, or
 * NULL for none) and @annotations (JSON, or "" for none).
 */
static void config_with(const char *path, const char *env,
			const char *annotations)
{
	char buf[8192];

	snprintf(buf, sizeof(buf),
		 "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]%s%s},\"linux\":{\"cgroupsPath\":\"%s\"}%s%s}",
		 env ? ",\"env\":" : "", env ? env : "", path,
		 *annotations ? ",\"annotations\":" : "", annotations);
	put("bundle/config.json", buf);
}

static void config(const char *path, const char *annotations)
{
	config_with(path, NULL, annotations);
}

static int parse(struct gm_oci *o, const char *text, struct gm_err *err)
{
	err->msg[0] = '\0';
	return gm_oci_parse(o, text, strlen(text), proc, err);
}

#define PURGE_NEVER "\"annotations\":{\"gpumem.io/purge\":\"never\"}"

/* cgroupsPath @spec gives @path (with a policy in the state). */
static void check_path(const char *spec, const char *path)
{
	struct gm_oci o;
	struct gm_err err;

	config(spec, "");
	CHECK_INT(parse(&o, state(PURGE_NEVER), &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(o.nerrors, 0);
	CHECK_STR(o.cgroup, path);
	gm_oci_free(&o);
}

/* cgroupsPath @spec is an error saying @msg. */
static void check_path_error(const char *spec, const char *msg)
{
	struct gm_oci o;
	struct gm_err err;

	config(spec, "");
	CHECK(parse(&o, state(PURGE_NEVER), &err) < 0);
	CHECK_HAS(err.msg, msg);
	gm_oci_free(&o);
}

static void test_systemd_spelling(void)
{
	struct gm_oci o;
	struct gm_err err;

	check_path("machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope");
	check_path("a-b.slice:crio:x", "/a.slice/a-b.slice/crio-x.scope");
	check_path(":crio:x", "/system.slice/crio-x.scope");
	/* an empty PREFIX: "-NAME.scope", as runc and crun make it */
	check_path("machine.slice::abc", "/machine.slice/-abc.scope");
	check_path("::abc", "/system.slice/-abc.scope");
	/* runc: a NAME that is a slice is that slice, PREFIX or not */
	check_path("machine.slice:libpod:inner.slice",
		   "/machine.slice/inner.slice");
	check_path("machine.slice::inner.slice", "/machine.slice/inner.slice");
	check_path("-.slice:p:n", "/p-n.scope");
	check_path("kubepods-burstable-pod12_34.slice:crio:beef",
		   "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12_34.slice/crio-beef.scope");
	config("machine.slice:libpod:abc", "");
	CHECK_INT(parse(&o, state(PURGE_NEVER), &err), 0);
	CHECK_STR(o.source, "cgroupsPath 'machine.slice:libpod:abc'");
	CHECK_STR(o.id, "abc");
	CHECK_STR(o.bundle, bundle);
	gm_oci_free(&o);
	check_path_error("machine.slice:libpod:",
			 "container abc: cgroupsPath 'machine.slice:libpod:': not SLICE:PREFIX:NAME");
	check_path_error("machine.slice:lib/pod:x", "not SLICE:PREFIX:NAME");
	check_path_error("machine.service:libpod:x",
			 "'machine.service' is not a slice name");
	check_path_error("a--b.slice:libpod:x", "'a--b.slice' is not a slice name");
}

static void test_cgroupfs_spelling(void)
{
	check_path("/machine/abc", "/machine/abc");
	check_path("/", "/");
	/* relative: to the cgroup2 mount as well */
	check_path("kubepods/pod1/crio-x", "/kubepods/pod1/crio-x");
	/* one or three colons: not the systemd spelling */
	check_path("/a:b", "/a:b");
	check_path("a:b:c:d", "/a:b:c:d");
	check_path_error("/machine/../abc",
			 "container abc: cgroupsPath '/machine/../abc': cgroup '/machine/../abc': '.' and '..' are not allowed");
}

static void test_annotations_in_state(void)
{
	struct gm_oci o;
	struct gm_err err;

	/* the state's annotations win; config.json's are not looked at */
	config("/c", "{\"gpumem.io/purge\":\"first\",\"gpumem.io/writeback\":\"deferred\"}");
	CHECK_INT(parse(&o, state("\"annotations\":{\"org.example/x\":\"1\","
				  "\"gpumem.io/purge\":\"never\","
				  "\"gpumem.io/swap-budget\":\"2G\","
				  "\"gpumem.io/vram-max\":\"512M\"}"), &err), 0);
	CHECK_INT(o.nerrors, 0);
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_NEVER);
	CHECK(HAS(o.policy, SWAP_BUDGET));
	CHECK_U64(VAL(o.policy, SWAP_BUDGET), 2ULL << 30);
	CHECK(HAS(o.policy, VRAM_MAX));
	CHECK_U64(VAL(o.policy, VRAM_MAX), 512ULL << 20);
	CHECK(!HAS(o.policy, WRITEBACK));
	CHECK_STR(o.cgroup, "/c");
	gm_oci_free(&o);
	/* an empty map in the state: nothing, whatever config.json says */
	CHECK_INT(parse(&o, state("\"annotations\":{}"), &err), 0);
	CHECK(gm_policy_args_empty(&o.policy));
	CHECK_STR(o.cgroup, "");
	gm_oci_free(&o);
}

static void test_annotations_in_config(void)
{
	struct gm_oci o;
	struct gm_err err;

	config("/c", "{\"gpumem.io/writeback\":\"deferred\",\"gpumem.io/swap-budget\":\"max\",\"gpumem.io/purge\":\"last\"}");
	CHECK_INT(parse(&o, state("\"pid\":42"), &err), 0);
	CHECK_INT(o.nerrors, 0);
	CHECK_INT(o.pid, 42);
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_LAST);
	CHECK(HAS(o.policy, SWAP_BUDGET));
	CHECK_U64(VAL(o.policy, SWAP_BUDGET), GM_SIZE_MAX);
	CHECK(HAS(o.policy, WRITEBACK) &&
	      VAL(o.policy, WRITEBACK) == GM_WRITEBACK_DEFERRED);
	CHECK_STR(o.cgroup, "/c");
	gm_oci_free(&o);
	/* annotations null in the state: none */
	CHECK_INT(parse(&o, state("\"annotations\":null"), &err), 0);
	CHECK(gm_policy_args_empty(&o.policy));
	gm_oci_free(&o);
	/* config.json without gpumem.io/ annotations: nothing to do */
	config("/c", "{\"org.example/purge\":\"never\"}");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK(gm_policy_args_empty(&o.policy));
	CHECK_INT(o.nerrors, 0);
	CHECK_STR(o.cgroup, "");
	gm_oci_free(&o);
}

/* config.json with cgroupsPath "/c", process.env @env and @annotations. */
static void config_env(const char *env, const char *annotations)
{
	config_with("/c", env, annotations);
}

/* GPUMEM_ variables of process.env, for Docker 20.10 and its like. */
static void test_environment(void)
{
	struct gm_oci o;
	struct gm_err err;

	config_env("[\"PATH=/bin\",\"GPUMEM_PURGE=never\",\"GPUMEM_SWAP_BUDGET=4M\","
		   "\"GPUMEM_WRITEBACK=deferred\",\"GPUMEM_VRAM_MAX=max\","
		   "\"GPUMEM_OTHER=left alone\",\"GPUMEM_PURGE=last\"]", "");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(o.nerrors, 0);
	/* the first entry, as getenv() reads it */
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_NEVER);
	CHECK(HAS(o.policy, SWAP_BUDGET));
	CHECK_U64(VAL(o.policy, SWAP_BUDGET), 4ULL << 20);
	CHECK(HAS(o.policy, WRITEBACK) &&
	      VAL(o.policy, WRITEBACK) == GM_WRITEBACK_DEFERRED);
	CHECK(HAS(o.policy, VRAM_MAX));
	CHECK_U64(VAL(o.policy, VRAM_MAX), GM_SIZE_MAX);
	CHECK_STR(o.cgroup, "/c");
	gm_oci_free(&o);
	/* the state's annotations do not hide the config's environment */
	CHECK_INT(parse(&o, state("\"annotations\":{}"), &err), 0);
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_NEVER);
	gm_oci_free(&o);
	/* a name that merely starts like one, and no env at all: nothing */
	config_env("[\"GPUMEM_PURGEX=never\",\"XGPUMEM_PURGE=never\",\"GPUMEM_PURGE\"]", "");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK(gm_policy_args_empty(&o.policy));
	CHECK_STR(o.cgroup, "");
	gm_oci_free(&o);
	config_env("null", "");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK(gm_policy_args_empty(&o.policy));
	gm_oci_free(&o);
}

/* Per key, an annotation wins over the variable. */
static void test_environment_precedence(void)
{
	struct gm_oci o;
	struct gm_err err;

	config_env("[\"GPUMEM_PURGE=first\",\"GPUMEM_SWAP_BUDGET=4M\"]",
		   "{\"gpumem.io/purge\":\"never\"}");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK_INT(o.nerrors, 0);
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_NEVER);
	CHECK(HAS(o.policy, SWAP_BUDGET));
	CHECK_U64(VAL(o.policy, SWAP_BUDGET), 4ULL << 20);
	CHECK(!HAS(o.policy, WRITEBACK) && !HAS(o.policy, VRAM_MAX));
	gm_oci_free(&o);
	/* a variable an annotation overrides is not even judged */
	config_env("[\"GPUMEM_PURGE=sometimes\"]", "{\"gpumem.io/purge\":\"last\"}");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK_INT(o.nerrors, 0);
	CHECK(HAS(o.policy, PURGE) && VAL(o.policy, PURGE) == GM_PURGE_LAST);
	gm_oci_free(&o);
}

/* A bad value in a variable is an error, as in an annotation. */
static void test_environment_errors(void)
{
	struct gm_oci o;
	struct gm_err err;

	config_env("[\"GPUMEM_PURGE=sometimes\",\"GPUMEM_SWAP_BUDGET=lots\"]", "");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK_INT(o.nerrors, 2);
	if (o.nerrors == 2) {
		CHECK_STR(o.errors[0], "oci-hook: container abc: environment variable GPUMEM_PURGE: invalid value 'sometimes' (expected first, last or never)");
		CHECK_HAS(o.errors[1], "oci-hook: container abc: environment variable GPUMEM_SWAP_BUDGET: invalid SIZE 'lots'");
	}
	gm_oci_free(&o);
	config_env("{\"GPUMEM_PURGE\":\"never\"}", "");
	CHECK_INT(parse(&o, state(""), &err), -EINVAL);
	CHECK_HAS(err.msg, "process.env is not an array");
	gm_oci_free(&o);
}

/* No gpumem.io/ annotation and no config.json: nothing asked, nothing done. */
static void test_no_annotations(void)
{
	static const char *const states[] = {
		"{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"/nonexistent/bundle\",\"annotations\":{}}",
		"{\"id\":\"x\",\"bundle\":\"/nonexistent/bundle\",\"annotations\":{\"io.podman.annotations.autoremove\":\"TRUE\",\"gpumem.io\":\"not in the namespace\"}}",
	};
	struct gm_oci o;
	struct gm_err err;
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		CHECK_INT(parse(&o, states[i], &err), 0);
		CHECK_STR(err.msg, "");
		CHECK_INT(o.nerrors, 0);
		CHECK(gm_policy_args_empty(&o.policy));
		CHECK_STR(o.cgroup, "");
		CHECK(o.warning == NULL);
		gm_oci_free(&o);
	}
}

/* A state of another stage is a warning for the caller, not an error. */
static void test_stage_warning(void)
{
	struct gm_oci o;
	struct gm_err err;

	CHECK_INT(parse(&o, "{\"id\":\"x\",\"status\":\"running\",\"bundle\":\"/nonexistent\",\"annotations\":{}}",
			&err), 0);
	CHECK_STR(o.warning, "oci-hook: container x: status 'running': this hook belongs in the createRuntime stage");
	gm_oci_free(&o);
	CHECK_INT(parse(&o, "{\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/nonexistent\",\"annotations\":{}}",
			&err), 0);
	CHECK(o.warning == NULL);
	gm_oci_free(&o);
}

/* @annotation (a JSON member) gives the one error @msg, and no cgroup. */
static void check_bad(const char *annotation, const char *msg)
{
	char extra[1024];
	struct gm_oci o;
	struct gm_err err;

	snprintf(extra, sizeof(extra), "\"annotations\":{%s}", annotation);
	CHECK_INT(parse(&o, state(extra), &err), 0);
	CHECK_INT(o.nerrors, 1);
	if (o.nerrors == 1)
		CHECK_STR(o.errors[0], msg);
	CHECK_STR(o.cgroup, "");
	gm_oci_free(&o);
}

static void test_bad_values(void)
{
	config("/c", "");
	check_bad("\"gpumem.io/purge\":\"sometimes\"",
		  "oci-hook: container abc: annotation gpumem.io/purge: invalid value 'sometimes' (expected first, last or never)");
	check_bad("\"gpumem.io/purge\":\"\"",
		  "oci-hook: container abc: annotation gpumem.io/purge: invalid value '' (expected first, last or never)");
	check_bad("\"gpumem.io/purge\":\"Never\"",
		  "oci-hook: container abc: annotation gpumem.io/purge: invalid value 'Never' (expected first, last or never)");
	check_bad("\"gpumem.io/writeback\":\"later\"",
		  "oci-hook: container abc: annotation gpumem.io/writeback: invalid value 'later' (expected immediate or deferred)");
	check_bad("\"gpumem.io/swap-budget\":\"lots\"",
		  "oci-hook: container abc: annotation gpumem.io/swap-budget: invalid SIZE 'lots' (expected a whole number with an optional K, M, G, T, P or E suffix, or max)");
	check_bad("\"gpumem.io/swap-budget\":\"-1\"",
		  "oci-hook: container abc: annotation gpumem.io/swap-budget: invalid SIZE '-1' (expected a whole number with an optional K, M, G, T, P or E suffix, or max)");
	check_bad("\"gpumem.io/swap-budget\":\"99999999999999999999\"",
		  "oci-hook: container abc: annotation gpumem.io/swap-budget: SIZE '99999999999999999999' is too large (over 2^64 - 1)");
	check_bad("\"gpumem.io/swap-budget\":1024",
		  "oci-hook: container abc: annotation gpumem.io/swap-budget: 1024: expected a string");
	check_bad("\"gpumem.io/vram-max\":\"1.5G\"",
		  "oci-hook: container abc: annotation gpumem.io/vram-max: invalid SIZE '1.5G' (expected a whole number with an optional K, M, G, T, P or E suffix, or max)");
	check_bad("\"gpumem.io/purge\":\"never\\u0000\"",
		  "oci-hook: container abc: annotation gpumem.io/purge: \"never\\u0000\": expected a string");
}

static void test_unknown_key(void)
{
	config("/c", "");
	check_bad("\"gpumem.io/purge\":\"never\",\"gpumem.io/purg\":\"never\"",
		  "oci-hook: container abc: annotation gpumem.io/purg: 'never': unknown key, expected gpumem.io/purge, gpumem.io/swap-budget, gpumem.io/writeback or gpumem.io/vram-max");
	check_bad("\"gpumem.io/\":\"x\"",
		  "oci-hook: container abc: annotation gpumem.io/: 'x': unknown key, expected gpumem.io/purge, gpumem.io/swap-budget, gpumem.io/writeback or gpumem.io/vram-max");
}

/* Every bad annotation is reported, in order, not only the first. */
static void test_several_bad(void)
{
	struct gm_oci o;
	struct gm_err err;

	/* in config.json this time */
	config("/c", "{\"gpumem.io/purge\":\"sometimes\",\"gpumem.io/swap-budget\":\"2G\","
	       "\"gpumem.io/writeback\":\"later\",\"gpumem.io/swapbudget\":\"1G\"}");
	CHECK_INT(parse(&o, state(""), &err), 0);
	CHECK_INT(o.nerrors, 3);
	if (o.nerrors == 3) {
		CHECK_HAS(o.errors[0], "annotation gpumem.io/purge: invalid value 'sometimes'");
		CHECK_HAS(o.errors[1], "annotation gpumem.io/writeback: invalid value 'later'");
		CHECK_HAS(o.errors[2], "annotation gpumem.io/swapbudget: '1G': unknown key");
	}
	CHECK_STR(o.cgroup, "");
	gm_oci_free(&o);
}

/* @text is not a usable state: an error with @msg. */
static void check_state_error(const char *text, const char *msg)
{
	struct gm_oci o;
	struct gm_err err;

	CHECK(parse(&o, text, &err) < 0);
	CHECK_HAS(err.msg, msg);
	gm_oci_free(&o);
}

static void test_malformed_state(void)
{
	struct gm_oci o;
	struct gm_err err;
	char text[64] = "{\"id\":\"a\",\"bundle\":\"/b\"}\0{}";

	check_state_error("", "oci-hook: container state: not valid JSON: unexpected end of data");
	check_state_error("id=abc", "oci-hook: container state: not valid JSON");
	check_state_error("{\"id\":\"abc\",", "oci-hook: container state: not valid JSON");
	check_state_error("{'id':'abc','bundle':'/b'} trailing",
			  "oci-hook: container state: not valid JSON");
	check_state_error("{\"id\":\"a\",\"bundle\":\"/b\"}{}",
			  "oci-hook: container state: not valid JSON");
	check_state_error("[\"id\",\"abc\"]", "oci-hook: container state: not a JSON object");
	check_state_error("null", "oci-hook: container state: not a JSON object");
	check_state_error("{\"bundle\":\"/b\"}",
			  "oci-hook: container state: \"id\" must be a non-empty string");
	check_state_error("{\"id\":\"\",\"bundle\":\"/b\"}",
			  "\"id\" must be a non-empty string");
	check_state_error("{\"id\":7,\"bundle\":\"/b\"}",
			  "\"id\" must be a non-empty string");
	check_state_error("{\"id\":\"abc\"}",
			  "oci-hook: container abc: state: \"bundle\" must be a non-empty string");
	check_state_error("{\"id\":\"abc\",\"bundle\":\"\"}",
			  "\"bundle\" must be a non-empty string");
	check_state_error("{\"id\":\"abc\",\"bundle\":\"/b\",\"pid\":\"12\"}",
			  "oci-hook: container abc: state: \"pid\" must be a process ID");
	check_state_error("{\"id\":\"abc\",\"bundle\":\"/b\",\"pid\":-1}",
			  "\"pid\" must be a process ID");
	check_state_error("{\"id\":\"abc\",\"bundle\":\"/b\",\"annotations\":[]}",
			  "oci-hook: container abc: state: \"annotations\" is not a JSON object");
	/* a NUL byte inside: the rest must not be ignored */
	CHECK(gm_oci_parse(&o, text, 27, proc, &err) < 0);
	CHECK_HAS(err.msg, "a NUL byte at byte 24");
	gm_oci_free(&o);
}

static void test_config_errors(void)
{
	char want[2048], path[1200];

	/* no annotations in the state: config.json is needed for them */
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	unlink(path);
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s: No such file or directory",
		 path);
	check_state_error(state(""), want);
	/* annotations in the state: config.json is needed for the cgroup */
	check_state_error(state(PURGE_NEVER), want);
	put("bundle/config.json", "{\"linux\":{\"cgroupsPath\":\"/c\"},}");
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/config.json: not valid JSON: unexpected character",
		 bundle);
	check_state_error(state(PURGE_NEVER), want);
	check_state_error(state(""), want);
	put("bundle/config.json", "\"config\"");
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/config.json: not a JSON object",
		 bundle);
	check_state_error(state(PURGE_NEVER), want);
	put("bundle/config.json", "{\"annotations\":\"gpumem.io/purge=never\"}");
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/config.json: \"annotations\" is not a JSON object",
		 bundle);
	check_state_error(state(""), want);
	put("bundle/config.json", "{\"linux\":{\"cgroupsPath\":17}}");
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/config.json: linux.cgroupsPath is not a string",
		 bundle);
	check_state_error(state(PURGE_NEVER), want);
}

/* No cgroupsPath: the process's cgroup, from a fake /proc. */
static void test_proc_cgroup(void)
{
	char rel[64], extra[256], want[2048];
	struct gm_oci o;
	struct gm_err err;
	int pid = getpid();

	snprintf(rel, sizeof(rel), "proc/%d/cgroup", pid);
	put(rel, "0::/machine.slice/libpod-abc.scope\n");
	snprintf(extra, sizeof(extra), "\"pid\":%d," PURGE_NEVER, pid);
	put("bundle/config.json", "{\"ociVersion\":\"1.0.2\",\"linux\":{}}");
	CHECK_INT(parse(&o, state(extra), &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(o.cgroup, "/machine.slice/libpod-abc.scope");
	snprintf(want, sizeof(want), "%s/%d/cgroup", proc, pid);
	CHECK_STR(o.source, want);
	gm_oci_free(&o);
	/* no "linux" at all, a cgroup v1 hierarchy line before the v2 one */
	put(rel, "12:cpu,cpuacct:/docker/abc\n0::/\n");
	put("bundle/config.json", "{\"ociVersion\":\"1.0.2\"}");
	CHECK_INT(parse(&o, state(extra), &err), 0);
	CHECK_STR(o.cgroup, "/");
	gm_oci_free(&o);
	/* an empty cgroupsPath is none */
	put(rel, "0::/x\n");
	config("", "");
	CHECK_INT(parse(&o, state(extra), &err), 0);
	CHECK_STR(o.cgroup, "/x");
	gm_oci_free(&o);
	/* cgroup v1 only */
	put(rel, "12:cpu,cpuacct:/docker/abc\n");
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/%d/cgroup: no cgroup v2 entry",
		 proc, pid);
	check_state_error(state(extra), want);
	/* the process is gone */
	snprintf(extra, sizeof(extra), "\"pid\":%d," PURGE_NEVER, pid + 100000);
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: %s/%d/cgroup: No such file or directory",
		 proc, pid + 100000);
	check_state_error(state(extra), want);
	/* neither a cgroupsPath nor a pid */
	snprintf(want, sizeof(want),
		 "oci-hook: container abc: no linux.cgroupsPath in %s/config.json and no pid in the state",
		 bundle);
	check_state_error(state(PURGE_NEVER), want);
	check_state_error(state("\"pid\":0," PURGE_NEVER), want);
	check_state_error(state("\"pid\":null," PURGE_NEVER), want);
}

/* cgroupsPath @spec and a process (pid 4242) whose cgroup file is @file. */
static int parse_with_process(const char *spec, const char *file,
			      struct gm_oci *o, struct gm_err *err)
{
	config(spec, "");
	if (file)
		put("proc/4242/cgroup", file);
	else
		unlink_proc_4242();
	return parse(o, state("\"pid\":4242," PURGE_NEVER), err);
}

/* With a cgroupsPath, the process must be in that cgroup or below it. */
static void check_process_ok(const char *spec, const char *file,
			     const char *path)
{
	struct gm_oci o;
	struct gm_err err;

	CHECK_INT(parse_with_process(spec, file, &o, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(o.cgroup, path);
	gm_oci_free(&o);
}

static void check_process_error(const char *spec, const char *file,
				const char *msg)
{
	struct gm_oci o;
	struct gm_err err;

	CHECK_INT(parse_with_process(spec, file, &o, &err), -EINVAL);
	CHECK_STR(err.msg, msg);
	gm_oci_free(&o);
}

static void test_process_check(void)
{
	/* at the cgroup */
	check_process_ok("machine.slice:libpod:abc",
			 "0::/machine.slice/libpod-abc.scope\n",
			 "/machine.slice/libpod-abc.scope");
	/* below it: crun's "container" child; a v1 line first */
	check_process_ok("machine.slice:libpod:abc",
			 "1:name=systemd:/x\n0::/machine.slice/libpod-abc.scope/container\n",
			 "/machine.slice/libpod-abc.scope");
	check_process_ok("kubepods/pod1/x", "0::/kubepods/pod1/x/a/b\n",
			 "/kubepods/pod1/x");
	/* compared by components */
	check_process_ok("/a//b/", "0::/a/b/c\n", "/a//b/");
	check_process_ok("/", "0::/anywhere\n", "/");
	/* elsewhere: the runtime read cgroupsPath otherwise */
	check_process_error("machine.slice:libpod:abc",
			    "0::/machine.slice/libpod-abcd.scope\n",
			    "oci-hook: container abc: cgroupsPath 'machine.slice:libpod:abc' gives /machine.slice/libpod-abc.scope, but its process 4242 is in /machine.slice/libpod-abcd.scope");
	check_process_error("kubepods/pod1/x", "0::/user.slice/kubepods/pod1/x\n",
			    "oci-hook: container abc: cgroupsPath 'kubepods/pod1/x' gives /kubepods/pod1/x, but its process 4242 is in /user.slice/kubepods/pod1/x");
	check_process_error("/a/b", "0::/a\n",
			    "oci-hook: container abc: cgroupsPath '/a/b' gives /a/b, but its process 4242 is in /a");
	/* outside the reader's cgroup namespace, or not a path */
	check_process_error("/a", "0::/a/../b\n",
			    "oci-hook: container abc: cgroupsPath '/a' gives /a, but its process 4242 is in /a/../b");
	check_process_error("/", "0::/../b\n",
			    "oci-hook: container abc: cgroupsPath '/' gives /, but its process 4242 is in /../b");
	check_process_error("/a", "0::a\n",
			    "oci-hook: container abc: cgroupsPath '/a' gives /a, but its process 4242 is in a");
	/* unreadable, or no cgroup v2 line: cgroupsPath alone */
	check_process_ok("machine.slice:libpod:abc", NULL,
			 "/machine.slice/libpod-abc.scope");
	check_process_ok("machine.slice:libpod:abc", "1:cpu:/elsewhere\n",
			 "/machine.slice/libpod-abc.scope");
	check_process_ok("machine.slice:libpod:abc", "",
			 "/machine.slice/libpod-abc.scope");
	unlink_proc_4242();
}

static void test_resolve(void)
{
	struct gm_oci o;
	struct gm_cgroup cg;
	struct gm_err err;
	struct stat st;
	char full[2048];

	tree_mkdir(cgroot, "machine.slice/libpod-abc.scope");
	config("machine.slice:libpod:abc", "");
	CHECK_INT(parse(&o, state(PURGE_NEVER), &err), 0);
	CHECK_INT(gm_oci_resolve(&o, cgroot, &cg, &err), 0);
	CHECK_STR(cg.path, "/machine.slice/libpod-abc.scope");
	snprintf(full, sizeof(full), "%s/machine.slice/libpod-abc.scope",
		 cgroot);
	CHECK(!stat(full, &st));
	CHECK_U64(cg.id, st.st_ino);
	gm_oci_free(&o);
	config("machine.slice:libpod:zzz", "");
	CHECK_INT(parse(&o, state(PURGE_NEVER), &err), 0);
	CHECK_INT(gm_oci_resolve(&o, cgroot, &cg, &err), -ENOENT);
	CHECK_HAS(err.msg,
		  "oci-hook: container abc: cgroup /machine.slice/libpod-zzz.scope (from cgroupsPath 'machine.slice:libpod:zzz'): no such cgroup");
	gm_oci_free(&o);
	config("relative/dir", "");
	CHECK_INT(parse(&o, state(PURGE_NEVER), &err), 0);
	CHECK_INT(gm_oci_resolve(&o, cgroot, &cg, &err), -ENOENT);
	CHECK_HAS(err.msg,
		  "cgroup /relative/dir (from cgroupsPath 'relative/dir'): no such cgroup");
	gm_oci_free(&o);
}

static void test_print(void)
{
	char buf[4096] = "";
	struct gm_oci o;
	struct gm_err err;
	FILE *f;

	config("/c", "");
	CHECK_INT(parse(&o, state("\"annotations\":{\"gpumem.io/purge\":\"never\",\"gpumem.io/swap-budget\":\"max\",\"gpumem.io/writeback\":\"immediate\"}"), &err), 0);
	f = fmemopen(buf, sizeof(buf), "w");
	gm_oci_print(f, &o, "/machine.slice/libpod-abc.scope", 7, false);
	gm_oci_print(f, &o, "/machine.slice/libpod-abc.scope", 7, true);
	fclose(f);
	CHECK_STR(buf,
		  "applied container abc (/machine.slice/libpod-abc.scope): purge=never swap-budget=max writeback=immediate\n"
		  "{\"container\":\"abc\",\"path\":\"/machine.slice/libpod-abc.scope\",\"id\":7,\"purge\":\"never\",\"swap_budget\":null,\"writeback\":\"immediate\"}\n");
	gm_oci_free(&o);
}

/* gm_oci_read: everything, past its first buffer. */
static void test_read(void)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = tmpfile();

	if (!f) {
		CHECK_FAIL("tmpfile: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 10000; i++)
		fputc('a' + i % 26, f);
	rewind(f);
	CHECK_INT(gm_oci_read(f, &buf, &len), 0);
	CHECK_INT(len, 10000);
	if (buf && len == 10000)
		CHECK(buf[9999] == 'a' + 9999 % 26 && buf[10000] == '\0');
	free(buf);
	fclose(f);
}

static const struct check_case cases[] = {
	CASE(test_systemd_spelling),
	CASE(test_cgroupfs_spelling),
	CASE(test_annotations_in_state),
	CASE(test_annotations_in_config),
	CASE(test_no_annotations),
	CASE(test_stage_warning),
	CASE(test_bad_values),
	CASE(test_unknown_key),
	CASE(test_several_bad),
	CASE(test_malformed_state),
	CASE(test_config_errors),
	CASE(test_proc_cgroup),
	CASE(test_process_check),
	CASE(test_resolve),
	CASE(test_print),
	CASE(test_read),
	CASE(test_environment),
	CASE(test_environment_precedence),
	CASE(test_environment_errors),
};

int main(void)
{
	int ret;

	if (!tree_create(root, sizeof(root))) {
		printf("Bail out! cannot create a temporary directory\n");
		return 1;
	}
	snprintf(bundle, sizeof(bundle), "%s/bundle", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(cgroot, sizeof(cgroot), "%s/cgroup", root);
	if (tree_mkdir(root, "bundle") || tree_mkdir(root, "proc") ||
	    tree_mkdir(root, "cgroup")) {
		printf("Bail out! cannot build the fixtures: %s\n",
		       strerror(errno));
		tree_remove(root);
		return 1;
	}
	ret = check_run(cases, sizeof(cases) / sizeof(cases[0]));
	tree_remove(root);
	return ret;
}
