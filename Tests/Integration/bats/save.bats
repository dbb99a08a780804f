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

export_running() { compgen -G "$saves/.saved.sqsh.pyxis-*.tmp" >/dev/null; }

# The export runs after the tasks ended, where a cancel (scancel, a second Ctrl-C, the time limit)
# makes slurmstepd kill what it runs; the teardown must still remove the container and the
# half-written file.
@test "scancel during a long export: no half-written file, no container, nothing left" {
    # shellcheck disable=SC2016  # the container's shell expands it
    bg_usrun export -J pyxis-it-export --container-image="$images/busybox.sqsh" --container-writable \
        --container-save="$saves/saved.sqsh" sh -c 'head -c 400000000 /dev/urandom >/written'
    wait_until 60 export_running || { echo "no export seen: $(ls -A "$saves") $(bg_err export)" >&2; false; }
    scancel -u "$PYXIS_TEST_USER" -n pyxis-it-export
    bg_wait
    wait_until 30 no_jobs || { squeue >&2; false; }
    assert_nothing_left 30
    ! export_running || { ls -la "$saves" >&2; false; }
    # Either the export finished before the cancel (a whole file) or there is none.
    if [[ -e $saves/saved.sqsh ]]; then run -0 unsquashfs -s "$saves/saved.sqsh"; fi
}
