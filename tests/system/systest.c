// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systest.h"

void st_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
	exit(1);
}

void st_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ok: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

static void cg_path(char *buf, size_t len, const char *name, const char *file)
{
	if ((size_t)snprintf(buf, len, "%s/%s%s%s", CGROUP_ROOT, name,
			     file ? "/" : "", file ? file : "") >= len)
		st_fail("cgroup path too long: %s/%s", name, file ? file : "");
}

void cg_create(const char *name)
{
	char path[4096];

	cg_path(path, sizeof(path), name, NULL);
	if (mkdir(path, 0755))
		st_fail("mkdir %s: %s", path, strerror(errno));
}

void cg_remove(const char *name)
{
	char path[4096];

	cg_path(path, sizeof(path), name, NULL);
	if (rmdir(path))
		st_fail("rmdir %s: %s", path, strerror(errno));
}

/* Open cgroup NAME's FILE; its path is left in PATH for messages. */
static FILE *cg_open(char *path, size_t len, const char *name,
		     const char *file, const char *mode)
{
	FILE *f;

	cg_path(path, len, name, file);
	f = fopen(path, mode);
	if (!f)
		st_fail("open %s: %s", path, strerror(errno));
	return f;
}

void cg_write(const char *name, const char *file, const char *value)
{
	char path[4096];
	FILE *f = cg_open(path, sizeof(path), name, file, "w");

	if (fputs(value, f) < 0 || fclose(f))
		st_fail("write '%s' to %s: %s", value, path, strerror(errno));
}

uint64_t cg_read_key(const char *name, const char *file, const char *key)
{
	char path[4096], k[256];
	FILE *f = cg_open(path, sizeof(path), name, file, "r");
	uint64_t v;

	while (fscanf(f, "%255s %" SCNu64, k, &v) == 2) {
		if (!strcmp(k, key)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	st_fail("%s has no key %s", path, key);
}

uint64_t cg_read_u64(const char *name, const char *file)
{
	char path[4096];
	FILE *f = cg_open(path, sizeof(path), name, file, "r");
	uint64_t v;

	if (fscanf(f, "%" SCNu64, &v) != 1)
		st_fail("%s does not hold a number", path);
	fclose(f);
	return v;
}

void cg_enter(const char *name, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	cg_write(name, "cgroup.procs", buf);
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		st_fail("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void st_modprobe(const char *name)
{
	const char *dir = getenv("GPUMEM_MODDIR");
	char *argv[] = { "modprobe", "-d", (char *)dir, (char *)name, NULL };

	if (!dir)
		st_fail("GPUMEM_MODDIR is not set: not running under tests/system/run?");
	if (run(argv))
		st_fail("modprobe %s failed", name);
}

void st_rmmod(const char *name)
{
	char *argv[] = { "rmmod", (char *)name, NULL };

	if (run(argv))
		st_fail("rmmod %s failed", name);
}

bool st_module_loaded(const char *name)
{
	char line[512];
	size_t len = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		st_fail("open /proc/modules: %s", strerror(errno));
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	fclose(f);
	return found;
}
