# --container-mounts on real enroot: flags, tmpfs and umount, relative sources, paths with
# spaces (enroot main reads fstab escapes; 4.1.2 cannot, and says so), and sources that do not
# exist.
# use_squashfuse: 0 auto
load helpers

src=$user_home/mnt-src

setup_file() {
    plugstack
    mkdir -p "$user_home/dir with space"
    echo spaced >"$user_home/dir with space/hello"
    chown -R "$PYXIS_TEST_USER:" "$user_home/dir with space"
}
# A fresh mount source for each test: a file and an executable script, the user's.
setup() {
    rm -rf "$src"
    mkdir -p "$src"
    echo hello >"$src/file"
    printf '#!/bin/sh\necho executed\n' >"$src/script.sh"
    chmod 755 "$src/script.sh"
    chown -R "$PYXIS_TEST_USER:" "$src"
}
teardown() { sweep; rm -rf "$src"; }

@test "SRC:DST:ro+noexec mounts read-only and not executable; SRC:DST read-write" {
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$src:/mnt/ro:ro+noexec,$src:/mnt/rw" sh -c \
        'cat /mnt/ro/file; touch /mnt/ro/new 2>/dev/null && echo writable || echo read-only
         /mnt/ro/script.sh 2>/dev/null || echo noexec; /mnt/rw/script.sh; touch /mnt/rw/written && echo wrote'
    assert_success
    assert_output_is $'hello\nread-only\nnoexec\nexecuted\nwrote'
    assert_nothing_left
}

@test "a read-write mount writes to the host, as the user; a read-only one does not" {
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$src:/mnt/ro:ro,$src:/mnt/rw" sh -c \
        'touch /mnt/rw/written; touch /mnt/ro/new 2>/dev/null; true'
    assert_success
    [[ $(stat -c %u "$src/written") == "$user_uid" ]]
    [[ ! -e $src/new ]]
}

@test "tmpfs:DST mounts a tmpfs, umount:DST unmounts DST" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$images/busybox.sqsh" --container-mounts=tmpfs:/scratch,umount:/sys sh -c \
        'grep -q " /scratch .* - tmpfs " /proc/self/mountinfo && touch /scratch/x && echo tmpfs
         [ -z "$(ls /sys)" ] && echo sys-unmounted'
    assert_success
    assert_output_is $'tmpfs\nsys-unmounted'
}

@test "a relative source is resolved against the job's working directory" {
    usrun --container-image="$images/busybox.sqsh" --container-mounts=./mnt-src:/mnt/rel cat /mnt/rel/file
    assert_success
    assert_output_is hello
}

@test "a source and a target holding spaces are mounted (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 reads fstab escapes literally"
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$user_home/dir with space:/mnt/with space" \
        cat "/mnt/with space/hello"
    assert_success
    assert_output_is spaced
    assert_nothing_left
}

@test "on enroot 4.1.2 a path holding a space is a clear error, and nothing runs" {
    enroot_is_main && skip "this enroot reads fstab escapes"
    rm -f "$ran_on_host"
    usrun --container-image="$images/busybox.sqsh" --container-mounts="$user_home/dir with space:/mnt/with space" \
        touch "$ran_on_host"
    assert_failure_with "pyxis: --container-mounts: '$user_home/dir with space' holds a space" "needs an enroot newer than 4.1.2"
    assert_ran_nothing
    assert_nothing_left
}

@test "a source that does not exist: pyxis's message naming it, nothing run or left" {
    rm -f "$ran_on_host"
    usrun --container-image="$images/busybox.sqsh" --container-mounts=/no/such/source:/mnt touch "$ran_on_host"
    assert_failure_with "pyxis: --container-mounts: source path does not exist: /no/such/source"
    assert_ran_nothing
    assert_nothing_left
}
