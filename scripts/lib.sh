# scripts/lib.sh: shell helpers that run-bench and scripts/fleet share
# (sourced by both).

# claim_dir PATH: a new directory PATH, or PATH-2, PATH-3... (mkdir is the
# atomic claim: runs and hosts finish side by side); its name on stdout.
# Bounded, and a real error (no space, no inodes, a name too long) ends it
# at once: one line on stdout, status 1.
claim_dir() {
	local try=$1 n=1 err
	until err=$(mkdir -- "$try" 2>&1); do
		if [ ! -e "$try" ] && [ ! -L "$try" ]; then
			echo "cannot create $try: ${err##*: }"
			return 1
		fi
		n=$((n + 1))
		[ "$n" -le 100 ] || { echo "$1: 100 names taken"; return 1; }
		try=$1-$n
	done
	echo "$try"
}

# stop_group PID: a timeout process of ours (leader of its own process
# group, which passes TERM on to what it runs) ends; after 10 s the whole
# group is killed, so that nothing under it outlives us.  Safe under set -e
# (run-bench): a group already gone is no error.
stop_group() {
	local i
	kill -TERM "$1" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
