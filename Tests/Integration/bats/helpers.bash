# Shared helpers for the integration suites (Tests/Integration/bats/*.bats), loaded with
# `load helpers`. Each suite runs against a cluster that Tests/Integration/run.sh started (it
# exports the variables below); a file or a single test can also be run alone by hand:
#
#   KEEP_CLUSTER=1 bash Tests/Integration/run.sh Tests/Integration/bats/env.bats   # once: cluster, registry, images
#   bats Tests/Integration/bats/env.bats                 # then any suite, as root
#   bats -f 'unset on the host' Tests/Integration/bats/env.bats
#   PYXIS_TEST_SQUASHFUSE=0 bats Tests/Integration/bats/names.bats   # the other start mode
#
# Tests run their steps as the unprivileged $PYXIS_TEST_USER through real srun and enroot. A
# suite whose header has a `# use_squashfuse: 0 auto` line runs once per mode in run.sh, with
# PYXIS_TEST_SQUASHFUSE set (plugstack puts it on the plugstack line); $mode names it in tests.
# Each test stands alone: what a test changes (plugstack line, files, containers) its own
# teardown puts back; setup_file only makes fixtures the tests then only read.

bats_require_minimum_version 1.5.0

helpers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$helpers_dir/../../.." && pwd)
source "$helpers_dir/../lib.sh"

# The running cluster's nodes (scripts/slurm-cluster.sh): one, named after this host, or several,
# node1..nodeN, each with its own /run, /tmp and enroot data (on_node, node_path).
cluster=$repo/scripts/slurm-cluster.sh
mapfile -t test_nodes < <("$cluster" nodes)
: "${PYXIS_TEST_NODES:=${#test_nodes[@]}}"
: "${PYXIS_TEST_IMAGES:=$PYXIS_TEST_WORK/images}"
if [[ $PYXIS_TEST_NODES -gt 1 ]]; then
    : "${PYXIS_RUNTIME_PATH:=/run/pyxis}"   # run.sh's choice: pyxis's default, each node's own
else
    : "${PYXIS_RUNTIME_PATH:=$PYXIS_TEST_WORK/runtime}"
fi
: "${PYXIS_PLUGIN:=$PYXIS_TEST_WORK/prefix/lib/slurm/spank_pyxis.so}"
: "${PYXIS_TEST_PREFIX:=$PYXIS_TEST_WORK/prefix}"
# What a container needs mounted for srun inside it to load the plugin (run.sh sets it for an
# installed package, whose prefix is /usr).
: "${PYXIS_TEST_PLUGIN_MOUNTS:=$PYXIS_TEST_PREFIX}"
: "${PYXIS_TEST_IMAGE_URI:=pyxis-test/busybox:1}"
: "${PYXIS_TEST_ENV_URI:=pyxis-test/env:1}"
: "${PYXIS_TEST_DEBIAN_URI:=pyxis-test/debian:12}"
: "${PYXIS_TEST_MISSING_URI:=pyxis-test/no-such-image:1}"
: "${PYXIS_TEST_SQUASHFUSE:=auto}"

# shellcheck disable=SC2034  # for the suites, as are images and host_only
mode=$PYXIS_TEST_SQUASHFUSE
user_home=$PYXIS_TEST_WORK/home
user_uid=$(id -u "$PYXIS_TEST_USER")
user_runtime=$PYXIS_RUNTIME_PATH/$user_uid
# shellcheck disable=SC2034  # for the suites
images=$PYXIS_TEST_IMAGES
# shellcheck disable=SC2034  # for the suites
host_only=$PYXIS_TEST_WORK/host-only   # exists on the host, in no image (fixtures.sh)
ran_on_host=$user_home/ran-on-host     # a step that must not run creates it if it does
# Steps that wait to be told to stop mount $ctl at /ctl (fresh_ctl makes it).
ctl=$user_home/ctl
# A step's command that holds its container until the test creates $ctl/stop (at most 120 s).
# shellcheck disable=SC2016  # the container's shell expands it
hold='for i in $(seq 600); do [ -e /ctl/stop ] && exit 0; sleep 0.2; done; exit 1'

# plugstack [KEY=VALUE...]: the plugin's plugstack line with the suite's defaults and these
# arguments (reset_plugstack puts the defaults back; a test that changes it does in teardown).
# shellcheck disable=SC2120  # the suites pass the arguments
plugstack() {
    local squashfuse=use_squashfuse=$PYXIS_TEST_SQUASHFUSE
    [[ " $* " != *" use_squashfuse="* ]] || squashfuse=
    "$cluster" plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH" ${squashfuse:+"$squashfuse"} "$@"
}
# shellcheck disable=SC2119  # no arguments: the defaults
reset_plugstack() { plugstack; }

# usrun [VAR=value...] SRUN_ARGS...: srun as the test user from its home (at most 150 s), with
# stdout in $output and stderr in $stderr (bats `run --separate-stderr`).
# usrun_in DIR ...: the same from DIR (the job's working directory).
usrun() { usrun_in "$user_home" "$@"; }
usrun_in() {
    local dir=$1 vars=(); shift
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    run --separate-stderr as_user_in "$dir" "${vars[@]}" timeout -k 10 150 srun -t 2 "$@"
}
# urun [VAR=value...] COMMAND...: any command as the test user, from its home, into $output,
# $stderr and $status.
urun() { run --separate-stderr as_user "$@"; }
# usbatch SCRIPT: sbatch --wait as the test user (at most 180 s), like usrun.
usbatch() { run --separate-stderr as_user timeout -k 10 180 sbatch --wait "$1"; }

# bg_usrun TAG [VAR=value...] SRUN_ARGS...: usrun in the background, stdout and stderr in
# $BATS_TEST_TMPDIR/TAG.out and TAG.err; bg_wait then sets $bg_status.
bg_usrun() {
    local tag=$1 vars=(); shift
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    : >"$BATS_TEST_TMPDIR/$tag.out"; : >"$BATS_TEST_TMPDIR/$tag.err"
    # fd 3 closed: bats waits for whatever holds it.
    as_user "${vars[@]}" timeout -k 10 150 srun -t 2 "$@" \
        >"$BATS_TEST_TMPDIR/$tag.out" 2>"$BATS_TEST_TMPDIR/$tag.err" 3>&- &
    bg_pid=$!
}
bg_wait() { wait "$bg_pid" && bg_status=0 || bg_status=$?; }
bg_out() { cat "$BATS_TEST_TMPDIR/$1.out"; }
bg_err() { cat "$BATS_TEST_TMPDIR/$1.err"; }

# fresh_ctl: an empty $ctl (holding a file `present`) that the test user owns.
fresh_ctl() {
    rm -rf "$ctl"
    mkdir -p "$ctl"
    : >"$ctl/present"
    chown -R "$PYXIS_TEST_USER:" "$ctl"
}
# hold_container TAG SRUN_ARGS...: starts a step that mounts $ctl at /ctl, prints its mount
# namespace and holds its container until release_container; waits until it runs.
hold_container() {
    local tag=$1; shift
    fresh_ctl
    bg_usrun "$tag" "$@" --container-mounts="$ctl:/ctl" sh -c "readlink /proc/self/ns/mnt; $hold"
    if ! wait_until 60 test -s "$BATS_TEST_TMPDIR/$tag.out"; then
        echo "the holding step did not start: $(bg_err "$tag")" >&2
        return 1
    fi
    # shellcheck disable=SC2034  # for the test that called it
    held_ns=$(head -n 1 "$BATS_TEST_TMPDIR/$tag.out")
}
# release_container: tells the holding step to end and waits for it; fails unless it exited 0.
release_container() {
    touch "$ctl/stop"
    bg_wait
    [[ $bg_status -eq 0 ]] || { echo "the holding step exited $bg_status" >&2; return 1; }
}

# The lines of stderr that match a fixed string, and of $2 (default: stderr) that match a regex.
stderr_lines() { grep -cF -- "$1" <<<"$stderr" || true; }
count_lines() { grep -cE -- "$1" <<<"${2-$stderr}" || true; }
# pyxis printed enroot's log after its header line, and it holds an [ERROR] line from enroot.
enroot_log_shown() {
    awk '/pyxis: printing enroot log file:/ {f = 1; next} f && /\[ERROR\]/ {ok = 1} END {exit !ok}' <<<"$stderr"
}

# enroot's main branch (after 4.1.2) can unshare namespaces and read fstab escapes.
enroot_is_main() { grep -q ENROOT_UNSHARE_NET "$(command -v enroot)"; }
# Whether use_squashfuse=auto can start read-only temporary containers straight from their
# squashfs file here.
direct_start_possible() {
    { command -v squashfuse || command -v squashfuse_ll; } >/dev/null && command -v fuse-overlayfs >/dev/null &&
        [[ -c /dev/fuse ]] && runuser -u "$PYXIS_TEST_USER" -- test -r /dev/fuse -a -w /dev/fuse
}

# on_node NODE COMMAND...: runs COMMAND on NODE, as root (here, on a one-node cluster).
on_node() { "$cluster" exec "$@"; }
# as_user_on NODE COMMAND...: as_user, on NODE.
as_user_on() {
    local node=$1 as_test_user; shift
    test_user_words as_test_user
    on_node "$node" "${as_test_user[@]}" "$@"
}
# node_path NODE PATH: where PATH of NODE is from here (through /proc/PID/root of a process in
# the node's mount namespace; PATH itself on a one-node cluster).
node_path() { local pid; pid=$("$cluster" pid "$1"); echo "${pid:+/proc/$pid/root}$2"; }
# node_mounts NODE: the node's mount table.
node_mounts() { local pid; pid=$("$cluster" pid "$1"); cat "/proc/${pid:-self}/mountinfo"; }

# The test user's containers (pyxis_*), on every node ("NODE: NAME" lines when there are several).
# Where `enroot list` fails, a line saying so and status 1: "no container" cannot pass then.
user_containers() {
    local node list status=0
    if [[ ${#test_nodes[@]} -eq 1 ]]; then
        list=$(as_user enroot list 2>&1) || { echo "enroot list failed: $list"; return 1; }
        grep '^pyxis_' <<<"$list" || true
        return 0
    fi
    for node in "${test_nodes[@]}"; do
        list=$(as_user_on "$node" enroot list 2>&1) || { echo "$node: enroot list failed: $list"; status=1; continue; }
        grep '^pyxis_' <<<"$list" | sed "s/^/$node: /" || true
    done
    return "$status"
}
# The test user's live processes, "PID COMMAND": not zombies, exited processes whose parent had
# ended before them and which init reaps a while later (up to 2 s here).
user_processes() { ps -u "$PYXIS_TEST_USER" -o pid=,stat=,args= 2>/dev/null | awk '$2 !~ /^Z/ {$2 = ""; print}' || true; }
has_container() { grep -qxF -- "$1" <<<"$(user_containers)"; }
# remove_containers NAME...: enroot remove -f as the user, one at a time (on every node).
remove_containers() {
    local c node
    for node in "${test_nodes[@]}"; do
        for c in "$@"; do as_user_on "$node" enroot remove -f "$c" >/dev/null 2>&1 || true; done
    done
}
# uncache: empties the user's enroot layer cache (on every node: several nodes have each their
# own, under /tmp), so that the next import downloads every blob.
uncache() {
    local node
    find "$user_home/.cache/enroot" -mindepth 1 -delete 2>/dev/null || true
    for node in "${test_nodes[@]}"; do
        find "$(node_path "$node" "/tmp/enroot-cache/user-$user_uid")" -mindepth 1 -delete 2>/dev/null || true
    done
}

# The user's enroot hooks (enroot runs them after the site's): enable_pyxis_hooks NAME... links
# the installed pyxis hooks of these names there (50-slurm-pytorch.sh, 50-slurm-pmi.sh), as a
# site links them into its hooks.d; disable_pyxis_hooks removes every link to them.
user_hooks=$user_home/.config/enroot/hooks.d
enable_pyxis_hooks() {
    local hook
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$user_hooks"
    for hook in "$@"; do ln -sfn "$PYXIS_TEST_PREFIX/share/pyxis/hooks.d/$hook" "$user_hooks/$hook"; done
}
disable_pyxis_hooks() {
    find "$user_hooks" -maxdepth 1 -type l -lname "$PYXIS_TEST_PREFIX/share/pyxis/hooks.d/*" -delete 2>/dev/null || true
}

# The test user's entries in /tmp and /var/tmp of every node (as seen from here); those of this
# test's start (each test sources this file anew) are the baseline.
tmp_entries() {
    local node
    for node in "${test_nodes[@]}"; do
        find "$(node_path "$node" /tmp)" /var/tmp -maxdepth 1 -user "$PYXIS_TEST_USER" 2>/dev/null
    done | sort -u
}
tmp_baseline=$(tmp_entries)

# What a finished step may have left, on any node: containers, files in the user's runtime
# directory, processes of the user, new entries of the user in /tmp and /var/tmp, mounts under
# the test directories, the runtime directory or enroot's paths.
leftovers() {
    local s node
    s=$(user_containers); [[ -z $s ]] || echo "containers: $s"
    for node in "${test_nodes[@]}"; do
        s=$(find "$(node_path "$node" "$user_runtime")" -mindepth 1 2>/dev/null || true)
        [[ -z $s ]] || echo "runtime files on $node: $s"
        s=$(node_mounts "$node" | grep -F -e "$PYXIS_TEST_WORK" -e "$PYXIS_RUNTIME_PATH" \
            -e /tmp/enroot- -e /run/enroot || true)
        [[ -z $s ]] || echo "mounts on $node: $s"
    done
    s=$(user_processes); [[ -z $s ]] || echo "processes: $s"
    s=$(comm -13 <(echo "$tmp_baseline") <(tmp_entries)); [[ -z $s ]] || echo "temporary files: $s"
}
nothing_left() { [[ -z $(leftovers) ]]; }

# assert_nothing_left [SECONDS]: waits for the step's cleanup (at most SECONDS, default 10).
assert_nothing_left() {
    if ! wait_until "${1:-10}" nothing_left; then
        echo "left behind: $(leftovers)" >&2
        return 1
    fi
}

# Removes what a test may have left, so that one failure does not cascade: jobs, processes and
# containers of the test user, files in its runtime directory. Every suite's teardown calls it.
# Processes of the user get 5 s to exit; to kill the rest it first lets the user's jobs end:
# their epilogs run enroot as the user, and killing that would make slurmd drain the node.
sweep() {
    local c pids node
    scancel -u "$PYXIS_TEST_USER" 2>/dev/null || true
    if ! wait_until 5 no_processes; then
        wait_until 60 no_jobs || true
        pids=$(user_processes | awk '{print $1}')
        # shellcheck disable=SC2086 # one PID per word
        [[ -z $pids ]] || { kill -KILL $pids 2>/dev/null || true; sleep 0.5; }
    fi
    for node in "${test_nodes[@]}"; do
        for c in $(as_user_on "$node" enroot list 2>/dev/null | grep '^pyxis_'); do
            as_user_on "$node" enroot remove -f "$c" >/dev/null 2>&1 || true
        done
        find "$(node_path "$node" "$user_runtime")" -mindepth 1 -delete 2>/dev/null || true
    done
}
no_jobs() { [[ -z $(squeue -h -u "$PYXIS_TEST_USER" -o %i 2>/dev/null) ]]; }
no_processes() { [[ -z $(user_processes) ]]; }

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
# assert_stderr_has MESSAGE...: stderr holds each fixed string, whatever the exit status.
assert_stderr_has() {
    local message
    for message in "$@"; do
        if ! grep -qF -- "$message" <<<"$stderr"; then
            printf 'expected on stderr: %s\nstatus: %s\nstderr: %s\n' "$message" "$status" "$stderr" >&2
            return 1
        fi
    done
}
# assert_ran_nothing: the step's command did not run (it would have created $ran_on_host).
assert_ran_nothing() {
    if [[ -e $ran_on_host ]]; then
        echo "the command ran ($ran_on_host exists)" >&2
        return 1
    fi
}

# Batch jobs: a suite sets $script and $script_output (per test), then
#   write_script LINE...   the batch script $script, one line per argument after #!/bin/sh
#   run_job                sbatch --wait of it; sets $job from the script's `job ID` line
#   job_containers_gone    no container of $job is left on any node
write_script() {
    printf '#!/bin/sh\n' >"$script"
    printf '%s\n' "$@" >>"$script"
    chmod 644 "$script"
}
run_job() {
    usbatch "$script"
    assert_success
    job=$(awk '$1 == "job" {print $2}' "$script_output")
    [[ -n $job ]] || { cat "$script_output" >&2; false; }
}
job_containers_gone() { local list; list=$(user_containers) && [[ $list != *"pyxis_${job}_"* ]]; }

# Counting enroot's commands, for real: enroot is a bash script, so with BASH_ENV=$enroot_calls
# (make_call_counter writes it) each of its commands appends "NODE COMMAND" to $ENROOT_CALLS.
enroot_calls=$PYXIS_TEST_WORK/enroot-calls.bash
make_call_counter() {
    cat >"$enroot_calls" <<'BASH'
# BASH_ENV of the tests that count enroot's commands: which ran where.
if [ -n "${ENROOT_CALLS-}" ] && [ "${0##*/}" = enroot ]; then
    echo "$(hostname) $1" >>"$ENROOT_CALLS"
fi
BASH
    chmod 644 "$enroot_calls"
}

# Slowing a step down at one phase, for real, through variables of the job's environment that
# pyxis passes on to enroot (docs/design.md, "Running enroot"); make_slow_programs writes the two programs:
#   import  ENROOT_GZIP_PROGRAM=$slow_gzip: enroot pipes every blob it downloads (the config and
#           each layer missing from the user's layer cache: uncache first) through it; it waits
#           SLOW_GZIP_SECONDS, then runs gzip. So the import is slow mid-download.
#   create  BASH_ENV=$slow_create: enroot is a bash script; this makes its `unsquashfs -d` (the
#           extraction of `enroot create`) wait SLOW_CREATE_SECONDS first.
# Both touch $SLOW_MARKER (slow_marker, in $ctl: fresh_ctl first) when they start waiting, so
# that a test acts while the step is in that phase; the import also $SLOW_MARKERS/NODE, when
# set, so that a multi-node test knows every node is there.
slow_gzip=$PYXIS_TEST_WORK/slow-gzip
slow_create=$PYXIS_TEST_WORK/slow-create.bash
# shellcheck disable=SC2034  # for the suites
slow_marker=$ctl/slow-phase
make_slow_programs() {
    cat >"$slow_gzip" <<'PROGRAM'
#!/bin/sh
# ENROOT_GZIP_PROGRAM of the slow-import tests: announce (also per node, in $SLOW_MARKERS/NODE),
# wait, decompress.
[ -z "$SLOW_MARKER" ] || : >"$SLOW_MARKER"
[ -z "$SLOW_MARKERS" ] || : >"$SLOW_MARKERS/$(hostname)"
sleep "${SLOW_GZIP_SECONDS:-0}"
exec gzip "$@"
PROGRAM
    cat >"$slow_create" <<'PROGRAM'
# BASH_ENV of the slow-create tests: enroot's extraction for `enroot create` waits first.
unsquashfs() {
    case " $* " in
        *" -d "*) [ -z "${SLOW_MARKER-}" ] || : >"$SLOW_MARKER"; sleep "${SLOW_CREATE_SECONDS:-0}" ;;
    esac
    command unsquashfs "$@"
}
PROGRAM
    chmod 755 "$slow_gzip"
    chmod 644 "$slow_create"
}
