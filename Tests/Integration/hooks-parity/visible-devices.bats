#!/usr/bin/env bats
# 98-nvidia and 99-mellanox: ours decides natively that there is nothing to do, and otherwise
# runs enroot's script (installed beside our executables). This machine has no GPU and no
# InfiniBand device, so "something to do" ends in the script's own failure, on both sides.
load helpers

# direct SIDE HOOK [VAR=VALUE...]: the hook run alone, the image environment in $work/environ.
direct() {
    local side=$1 hook=$2; shift 2
    local path=$ENROOT_HOOKS_DIR/$hook.sh
    [[ $side == ours ]] && path=$PARITY_WORK/libexec/pyxis-hook-${hook#*-}
    : > "$work/mounts"
    local rc=0
    env -i PATH=/usr/bin:/bin ENROOT_LIBRARY_PATH=/usr/lib/enroot ENROOT_ENVIRON="$work/environ" \
        ENROOT_MOUNTS="$work/mounts" ENROOT_ROOTFS="$work/rootfs" "$@" "$path" >"$work/$side.out" 2>"$work/$side.err" || rc=$?
    echo "$rc" > "$work/$side.rc"
    [[ ! -s $work/mounts ]]
}

# compare HOOK [VAR=VALUE...]: both exit alike and print the same message (ours prefixes none
# when it hands over: the message is the script's).
compare() {
    direct enroot "$@"
    direct ours "$@"
    echo "enroot: rc=$(cat "$work/enroot.rc") $(cat "$work/enroot.err")"
    echo "ours:   rc=$(cat "$work/ours.rc") $(cat "$work/ours.err")"
    [[ $(cat "$work/enroot.rc") == "$(cat "$work/ours.rc")" ]]
    diff -u <(sed 's/^pyxis-hook-[a-z]*: /[ERROR] /' "$work/enroot.err") <(sed 's/^pyxis-hook-[a-z]*: /[ERROR] /' "$work/ours.err")
}

@test "98-nvidia, 99-mellanox: nothing to do without the variables" {
    : > "$work/environ"
    compare 98-nvidia
    compare 99-mellanox
    [[ $(cat "$work/ours.rc") == 0 ]]
}

@test "98-nvidia: void or empty in the image or the environment: nothing to do" {
    echo NVIDIA_VISIBLE_DEVICES=void > "$work/environ"
    compare 98-nvidia
    [[ $(cat "$work/ours.rc") == 0 ]]
    printf 'NVIDIA_VISIBLE_DEVICES=all\n' > "$work/environ"
    compare 98-nvidia NVIDIA_VISIBLE_DEVICES=
    [[ $(cat "$work/ours.rc") == 0 ]]
}

@test "99-mellanox: none or void: nothing to do; the last line of the image wins" {
    printf 'MELLANOX_VISIBLE_DEVICES=all\nMELLANOX_VISIBLE_DEVICES=none\n' > "$work/environ"
    compare 99-mellanox
    [[ $(cat "$work/ours.rc") == 0 ]]
    compare 99-mellanox MELLANOX_VISIBLE_DEVICES=void
    [[ $(cat "$work/ours.rc") == 0 ]]
}

@test "98-nvidia: GPUs asked for: enroot's script runs (and fails here without nvidia-container-cli)" {
    echo NVIDIA_VISIBLE_DEVICES=all > "$work/environ"
    compare 98-nvidia
    [[ $(cat "$work/ours.rc") != 0 ]]
    grep -q nvidia-container-cli "$work/ours.err"
    compare 98-nvidia NVIDIA_VISIBLE_DEVICES=none NVIDIA_DRIVER_CAPABILITIES=bogus
}

# The environ file as bash, tac and grep read it: a CRLF line stays a line of its own (and its CR
# stays in the value), a last line without a newline is glued to the one before it by tac, and a
# NUL makes grep see a binary file. Both sides must take the same decision for each.
@test "98-nvidia: the environ file read as bash reads it: CRLF, a missing last newline, a NUL" {
    local file
    for file in 'FOO=1\r\nNVIDIA_VISIBLE_DEVICES=all\n' 'NVIDIA_VISIBLE_DEVICES=void\r\n' \
        'NVIDIA_VISIBLE_DEVICES=all\nFOO=1' 'FOO=1\nNVIDIA_VISIBLE_DEVICES=void' 'NVIDIA_VISIBLE_DEVICES=all' \
        'NVIDIA_VISIBLE_DEVICES=void=\n' 'FOO=\0\nNVIDIA_VISIBLE_DEVICES=all\n' 'NVIDIA_VISIBLE_DEVICES=\351\n'; do
        # shellcheck disable=SC2059  # the file's bytes are the format
        printf "$file" > "$work/environ"
        compare 98-nvidia || { echo "differs for $file" >&2; return 1; }
        compare 98-nvidia LANG=C.UTF-8 || { echo "differs for $file in a UTF-8 locale" >&2; return 1; }
    done
}

@test "99-mellanox: a CRLF line before MELLANOX_VISIBLE_DEVICES: enroot's script runs on both sides" {
    printf 'FOO=1\r\nMELLANOX_VISIBLE_DEVICES=0\n' > "$work/environ"
    mkdir -p "$work/rootfs"
    compare 99-mellanox
    [[ $(cat "$work/ours.rc") != 0 ]]
}

@test "99-mellanox: devices asked for: enroot's script runs (and fails here on /sys/class/infiniband)" {
    : > "$work/environ"
    mkdir -p "$work/rootfs"
    compare 99-mellanox MELLANOX_VISIBLE_DEVICES=0
    [[ $(cat "$work/ours.rc") != 0 ]]
    grep -q "enroot-mount: .*infiniband" "$work/ours.err"
}

@test "98-nvidia, 99-mellanox: a missing command fails on both" {
    : > "$work/environ"
    mkdir "$work/bin" && ln -s "$(command -v bash)" "$work/bin/bash"
    compare 98-nvidia PATH="$work/bin"
    [[ $(cat "$work/ours.rc") != 0 ]]
    grep -q "Command not found: grep" "$work/ours.err"
    compare 99-mellanox PATH="$work/bin"
}

@test "98-nvidia: without enroot's script installed, ours refuses clearly" {
    mkdir -p "$work/lonely"
    cp "$PARITY_WORK/libexec/pyxis-hook-nvidia" "$work/lonely/"
    echo NVIDIA_VISIBLE_DEVICES=all > "$work/environ"
    run env -i PATH=/usr/bin:/bin ENROOT_ENVIRON="$work/environ" ENROOT_MOUNTS=/dev/null ENROOT_ROOTFS=/ "$work/lonely/pyxis-hook-nvidia"
    [[ $status == 1 ]]
    [[ $output == "pyxis-hook-nvidia: NVIDIA_VISIBLE_DEVICES=all asks for devices, which enroot's own 98-nvidia.sh handles, but it is not installed at $work/lonely/enroot-hooks/98-nvidia.sh (make install copies it from enroot's hooks.d)" ]]
}
