# --container-workdir on real enroot.
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "--container-workdir starts the tasks there" {
    usrun --container-image="$images/busybox.sqsh" --container-workdir=/etc pwd
    assert_success
    assert_output_is /etc
}

@test "a missing workdir: pyxis's message, nothing run or left" {
    rm -f "$user_home/ran-on-host"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-workdir=/no/such/dir touch "$user_home/ran-on-host"
    assert_failure_with "pyxis: couldn't chdir to /no/such/dir: No such file or directory"
    [[ ! -e $user_home/ran-on-host ]]
    assert_nothing_left
}
