// SPDX-License-Identifier: GPL-2.0
/*
 * podman with CDI: `gpumemctl cdi` writes the spec of the guest's DRM cards
 * (vttm's) to /var/run/cdi, where Debian 12's podman reads it, and a
 * container that asks for the card by its CDI name gets the device nodes
 * and gpumemctl's hook from the spec alone: podman's hooks directory is
 * empty here.
 *
 * - --device gpumem.io/gpu=CARD --annotation gpumem.io/purge=never
 *   --annotation gpumem.io/swap-budget=4M (runc): inside, the card and
 *   render nodes are there, and before the application allocates its own
 *   gpumemctl already reads the policy; the application (vttm-hold) holds
 *   8 MiB of bos and 8 MiB more marked DONTNEED on the card it got; the
 *   container's cgroup has the policy, reclaim of 8 MiB follows it (nothing
 *   purged, the 4 MiB budget backed up), the data reads back intact.
 * - --device gpumem.io/gpu=all -e GPUMEM_PURGE=last (crun): the policy
 *   from the variable alone (which no hooks.d file can match) is in force
 *   before the first allocation.
 * - gpumem.io/purge=never with GPUMEM_PURGE=first: the annotation wins.
 * - --device gpumem.io/gpu=CARD without annotations or variables: the
 *   default policy (purge first), no error, the application runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmctl.h"
#include "podman.h"
#include "systest.h"
#include "vttm.h"

#define SPEC "/var/run/cdi/gpumem.json"

static char hooks[300], card[64];

/* The spec for the guest's cards; CARD is the first card it names. */
static void write_spec(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "%s cdi 2>&1", GPUMEMCTL);
	if (gm_shell(cmd))
		st_fail("gpumemctl cdi: %s", gm_out);
	snprintf(cmd, sizeof(cmd),
		 "jq -e -r --arg hook %s '.cdiVersion == \"0.5.0\" and "
		 ".kind == \"gpumem.io/gpu\" and .containerEdits.hooks == "
		 "[{hookName: \"createRuntime\", path: $hook, "
		 "args: [\"gpumemctl\", \"oci-hook\"]}] and .devices[-1].name == \"all\" "
		 "and (.devices | length) >= 2' " SPEC " >/dev/null && "
		 "jq -r '.devices[0].name' " SPEC, GPUMEMCTL);
	if (gm_shell(cmd)) {
		snprintf(cmd, sizeof(cmd), "cat " SPEC);
		gm_shell(cmd);
		st_fail("the spec gpumemctl cdi wrote: %s", gm_out);
	}
	snprintf(card, sizeof(card), "%.*s", (int)strcspn(gm_out, "\n"),
		 gm_out);
	snprintf(cmd, sizeof(cmd), "jq -c '[.devices[0].containerEdits.deviceNodes[].path]' " SPEC);
	gm_shell(cmd);
	st_ok("gpumemctl cdi wrote " SPEC ": device gpumem.io/gpu=%s with %.*s, and all; the hook in its containerEdits",
	      card, (int)strcspn(gm_out, "\n"), gm_out);
}

/* runc, annotations: the nodes, the policy before allocating, reclaim. */
static void annotated(void)
{
	char cmd[4096], run[2048], inner[800], cg[512], file[400], dev[128];
	int in;
	pid_t pid;

	snprintf(dev, sizeof(dev), "--device gpumem.io/gpu=%s", card);
	pm_podman(run, sizeof(run), "runc", hooks, dev);
	pm_container_command(inner, sizeof(inner), "a",
			     "sh -c \"ls /dev/dri >/mnt/a.nodes; exec "
			     VTTM_HOLD " 8 8\"");
	snprintf(file, sizeof(file), "%s/a.out", pm_out);
	snprintf(cmd, sizeof(cmd),
		 "exec %s -i --name a --annotation gpumem.io/purge=never "
		 "--annotation gpumem.io/swap-budget=4M --rootfs %s %s >%s 2>&1",
		 run, pm_rootfs, inner, file);
	pid = pm_start(cmd, &in);
	pm_wait_for(file, "^ready");
	pm_expect_before("a", "never");
	snprintf(cmd, sizeof(cmd),
		 "grep -qx %s %s/a.nodes && grep -q '^renderD' %s/a.nodes && "
		 "tr '\\n' ' ' <%s/a.nodes", card, pm_out, pm_out, pm_out);
	if (gm_shell(cmd)) {
		snprintf(cmd, sizeof(cmd), "cat %s/a.nodes", pm_out);
		gm_shell(cmd);
		st_fail("container a's /dev/dri: %s", gm_out);
	}
	st_ok("podman --device gpumem.io/gpu=%s: the container has /dev/dri/{%.*s}, and purge never before its first allocation, from the CDI spec's hook",
	      card, (int)strcspn(gm_out, "\n") - 1, gm_out);

	pm_cgroup_of(pm_pid("a"), cg, sizeof(cg));
	if (!gm_policy_is(cg, "purge", "never") ||
	    gm_stat(cg, "swap_budget") != 4 * MiB)
		st_fail("%s: the policy of the annotations is not in force: %s",
			cg, gm_out);
	cg_expect_key(cg, "memory.stat", "gpu", 16 * MiB);
	gm_reclaim(cg, 8 * MiB, 0, 4 * MiB);

	pm_finish(pid, in, "a", file);
	if (!strstr(gm_out, "8 MiB of normal objects read back identical") ||
	    !strstr(gm_out, "8 MiB kept, 0 MiB purged"))
		st_fail("container a's application said: %s", gm_out);
	st_ok("container a in /%s: purge never and swap-budget 4M held under reclaim (nothing purged, 4 MiB backed up), its data read back intact",
	      cg);
}

/*
 * Container NAME with RUNTIME and the podman options EXTRA holds 1 MiB of
 * bos (and 1 MiB DONTNEED), having seen PURGE before allocating.
 */
static void short_run(const char *name, const char *runtime,
		      const char *extra, const char *purge)
{
	char cmd[4096], run[2048], inner[600];

	pm_podman(run, sizeof(run), runtime, hooks, extra);
	pm_container_command(inner, sizeof(inner), name,
			     VTTM_HOLD " 1 1 </dev/null");
	snprintf(cmd, sizeof(cmd), "%s --name %s --rootfs %s %s 2>&1", run,
		 name, pm_rootfs, inner);
	if (gm_shell(cmd))
		st_fail("podman (%s) run %s %s: %s", runtime, extra, name,
			gm_out);
	if (!strstr(gm_out, "1 MiB of normal objects read back identical"))
		st_fail("container %s's application said: %s", name, gm_out);
	pm_expect_before(name, purge);
}

int main(void)
{
	char dev[256];

	pm_setup();
	/* No hooks.d file: the hook can only come from the CDI spec. */
	snprintf(hooks, sizeof(hooks), "%s/no-hooks.d", pm_tmp);
	if (mkdir(hooks, 0755))
		st_fail("mkdir %s: %s", hooks, strerror(errno));
	vttm_load();
	write_spec();

	annotated();

	/* crun, all cards, the policy from a variable alone. */
	short_run("b", "crun", "--device gpumem.io/gpu=all -e GPUMEM_PURGE=last",
		  "last");
	st_ok("podman (crun) --device gpumem.io/gpu=all -e GPUMEM_PURGE=last: purge last before the first allocation, from the variable alone");

	/* Both: the annotation wins over the variable. */
	snprintf(dev, sizeof(dev),
		 "--device gpumem.io/gpu=%s --annotation gpumem.io/purge=never -e GPUMEM_PURGE=first",
		 card);
	short_run("d", "runc", dev, "never");
	st_ok("gpumem.io/purge=never with GPUMEM_PURGE=first: purge never, the annotation wins");

	/* Asking for the device and nothing else: the default, no error. */
	snprintf(dev, sizeof(dev), "--device gpumem.io/gpu=%s", card);
	short_run("c", "runc", dev, "first");
	st_ok("--device gpumem.io/gpu=%s without annotations or variables: the default policy (purge first), no error",
	      card);
	return 0;
}
