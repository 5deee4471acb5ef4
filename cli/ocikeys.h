/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a container asks for a gpumem policy, for gpumemctl oci-hook and
 * gpumem-runtime alike: an annotation gpumem.io/KEY, or an environment
 * variable GPUMEM_KEY in config.json's process.env (for engines such as
 * Docker 20.10 that cannot set annotations).  Per key, the annotation wins
 * over the variable.  Other gpumem.io/ annotations are errors (a typo must
 * not drop a policy); other GPUMEM_ variables are not gpumem's to judge
 * and are left alone.  The keys are the rows of policy.h: annotation
 * gpumem.io/swap-budget, variable GPUMEM_SWAP_BUDGET.
 */
#ifndef GPUMEMCTL_OCIKEYS_H
#define GPUMEMCTL_OCIKEYS_H

#include "policy.h"

#define GM_OCI_PREFIX		"gpumem.io/"
#define GM_OCI_ENV_PREFIX	"GPUMEM_"

/* The variables, for a loop; NULL-terminated. */
#define GM_OCI_ENV_NAME(e, name, unit, json, usage, words)		\
	GM_OCI_ENV_PREFIX #e,
#define GM_OCI_ENV_NAMES { GM_POLICY_KEYS(GM_OCI_ENV_NAME) NULL }

#endif
