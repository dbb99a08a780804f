#!/usr/bin/env bats
# 10-localtime: the host's /etc/localtime link (and zone file) in the image, enroot's vs ours.
load helpers

@test "10-localtime: host link, zone file present in the image" {
    rootfs c debian
    on_both c "rm -f etc/localtime"
    both 10-localtime c
    same_result c
    succeeded
}

@test "10-localtime: host link, zone file missing from the image is copied" {
    rootfs c busybox
    both 10-localtime c
    same_result c
    succeeded
    [[ -f $work/data/c-ours$(readlink -f /etc/localtime) ]]
}

@test "10-localtime: the image's own localtime file is replaced by the link" {
    rootfs c debian
    on_both c "rm -f etc/localtime && echo zone > etc/localtime"
    both 10-localtime c
    same_result c
    succeeded
}

@test "10-localtime: a host link to another zone" {
    rootfs c busybox
    fake_host_etc
    ln -sfn /usr/share/zoneinfo/Europe/Paris "$HOST_ETC/localtime"
    both 10-localtime c
    same_result c
    succeeded
    [[ $(readlink "$work/data/c-ours/etc/localtime") == /usr/share/zoneinfo/Europe/Paris ]]
}

@test "10-localtime: host localtime not a link: nothing" {
    rootfs c busybox
    fake_host_etc
    rm -f "$HOST_ETC/localtime"
    cp /usr/share/zoneinfo/Etc/UTC "$HOST_ETC/localtime"
    both 10-localtime c
    same_result c
    succeeded
    [[ ! -e $work/data/c-ours/etc/localtime ]]
}

@test "10-localtime: the image's /etc/localtime is a directory: the link goes inside" {
    rootfs c debian
    on_both c "rm -f etc/localtime && mkdir etc/localtime"
    both 10-localtime c
    same_result c
    succeeded
    [[ -L $work/data/c-ours/etc/localtime/localtime ]]
}
