// SPDX-License-Identifier: GPL-2.0
/* Helpers of the tests that drive the kernel through gpumemctl: gmctl.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmctl.h"
#include "systest.h"

char gm_out[65536];

int gm_shell(const char *cmd)
{
	size_t len = 0, n;
	FILE *f;
	int status;

	fflush(stdout);
	f = popen(cmd, "r");
	if (!f)
		st_fail("popen %s: %s", cmd, strerror(errno));
	while ((n = fread(gm_out + len, 1, sizeof(gm_out) - 1 - len, f)) > 0)
		len += n;
	gm_out[len] = 0;
	status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int gm_run(const char *fmt, ...)
{
	char args[1024], cmd[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", GPUMEMCTL, args);
	return gm_shell(cmd);
}

uint64_t gm_json(const char *filter, const char *fmt, ...)
{
	char args[512], cmd[1200];
	uint64_t v;
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s -j %s | jq -e -r '%s'", GPUMEMCTL, args,
		 filter);
	status = gm_shell(cmd);
	if (status || sscanf(gm_out, "%" SCNu64, &v) != 1)
		st_fail("'%s' gave '%s' (status %d)", cmd, gm_out, status);
	return v;
}

uint64_t gm_stat(const char *cg, const char *key)
{
	char filter[128];

	snprintf(filter, sizeof(filter), ".cgroups[0].%s", key);
	return gm_json(filter, "show /%s", cg);
}

int gm_policy_is(const char *cg, const char *key, const char *value)
{
	char filter[256];

	snprintf(filter, sizeof(filter),
		 ".cgroups[0].%s == \"%s\" | if . then 1 else 0 end", key,
		 value);
	return gm_json(filter, "show /%s", cg);
}

void gm_expect_eq(const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		st_fail("%s: %" PRIu64 " (%" PRIu64 " KiB), want %" PRIu64
			" (%" PRIu64 " KiB)", what, got, got / KiB, want,
			want / KiB);
}

uint64_t gm_reclaim(const char *cg, uint64_t size, uint64_t want_purged,
		    uint64_t want_backed_up)
{
	uint64_t before = cg_read_key(cg, "memory.stat", "gpu");
	uint64_t swap_before = cg_read_u64(cg, "memory.swap.current");
	uint64_t freed, purged, backed_up, swapped;

	if (gm_run("-j reclaim /%s %" PRIu64, cg, size))
		st_fail("gpumemctl reclaim /%s: %s", cg, gm_out);
	if (sscanf(strstr(gm_out, "\"freed\"") ?: "", "\"freed\": %" SCNu64,
		   &freed) != 1 ||
	    sscanf(strstr(gm_out, "\"purged\"") ?: "", "\"purged\": %" SCNu64,
		   &purged) != 1 ||
	    sscanf(strstr(gm_out, "\"backed_up\"") ?: "",
		   "\"backed_up\": %" SCNu64, &backed_up) != 1)
		st_fail("reclaim /%s printed: %s", cg, gm_out);
	gm_expect_eq("reclaim's purged", purged, want_purged);
	gm_expect_eq("reclaim's backed up", backed_up, want_backed_up);
	cg_expect_key(cg, "memory.stat", "gpu", before - purged - backed_up);
	/*
	 * Freed is what left memory: the purged pages and the copies written
	 * to swap and dropped, which the cgroup's swap holds now.
	 */
	swapped = cg_read_u64(cg, "memory.swap.current");
	swapped = swapped > swap_before ? swapped - swap_before : 0;
	if (freed < purged || freed > purged + backed_up ||
	    freed - purged > swapped)
		st_fail("reclaim /%s: freed %" PRIu64 " KiB, purged %" PRIu64
			" KiB, backed up %" PRIu64 " KiB, swap grew by %" PRIu64
			" KiB: freed must be the purged pages plus copies in swap",
			cg, freed / KiB, purged / KiB, backed_up / KiB,
			swapped / KiB);
	st_ok("reclaim /%s %" PRIu64 " MiB: purged %" PRIu64 " MiB, backed up %"
	      PRIu64 " MiB (memory.stat gpu dropped by that), freed %" PRIu64
	      " KiB (swap grew by %" PRIu64 " KiB)", cg, size / MiB,
	      purged / MiB, backed_up / MiB, freed / KiB, swapped / KiB);
	return freed;
}

void gm_write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		st_fail("write %s: %s", path, strerror(errno));
}

/* Start `gpumemctl -j monitor`, its output to FILE; wait until it listens. */
pid_t gm_monitor_start(const char *file)
{
	char cmd[1024];
	pid_t pid;
	int i;

	snprintf(cmd, sizeof(cmd), "exec %s -j monitor >%s 2>%s.err", GPUMEMCTL,
		 file, file);
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof(cmd), "grep -q monitoring %s.err", file);
	for (i = 0; i < 100; i++) {
		if (!system(cmd))
			return pid;
		st_sleep_ms(100);
	}
	st_fail("gpumemctl monitor did not start listening");
}

void gm_monitor_stop(pid_t pid, const char *file)
{
	char cmd[1024];
	int status;

	kill(pid, SIGINT);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		snprintf(cmd, sizeof(cmd), "cat %s.err", file);
		if (system(cmd))
			printf("(no stderr)\n");
		st_fail("gpumemctl monitor did not exit 0 on SIGINT (status %#x)",
			status);
	}
}

/* The monitor's output has a JSON line with EVENT for cgroup ID. */
void gm_expect_event(const char *file, const char *event, uint64_t id)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "jq -e -s 'map(select(.event == \"%s\" and .id == %" PRIu64
		 ")) | length > 0' %s >/dev/null", event, id, file);
	if (system(cmd))
		st_fail("gpumemctl monitor printed no %s event for id %" PRIu64,
			event, id);
}
