# --container-name on real enroot: named containers kept across steps (container_scope=global),
# every flag (auto, create, exec, no_exec), and steps attaching to a running named container.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

# make_named NAME: a named container of busybox.sqsh in which a first step wrote /persist.
make_named() {
    usrun --container-name="$1" --container-image="$images/busybox.sqsh" --container-writable \
        sh -c 'echo from-step-one >/persist; cat /pyxis-image'
    assert_success
    assert_output_is busybox
}

@test "--container-name creates a named container, kept as pyxis_NAME; enroot remove leaves nothing" {
    make_named named
    has_container pyxis_named || { echo "containers: $(user_containers)" >&2; false; }
    remove_containers pyxis_named
    assert_nothing_left
}

@test "the next step reuses a named container by name alone, with what the first wrote" {
    make_named named
    usrun --container-name=named cat /persist
    assert_success
    assert_output_is from-step-one
}

@test "an existing name skips the import of --container-image" {
    make_named named
    usrun --container-name=named --container-image="$images/pytorch.sqsh" cat /persist /pyxis-image
    assert_success
    assert_output_is $'from-step-one\nbusybox'
}

@test "NAME:no_exec starts the existing container" {
    make_named named
    usrun --container-name=named:no_exec cat /persist
    assert_success
    assert_output_is from-step-one
}

@test "NAME:create fails for an existing name" {
    make_named named
    usrun --container-name=named:create --container-image="$images/busybox.sqsh" true
    assert_failure_with "already exists"
}

@test "NAME:exec fails when the container is not running" {
    make_named named
    usrun --container-name=named:exec true
    assert_failure_with "is not running"
}

@test "a name without an image fails for an unknown name, and creates nothing" {
    usrun --container-name=never true
    assert_failure_with "does not exist"
    [[ -z $(user_containers) ]] || { echo "containers: $(user_containers)" >&2; false; }
}

@test "NAME:create makes a new container" {
    usrun --container-name=new:create --container-image="$images/busybox.sqsh" cat /pyxis-image
    assert_success
    assert_output_is busybox
    has_container pyxis_new
}

@test "NAME:exec attaches to the running container, in its mount namespace with its mounts; --container-mounts is ignored with a warning" {
    hold_container first --container-name=attach --container-image="$images/busybox.sqsh"
    usrun --container-name=attach:exec --container-mounts=/tmp:/x sh -c \
        'readlink /proc/self/ns/mnt; test -e /ctl/present && echo sees-ctl; test -e /x && echo has-x || echo no-x'
    release_container
    assert_success
    assert_output_is "$held_ns"$'\nsees-ctl\nno-x'
    assert_stderr_has "ignoring --container-mounts"
}

@test "NAME (auto) attaches to the running container" {
    hold_container first --container-name=attach --container-image="$images/busybox.sqsh"
    usrun --container-name=attach readlink /proc/self/ns/mnt
    release_container
    assert_success
    assert_output_is "$held_ns"
}

@test "NAME:no_exec starts a new process on the running container's filesystem, in a mount namespace of its own without the first step's mounts" {
    hold_container first --container-name=attach --container-image="$images/busybox.sqsh"
    usrun --container-name=attach:no_exec sh -c 'readlink /proc/self/ns/mnt; test -e /ctl/present && echo sees-ctl || echo own-mounts'
    release_container
    assert_success
    [[ $(head -n 1 <<<"$output") != "$held_ns" ]] || { echo "$output" >&2; false; }
    [[ $(tail -n 1 <<<"$output") == own-mounts ]] || { echo "$output" >&2; false; }
}

@test "NAME:create fails while the container runs" {
    hold_container first --container-name=attach --container-image="$images/busybox.sqsh"
    usrun --container-name=attach:create --container-image="$images/busybox.sqsh" true
    release_container
    assert_failure_with "already exists"
}

@test "NAME:exec fails once the step holding the container ended; enroot remove then leaves nothing" {
    hold_container first --container-name=attach --container-image="$images/busybox.sqsh"
    release_container
    usrun --container-name=attach:exec true
    assert_failure_with "is not running"
    remove_containers pyxis_attach
    assert_nothing_left
}
