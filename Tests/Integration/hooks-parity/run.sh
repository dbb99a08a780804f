#!/usr/bin/env bash
# Parity tests of the native standard hooks against enroot's own scripts: each hook and its
# enroot original run alone (a temporary ENROOT_SYSCONF_PATH whose hooks.d holds only it) in a
# real `enroot start` on two copies of the same rootfs, and what they wrote is compared. No Slurm.
#
#   Tests/Integration/hooks-parity/run.sh [SUITE...]    default: every hooks-parity/*.bats
#
# Needs root, enroot (its scripts in $ENROOT_HOOKS_DIR, default /etc/enroot/hooks.d), bats,
# unsquashfs, the user $PARITY_USER (default pyxistest) and the built hooks in $PYXIS_HOOKS_BIN
# (default the release stage directory, .build/stage: run `make` first). Images: $PARITY_IMAGES (default the
# test fixture's squashfs directory under /var/cache/pyxis-test) holding debian.sqsh and busybox.sqsh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

die() { echo "hooks-parity: $*" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || die "needs root (it runs enroot as ${PARITY_USER:-pyxistest} and compares files of both)"
command -v bats >/dev/null || die "needs bats (apt-get install bats)"
command -v enroot >/dev/null || die "needs enroot"
export PARITY_USER=${PARITY_USER:-pyxistest}
id "$PARITY_USER" >/dev/null 2>&1 || die "no user $PARITY_USER"
export PYXIS_HOOKS_BIN=${PYXIS_HOOKS_BIN:-$repo/.build/stage}
export ENROOT_HOOKS_DIR=${ENROOT_HOOKS_DIR:-/etc/enroot/hooks.d}
# enroot's optional hooks, which a site links into hooks.d: 50-slurm-pmi.
export ENROOT_EXTRA_HOOKS_DIR=${ENROOT_EXTRA_HOOKS_DIR:-/usr/share/enroot/hooks.d}
[[ -x $PYXIS_HOOKS_BIN/pyxis-tools ]] || die "no pyxis-tools in $PYXIS_HOOKS_BIN (run make, or set PYXIS_HOOKS_BIN)"
command -v unsquashfs >/dev/null || die "needs unsquashfs (squashfs-tools)"
# enroot's own scripts, not links to ours (a site that enabled ours has links there).
for hook in 10-aptfix 10-cgroups 10-devices 10-home 10-localtime 10-shadow 98-nvidia 99-mellanox; do
    [[ -f $ENROOT_HOOKS_DIR/$hook.sh && ! -L $ENROOT_HOOKS_DIR/$hook.sh ]] \
        || die "no enroot $hook.sh script in $ENROOT_HOOKS_DIR (set ENROOT_HOOKS_DIR to enroot's conf/hooks)"
done
[[ -f $ENROOT_EXTRA_HOOKS_DIR/50-slurm-pmi.sh ]] \
    || die "no enroot 50-slurm-pmi.sh in $ENROOT_EXTRA_HOOKS_DIR (set ENROOT_EXTRA_HOOKS_DIR to enroot's conf/hooks/extra)"
if [[ -z ${PARITY_IMAGES-} ]]; then
    # The last fixture directory (by name) that holds both images.
    for d in /var/cache/pyxis-test/squashfs-*/; do
        if [[ -f $d/debian.sqsh && -f $d/busybox.sqsh ]]; then PARITY_IMAGES=$d; fi
    done
fi
[[ -f ${PARITY_IMAGES:-}/debian.sqsh ]] || die "no debian.sqsh/busybox.sqsh (set PARITY_IMAGES)"

suites=()
for suite in "$@"; do
    for candidate in "$suite" "$here/$suite" "$here/$suite.bats"; do
        [[ -f $candidate && $candidate == *.bats ]] && { suites+=("$candidate"); continue 2; }
    done
    die "no suite $suite"
done
[[ ${#suites[@]} -gt 0 ]] || suites=("$here"/*.bats)

# The user must reach everything: a world-readable work directory outside /root.
export PARITY_WORK
PARITY_WORK=$(mktemp -d /tmp/pyxis-hooks-parity.XXXXXX)
chmod 755 "$PARITY_WORK"
trap 'rm -rf "$PARITY_WORK"' EXIT

# Base root file systems, owned by the user as enroot containers are; tests copy them.
mkdir -p "$PARITY_WORK/base"
for image in debian busybox; do
    unsquashfs -q -d "$PARITY_WORK/base/$image" "$PARITY_IMAGES/$image.sqsh" >/dev/null
done
chown -R "$PARITY_USER:" "$PARITY_WORK/base"

# Our executable is copied (not linked), each hook a link to it: 98-nvidia and 99-mellanox find
# enroot's scripts in enroot-hooks/ beside the executable, as `make install` lays them out.
mkdir -p "$PARITY_WORK/libexec/enroot-hooks"
cp "$PYXIS_HOOKS_BIN/pyxis-tools" "$PARITY_WORK/libexec/"
while read -r tool _; do ln -s pyxis-tools "$PARITY_WORK/libexec/$tool"; done < <("$PARITY_WORK/libexec/pyxis-tools" --list)
cp "$ENROOT_HOOKS_DIR/98-nvidia.sh" "$ENROOT_HOOKS_DIR/99-mellanox.sh" "$PARITY_WORK/libexec/enroot-hooks/"
chmod -R a+rX "$PARITY_WORK/libexec"

read -ra bats_options <<<"${PARITY_BATS_OPTIONS-}"   # words, e.g. "--filter shadow --tap"
bats "${bats_options[@]}" "${suites[@]}"
