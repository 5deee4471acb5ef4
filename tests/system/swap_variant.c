// SPDX-License-Identifier: GPL-2.0
/*
 * Run a system test with another kind of swap than the harness's swap file
 * (/dev/ubda): built once per kind, with SWAP_KIND "zram" (swap on a zram
 * device of the same size instead) or "zswap" (zswap in front of the swap
 * file), and TEST_PROGRAM the test to exec once swap is set up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/swap.h>
#include <unistd.h>

#include "systest.h"

static void write_file(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(value, f) < 0 || fclose(f))
		st_fail("write '%s' to %s: %s", value, path, strerror(errno));
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, len, f))
		st_fail("read %s: %s", path, strerror(errno));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

int main(void)
{
	char buf[64];

	if (!strcmp(SWAP_KIND, "zram")) {
		if (swapoff("/dev/ubda"))
			st_fail("swapoff /dev/ubda: %s", strerror(errno));
		write_file("/sys/block/zram0/disksize", "256M");
		if (system("mkswap -q /dev/zram0"))
			st_fail("mkswap /dev/zram0 failed");
		if (swapon("/dev/zram0", 0))
			st_fail("swapon /dev/zram0: %s", strerror(errno));
	} else if (!strcmp(SWAP_KIND, "zswap")) {
		write_file("/sys/module/zswap/parameters/enabled", "Y");
		read_file("/sys/module/zswap/parameters/enabled", buf, sizeof(buf));
		if (strcmp(buf, "Y"))
			st_fail("zswap is not enabled: %s", buf);
	} else {
		st_fail("unknown swap kind %s", SWAP_KIND);
	}
	st_ok("swap: %s", SWAP_KIND);
	execl(TEST_PROGRAM, TEST_PROGRAM, (char *)NULL);
	st_fail("exec %s: %s", TEST_PROGRAM, strerror(errno));
}
