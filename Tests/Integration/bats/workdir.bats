# --container-workdir on real enroot.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "--container-workdir starts the tasks there" {
    usrun --container-image="$images/busybox.sqsh" --container-workdir=/tmp pwd
    assert_success
    assert_output_is /tmp
    assert_nothing_left
}

@test "without --container-workdir the tasks start in the container's working directory" {
    usrun --container-image="$images/busybox.sqsh" pwd
    assert_success
    assert_output_is /
}

@test "a missing workdir: pyxis's message, nothing run or left" {
    rm -f "$ran_on_host"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-workdir=/no/such/dir touch "$ran_on_host"
    assert_failure_with "pyxis: couldn't chdir to /no/such/dir: No such file or directory"
    assert_ran_nothing
    assert_nothing_left
}
