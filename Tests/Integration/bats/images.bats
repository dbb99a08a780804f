# --container-image on real enroot: squashfs files by absolute and relative path, registry images
# by URI in the forms users write, pyxis's import messages, and images that cannot be imported.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "a squashfs file by absolute path runs, and leaves nothing behind" {
    usrun --container-image="$images/busybox.sqsh" cat /pyxis-image
    assert_success
    assert_output_is busybox
    assert_nothing_left
}

@test "a squashfs file by a path relative to the job's working directory" {
    usrun_in "$PYXIS_TEST_WORK" --container-image=./images/busybox.sqsh cat /pyxis-image
    assert_success
    assert_output_is busybox
}

@test "a registry image by URI runs in the image, not on the host; the imported file is removed" {
    usrun --container-image="$PYXIS_TEST_IMAGE_URI" sh -c "test -s /etc/passwd && test ! -e $host_only && echo in-image"
    assert_success
    assert_output_is in-image
    [[ $(stderr_lines "pyxis: importing docker image") -eq 1 ]] || { echo "$stderr" >&2; false; }
    assert_nothing_left
}

@test "a registry image prints 'importing' then 'imported', with the image as written" {
    usrun --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    local lines
    lines=$(grep '^pyxis: ' <<<"$stderr")
    [[ $lines == "pyxis: importing docker image: $PYXIS_TEST_IMAGE_URI"$'\n'"pyxis: imported docker image: $PYXIS_TEST_IMAGE_URI" ]] || {
        echo "pyxis lines: $lines" >&2; false; }
    assert_nothing_left
}

@test "a step of several tasks prints only 'imported' (pyxis announces an import for one task only)" {
    usrun -n 2 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is $'registry\nregistry'
    [[ $(grep -F 'pyxis: ' <<<"$stderr") == "pyxis: imported docker image: $PYXIS_TEST_IMAGE_URI" ]] || {
        echo "$stderr" >&2; false; }
}

@test "docker:// is passed to enroot as it is" {
    usrun --container-image="docker://$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    [[ $(stderr_lines "pyxis: imported docker image: docker://$PYXIS_TEST_IMAGE_URI") -eq 1 ]]
}

@test "docker.io/IMAGE, index.docker.io/IMAGE and docker.io#IMAGE name Docker Hub (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 has no Docker Hub aliases"
    local form
    for form in "docker.io/$PYXIS_TEST_IMAGE_URI" "index.docker.io/$PYXIS_TEST_IMAGE_URI" "docker.io#$PYXIS_TEST_IMAGE_URI"; do
        usrun --container-image="$form" cat /pyxis-image
        assert_success
        assert_output_is registry
        [[ $(stderr_lines "pyxis: imported docker image: $form") -eq 1 ]]
    done
}

@test "an image that does not exist: pyxis's failure line, enroot's log, nothing run or left" {
    rm -f "$ran_on_host"
    usrun --container-image="$PYXIS_TEST_MISSING_URI" touch "$ran_on_host"
    assert_failure_with "pyxis: importing docker image: $PYXIS_TEST_MISSING_URI" \
        "pyxis: failed to import docker image: $PYXIS_TEST_MISSING_URI" "pyxis: printing enroot log file:"
    [[ $(stderr_lines "pyxis: imported docker image") -eq 0 ]]
    assert_ran_nothing
    assert_nothing_left
}

@test "an image that does not exist, -n 4: one failure message for the step, not one per task" {
    usrun -n 4 --container-image="$PYXIS_TEST_MISSING_URI" true
    assert_failure_with "pyxis: failed to import docker image: $PYXIS_TEST_MISSING_URI"
    [[ $(stderr_lines "pyxis: failed to import docker image") -eq 1 ]] || { echo "$stderr" >&2; false; }
    [[ $(stderr_lines "pyxis: printing enroot log file:") -eq 1 ]]
    # No pyxis line repeated by the other tasks.
    [[ -z $(grep -F 'pyxis: ' <<<"$stderr" | sort | uniq -d) ]] || { echo "$stderr" >&2; false; }
    assert_nothing_left
}
