// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: make the kernel print a WARNING through LKDTM and exit
 * 0. The harness must fail this boot on the kernel log alone.
 */
#include <stdio.h>

#include "systest.h"

int main(void)
{
	FILE *f;

	st_modprobe("lkdtm");
	f = fopen("/sys/kernel/debug/provoke-crash/DIRECT", "w");
	if (!f || fputs("WARNING\n", f) < 0 || fclose(f))
		st_fail("cannot provoke a WARNING through lkdtm");
	st_ok("provoked a kernel WARNING");
	return 0;
}
