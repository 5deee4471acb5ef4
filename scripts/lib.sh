# SPDX-License-Identifier: GPL-2.0
#
# What gpumem's scripts share; sourced (". scripts/lib.sh"), never run.
# Each function says what it needs; none changes the caller's directory or
# options.
#
#   gpumem_config_merge TREE BUILD FRAGMENT
#   gpumem_config_check BUILD FRAGMENT REPORT
#   gpumem_build [--no-kernel-build]
#   gpumem_boot OUT MEM SWAP TIMEOUT PROGRAM [ARG...]

# The kernel configuration fragment FRAGMENT merged into BUILD/.config
# with TREE's merge_config.sh (run "make olddefconfig" after it).
gpumem_config_merge() {
	local tree=$1 build=$2 fragment=$3

	(cd "$build" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "$fragment" >/dev/null)
}

# Whether every line of FRAGMENT survived Kconfig in BUILD/.config: a
# "CONFIG_X=v" line must be there as it is; "CONFIG_X=n" and "# CONFIG_X
# is not set" mean X is not y or m (an option whose dependencies are off
# is not written at all).  Each lost line is told to the command REPORT
# ("config lost LINE"); returns 1 if any was.
gpumem_config_check() {
	local build=$1 fragment=$2 report=$3 line sym lost=0

	while read -r line; do
		case $line in
		'# CONFIG_'*' is not set' | CONFIG_*=n)
			sym=${line#\# }
			sym=${sym%% *}
			sym=${sym%=n}
			if grep -Eq "^$sym=(y|m)$" "$build/.config"; then
				"$report" "config lost $line ($(grep "^$sym=" "$build/.config"))"
				lost=1
			fi ;;
		CONFIG_*)
			grep -qxF "$line" "$build/.config" ||
				{ "$report" "config lost $line"; lost=1; } ;;
		esac
	done <"$fragment"
	return $lost
}

# Build the user-space side in the repo's build/ (meson setup on first use)
# and, unless --no-kernel-build, the UML kernel (scripts/uml build); all
# they say goes to stderr.  Run from the repo's top directory.
gpumem_build() {
	[ -f build/build.ninja ] || meson setup build >&2
	meson compile -C build >&2
	[ "${1:-}" = --no-kernel-build ] || scripts/uml build >&2
}

# Boot the UML kernel with PROGRAM [ARG...] as the guest's only job, its
# console and results in OUT (scripts/uml boot --quiet); returns what the
# boot returns.  Run from the repo's top directory, after gpumem_build.
gpumem_boot() {
	local out=$1 mem=$2 swap=$3 timeout=$4

	shift 4
	GPUMEM_UML_INIT=$PWD/build/tests/system/uml-init \
		scripts/uml boot --quiet --mem "$mem" --swap "$swap" \
		--timeout "$timeout" --out "$out" -- "$@"
}
