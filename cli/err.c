// SPDX-License-Identifier: GPL-2.0
/* The one-line error messages of gpumemctl's library functions (see err.h). */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

void gm_err_set(struct gm_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}
