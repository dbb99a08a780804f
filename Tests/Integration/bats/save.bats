# --container-save on real enroot: the container exported to a squashfs file after the step.
# use_squashfuse: 0 auto
load helpers

saves=$user_home/saves
readonly_dir=$PYXIS_TEST_WORK/readonly   # root's, not writable by the test user

setup_file() {
    plugstack
    mkdir -p "$readonly_dir"
    chmod 755 "$readonly_dir"
}
setup() {
    rm -rf "$saves"
    mkdir -p "$saves"
    chown "$PYXIS_TEST_USER:" "$saves"
}
teardown() { sweep; rm -rf "$saves"; rm -f "$readonly_dir"/*; }

@test "--container-save exports the container after the step to the named file, and nothing else next to it" {
    usrun --container-image="$images/busybox.sqsh" --container-writable --container-save="$saves/saved.sqsh" \
        sh -c 'echo saved-content >/saved-marker'
    assert_success
    assert_output_is ""
    [[ $(ls -A "$saves") == saved.sqsh ]] || { ls -A "$saves" >&2; false; }
    assert_nothing_left
}

@test "a saved file runs as --container-image, with what the step wrote" {
    usrun --container-image="$images/busybox.sqsh" --container-writable --container-save="$saves/saved.sqsh" \
        sh -c 'echo saved-content >/saved-marker'
    assert_success
    usrun --container-image="$saves/saved.sqsh" cat /saved-marker /pyxis-image
    assert_success
    assert_output_is $'saved-content\nbusybox'
}

@test "--container-save with a relative path resolves it against the job's working directory" {
    usrun --container-image="$images/busybox.sqsh" --container-save=./saves/relative.sqsh true
    assert_success
    assert_output_is ""
    [[ -f $saves/relative.sqsh ]]
}

@test "--container-save into a directory the user cannot write: an error naming the file, a non-zero exit, nothing written" {
    usrun --container-image="$images/busybox.sqsh" --container-save="$readonly_dir/x.sqsh" true
    [[ $status -ne 0 ]] || { echo "exited 0: $stderr" >&2; false; }
    grep -F "error: pyxis: " <<<"$stderr" | grep -qF "$readonly_dir/x.sqsh" || { echo "$stderr" >&2; false; }
    [[ -d $readonly_dir && -z $(ls -A "$readonly_dir") ]] || { ls -la "$readonly_dir" >&2; false; }
    assert_nothing_left
}
