# Foundation: the plugin loads everywhere, lists its options, stays out of the way of plain
# steps, and rejects bad input with one clear line before anything runs.
# Sourced by run.sh (which provides as_user, expect_*, set_plugstack, PYXIS_PLUGIN, ...).

all_options=(
    container-image container-mounts container-workdir container-name container-save
    container-mount-home no-container-mount-home container-remap-root no-container-remap-root
    container-entrypoint no-container-entrypoint container-entrypoint-log container-writable
    container-readonly container-env container-unshare
)
# A step that must not run creates this file if it does.
marker=$PYXIS_TEST_WORK/home/ran-on-host

for command in srun sbatch salloc; do
    help=$(as_user "$command" --help 2>&1 || true)
    missing=""
    for option in "${all_options[@]}"; do
        grep -qE -- "--$option( |=|$)" <<<"$help" || missing+=" --$option"
    done
    [[ -z $missing ]] && pass "$command --help lists every option" || fail "$command --help lists every option" "missing:$missing"
    check "$command --help shows the [pyxis] prefix" grep -qF "[pyxis] the image to use" <<<"$help"
done

expect_success "srun hostname works with the plugin loaded" "$(hostname -s)" as_user srun hostname
expect_success "srun -n 4 true works with the plugin loaded" "" as_user srun -n 4 true
out=$(as_user srun -n 2 sh -c 'echo $SLURM_PROCID' | sort | tr '\n' ' ')
check "srun -n 2 runs both tasks" test "$out" = "0 1 "
check "slurmd created runtime_path" test -d "$PYXIS_RUNTIME_PATH"

# The plugin Slurm loads is a small C front: a step's slurmstepd maps the Swift core only when
# a --container-* option or a PYXIS_* variable reaches it (README "Performance").
# step_core_mapped [VAR=value...] -- [SRUN_ARGS...]: "yes" or "no" for the step's slurmstepd.
step_core_mapped() {
    local env=() task="" i
    while [[ $1 != -- ]]; do env+=("$1"); shift; done
    shift
    as_user env "${env[@]}" srun "$@" sleep 2 >/dev/null 2>&1 &
    local srun_pid=$!
    for ((i = 0; i < 100; i++)); do
        task=$(pgrep -u "$PYXIS_TEST_USER" -x sleep | head -1)
        [[ -n $task ]] && break
        sleep 0.05
    done
    if [[ -z $task ]]; then echo "no task"; wait "$srun_pid"; return; fi
    grep -q spank_pyxis_core "/proc/$(awk '{print $4}' "/proc/$task/stat")/maps" && echo yes || echo no
    wait "$srun_pid"
}
check "a plain step's slurmstepd does not load the Swift core" test "$(step_core_mapped --)" = no
check "a step with a --container-* option loads it" test "$(step_core_mapped -- --container-mount-home)" = yes
check "a step with a PYXIS_* variable loads it" test "$(step_core_mapped PYXIS_CONTAINER_MOUNT_HOME=1 --)" = yes

# A compute node whose front cannot load the core (an incomplete install) must fail container
# steps with the reason, never run them on the host. srun gets a complete plugin through its own
# slurm.conf; slurmstepd reads the system plugstack, which names a front without its core.
nocore=$PYXIS_TEST_WORK/nocore
mkdir -p "$nocore"
cp "$PYXIS_PLUGIN" "$nocore/spank_pyxis.so"
sed '/^PlugStackConfig=/d' /etc/slurm/slurm.conf > "$nocore/slurm.conf"
echo "PlugStackConfig=$nocore/plugstack.conf" >> "$nocore/slurm.conf"
echo "required $PYXIS_PLUGIN runtime_path=$PYXIS_RUNTIME_PATH" > "$nocore/plugstack.conf"
chmod -R a+rX "$nocore"
set_plugstack "$nocore/spank_pyxis.so" runtime_path="$PYXIS_RUNTIME_PATH"
for how in --container-image=pyxis-test/missing:1 PYXIS_CONTAINER_IMAGE=pyxis-test/missing:1; do
    rm -f "$marker"
    if [[ $how == --* ]]; then words=(srun "$how"); else words=("$how" srun); fi
    expect_failure "no core on the node, $how: the step fails with the reason" \
        "pyxis: cannot load the Swift core: $nocore/pyxis/spank_pyxis_core.so" \
        as_user env SLURM_CONF="$nocore/slurm.conf" "${words[@]}" touch "$marker"
    check "...and did not run the command on the host" test ! -e "$marker"
done
expect_success "no core on the node: plain steps still run" "ok" as_user env SLURM_CONF="$nocore/slurm.conf" srun echo ok
reset_plugstack
rm -rf "$nocore"

# A step whose container cannot be made must fail with enroot's reason and never run the
# command on the host (the image names below exist in no registry).
rm -f "$marker"
expect_failure "a container step whose image cannot be imported fails clearly" \
    "pyxis: failed to import docker image: pyxis-test/missing:1" \
    as_user srun --container-image=pyxis-test/missing:1 touch "$marker"
check "...and did not run the command on the host" test ! -e "$marker"

# Bad input through real srun: one `pyxis: ...` line naming the value; nothing runs. Where
# pyxis 0.24 reports the same situation, the line starts with pyxis's words (users and log
# monitors grep for them) and our detail follows.
bad_srun() { # NAME MESSAGE ARGS... (VAR=value words first)
    local name=$1 message=$2; shift 2
    rm -f "$marker"
    expect_failure "srun rejects $name" "pyxis: $message" as_user "$@" srun "${srun_args[@]}" touch "$marker"
    [[ ! -e $marker ]] || fail "srun rejects $name: started nothing" "the command ran"
}
srun_args=(--container-image=)
bad_srun "an empty --container-image" "--container-image: argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)"
srun_args=(--container-mounts=)
bad_srun "an empty --container-mounts" "--container-mounts: argument required (expected SRC:DST[:FLAGS][,SRC:DST...])"
srun_args=(--container-workdir=)
bad_srun "an empty --container-workdir" "--container-workdir: argument required (expected a path)"
srun_args=(--container-name=)
bad_srun "an empty --container-name" "--container-name: argument required (expected NAME[:FLAG], e.g. mycontainer:exec)"
srun_args=(--container-save=)
bad_srun "an empty --container-save" "--container-save: argument required (expected a path)"
srun_args=(--container-env=)
bad_srun "an empty --container-env" "--container-env: argument required (expected NAME[,NAME...])"
srun_args=(--container-unshare=)
bad_srun "an empty --container-unshare" "--container-unshare: argument required (expected NAMESPACE[,NAMESPACE...] with namespaces net, ipc, uts)"
srun_args=(--container-image=ubuntu --container-unshare=pid)
bad_srun "an unknown namespace" "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts"
srun_args=(--container-image=ubuntu --container-unshare=net,,ipc)
bad_srun "an empty namespace in a list" "--container-unshare: empty namespace argument in 'net,,ipc'; allowed: net, ipc, uts, separated by single commas"
srun_args=(--container-image=ubuntu --container-name=train:start)
bad_srun "an unknown --container-name flag" "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'start' in 'train:start')"
srun_args=(--container-image=ubuntu --container-name=a/b)
bad_srun "a container name with /" "--container-name: invalid name 'a/b': a container name may not contain '/' or be '.' or '..'"
srun_args=(--container-image=ubuntu --container-name=:exec)
bad_srun "a container name that is only a flag" "--container-name: empty name in ':exec' (expected NAME[:FLAG], e.g. mycontainer:exec)"
srun_args=(--container-image=ubuntu "--container-name=$(printf 'n%.0s' {1..240})")
bad_srun "a container name too long for a file name" "--container-name: the name '$(printf 'n%.0s' {1..32})'... is 240 bytes long; at most 238 are allowed"
srun_args=(--container-image=ubuntu --container-save=out/)
bad_srun "--container-save=out/" "--container-save: target is a directory: 'out/' ends with '/'; name the squashfs file to write, e.g. out/image.sqsh"
srun_args=(--container-image=ubuntu --container-mount-home --no-container-mount-home)
bad_srun "--container-mount-home with its negation" "both --container-mount-home and --no-container-mount-home were specified; give only one of them"
srun_args=(--container-image=ubuntu --container-remap-root --no-container-remap-root)
bad_srun "--container-remap-root with its negation" "both --container-remap-root and --no-container-remap-root were specified; give only one of them"
srun_args=(--container-image=ubuntu --container-entrypoint --no-container-entrypoint)
bad_srun "--container-entrypoint with its negation" "both --container-entrypoint and --no-container-entrypoint were specified; give only one of them"
srun_args=(--container-image=ubuntu --container-writable --container-readonly)
bad_srun "--container-writable with --container-readonly" "both --container-writable and --container-readonly were specified; give only one of them"
srun_args=(--container-image=ubuntu --container-image=debian)
bad_srun "two different images" "--container-image specified multiple times with different values: 'ubuntu' and 'debian'; give it once"
srun_args=(--container-image=podman://alpine)
bad_srun "an unsupported image scheme" "--container-image: unsupported URI scheme 'podman://' in 'podman://alpine'"
srun_args=(--container-image=ubuntu --container-mounts=data:/data)
bad_srun "a mount source that is neither a path nor tmpfs/umount" "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry 'data:/data' has source 'data' (a path starts with / or .)"
srun_args=(--container-image=ubuntu --container-mounts=/tmp:data)
bad_srun "a mount target that is not a path" "mount target must be a relative path or an absolute path: --container-mounts entry '/tmp:data' has target 'data' (a path starts with / or .)"
srun_args=(--container-image=ubuntu --container-mounts=/tmp:/t:ro++nosuid)
bad_srun "an empty mount flag" "--container-mounts: invalid format: /tmp:/t:ro++nosuid (an empty or blank flag in 'ro++nosuid'; separate flags with a single '+', e.g. ro+nosuid)"
srun_args=(--container-image=ubuntu --container-mounts=/tmp:/t:ro:x)
bad_srun "a mount with too many fields" "--container-mounts: invalid format: /tmp:/t:ro:x (4 ':'-separated fields; expected SRC:DST[:FLAGS])"
srun_args=(--container-image=ubuntu --container-mounts=/tmp,,/var)
bad_srun "an empty mount entry" "--container-mounts: invalid format: an empty entry in '/tmp,,/var' (expected SRC:DST[:FLAGS] between commas)"
srun_args=(--container-image=ubuntu --container-mounts=/tmp:)
bad_srun "a mount with an empty target" "--container-mounts: invalid format: /tmp: (an empty target; expected SRC:DST[:FLAGS])"
srun_args=(--container-image=ubuntu --container-mounts=tmpfs)
bad_srun "tmpfs without a target" "mount target must be a relative path or an absolute path: --container-mounts entry 'tmpfs' has none (expected tmpfs:DST)"
srun_args=(--container-image=ubuntu --container-mounts=/no/such/dir:/x)
bad_srun "a missing absolute mount source" "--container-mounts: source path does not exist: /no/such/dir (on this node)"
srun_args=(--container-image=ubuntu --container-mounts=./no-such-dir:/x)
bad_srun "a missing relative mount source" "--container-mounts: source path does not exist: ./no-such-dir (on this node, resolved against the job's working directory: '$PYXIS_TEST_WORK/home/no-such-dir')"
srun_args=(--container-image=ubuntu --container-env=1BAD)
bad_srun "an invalid --container-env name" "--container-env: invalid format: 1BAD (invalid variable name '1BAD'; names are letters, digits and '_', not starting with a digit)"
srun_args=(--container-image=ubuntu --container-env=A,,B)
bad_srun "an empty --container-env name" "--container-env: invalid format: A,,B (an empty name; expected NAME[,NAME...])"

srun_args=()
bad_srun "PYXIS_CONTAINER_MOUNT_HOME=maybe" "PYXIS_CONTAINER_MOUNT_HOME='maybe' is not a boolean; expected 1, true, yes, y, 0, false, no or n" \
    PYXIS_CONTAINER_MOUNT_HOME=maybe
bad_srun "PYXIS_CONTAINER_ENTRYPOINT_LOG=2" "PYXIS_CONTAINER_ENTRYPOINT_LOG='2' is not a boolean; expected 1, true, yes, y, 0, false, no or n" \
    PYXIS_CONTAINER_ENTRYPOINT_LOG=2
# pyxis hands a PYXIS_* value to the option's callback, so the line names the option; ours then
# names the variable.
bad_srun "PYXIS_CONTAINER_UNSHARE=pid" "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts (set by PYXIS_CONTAINER_UNSHARE)" \
    PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_UNSHARE=pid
bad_srun "PYXIS_CONTAINER_NAME=x:go" "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'go' in 'x:go') (set by PYXIS_CONTAINER_NAME)" \
    PYXIS_CONTAINER_NAME=x:go
bad_srun "PYXIS_CONTAINER_SAVE=out/" "--container-save: target is a directory: 'out/' ends with '/'; name the squashfs file to write, e.g. out/image.sqsh (set by PYXIS_CONTAINER_SAVE)" \
    PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_SAVE=out/
bad_srun "disagreeing PYXIS_CONTAINER_WRITABLE and _READONLY" "PYXIS_CONTAINER_WRITABLE and PYXIS_CONTAINER_READONLY disagree; set only one of them" \
    PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_WRITABLE=1 PYXIS_CONTAINER_READONLY=yes

# The same checks guard sbatch (command line and #SBATCH lines).
expect_failure "sbatch rejects an unknown namespace" "pyxis: --container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts" \
    as_user sbatch --container-image=ubuntu --container-unshare=pid --wrap true
script=$PYXIS_TEST_WORK/home/bad.sbatch
printf '#!/bin/sh\n#SBATCH --container-image=ubuntu\n#SBATCH --container-name=a/b\ntrue\n' > "$script"
chmod 644 "$script"
expect_failure "sbatch rejects a bad #SBATCH --container-name" \
    "pyxis: --container-name: invalid name 'a/b': a container name may not contain '/' or be '.' or '..'" as_user sbatch "$script"
expect_failure "sbatch rejects conflicting #SBATCH flags" \
    "pyxis: both --container-writable and --container-readonly were specified; give only one of them" \
    as_user sbatch --container-image=ubuntu --container-writable --container-readonly --wrap true

expect_failure "salloc rejects an unknown namespace" "pyxis: --container-unshare: unknown namespace 'net2' in 'net2'; allowed: net, ipc, uts" \
    as_user salloc --container-image=ubuntu --container-unshare=net2 true

# A valid #SBATCH --container-image is accepted, and the batch step refuses to run on the host.
printf '#!/bin/sh\n#SBATCH --container-image=pyxis-test/missing:1\n#SBATCH --output=%s/batch.out\ntouch %s\n' \
    "$PYXIS_TEST_WORK/home" "$marker" > "$script"
rm -f "$marker" "$PYXIS_TEST_WORK/home/batch.out"
expect_failure "sbatch accepts #SBATCH --container-image; the batch step fails when its image is missing" \
    "" as_user sbatch --wait "$script"
check "...with the reason in the job's output" \
    grep -qF "pyxis: failed to import docker image: pyxis-test/missing:1" \
    "$PYXIS_TEST_WORK/home/batch.out"
check "...and without running the script on the host" test ! -e "$marker"

# PYXIS_* defaults and their precedence under the command line (observed through the image
# the step fails to import).
expect_failure "PYXIS_CONTAINER_IMAGE is used when --container-image is not given" \
    "failed to import docker image: from-env" \
    as_user PYXIS_CONTAINER_IMAGE=from-env srun true
expect_failure "--container-image wins over PYXIS_CONTAINER_IMAGE" \
    "failed to import docker image: from-cli" \
    as_user PYXIS_CONTAINER_IMAGE=from-env srun --container-image=from-cli true
expect_failure "a command-line flag wins over a malformed PYXIS_ boolean" \
    "failed to import docker image: x" as_user PYXIS_CONTAINER_MOUNT_HOME=maybe srun --container-image=x --no-container-mount-home true
expect_failure "a command-line value wins over a malformed PYXIS_ value" \
    "failed to import docker image: x" as_user PYXIS_CONTAINER_ENV=1BAD srun --container-image=x --container-env=HOME true
expect_failure "--container-readonly wins over disagreeing PYXIS_ variables" \
    "failed to import docker image: x" as_user PYXIS_CONTAINER_WRITABLE=1 PYXIS_CONTAINER_READONLY=1 srun --container-image=x --container-readonly true
expect_success "an empty PYXIS_CONTAINER_IMAGE counts as unset" "ok" as_user PYXIS_CONTAINER_IMAGE= srun echo ok

# Options without an image or a name are ignored, with a warning per option (pyxis's lines; a
# --x/--no-x pair is named --[no-]x).
out=$(as_user srun --container-mounts=/tmp --container-remap-root echo ran 2>&1)
check "options without an image run the step on the host" grep -qx "ran" <<<"$out"
check "...warning about --container-mounts" grep -qF "pyxis: ignoring --container-mounts because neither --container-image nor --container-name is set" <<<"$out"
check "...and about --[no-]container-remap-root" grep -qF "pyxis: ignoring --[no-]container-remap-root because neither --container-image nor --container-name is set" <<<"$out"

# sbatch_support=0: the options are unknown to sbatch and salloc, but still work in srun.
set_plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH" sbatch_support=0
expect_failure "sbatch_support=0 makes sbatch reject --container-image" "unrecognized option '--container-image=ubuntu'" \
    as_user sbatch --container-image=ubuntu --wrap true
printf '#!/bin/sh\n#SBATCH --container-image=ubuntu\ntrue\n' > "$script"
expect_failure "sbatch_support=0 makes sbatch reject #SBATCH --container-image" "container-image" as_user sbatch "$script"
help=$(as_user sbatch --help 2>&1 || true)
check "sbatch_support=0 hides the options from sbatch --help" bash -c '! grep -qF -- "--container-image" <<<"$1"' _ "$help"
expect_failure "sbatch_support=0 keeps the options in srun" "failed to import docker image: x" as_user srun --container-image=x true
reset_plugstack

# Bad plugstack arguments stop the plugin (and so srun) from loading.
bad_plugstack() { # NAME MESSAGE ARGS...
    local name=$1 message=$2; shift 2
    set_plugstack "$PYXIS_PLUGIN" "$@"
    expect_failure "plugstack: $name" "pyxis: $message" as_user srun true
}
bad_plugstack "an unknown key" "unknown configuration option: colour=blue (known keys: runtime_path, execute_entrypoint, container_scope, sbatch_support, use_enroot_load, importer, use_squashfuse)" colour=blue
bad_plugstack "an unknown key, pyxis's second line" "failed to parse configuration" colour=blue
bad_plugstack "an argument without =" "unknown configuration option: runtime_path (plugstack arguments are key=value; known keys:" runtime_path
bad_plugstack "a relative runtime_path" "plugstack argument runtime_path='run/pyxis': expected an absolute path" runtime_path=run/pyxis
bad_plugstack "a bad container_scope" "container_scope: invalid value: node (expected job or global)" container_scope=node
bad_plugstack "a bad execute_entrypoint" "execute_entrypoint: invalid value: sometimes (expected 1, true, yes, y, 0, false, no or n)" execute_entrypoint=sometimes
bad_plugstack "a bad use_squashfuse" "use_squashfuse: invalid value: maybe (expected auto, 1, true, yes, y, 0, false, no or n)" use_squashfuse=maybe
bad_plugstack "a relative importer" "plugstack argument importer='importer.sh': expected an absolute path" importer=importer.sh
reset_plugstack
expect_success "a valid plugstack line with every key loads" "ok" bash -c "
    '$repo/scripts/slurm-cluster.sh' plugstack '$PYXIS_PLUGIN' runtime_path='$PYXIS_RUNTIME_PATH' execute_entrypoint=0 \
        container_scope=job sbatch_support=1 use_enroot_load=0 importer=/bin/true use_squashfuse=auto &&
    cd /tmp && runuser -u '$PYXIS_TEST_USER' -- srun echo ok"
