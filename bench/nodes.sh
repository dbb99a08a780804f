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
# BENCH_IMAGE / BENCH_URI measure other images; BENCH_HOOKS=pyxis runs with our hooks in place of
# enroot's standard ones (scripts/use-pyxis-hooks.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
image=${BENCH_IMAGE:-$PYXIS_TEST_IMAGES/debian.sqsh}
uri=${BENCH_URI:-$PYXIS_TEST_IMAGE_URI}
runs=${1:-7}
bench_setup "$runs"

declare -A med cpu
# measure KEY SRUN_ARGS...: one warm-up step, then $runs timed ones; med[KEY] is the median of
# their wall times, cpu[KEY] of the CPU time the machine spent during each.
# shellcheck disable=SC2034  # table reads med and cpu through a nameref
measure() {
    local key=$1 times=() cpus=() c0 i; shift
    timed_srun "$@" >/dev/null
    for ((i = 0; i < runs; i++)); do
        c0=$(busy_ms)
        times+=("$(timed_srun "$@")")
        cpus+=($(($(busy_ms) - c0)))
    done
    med[$key]=$(median "${times[@]}")
    cpu[$key]=$(median "${cpus[@]}")
}

node_counts=(1 2 4)
for n in "${node_counts[@]}"; do
    cluster_of "$n"
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
