# shellcheck shell=bash
# What the container suites (bats/*.bats) and bench/lifecycle.sh need around the cluster:
# real enroot where slurmstepd finds it, a loopback registry standing in for Docker Hub, and the
# test images. Sourced (after lib.sh) by Tests/Integration/run.sh and bench/lifecycle.sh; needs root.
#
#   fixture_setup      check enroot (link it into slurmstepd's PATH when it is elsewhere), start
#                      the registry (registry.sh), push the images and make the squashfs files
#                      (images.sh); records what it created
#   fixture_teardown   removes what fixture_setup created (and only that)
#
# ENROOT                the enroot to test (default: the first enroot in PATH, normally /usr/bin/enroot
#                       from ../shared/enroot/install.sh). slurmstepd inherits this PATH.
# PYXIS_TEST_IMAGE_URI  registry image for the URI tests: pyxis-test/busybox:1 (/pyxis-image = registry)
# PYXIS_TEST_DEBIAN_URI pyxis-test/debian:12, a Debian 12 minbase where apt-get works
# PYXIS_TEST_ENV_URI    pyxis-test/env:1, with FOO, LANG and CUDA_VERSION in its environment
# PYXIS_TEST_MISSING_URI an image the registry does not have
# PYXIS_ENROOT_LINK     where slurmstepd finds ENROOT when it is not the first enroot in PATH
#                       (default /usr/local/bin/enroot: first in its PATH). An existing file there
#                       that is not our link is never replaced.
# PYXIS_FIXTURE_STATE   the record of what fixture_setup created (kept across runs, so that a
#                       later run recognises its own link)
# PYXIS_TEST_ENROOT     set by fixture_setup: the enroot slurmstepd and the test user run
#
# Images (images.sh), in $PYXIS_TEST_IMAGES ($PYXIS_TEST_WORK/images, readable by the test user),
# made by `enroot import` from the registry, each holding /pyxis-image with its own name (busybox,
# pytorch, entry, env; the registry's pyxis-test/busybox:1 says registry):
#   busybox.sqsh   plain busybox, no entrypoint
#   pytorch.sqsh   PYTORCH_VERSION=2.3.0 in its environment
#   entry.sqsh     entrypoint /usr/local/bin/entrypoint.sh: prints `entrypoint-ran FOO=<$FOO>`,
#                  exports ENTRYPOINT_RAN=1, then execs its arguments
#   env.sqsh       FOO=from-image, LANG=C.UTF-8 and CUDA_VERSION=11.8.0 in its environment
#   debian.sqsh    Debian 12 minbase
#   corrupt.sqsh   random bytes
# Also $PYXIS_TEST_DEBS ($PYXIS_TEST_WORK/debs): the .deb files of `file` for an offline
# `apt-get install /debs/*.deb` in the Debian image; and $PYXIS_TEST_WORK/host-only: a file that
# exists on the host and in no image.

fixture_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fixture_dir=$fixture_repo/Tests/Integration
: "${PYXIS_TEST_USER:=pyxistest}"
: "${PYXIS_TEST_WORK:=/var/lib/pyxis-it}"
: "${PYXIS_TEST_IMAGE_URI:=pyxis-test/busybox:1}"
: "${PYXIS_TEST_DEBIAN_URI:=pyxis-test/debian:12}"
: "${PYXIS_TEST_ENV_URI:=pyxis-test/env:1}"
: "${PYXIS_TEST_MISSING_URI:=pyxis-test/no-such-image:1}"
: "${PYXIS_ENROOT_LINK:=/usr/local/bin/enroot}"
: "${PYXIS_FIXTURE_STATE:=/var/lib/pyxis-test-fixture/created}"   # "link|dir|registry PATH" lines, oldest first
export PYXIS_TEST_IMAGE_URI PYXIS_TEST_DEBIAN_URI PYXIS_TEST_ENV_URI PYXIS_TEST_MISSING_URI
export PYXIS_TEST_IMAGES=$PYXIS_TEST_WORK/images PYXIS_TEST_DEBS=$PYXIS_TEST_WORK/debs
fixture_state=$PYXIS_FIXTURE_STATE

fixture_log() { echo "fixture: $*" >&2; }

# A link at PYXIS_ENROOT_LINK is ours when fixture_setup recorded it or it points at the enroot
# stand-in that earlier versions of the suites used.
fixture_link_is_ours() {
    [[ -L $PYXIS_ENROOT_LINK ]] || return 1
    grep -qxF -- "link $PYXIS_ENROOT_LINK" "$fixture_state" 2>/dev/null && return 0
    [[ $(readlink -- "$PYXIS_ENROOT_LINK") == */Tests/EnrootStandin/enroot ]]
}

# The first executable enroot in PATH, skipping our own link.
fixture_enroot_in_path() {
    local dir
    local IFS=:
    for dir in $PATH; do
        [[ $dir == /* && -x $dir/enroot && ! -d $dir/enroot ]] || continue
        [[ $dir/enroot == "$PYXIS_ENROOT_LINK" ]] && fixture_link_is_ours && continue
        echo "$dir/enroot"; return 0
    done
    return 1
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

fixture_setup() {
    local missing=() found storage
    [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 || missing+=(busybox-static)
    command -v mksquashfs >/dev/null || missing+=(squashfs-tools)
    [[ -x /usr/bin/docker-registry ]] || missing+=(docker-registry)
    command -v skopeo >/dev/null || missing+=(skopeo)
    command -v umoci >/dev/null || missing+=(umoci)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v update-ca-certificates >/dev/null || missing+=(ca-certificates)
    command -v curl >/dev/null || missing+=(curl)
    # The MPI image's programs are compiled here; Slurm's pmix plugin loads libpmix.so (libpmix-dev).
    command -v mpicc.openmpi >/dev/null && compgen -G "/usr/lib/*/pmix2/lib/libpmix.so" >/dev/null ||
        missing+=(openmpi-bin libopenmpi-dev libpmix-dev)
    command -v mpicc.mpich >/dev/null || missing+=(libmpich-dev)
    if [[ ${#missing[@]} -gt 0 ]]; then
        fixture_log "installing ${missing[*]}"
        apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
    if [[ -z ${ENROOT:-} ]]; then
        ENROOT=$(fixture_enroot_in_path) || {
            fixture_log "the container suites need enroot; install it with ../shared/enroot/install.sh (or set ENROOT=/path/to/enroot)"
            return 1
        }
    fi
    export ENROOT
    [[ -x $ENROOT ]] || { fixture_log "ENROOT=$ENROOT is not an executable"; return 1; }
    mkdir -p "$(dirname "$fixture_state")"

    # enroot where slurmstepd looks for it (its PATH is ours): a link only when ENROOT is not the
    # first enroot there (a link someone else made to it counts).
    found=$(fixture_enroot_in_path || true)
    if [[ -n $found && $found -ef $ENROOT ]]; then
        if fixture_link_is_ours; then rm -f -- "$PYXIS_ENROOT_LINK"; fi   # not needed (any more)
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
    hash -r
    PYXIS_TEST_ENROOT=$(command -v enroot || true)
    if [[ -z $PYXIS_TEST_ENROOT || ! $PYXIS_TEST_ENROOT -ef $ENROOT ]]; then
        fixture_log "slurmstepd would run ${PYXIS_TEST_ENROOT:-no enroot}, not ENROOT=$ENROOT (PATH=$PATH)"
        return 1
    fi
    export PYXIS_TEST_ENROOT
    fixture_check_machine || return 1

    # The registry, on a storage kept across runs for this version of the images.
    storage=$(bash "$fixture_dir/images.sh" storage)
    if ! PYXIS_REGISTRY_STORAGE=$storage bash "$fixture_dir/registry.sh" status; then
        fixture_record registry "$fixture_dir/registry.sh"
    fi
    PYXIS_REGISTRY_STORAGE=$storage bash "$fixture_dir/registry.sh" up || return 1

    # enroot's device hook (10-devices.sh) bind-mounts /dev/log for --container-unshare=ipc, and
    # fails without it. A node runs a syslog daemon; a test machine may not: busybox's syslogd,
    # logging nowhere, provides the socket until teardown.
    if [[ ! -e /dev/log ]]; then
        busybox syslogd -n -O /dev/null </dev/null >/dev/null 2>&1 &
        echo $! >"$(dirname "$fixture_state")/syslogd.pid"
        fixture_record syslogd "$(dirname "$fixture_state")/syslogd.pid"
        wait_until 10 test -S /dev/log || { fixture_log "busybox syslogd did not create /dev/log"; return 1; }
    fi

    # Squashfs images for the path tests.
    mkdir -p "$PYXIS_TEST_WORK"
    chmod 755 "$PYXIS_TEST_WORK"
    ENROOT=$ENROOT bash "$fixture_dir/images.sh" build || return 1
    echo "only on the host" >"$PYXIS_TEST_WORK/host-only"
    chmod 644 "$PYXIS_TEST_WORK/host-only"
}

# What the suites expect of enroot's configuration and of the node, checked before they run: a
# site's or an earlier run's leftovers would change what the tests see. Says what to remove.
fixture_check_machine() {
    local sysconf file settings link mounts
    sysconf=$(sed -n 's/^config::init "\(.*\)\/enroot.conf"$/\1/p' "$ENROOT" | head -n 1)
    sysconf=${sysconf:-/etc/enroot}
    # enroot's defaults, as its package installs them: every line of enroot.conf commented out,
    # no drop-in but the multi-node cluster's own (scripts/slurm-cluster.sh).
    for file in "$sysconf/enroot.conf" "$sysconf"/enroot.conf.d/*.conf; do
        [[ -f $file && $file != */50-pyxis-test-cluster.conf ]] || continue
        settings=$(grep -nE '^[[:space:]]*ENROOT_' "$file" || true)
        if [[ -n $settings ]]; then
            fixture_log "$file sets $(tr '\n' ' ' <<<"$settings")- the suites expect enroot's defaults:" \
                "comment those lines out (or move the file away) and run again"
            return 1
        fi
    done
    # enroot's own hooks, unless the package pass swapped ours in on purpose
    # (scripts/use-pyxis-hooks.sh, which keeps enroot's aside in /var/lib/pyxis-enroot-hooks-aside).
    if [[ -d /var/lib/pyxis-enroot-hooks-aside ]]; then
        if [[ ${PYXIS_TEST_INSTALLED:-0} != 1 ]]; then
            fixture_log "enroot's standard hooks are swapped for ours (/var/lib/pyxis-enroot-hooks-aside exists, left by" \
                "a package pass or benchmark that stopped half-way): run scripts/use-pyxis-hooks.sh off, then run again"
            return 1
        fi
    else
        for link in "$sysconf"/hooks.d/*; do
            [[ -L $link ]] || continue
            [[ $(readlink -- "$link") == */pyxis-hook-* || $(readlink -- "$link") == */pyxis-tools ]] || continue
            fixture_log "$link links to a pyxis hook ($(readlink -- "$link")), left by an earlier run or a site:" \
                "the suites enable the hooks they test themselves; remove it and run again"
            return 1
        done
    fi
    # The test user's own hook links (helpers.bash enable_pyxis_hooks) that a stopped run left.
    find "$PYXIS_TEST_WORK/home/.config/enroot/hooks.d" -maxdepth 1 -type l -lname '*/pyxis/hooks.d/*' -delete 2>/dev/null || true
    mounts=$(awk -v work="$PYXIS_TEST_WORK" 'index($5, work) == 1 {print $5}' /proc/self/mountinfo)
    if [[ -n $mounts ]]; then
        fixture_log "mounts under $PYXIS_TEST_WORK left by an earlier run: $(tr '\n' ' ' <<<"$mounts")- umount them and run again"
        return 1
    fi
}

fixture_teardown() {
    local lines=() i kind path
    rm -rf -- "$PYXIS_TEST_IMAGES" "$PYXIS_TEST_DEBS" "$PYXIS_TEST_WORK/host-only"
    [[ -f $fixture_state ]] || return 0
    mapfile -t lines <"$fixture_state"
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do   # newest first, so directories are empty
        kind=${lines[i]%% *} path=${lines[i]#* }
        case $kind in
            link) if [[ -L $path ]]; then rm -f -- "$path"; fi ;;
            registry) bash "$fixture_dir/registry.sh" down ;;
            syslogd) kill "$(cat "$path" 2>/dev/null)" 2>/dev/null || true; rm -f -- "$path" /dev/log ;;
            entry) rm -rf -- "$path" ;;   # the enroot stand-in's image store entry of earlier versions
            dir) rmdir -- "$path" 2>/dev/null || fixture_log "kept $path (not empty)" ;;
        esac
    done
    rm -f -- "$fixture_state"
}
