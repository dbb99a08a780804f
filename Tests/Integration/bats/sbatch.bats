# The options in sbatch and salloc (sbatch_support=1, the default): batch scripts in the
# container, the same checks as srun for the command line and #SBATCH lines, and
# sbatch_support=0.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
setup() {
    script=$user_home/batch-$BATS_TEST_NUMBER.sh
    script_output=$user_home/batch-$BATS_TEST_NUMBER.out
    rm -f "$script" "$script_output" "$ran_on_host"
}
teardown() { sweep; reset_plugstack; rm -f "$script" "$script_output"; }


@test "sbatch with #SBATCH --container-image runs the batch script inside the container" {
    write_script "#SBATCH --container-image=$images/busybox.sqsh" "#SBATCH --output=$script_output" "#SBATCH --time=2" \
        "cat /pyxis-image" "test -e $host_only && echo on-the-host || echo in-the-container"
    usbatch "$script"
    assert_success
    [[ $(cat "$script_output") == $'busybox\nin-the-container' ]] || { cat "$script_output" >&2; false; }
    assert_nothing_left
}

# sbatch hands its SPANK options to the job in the job's environment (SLURM_SPANK_*). Slurm
# before 23.11 leaves them out with --export=NONE, before 24.05 with --export=VAR,..., and the
# script would run on the host: sbatch refuses such a job there; later releases run it.
# release_at_least MAJOR.MINOR: the Slurm these tests run on is that release or newer.
release_at_least() {
    local running; running=$(sbatch -V | awk '{print $NF}')
    [[ $(printf '%s\n%s\n' "$1" "${running%.*}" | sort -V | head -n 1) == "$1" ]]
}

@test "sbatch --export=NONE with #SBATCH --container-image: the script runs in the container, or sbatch refuses where Slurm would drop the options" {
    write_script "#SBATCH --container-image=$images/busybox.sqsh" "#SBATCH --export=NONE" \
        "#SBATCH --output=$script_output" "cat /pyxis-image" "test -e /pyxis-image || touch $ran_on_host"
    usbatch "$script"
    if release_at_least 23.11; then
        assert_success
        [[ $(cat "$script_output") == busybox ]] || { cat "$script_output" >&2; false; }
    else
        assert_failure_with "pyxis: sbatch --export=NONE: Slurm $(sbatch -V | awk '{print $NF}' | cut -d. -f1-2) does not pass the container options"
        assert_ran_nothing
    fi
    assert_nothing_left
}

@test "sbatch --export=VAR with #SBATCH --container-image: the script runs in the container with VAR, or sbatch refuses where Slurm would drop the options" {
    # shellcheck disable=SC2016  # the batch script's shell expands it
    write_script "#SBATCH --container-image=$images/busybox.sqsh" "#SBATCH --export=PYXIS_TEST_VAR" \
        "#SBATCH --output=$script_output" 'echo "$(cat /pyxis-image) $PYXIS_TEST_VAR"' "test -e /pyxis-image || touch $ran_on_host"
    run --separate-stderr as_user PYXIS_TEST_VAR=exported timeout -k 10 180 sbatch --wait "$script"
    if release_at_least 24.05; then
        assert_success
        [[ $(cat "$script_output") == "busybox exported" ]] || { cat "$script_output" >&2; false; }
    else
        assert_failure_with "pyxis: sbatch --export=PYXIS_TEST_VAR: Slurm" "submit with --export=ALL,PYXIS_TEST_VAR instead"
        assert_ran_nothing
    fi
    assert_nothing_left
}

@test "sbatch accepts #SBATCH --container-image; the batch step fails when the image is missing, with the reason in the job's output, running nothing on the host" {
    write_script "#SBATCH --container-image=pyxis-test/missing:1" "#SBATCH --output=$script_output" "touch $ran_on_host"
    usbatch "$script"
    [[ $status -ne 0 ]] || { echo "sbatch --wait exited 0: $output" >&2; false; }
    grep -qF "pyxis: failed to import docker image: pyxis-test/missing:1" "$script_output" || { cat "$script_output" >&2; false; }
    assert_ran_nothing
}

@test "sbatch rejects an unknown namespace on the command line" {
    urun sbatch --container-image=ubuntu --container-unshare=pid --wrap true
    assert_failure_with "pyxis: --container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts"
}

@test "sbatch rejects a bad #SBATCH --container-name" {
    write_script "#SBATCH --container-image=ubuntu" "#SBATCH --container-name=a/b" true
    urun sbatch "$script"
    assert_failure_with "pyxis: --container-name: invalid name 'a/b': a container name may not contain '/' or be '.' or '..'"
}

@test "sbatch rejects conflicting flags" {
    urun sbatch --container-image=ubuntu --container-writable --container-readonly --wrap true
    assert_failure_with "pyxis: both --container-writable and --container-readonly were specified; give only one of them"
}

@test "salloc rejects an unknown namespace" {
    urun salloc --container-image=ubuntu --container-unshare=net2 true
    assert_failure_with "pyxis: --container-unshare: unknown namespace 'net2' in 'net2'; allowed: net, ipc, uts"
}

@test "sbatch_support=0: sbatch rejects --container-image" {
    plugstack sbatch_support=0
    urun sbatch --container-image=ubuntu --wrap true
    assert_failure_with "unrecognized option '--container-image=ubuntu'"
}

@test "sbatch_support=0: sbatch rejects #SBATCH --container-image" {
    plugstack sbatch_support=0
    write_script "#SBATCH --container-image=ubuntu" true
    urun sbatch "$script"
    assert_failure_with "container-image"
}

@test "sbatch_support=0: sbatch --help does not list the options" {
    plugstack sbatch_support=0
    run -0 as_user sbatch --help
    [[ $output == *--wrap* && $output != *--container-image* ]] || { echo "$output" >&2; false; }   # sbatch's help, without ours
}

@test "sbatch_support=0: srun keeps the options" {
    plugstack sbatch_support=0
    urun srun --container-image=x true
    assert_failure_with "failed to import docker image: x"
}
