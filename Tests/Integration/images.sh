#!/usr/bin/env bash
# The container suites' images, for real enroot: OCI images built with umoci, pushed with skopeo
# to the loopback registry that stands in for Docker Hub (registry.sh), and squashfs files made
# from them by a real `enroot import`. Test infrastructure; run by fixtures.sh; needs root.
#
#   images.sh build       push the images (the registry must be up) and write the squashfs files
#                         into $PYXIS_TEST_IMAGES
#   images.sh storage     print the registry storage directory for this version of the images
#                         (a cache: fixtures.sh starts the registry on it)
#   images.sh prepare     only make the cached debootstrap tarballs (no registry needed)
#
# Registry images (Docker Hub names; enroot sends them to registry-1.docker.io = 127.0.0.1):
#   pyxis-test/busybox:1     busybox-static rootfs, /pyxis-image = registry
#   pyxis-test/busybox:sqsh  the same with /pyxis-image = busybox (what busybox.sqsh is made from)
#   pyxis-test/pytorch:1     PYTORCH_VERSION=2.3.0 in its Env
#   pyxis-test/entry:1       Entrypoint /usr/local/bin/entrypoint.sh: prints
#                            `entrypoint-ran FOO=${FOO-unset}`, exports ENTRYPOINT_RAN=1, execs "$@"
#   pyxis-test/env:1         FOO=from-image, LANG=C.UTF-8, CUDA_VERSION=11.8.0 in its Env
#   pyxis-test/debian:12     Debian 12 minbase (debootstrap from the host's Debian mirror, which its
#                            sources.list names: `apt-get update && apt-get install file` works
#                            in it as remapped root), /pyxis-image = debian
#   pyxis-test/mpi:1         Debian 12 minbase with openmpi-bin, libopenmpi3, libmpich12,
#                            python3-minimal and slurm-client (for the multi-node tests), without
#                            docs, man pages, locales, package lists or munge key (srun in it talks
#                            to the host's munged through its socket); /usr/local/bin/mpi-allreduce
#                            (mpi/allreduce.c, compiled by the host's mpicc.openmpi: same Debian,
#                            same Open MPI, which speaks PMIx but not PMI-2: Debian builds it
#                            without) and mpi-allreduce-mpich (the same by mpicc.mpich: MPICH
#                            speaks PMI to Slurm's pmi2 plugin),
#                            /usr/local/bin/rendezvous.py (mpi/rendezvous.py, a TCPStore-like
#                            rendezvous), /pyxis-image = mpi, Cmd /bin/bash
#   pyxis-test/torch:1       the mpi image's packages plus Debian's PyTorch (python3-torch 1.13.1,
#                            CPU, with gloo) and python3-mpi4py, PYTORCH_VERSION=1.13.1 in its Env
#                            (so pyxis-hook-pytorch sets the ranks' variables); without what no
#                            test runs: docs, man pages, locales, PyTorch's C++ test programs
#                            (libtorch-test) and Mesa's OpenGL drivers with the LLVM only they
#                            load (libtorch links OpenCV, which links Qt and OpenGL, but never
#                            draws). /usr/local/bin/torch_allreduce.py (mpi/torch_allreduce.py:
#                            init_process_group("gloo") from the hook's variables and an
#                            all_reduce) and mpi4py_allreduce.py (mpi/mpi4py_allreduce.py),
#                            /pyxis-image = torch, Cmd /bin/bash. About 1.2 GB unpacked.
# The busybox-based ones share their base layer and add a small one of their own, as real images
# do. Squashfs files in $PYXIS_TEST_IMAGES (root's, mode 0644): busybox.sqsh, pytorch.sqsh,
# entry.sqsh, env.sqsh (each with /pyxis-image = its own name), debian.sqsh, mpi.sqsh, torch.sqsh, made by
# `enroot import -o FILE docker://...` as an unprivileged user (so /etc/rc, /etc/environment and
# /etc/rc.local are exactly enroot's), and corrupt.sqsh (random bytes). Also $PYXIS_TEST_DEBS
# ($PYXIS_TEST_WORK/debs): the .deb files of `file` and what it needs beyond minbase, downloaded
# by the host's apt, for `apt-get install /debs/*.deb` in the Debian image without a network (not
# with --no-download: apt 2.6 then fails with "Pathname to install is not absolute").
#
# Caches, in $PYXIS_TEST_CACHE (default /var/cache/pyxis-test; delete it to start over):
#   debian-$debian_key-*.tar.gz   the debootstrap results, per mirror (bump debian_key, mpi_key
#   debian-$mpi_key-*.tar.gz      or torch_key to bootstrap that one again; `images.sh prepare`
#   debian-$torch_key-*.tar.gz    makes them without a registry)
#   registry-KEY/                 the registry's storage, KEY a hash of this script, mpi/ and the
#                                 mirror: a second run pushes nothing
#   debs-KEY/                     the .deb files
#   squashfs-KEY-ENROOT/          the imported squashfs files, per enroot build (ENROOT: a hash
#                                 of enroot's script and version)
# Other KEYs are removed. PYXIS_TEST_DEBIAN_MIRROR overrides the mirror (default: the one apt
# uses for bookworm here). Needs: umoci, skopeo, debootstrap, busybox-static, curl, enroot, and
# mpicc.openmpi and mpicc.mpich (libopenmpi-dev, libmpich-dev) when the images are built.
set -euo pipefail

debian_key=bookworm-minbase-1
mpi_key=bookworm-mpi-2
# What debootstrap adds to minbase for pyxis-test/mpi (with their Depends, not Recommends).
mpi_packages=openmpi-bin,libopenmpi3,libmpich12,python3-minimal,slurm-client
torch_key=bookworm-torch-1
# What pyxis-test/torch adds to those: Debian 12's PyTorch 1.13.1 (CPU only, with gloo) and mpi4py.
torch_packages=$mpi_packages,python3-torch,python3-mpi4py
torch_version=1.13.1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PYXIS_TEST_WORK:=/var/lib/pyxis-it}"
: "${PYXIS_TEST_IMAGES:=$PYXIS_TEST_WORK/images}"
: "${PYXIS_TEST_DEBS:=$PYXIS_TEST_WORK/debs}"
: "${PYXIS_TEST_USER:=pyxistest}"
: "${PYXIS_TEST_CACHE:=/var/cache/pyxis-test}"
: "${ENROOT:=$(command -v enroot || true)}"
registry="registry-1.docker.io"   # quoted: unquoted, shellcheck reads registry-1 as arithmetic (SC2100)
path_env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# name:tag  /pyxis-image  umoci config options
images=(
    "busybox:1|registry|--config.cmd=/bin/sh"
    "busybox:sqsh|busybox|--config.cmd=/bin/sh"
    "pytorch:1|pytorch|--config.cmd=/bin/sh --config.env=PYTORCH_VERSION=2.3.0"
    "entry:1|entry|--config.entrypoint=/usr/local/bin/entrypoint.sh --config.cmd=/bin/sh"
    "env:1|env|--config.cmd=/bin/sh --config.env=FOO=from-image --config.env=LANG=C.UTF-8 --config.env=CUDA_VERSION=11.8.0"
    "debian:12|debian|--config.cmd=/bin/bash"
    "mpi:1|mpi|--config.cmd=/bin/bash"
    "torch:1|torch|--config.cmd=/bin/bash --config.env=PYTORCH_VERSION=$torch_version"
)
# `file` and the packages it needs that Debian 12 minbase does not have.
debs=(file libmagic1 libmagic-mgc)
# squashfs file  image it is imported from
squashfs=(busybox=busybox:sqsh pytorch=pytorch:1 entry=entry:1 env=env:1 debian=debian:12 mpi=mpi:1 torch=torch:1)

log() { echo "images: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f s", b - a}'; }

debian_mirror() {
    local mirror=${PYXIS_TEST_DEBIAN_MIRROR:-}
    # shellcheck disable=SC2016  # apt-get's own $(FIELD) format, not the shell's
    [[ -n $mirror ]] || mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null |
        awk '$2 == "bookworm" {print $1; exit}')
    echo "${mirror:-http://deb.debian.org/debian/}"
}

# What the registry's content depends on: this script, the mpi and torch images' sources and the
# Debian mirror.
script_key=$( { cat "$here/images.sh" "$here/mpi/allreduce.c" "$here/mpi/rendezvous.py" \
    "$here/mpi/torch_allreduce.py" "$here/mpi/mpi4py_allreduce.py"; debian_mirror; } |
    sha256sum | cut -c1-16)
storage_dir=$PYXIS_TEST_CACHE/registry-$script_key

# The manifest of pyxis-test/NAME:TAG is in the registry.
in_registry() {
    local ref=$1
    curl -sfI --max-time 10 -o /dev/null \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
        "https://$registry/v2/pyxis-test/${ref%%:*}/manifests/${ref#*:}"
}

# busybox-static rootfs: /bin/busybox with its applet links, passwd, group, the usual directories.
busybox_rootfs() {
    local root=$1 busybox=/bin/busybox applet
    if [[ ! -x $busybox ]] || ldd "$busybox" >/dev/null 2>&1; then
        die "a static /bin/busybox is needed (apt-get install busybox-static)"
    fi
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,root,home,var/tmp,tmp}
    chmod 1777 "$root/tmp" "$root/var/tmp"
    chmod 0700 "$root/root"
    cp "$busybox" "$root/bin/busybox"
    "$busybox" --list-full | while read -r applet; do
        [[ -e $root/$applet || $applet == bin/busybox ]] || ln -s /bin/busybox "$root/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

# The cache path of the debootstrap tarball of key $1 from the mirror.
debian_tarball_path() {
    echo "$PYXIS_TEST_CACHE/debian-$1-$(printf '%s' "$(debian_mirror)" | sha256sum | cut -c1-8).tar.gz"
}

# The cached debootstrap tarball (made when missing) of `debian` (minbase), `mpi` (minbase and
# $mpi_packages) or `torch` (minbase and $torch_packages); prints its path.
debian_tarball() {
    local which=$1 key include=() mirror tarball dir t0
    case $which in
        debian) key=$debian_key ;;
        mpi) key=$mpi_key include=("--include=$mpi_packages") ;;
        torch) key=$torch_key include=("--include=$torch_packages") ;;
    esac
    mirror=$(debian_mirror)
    tarball=$(debian_tarball_path "$key")
    if [[ ! -s $tarball ]]; then
        command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
        t0=$(now)
        dir=$work/$which
        debootstrap --variant=minbase "${include[@]}" bookworm "$dir" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap ${include[*]} from $mirror failed"; }
        if [[ $which == torch ]]; then
            # Run only by Python, which never loads these (about 240 MB): PyTorch's C++ test
            # programs, and Mesa's DRI drivers with LLVM and Z3, which only those drivers link
            # (libtorch pulls in OpenGL through OpenCV and Qt; nothing here opens a display).
            rm -rf "$dir"/usr/lib/libtorch-test "$dir"/usr/lib/x86_64-linux-gnu/dri \
                "$dir"/usr/lib/x86_64-linux-gnu/libLLVM-15.so* "$dir"/usr/lib/x86_64-linux-gnu/libz3.so*
            # What the tests use still loads: PyTorch with gloo, and mpi4py (not mpi4py.MPI,
            # which starts MPI). Before /dev is emptied: PyTorch reads /dev/urandom when it loads.
            chroot "$dir" env -i PATH=/usr/bin:/bin PYTHONDONTWRITEBYTECODE=1 python3 -c \
                'import torch.distributed as d, mpi4py; assert d.is_gloo_available()' >"$work/check.log" 2>&1 ||
                { cat "$work/check.log" >&2; die "PyTorch or mpi4py does not load in the torch image"; }
        fi
        # Like Docker's Debian images: the host's mirror in sources.list, no package lists, no
        # downloaded packages, no logs, no device nodes (enroot makes /dev).
        echo "deb ${mirror%/} bookworm main" >"$dir/etc/apt/sources.list"
        rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
            "$dir"/var/cache/apt/archives/partial/* "$dir"/var/log/*.log "$dir"/var/log/apt/* "${dir:?}"/dev/* \
            "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old
        if [[ $which == mpi || $which == torch ]]; then
            # Only run, never installed into by the tests: as small as it goes without breaking a
            # package (docs, man pages and translations are about a fifth of it). No munge key:
            # munge's postinst made a random one, and srun in the container reaches the host's
            # munged through its socket, which needs none.
            rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
                "$dir"/usr/share/locale/* "$dir"/usr/share/lintian/* "$dir"/etc/munge/munge.key \
                "$dir"/var/log/munge/* "$dir"/var/cache/man/*
        fi
        tar --numeric-owner --xattrs -C "$dir" -czf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
        log "debootstrap $key from $mirror: $(du -h "$tarball" | cut -f1) in $(since "$t0")"
    fi
    echo "$tarball"
}

# Builds every image as an OCI layout and pushes it.
build_and_push() {
    local oci=$work/oci entry ref marker config name top t0
    t0=$(now)
    command -v umoci >/dev/null || die "umoci is missing (apt-get install umoci)"
    command -v skopeo >/dev/null || die "skopeo is missing (apt-get install skopeo)"
    if ! command -v mpicc.openmpi >/dev/null || ! command -v mpicc.mpich >/dev/null; then
        die "mpicc.openmpi or mpicc.mpich is missing (apt-get install --no-install-recommends libopenmpi-dev libmpich-dev)"
    fi
    busybox_rootfs "$work/busybox"
    tar --numeric-owner --owner=0 --group=0 -C "$work/busybox" -cf "$work/busybox.tar" .
    gzip -dc "$(debian_tarball debian)" >"$work/debian.tar"
    gzip -dc "$(debian_tarball mpi)" >"$work/mpi.tar"
    gzip -dc "$(debian_tarball torch)" >"$work/torch.tar"
    umoci init --layout "$oci"
    umoci new --image "$oci:busybox-base"
    umoci raw add-layer --image "$oci:busybox-base" --history.created_by="pyxis-test busybox-static rootfs" "$work/busybox.tar"
    umoci new --image "$oci:debian-base"
    umoci raw add-layer --image "$oci:debian-base" --history.created_by="debootstrap --variant=minbase bookworm" "$work/debian.tar"
    umoci new --image "$oci:mpi-base"
    umoci raw add-layer --image "$oci:mpi-base" \
        --history.created_by="debootstrap --variant=minbase --include=$mpi_packages bookworm" "$work/mpi.tar"
    umoci new --image "$oci:torch-base"
    umoci raw add-layer --image "$oci:torch-base" \
        --history.created_by="debootstrap --variant=minbase --include=$torch_packages bookworm" "$work/torch.tar"
    rm -f "$work/busybox.tar" "$work/debian.tar" "$work/mpi.tar" "$work/torch.tar"
    cat >"$work/policy.json" <<'EOF'
{"default": [{"type": "insecureAcceptAnything"}]}
EOF
    for entry in "${images[@]}"; do
        IFS='|' read -r ref marker config <<<"$entry"
        name=${ref%%:*} top=$work/top-${ref/:/-}
        mkdir -p "$top"
        echo "$marker" >"$top/pyxis-image"
        if [[ $name == entry ]]; then
            mkdir -p "$top/usr/local/bin"
            cat >"$top/usr/local/bin/entrypoint.sh" <<'EOF'
#!/bin/sh
echo "entrypoint-ran FOO=${FOO-unset}"
export ENTRYPOINT_RAN=1
exec "$@"
EOF
            chmod 755 "$top/usr/local/bin/entrypoint.sh"
        fi
        if [[ $name == mpi ]]; then
            # Built here rather than in the image, which then needs no compiler: the host is
            # Debian 12 too, and libmpi.so.40 is the same library in both.
            mkdir -p "$top/usr/local/bin"
            mpicc.openmpi -O2 -s -o "$top/usr/local/bin/mpi-allreduce" "$here/mpi/allreduce.c" >"$work/mpicc.log" 2>&1 ||
                { cat "$work/mpicc.log" >&2; die "mpicc.openmpi $here/mpi/allreduce.c failed"; }
            mpicc.mpich -O2 -s -o "$top/usr/local/bin/mpi-allreduce-mpich" "$here/mpi/allreduce.c" >"$work/mpicc.log" 2>&1 ||
                { cat "$work/mpicc.log" >&2; die "mpicc.mpich $here/mpi/allreduce.c failed"; }
            install -m 0755 "$here/mpi/rendezvous.py" "$top/usr/local/bin/rendezvous.py"
        fi
        if [[ $name == torch ]]; then
            mkdir -p "$top/usr/local/bin"
            install -m 0755 "$here/mpi/torch_allreduce.py" "$here/mpi/mpi4py_allreduce.py" "$top/usr/local/bin/"
        fi
        tar --numeric-owner --owner=0 --group=0 -C "$top" -cf "$top.tar" .
        local base=busybox-base
        [[ $name == debian || $name == mpi || $name == torch ]] && base=$name-base
        umoci raw add-layer --image "$oci:$base" --tag "${ref/:/-}" --history.created_by="pyxis-test $ref" "$top.tar"
        # shellcheck disable=SC2086 # the options are words
        umoci config --image "$oci:${ref/:/-}" --config.env="$path_env" $config
        skopeo --insecure-policy copy --quiet --format v2s2 "oci:$oci:${ref/:/-}" "docker://$registry/pyxis-test/$ref" ||
            die "skopeo could not push pyxis-test/$ref to $registry"
    done
    log "built and pushed ${#images[@]} images in $(since "$t0")"
}

# enroot import of every squashfs image as an unprivileged user, into the cache directory $1.
import_all() {
    local dest=$1 user=$PYXIS_TEST_USER entry file ref t0 t1 scratch times=
    t0=$(now)
    id "$user" >/dev/null 2>&1 || user=nobody
    scratch=$work/enroot
    mkdir -p "$scratch/out"
    chown -R "$user" "$scratch"
    for entry in "${squashfs[@]}"; do
        file=${entry%%=*} ref=${entry#*=} t1=$(now)
        # Its own cache, data and temporary directories: nothing of this reaches the tests' user.
        if ! (cd "$scratch" && runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$scratch" \
            ENROOT_CACHE_PATH="$scratch/cache" ENROOT_DATA_PATH="$scratch/data" ENROOT_TEMP_PATH="$scratch" \
            ENROOT_RUNTIME_PATH="$scratch/run" ENROOT_CONFIG_PATH="$scratch/config" \
            "$ENROOT" import -o "$scratch/out/$file.sqsh" "docker://pyxis-test/$ref" >"$work/import.log" 2>&1); then
            cat "$work/import.log" >&2
            die "enroot import docker://pyxis-test/$ref failed"
        fi
        times+="${times:+, }$file $(since "$t1")"
    done
    mkdir -p "$dest.tmp"
    for entry in "${squashfs[@]}"; do
        install -m 0644 -o root -g root "$scratch/out/${entry%%=*}.sqsh" "$dest.tmp/"
    done
    mv "$dest.tmp" "$dest"
    log "enroot import of ${#squashfs[@]} images in $(since "$t0") ($times)"
}

# The .deb files of $debs, by the host's apt (same mirror as the image), into the cache directory $1.
download_debs() {
    local dest=$1
    mkdir -p "$dest.tmp"
    (cd "$dest.tmp" && apt-get -o APT::Sandbox::User=root download "${debs[@]}" >"$work/debs.log" 2>&1) ||
        { cat "$work/debs.log" >&2; die "apt-get download ${debs[*]} failed"; }
    mv "$dest.tmp" "$dest"
}

build() {
    local ref entry missing=0 enroot_key sqsh_dir old tarballs
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -n $ENROOT && -x $ENROOT ]] || die "no enroot (ENROOT=${ENROOT:-}); install it with ../shared/enroot/install.sh"
    curl -sf --max-time 5 -o /dev/null "https://$registry/v2/" || die "no registry at https://$registry/v2/ (registry.sh up)"
    mkdir -p "$PYXIS_TEST_CACHE"
    work=$(mktemp -d /var/tmp/pyxis-test-images.XXXXXX)
    chmod 0711 "$work"   # the importing user reaches its scratch directory below
    trap 'rm -rf "$work"' EXIT

    for entry in "${images[@]}"; do
        ref=${entry%%|*}
        in_registry "$ref" || missing=1
    done
    [[ $missing == 0 ]] || build_and_push

    enroot_key=$( { cat /usr/lib/enroot/.installed-from 2>/dev/null || true; "$ENROOT" version; sha256sum "$ENROOT"; } |
        sha256sum | cut -c1-8)
    sqsh_dir=$PYXIS_TEST_CACHE/squashfs-$script_key-$enroot_key
    [[ -d $sqsh_dir ]] || import_all "$sqsh_dir"
    # Older keys go (squashfs files of this key made by other enroot builds stay), and debootstrap
    # tarballs of other keys or mirrors, except a storage that a running registry still serves.
    [[ -d $PYXIS_TEST_CACHE/debs-$script_key ]] || download_debs "$PYXIS_TEST_CACHE/debs-$script_key"
    tarballs=" $(debian_tarball_path "$debian_key") $(debian_tarball_path "$mpi_key") $(debian_tarball_path "$torch_key") "
    for old in "$PYXIS_TEST_CACHE"/registry-* "$PYXIS_TEST_CACHE"/squashfs-* "$PYXIS_TEST_CACHE"/debs-* \
        "$PYXIS_TEST_CACHE"/debian-*.tar.gz; do
        [[ ! -e $old || $old == "$storage_dir" || $old == "$PYXIS_TEST_CACHE/squashfs-$script_key-"* ||
            $old == "$PYXIS_TEST_CACHE/debs-$script_key" || $tarballs == *" $old "* ]] ||
            grep -qsF -- "rootdirectory: $old" "${PYXIS_REGISTRY_STATE:-/var/lib/pyxis-test-registry}/config.yml" ||
            rm -rf -- "$old"
    done

    mkdir -p "$PYXIS_TEST_IMAGES"
    chmod 755 "$PYXIS_TEST_IMAGES"
    cp "$sqsh_dir"/*.sqsh "$PYXIS_TEST_IMAGES/"
    head -c 65536 /dev/urandom >"$PYXIS_TEST_IMAGES/corrupt.sqsh"
    chmod 644 "$PYXIS_TEST_IMAGES"/*.sqsh
    rm -rf "$PYXIS_TEST_DEBS"
    mkdir -p "$PYXIS_TEST_DEBS"
    cp "$PYXIS_TEST_CACHE/debs-$script_key"/*.deb "$PYXIS_TEST_DEBS/"
    chmod 755 "$PYXIS_TEST_DEBS"
    chmod 644 "$PYXIS_TEST_DEBS"/*.deb
}

# The debootstrap tarballs alone, into the cache (before a run, or while the registry is busy).
prepare() {
    local which
    [[ $(id -u) -eq 0 ]] || die "run as root"
    mkdir -p "$PYXIS_TEST_CACHE"
    work=$(mktemp -d /var/tmp/pyxis-test-images.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    for which in debian mpi torch; do debian_tarball "$which" >/dev/null; done
}

case "${1:-}" in
    build) build ;;
    storage) echo "$storage_dir" ;;
    prepare) prepare ;;
    *) log "usage: $0 build|storage|prepare"; exit 2 ;;
esac
