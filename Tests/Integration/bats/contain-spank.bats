# SchedMD's contain_spank (Slurm 24.05+): with SlurmdParameters=contain_spank and a job namespace
# plugin (job_container/tmpfs; namespace/tmpfs from 25.11), slurmstepd runs user_init and
# task_exit in a clone(CLONE_VM) child on an 8 MiB stack, inside the job's namespace (its own
# /tmp and /dev/shm), and waits for it. The Swift core runs there: the tasks' shared page is made
# in that child, and the last task_exit's teardown (export, enroot remove) runs in one.
# On an older release the file is skipped: Slurm has no such option.
load helpers

saves=$user_home/contain-spank-saves

contain_spank_release() {
    local release
    release=$(slurmd -V | awk '{print $2}')
    printf '24.05\n%s\n' "$release" | sort -CV
}

# (bats 1.8 cannot skip from setup_file: each test skips instead.)
setup_file() {
    if contain_spank_release; then
        "$cluster" up --contain-spank "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"
        plugstack
    fi
}
teardown_file() {
    if contain_spank_release; then
        "$cluster" up "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"
        plugstack
    fi
}
setup() { contain_spank_release || skip "contain_spank needs Slurm 24.05 or later ($(slurmd -V))"; }
teardown() { sweep; rm -rf "$saves"; }

@test "the cluster runs with contain_spank and the job namespace plugin" {
    run -0 scontrol show config
    grep -E '^SlurmdParameters +=.*contain_spank' <<<"$output" || { echo "$output" >&2; false; }
    grep -E '^(JobContainerType|NamespaceType) +=.*/tmpfs' <<<"$output" || { echo "$output" >&2; false; }
}

@test "contain_spank: a -n 4 step runs its tasks in one container, and nothing is left" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun -n4 --container-image="$images/busybox.sqsh" sh -c 'echo "$SLURM_PROCID $(cat /pyxis-image)"'
    assert_success
    output=$(sort <<<"$output")
    assert_output_is $'0 busybox\n1 busybox\n2 busybox\n3 busybox'
    assert_nothing_left
}

@test "contain_spank: a named container made by one step is reused by the next" {
    usrun --container-image="$images/busybox.sqsh" --container-name=contained --container-writable \
        sh -c 'echo first >/made-by-step'
    assert_success
    usrun --container-name=contained cat /made-by-step
    assert_success
    assert_output_is "first"
}

@test "contain_spank: --container-save in the last task_exit exports all the step wrote" {
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$saves"
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun -n2 --container-image="$images/busybox.sqsh" --container-writable --container-save="$saves/saved.sqsh" \
        sh -c '[ "$SLURM_PROCID" != 0 ] || head -c 33554432 /dev/urandom >/written'
    assert_success
    usrun --container-image="$saves/saved.sqsh" sh -c 'wc -c </written'
    assert_success
    assert_output_is "33554432"
    assert_nothing_left
}

@test "contain_spank: a step that fails to start says why, exits non-zero and leaves nothing" {
    usrun --container-image="$user_home/no-such-image.sqsh" touch "$ran_on_host"
    assert_failure_with "pyxis: --container-image: squashfs file does not exist: $user_home/no-such-image.sqsh"
    assert_ran_nothing
    assert_nothing_left
}
