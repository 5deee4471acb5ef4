# SPDX-License-Identifier: GPL-2.0
#
# Helpers to start Debian 12's containerd and dockerd by hand, as
# docs/containers.md configures them for gpumem-runtime, each in a scratch
# directory with its own socket and no network: sourced by the runtime
# suite's engines-test (on the host) and the system test gpumem-engines (in
# the UML guest).  The caller sets $tmp (a scratch directory) and an array
# pids, whose processes it stops at the end.

# The config.toml block of docs/containers.md (the ```toml block whose first
# line starts "# /etc/containerd/config.toml") into $2.
eng_snippet() {
	awk '/^```toml$/ { inblock = 1; first = 1; buf = ""; next }
	     inblock && /^```$/ { if (keep) printf "%s", buf; inblock = 0; keep = 0; next }
	     inblock { if (first && $0 ~ /^# \/etc\/containerd\/config\.toml/) keep = 1;
		       first = 0; buf = buf $0 "\n" }' "$1" >"$2"
	[ -s "$2" ]
}

# eng_containerd_start NAME BODY [ENV=VALUE...]: containerd with "version =
# 2", its own directories and sockets under $tmp/NAME, then the file BODY,
# in an environment with the ENV given (the runc shim, and so the wrapper,
# inherit it).  Sets ctrd (its pid) and ctr (the ctr command line).
ctrd=
ctr=()
eng_containerd_start() {
	local d=$tmp/$1 body=$2
	shift 2
	mkdir -p "$d"
	{
		echo "version = 2"
		echo "root = \"$d/root\""
		echo "state = \"$d/state\""
		echo "[grpc]"
		echo "  address = \"$d/containerd.sock\""
		echo "[ttrpc]"
		echo "  address = \"$d/containerd-ttrpc.sock\""
		cat "$body"
	} >"$d/config.toml"
	env "$@" containerd --config "$d/config.toml" >"$d/log" 2>&1 &
	ctrd=$!
	pids+=("$ctrd")
	ctr=(ctr --address "$d/containerd.sock")
	for _ in $(seq 600); do
		"${ctr[@]}" version >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "# containerd did not start: $(tail -n3 "$d/log")" >&2
	return 1
}

eng_containerd_stop() {
	kill "$ctrd" 2>/dev/null
	timeout 30 tail --pid="$ctrd" -f /dev/null
}

# The CRI plugin of the containerd started as NAME ($1) loaded, and it has
# the gpumem runtime handler.
eng_cri_ok() {
	if ! "${ctr[@]}" plugins ls 2>&1 | grep -Eq '^io\.containerd\.grpc\.v1 +cri +.* ok *$'; then
		echo "# ctr plugins ls: $("${ctr[@]}" plugins ls 2>&1 | grep -E ' cri ')" >&2
		grep 'io.containerd.grpc.v1.cri' "$tmp/$1/log" | grep -i fail | sed 's/^/# /' >&2
		return 1
	fi
	containerd --config "$tmp/$1/config.toml" config dump 2>/dev/null |
		grep -qF 'containerd.runtimes.gpumem.options]' && return 0
	echo "# no gpumem runtime handler in containerd's configuration" >&2
	return 1
}

# eng_dockerd_start WRAPPER [ENV=VALUE...]: dockerd (Debian's, with the
# containerd it starts itself) under $tmp/docker with the runtime "gpumem"
# registered, no bridge, no iptables, the vfs storage driver.  Sets docker
# (the docker command line, Debian's CLI) and docker_server (its version).
docker=()
docker_server=
eng_dockerd_start() {
	local d=$tmp/docker wrapper=$1
	shift
	mkdir -p "$d"
	env "$@" dockerd --data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/docker.pid" -H "unix://$d/docker.sock" \
		--bridge=none --iptables=false --ip-forward=false --ip-masq=false \
		--storage-driver vfs --add-runtime "gpumem=$wrapper" >"$d/log" 2>&1 &
	pids+=($!)
	docker=(/usr/bin/docker -H "unix://$d/docker.sock")
	for _ in $(seq 600); do
		if "${docker[@]}" version >/dev/null 2>&1; then
			docker_server=$("${docker[@]}" version --format '{{.Server.Version}}')
			return 0
		fi
		sleep 0.2
	done
	echo "# dockerd did not start: $(tail -n3 "$d/log")" >&2
	return 1
}
