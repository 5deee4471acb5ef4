// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: never finish. The harness must kill the guest and fail. */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
