/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for gpumem's system tests, which run as programs inside the UML
 * guest (see uml-init.c): cgroup v2 files, modules, and failing loudly.
 */
#ifndef GPUMEM_SYSTEST_H
#define GPUMEM_SYSTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

/* Print "FAIL: ..." and exit with status 1. */
void st_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print "ok: ..." */
void st_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Create cgroup NAME (relative to the cgroup2 root); it must not exist yet. */
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

/* Load module NAME (and its dependencies) from the test kernel's modules. */
void st_modprobe(const char *name);
/* Unload module NAME. */
void st_rmmod(const char *name);
/* Whether module NAME is loaded. */
bool st_module_loaded(const char *name);

#endif
