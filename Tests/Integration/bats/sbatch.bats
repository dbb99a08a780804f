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

# sbatch hands its SPANK options to the job in the job's environment (SLURM_SPANK_*); --export
# decides what of the environment the job gets, and Slurm keeps those variables whatever it says.
@test "sbatch --export=NONE: #SBATCH --container-image still runs the batch script in the container" {
    write_script "#SBATCH --container-image=$images/busybox.sqsh" "#SBATCH --export=NONE" \
        "#SBATCH --output=$script_output" "cat /pyxis-image"
    usbatch "$script"
    assert_success
    [[ $(cat "$script_output") == busybox ]] || { cat "$script_output" >&2; false; }
    assert_nothing_left
}

@test "sbatch --export=VAR: #SBATCH --container-image still runs the batch script in the container, with VAR" {
    # shellcheck disable=SC2016  # the batch script's shell expands it
    write_script "#SBATCH --container-image=$images/busybox.sqsh" "#SBATCH --export=PYXIS_TEST_VAR" \
        "#SBATCH --output=$script_output" 'echo "$(cat /pyxis-image) $PYXIS_TEST_VAR"'
    run --separate-stderr as_user PYXIS_TEST_VAR=exported timeout -k 10 180 sbatch --wait "$script"
    assert_success
    [[ $(cat "$script_output") == "busybox exported" ]] || { cat "$script_output" >&2; false; }
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
