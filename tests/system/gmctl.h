/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the system tests that drive the kernel through gpumemctl (its
 * path compiled in as GPUMEMCTL) and read its JSON with jq.
 */
#ifndef GPUMEM_TEST_GMCTL_H
#define GPUMEM_TEST_GMCTL_H

#include <stdint.h>
#include <sys/types.h>

/* The output of the last command run by these helpers. */
extern char gm_out[65536];

/* Run CMD through the shell; its standard output in gm_out; its status. */
int gm_shell(const char *cmd);
/* Run gpumemctl with ARGS; its output (and stderr) in gm_out. */
int gm_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run gpumemctl and fail the test unless it succeeds. */
#define gm_ok(...) do {							\
	if (gm_run(__VA_ARGS__))					\
		st_fail("gpumemctl failed: %s", gm_out);		\
} while (0)
/* A number from `gpumemctl -j ARGS`, picked with jq's FILTER. */
uint64_t gm_json(const char *filter, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A number of `gpumemctl -j show /CG`: KEY of its one cgroup. */
uint64_t gm_stat(const char *cg, const char *key);
/* 1 if cgroup CG's policy KEY (purge, writeback, ...) reads VALUE, else 0. */
int gm_policy_is(const char *cg, const char *key, const char *value);
/* Fail the test with both figures (and KiB) unless GOT == WANT. */
void gm_expect_eq(const char *what, uint64_t got, uint64_t want);
/*
 * `gpumemctl reclaim /CG SIZE`: fail unless it purged and backed up what is
 * wanted, memory.stat's gpu dropped by that, and what it says it freed is
 * the purged pages plus copies now in swap. Returns what it freed.
 */
uint64_t gm_reclaim(const char *cg, uint64_t size, uint64_t want_purged,
		    uint64_t want_backed_up);
/* Start `gpumemctl -j monitor`, its output to FILE; wait until it listens. */
pid_t gm_monitor_start(const char *file);
/* Stop it with SIGINT; fail unless it exits 0. */
void gm_monitor_stop(pid_t pid, const char *file);
/* Fail unless the monitor's output has a JSON line with EVENT for cgroup ID. */
void gm_expect_event(const char *file, const char *event, uint64_t id);
/* Write TEXT to DIR/NAME, failing the test on error. */
void gm_write_file(const char *dir, const char *name, const char *text);

#endif
