# --container-mounts on real enroot: paths with spaces (enroot main reads fstab escapes; 4.1.2
# cannot, and says so), and sources that do not exist.
load helpers

setup_file() {
    plugstack
    mkdir -p "$user_home/dir with space"
    echo spaced >"$user_home/dir with space/hello"
    chown -R "$PYXIS_TEST_USER:" "$user_home/dir with space"
}
teardown() { sweep; }

@test "a source and a target holding spaces are mounted (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 reads fstab escapes literally"
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$user_home/dir with space:/mnt/with space" \
        cat "/mnt/with space/hello"
    assert_success
    assert_output_is spaced
    assert_nothing_left
}

@test "on enroot 4.1.2 a path holding a space is a clear error, and nothing runs" {
    enroot_is_main && skip "this enroot reads fstab escapes"
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$user_home/dir with space:/mnt/x" true
    assert_failure_with "pyxis: --container-mounts: '$user_home/dir with space' holds a space" "needs an enroot newer than 4.1.2"
    assert_nothing_left
}

@test "a source that does not exist: pyxis's message naming it, nothing run or left" {
    rm -f "$user_home/ran-on-host"
    usrun --container-image="$images/busybox.sqsh" --container-mounts=/no/such/source:/mnt touch "$user_home/ran-on-host"
    assert_failure_with "pyxis: --container-mounts: source path does not exist: /no/such/source"
    [[ ! -e $user_home/ran-on-host ]]
    assert_nothing_left
}
