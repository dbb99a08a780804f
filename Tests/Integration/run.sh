#!/usr/bin/env bash
# Integration tests through a real Slurm (srun, sbatch, slurmd, slurmstepd) with the freshly
# built plugin, run as an unprivileged user. Needs root; `make test` runs it after `make`.
#
#   Tests/Integration/run.sh [SUITE...]     default: every Tests/Integration/bats/*.bats
#
# A SUITE is a bats file (a path, or a name in Tests/Integration/bats: `env` or `env.bats`). A
# file whose header has a `# use_squashfuse: 0 auto` line runs once per mode listed there, with
# PYXIS_TEST_SQUASHFUSE set (PYXIS_TEST_SQUASHFUSE=0 run.sh runs only that mode); the others run
# once. A file whose header has `# nodes: N` runs on a cluster of N nodes (scripts/slurm-cluster.sh
# up --nodes N, with pyxis's default, node-local runtime_path); the others on one node, first.
# Every test counts in the last line, `N passed, M failed[, K skipped]`.
#
# Leaves the cluster and the fixture (registry, images, enroot link: fixtures.sh) in place with
# KEEP_CLUSTER=1, for running bats files by hand (bats/helpers.bash), and for bench/lifecycle.sh.
# ENROOT=/path/to/enroot tests another enroot than the first in PATH (see fixtures.sh).
# PYXIS_TEST_MAX_NODES=1 runs only the one-node suites.
# SLURM_PREFIX=/opt/slurm/26.05.3 runs that Slurm's daemons and clients (scripts/slurm-cluster.sh),
# for the user and root alike; the plugin must have been built for it (make test-slurm does both).
# PYXIS_TEST_INSTALLED=1 PYXIS_PLUGIN=/usr/lib/.../spank_pyxis.so tests the installed package
# (Tests/Package/ci.sh) instead of a staging `make install`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
source "$here/fixtures.sh"
source "$here/test-user.sh"

if [[ $(id -u) -ne 0 ]]; then
    echo "run.sh: needs root (it starts slurmctld/slurmd and runs tests as $PYXIS_TEST_USER)" >&2
    exit 2
fi

if [[ -n ${SLURM_PREFIX:-} && $SLURM_PREFIX != /usr ]]; then
    export SLURM_PREFIX PATH=$SLURM_PREFIX/bin:$SLURM_PREFIX/sbin:$PATH
    echo "# Slurm from $SLURM_PREFIX: $("$SLURM_PREFIX/sbin/slurmctld" -V)"
fi

suites=()
for suite in "$@"; do
    for candidate in "$suite" "$here/bats/$suite" "$here/bats/$suite.bats"; do
        [[ -f $candidate && $candidate == *.bats ]] && { suites+=("$candidate"); continue 2; }
    done
    echo "run.sh: no bats suite $suite (Tests/Integration/bats/*.bats)" >&2
    exit 2
done
[[ ${#suites[@]} -gt 0 ]] || suites=("$here"/bats/*.bats)

mkdir -p "$PYXIS_TEST_WORK"
chmod 755 "$PYXIS_TEST_WORK"
if [[ ${PYXIS_TEST_INSTALLED:-0} == 1 ]]; then
    # What is installed under /usr, the package (Tests/Package/ci.sh): PYXIS_PLUGIN names its plugin.
    [[ -f ${PYXIS_PLUGIN:-} ]] || { echo "run.sh: PYXIS_TEST_INSTALLED=1 needs PYXIS_PLUGIN, the installed plugin" >&2; exit 2; }
    export PYXIS_TEST_PREFIX=/usr PYXIS_PLUGIN
    # srun in a container needs the plugin the plugstack names: its directory, not all of /usr.
    export PYXIS_TEST_PLUGIN_MOUNTS=${PYXIS_PLUGIN%/*}
else
    # A staging install that the test user and slurmstepd can read: this also tests `make install`.
    export PYXIS_TEST_PREFIX=$PYXIS_TEST_WORK/prefix
    rm -rf "$PYXIS_TEST_PREFIX"
    make -s -C "$repo" install PREFIX="$PYXIS_TEST_PREFIX" >/dev/null
    export PYXIS_PLUGIN=$PYXIS_TEST_PREFIX/lib/slurm/spank_pyxis.so
fi

ensure_test_user "$PYXIS_TEST_USER" "$PYXIS_TEST_WORK/home"

cluster=$repo/scripts/slurm-cluster.sh
[[ ${KEEP_CLUSTER:-0} == 1 ]] || trap '"$cluster" down; fixture_teardown' EXIT
fixture_setup

# The plugstack arguments of a cluster of N nodes: one node keeps the runtime directory in the
# test's work directory (the suites look into it); several use pyxis's default, /run/pyxis, which
# is each node's own.
runtime_path_for() { if [[ $1 -eq 1 ]]; then echo "$PYXIS_TEST_WORK/runtime"; else echo /run/pyxis; fi; }
cluster_nodes=0
# cluster_up N: a cluster of N nodes, unless one runs already.
cluster_up() {
    [[ $cluster_nodes -ne $1 ]] || return 0
    export PYXIS_TEST_NODES=$1 PYXIS_RUNTIME_PATH
    PYXIS_RUNTIME_PATH=$(runtime_path_for "$1")
    "$cluster" up --nodes "$1" "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"
    cluster_nodes=$1
}
# Puts the default plugstack line back (suites may change it).
reset_plugstack() { "$cluster" plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"; }

# run_bats LABEL FILE...: runs bats files (one @test per behaviour) and counts their results;
# LABEL prefixes the names of failed tests in the summary.
run_bats() {
    local label=$1 line; shift
    export PYXIS_TEST_USER PYXIS_TEST_WORK PYXIS_TEST_PREFIX PYXIS_TEST_NODES PYXIS_RUNTIME_PATH
    while IFS= read -r line; do
        echo "$line"
        case $line in
            "ok "*" # skip"*) skipped=$((skipped + 1)) ;;
            "ok "*) passed=$((passed + 1)) ;;
            "not ok "*) failed=$((failed + 1)); failures+="  $label${line#not ok }"$'\n' ;;
        esac
    done < <(bats --tap "$@" 2>&1)
}

# The use_squashfuse modes a bats file asks to run in (none: once, with the default).
suite_modes() { sed -n 's/^# use_squashfuse: *//p' "$1" | head -n 1; }
# The number of nodes a bats file runs on (default 1).
suite_nodes() { local n; n=$(sed -n 's/^# nodes: *\([0-9][0-9]*\) *$/\1/p' "$1" | head -n 1); echo "${n:-1}"; }

# One-node suites first, then the others by their number of nodes: one cluster start each.
# PYXIS_TEST_MAX_NODES=N leaves out the suites that need more than N nodes.
max_nodes=${PYXIS_TEST_MAX_NODES:-64}
mapfile -t suites < <(for suite in "${suites[@]}"; do echo "$(suite_nodes "$suite") $suite"; done |
    awk -v max="$max_nodes" '$1 <= max' | sort -s -n -k1,1 | cut -d' ' -f2-)

only_mode=${PYXIS_TEST_SQUASHFUSE:-}
started=$SECONDS
for suite in "${suites[@]}"; do
    name=$(basename "$suite")
    modes=$(suite_modes "$suite")
    cluster_up "$(suite_nodes "$suite")"
    if [[ -z $modes ]]; then
        echo "# suite $name"
        PYXIS_TEST_SQUASHFUSE=${only_mode:-auto} run_bats "$name: " "$suite"
        reset_plugstack
        continue
    fi
    for mode in $modes; do
        [[ -z $only_mode || $mode == "$only_mode" ]] || continue
        echo "# suite $name (use_squashfuse=$mode)"
        PYXIS_TEST_SQUASHFUSE=$mode run_bats "$name [use_squashfuse=$mode]: " "$suite"
        reset_plugstack
    done
done
echo "# $((SECONDS - started)) s for the suites"
summary
