#!/usr/bin/env bash
# What the plugin costs a plain step: `srun -n 1 true` with the plugin in the plugstack versus
# an empty plugstack, interleaved so that drift on the machine hits both alike.
#
#   bench/srun-overhead.sh [RUNS]      (root; default 40 runs of each; run `make` first)
#   SLURM_PREFIX=/opt/slurm/26.05.3 bench/srun-overhead.sh
#                                      the same on that release (the front is built for it)
#
# Brings up the one-node cluster of scripts/slurm-cluster.sh if none is running (and stops
# it again afterwards). Prints the medians, their ratio and the plugin's size.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-40}
cluster=$repo/scripts/slurm-cluster.sh
plugin_dir=/tmp/pyxis-bench
plugin=$plugin_dir/spank_pyxis.so

[[ -f $repo/.build/stage/spank_pyxis.so ]] || { echo "bench: run make first" >&2; exit 1; }
mkdir -p "$plugin_dir"
if [[ -n ${SLURM_PREFIX:-} && $SLURM_PREFIX != /usr ]]; then
    export SLURM_PREFIX PATH=$SLURM_PREFIX/bin:$SLURM_PREFIX/sbin:$PATH
    make -s -C "$repo" front SLURM_PREFIX="$SLURM_PREFIX" STAGE="$plugin_dir" >/dev/null
else
    install -m 0755 "$repo/.build/stage/spank_pyxis.so" "$plugin"
fi
install -D -m 0755 "$repo/.build/stage/pyxis/spank_pyxis_core.so" "$plugin_dir/pyxis/spank_pyxis_core.so"

started=0
if ! sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)'; then
    "$cluster" up "$plugin" >/dev/null
    started=1
fi
restore() {
    if [[ $started == 1 ]]; then "$cluster" down; else "$cluster" plugstack "$plugin"; fi
}
trap restore EXIT

# The node back to idle before each timed run: the job epilog that pyxis's `job_epilog` makes
# Slurm run (a process per job, ≈ 0.8 ms on 26.05) would otherwise delay the next job's start,
# and that wait is the previous job's, not this srun's. It is measured on its own below.
wait_idle() {
    local _
    for _ in $(seq 250); do
        [[ $(sinfo -h -o %T 2>/dev/null) == idle ]] && return 0
        sleep 0.02
    done
}

# Prints the microseconds of one `srun -n 1 true`, then those until its node is idle again.
time_srun() {
    local start end idle
    wait_idle
    start=$(date +%s%N)
    srun -n 1 true
    end=$(date +%s%N)
    wait_idle
    idle=$(date +%s%N)
    echo "$(( (end - start) / 1000 )) $(( (idle - end) / 1000 ))"
}

with=() without=() settle_with=() settle_without=()
for _ in 1 2 3; do srun -n 1 true; done   # warm caches
for ((i = 0; i < runs; i++)); do
    "$cluster" plugstack "$plugin";  read -r took settle < <(time_srun); with+=("$took"); settle_with+=("$settle")
    "$cluster" plugstack;            read -r took settle < <(time_srun); without+=("$took"); settle_without+=("$settle")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m_with=$(median "${with[@]}")
m_without=$(median "${without[@]}")
printf 'srun -n 1 true on %s, %d interleaved runs each (microseconds)\n' "$(srun -V)" "$runs"
printf '  empty plugstack : median %8.0f us\n' "$m_without"
printf '  with the plugin : median %8.0f us\n' "$m_with"
awk -v a="$m_with" -v b="$m_without" 'BEGIN { printf "  ratio           : %.3f (target <= 1.03)\n", a / b }'
# The difference within each interleaved pair is less sensitive to drift than two medians.
diffs=()
for ((i = 0; i < runs; i++)); do diffs+=($(( with[i] - without[i] ))); done
printf '  median of the per-pair differences: %d us\n' "$(median "${diffs[@]}" | cut -d. -f1)"
printf 'until the node is idle again after srun ends (the job epilog), median: %d us empty, %d us with the plugin\n' \
    "$(median "${settle_without[@]}" | cut -d. -f1)" "$(median "${settle_with[@]}" | cut -d. -f1)"
printf 'plugin size: C front %d bytes; Swift core %d bytes stripped (%d before; slurmstepd loads it only for containers)\n' \
    "$(stat -c %s "$plugin")" "$(stat -c %s "$plugin_dir/pyxis/spank_pyxis_core.so")" \
    "$(stat -c %s "$repo/.build/release/libspank_pyxis_core.so")"
