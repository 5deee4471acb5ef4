#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo scenario, run as the only job of the UML guest (scripts/demo).
# It grows with the project: today it shows the kernel that the composed tree
# builds, its GPU memory stack loading as modules, memory cgroups at work, GPU
# buffers of the virtual TTM device charged to and reclaimed from their own
# cgroup, and per-cgroup policy set and watched with gpumemctl.
exec >"$GPUMEM_RESULT_DIR/transcript" 2>&1
repo=$(cd "$(dirname "$0")/.." && pwd)
gpumemctl=$repo/build/cli/gpumemctl
set -e

echo "== kernel: $(uname -sr), $(grep MemTotal /proc/meminfo | tr -s ' '), swap $(awk 'NR > 1 { print $3 " KiB on " $1 }' /proc/swaps)"

echo "== the GPU memory stack, as modules: modprobe xe"
modprobe -d "$GPUMEM_MODDIR" xe
grep -E '^(drm|drm_kms_helper|ttm|drm_ttm_helper|xe) ' /proc/modules | cut -d' ' -f1,2 | sed 's/^/   /'

echo "== a container's cgroup: memory.max 32M, memory.swap.max 0"
mkdir /sys/fs/cgroup/demo
echo 32M >/sys/fs/cgroup/demo/memory.max
echo 0 >/sys/fs/cgroup/demo/memory.swap.max
echo "== a process in it touches 64 MiB"
sh -c 'echo $$ >/sys/fs/cgroup/demo/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null' || true
echo "   memory.events: $(tr '\n' ' ' </sys/fs/cgroup/demo/memory.events)"

echo "== GPU buffers charged to their creator's cgroup: the virtual TTM device"
echo "-- A (memory.max 32M) fills 64 MiB of buffer objects while B holds 16 MiB;"
echo "   A's reclaim backs up A's own, never B's:"
"$repo/build/tests/system/vttm-reclaim-swap" | sed 's/^/   /'
echo "-- purgeable (DONTNEED) buffer objects are dropped before anything is backed up:"
"$repo/build/tests/system/vttm-purge-first" | sed 's/^/   /'

echo "== per-cgroup policy with gpumemctl: two containers, A and B"
cg=/sys/fs/cgroup
tmp=${TMPDIR:-/tmp}
hold=$repo/build/tests/system/vttm-hold
mkdir "$cg/A" "$cg/B"
rmdir "$cg/demo"
"$gpumemctl" monitor /A /B >"$tmp/monitor" 2>"$tmp/monitor.err" &
monitor=$!
until grep -q monitoring "$tmp/monitor.err" 2>/dev/null; do sleep 0.1; done
for c in "set /A purge first" "set /B purge never swap-budget 8M"; do
	echo "\$ gpumemctl $c"
	"$gpumemctl" $c
done
# Each holds 16 MiB of buffer objects and 8 MiB more marked DONTNEED until
# its standard input (a FIFO held open here) ends.
mkfifo "$tmp/A.in" "$tmp/B.in"
holders=
for g in A B; do
	sh -c "echo \$\$ >$cg/$g/cgroup.procs; exec $hold 16 8" <"$tmp/$g.in" >"$tmp/$g.out" &
	holders="$holders $!"
done
exec 3>"$tmp/A.in" 4>"$tmp/B.in"
until grep -q ready "$tmp/A.out" && grep -q ready "$tmp/B.out"; do sleep 0.1; done
echo "\$ gpumemctl show --tree /A /B"
"$gpumemctl" show --tree /A /B
echo "\$ gpumemctl reclaim /A 4M"
"$gpumemctl" reclaim /A 4M
echo "== memory pressure: memory.high of A and B lowered to 12M"
echo 12M >"$cg/A/memory.high"
echo 12M >"$cg/B/memory.high"
echo "\$ gpumemctl show --tree /A /B"
"$gpumemctl" show --tree /A /B
echo "   A purged its DONTNEED buffers first, then backed up; B purged nothing and"
echo "   backed up only its 8M budget, so it stays above memory.high."
kill -INT "$monitor"
wait "$monitor"
echo "-- what gpumemctl monitor printed meanwhile (first 12 lines):"
head -n 12 "$tmp/monitor" | sed 's/^/   /'
echo "\$ gpumemctl -o prometheus show /B | grep -v '^#'"
"$gpumemctl" -o prometheus show /B | grep -v '^#' | sed 's/^/   /'
echo "-- the applications end: every normal buffer must read back intact"
exec 3>&- 4>&-
status=0
for pid in $holders; do wait "$pid" || status=$?; done
for g in A B; do grep -v ready "$tmp/$g.out" | sed "s/^/   $g: /"; done
[ $status -eq 0 ]
rmdir "$cg/A" "$cg/B"
echo "== done"
