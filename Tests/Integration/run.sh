#!/usr/bin/env bash
# Integration tests through a real Slurm (srun, sbatch, slurmd, slurmstepd) with the freshly
# built plugin, run as an unprivileged user. Needs root; `make test` runs it after `make`.
#
#   Tests/Integration/run.sh [SUITE...]     default: every Tests/Integration/*.test.sh, then
#                                            every Tests/Integration/bats/*.bats
#
# Leaves the cluster and the fixture (registry, images, enroot link: fixtures.sh) in place with
# KEEP_CLUSTER=1, for poking at them by hand and for bench/lifecycle.sh.
# ENROOT=/path/to/enroot tests another enroot than the first in PATH (see fixtures.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
source "$here/fixtures.sh"

if [[ $(id -u) -ne 0 ]]; then
    echo "run.sh: needs root (it starts slurmctld/slurmd and runs tests as $PYXIS_TEST_USER)" >&2
    exit 2
fi

# A staging install that the test user and slurmstepd can read: this also tests `make install`.
export PYXIS_TEST_PREFIX=$PYXIS_TEST_WORK/prefix
rm -rf "$PYXIS_TEST_PREFIX"
mkdir -p "$PYXIS_TEST_WORK"
chmod 755 "$PYXIS_TEST_WORK"
make -s -C "$repo" install PREFIX="$PYXIS_TEST_PREFIX" >/dev/null
export PYXIS_PLUGIN=$PYXIS_TEST_PREFIX/lib/slurm/spank_pyxis.so

id "$PYXIS_TEST_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$PYXIS_TEST_USER"
mkdir -p "$PYXIS_TEST_WORK/home"
chown "$PYXIS_TEST_USER:" "$PYXIS_TEST_WORK/home"
# The job epilog runs enroot with the HOME of the passwd entry: make it the tests' HOME.
if [[ $(getent passwd "$PYXIS_TEST_USER" | cut -d: -f6) != "$PYXIS_TEST_WORK/home" ]]; then
    usermod -d "$PYXIS_TEST_WORK/home" "$PYXIS_TEST_USER"
fi

cluster=$repo/scripts/slurm-cluster.sh
export PYXIS_RUNTIME_PATH=$PYXIS_TEST_WORK/runtime
[[ ${KEEP_CLUSTER:-0} == 1 ]] || trap '"$cluster" down; fixture_teardown' EXIT
fixture_setup
"$cluster" up "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"

# Puts the default plugstack line back (suites may change it).
reset_plugstack() { "$cluster" plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"; }
set_plugstack() { "$cluster" plugstack "$@"; }

# run_bats FILE...: the bats suites (one @test per behaviour, Tests/Integration/bats), counted
# with the others.
run_bats() {
    local line
    export PYXIS_TEST_USER PYXIS_TEST_WORK
    while IFS= read -r line; do
        echo "$line"
        case $line in
            "ok "*" # skip"*) skipped=$((skipped + 1)) ;;
            "ok "*) passed=$((passed + 1)) ;;
            "not ok "*) failed=$((failed + 1)); failures+="  ${line#not ok }"$'\n' ;;
        esac
    done < <(bats --tap "$@" 2>&1)
}

suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=("$here"/*.test.sh "$here"/bats/*.bats)
for suite in "${suites[@]}"; do
    echo "# suite $(basename "$suite")"
    if [[ $suite == *.bats ]]; then run_bats "$suite"; else source "$suite"; fi
    reset_plugstack
done
summary
