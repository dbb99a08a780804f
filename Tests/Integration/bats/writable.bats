# Writable containers on the default start path (use_squashfuse=auto): the image's directories
# can be renamed and removed, so package managers work; read-only ones may start straight from
# the squashfs file. -v says which path was taken and why.
load helpers

setup_file() { plugstack use_squashfuse=auto; }
teardown_file() { reset_plugstack; }
teardown() { sweep; plugstack use_squashfuse=auto; }

@test "auto: a writable container can rename and remove the image's directories" {
    usrun --container-image="$images/debian.sqsh" --container-writable sh -c \
        'mv /etc/apt /etc/apt2 && mv /etc/apt2 /etc/apt && rm -rf /etc/apt/apt.conf.d && echo ok'
    assert_success
    assert_output_is ok
    assert_nothing_left
}

@test "auto: apt-get install works in a --container-remap-root --container-writable Debian container" {
    [[ -n $(ls "$PYXIS_TEST_WORK"/debs/*.deb 2>/dev/null) ]] || skip "no .deb files in $PYXIS_TEST_WORK/debs (fixture)"
    usrun --container-image="$images/debian.sqsh" --container-remap-root --container-writable \
        --container-mounts="$PYXIS_TEST_WORK/debs:/debs:ro" sh -c \
        'apt-get install -y -q /debs/*.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }; file --version | head -n 1'
    assert_success
    [[ $output == file-* ]] || { echo "$output $stderr" >&2; false; }
    assert_nothing_left
}

@test "auto: -v says a writable container is unpacked, and why" {
    usrun -v --container-image="$images/busybox.sqsh" --container-writable true
    assert_success
    [[ $(stderr_lines "unpacking the image with enroot create (use_squashfuse=auto: the root filesystem is writable") -eq 1 ]]
}

@test "auto: -v says a read-only container starts from its squashfs file" {
    grep -qx 'use_squashfuse=auto' <<<"$(tr ' ' '\n' </etc/slurm/plugstack.conf)"
    usrun -v --container-image="$images/busybox.sqsh" true
    assert_success
    if [[ -c /dev/fuse ]] && command -v squashfuse >/dev/null; then
        [[ $(stderr_lines "starting directly from the squashfs file (use_squashfuse=auto: read-only root filesystem") -eq 1 ]]
    else
        [[ $(stderr_lines "unpacking the image with enroot create (use_squashfuse=auto:") -eq 1 ]]
    fi
}

@test "ENROOT_ROOTFS_WRITABLE=y in the job's environment counts as writable" {
    usrun ENROOT_ROOTFS_WRITABLE=y -v --container-image="$images/busybox.sqsh" sh -c 'touch /x && echo wrote'
    assert_success
    assert_output_is wrote
    [[ $(stderr_lines "the root filesystem is writable") -eq 1 ]]
}

@test "use_squashfuse=0: a writable container is unpacked too, and apt's directories can move" {
    plugstack use_squashfuse=0
    usrun --container-image="$images/debian.sqsh" --container-writable sh -c 'mv /etc/apt /etc/apt2 && echo ok'
    assert_success
    assert_output_is ok
}
