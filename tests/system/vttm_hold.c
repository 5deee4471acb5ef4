// SPDX-License-Identifier: GPL-2.0
/*
 * vttm-hold: a stand-in for a GPU application, for the demo and for manual
 * sessions with gpumemctl (not a test).
 *
 *   vttm-hold NORMAL_MIB PURGEABLE_MIB
 *
 * Creates NORMAL_MIB MiB of buffer objects and PURGEABLE_MIB MiB more marked
 * DONTNEED, all filled with a known pattern, in 1 MiB objects charged to the
 * caller's cgroup; prints "ready" and holds them until its standard input
 * ends. Then it reads every normal object back and checks it (whatever was
 * backed up in between must come back identical), marks the purgeable ones
 * WILLNEED, and prints what it found. Exits 1 if any normal object differs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "systest.h"
#include "vttm.h"

#define BO_SIZE MiB

static int parse_mib(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v > 1024) {
		fprintf(stderr, "vttm-hold: '%s' is not a size in MiB (0-1024)\n",
			s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct vttm_bo *bos;
	int fd, n, np, i, retained = 0;
	char buf[256];

	if (argc != 3) {
		fprintf(stderr, "usage: vttm-hold NORMAL_MIB PURGEABLE_MIB\n");
		return 2;
	}
	/*
	 * Under UML, the kernel's copy_to_user() writes to a user page that is
	 * mapped writable but clean without marking it dirty, so reclaim may
	 * drop what a pread put there and swap in the old copy: keep this
	 * process's own memory out of reclaim (its buffer objects are what
	 * reclaim is meant to take).
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "vttm-hold: mlockall: %s\n", strerror(errno));
	n = parse_mib(argv[1]);
	np = parse_mib(argv[2]);
	bos = calloc(n + np + 1, sizeof(*bos));
	if (!bos)
		st_fail("out of memory");

	vttm_load();
	fd = vttm_open();
	vttm_create_filled(fd, bos, n + np, BO_SIZE);
	for (i = n; i < n + np; i++)
		vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_DONTNEED);
	printf("ready: %d MiB of buffer objects, %d MiB of them purgeable\n",
	       n + np, np);
	fflush(stdout);

	while (read(0, buf, sizeof(buf)) > 0)
		;

	for (i = 0; i < n; i++)
		vttm_verify(fd, &bos[i], "a normal buffer object");
	for (i = n; i < n + np; i++)
		retained += vttm_madvise(fd, &bos[i], DRM_VTTM_MADV_WILLNEED);
	printf("data check: %d MiB of normal objects read back identical; of %d MiB purgeable, %d MiB kept, %d MiB purged\n",
	       n, np, retained, np - retained);
	return 0;
}
