#!/usr/bin/env bats
# An image whose directories are links to host paths (/etc, /etc/apt): inside the container
# such a link names a directory of the image, and so it does for our hooks; enroot's scripts
# follow it on the host, as the user. Each test first shows that enroot's script writes onto
# the host (so the image does reach it), then that ours writes into the image.
load helpers

# The host directories the links name: not under /tmp, where enroot mounts a tmpfs in the
# container before the hooks run.
setup() {
    hosts=$(mktemp -d /var/tmp/pyxis-parity-links.XXXXXX)
    chmod 755 "$hosts"
    work=$(mktemp -d "$PARITY_WORK/test.XXXXXX")
    mkdir -p "$work/data" "$work/runtime" "$work/cache" "$work/config" "$work/home"
    chmod 755 "$work"
    chown -R "$PARITY_USER:" "$work"
}
teardown() { rm -rf "$work" "$hosts"; }

# link_to_host NAME SIDE DIR: DIR of container NAME-SIDE moved to the path $hosts/SIDE has on
# the host and replaced by an absolute link to that path; the host directory gets a marker
# file `passwd` and is the user's, as a user's own directory would be.
link_to_host() {
    local dir=$3 host=$hosts/$2 rootfs=$work/data/$1-$2
    mkdir -p "$host" "$rootfs$host"
    echo marker > "$host/passwd"
    cp -a "$rootfs/$dir/." "$rootfs$host/"
    rm -rf "${rootfs:?}/$dir"
    ln -s "$host" "$rootfs/$dir"
    chown -R "$PARITY_USER:" "$host" "$rootfs"
}

# host_untouched SIDE: the host directory holds its marker file and nothing else.
host_untouched() {
    [[ $(ls -A "$hosts/$1") == passwd && $(cat "$hosts/$1/passwd") == marker ]] || {
        ls -la "$hosts/$1" >&2; false
    }
}

@test "10-shadow: /etc a link to a host directory: ours writes the image's passwd, not the host's" {
    rootfs c busybox
    link_to_host c enroot etc
    link_to_host c ours etc
    both 10-shadow c -- cat /etc/passwd
    cat "$work/enroot.err" "$work/ours.err"
    run -1 host_untouched enroot
    grep -q "^$PARITY_USER:" "$hosts/enroot/passwd"
    [[ $(cat "$work/ours.rc") == 0 ]]
    host_untouched ours
    grep -q "^$PARITY_USER:" "$work/data/c-ours$hosts/ours/passwd"
    grep -q "^$PARITY_USER:" "$work/ours.out"
}

@test "10-localtime: /etc a link to a host directory: ours links the image's localtime, not the host's" {
    [[ -L /etc/localtime ]] || skip "the host's /etc/localtime is not a link: the hook does nothing"
    rootfs c busybox
    link_to_host c enroot etc
    link_to_host c ours etc
    both 10-localtime c
    cat "$work/enroot.err" "$work/ours.err"
    run -1 host_untouched enroot
    [[ -L $hosts/enroot/localtime ]]
    [[ $(cat "$work/ours.rc") == 0 ]]
    host_untouched ours
    [[ $(readlink "$work/data/c-ours$hosts/ours/localtime") == "$(readlink /etc/localtime)" ]]
}

@test "10-aptfix: /etc/apt a link to a host directory: ours writes the image's apt.conf.d, not the host's" {
    rootfs c debian
    link_to_host c enroot etc/apt
    link_to_host c ours etc/apt
    both 10-aptfix c -- -r
    cat "$work/enroot.err" "$work/ours.err"
    run -1 host_untouched enroot
    [[ -f $hosts/enroot/apt.conf.d/enroot ]]
    [[ $(cat "$work/ours.rc") == 0 ]]
    host_untouched ours
    [[ $(cat "$work/data/c-ours$hosts/ours/apt.conf.d/enroot") == 'APT::Sandbox::User "root";' ]]
}
