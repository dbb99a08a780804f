# PYXIS_* variables of the job's environment as defaults for the options, and their precedence
# under the command line (some observed through the image a step fails to import).
# use_squashfuse: 0 auto
load helpers

setup_file() {
    plugstack
    mkdir -p "$user_home/defaults-src"
    echo hello >"$user_home/defaults-src/file"
    chown -R "$PYXIS_TEST_USER:" "$user_home/defaults-src"
}
teardown() { sweep; }
teardown_file() { rm -rf "$user_home/defaults-src"; }

@test "PYXIS_CONTAINER_IMAGE, _WORKDIR, _REMAP_ROOT and _MOUNTS act as the options" {
    usrun PYXIS_CONTAINER_IMAGE="$images/busybox.sqsh" PYXIS_CONTAINER_WORKDIR=/tmp PYXIS_CONTAINER_REMAP_ROOT=1 \
        PYXIS_CONTAINER_MOUNTS="$user_home/defaults-src:/m" sh -c 'cat /pyxis-image /m/file; id -u; pwd'
    assert_success
    assert_output_is $'busybox\nhello\n0\n/tmp'
    assert_nothing_left
}

@test "--container-image wins over PYXIS_CONTAINER_IMAGE (both squashfs files)" {
    usrun PYXIS_CONTAINER_IMAGE="$images/busybox.sqsh" --container-image="$images/pytorch.sqsh" cat /pyxis-image
    assert_success
    assert_output_is pytorch
}

@test "PYXIS_CONTAINER_IMAGE is used when --container-image is not given" {
    usrun PYXIS_CONTAINER_IMAGE=from-env true
    assert_failure_with "failed to import docker image: from-env"
}

@test "--container-image wins over PYXIS_CONTAINER_IMAGE" {
    usrun PYXIS_CONTAINER_IMAGE=from-env --container-image=from-cli true
    assert_failure_with "failed to import docker image: from-cli"
}

@test "a command-line flag wins over a malformed PYXIS_ boolean" {
    usrun PYXIS_CONTAINER_MOUNT_HOME=maybe --container-image=x --no-container-mount-home true
    assert_failure_with "failed to import docker image: x"
}

@test "a command-line value wins over a malformed PYXIS_ value" {
    usrun PYXIS_CONTAINER_ENV=1BAD --container-image=x --container-env=HOME true
    assert_failure_with "failed to import docker image: x"
}

@test "--container-readonly wins over disagreeing PYXIS_CONTAINER_WRITABLE and _READONLY" {
    usrun PYXIS_CONTAINER_WRITABLE=1 PYXIS_CONTAINER_READONLY=1 --container-image=x --container-readonly true
    assert_failure_with "failed to import docker image: x"
}

@test "an empty PYXIS_CONTAINER_IMAGE counts as unset" {
    usrun PYXIS_CONTAINER_IMAGE= echo ok
    assert_success
    assert_output_is ok
}
