# tests/fleet/hosts.sh: lab hosts for the fleet tests, on this machine
# (sourced).  A host is a network namespace (and a UTS namespace, for its
# own host name) reached over a veth pair, running sshd with a host key
# and a user key made for the test; traffic goes only to the namespaces'
# addresses, every wait is bounded, and the namespaces go whatever happens
# (an EXIT trap).
#
#   hosts_init NET         checks (root, tools), keys, ssh_config; hosts
#                          get 10.NET.K.2, this machine 10.NET.K.1
#   add_host K NAME [sshd] namespace K (host name NAME, _ as -), "Host
#                          NAME" in ssh_config; with
#                          sshd, a server with these extra config lines
#                          (stdin); without, an address nobody answers
#   alias_host NAME K [LINES]  one more ssh_config name for host K
#   wait_sshd NAME         sshd answers (bounded)
#
# The caller sets ME, src, bin and work and defines fail and skip.
# Exit 77 (skip) when not root or without netns/sshd.

hosts_init() {
	local c
	net=$1
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, sshd)"
	for c in ip sshd ssh ssh-keygen parallel unshare; do
		command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$c" >/dev/null 2>&1 ||
			skip "no $c (scripts/install-deps --fleet)"
	done
	SSHD=$(PATH=$PATH:/usr/sbin command -v sshd)
	# The build to send is build/<preset> of the source tree.
	preset=$(basename "$bin")
	[ "$(cd "$bin" && pwd)" = "$(cd "$src/build/$preset" 2>/dev/null && pwd)" ] ||
		skip "the build is not $src/build/<preset> (fleet sends build/<preset>)"
	[ -x "$bin/bin/flagbench-nonatomic" ] || skip "flagbench-nonatomic not built"

	tag=fb$net$$
	nets=()
	trap hosts_cleanup EXIT
	trap 'exit 130' INT TERM
	ip netns add "${tag}probe" 2>/dev/null || skip "cannot create a network namespace here"
	ip netns del "${tag}probe"

	rm -rf "$work"
	mkdir -p "$work/out" "$work/remote"
	work=$(cd "$work" && pwd)
	ssh-keygen -q -t ed25519 -N '' -C "$ME" -f "$work/id_ed25519" || fail "ssh-keygen"
	cp "$work/id_ed25519.pub" "$work/authorized_keys"
	: >"$work/known_hosts"
	: >"$work/ssh_config"
	mkdir -p /run/sshd	# sshd's privilege separation directory
}

hosts_cleanup() {
	local ns pid
	for ns in "${nets[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	# Deleting a namespace deletes its veth end, and so the pair.
	for ns in "${nets[@]}"; do
		ip link del "${ns}h" 2>/dev/null
	done
}

alias_host() {
	cat >>"$work/ssh_config" <<EOF
Host $1
	HostName 10.$net.$2.2
	User root
	IdentityFile $work/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $work/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	LogLevel ERROR
${3:-}
EOF
}

add_host() {
	local k=$1 name=$2 ns=$tag$1 h="$work/h$1"
	ip netns add "$ns" || fail "ip netns add $ns"
	nets+=("$ns")
	ip link add "${ns}h" type veth peer name "${ns}n" || fail "veth for $ns"
	ip link set "${ns}n" netns "$ns"
	ip addr add "10.$net.$k.1/24" dev "${ns}h"
	ip link set "${ns}h" up
	ip -n "$ns" addr add "10.$net.$k.2/24" dev "${ns}n"
	ip -n "$ns" link set "${ns}n" up
	ip -n "$ns" link set lo up
	alias_host "$name" "$k"
	[ "${3:-}" = sshd ] || return 0
	mkdir -p "$h"
	ssh-keygen -q -t ed25519 -N '' -f "$h/hostkey" || fail "host key"
	echo "10.$net.$k.2 $(cut -d' ' -f1,2 "$h/hostkey.pub")" >>"$work/known_hosts"
	{
		cat <<EOF
ListenAddress 10.$net.$k.2
Port 22
HostKey $h/hostkey
PidFile $h/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
EOF
		cat
	} >"$h/sshd_config"
	ip netns exec "$ns" unshare --uts sh -c \
		"hostname ${name//[^A-Za-z0-9.-]/-} && exec $SSHD -f $h/sshd_config -E $h/sshd.log" </dev/null ||
		fail "sshd in $ns: $(tail -n 3 "$h/sshd.log")"
}

wait_sshd() {
	local ok=0
	for _ in $(seq 50); do
		if ssh -F "$work/ssh_config" -o BatchMode=yes -o ConnectTimeout=2 \
			"$1" true >"$work/probe-$1" 2>&1 </dev/null; then
			ok=1
			break
		fi
		sleep 0.2
	done
	[ "$ok" = 1 ] || fail "$1: sshd does not answer: $(tail -n 2 "$work/probe-$1")"
}
