// SPDX-License-Identifier: GPL-2.0
/*
 * What the system tests share: reporting, cgroups, processes, files and
 * modules of the guest.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
	bool root = !*name;

	if ((size_t)snprintf(buf, len, "%s%s%s%s%s", CGROUP_ROOT, root ? "" : "/",
			     name, file ? "/" : "", file ? file : "") >= len)
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

uint64_t cg_id(const char *name)
{
	char path[4096];
	struct stat st;

	cg_path(path, sizeof(path), name, NULL);
	if (stat(path, &st))
		st_fail("stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

uint64_t cg_poll_key(const char *name, const char *file, const char *key,
		     uint64_t want)
{
	uint64_t v = cg_read_key(name, file, key);
	int i;

	for (i = 0; i < 50 && v != want; i++) {
		st_sleep_ms(100);
		v = cg_read_key(name, file, key);
	}
	return v;
}

void cg_expect_key(const char *name, const char *file, const char *key,
		   uint64_t want)
{
	uint64_t v = cg_poll_key(name, file, key, want);

	if (v != want)
		st_fail("cgroup '%s': %s %s is %" PRIu64 ", want %" PRIu64 " (after 5 s)",
			name, file, key, v, want);
}

void cg_expect_current(const char *name, uint64_t base, int64_t delta)
{
	int64_t stock = 64 * sysconf(_SC_PAGESIZE) * sysconf(_SC_NPROCESSORS_CONF);
	int64_t got;
	int i;

	/* Polled too: memory may be freed by a worker (deferred destruction). */
	for (i = 0; i < 50; i++) {
		got = (int64_t)(cg_read_u64(name, "memory.current") - base);
		if (got >= delta - stock && got <= delta + (int64_t)MiB)
			return;
		st_sleep_ms(100);
	}
	st_fail("cgroup '%s': memory.current moved by %" PRId64 " bytes, want %" PRId64
		" (-%" PRId64 "/+1 MiB, after 5 s)", name, got, delta, stock);
}

pid_t st_fork(const char *name)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		st_fail("fork: %s", strerror(errno));
	if (pid == 0 && name)
		cg_enter(name, getpid());
	return pid;
}

void st_wait(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		st_fail("waitpid %s: %s", what, strerror(errno));
	if (WIFSIGNALED(status))
		st_fail("%s killed by signal %d", what, WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		st_fail("%s failed (status %#x)", what, status);
}

void *st_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		st_fail("mmap %zu shared bytes: %s", len, strerror(errno));
	memset(p, 0, len);
	return p;
}

uint64_t st_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t st_now_ms(void)
{
	return st_now_ns() / 1000000;
}

void st_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void st_send_fd(int sock, int fd, const void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != (ssize_t)len)
		st_fail("sendmsg: %s", strerror(errno));
}

int st_recv_fd(int sock, void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &msg, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	int fd;

	if (n != (ssize_t)len)
		st_fail("recvmsg: got %zd of %zu bytes: %s", n, len,
			n < 0 ? strerror(errno) : "short message");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		st_fail("recvmsg: no file descriptor came with the message");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
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
	st_modprobe_params(name, NULL);
}

void st_modprobe_params(const char *name, const char *const params[])
{
	const char *dir = getenv("GPUMEM_MODDIR");
	char *argv[32] = { "modprobe", "-d", (char *)dir, (char *)name };
	size_t n = 4, i;

	if (!dir)
		st_fail("GPUMEM_MODDIR is not set: not running under tests/system/run?");
	for (i = 0; params && params[i]; i++) {
		if (n + 1 >= ARRAY_SIZE(argv))
			st_fail("modprobe %s: too many parameters", name);
		argv[n++] = (char *)params[i];
	}
	argv[n] = NULL;
	if (run(argv))
		st_fail("modprobe %s failed", name);
}

int st_try_rmmod(const char *name)
{
	char *argv[] = { "rmmod", (char *)name, NULL };

	return run(argv);
}

void st_rmmod(const char *name)
{
	if (st_try_rmmod(name))
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

pid_t st_kswapd_pid(void)
{
	char path[300], comm[64];
	struct dirent *e;
	DIR *d = opendir("/proc");
	FILE *f;

	if (!d)
		st_fail("opendir /proc: %s", strerror(errno));
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "kswapd0\n")) {
			fclose(f);
			closedir(d);
			return atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	st_fail("no kswapd0 in /proc");
}
