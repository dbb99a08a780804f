# The options through real srun, sbatch and salloc: listed in --help, and bad values (on the
# command line or in PYXIS_* variables) rejected with one `pyxis: ...` line naming the value,
# before anything runs. Where pyxis 0.24 reports the same situation, the line starts with
# pyxis's words (users and log monitors grep for them) and our detail follows. Options without
# an image or a name are ignored, with a warning per option.
load helpers

setup_file() { plugstack; }
setup() { rm -f "$ran_on_host"; }
teardown() { sweep; }

all_options=(
    container-image container-mounts container-workdir container-name container-save
    container-mount-home no-container-mount-home container-remap-root no-container-remap-root
    container-entrypoint no-container-entrypoint container-entrypoint-log container-writable
    container-readonly container-env container-unshare
)

# lists_every_option COMMAND: COMMAND --help lists each option.
lists_every_option() {
    local option missing=""
    run -0 as_user "$1" --help
    for option in "${all_options[@]}"; do
        grep -qE -- "--$option( |=|$)" <<<"$output" || missing+=" --$option"
    done
    [[ -z $missing ]] || { echo "missing:$missing" >&2; false; }
}

@test "srun --help lists every option" { lists_every_option srun; }
@test "sbatch --help lists every option" { lists_every_option sbatch; }
@test "salloc --help lists every option" { lists_every_option salloc; }

@test "srun --help shows the [pyxis] prefix" {
    run -0 as_user srun --help
    grep -qF "[pyxis] the image to use" <<<"$output"
}
@test "sbatch --help shows the [pyxis] prefix" {
    run -0 as_user sbatch --help
    grep -qF "[pyxis] the image to use" <<<"$output"
}
@test "salloc --help shows the [pyxis] prefix" {
    run -0 as_user salloc --help
    grep -qF "[pyxis] the image to use" <<<"$output"
}

# srun_rejects MESSAGE [VAR=value...] SRUN_ARGS...: srun fails with `pyxis: MESSAGE` and runs
# nothing.
srun_rejects() {
    local message=$1; shift
    usrun "$@" touch "$ran_on_host"
    assert_failure_with "pyxis: $message"
    assert_ran_nothing
}

@test "srun rejects an empty --container-image" {
    srun_rejects "--container-image: argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)" \
        --container-image=
}
@test "srun rejects an empty --container-mounts" {
    srun_rejects "--container-mounts: argument required (expected SRC:DST[:FLAGS][,SRC:DST...])" --container-mounts=
}
@test "srun rejects an empty --container-workdir" {
    srun_rejects "--container-workdir: argument required (expected a path)" --container-workdir=
}
@test "srun rejects an empty --container-name" {
    srun_rejects "--container-name: argument required (expected NAME[:FLAG], e.g. mycontainer:exec)" --container-name=
}
@test "srun rejects an empty --container-save" {
    srun_rejects "--container-save: argument required (expected a path)" --container-save=
}
@test "srun rejects an empty --container-env" {
    srun_rejects "--container-env: argument required (expected NAME[,NAME...])" --container-env=
}
@test "srun rejects an empty --container-unshare" {
    srun_rejects "--container-unshare: argument required (expected NAMESPACE[,NAMESPACE...] with namespaces net, ipc, uts)" \
        --container-unshare=
}
@test "srun rejects an unknown namespace" {
    srun_rejects "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts" \
        --container-image=ubuntu --container-unshare=pid
}
@test "srun rejects an empty namespace in a list" {
    srun_rejects "--container-unshare: empty namespace argument in 'net,,ipc'; allowed: net, ipc, uts, separated by single commas" \
        --container-image=ubuntu --container-unshare=net,,ipc
}
@test "srun rejects an unknown --container-name flag" {
    srun_rejects "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'start' in 'train:start')" \
        --container-image=ubuntu --container-name=train:start
}
@test "srun rejects a container name with /" {
    srun_rejects "--container-name: invalid name 'a/b': a container name may not contain '/' or be '.' or '..'" \
        --container-image=ubuntu --container-name=a/b
}
@test "srun rejects a container name that is only a flag" {
    srun_rejects "--container-name: empty name in ':exec' (expected NAME[:FLAG], e.g. mycontainer:exec)" \
        --container-image=ubuntu --container-name=:exec
}
@test "srun rejects a container name too long for a file name" {
    srun_rejects "--container-name: the name '$(printf 'n%.0s' {1..32})'... is 240 bytes long; at most 238 are allowed" \
        --container-image=ubuntu "--container-name=$(printf 'n%.0s' {1..240})"
}
@test "srun rejects --container-save=out/" {
    srun_rejects "--container-save: target is a directory: 'out/' ends with '/'; name the squashfs file to write, e.g. out/image.sqsh" \
        --container-image=ubuntu --container-save=out/
}
@test "srun rejects --container-mount-home with its negation" {
    srun_rejects "both --container-mount-home and --no-container-mount-home were specified; give only one of them" \
        --container-image=ubuntu --container-mount-home --no-container-mount-home
}
@test "srun rejects --container-remap-root with its negation" {
    srun_rejects "both --container-remap-root and --no-container-remap-root were specified; give only one of them" \
        --container-image=ubuntu --container-remap-root --no-container-remap-root
}
@test "srun rejects --container-entrypoint with its negation" {
    srun_rejects "both --container-entrypoint and --no-container-entrypoint were specified; give only one of them" \
        --container-image=ubuntu --container-entrypoint --no-container-entrypoint
}
@test "srun rejects --container-writable with --container-readonly" {
    srun_rejects "both --container-writable and --container-readonly were specified; give only one of them" \
        --container-image=ubuntu --container-writable --container-readonly
}
@test "srun rejects two different images" {
    srun_rejects "--container-image specified multiple times with different values: 'ubuntu' and 'debian'; give it once" \
        --container-image=ubuntu --container-image=debian
}
@test "srun rejects an unsupported image scheme" {
    srun_rejects "--container-image: unsupported URI scheme 'podman://' in 'podman://alpine'" --container-image=podman://alpine
}
@test "srun rejects a mount source that is neither a path nor tmpfs/umount" {
    srun_rejects "mount source must be a relative path, an absolute path, \"tmpfs\" or \"umount\": --container-mounts entry 'data:/data' has source 'data' (a path starts with / or .)" \
        --container-image=ubuntu --container-mounts=data:/data
}
@test "srun rejects a mount target that is not a path" {
    srun_rejects "mount target must be a relative path or an absolute path: --container-mounts entry '/tmp:data' has target 'data' (a path starts with / or .)" \
        --container-image=ubuntu --container-mounts=/tmp:data
}
@test "srun rejects an empty mount flag" {
    srun_rejects "--container-mounts: invalid format: /tmp:/t:ro++nosuid (an empty or blank flag in 'ro++nosuid'; separate flags with a single '+', e.g. ro+nosuid)" \
        --container-image=ubuntu --container-mounts=/tmp:/t:ro++nosuid
}
@test "srun rejects a mount with too many fields" {
    srun_rejects "--container-mounts: invalid format: /tmp:/t:ro:x (4 ':'-separated fields; expected SRC:DST[:FLAGS])" \
        --container-image=ubuntu --container-mounts=/tmp:/t:ro:x
}
@test "srun rejects an empty mount entry" {
    srun_rejects "--container-mounts: invalid format: an empty entry in '/tmp,,/var' (expected SRC:DST[:FLAGS] between commas)" \
        --container-image=ubuntu --container-mounts=/tmp,,/var
}
@test "srun rejects a mount with an empty target" {
    srun_rejects "--container-mounts: invalid format: /tmp: (an empty target; expected SRC:DST[:FLAGS])" \
        --container-image=ubuntu --container-mounts=/tmp:
}
@test "srun rejects tmpfs without a target" {
    srun_rejects "mount target must be a relative path or an absolute path: --container-mounts entry 'tmpfs' has none (expected tmpfs:DST)" \
        --container-image=ubuntu --container-mounts=tmpfs
}
@test "srun rejects a missing absolute mount source" {
    srun_rejects "--container-mounts: source path does not exist: /no/such/dir (on this node)" \
        --container-image=ubuntu --container-mounts=/no/such/dir:/x
}
@test "srun rejects a missing relative mount source" {
    srun_rejects "--container-mounts: source path does not exist: ./no-such-dir (on this node, resolved against the job's working directory: '$user_home/no-such-dir')" \
        --container-image=ubuntu --container-mounts=./no-such-dir:/x
}
@test "srun rejects an invalid --container-env name" {
    srun_rejects "--container-env: invalid format: 1BAD (invalid variable name '1BAD'; names are letters, digits and '_', not starting with a digit)" \
        --container-image=ubuntu --container-env=1BAD
}
@test "srun rejects an empty --container-env name" {
    srun_rejects "--container-env: invalid format: A,,B (an empty name; expected NAME[,NAME...])" \
        --container-image=ubuntu --container-env=A,,B
}

@test "srun rejects PYXIS_CONTAINER_MOUNT_HOME=maybe" {
    srun_rejects "PYXIS_CONTAINER_MOUNT_HOME='maybe' is not a boolean; expected 1, true, yes, y, 0, false, no or n" \
        PYXIS_CONTAINER_MOUNT_HOME=maybe
}
@test "srun rejects PYXIS_CONTAINER_ENTRYPOINT_LOG=2" {
    srun_rejects "PYXIS_CONTAINER_ENTRYPOINT_LOG='2' is not a boolean; expected 1, true, yes, y, 0, false, no or n" \
        PYXIS_CONTAINER_ENTRYPOINT_LOG=2
}
# pyxis hands a PYXIS_* value to the option's callback, so the line names the option; ours then
# names the variable.
@test "srun rejects PYXIS_CONTAINER_UNSHARE=pid, naming the option and the variable" {
    srun_rejects "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts (set by PYXIS_CONTAINER_UNSHARE)" \
        PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_UNSHARE=pid
}
@test "srun rejects PYXIS_CONTAINER_NAME=x:go, naming the option and the variable" {
    srun_rejects "--container-name: flag must be \"auto\", \"create\", \"exec\" or \"no_exec\" (got 'go' in 'x:go') (set by PYXIS_CONTAINER_NAME)" \
        PYXIS_CONTAINER_NAME=x:go
}
@test "srun rejects PYXIS_CONTAINER_SAVE=out/, naming the option and the variable" {
    srun_rejects "--container-save: target is a directory: 'out/' ends with '/'; name the squashfs file to write, e.g. out/image.sqsh (set by PYXIS_CONTAINER_SAVE)" \
        PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_SAVE=out/
}
@test "srun rejects disagreeing PYXIS_CONTAINER_WRITABLE and _READONLY" {
    srun_rejects "PYXIS_CONTAINER_WRITABLE and PYXIS_CONTAINER_READONLY disagree; set only one of them" \
        PYXIS_CONTAINER_IMAGE=ubuntu PYXIS_CONTAINER_WRITABLE=1 PYXIS_CONTAINER_READONLY=yes
}

@test "options without an image or a name run the step on the host" {
    urun srun --container-mounts=/tmp --container-remap-root echo ran
    assert_success
    assert_output_is ran
}
@test "options without an image or a name: a warning about --container-mounts" {
    urun srun --container-mounts=/tmp --container-remap-root echo ran
    assert_success
    assert_stderr_has "pyxis: ignoring --container-mounts because neither --container-image nor --container-name is set"
}
@test "options without an image or a name: a warning about --[no-]container-remap-root" {
    urun srun --container-mounts=/tmp --container-remap-root echo ran
    assert_success
    assert_stderr_has "pyxis: ignoring --[no-]container-remap-root because neither --container-image nor --container-name is set"
}

@test "Slurm's own --container with --container-image: one pyxis: line naming both, nothing runs" {
    local bundle=$user_home/oci-bundle
    usrun --container="$bundle" --container-image="$images/busybox.sqsh" touch "$ran_on_host"
    assert_failure_with "pyxis: --container-image cannot be combined with Slurm's own --container (SLURM_CONTAINER='$bundle')"
    assert_ran_nothing
    assert_nothing_left
}

@test "SLURM_CONTAINER inherited from the job's environment with --container-name: the same" {
    usrun SLURM_CONTAINER=/oci/bundle --container-name=oci-conflict touch "$ran_on_host"
    assert_failure_with "pyxis: --container-name cannot be combined with Slurm's own --container (SLURM_CONTAINER='/oci/bundle')"
    assert_ran_nothing
    assert_nothing_left
}
