/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting for gpumemctl: library functions never print, they fill
 * a struct gm_err with one line "<what>: <why>" and return a negative errno.
 * main() prints it as "gpumemctl: <what>: <why>".
 */
#ifndef GPUMEMCTL_ERR_H
#define GPUMEMCTL_ERR_H

#define GM_ERR_LEN 1024

/* Exit codes (documented in --help and gpumemctl(8)). */
enum gm_exit {
	GM_EXIT_OK = 0,		/* success */
	GM_EXIT_FAILURE = 1,	/* runtime error: cgroup, kernel, I/O, ... */
	GM_EXIT_USAGE = 2,	/* bad command line */
	GM_EXIT_NO_GPUMEM = 3,	/* the kernel has no 'gpumem' genl family */
	GM_EXIT_PERMISSION = 4,	/* the kernel said EPERM: needs CAP_SYS_ADMIN */
};

/*
 * Why a kernel has no 'gpumem' family.  gpumem is built in (CONFIG_GPUMEM
 * is a bool), never a module; it registers nothing when the memory
 * controller is disabled.
 */
#define GM_NO_FAMILY_WHY						\
	"this kernel has no gpumem support (built without CONFIG_GPUMEM) "	\
	"or has it disabled with the memory controller (cgroup_disable=memory)"

struct gm_err {
	char msg[GM_ERR_LEN];
};

void gm_err_set(struct gm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
