# One container, one import, for all the tasks of a step; the temporary container while its
# step runs and after.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "-n 8 with a registry image: all 8 tasks run in one mount namespace, not the host's" {
    usrun -n 8 --container-image="$PYXIS_TEST_IMAGE_URI" readlink /proc/self/ns/mnt
    assert_success
    [[ $(wc -l <<<"$output") -eq 8 ]] || { echo "$output" >&2; false; }
    [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
    [[ $(sort -u <<<"$output") != "$(readlink /proc/self/ns/mnt)" ]]
    assert_nothing_left
}

@test "-n 8 with a registry image: imported once (one 'pyxis: timing: enroot-import' line with -v)" {
    usrun -v -n 8 --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    [[ $(count_lines 'pyxis: timing: enroot-import [0-9.]+ ms') -eq 1 ]] || { echo "$stderr" >&2; false; }
}

@test "-n 8 with a registry image: started once, and task_init timed once (enroot-start, total)" {
    usrun -v -n 8 --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    [[ $(count_lines 'pyxis: timing: enroot-start [0-9.]+ ms') -eq 1 ]] || { echo "$stderr" >&2; false; }
    [[ $(count_lines 'pyxis: timing: total [0-9.]+ ms') -eq 1 ]] || { echo "$stderr" >&2; false; }
}

@test "-n 8, use_squashfuse=$mode: enroot create once (0), not at all where auto starts from the squashfs file" {
    [[ $mode == 0 ]] || direct_start_possible || skip "use_squashfuse=auto cannot start from the squashfs file here"
    usrun -v -n 8 --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    if [[ $mode == 0 ]]; then
        [[ $(count_lines 'pyxis: timing: enroot-create [0-9.]+ ms') -eq 1 ]] || { echo "$stderr" >&2; false; }
    else
        [[ $(count_lines 'pyxis: timing: enroot-create') -eq 0 ]] || { echo "$stderr" >&2; false; }
    fi
}

@test "while a step runs, the job's runtime directory is <runtime_path>/<uid>, 0700, the user's" {
    hold_container hold --container-image="$images/busybox.sqsh"
    run -0 stat -c '%a %u' "$user_runtime"
    release_container
    assert_output_is "700 $user_uid"
}

@test "use_squashfuse=$mode: while its step runs, a temporary container is pyxis_<jobid>.<stepid> (0), or none at all (auto from the squashfs file)" {
    [[ $mode == 0 ]] || direct_start_possible || skip "use_squashfuse=auto cannot start from the squashfs file here"
    fresh_ctl
    bg_usrun hold --container-image="$images/busybox.sqsh" --container-mounts="$ctl:/ctl" \
        sh -c "echo \$SLURM_JOB_ID.\$SLURM_STEP_ID; $hold"
    wait_until 60 test -s "$BATS_TEST_TMPDIR/hold.out" || { bg_err hold >&2; false; }
    local id list
    id=$(head -n 1 "$BATS_TEST_TMPDIR/hold.out")
    list=$(user_containers)
    release_container
    if [[ $mode == 0 ]]; then
        [[ $list == "pyxis_$id" ]] || { echo "step $id, containers: $list" >&2; false; }
    else
        [[ -z $list ]] || { echo "containers: $list" >&2; false; }
    fi
}

@test "a step holding its container ends with status 0 when told to, and its temporary container is removed" {
    hold_container hold --container-image="$images/busybox.sqsh"
    release_container
    assert_nothing_left
}
