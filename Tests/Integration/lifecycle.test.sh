# Container lifecycle through real srun/sbatch as the unprivileged test user (SPEC §2, §4, §6):
# images by path and URI, one container for many tasks, mounts, named containers and attaching,
# --container-save, the ENROOT_* switches, the environment rules, entrypoints, batch scripts,
# PYXIS_* defaults, the PyTorch remap, container_scope=job, importers, two steps creating one
# name, and failures that must leave nothing behind. Runs once per squashfuse mode.
#
# Sourced by run.sh after fixtures.sh's fixture_setup (real enroot in slurmstepd's PATH, the
# loopback registry, images in $PYXIS_TEST_IMAGES); uses lib.sh and run.sh's set_plugstack,
# PYXIS_PLUGIN and PYXIS_RUNTIME_PATH. PYXIS_TEST_IMAGE_URI names an image enroot imports,
# PYXIS_TEST_MISSING_URI one that must not exist.
#
# The tests that need a step to be slow at one phase make enroot really slow there, through
# variables of the job's environment that pyxis passes on to enroot (SPEC §4):
#   import  ENROOT_GZIP_PROGRAM=$lc_slow_gzip: enroot pipes every blob it downloads (the config and
#           each layer missing from the user's layer cache, which the test empties first) through
#           it; it waits SLOW_GZIP_SECONDS, then runs gzip. So the import is slow mid-download.
#   create  BASH_ENV=$lc_slow_create: enroot is a bash script; this makes its `unsquashfs -d`
#           (the extraction of `enroot create`) wait SLOW_CREATE_SECONDS first.
# Both touch $SLOW_MARKER when they start waiting, so the tests act while the step is in that phase.

lc_home=$PYXIS_TEST_WORK/home
lc_img=$PYXIS_TEST_IMAGES
lc_uri=$PYXIS_TEST_IMAGE_URI
lc_missing_uri=${PYXIS_TEST_MISSING_URI:-pyxis-test/no-such-image:1}
lc_uid=$(id -u "$PYXIS_TEST_USER")
lc_runtime=$PYXIS_RUNTIME_PATH/$lc_uid
lc_tmp=$PYXIS_TEST_WORK/lifecycle          # root's scratch: background output, the tmp baseline
lc_ctl=$lc_home/ctl                        # mounted at /ctl by steps that wait for /ctl/stop
lc_importer_dir=$PYXIS_TEST_WORK/importer  # the test importer's log and output (the user's)
lc_hostonly=$PYXIS_TEST_WORK/host-only     # exists on the host, in no image
lc_slow_gzip=$PYXIS_TEST_WORK/slow-gzip     # see the header
lc_slow_create=$PYXIS_TEST_WORK/slow-create.bash
lc_marker=$lc_ctl/slow-phase               # touched when a slowed-down phase starts waiting
lc_host_mnt=$(readlink /proc/self/ns/mnt)
lc_host_net=$(readlink /proc/self/ns/net)
# A step that holds its container until the test creates $lc_ctl/stop (at most 120 s).
lc_hold='for i in $(seq 600); do [ -e /ctl/stop ] && exit 0; sleep 0.2; done; exit 1'
# Whether use_squashfuse=auto can start temporary containers straight from their squashfs here.
lc_direct=0
if { command -v squashfuse || command -v squashfuse_ll; } >/dev/null && command -v fuse-overlayfs >/dev/null &&
    [[ -c /dev/fuse ]] && runuser -u "$PYXIS_TEST_USER" -- test -r /dev/fuse -a -w /dev/fuse; then
    lc_direct=1
fi
# enroot's main branch (after 4.1.2) reads fstab escapes in mount entries and can unshare
# namespaces; on 4.1.2 pyxis refuses both with a clear message (SPEC §5).
lc_enroot_main=0
grep -q ENROOT_UNSHARE_NET "$PYXIS_TEST_ENROOT" && lc_enroot_main=1

# ---- helpers ----

# usrun [VAR=value...] SRUN_ARGS...: srun as the test user from its home, limited to 2 minutes by
# Slurm and 150 s by timeout; sets $out, $err, $rc. usrun_in DIR ...: from another directory.
usrun() { usrun_in "$lc_home" "$@"; }
usrun_in() {
    local dir=$1 vars=(); shift
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    capture as_user_in "$dir" "${vars[@]}" timeout -k 10 150 srun -t 2 "$@"
}
# bg_usrun TAG [VAR=value...] SRUN_ARGS...: the same in the background, output in
# $lc_tmp/TAG.out and TAG.err; bg_wait then sets $bg_rc.
bg_usrun() {
    local tag=$1 vars=(); shift
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    # Empty the files now: the background job's own redirection may come after the caller's
    # first look at them, which would then see an earlier run's output.
    : >"$lc_tmp/$tag.out"; : >"$lc_tmp/$tag.err"
    as_user "${vars[@]}" timeout -k 10 150 srun -t 2 "$@" >"$lc_tmp/$tag.out" 2>"$lc_tmp/$tag.err" &
    bg_pid=$!
}
bg_wait() { wait "$bg_pid" && bg_rc=0 || bg_rc=$?; }
# usbatch SCRIPT: sbatch --wait as the test user (at most 180 s); sets $out, $err, $rc.
usbatch() { capture as_user timeout -k 10 180 sbatch --wait "$1"; }

lc_plugstack() { set_plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH" use_squashfuse="$lc_mode" "$@"; }
lc_containers() { as_user enroot list 2>&1 | grep '^pyxis_' || true; }
lc_has_container() { grep -qxF -- "$1" <<<"$(lc_containers)"; }
lc_job_containers_gone() { ! grep -q "^pyxis_$1_" <<<"$(lc_containers)"; }
# lc_remove NAME...: enroot remove -f as the user, one at a time (a missing one stops no other).
lc_remove() { local c; for c in "$@"; do as_user enroot remove -f "$c" >/dev/null 2>&1 || true; done; }
# lc_uncache: empties the user's enroot layer cache (so the next import downloads every blob) and
# removes the slow-phase marker.
lc_uncache() { find "$lc_home/.cache/enroot" -mindepth 1 -delete 2>/dev/null || true; rm -f "$lc_marker"; }
lc_count() { grep -cE -- "$1" <<<"$2" || true; }   # lines of $2 matching the regex $1
lc_tmp_entries() { find /tmp /var/tmp -maxdepth 1 -user "$PYXIS_TEST_USER" 2>/dev/null | sort; }
lc_job_running() { [[ -n $(squeue -h -u "$PYXIS_TEST_USER" -n "$1" -t R -o %i 2>/dev/null) ]]; }
# The enroot log is printed after pyxis' header line and holds an [ERROR] line from enroot.
lc_log_shown() { awk '/pyxis: printing enroot log file:/ {f = 1; next} f && /\[ERROR\]/ {ok = 1} END {exit !ok}' <<<"$err"; }

# What finished steps left behind: pyxis_* containers, files in the user's runtime directory,
# processes of the user, new entries of the user in /tmp and /var/tmp, mounts under the work dir.
lc_leftovers() {
    local s
    s=$(lc_containers); [[ -z $s ]] || echo "containers: $s"
    s=$(find "$lc_runtime" -mindepth 1 2>/dev/null || true); [[ -z $s ]] || echo "in $lc_runtime: $s"
    s=$(pgrep -a -u "$PYXIS_TEST_USER" || true); [[ -z $s ]] || echo "processes: $s"
    s=$(comm -13 "$lc_tmp/tmp-baseline" <(lc_tmp_entries)); [[ -z $s ]] || echo "temporary files: $s"
    s=$(grep -F -e "$PYXIS_TEST_WORK" -e "$PYXIS_RUNTIME_PATH" /proc/self/mountinfo || true)
    [[ -z $s ]] || echo "mounts: $s"
}
lc_nothing_left() { [[ -z $(lc_leftovers) ]]; }
# lc_clean NAME [SECONDS]: passes when nothing is left behind within SECONDS (default 10). On
# failure it reports the leftovers and removes them, so that one failure does not cascade.
lc_clean() {
    if wait_until "${2:-10}" lc_nothing_left; then pass "$1"; return 0; fi
    fail "$1" "$(lc_leftovers)"
    lc_sweep
}
lc_sweep() {
    local pids c
    scancel -u "$PYXIS_TEST_USER" 2>/dev/null || true
    pids=$(pgrep -u "$PYXIS_TEST_USER" || true)
    # shellcheck disable=SC2086 # one PID per word
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    sleep 0.5
    for c in $(lc_containers); do as_user enroot remove -f "$c" >/dev/null 2>&1 || true; done
    find "$lc_runtime" -mindepth 1 -delete 2>/dev/null || true
    lc_tmp_entries >"$lc_tmp/tmp-baseline"
}

lc_setup() {
    rm -rf "$lc_tmp" "$lc_importer_dir"
    mkdir -p "$lc_tmp" "$PYXIS_TEST_WORK/readonly"
    chmod 755 "$PYXIS_TEST_WORK/readonly"
    (cd "$lc_home" && rm -rf ctl mnt-src "dir with space" save-* batch-* scope-* home-marker ran-on-host \
        .config/enroot/hooks.d/99-pyxis-test-fail.sh)
    mkdir -p "$lc_ctl" "$lc_home/mnt-src" "$lc_home/dir with space" "$lc_importer_dir/out"
    echo hello >"$lc_home/mnt-src/file"
    printf '#!/bin/sh\necho executed\n' >"$lc_home/mnt-src/script.sh"
    chmod 755 "$lc_home/mnt-src/script.sh"
    echo spaced >"$lc_home/dir with space/hello"
    echo home-marker-content >"$lc_home/home-marker"
    : >"$lc_ctl/present"
    : >"$lc_importer_dir/log"
    chown -R "$PYXIS_TEST_USER:" "$lc_home/ctl" "$lc_home/mnt-src" "$lc_home/dir with space" \
        "$lc_home/home-marker" "$lc_importer_dir"
    # A test importer (SPEC §6): serves busybox.sqsh for any URI, fails for URIs containing
    # importer-fail, and records each call.
    cat >"$PYXIS_TEST_WORK/importer.sh" <<EOF
#!/bin/sh
file="$lc_importer_dir/out/\$SLURM_JOB_ID.\$SLURM_STEP_ID.sqsh"
case \$1 in
    get)
        echo "get \$2 job=\$SLURM_JOB_ID step=\$SLURM_STEP_ID" >>"$lc_importer_dir/log"
        case \$2 in *importer-fail*) echo "importer-test-failure: cannot get \$2" >&2; exit 1 ;; esac
        cp "$lc_img/busybox.sqsh" "\$file" || exit 1
        echo "\$file" ;;
    release)
        echo "release job=\$SLURM_JOB_ID step=\$SLURM_STEP_ID" >>"$lc_importer_dir/log"
        rm -f "\$file" ;;
    *)  echo "importer.sh: unknown command: \$*" >&2; exit 2 ;;
esac
EOF
    chmod 755 "$PYXIS_TEST_WORK/importer.sh"
    cat >"$lc_slow_gzip" <<'EOF'
#!/bin/sh
# ENROOT_GZIP_PROGRAM of the slow-import tests: announce, wait, decompress.
[ -z "$SLOW_MARKER" ] || : >"$SLOW_MARKER"
sleep "${SLOW_GZIP_SECONDS:-0}"
exec gzip "$@"
EOF
    cat >"$lc_slow_create" <<'EOF'
# BASH_ENV of the slow-create tests: enroot's extraction for `enroot create` waits first.
unsquashfs() {
    case " $* " in
        *" -d "*) [ -z "${SLOW_MARKER-}" ] || : >"$SLOW_MARKER"; sleep "${SLOW_CREATE_SECONDS:-0}" ;;
    esac
    command unsquashfs "$@"
}
EOF
    chmod 755 "$lc_slow_gzip"
    chmod 644 "$lc_slow_create"
    lc_sweep
}

# lc_failure NAME LOG MESSAGE SRUN_ARGS...: the step fails with MESSAGE on stderr (and, when
# LOG is 1, pyxis' enroot log with enroot's [ERROR] line), runs nothing, leaves nothing.
lc_failure() {
    local name=$1 log=$2 message=$3; shift 3
    rm -f "$lc_home/ran-on-host"
    usrun "$@" touch "$lc_home/ran-on-host"
    captured_failure "$t $name fails" "$message"
    [[ $log == 0 ]] || check "$t $name: ...shows enroot's log" lc_log_shown
    check "$t $name: ...runs nothing" test ! -e "$lc_home/ran-on-host"
    lc_clean "$t $name: ...leaves nothing behind"
}

# ---- the tests, for one use_squashfuse mode ($t is their name prefix) ----
lifecycle_suite() {
    lc_mode=$1
    local t="[use_squashfuse=$1]" m=lc-$1 img=$lc_img job id ns1 list
    lc_plugstack
    echo "# $t"

    # -- images --
    usrun --container-image="$img/busybox.sqsh" cat /pyxis-image
    captured_ok "$t squashfs image by absolute path" busybox
    lc_clean "$t squashfs image by absolute path: nothing left behind"

    usrun_in "$PYXIS_TEST_WORK" --container-image=./images/busybox.sqsh cat /pyxis-image
    captured_ok "$t squashfs image by a path relative to the job's working directory" busybox

    usrun --container-image="$lc_uri" sh -c "test -s /etc/passwd && test ! -e $lc_hostonly && echo in-image"
    captured_ok "$t registry image by URI" in-image
    check "$t ...says it imports" grep -qF "pyxis: importing docker image" <<<"$err"
    lc_clean "$t registry image: the imported squashfs is removed, nothing left behind"

    # -- one container, one import, for all tasks of a step --
    usrun -v -n 8 --container-image="$lc_uri" readlink /proc/self/ns/mnt
    captured_ok "$t -n 8 with a registry image" -
    if [[ $last_ok == 1 ]]; then
        check "$t ...all 8 tasks ran" test "$(wc -l <<<"$out")" -eq 8
        check "$t ...in one mount namespace" test "$(sort -u <<<"$out" | wc -l)" -eq 1
        check "$t ...which is not the host's" test "$(sort -u <<<"$out")" != "$lc_host_mnt"
        check "$t ...imported once (one 'pyxis: timing: enroot-import' line with -v)" \
            test "$(lc_count 'pyxis: timing: enroot-import [0-9.]+ ms' "$err")" -eq 1
        check "$t ...started once (one enroot-start timing line)" \
            test "$(lc_count 'pyxis: timing: enroot-start [0-9.]+ ms' "$err")" -eq 1
        check "$t ...and timed its whole task_init once (one 'pyxis: timing: total' line)" \
            test "$(lc_count 'pyxis: timing: total [0-9.]+ ms' "$err")" -eq 1
        if [[ $lc_mode == 0 ]]; then
            check "$t ...created once (one enroot-create timing line)" \
                test "$(lc_count 'pyxis: timing: enroot-create [0-9.]+ ms' "$err")" -eq 1
        elif [[ $lc_direct == 1 ]]; then
            check "$t ...started straight from the squashfs (no enroot-create timing line)" \
                test "$(lc_count 'pyxis: timing: enroot-create' "$err")" -eq 0
        fi
    fi
    lc_clean "$t -n 8: nothing left behind"

    # -- the temporary container while its step runs --
    rm -f "$lc_ctl/stop"
    bg_usrun hold --container-image="$img/busybox.sqsh" --container-mounts="$lc_ctl:/ctl" \
        sh -c "echo \$SLURM_JOB_ID.\$SLURM_STEP_ID; $lc_hold"
    if wait_until 60 test -s "$lc_tmp/hold.out"; then
        id=$(head -n 1 "$lc_tmp/hold.out")
        list=$(lc_containers)
        check "$t the job's runtime directory is <runtime_path>/<uid>, 0700, the user's" \
            test "$(stat -c '%a %u' "$lc_runtime" 2>&1)" = "700 $lc_uid"
        if [[ $lc_mode == 0 ]]; then
            check "$t the temporary container is pyxis_<jobid>.<stepid> while the step runs ($id)" grep -qxF "pyxis_$id" <<<"$list"
        elif [[ $lc_direct == 1 ]]; then
            check "$t a temporary container runs straight from its squashfs, with no enroot container" test -z "$list"
        fi
    else
        fail "$t a step holding its container starts" "$(cat "$lc_tmp/hold.err")"
    fi
    touch "$lc_ctl/stop"
    bg_wait
    check "$t ...and ends with status 0 when told to" test "$bg_rc" -eq 0
    lc_clean "$t the temporary container is removed after its step"

    # -- mounts and working directory --
    local src=$lc_home/mnt-src
    rm -f "$src/written" "$src/new"
    usrun --container-image="$img/busybox.sqsh" --container-mounts="$src:/mnt/ro:ro+noexec,$src:/mnt/rw" sh -c \
        'cat /mnt/ro/file; touch /mnt/ro/new 2>/dev/null && echo writable || echo read-only
         /mnt/ro/script.sh 2>/dev/null || echo noexec; /mnt/rw/script.sh; touch /mnt/rw/written && echo wrote'
    captured_ok "$t --container-mounts SRC:DST:ro+noexec and SRC:DST" $'hello\nread-only\nnoexec\nexecuted\nwrote'
    check "$t ...the read-write mount wrote to the host, as the user" test "$(stat -c %u "$src/written" 2>&1)" = "$lc_uid"
    check "$t ...the read-only one did not" test ! -e "$src/new"

    usrun --container-image="$img/busybox.sqsh" --container-mounts=tmpfs:/scratch,umount:/sys sh -c \
        'grep -q " /scratch .* - tmpfs " /proc/self/mountinfo && touch /scratch/x && echo tmpfs
         [ -z "$(ls /sys)" ] && echo sys-unmounted'
    captured_ok "$t --container-mounts tmpfs:DST and umount:DST" $'tmpfs\nsys-unmounted'

    usrun --container-image="$img/busybox.sqsh" --container-mounts="./mnt-src:/mnt/rel" cat /mnt/rel/file
    captured_ok "$t --container-mounts with a relative source" hello
    usrun --container-image="$img/busybox.sqsh" --container-mounts="$lc_home/dir with space:/mnt/with space" \
        cat "/mnt/with space/hello"
    if [[ $lc_enroot_main == 1 ]]; then
        captured_ok "$t --container-mounts with a path holding a space" spaced
    else
        captured_failure "$t --container-mounts with a path holding a space: a clear error on enroot 4.1.2" \
            "pyxis: --container-mounts: '" "with space' holds a space" "needs an enroot newer than 4.1.2"
    fi

    usrun --container-image="$img/busybox.sqsh" --container-workdir=/tmp pwd
    captured_ok "$t --container-workdir" /tmp
    usrun --container-image="$img/busybox.sqsh" pwd
    captured_ok "$t without --container-workdir the task starts in the container's cwd" /
    lc_clean "$t mounts: nothing left behind"

    # -- named containers --
    usrun --container-name="$m" --container-image="$img/busybox.sqsh" --container-writable \
        sh -c 'echo from-step-one >/persist; cat /pyxis-image'
    captured_ok "$t --container-name creates a named container" busybox
    check "$t ...kept as pyxis_$m (container_scope=global)" lc_has_container "pyxis_$m"
    usrun --container-name="$m" cat /persist
    captured_ok "$t ...the next step reuses it by name alone, with what the first wrote" from-step-one
    usrun --container-name="$m" --container-image="$img/pytorch.sqsh" cat /persist /pyxis-image
    captured_ok "$t ...an existing name skips the import of --container-image" $'from-step-one\nbusybox'
    usrun --container-name="$m:no_exec" cat /persist
    captured_ok "$t ...NAME:no_exec starts the existing container" from-step-one
    usrun --container-name="$m:create" --container-image="$img/busybox.sqsh" true
    captured_failure "$t ...NAME:create fails for an existing name" "already exists"
    usrun --container-name="$m:exec" true
    captured_failure "$t ...NAME:exec fails when it is not running" "is not running"
    usrun --container-name="$m-never" true
    captured_failure "$t --container-name without an image fails for an unknown name" "does not exist"
    check "$t ...and creates nothing" bash -c '! grep -qxF "$1" <<<"$2"' _ "pyxis_$m-never" "$(lc_containers)"
    usrun --container-name="$m-new:create" --container-image="$img/busybox.sqsh" cat /pyxis-image
    captured_ok "$t NAME:create makes a new container" busybox
    lc_remove "pyxis_$m" "pyxis_$m-new"
    lc_clean "$t named containers: nothing left behind after enroot remove"

    # -- attaching to a running named container --
    local a=$m-attach
    rm -f "$lc_ctl/stop"
    bg_usrun attach --container-name="$a" --container-image="$img/busybox.sqsh" --container-mounts="$lc_ctl:/ctl" \
        sh -c "readlink /proc/self/ns/mnt; $lc_hold"
    if wait_until 60 test -s "$lc_tmp/attach.out"; then
        ns1=$(head -n 1 "$lc_tmp/attach.out")
        usrun --container-name="$a:exec" --container-mounts=/tmp:/x sh -c \
            'readlink /proc/self/ns/mnt; test -e /ctl/present && echo sees-ctl; test -e /x && echo has-x || echo no-x'
        captured_ok "$t NAME:exec attaches to the running container (its mount namespace and mounts)" "$ns1"$'\nsees-ctl\nno-x'
        check "$t ...and says it ignores --container-mounts" grep -qF "ignoring --container-mounts" <<<"$err"
        usrun --container-name="$a" readlink /proc/self/ns/mnt
        captured_ok "$t NAME (auto) attaches to the running container" "$ns1"
        usrun --container-name="$a:no_exec" sh -c 'readlink /proc/self/ns/mnt; test -e /ctl/present && echo sees-ctl || echo own-mounts'
        captured_ok "$t NAME:no_exec starts a new process on the running container's filesystem" -
        check "$t ...in a mount namespace of its own, without the first step's mounts" \
            test "$(head -n 1 <<<"$out")" != "$ns1" -a "$(tail -n 1 <<<"$out")" = own-mounts
        usrun --container-name="$a:create" --container-image="$img/busybox.sqsh" true
        captured_failure "$t NAME:create fails while the container runs" "already exists"
    else
        fail "$t a step holding a named container starts" "$(cat "$lc_tmp/attach.err")"
    fi
    touch "$lc_ctl/stop"
    bg_wait
    check "$t ...the first step ends with status 0" test "$bg_rc" -eq 0
    usrun --container-name="$a:exec" true
    captured_failure "$t NAME:exec fails once the container stopped" "is not running"
    lc_remove "pyxis_$a"
    lc_clean "$t attaching: nothing left behind"

    # -- --container-save --
    local sd=$lc_home/save-$lc_mode
    rm -rf "$sd"; mkdir -p "$sd"; chown "$PYXIS_TEST_USER:" "$sd"
    usrun --container-image="$img/busybox.sqsh" --container-writable --container-save="$sd/saved.sqsh" \
        sh -c 'echo saved-content >/saved-marker'
    captured_ok "$t --container-save exports the container after the step" ""
    check "$t ...to the named file and nothing else next to it" test "$(ls -A "$sd")" = saved.sqsh
    usrun --container-image="$sd/saved.sqsh" cat /saved-marker /pyxis-image
    captured_ok "$t ...and the saved file runs as --container-image" $'saved-content\nbusybox'
    usrun --container-image="$img/busybox.sqsh" --container-save="./save-$lc_mode/relative.sqsh" true
    captured_ok "$t --container-save with a relative path" ""
    check "$t ...resolves it against the job's working directory" test -f "$sd/relative.sqsh"
    usrun --container-image="$img/busybox.sqsh" --container-save="$PYXIS_TEST_WORK/readonly/x.sqsh" true
    check "$t --container-save into a directory the user cannot write: an error naming the file" \
        grep -qF "$PYXIS_TEST_WORK/readonly/x.sqsh" <<<"$(grep -F "error: pyxis: " <<<"$err")"
    check "$t ...and a non-zero exit status (rc=$rc)" test "$rc" -ne 0
    check "$t ...and writes nothing there" test -z "$(ls -A "$PYXIS_TEST_WORK/readonly")"
    lc_clean "$t --container-save: nothing left behind"

    # -- home, root remapping, writability, namespaces --
    usrun --container-image="$img/busybox.sqsh" --container-mount-home sh -c 'cat "$HOME/home-marker"'
    captured_ok "$t --container-mount-home shows \$HOME inside" home-marker-content
    usrun --container-image="$img/busybox.sqsh" --no-container-mount-home \
        sh -c "test -e '$lc_home/home-marker' && echo visible || echo hidden"
    captured_ok "$t --no-container-mount-home hides it" hidden
    usrun --container-image="$img/busybox.sqsh" --container-remap-root id -u
    captured_ok "$t --container-remap-root: uid 0 inside" 0
    usrun --container-image="$img/busybox.sqsh" id -u
    captured_ok "$t by default the user's own uid inside" "$lc_uid"
    usrun --container-image="$img/busybox.sqsh" --no-container-remap-root id -u
    captured_ok "$t --no-container-remap-root: the user's own uid inside" "$lc_uid"
    usrun --container-image="$img/busybox.sqsh" sh -c 'readlink /proc/self/ns/user; awk "/^Seccomp:/ {print \$2}" /proc/self/status'
    check "$t an unprivileged task is in the container's user namespace, under a seccomp filter" \
        test "$(head -n 1 <<<"$out")" != "$(readlink /proc/self/ns/user)" -a "$(tail -n 1 <<<"$out")" = 2
    # Privileged: root with ENROOT_ALLOW_SUPERUSER joins no user namespace and gets no filter.
    capture env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root ENROOT_ALLOW_SUPERUSER=y \
        timeout -k 10 150 srun -t 2 --container-image="$img/busybox.sqsh" \
        sh -c 'id -u; readlink /proc/self/ns/user; awk "/^Seccomp:/ {print \$2}" /proc/self/status'
    captured_ok "$t privileged (root with ENROOT_ALLOW_SUPERUSER=y): root, the host's user namespace, no filter" \
        "0"$'\n'"$(readlink /proc/self/ns/user)"$'\n'"0"
    usrun --container-image="$img/busybox.sqsh" --container-writable sh -c 'touch /x && echo wrote'
    captured_ok "$t --container-writable: the root filesystem takes writes" wrote
    usrun --container-image="$img/busybox.sqsh" --container-readonly sh -c 'touch /x 2>/dev/null && echo wrote || echo read-only'
    captured_ok "$t --container-readonly: writes fail" read-only
    usrun --container-image="$img/busybox.sqsh" --container-unshare=net readlink /proc/self/ns/net
    if [[ $lc_enroot_main == 0 ]]; then
        captured_failure "$t --container-unshare=net: a clear error on enroot 4.1.2" \
            "pyxis: --container-unshare: the enroot on this node" "needs an enroot newer than 4.1.2"
    elif [[ -n $lc_net_broken ]]; then
        # enroot itself cannot start a container in a network namespace of its own here.
        captured_failure "$t --container-unshare=net fails as enroot does here ($lc_net_broken)" \
            "pyxis: printing enroot log file:" "$lc_net_broken"
    else
        captured_ok "$t --container-unshare=net" -
        check "$t ...gives a network namespace other than the host's" test -n "$out" -a "$out" != "$lc_host_net"
    fi
    if [[ $lc_enroot_main == 1 ]]; then
        usrun --container-image="$img/busybox.sqsh" --container-unshare=uts readlink /proc/self/ns/uts
        captured_ok "$t --container-unshare=uts" -
        check "$t ...gives a UTS namespace other than the host's" test -n "$out" -a "$out" != "$(readlink /proc/self/ns/uts)"
    fi
    usrun --container-image="$img/busybox.sqsh" readlink /proc/self/ns/net
    captured_ok "$t without it the task keeps the host's network namespace" "$lc_host_net"
    lc_clean "$t switches: nothing left behind"

    # -- environment: locale rule, --container-env, image values --
    local envs=(LANG=en_US.UTF-8 LC_ALL=C LANGUAGE=en FOO=from-host BAR=host-only)
    local show='echo "${LANG-unset} ${LC_ALL-unset} ${LANGUAGE-unset} ${FOO-unset} ${BAR-unset}"'
    usrun "${envs[@]}" --container-image="$img/busybox.sqsh" sh -c "$show"
    captured_ok "$t LANG, LC_ALL, LANGUAGE stay outside; other host variables come in" "unset unset unset from-host host-only"
    usrun "${envs[@]}" --container-image="$img/busybox.sqsh" --container-env=LANG,LC_ALL sh -c "$show"
    captured_ok "$t --container-env=LANG,LC_ALL keeps those" "en_US.UTF-8 C unset from-host host-only"
    usrun "${envs[@]}" --container-image="$img/env.sqsh" sh -c "$show"
    captured_ok "$t the image's values win over the host's" "C.UTF-8 unset unset from-image host-only"
    usrun "${envs[@]}" --container-image="$img/env.sqsh" --container-env=FOO,LANG sh -c "$show"
    captured_ok "$t --container-env=FOO,LANG: the host's values win over the image's" "en_US.UTF-8 unset unset from-host host-only"

    # -- entrypoint --
    local ran='echo "${ENTRYPOINT_RAN-no}"'
    usrun FOO=from-host --container-image="$img/entry.sqsh" sh -c "$ran"
    captured_ok "$t the entrypoint does not run by default (execute_entrypoint=0)" no
    usrun FOO=from-host --container-image="$img/entry.sqsh" --container-entrypoint sh -c "$ran"
    captured_ok "$t --container-entrypoint runs it" 1
    check "$t ...and keeps its output to itself without --container-entrypoint-log" \
        bash -c '! grep -qF entrypoint-ran <<<"$1"' _ "$out$err"
    usrun FOO=from-host --container-image="$img/entry.sqsh" --container-entrypoint --container-entrypoint-log \
        --container-env=FOO sh -c "$ran"
    captured_ok "$t --container-entrypoint-log" -
    check "$t ...prints the entrypoint's output, which saw --container-env's value" \
        grep -qF "entrypoint-ran FOO=from-host" <<<"$out$err"
    lc_plugstack execute_entrypoint=1
    usrun --container-image="$img/entry.sqsh" sh -c "$ran"
    captured_ok "$t execute_entrypoint=1 runs it by default" 1
    usrun --container-image="$img/entry.sqsh" --no-container-entrypoint sh -c "$ran"
    captured_ok "$t ...and --no-container-entrypoint does not" no
    lc_plugstack
    lc_clean "$t environment and entrypoint: nothing left behind"

    # -- sbatch --
    local script=$lc_home/batch-$lc_mode.sh output=$lc_home/batch-$lc_mode.out
    cat >"$script" <<EOF
#!/bin/sh
#SBATCH --container-image=$img/busybox.sqsh
#SBATCH --output=$output
#SBATCH --time=2
cat /pyxis-image
test -e $lc_hostonly && echo on-the-host || echo in-the-container
EOF
    chmod 644 "$script"
    usbatch "$script"
    captured_ok "$t sbatch with #SBATCH --container-image" -
    check "$t ...runs the batch script inside the container" \
        test "$(cat "$output" 2>&1)" = $'busybox\nin-the-container'
    lc_clean "$t sbatch: nothing left behind"

    # -- PYXIS_* defaults --
    usrun PYXIS_CONTAINER_IMAGE="$img/busybox.sqsh" PYXIS_CONTAINER_WORKDIR=/tmp PYXIS_CONTAINER_REMAP_ROOT=1 \
        PYXIS_CONTAINER_MOUNTS="$lc_home/mnt-src:/m" sh -c 'cat /pyxis-image /m/file; id -u; pwd'
    captured_ok "$t PYXIS_CONTAINER_IMAGE, _WORKDIR, _REMAP_ROOT and _MOUNTS as defaults" $'busybox\nhello\n0\n/tmp'
    usrun PYXIS_CONTAINER_IMAGE="$img/busybox.sqsh" --container-image="$img/pytorch.sqsh" cat /pyxis-image
    captured_ok "$t --container-image wins over PYXIS_CONTAINER_IMAGE" pytorch

    # -- PyTorch per-task variables --
    local ranks='echo "$SLURM_PROCID ${RANK-unset} ${LOCAL_RANK-unset}"'
    usrun -n 4 --container-image="$img/pytorch.sqsh" sh -c "$ranks"
    out=$(sort <<<"$out")
    captured_ok "$t PyTorch image, -n 4: RANK and LOCAL_RANK per task" $'0 0 0\n1 1 1\n2 2 2\n3 3 3'
    usrun -n 4 --container-image="$img/busybox.sqsh" sh -c "$ranks"
    out=$(sort <<<"$out")
    captured_ok "$t other images, -n 4: no RANK, no LOCAL_RANK" $'0 unset unset\n1 unset unset\n2 unset unset\n3 unset unset'
    lc_clean "$t defaults and PyTorch: nothing left behind"

    # -- container_scope=job: private names, removed by the job epilog --
    lc_plugstack container_scope=job
    script=$lc_home/scope-$lc_mode.sh output=$lc_home/scope-$lc_mode.out
    cat >"$script" <<EOF
#!/bin/sh
#SBATCH --output=$output
#SBATCH --time=2
echo "job \$SLURM_JOB_ID"
srun --container-name=scoped --container-image=$img/busybox.sqsh --container-writable sh -c 'echo from-step-one >/scoped'
echo "containers:"
enroot list
srun --container-name=scoped cat /scoped
EOF
    chmod 644 "$script"
    usbatch "$script"
    captured_ok "$t container_scope=job: a batch job with two steps on one --container-name" -
    job=$(awk '$1 == "job" {print $2}' "$output" 2>/dev/null || true)
    if [[ -n $job ]]; then
        check "$t ...names the container pyxis_<jobid>_<name> during the job" grep -qx "pyxis_${job}_scoped" "$output"
        check "$t ...not pyxis_<name>" bash -c '! grep -qx pyxis_scoped "$1"' _ "$output"
        check "$t ...the second step sees what the first wrote" grep -qx from-step-one "$output"
        if wait_until 30 lc_job_containers_gone "$job"; then
            pass "$t ...and the job epilog removes it"
        else
            fail "$t ...and the job epilog removes it" "left: $(lc_containers)"
        fi
    else
        fail "$t ...the batch job ran" "$(cat "$output" 2>&1)"
    fi
    lc_plugstack
    lc_clean "$t container_scope=job: nothing left behind"

    # -- importer --
    lc_plugstack importer="$PYXIS_TEST_WORK/importer.sh"
    : >"$lc_importer_dir/log"
    usrun -n 4 --container-image="$lc_uri" cat /pyxis-image
    captured_ok "$t importer: -n 4 with a registry image runs what the importer got" $'busybox\nbusybox\nbusybox\nbusybox'
    list=$(cat "$lc_importer_dir/log")
    check "$t ...called once, as 'get URI'" test "$(lc_count '^get ' "$list")" -eq 1
    check "$t ...first, with the image's URI" bash -c '[[ $(head -n 1 <<<"$1") == "get "*"$2"* ]]' _ "$list" "$lc_uri"
    check "$t ...then 'release' (last)" grep -q '^release ' <<<"$(tail -n 1 <<<"$list")"
    check "$t ...which removed what get made" test -z "$(ls -A "$lc_importer_dir/out")"
    lc_clean "$t importer: nothing left behind"
    usrun --container-image=pyxis-test/importer-fail:1 true
    captured_failure "$t importer: a failing get fails the step and shows its log" "importer-test-failure: cannot get"
    lc_clean "$t importer failure: nothing left behind"
    lc_plugstack

    # -- two steps creating the same new name --
    local w
    for w in import create; do
        local name=$m-wait-$w slow=(SLOW_MARKER="$lc_marker" ENROOT_GZIP_PROGRAM="$lc_slow_gzip" SLOW_GZIP_SECONDS=3)
        [[ $w == create ]] && slow=(SLOW_MARKER="$lc_marker" BASH_ENV="$lc_slow_create" SLOW_CREATE_SECONDS=6)
        local probe="test -x /bin/sh && test -s /etc/passwd && test ! -e $lc_hostonly && echo complete"
        lc_uncache
        bg_usrun wait1 "${slow[@]}" --container-name="$name" --container-image="$lc_uri" sh -c "$probe"
        wait_until 60 test -e "$lc_marker" || fail "$t two steps on one new name: the first did not get to its slow $w" \
            "$(cat "$lc_tmp/wait1.err")"
        usrun --container-name="$name" --container-image="$lc_uri" sh -c "$probe"
        captured_ok "$t two steps on one new name, the first slow to $w: the second runs on the complete filesystem" complete
        check "$t ...after waiting for the first" grep -qF "waiting for" <<<"$err"
        bg_wait
        check "$t ...and the first succeeds too" test "$bg_rc" -eq 0 -a "$(cat "$lc_tmp/wait1.out")" = complete
        lc_remove "pyxis_$name"
        lc_clean "$t two steps on one name ($w): nothing left behind"
    done

    # -- failures leave nothing behind --
    lc_failure "a missing squashfs file" 0 "$img/no-such.sqsh" --container-image="$img/no-such.sqsh"
    lc_failure "a missing registry image" 1 "pyxis: printing enroot log file:" --container-image="$lc_missing_uri"
    lc_failure "a corrupt squashfs file" 1 "pyxis: printing enroot log file:" --container-image="$img/corrupt.sqsh"
    lc_failure "a corrupt squashfs file, -n 4" 1 "pyxis: printing enroot log file:" -n 4 --container-image="$img/corrupt.sqsh"
    lc_failure "a corrupt squashfs file for a named container" 1 "pyxis: printing enroot log file:" \
        --container-name="$m-corrupt" --container-image="$img/corrupt.sqsh"
    local hooks=$lc_home/.config/enroot/hooks.d
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$hooks"
    printf '#!/bin/sh\necho pyxis-test-hook-failed >&2\nexit 1\n' >"$hooks/99-pyxis-test-fail.sh"
    chown "$PYXIS_TEST_USER:" "$hooks/99-pyxis-test-fail.sh"
    chmod 755 "$hooks/99-pyxis-test-fail.sh"
    lc_failure "a failing enroot hook" 1 "pyxis-test-hook-failed" --container-image="$img/busybox.sqsh"
    rm -f "$hooks/99-pyxis-test-fail.sh"

    local jobname=pyxis-it-cancel-$lc_mode
    lc_uncache
    bg_usrun cancel SLOW_MARKER="$lc_marker" ENROOT_GZIP_PROGRAM="$lc_slow_gzip" SLOW_GZIP_SECONDS=30 \
        -J "$jobname" --container-image="$lc_uri" true
    if wait_until 30 lc_job_running "$jobname" && wait_until 60 test -e "$lc_marker"; then
        sleep 1
        local t0=$SECONDS
        scancel -u "$PYXIS_TEST_USER" -n "$jobname"
        bg_wait
        check "$t scancel during a slow import fails the step" test "$bg_rc" -ne 0
        check "$t ...at once, not after the import (took $((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 15
    else
        bg_wait
        fail "$t scancel during a slow import: the job did not start" "$(cat "$lc_tmp/cancel.err")"
    fi
    lc_clean "$t scancel during a slow import: nothing left behind" 15
}

lc_setup
# The fixture itself: enroot as the test user, from the path slurmstepd uses.
expect_success "fixture: the test user runs the enroot slurmstepd runs ($PYXIS_TEST_ENROOT)" "$PYXIS_TEST_ENROOT" \
    as_user sh -c 'command -v enroot'
expect_success "fixture: enroot start FILE runs an image as the test user" busybox \
    as_user enroot start "$lc_img/busybox.sqsh" cat /pyxis-image
# Whether enroot itself can give a container a network namespace of its own on this node (its
# main branch cannot on a cgroup v1 host: the new sysfs has no /sys/fs/cgroup/<controller> for the
# cgroup hook's mounts): empty when it can, else enroot's first error line.
lc_net_broken=
if [[ $lc_enroot_main == 1 ]] &&
    ! lc_net_log=$(as_user ENROOT_UNSHARE_NET=y enroot start "$lc_img/busybox.sqsh" true 2>&1); then
    lc_net_broken=$(grep -m 1 -E 'ERROR|failed' <<<"$lc_net_log" || head -n 1 <<<"$lc_net_log")
    echo "# enroot cannot unshare the network namespace on this node: $lc_net_broken"
    lc_net_broken=${lc_net_broken%%/*}   # the words before the first path: the same from pyxis
fi
lc_tmp_entries >"$lc_tmp/tmp-baseline"   # after that first start: enroot's own runtime directory
for lc_mode_arg in 0 auto; do
    lifecycle_suite "$lc_mode_arg"
done
