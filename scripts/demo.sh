#!/usr/bin/env bash
# swift-pyxis in one command, on a Debian 12 machine, as root (`make demo`): installs what is
# needed, builds and installs the plugin, starts a one-node Slurm cluster and runs container
# steps as an unprivileged user, saying what it does. `make demo-down` undoes what it started.
#
#   scripts/demo.sh up      everything above (idempotent: run it again to see it again)
#   scripts/demo.sh down    stop the cluster, remove the demo user and its files (the packages
#                           and `make install`'s files stay: `make uninstall` removes the latter)
#
# Needs a Swift toolchain (swift in PATH, or /opt/swift/usr/bin) and internet access to Debian's
# mirrors. enroot: the one installed, else ../shared/enroot/install.sh beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

user=pyxis-demo
state=/var/lib/pyxis-demo
image=$state/demo.sqsh
prefix=/usr/local
plugin=$prefix/lib/slurm/spank_pyxis.so
export PATH=$PATH:/opt/swift/usr/bin:/usr/sbin:/sbin

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

# as_demo COMMAND...: as the demo user, from its home, with a login shell's clean environment.
as_demo() {
    (cd "$state/home" && runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$state/home" \
        USER="$user" LOGNAME="$user" "$@")
}
# show COMMAND...: print the user's command as they would type it, then run it as the demo
# user once the previous step's job has left the node.
show() {
    local word line=""
    for word in "$@"; do
        [[ $word =~ [^[:alnum:]_./:=,-] ]] && word="'$word'"
        line+="${line:+ }$word"
    done
    printf '\n%s$ %s\n' "$user" "$line"
    for _ in $(seq 50); do [[ -z $(squeue -h -u "$user" 2>/dev/null) ]] && break; sleep 0.2; done
    as_demo "$@"
}

install_packages() {
    say "Installing Slurm, munge and the build and run dependencies (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get -o DPkg::Lock::Timeout=600)
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq --no-install-recommends \
        make gcc g++ libc6-dev procps slurm-wlm slurmd slurmctld slurm-client libslurm-dev munge \
        libseccomp-dev squashfs-tools patchelf busybox-static squashfuse fuse-overlayfs curl \
        ca-certificates iproute2 util-linux >/dev/null
}

install_enroot() {
    if command -v enroot >/dev/null; then
        say "Using the installed enroot: $(command -v enroot) $(enroot version)"
    elif [[ -f ../shared/enroot/install.sh ]]; then
        say "Installing enroot from ../shared/enroot (built from source)"
        bash ../shared/enroot/install.sh master
    else
        die "no enroot: install it (https://github.com/NVIDIA/enroot, its Debian packages) and run make demo again"
    fi
}

build_and_install() {
    command -v swift >/dev/null || die "no Swift toolchain in PATH (nor in /opt/swift/usr/bin): install one from swift.org"
    say "Building swift-pyxis (make) and installing it under $prefix (make install)"
    make -s >/dev/null
    make -s install PREFIX="$prefix" >/dev/null
    echo "installed: $plugin, its core in $prefix/lib/slurm/pyxis/, hooks in $prefix/libexec/pyxis/"
}

start_cluster() {
    say "Starting a one-node Slurm cluster with the plugin (scripts/slurm-cluster.sh)"
    # What the fuse package's udev rule does where udev runs: users may open /dev/fuse, so
    # containers start straight from squashfs files.
    [[ -c /dev/fuse ]] && chmod 0666 /dev/fuse
    scripts/slurm-cluster.sh up "$plugin" >/dev/null
    echo "plugstack: $(grep -v '^#' /etc/slurm/plugstack.conf)"
    sinfo
}

make_user_and_image() {
    say "Creating the unprivileged user $user and a small image ($image)"
    mkdir -p "$state"
    chmod 0755 "$state"
    id "$user" >/dev/null 2>&1 || useradd --system --home-dir "$state/home" --shell /bin/bash "$user"
    install -d -o "$user" -g "$user" -m 0755 "$state/home"
    local rootfs
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,home,run,var}
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [[ -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    printf 'PRETTY_NAME="swift-pyxis demo (BusyBox %s)"\nID=pyxis-demo\n' \
        "$(/bin/busybox | head -n 1 | awk '{print $2}')" >"$rootfs/etc/os-release"
    rm -f "$image"
    mksquashfs "$rootfs" "$image" -all-root -noappend -quiet >/dev/null
    rm -rf "$rootfs"
    chmod 0644 "$image"
    ls -l "$image"
}

run_steps() {
    say "Running container steps as $user"
    # shellcheck disable=SC2016  # the container's shell expands it
    show srun --container-image="$image" sh -c '. /etc/os-release; echo "hello from $PRETTY_NAME, as $(id -un) on $(hostname)"'
    # shellcheck disable=SC2016  # the container's shell expands it
    show srun -n2 --container-image="$image" sh -c 'echo "task $SLURM_PROCID of $SLURM_NTASKS, in a container of $(ls /bin | wc -l) BusyBox commands"'
    show srun --container-image="$image" --container-name=demo --container-writable sh -c 'date >/made-at; echo "container demo made"'
    # shellcheck disable=SC2016  # the container's shell expands it
    show srun --container-name=demo sh -c 'echo "container demo reused, made at $(cat /made-at)"'
    show srun --container-image="$image" --container-mounts="$state/home:/data" sh -c 'touch /data/written-in-container && ls -l /data/written-in-container'
    show srun --container-image=/nonexistent/nosuch.sqsh true || true   # a mistake, for its message
}

up() {
    [[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts slurmd)"
    [[ -r /etc/debian_version ]] || die "this demo is for Debian 12 (apt-get)"
    local start=$SECONDS
    install_packages
    install_enroot
    build_and_install
    start_cluster
    make_user_and_image
    run_steps
    say "Done in $((SECONDS - start)) s"
    cat <<EOF
Try it yourself:   cd /tmp && runuser -u $user -- srun --container-image=$image cat /etc/os-release
Registry images:   srun --container-image=ubuntu:24.04 ...   (needs the machine to reach the registry)
The README says how to configure the plugin (plugstack: /etc/slurm/plugstack.conf).
Stop the demo:     make demo-down      (the cluster, the demo user and $state)
Remove the build:  make uninstall
EOF
}

down() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    say "Stopping the demo"
    if id "$user" >/dev/null 2>&1; then
        scancel -u "$user" 2>/dev/null || true
        as_demo enroot remove -f pyxis_demo >/dev/null 2>&1 || true
        pkill -KILL -u "$user" 2>/dev/null || true
        userdel "$user" 2>/dev/null || true
    fi
    scripts/slurm-cluster.sh down >/dev/null 2>&1 || true
    rm -rf "$state"
    echo "demo stopped: cluster down, user $user and $state removed (make uninstall removes the plugin)"
}

case "${1:-}" in
up) up ;;
down) down ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
