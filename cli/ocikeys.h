/*
 * How a container asks for a gpumem policy, for gpumemctl oci-hook and
 * gpumem-runtime alike: an annotation gpumem.io/KEY, or an environment
 * variable GPUMEM_KEY in config.json's process.env (for engines such as
 * Docker 20.10 that cannot set annotations).  Per key, the annotation wins
 * over the variable.  Other gpumem.io/ annotations are errors (a typo must
 * not drop a policy); other GPUMEM_ variables are not gpumem's to judge
 * and are left alone.
 */
#ifndef GPUMEMCTL_OCIKEYS_H
#define GPUMEMCTL_OCIKEYS_H

#define GM_OCI_PREFIX		"gpumem.io/"
#define GM_OCI_PURGE		GM_OCI_PREFIX "purge"
#define GM_OCI_SWAP_BUDGET	GM_OCI_PREFIX "swap-budget"
#define GM_OCI_WRITEBACK	GM_OCI_PREFIX "writeback"
#define GM_OCI_VRAM_MAX		GM_OCI_PREFIX "vram-max"

#define GM_OCI_ENV_PURGE	"GPUMEM_PURGE"
#define GM_OCI_ENV_SWAP_BUDGET	"GPUMEM_SWAP_BUDGET"
#define GM_OCI_ENV_WRITEBACK	"GPUMEM_WRITEBACK"
#define GM_OCI_ENV_VRAM_MAX	"GPUMEM_VRAM_MAX"

/* The variables, for a loop; NULL-terminated. */
#define GM_OCI_ENV_NAMES { GM_OCI_ENV_PURGE, GM_OCI_ENV_SWAP_BUDGET, \
			   GM_OCI_ENV_WRITEBACK, GM_OCI_ENV_VRAM_MAX, NULL }

#endif
