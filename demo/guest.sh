#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo scenario, run as the only job of the UML guest (scripts/demo).
# It grows with the project: today it shows the kernel that the composed tree
# builds, its GPU memory stack loading as modules, memory cgroups at work, GPU
# buffers of the virtual TTM device charged to and reclaimed from their own
# cgroup, and per-cgroup policy declared (an OCI annotation through
# gpumemctl oci-hook, a unit file through gpumem-generator's ExecStartPre=),
# shown and watched with gpumemctl under memory pressure.
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
echo "-- a VRAM limit (vram-max) moves a cgroup's own buffer objects out of VRAM,"
echo "   into system memory charged to it, and never another cgroup's:"
"$repo/build/tests/system/vttm-vram-limit" | sed 's/^/   /'

echo "== per-cgroup policy, declared: container A (OCI annotations), service B (a unit file)"
cg=/sys/fs/cgroup
tmp=${TMPDIR:-/tmp}
hold=$repo/build/tests/system/vttm-hold
generator=$repo/build/systemd/gpumem-generator
B=/system.slice/B.service
rmdir "$cg/demo"
mkdir "$cg/A" "$cg/system.slice"
echo +memory >"$cg/system.slice/cgroup.subtree_control"
mkdir "$cg$B"
"$gpumemctl" monitor /A "$B" >"$tmp/monitor" 2>"$tmp/monitor.err" &
monitor=$!
until grep -q monitoring "$tmp/monitor.err" 2>/dev/null; do sleep 0.1; done
# Each application holds 16 MiB of buffer objects and 8 MiB more marked
# DONTNEED until its standard input (a FIFO held open here) ends.  It waits
# in its cgroup for a line on its .go FIFO before it allocates, as a
# container's process waits for the runtime's hooks.  (The writing ends of
# the FIFOs, fds 3 and 4, stay here alone: closing them ends the apps.)
mkfifo "$tmp/A.in" "$tmp/B.in" "$tmp/A.go" "$tmp/B.go"
exec 3<>"$tmp/A.in" 4<>"$tmp/B.in"
start_app() { # CGROUP NAME
	sh -c "echo \$\$ >$cg$1/cgroup.procs; read go <$tmp/$2.go; exec $hold 16 8" \
		<"$tmp/$2.in" >"$tmp/$2.out" 3>&- 4>&- &
}
start_app /A A
holders=$!
mkdir "$tmp/bundle-A"
cat >"$tmp/bundle-A/config.json" <<EOF
{"ociVersion": "1.0.2", "process": {"args": ["vttm-hold", "16", "8"]},
 "linux": {"cgroupsPath": "/A"},
 "annotations": {"gpumem.io/purge": "first"}}
EOF
printf '{"ociVersion": "1.0.2", "id": "A", "status": "creating", "pid": %d, "bundle": "%s"}\n' \
	"$holders" "$tmp/bundle-A" >"$tmp/A.state"
echo "-- container A's config.json, as podman run --annotation gpumem.io/purge=first writes it:"
grep -E 'cgroupsPath|annotations' "$tmp/bundle-A/config.json" | sed 's/^/   /'
echo "\$ gpumemctl oci-hook <state.json    # the runtime, at createRuntime"
"$gpumemctl" oci-hook <"$tmp/A.state"
mkdir "$tmp/units" "$tmp/generated"
cat >"$tmp/units/B.service" <<EOF
[Service]
ExecStart=$hold 16 8

[X-GPUMemory]
Purge=never
SwapBudget=8M
EOF
echo "-- service B's unit file, B.service:"
sed "s|$repo/build/tests/system/||; s/^/   /" "$tmp/units/B.service"
echo "\$ gpumem-generator /run/systemd/generator    # systemd, at boot and daemon-reload"
GPUMEM_UNIT_PATH=$tmp/units GPUMEM_GPUMEMCTL=$gpumemctl "$generator" "$tmp/generated"
echo "-- it wrote B.service.d/00-gpumem-policy.conf:"
grep -v '^#' "$tmp/generated/B.service.d/00-gpumem-policy.conf" |
	sed "s|$repo/build/cli/||; s/^/   /"
echo "-- systemd starts B.service: ExecStartPre= runs in $B"
GPUMEM_UNIT_PATH=$tmp/units sh -c "echo \$\$ >$cg$B/cgroup.procs; exec $gpumemctl apply B.service"
start_app "$B" B
holders="$holders $!"
echo go >"$tmp/A.go"
echo go >"$tmp/B.go"
until grep -q ready "$tmp/A.out" && grep -q ready "$tmp/B.out"; do sleep 0.1; done
echo "\$ gpumemctl show --tree /A $B"
"$gpumemctl" show --tree /A "$B"
echo "\$ gpumemctl reclaim /A 4M"
"$gpumemctl" reclaim /A 4M
echo "== memory pressure: memory.high of A and B lowered to 12M"
echo 12M >"$cg/A/memory.high"
echo 12M >"$cg$B/memory.high"
echo "\$ gpumemctl show --tree /A $B"
"$gpumemctl" show --tree /A "$B"
echo "   A purged its DONTNEED buffers first, then backed up; B purged nothing and"
echo "   backed up only its 8M budget, so it stays above memory.high."
kill -INT "$monitor"
wait "$monitor"
echo "-- what gpumemctl monitor printed meanwhile (first 12 lines):"
head -n 12 "$tmp/monitor" | sed 's/^/   /'
echo "\$ gpumemctl -o prometheus show $B | grep -v '^#'"
"$gpumemctl" -o prometheus show "$B" | grep -v '^#' | sed 's/^/   /'
echo "-- the applications end: every normal buffer must read back intact"
exec 3>&- 4>&-
status=0
for pid in $holders; do wait "$pid" || status=$?; done
for g in A B; do grep -v ready "$tmp/$g.out" | sed "s/^/   $g: /"; done
[ $status -eq 0 ]
rmdir "$cg/A" "$cg$B" "$cg/system.slice"
echo "== done"
