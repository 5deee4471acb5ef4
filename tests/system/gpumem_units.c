// SPDX-License-Identifier: GPL-2.0
/*
 * Policies that follow units and containers are in force before the first
 * buffer object is allocated:
 *
 *   render.service  purge never, budget 4M: gpumem-generator's
 *                   ExecStartPre= command, run as systemd runs it, in the
 *                   service's fresh cgroup before its main process
 *   batch.slice     budget 0: the command of the generated oneshot, once
 *                   the slice's cgroup exists; job.service below it
 *   libpod-abc      purge never, budget 4M: `gpumemctl oci-hook` with the
 *                   state and config.json of a container whose cgroupsPath
 *                   has the systemd spelling, run while its process waits
 *   /ctr/def        purge last, budget 2M: the same with a cgroupfs path
 *   /ctr/bad        a bad annotation: the hook fails and sets nothing
 *
 * Each main process allocates only after the command ran; a reclaim then
 * shows the policy at work: what it purges and backs up differs from the
 * default (purge first, no budget) in every case.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"
#include "vttm.h"

#define BO_SIZE (2 * MiB)
#define NB 2	/* normal bos per main process */
#define NP 2	/* purgeable bos per main process */

static char tmp[256];

/* Cgroup PARENT/CHILD, PARENT new and giving CHILD a memory controller. */
static void cg_create_nested(const char *path)
{
	char parent[256];

	snprintf(parent, sizeof(parent), "%.*s",
		 (int)(strchr(path, '/') - path), path);
	cg_create(parent);
	cg_write(parent, "cgroup.subtree_control", "+memory");
	cg_create(path);
}

/* A main process: in cgroup CG, NB normal and NP purgeable bos. */
static void allocate_in(int fd, const char *cg)
{
	struct vttm_bo bos[NB + NP];
	pid_t pid;
	int i;

	pid = st_fork(cg);
	if (!pid) {
		vttm_prefault();
		vttm_create_filled(fd, bos, NB + NP, BO_SIZE);
		for (i = NB; i < NB + NP; i++)
			if (!vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_DONTNEED))
				st_fail("a buffer object just filled was not retained");
		exit(0);
	}
	st_wait(pid, "a main process");
	gm_expect_eq("resident", gm_stat(cg, "resident"), (NB + NP) * BO_SIZE);
}

/* The value of the first KEY= line of generated file PATH. */
static char *exec_line(const char *path, const char *key)
{
	static char line[1024];
	size_t n = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		st_fail("the generator wrote no %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, n) && line[n] == '=') {
			fclose(f);
			line[strcspn(line, "\n")] = '\0';
			return line + n + 1;
		}
	}
	fclose(f);
	st_fail("%s has no %s=", path, key);
}

/*
 * Run an Exec*= command line as systemd would, in cgroup CG: without its
 * "+" prefix, split at spaces, "\\" read as "\" (what the generator
 * writes needs no more than that), and it must succeed.
 */
static void run_exec(const char *value, const char *cg)
{
	char buf[1024], *argv[16], *tok, *save, *r, *w;
	int argc = 0;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s", value + (value[0] == '+'));
	for (r = w = buf; *r; r++, w++) {
		if (r[0] == '\\' && r[1] == '\\')
			r++;
		*w = *r;
	}
	*w = '\0';
	for (tok = strtok_r(buf, " ", &save); tok && argc < 15;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	printf("# in %s: %s\n", cg ? cg : "/", value);
	pid = st_fork(cg);
	if (!pid) {
		execv(argv[0], argv);
		_exit(127);
	}
	st_wait(pid, value);
}

/* The generator's service drop-in and slice unit, run as systemd would. */
static void units(int fd)
{
	char dir[300], out[300], conf[300], path[700];
	int status;

	snprintf(dir, sizeof(dir), "%s/units", tmp);
	snprintf(out, sizeof(out), "%s/generated", tmp);
	snprintf(conf, sizeof(conf), "%s/gpumem.d", tmp);
	snprintf(path, sizeof(path), "%s/batch.slice.d", dir);
	if (mkdir(dir, 0755) || mkdir(out, 0755) || mkdir(conf, 0755) ||
	    mkdir(path, 0755))
		st_fail("mkdir the fixture: %s", strerror(errno));
	gm_write_file(dir, "render.service",
		      "[Service]\nExecStart=/bin/true\n\n"
		      "[X-GPUMemory]\nPurge=never\nSwapBudget=4M\n");
	gm_write_file(path, "gpumem.conf", "[X-GPUMemory]\nSwapBudget=0\n");
	setenv("GPUMEM_UNIT_PATH", dir, 1);
	setenv("GPUMEM_CONFIG_DIR", conf, 1);
	setenv("GPUMEM_GPUMEMCTL", GPUMEMCTL, 1);
	snprintf(path, sizeof(path), "%s %s 2>&1", GPUMEM_GENERATOR, out);
	status = gm_shell(path);
	if (status || gm_out[0])
		st_fail("gpumem-generator: status %d: %s", status, gm_out);

	/* The service: systemd creates its cgroup, then runs ExecStartPre=. */
	cg_create_nested("system.slice/render.service");
	gm_expect_eq("render.service purges first before ExecStartPre=",
		     gm_policy_is("system.slice/render.service", "purge",
				  "first"), 1);
	snprintf(path, sizeof(path), "%s/render.service.d/00-gpumem-policy.conf",
		 out);
	run_exec(exec_line(path, "ExecStartPre"), "system.slice/render.service");
	gm_expect_eq("render.service purges never",
		     gm_policy_is("system.slice/render.service", "purge",
				  "never"), 1);
	allocate_in(fd, "system.slice/render.service");
	gm_reclaim("system.slice/render.service", (NB + NP) * BO_SIZE, 0,
		   4 * MiB);
	st_ok("render.service: ExecStartPre= put purge never, budget 4M in place before its first bo");

	/* The slice: active (its cgroup exists), then its policy unit runs. */
	cg_create_nested("batch.slice/job.service");
	snprintf(path, sizeof(path), "%s/gpumem-batch.slice.service", out);
	run_exec(exec_line(path, "ExecStart"), NULL);
	gm_expect_eq("job.service's effective budget",
		     gm_stat("batch.slice/job.service",
			     "effective_swap_budget"), 0);
	allocate_in(fd, "batch.slice/job.service");
	gm_reclaim("batch.slice/job.service", (NB + NP) * BO_SIZE,
		   NP * BO_SIZE, 0);
	st_ok("batch.slice: the generated oneshot put budget 0 in place; job.service below it backs up nothing");
}

/*
 * A container: its cgroup CG and its process, waiting in it as at
 * createRuntime; `gpumemctl oci-hook` with its state (ANNOTATIONS, a JSON
 * object's members) and a config.json with CGROUPS_PATH.  Returns the
 * hook's exit status; the process allocates only if it is 0.
 */
static int container(int fd, const char *id, const char *cg,
		     const char *cgroups_path, const char *annotations)
{
	char bundle[400], text[2048], cmd[1024];
	struct vttm_bo bos[NB + NP];
	int go[2], status, i;
	char c = 0;
	pid_t pid;

	snprintf(bundle, sizeof(bundle), "%s/bundle-%s", tmp, id);
	if (mkdir(bundle, 0755))
		st_fail("mkdir %s: %s", bundle, strerror(errno));
	snprintf(text, sizeof(text),
		 "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"app\"]},\n"
		 " \"linux\": {\"cgroupsPath\": \"%s\"},\n"
		 " \"annotations\": {%s}}\n", cgroups_path, annotations);
	gm_write_file(bundle, "config.json", text);

	if (pipe(go))
		st_fail("pipe: %s", strerror(errno));
	pid = st_fork(cg);
	if (!pid) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			exit(0);	/* the start failed: never runs */
		vttm_prefault();
		vttm_create_filled(fd, bos, NB + NP, BO_SIZE);
		for (i = NB; i < NB + NP; i++)
			vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_DONTNEED);
		exit(0);
	}
	close(go[0]);
	cg_enter(cg, pid);	/* in its cgroup before the hook runs */
	snprintf(text, sizeof(text),
		 "{\"ociVersion\": \"1.0.2\", \"id\": \"%s\", \"status\": \"creating\", \"pid\": %d, \"bundle\": \"%s\", \"annotations\": {%s}}\n",
		 id, pid, bundle, annotations);
	gm_write_file(bundle, "state.json", text);
	snprintf(cmd, sizeof(cmd), "%s oci-hook <%s/state.json 2>&1", GPUMEMCTL,
		 bundle);
	status = gm_shell(cmd);
	printf("# oci-hook for %s: status %d: %s", id, status, gm_out);
	if (!status && write(go[1], &c, 1) != 1)
		st_fail("starting the container: %s", strerror(errno));
	close(go[1]);
	st_wait(pid, "a container's process");
	return status;
}

static void containers(int fd)
{
	cg_create_nested("machine.slice/libpod-abc.scope");
	if (container(fd, "abc", "machine.slice/libpod-abc.scope",
		      "machine.slice:libpod:abc",
		      "\"gpumem.io/purge\": \"never\", \"gpumem.io/swap-budget\": \"4M\", \"org.example/other\": \"x\""))
		st_fail("oci-hook failed for a good container");
	gm_expect_eq("libpod-abc's resident",
		     gm_stat("machine.slice/libpod-abc.scope", "resident"),
		     (NB + NP) * BO_SIZE);
	gm_reclaim("machine.slice/libpod-abc.scope", (NB + NP) * BO_SIZE, 0,
		   4 * MiB);
	st_ok("container abc (systemd cgroupsPath): the hook put purge never, budget 4M in place before its first bo");

	cg_create_nested("ctr/def");
	if (container(fd, "def", "ctr/def", "/ctr/def",
		      "\"gpumem.io/purge\": \"last\", \"gpumem.io/swap-budget\": \"2M\", \"gpumem.io/writeback\": \"deferred\""))
		st_fail("oci-hook failed for a good container");
	gm_expect_eq("def's writeback is deferred",
		     gm_policy_is("ctr/def", "writeback", "deferred"), 1);
	gm_reclaim("ctr/def", (NB + NP) * BO_SIZE, NP * BO_SIZE, 2 * MiB);
	st_ok("container def (cgroupfs cgroupsPath): purge last, budget 2M, writeback deferred in force");

	cg_create("ctr/bad");
	if (container(fd, "bad", "ctr/bad", "/ctr/bad",
		      "\"gpumem.io/purge\": \"sometimes\", \"gpumem.io/swap-budget\": \"1M\"") != 1)
		st_fail("oci-hook did not fail with status 1 on a bad annotation");
	if (!strstr(gm_out, "gpumem.io/purge") || !strstr(gm_out, "sometimes"))
		st_fail("oci-hook's message does not name the bad annotation: %s",
			gm_out);
	gm_expect_eq("bad's purge (unchanged)",
		     gm_policy_is("ctr/bad", "purge", "first"), 1);
	gm_expect_eq("bad's budget is still max (null)",
		     gm_json(".cgroups[0].swap_budget == null | if . then 1 else 0 end",
			     "show /ctr/bad"), 1);
	gm_expect_eq("bad's resident (never started)",
		     gm_stat("ctr/bad", "resident"), 0);
	st_ok("container bad: a bad annotation fails the hook and sets nothing");
}

int main(void)
{
	int fd;

	/* The guest's root is read-only; TMPDIR is not. */
	snprintf(tmp, sizeof(tmp), "%.200s", getenv("TMPDIR") ?: "/tmp");
	vttm_load();
	fd = vttm_open();
	units(fd);
	containers(fd);
	return 0;
}
