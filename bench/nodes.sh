#!/usr/bin/env bash
# How a containerised step's start scales with nodes, on the multi-node test cluster
# (scripts/slurm-cluster.sh up --nodes N, every node on this machine): medians (ms) of
# `srun -N N -n 2N --ntasks-per-node=2 --container-image=IMAGE true` for N = 1, 2 and 4, from a
# squashfs file (the Debian image, read-only: started from the file where squashfuse works) and
# from a registry image (busybox: an `enroot import` on every node, its layers in each node's
# cache after the warm-up run), and bare `srun true` for reference. The ratio of 4 nodes to 1 is
# the figure that matters: each node does its own set-up, in parallel. The CPU time the machine
# spent during each step (all cores, all nodes) shows what the shared cores limit.
#
#   bench/nodes.sh [RUNS]      (root; RUNS >= 5, default 7)
#
# Installs the plugin (make install into $PYXIS_TEST_WORK/prefix; run `make` first), brings the
# test fixture (fixtures.sh) and each cluster up, and takes them down at the end. All nodes
# share this machine's cores (2 here): a node's work is not free as it would be on real nodes.
# BENCH_IMAGE / BENCH_URI measure other images.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/Tests/Integration/lib.sh"
source "$repo/Tests/Integration/fixtures.sh"
cluster=$repo/scripts/slurm-cluster.sh
plugin=$PYXIS_TEST_WORK/prefix/lib/slurm/spank_pyxis.so
image=${BENCH_IMAGE:-$PYXIS_TEST_IMAGES/debian.sqsh}
uri=${BENCH_URI:-$PYXIS_TEST_IMAGE_URI}
log=$(mktemp)

die() { echo "bench/nodes: $*" >&2; exit 1; }
runs=${1:-7}
[[ $runs =~ ^[0-9]+$ ]] && ((runs >= 5)) || die "usage: bench/nodes.sh [RUNS >= 5]"
[[ $(id -u) -eq 0 ]] || die "run as root"
[[ -f $repo/.build/stage/spank_pyxis.so ]] || die "run make first"

finish() { rm -f "$log"; "$cluster" down; fixture_teardown; }
mkdir -p "$PYXIS_TEST_WORK/home" && chmod 755 "$PYXIS_TEST_WORK"
make -s -C "$repo" install PREFIX="$PYXIS_TEST_WORK/prefix" >/dev/null
id "$PYXIS_TEST_USER" >/dev/null 2>&1 || useradd --shell /bin/bash "$PYXIS_TEST_USER"
chown "$PYXIS_TEST_USER:" "$PYXIS_TEST_WORK/home"
[[ $(getent passwd "$PYXIS_TEST_USER" | cut -d: -f6) == "$PYXIS_TEST_WORK/home" ]] || usermod -d "$PYXIS_TEST_WORK/home" "$PYXIS_TEST_USER"
trap finish EXIT
fixture_setup

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
# The CPU time (ms) the whole machine has spent, every core, every node: user + nice + system +
# irq + softirq + steal in /proc/stat.
busy_ms() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {print int(($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz)}' /proc/stat; }
declare -A med cpu
# measure KEY SRUN_ARGS...: one warm-up step, then $runs timed ones; med[KEY] is the median of
# their wall times, cpu[KEY] of the CPU time the machine spent during each.
measure() {
    local key=$1 times=() cpus=() t0 c0 i; shift
    for ((i = 0; i <= runs; i++)); do
        t0=$(now_ms) c0=$(busy_ms)
        as_user timeout 300 srun -t 5 "$@" >/dev/null 2>"$log" || die "failed: srun $* ($(tail -n 5 "$log"))"
        ((i == 0)) || { times+=($(($(now_ms) - t0))); cpus+=($(($(busy_ms) - c0))); }
    done
    med[$key]=$(median "${times[@]}")
    cpu[$key]=$(median "${cpus[@]}")
}

node_counts=(1 2 4)
for n in "${node_counts[@]}"; do
    if [[ $n -eq 1 ]]; then runtime=$PYXIS_TEST_WORK/runtime; else runtime=/run/pyxis; fi
    "$cluster" up --nodes "$n" "$plugin" runtime_path="$runtime" >/dev/null 2>&1
    tasks=(-N "$n" -n $((2 * n)) --ntasks-per-node=2)
    measure "bare $n" "${tasks[@]}" true
    measure "file $n" "${tasks[@]}" --container-image="$image" true
    measure "registry $n" "${tasks[@]}" --container-image="$uri" true
done

# table TITLE ARRAY: one row per kind of step, one column per node count, and 4 nodes / 1 node.
table() {
    local -n values=$2
    echo "$1"
    printf '%-38s' ""; for n in "${node_counts[@]}"; do printf '%10s' "$n node$([[ $n -eq 1 ]] || echo s)"; done
    printf '%14s\n' "4 / 1 node"
    for row in "bare|srun true" "file|squashfs file $(basename "$image")" "registry|registry image $uri"; do
        key=${row%%|*}
        printf '%-38s' "${row#*|}"
        for n in "${node_counts[@]}"; do printf '%10s' "${values[$key $n]}"; done
        awk -v a="${values[$key 4]}" -v b="${values[$key 1]}" 'BEGIN {printf "%13.2fx\n", a / b}'
    done
}
table "step start, median of $runs (ms), -n = 2 x nodes, all nodes on this machine ($(nproc) cores)" med
echo
table "CPU time the machine spent during the step, median (ms; at most $(nproc) x the wall time)" cpu
