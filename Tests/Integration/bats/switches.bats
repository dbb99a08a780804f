# The ENROOT_* switches through pyxis's options on real enroot: home, root remapping,
# privileges and the seccomp filter, writable or read-only root filesystem.
# use_squashfuse: 0 auto
load helpers

setup_file() {
    plugstack
    echo home-marker-content >"$user_home/home-marker"
    chown "$PYXIS_TEST_USER:" "$user_home/home-marker"
}
teardown() { sweep; }
teardown_file() { rm -f "$user_home/home-marker"; }

@test "--container-mount-home shows \$HOME inside" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$images/busybox.sqsh" --container-mount-home sh -c 'cat "$HOME/home-marker"'
    assert_success
    assert_output_is home-marker-content
    assert_nothing_left
}

@test "--no-container-mount-home hides it" {
    usrun --container-image="$images/busybox.sqsh" --no-container-mount-home \
        sh -c "test -e '$user_home/home-marker' && echo visible || echo hidden"
    assert_success
    assert_output_is hidden
}

@test "--container-remap-root: uid 0 inside" {
    usrun --container-image="$images/busybox.sqsh" --container-remap-root id -u
    assert_success
    assert_output_is 0
}

@test "by default the user's own uid inside" {
    usrun --container-image="$images/busybox.sqsh" id -u
    assert_success
    assert_output_is "$user_uid"
}

@test "--no-container-remap-root: the user's own uid inside" {
    usrun --container-image="$images/busybox.sqsh" --no-container-remap-root id -u
    assert_success
    assert_output_is "$user_uid"
}

@test "an unprivileged task is in the container's user namespace, under a seccomp filter" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$images/busybox.sqsh" sh -c 'readlink /proc/self/ns/user; awk "/^Seccomp:/ {print \$2}" /proc/self/status'
    assert_success
    [[ $(head -n 1 <<<"$output") != "$(readlink /proc/self/ns/user)" ]] || { echo "$output" >&2; false; }
    [[ $(tail -n 1 <<<"$output") == 2 ]] || { echo "$output" >&2; false; }
}

@test "privileged (root with ENROOT_ALLOW_SUPERUSER=y): root, the host's user namespace, no filter" {
    # shellcheck disable=SC2016  # the container's shell expands it
    run --separate-stderr env -i PATH=${SLURM_PREFIX:+$SLURM_PREFIX/bin:}/usr/local/bin:/usr/bin:/bin HOME=/root ENROOT_ALLOW_SUPERUSER=y \
        timeout -k 10 150 srun -t 2 --container-image="$images/busybox.sqsh" \
        sh -c 'id -u; readlink /proc/self/ns/user; awk "/^Seccomp:/ {print \$2}" /proc/self/status'
    assert_success
    assert_output_is "0"$'\n'"$(readlink /proc/self/ns/user)"$'\n'"0"
}

@test "--container-writable: the root filesystem takes writes" {
    usrun --container-image="$images/busybox.sqsh" --container-writable sh -c 'touch /x && echo wrote'
    assert_success
    assert_output_is wrote
    assert_nothing_left
}

@test "--container-readonly: writes fail" {
    usrun --container-image="$images/busybox.sqsh" --container-readonly sh -c 'touch /x 2>/dev/null && echo wrote || echo read-only'
    assert_success
    assert_output_is read-only
}
