#!/usr/bin/env bash
# What a containerised step costs on real enroot, beside its parts: medians (ms) of
# `enroot start FILE true` and of `enroot create` + `start` + `remove` by hand (as the user),
# bare `srun -n 1|2|4|16 true` (2 minus 1 shows Slurm's fixed multi-task wait), steps from the
# Debian squashfs file (read-only: started from the file; writable: unpacked) with 1 and 16
# tasks, from the registry image with 1 and 4 tasks, attaching to a running named container, and
# the plugin's own share. BENCH_IMAGE / BENCH_URI measure other images.
#
#   bench/lifecycle.sh [--up] [RUNS]      (root; RUNS >= 5, default 7)
#
# Needs the one-node cluster and the test fixture (fixtures.sh: enroot linked into slurmstepd's
# PATH, images, the test user) already in place, as `KEEP_CLUSTER=1 Tests/Integration/run.sh
# Tests/Integration/bats/front.bats` leaves them; or --up: install the plugin (make install into
# $PYXIS_TEST_WORK/prefix), bring both up, and take them down at the end. Measures whatever enroot
# the fixture uses (ENROOT=/path/to/enroot with --up).
#
# The plugin's share: with `srun -v` the plugin prints `pyxis: timing: PHASE MS ms`; its share is
# `total` (the first task's set-up in task_init) minus the commands it ran inside that: enroot-list,
# -import, -load, -create, -start, importer-get and -release (not task_exit's enroot-export and
# -remove). The 1-task container steps are timed with -v.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/Tests/Integration/lib.sh"
source "$repo/Tests/Integration/fixtures.sh"
source "$repo/Tests/Integration/test-user.sh"
cluster=$repo/scripts/slurm-cluster.sh
plugin=$PYXIS_TEST_WORK/prefix/lib/slurm/spank_pyxis.so
runtime=$PYXIS_TEST_WORK/runtime
image=${BENCH_IMAGE:-$PYXIS_TEST_IMAGES/debian.sqsh}
uri=${BENCH_URI:-$PYXIS_TEST_DEBIAN_URI}
log=$(mktemp)
ctl="" holder=""

die() { echo "bench/lifecycle: $*" >&2; exit 1; }
up=0 runs=7
for arg; do
    case $arg in
        --up) up=1 ;;
        *[!0-9]* | "") die "usage: bench/lifecycle.sh [--up] [RUNS]" ;;
        *) runs=$arg ;;
    esac
done
((runs >= 5)) || die "RUNS must be at least 5"
[[ $(id -u) -eq 0 ]] || die "run as root"

finish() {
    if [[ -n $ctl ]]; then
        touch "$ctl/stop"
        [[ -z $holder ]] || wait "$holder" || true
        as_user enroot remove -f pyxis_bench-attach >/dev/null 2>&1 || true
        as_user enroot remove -f pyxis_bench_hand >/dev/null 2>&1 || true
        rm -rf "$ctl"
    fi
    rm -f "$log"
    if [[ $up == 1 ]]; then "$cluster" down; fixture_teardown; else "$cluster" plugstack "$plugin" runtime_path="$runtime"; fi
}
if [[ $up == 1 ]]; then
    mkdir -p "$PYXIS_TEST_WORK/home" && chmod 755 "$PYXIS_TEST_WORK"
    make -s -C "$repo" install PREFIX="$PYXIS_TEST_WORK/prefix" >/dev/null
    ensure_test_user "$PYXIS_TEST_USER" "$PYXIS_TEST_WORK/home" || die "no test user"
    trap finish EXIT
    fixture_setup
    "$cluster" up "$plugin" runtime_path="$runtime" >/dev/null
else
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' || die "no idle cluster: run KEEP_CLUSTER=1 Tests/Integration/run.sh first, or pass --up"
    if [[ ! -f $plugin || ! -f $image ]] || ! command -v enroot >/dev/null; then
        die "no fixture under $PYXIS_TEST_WORK: run KEEP_CLUSTER=1 Tests/Integration/run.sh first, or pass --up"
    fi
    trap finish EXIT
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed CMD...: runs CMD as the test user (stderr kept in $log), prints its wall time in ms.
timed() {
    local t0; t0=$(now_ms)
    as_user "$@" >/dev/null 2>"$log" || die "failed: $* ($(tail -n 5 "$log"))"
    echo $(($(now_ms) - t0))
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
declare -A med
# measure KEY CMD...: one warm-up run, then $runs timed runs; med[KEY] is their median.
measure() {
    local key=$1 samples=(); shift
    timed "$@" >/dev/null
    for ((i = 0; i < runs; i++)); do samples+=("$(timed "$@")"); done
    med[$key]=$(median "${samples[@]}")
}
# The plugin's own share of the run whose stderr is in $log ("" when it printed no timing lines).
share() {
    awk 'match($0, /pyxis: timing: [a-z-]+ [0-9.]+ ms/) {
             split(substr($0, RSTART, RLENGTH), w, " ")
             if (w[3] == "total") total = w[4]
             else if (w[3] ~ /^(enroot-(list|import|load|create|start)|importer-(get|release))$/) ext += w[4]
         }
         END { if (total != "") print total - ext }' "$log"
}

measure start enroot start "$image" true
# What the plugin does for a writable step, by hand: unpack, start, remove.
# shellcheck disable=SC2016  # the inner sh expands it
measure by_hand sh -c 'enroot create --name pyxis_bench_hand "$1" >/dev/null && enroot start pyxis_bench_hand true && enroot remove -f pyxis_bench_hand >/dev/null' sh "$image"
measure bare srun -n 1 true
measure bare2 srun -n 2 true
measure bare4 srun -n 4 true
measure bare16 srun -n 16 true

# step KEY TASKS SRUN_ARGS...: one warm-up, then $runs runs; the 1-task runs with -v, for the
# plugin's share (med[KEY.share]).
step() {
    local key=$1 tasks=$2 samples=() shares=(); shift 2
    timed srun -n "$tasks" "$@" true >/dev/null
    for ((i = 0; i < runs; i++)); do
        if [[ $tasks == 1 ]]; then
            samples+=("$(timed srun -v -n 1 "$@" true)")
            shares+=("$(share)")
        else
            samples+=("$(timed srun -n "$tasks" "$@" true)")
        fi
    done
    med[$key]=$(median "${samples[@]}")
    if [[ $tasks == 1 ]]; then
        med[$key.share]=$(median "${shares[@]}")
        for s in "${shares[@]}"; do [[ -n $s ]] || med[$key.share]="n/a"; done
    fi
}
"$cluster" plugstack "$plugin" runtime_path="$runtime"   # use_squashfuse=auto, the default
step ro.1 1 --container-image="$image"
step ro.16 16 --container-image="$image"
step rw.1 1 --container-image="$image" --container-writable
step rw.16 16 --container-image="$image" --container-writable
step uri.1 1 --container-image="$uri"
step uri.4 4 --container-image="$uri"
"$cluster" plugstack "$plugin" runtime_path="$runtime" use_squashfuse=0
step ro0.1 1 --container-image="$image"
"$cluster" plugstack "$plugin" runtime_path="$runtime"

# Attach: one step keeps a named container running while others join it.
as_user enroot remove -f pyxis_bench-attach >/dev/null 2>&1 || true
ctl=$(mktemp -d)
chmod 755 "$ctl"
as_user timeout 600 srun --container-name=bench-attach --container-image="$image" --container-mounts="$ctl:/ctl" \
    sh -c 'while [ ! -e /ctl/stop ]; do sleep 0.2; done' >/dev/null 2>&1 &
holder=$!
wait_until 120 as_user srun --container-name=bench-attach:exec true 2>/dev/null || die "the named container did not start"
measure attach srun --container-name=bench-attach:exec true

row() { printf '  %-72s %8s\n' "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" -v c="${3:-0}" 'BEGIN {printf "%.2f", a / (b + c)}'; }   # A / (B + C)
printf 'container lifecycle, medians of %d runs in ms (enroot: %s; image: %s, %s MB; registry image: %s)\n' \
    "$runs" "$(command -v enroot)" "$image" "$(($(stat -c %s "$image") / 1048576))" "$uri"
row "enroot start FILE true (as the user, no Slurm)" "${med[start]}"
row "enroot create + enroot start NAME true + enroot remove, by hand" "${med[by_hand]}"
row "srun -n 1 / 2 / 4 / 16 true (no container)" "${med[bare]} / ${med[bare2]} / ${med[bare4]} / ${med[bare16]}"
row "read-only, from the squashfs file (auto): 1 task / 16 tasks" "${med[ro.1]} / ${med[ro.16]}"
row "writable, unpacked (auto): 1 task / 16 tasks" "${med[rw.1]} / ${med[rw.16]}"
row "read-only, use_squashfuse=0 (unpacked): 1 task" "${med[ro0.1]}"
row "registry image (enroot import each step): 1 task / 4 tasks" "${med[uri.1]} / ${med[uri.4]}"
row "attach: srun --container-name=NAME:exec true" "${med[attach]}"
echo "the plugin's own share of a 1-task step (its set-up minus the enroot commands it ran)"
row "read-only from the file / writable / use_squashfuse=0 / registry image" \
    "${med[ro.1.share]} / ${med[rw.1.share]} / ${med[ro0.1.share]} / ${med[uri.1.share]}"
# slurmstepd 22.05 sleeps a fixed 100 ms after the first task of a multi-task step exits, before it
# reaps the others and reports them to srun (_wait_for_all_tasks); -n 2 minus -n 1 shows it.
row "Slurm's multi-task wait (srun -n 2 true minus srun -n 1 true)" "$((${med[bare2]%.*} - ${med[bare]%.*}))"
echo "ratios"
row "read-only 1 task / (enroot start FILE + bare srun)" "$(ratio "${med[ro.1]}" "${med[start]}" "${med[bare]}")"
row "writable 1 task / (create + start + remove by hand + bare srun)" "$(ratio "${med[rw.1]}" "${med[by_hand]}" "${med[bare]}")"
row "read-only 16 tasks / 1 task" "$(ratio "${med[ro.16]}" "${med[ro.1]}")"
row "writable 16 tasks / 1 task" "$(ratio "${med[rw.16]}" "${med[rw.1]}")"
