# The fixture the container suites stand on (fixtures.sh): the test user runs the enroot that
# slurmstepd runs, and that enroot starts the test images.
load helpers

teardown() { sweep; }

@test "the test user runs the enroot slurmstepd runs" {
    urun sh -c 'command -v enroot'
    assert_success
    assert_output_is "${PYXIS_TEST_ENROOT:-$(command -v enroot)}"
}

@test "enroot start FILE runs a test image as the test user" {
    urun enroot start "$images/busybox.sqsh" cat /pyxis-image
    assert_success
    assert_output_is busybox
}
