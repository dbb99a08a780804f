# --container-env with real images: the host's value wins over the image's, and a name the
# host does not set leaves the image's value alone.
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "--container-env NAME with NAME unset on the host keeps the image's value" {
    usrun --container-image="$PYXIS_TEST_ENV_URI" --container-env=CUDA_VERSION sh -c 'echo "${CUDA_VERSION-unset}"'
    assert_success
    assert_output_is 11.8.0
}

@test "--container-env NAME with NAME set on the host takes the host's value" {
    usrun CUDA_VERSION=12.4 --container-image="$PYXIS_TEST_ENV_URI" --container-env=CUDA_VERSION sh -c 'echo "$CUDA_VERSION"'
    assert_success
    assert_output_is 12.4
}

@test "without --container-env the image's value wins over the host's" {
    usrun CUDA_VERSION=12.4 --container-image="$PYXIS_TEST_ENV_URI" sh -c 'echo "$CUDA_VERSION"'
    assert_success
    assert_output_is 11.8.0
}

@test "--container-env of an unset name on a squashfs file keeps the image's value too" {
    usrun --container-image="$images/env.sqsh" --container-env=FOO,CUDA_VERSION sh -c 'echo "$FOO $CUDA_VERSION"'
    assert_success
    assert_output_is "from-image 11.8.0"
}
