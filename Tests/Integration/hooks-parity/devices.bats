#!/usr/bin/env bats
# 10-devices: a private /dev (ENROOT_RESTRICT_DEV) and private IPC (ENROOT_UNSHARE_IPC), enroot's
# vs ours, compared by what the container sees: /dev's entries and the mounts under /dev.
load helpers

# This VM lacks /dev/log and /dev/mqueue at times, which a private /dev binds in: the starts
# see a /dev that has them (host_dev).
# shellcheck disable=SC2034  # read by start in helpers.bash
HOST_DEV=1

# What a container sees of /dev: names, types and modes, link targets; the /dev mounts.
dev_view() {
    sed -n '/^--ls--$/,/^--mounts--$/p' "$1" | awk 'NF > 2 && $1 != "total" { print $1, $NF, ($(NF - 1) == "->" ? $(NF - 2) : "") }'
    sed -n '/^--mounts--$/,$p' "$1" | awk 'NF > 6 && $5 ~ /^\/dev/ { for (i = 7; $i != "-"; i++) {} print $5, $6, $(i + 1), $(i + 2) }'
}

view_command=(sh -c 'echo --ls--; ls -la /dev /dev/pts /dev/shm /dev/mqueue 2>&1; echo --mounts--; cat /proc/self/mountinfo')

# devices_alike [VAR=VALUE...] -- [START_OPTIONS...]: a start on each side that prints its view
# of /dev; both must succeed and see the same (views in $work/SIDE.view, terminal CRs removed).
devices_alike() {
    rootfs c debian
    both 10-devices c "$@" "${view_command[@]}"
    same_outcome
    succeeded
    for side in enroot ours; do
        tr -d '\r' < "$work/$side.out" > "$work/$side.text"
        dev_view "$work/$side.text" > "$work/$side.view"
    done
    diff -u "$work/enroot.view" "$work/ours.view"
}

@test "10-devices: nothing without ENROOT_RESTRICT_DEV and ENROOT_UNSHARE_IPC" {
    devices_alike --
}

@test "10-devices: ENROOT_RESTRICT_DEV" {
    devices_alike ENROOT_RESTRICT_DEV=y --
    grep -q ' /dev/pts/ptmx ptmx$' "$work/ours.view"
}

@test "10-devices: ENROOT_UNSHARE_IPC" {
    devices_alike ENROOT_UNSHARE_IPC=y --
    grep -q '^/dev/mqueue .* mqueue ' "$work/ours.view"
}

@test "10-devices: ENROOT_RESTRICT_DEV and ENROOT_UNSHARE_IPC, remapped root" {
    devices_alike ENROOT_RESTRICT_DEV=y ENROOT_UNSHARE_IPC=y -- -r
}

@test "10-devices: a terminal on stdin is bound as /dev/console" {
    # shellcheck disable=SC2034  # read by start in helpers.bash
    WITH_TTY=1
    devices_alike ENROOT_UNSHARE_IPC=y --
    grep -q '^/dev/console .* devpts ' "$work/ours.view"
}
