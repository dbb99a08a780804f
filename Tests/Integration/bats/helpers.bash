# Shared helpers for the bats suites (Tests/Integration/bats/*.bats), loaded with
# `load helpers`. Each suite runs against a cluster that Tests/Integration/run.sh started (it
# exports the variables below); a file or a single test can also be run alone by hand:
#
#   KEEP_CLUSTER=1 bash Tests/Integration/run.sh         # once: cluster, registry, images
#   bats Tests/Integration/bats/env.bats                 # then any suite, as root
#   bats -f 'unset on the host' Tests/Integration/bats/env.bats
#
# Tests run their steps as the unprivileged $PYXIS_TEST_USER through real srun and enroot.

bats_require_minimum_version 1.5.0

helpers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$helpers_dir/../../.." && pwd)
source "$helpers_dir/../lib.sh"

: "${PYXIS_TEST_IMAGES:=$PYXIS_TEST_WORK/images}"
: "${PYXIS_RUNTIME_PATH:=$PYXIS_TEST_WORK/runtime}"
: "${PYXIS_PLUGIN:=$PYXIS_TEST_WORK/prefix/lib/slurm/spank_pyxis.so}"
: "${PYXIS_TEST_IMAGE_URI:=pyxis-test/busybox:1}"
: "${PYXIS_TEST_ENV_URI:=pyxis-test/env:1}"
: "${PYXIS_TEST_DEBIAN_URI:=pyxis-test/debian:12}"
: "${PYXIS_TEST_MISSING_URI:=pyxis-test/no-such-image:1}"
: "${PYXIS_TEST_SQUASHFUSE:=auto}"

user_home=$PYXIS_TEST_WORK/home
user_uid=$(id -u "$PYXIS_TEST_USER")
user_runtime=$PYXIS_RUNTIME_PATH/$user_uid
images=$PYXIS_TEST_IMAGES

# plugstack [KEY=VALUE...]: the plugin's plugstack line with the suite's defaults and these
# arguments (restored by reset_plugstack, which each suite's teardown_file calls).
plugstack() {
    local squashfuse=use_squashfuse=$PYXIS_TEST_SQUASHFUSE
    [[ " $* " != *" use_squashfuse="* ]] || squashfuse=
    "$repo/scripts/slurm-cluster.sh" plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH" $squashfuse "$@"
}
reset_plugstack() { plugstack; }

# usrun [VAR=value...] SRUN_ARGS...: srun as the test user from its home (at most 150 s), with
# stdout in $output and stderr in $stderr (bats `run --separate-stderr`).
usrun() {
    local vars=()
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    run --separate-stderr as_user "${vars[@]}" timeout -k 10 150 srun -t 2 "$@"
}

# The lines of stderr that match a fixed string.
stderr_lines() { grep -cF -- "$1" <<<"$stderr" || true; }

# enroot's main branch (after 4.1.2) can unshare namespaces and read fstab escapes.
enroot_is_main() { grep -q ENROOT_UNSHARE_NET "$(command -v enroot)"; }

user_containers() { as_user enroot list 2>/dev/null | grep '^pyxis_' || true; }

# What a finished step may have left: containers, files in the user's runtime directory,
# processes of the user, mounts under the test directories.
leftovers() {
    local s
    s=$(user_containers); [[ -z $s ]] || echo "containers: $s"
    s=$(find "$user_runtime" -mindepth 1 2>/dev/null || true); [[ -z $s ]] || echo "runtime files: $s"
    s=$(pgrep -a -u "$PYXIS_TEST_USER" || true); [[ -z $s ]] || echo "processes: $s"
    s=$(grep -F -e "$PYXIS_TEST_WORK" -e "$PYXIS_RUNTIME_PATH" /proc/self/mountinfo || true)
    [[ -z $s ]] || echo "mounts: $s"
}
nothing_left() { [[ -z $(leftovers) ]]; }

# assert_nothing_left [SECONDS]: waits for the step's cleanup (at most SECONDS, default 10).
assert_nothing_left() {
    if ! wait_until "${1:-10}" nothing_left; then
        echo "left behind: $(leftovers)" >&2
        return 1
    fi
}

# Removes what a failed test may have left, so that one failure does not cascade.
sweep() {
    local c pids
    scancel -u "$PYXIS_TEST_USER" 2>/dev/null || true
    pids=$(pgrep -u "$PYXIS_TEST_USER" || true)
    # shellcheck disable=SC2086 # one PID per word
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    for c in $(user_containers); do as_user enroot remove -f "$c" >/dev/null 2>&1 || true; done
    find "$user_runtime" -mindepth 1 -delete 2>/dev/null || true
}

# assert_output_is EXPECTED: exact stdout, with stderr shown on failure.
assert_output_is() {
    if [[ $output != "$1" ]]; then
        printf 'expected: %s\ngot: %s\nstatus: %s\nstderr: %s\n' "$1" "$output" "$status" "$stderr" >&2
        return 1
    fi
}
assert_success() {
    if [[ $status -ne 0 ]]; then
        printf 'status %s\nstdout: %s\nstderr: %s\n' "$status" "$output" "$stderr" >&2
        return 1
    fi
}
# assert_failure_with MESSAGE...: non-zero exit, and stderr holds each fixed string.
assert_failure_with() {
    local message
    if [[ $status -eq 0 ]]; then
        printf 'exited 0\nstdout: %s\nstderr: %s\n' "$output" "$stderr" >&2
        return 1
    fi
    for message in "$@"; do
        if ! grep -qF -- "$message" <<<"$stderr"; then
            printf 'expected on stderr: %s\nstderr: %s\n' "$message" "$stderr" >&2
            return 1
        fi
    done
}
