// SPDX-License-Identifier: GPL-2.0
/*
 * TTM and xe build as modules and load without a GPU: every symbol they use
 * from the core kernel is exported. Unloading them must be clean too.
 */
#include "systest.h"

int main(void)
{
	st_modprobe("xe");
	if (!st_module_loaded("xe") || !st_module_loaded("ttm"))
		st_fail("xe and ttm are not both loaded after modprobe xe");
	st_ok("xe and ttm loaded");
	st_rmmod("xe");
	if (st_module_loaded("xe"))
		st_fail("xe still loaded after rmmod");
	st_ok("xe unloaded");
	return 0;
}
