# What the container suites (lifecycle.test.sh) and bench/lifecycle.sh need around the cluster.
# Sourced (after lib.sh) by Tests/Integration/run.sh and bench/lifecycle.sh; needs root.
#
#   fixture_setup      link enroot into slurmstepd's PATH, fill the stand-in's image store,
#                      build the squashfs images; records what it created
#   fixture_teardown   removes what fixture_setup created (and only that)
#
# ENROOT                the enroot to test (default: the stand-in, Tests/EnrootStandin/enroot).
#                       With real enroot, point PYXIS_TEST_IMAGE_URI at an image it can import.
# PYXIS_TEST_IMAGE_URI  registry image for the URI tests (default pyxis-test/busybox:1, which is
#                       the stand-in store entry pyxis-test+busybox:1 that fixture_setup adds)
# PYXIS_ENROOT_LINK     where slurmstepd finds enroot (default /usr/local/bin/enroot: first in
#                       its PATH). An existing file there that is not our link is never replaced.
# PYXIS_STANDIN_STORE   the stand-in's default image store (default /etc/enroot/standin-images:
#                       the plugin strips ENROOT_SYSCONF_PATH, and tests pass no store variable)
# PYXIS_FIXTURE_STATE   the record of what fixture_setup created (kept across runs, so that a
#                       later run recognises its own link)
#
# Images, in $PYXIS_TEST_IMAGES ($PYXIS_TEST_WORK/images, readable by the test user), each
# holding /pyxis-image with its own name (busybox, pytorch, entry, env; the store entry: registry):
#   busybox.sqsh   plain busybox, no entrypoint
#   pytorch.sqsh   PYTORCH_VERSION=2.3.0 in its environment
#   entry.sqsh     entrypoint /usr/local/bin/entrypoint.sh: prints `entrypoint-ran FOO=<$FOO>`,
#                  exports ENTRYPOINT_RAN=1, then execs its arguments
#   env.sqsh       FOO=from-image and LANG=C.UTF-8 in its environment
#   corrupt.sqsh   random bytes
# Also $PYXIS_TEST_WORK/host-only: a file that exists on the host and in no image.

fixture_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${PYXIS_TEST_USER:=pyxistest}"
: "${PYXIS_TEST_WORK:=/tmp/pyxis-it}"
: "${ENROOT:=$fixture_repo/Tests/EnrootStandin/enroot}"
: "${PYXIS_TEST_IMAGE_URI:=pyxis-test/busybox:1}"
: "${PYXIS_ENROOT_LINK:=/usr/local/bin/enroot}"
: "${PYXIS_STANDIN_STORE:=/etc/enroot/standin-images}"
export ENROOT PYXIS_TEST_IMAGE_URI PYXIS_TEST_IMAGES=$PYXIS_TEST_WORK/images
: "${PYXIS_FIXTURE_STATE:=/var/lib/pyxis-test-fixture/created}"   # "link|entry|dir PATH" lines, oldest first
fixture_state=$PYXIS_FIXTURE_STATE
fixture_entry=$PYXIS_STANDIN_STORE/pyxis-test+busybox:1

fixture_log() { echo "fixture: $*" >&2; }

# A link at PYXIS_ENROOT_LINK is ours when fixture_setup recorded it or it points at a stand-in.
fixture_link_is_ours() {
    [[ -L $PYXIS_ENROOT_LINK ]] || return 1
    grep -qxF -- "link $PYXIS_ENROOT_LINK" "$fixture_state" 2>/dev/null && return 0
    [[ $(readlink -- "$PYXIS_ENROOT_LINK") == */Tests/EnrootStandin/enroot ]]
}

fixture_record() { # KIND PATH
    grep -qxF -- "$1 $2" "$fixture_state" 2>/dev/null || echo "$1 $2" >>"$fixture_state"
}

# mkdir -p that records each directory it creates.
fixture_mkdir() {
    local dir=$1 missing=()
    while [[ ! -e $dir ]]; do missing=("$dir" "${missing[@]}"); dir=$(dirname "$dir"); done
    for dir in "${missing[@]}"; do mkdir -m 0755 "$dir" && fixture_record dir "$dir"; done
}

# fixture_image NAME [mkimage options...]: $PYXIS_TEST_IMAGES/NAME.sqsh with /pyxis-image = NAME.
fixture_image() {
    local name=$1 dir; shift
    dir=$(mktemp -d)/rootfs
    "$fixture_repo/Tests/EnrootStandin/mkimage" "$dir" "$@" >/dev/null
    echo "$name" >"$dir/pyxis-image"
    if [[ $name == entry ]]; then
        cat >"$dir/usr/local/bin/entrypoint.sh" <<'EOF'
#!/bin/sh
echo "entrypoint-ran FOO=${FOO-unset}"
export ENTRYPOINT_RAN=1
exec "$@"
EOF
        chmod 755 "$dir/usr/local/bin/entrypoint.sh"
    fi
    rm -f "$PYXIS_TEST_IMAGES/$name.sqsh"
    mksquashfs "$dir" "$PYXIS_TEST_IMAGES/$name.sqsh" -all-root -noappend -quiet >/dev/null
    chmod 644 "$PYXIS_TEST_IMAGES/$name.sqsh"
    rm -rf "$(dirname "$dir")"
}

fixture_setup() {
    local missing=()
    [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 || missing+=(busybox-static)
    command -v mksquashfs >/dev/null || missing+=(squashfs-tools)
    if [[ ${#missing[@]} -gt 0 ]]; then
        fixture_log "installing ${missing[*]}"
        apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
    fi
    [[ -x $ENROOT ]] || { fixture_log "ENROOT=$ENROOT is not an executable"; return 1; }
    mkdir -p "$(dirname "$fixture_state")"

    # enroot where slurmstepd looks for it. A link someone else made to the same enroot is used
    # as it is and left in place.
    if [[ -L $PYXIS_ENROOT_LINK && $(readlink -- "$PYXIS_ENROOT_LINK") == "$ENROOT" ]] &&
        ! grep -qxF -- "link $PYXIS_ENROOT_LINK" "$fixture_state" 2>/dev/null; then
        :
    else
        if [[ -e $PYXIS_ENROOT_LINK || -L $PYXIS_ENROOT_LINK ]]; then
            if ! fixture_link_is_ours; then
                fixture_log "$PYXIS_ENROOT_LINK exists and is not a link made by the test fixture; move it away" \
                    "(or set PYXIS_ENROOT_LINK) and run again"
                return 1
            fi
            rm -f -- "$PYXIS_ENROOT_LINK"
        fi
        fixture_mkdir "$(dirname "$PYXIS_ENROOT_LINK")"
        ln -s -- "$ENROOT" "$PYXIS_ENROOT_LINK"
        fixture_record link "$PYXIS_ENROOT_LINK"
    fi

    # The stand-in's store entry for PYXIS_TEST_IMAGE_URI's default.
    fixture_mkdir "$PYXIS_STANDIN_STORE"
    if [[ -e $fixture_entry ]]; then
        grep -qxF -- "entry $fixture_entry" "$fixture_state" 2>/dev/null \
            || { fixture_log "$fixture_entry exists and was not made by the test fixture"; return 1; }
        rm -rf -- "$fixture_entry"
    fi
    fixture_record entry "$fixture_entry"
    "$fixture_repo/Tests/EnrootStandin/mkimage" "$fixture_entry" >/dev/null
    echo registry >"$fixture_entry/pyxis-image"

    # Squashfs images for the path tests.
    mkdir -p "$PYXIS_TEST_IMAGES"
    chmod 755 "$PYXIS_TEST_WORK" "$PYXIS_TEST_IMAGES"
    fixture_image busybox
    fixture_image pytorch --env PYTORCH_VERSION=2.3.0
    fixture_image entry --entrypoint /usr/local/bin/entrypoint.sh
    fixture_image env --env FOO=from-image --env LANG=C.UTF-8
    head -c 65536 /dev/urandom >"$PYXIS_TEST_IMAGES/corrupt.sqsh"
    chmod 644 "$PYXIS_TEST_IMAGES/corrupt.sqsh"
    echo "only on the host" >"$PYXIS_TEST_WORK/host-only"
    chmod 644 "$PYXIS_TEST_WORK/host-only"
}

fixture_teardown() {
    local lines=() i kind path
    rm -rf -- "$PYXIS_TEST_IMAGES" "$PYXIS_TEST_WORK/host-only"
    [[ -f $fixture_state ]] || return 0
    mapfile -t lines <"$fixture_state"
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do   # newest first, so directories are empty
        kind=${lines[i]%% *} path=${lines[i]#* }
        case $kind in
            link) if [[ -L $path ]]; then rm -f -- "$path"; fi ;;
            entry) rm -rf -- "$path" ;;
            dir) rmdir -- "$path" 2>/dev/null || fixture_log "kept $path (not empty)" ;;
        esac
    done
    rm -f -- "$fixture_state"
}
