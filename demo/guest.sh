#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo scenario, run as the only job of the UML guest (scripts/demo).
# It grows with the project: today it shows the kernel that the composed tree
# builds, its GPU memory stack loading as modules, memory cgroups at work, GPU
# buffers of the virtual TTM device charged to and reclaimed from their own
# cgroup, and gpumemctl facing a kernel that has no gpumem family yet.
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

echo "== gpumemctl show /demo"
"$gpumemctl" show /demo || echo "   (exit status $?: expected until the kernel has the gpumem family)"
rmdir /sys/fs/cgroup/demo
echo "== done"
