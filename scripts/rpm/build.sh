#!/usr/bin/env bash
# make rpm: an RPM package of everything `make install` installs, with the directories of
# Fedora, RHEL/EL and SUSE (PREFIX=/usr, Slurm's plugin directory /usr/lib64/slurm,
# LIBEXECDIR=/usr/libexec), for the Slurm release the plugin was built for: the plugin_version
# of the built spank_pyxis.so, read from the file (scripts/deb/common.sh). Needs `make` first
# (the Makefile's rpm target runs it) and rpmbuild (on Debian: apt-get install rpm; rpmlint to
# check the result); runs as any user, without network. Binary-only: the spec,
# scripts/rpm/swift-pyxis.spec, packages the tree staged here and compiles nothing.
#
#   RPM_SLURM_PIN=exact   (default) Requires: slurm = 26.05.3, any packaging release of that
#                         Slurm release: no Slurm upgrade without a rebuild
#   RPM_SLURM_PIN=series  Requires: slurm >= 26.05, slurm < 26.06: what Slurm itself accepts
#                         (SPANK plugins must match major.minor)
#   RPM_OUT=DIR           where the .rpm goes (default .build/rpm)
#   RPM_STAGE=DIR         the built tree to package (default .build/stage; the tests package a
#                         copy whose front was compiled against other headers)
#
# One flavour: SchedMD's RPMs (slurm.spec in Slurm's tarball), Fedora's and EPEL's, and SUSE's
# all name the package with Slurm's plugin directory and libslurmfull.so `slurm`, and all use
# /usr/lib64/slurm (the spec's header says more). The plugstack line is a %config(noreplace)
# file, /etc/slurm/plugstack.conf.d/pyxis.conf, read when /etc/slurm/plugstack.conf includes
# plugstack.conf.d/*.conf (SchedMD's packages ship no plugstack.conf: a site adds the include).
# scripts/rpm/README says how the package is checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/rpm
# shellcheck source=../deb/common.sh
source scripts/deb/common.sh

pin=${RPM_SLURM_PIN:-exact}
case $pin in
    exact | series) ;;
    *) echo "make rpm: RPM_SLURM_PIN=$pin: expected exact or series" >&2; exit 2 ;;
esac
out=${RPM_OUT:-.build/rpm}
stage=${RPM_STAGE:-.build/stage}
spec=$here/swift-pyxis.spec
plugindir=/usr/lib64/slurm
command -v rpmbuild >/dev/null || { echo "make rpm: no rpmbuild (Debian: apt-get install rpm)" >&2; exit 1; }

# The version is the plugin's; the packaging release is the one the spec's latest %changelog
# entry gives it ("* DATE NAME <MAIL> - 0.1.0-1").
upstream=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/PyxisPlugin/Slurmstepd.swift)
latest=$(sed -n '/^%changelog/,$ s/^\* .* - \([^ ]*\)$/\1/p' $spec | head -n 1)
[[ ${latest%-*} == "$upstream" ]] ||
    { echo "make rpm: the latest %changelog entry of $spec is for ${latest:-nothing}, not $upstream" >&2; exit 1; }

# The Slurm the plugin was built for, as the binary says.
built=$(slurm_release "$stage/spank_pyxis.so") || { echo "make rpm: cannot tell which Slurm the plugin is for" >&2; exit 1; }
series=${built%.*}

root=$(mktemp -d)
top=$(mktemp -d)
trap 'rm -rf "$root" "$top"' EXIT
chmod 0755 "$root"
make -s install STAGE="$stage" DESTDIR="$root" PREFIX=/usr LIBDIR=/usr/lib64 SLURM_PLUGINDIR=$plugindir \
    LIBEXECDIR=/usr/libexec >/dev/null

relative_links "$root"

# The plugstack line, with what a site needs to know about it above it.
install -d -m 0755 "$root/etc/slurm/plugstack.conf.d"
sed "s|@LINE@|$(cat "$root/usr/share/pyxis/pyxis.conf")|" $here/plugstack.conf.in > "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
chmod 0644 "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
install_manuals "$root"
install -D -m 0644 LICENSE "$root/usr/share/licenses/swift-pyxis/LICENSE"

# The Packager tag, from the macro rather than the spec (Fedora's guidelines): the deb's Maintainer.
packager=$(sed -n 's/^Maintainer: //p' scripts/deb/control.in)
# The same bytes for the same commit: timestamps from the commit, not from now.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
rpmbuild -bb --quiet \
    --define "_topdir $top" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --define "packager $packager" \
    --define "pyxis_root $root" \
    --define "pyxis_version $upstream" \
    --define "pyxis_release ${latest##*-}" \
    --define "slurm_release $built" \
    --define "slurm_series $series" \
    --define "slurm_next $(next_series "$series")" \
    --define "slurm_pin $pin" \
    $spec

mkdir -p "$out"
built_rpm=$(find "$top/RPMS" -name '*.rpm' -print -quit)
rpm=$out/$(basename "$built_rpm")
mv "$built_rpm" "$rpm"
echo "$rpm: $(du -k "$rpm" | cut -f1) KiB, installs $(($(rpm -qp --qf '%{SIZE}' "$rpm") / 1024)) KiB;" \
    "Requires: $(rpm -qpR "$rpm" | grep '^slurm' | paste -sd, | sed 's/,/, /g')"
