/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for gpumem's system tests, which run as programs inside the UML
 * guest (see uml-init.c): cgroup v2 files, modules, and failing loudly.
 */
#ifndef GPUMEM_SYSTEST_H
#define GPUMEM_SYSTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define KiB ((uint64_t)1024)
#define MiB (1024 * KiB)

/* Print "FAIL: ..." and exit with status 1. */
void st_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print "ok: ..." */
void st_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Cgroups are named by their path relative to the cgroup2 root; "" is the
 * root itself (for its memory.stat, say).
 */

/* Create cgroup NAME; it must not exist yet. */
void cg_create(const char *name);
/* Remove cgroup NAME; it must be empty. */
void cg_remove(const char *name);
/* Write VALUE into cgroup NAME's FILE. */
void cg_write(const char *name, const char *file, const char *value);
/* The value of KEY in a flat keyed file ("key value" lines) of cgroup NAME. */
uint64_t cg_read_key(const char *name, const char *file, const char *key);
/* The single number in cgroup NAME's FILE. */
uint64_t cg_read_u64(const char *name, const char *file);
/* Move process PID into cgroup NAME. */
void cg_enter(const char *name, pid_t pid);
/* The cgroup v2 id of cgroup NAME: the inode number of its directory. */
uint64_t cg_id(const char *name);

/*
 * memory.stat is flushed lazily: a figure may lag by up to 64 pages per cpu
 * for up to 2 s. Poll KEY of cgroup NAME's flat keyed FILE every 100 ms for
 * up to 5 s until it reads WANT, and return the last value read.
 */
uint64_t cg_poll_key(const char *name, const char *file, const char *key,
		     uint64_t want);
/* cg_poll_key(), failing with both figures if KEY never reads WANT. */
void cg_expect_key(const char *name, const char *file, const char *key,
		   uint64_t want);

/*
 * Charges to memory.current go through a per-cpu stock of up to 64 pages: a
 * charge may be served from pages the stock holds already (and counted in
 * memory.current), and an uncharge may leave pages there. Fail unless
 * memory.current of cgroup NAME is BASE + DELTA within that slack below and
 * 1 MiB above (the test process's own small allocations, page tables, slab).
 * Polled like cg_poll_key().
 */
void cg_expect_current(const char *name, uint64_t base, int64_t delta);

/* fflush(stdout) and fork; the child enters cgroup NAME (unless NULL). */
pid_t st_fork(const char *name);
/* Reap child PID, which must have exited with status 0; WHAT names it. */
void st_wait(pid_t pid, const char *what);
/*
 * LEN bytes of zeroed memory shared with the children forked afterwards.
 * The caller touches every page, so they are charged to its cgroup, never
 * to a child's.
 */
void *st_shared(size_t len);
/* Nanoseconds, milliseconds on the monotonic clock. */
uint64_t st_now_ns(void);
uint64_t st_now_ms(void);
/* The pid of kswapd0, the first node's kswapd; fails without one. */
pid_t st_kswapd_pid(void);
void st_sleep_ms(unsigned int ms);

/* Send file descriptor FD and LEN bytes of DATA over unix socket SOCK. */
void st_send_fd(int sock, int fd, const void *data, size_t len);
/* Receive what st_send_fd() sent: the descriptor is returned. */
int st_recv_fd(int sock, void *data, size_t len);

/* Load module NAME (and its dependencies) from the test kernel's modules. */
void st_modprobe(const char *name);
/*
 * st_modprobe() with module parameters: PARAMS is a NULL-terminated list of
 * "name=value" strings (NULL for none).
 */
void st_modprobe_params(const char *name, const char *const params[]);
/* Unload module NAME. */
void st_rmmod(const char *name);
/* Try to unload module NAME: return rmmod's exit status. */
int st_try_rmmod(const char *name);
/* Whether module NAME is loaded. */
bool st_module_loaded(const char *name);

#endif
