# shellcheck shell=bash
# Shared by the benchmarks that run steps on the test cluster (bench/nodes.sh, bench/cache.sh):
# the fixture and the staging install, timing, medians.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/Tests/Integration/lib.sh"
source "$repo/Tests/Integration/fixtures.sh"
source "$repo/Tests/Integration/test-user.sh"
cluster=$repo/scripts/slurm-cluster.sh
plugin=$PYXIS_TEST_WORK/prefix/lib/slurm/spank_pyxis.so
bench_log=$(mktemp)

bench_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# bench_setup RUNS: checks (root, RUNS >= 5, a build), installs the plugin into
# $PYXIS_TEST_WORK/prefix, the test user and the fixture; `down` and the fixture's teardown at exit.
bench_setup() {
    [[ $1 =~ ^[0-9]+$ && $1 -ge 5 ]] || bench_die "usage: $(basename "$0") [RUNS >= 5]"
    [[ $(id -u) -eq 0 ]] || bench_die "run as root"
    [[ -f $repo/.build/stage/spank_pyxis.so ]] || bench_die "run make first"
    mkdir -p "$PYXIS_TEST_WORK/home" && chmod 755 "$PYXIS_TEST_WORK"
    make -s -C "$repo" install PREFIX="$PYXIS_TEST_WORK/prefix" >/dev/null
    ensure_test_user "$PYXIS_TEST_USER" "$PYXIS_TEST_WORK/home" || bench_die "no test user"
    trap 'rm -f "$bench_log"; "$cluster" down; fixture_teardown; "$repo/scripts/use-pyxis-hooks.sh" off' EXIT
    fixture_setup
    # BENCH_HOOKS=pyxis: our hooks in place of enroot's standard ones (scripts/use-pyxis-hooks.sh).
    if [[ ${BENCH_HOOKS:-enroot} == pyxis ]]; then
        "$repo/scripts/use-pyxis-hooks.sh" on "$PYXIS_TEST_WORK/prefix/share/pyxis/hooks.d"
    fi
}

# cluster_of N [PLUGSTACK_ARGS...]: the test cluster with N nodes (the runtime directory where
# run.sh keeps it).
cluster_of() {
    local n=$1 runtime=/run/pyxis; shift
    [[ $n -gt 1 ]] || runtime=$PYXIS_TEST_WORK/runtime
    "$cluster" up --nodes "$n" "$plugin" runtime_path="$runtime" "$@" >/dev/null 2>&1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
# The CPU time (ms) the whole machine has spent, every core, every node: user + nice + system +
# irq + softirq + steal in /proc/stat.
busy_ms() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {print int(($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz)}' /proc/stat; }
# timed_srun SRUN_ARGS...: one step as the test user; prints its wall time (ms).
timed_srun() {
    local t0; t0=$(now_ms)
    as_user timeout 300 srun -t 5 "$@" >/dev/null 2>"$bench_log" || bench_die "failed: srun $* ($(tail -n 5 "$bench_log"))"
    echo $(($(now_ms) - t0))
}
