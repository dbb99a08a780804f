#!/usr/bin/env bats
# 10-aptfix: APT::Sandbox::User "root" in Debian images with a remapped root, enroot's vs ours.
load helpers

@test "10-aptfix: Debian image with --root writes apt.conf.d/enroot" {
    rootfs c debian
    both 10-aptfix c -- -r
    same_result c
    succeeded
    [[ $(cat "$work/data/c-ours/etc/apt/apt.conf.d/enroot") == 'APT::Sandbox::User "root";' ]]
}

@test "10-aptfix: Debian image without --root writes nothing" {
    rootfs c debian
    both 10-aptfix c
    same_result c
    succeeded
    [[ ! -e $work/data/c-ours/etc/apt/apt.conf.d/enroot ]]
}

@test "10-aptfix: non-Debian image with --root writes nothing" {
    rootfs c busybox
    both 10-aptfix c -- -r
    same_result c
    succeeded
    [[ ! -e $work/data/c-ours/etc/apt ]]
}

@test "10-aptfix: Debian image without apt.conf.d, existing file rewritten" {
    rootfs c debian
    rootfs d debian
    on_both c "rm -rf etc/apt"
    on_both d "echo old > etc/apt/apt.conf.d/enroot && chmod 600 etc/apt/apt.conf.d/enroot"
    both 10-aptfix c -- -r
    same_result c
    both 10-aptfix d -- -r
    same_result d
}
