#!/usr/bin/env bash
# make deb: a Debian package of everything `make install` installs, with Debian's directories,
# for the Slurm release the plugin was built for: the plugin_version of the built
# spank_pyxis.so (the SLURM_VERSION_NUMBER of the headers its front was compiled with, read
# from the file: scripts/deb/common.sh), so the package states what the binary is. Slurm loads
# a SPANK plugin only in the major.minor release it was built for. Needs `make` first (the
# Makefile's deb target runs it) and dpkg-dev; runs as any user (dpkg-deb --root-owner-group: no
# fakeroot), without debhelper or network.
#
# Two flavours, for the two ways Slurm comes packaged for Debian and Ubuntu:
#   DEB_SLURM_FLAVOUR=debian  Debian's own Slurm (slurm-wlm). Plugin directory
#                         /usr/lib/MULTIARCH/slurm-wlm; Depends on slurm-wlm-basic-plugins,
#                         which must be installed here at the release the plugin was built for
#                         (the build used its libslurm-dev headers). The default when the build
#                         used Debian's headers (/usr/include; make passes SLURM_INCLUDE).
#   DEB_SLURM_FLAVOUR=smd     SchedMD's packages (slurm-smd, slurm-smd-slurmd, ..., built from the
#                         debian/ directory of Slurm's own tarball). Plugin directory
#                         /usr/lib/MULTIARCH/slurm; Depends on slurm-smd; no Slurm need be
#                         installed here. The default for any other headers
#                         (make SLURM_PREFIX=/opt/slurm/26.05.3, or .build/slurm-headers/26.05.3).
#   DEB_SLURM_PIN=exact   (default) debian: slurm-wlm-basic-plugins (= the installed version): no
#                         Slurm upgrade, not even a Debian point release, without a rebuild.
#                         smd: slurm-smd (>= 26.05.3), slurm-smd (<< 26.05.4~): that release,
#                         any packaging of it (the build machine has no slurm-smd to read a
#                         revision from)
#   DEB_SLURM_PIN=series  slurm-wlm-basic-plugins or slurm-smd (>= 26.05), (<< 26.06~): what
#                         Slurm itself accepts
#   DEB_OUT=DIR           where the .deb goes (default .build/deb)
#   DEB_STAGE=DIR         the built tree to package (default .build/stage; the tests package a
#                         copy whose front was compiled against other headers)
#
# Why those packages: each ships libslurmfull.so, the library srun, slurmd and slurmstepd are
# linked with and whose spank_* functions the plugin calls, and Slurm's plugin directory; the
# daemons and commands (Debian's slurmd and slurm-client, SchedMD's slurm-smd-slurmd and
# slurm-smd-client) depend on its exact version, so pinning it pins the Slurm that loads the
# plugin. libslurm38 (the public API) is not what the plugin uses. SchedMD's packages ship no
# /etc/slurm/plugstack.conf: a site adds `include /etc/slurm/plugstack.conf.d/*.conf` to its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/deb

# shellcheck source=common.sh
source $here/common.sh

pin=${DEB_SLURM_PIN:-exact}
out=${DEB_OUT:-.build/deb}
stage=${DEB_STAGE:-.build/stage}
include=${SLURM_INCLUDE:-/usr/include}
if [[ ${include%/} == /usr/include ]]; then flavour=${DEB_SLURM_FLAVOUR:-debian}; else flavour=${DEB_SLURM_FLAVOUR:-smd}; fi
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
upstream=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/PyxisPlugin/Slurmstepd.swift)
version=$upstream-$(sed -n "1s/^swift-pyxis ($upstream-\([^)]*\)).*/\1/p" $here/changelog)
[[ $version != "$upstream-" ]] || { echo "make deb: $here/changelog has no entry for $upstream" >&2; exit 1; }

# The Slurm the plugin was built for, as the binary says.
built=$(slurm_release "$stage/spank_pyxis.so") || { echo "make deb: cannot tell which Slurm the plugin is for" >&2; exit 1; }
series=${built%.*}
next=$(next_series "$series")
case $flavour in
    debian)
        package="slurm-wlm-basic-plugins"
        plugindir=/usr/lib/$multiarch/slurm-wlm
        # The package depends on the installed Slurm, which must be the one the plugin is for.
        slurm=$(dpkg-query -W -f='${Version}' $package 2>/dev/null) ||
            { echo "make deb: $package is not installed (the package depends on the Slurm it was built for; DEB_SLURM_FLAVOUR=smd for SchedMD's slurm-smd)" >&2; exit 1; }
        [[ ${slurm%%-*} == "$built" ]] ||
            { echo "make deb: the plugin is built for Slurm $built but $package is $slurm; build against its headers (libslurm-dev) or set DEB_SLURM_FLAVOUR=smd for SchedMD's slurm-smd" >&2; exit 1; }
        exact="$package (= $slurm)"
        ;;
    smd)
        package="slurm-smd"
        plugindir=/usr/lib/$multiarch/slurm
        exact="$package (>= $built), $package (<< $series.$((${built##*.} + 1))~)"
        ;;
    *) echo "make deb: DEB_SLURM_FLAVOUR=$flavour: expected debian or smd" >&2; exit 2 ;;
esac
case $pin in
    exact) depends=$exact ;;
    series) depends="$package (>= $series), $package (<< $next~)" ;;
    *) echo "make deb: DEB_SLURM_PIN=$pin: expected exact or series" >&2; exit 2 ;;
esac

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
make -s install STAGE="$stage" DESTDIR="$root" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" \
    SLURM_PLUGINDIR="$plugindir" LIBEXECDIR=/usr/libexec >/dev/null

# The plugstack line: a conffile with the site's settings, enabled by a link that `dpkg -r`
# removes (a conffile stays after -r, and a `required` line naming a removed plugin would stop
# every srun on the node).
install -d -m 0755 "$root/etc/pyxis" "$root/etc/slurm/plugstack.conf.d"
sed "s|@LINE@|$(cat "$root/usr/share/pyxis/pyxis.conf")|" $here/plugstack.conf.in > "$root/etc/pyxis/plugstack.conf"
chmod 0644 "$root/etc/pyxis/plugstack.conf"
ln -s /etc/pyxis/plugstack.conf "$root/etc/slurm/plugstack.conf.d/pyxis.conf"

# Links within one top-level directory are relative (Debian policy 10.5, what dh_link does).
relative_links "$root"

# Manual pages of the commands on PATH, from their own --help (swift-argument-parser's tool).
install_manuals "$root"

doc=$root/usr/share/doc/swift-pyxis
install -d -m 0755 "$doc" "$root/usr/share/lintian/overrides"
gzip -9n < $here/changelog > "$doc/changelog.Debian.gz"
install -m 0644 $here/copyright "$doc/copyright"
install -m 0644 $here/lintian-overrides "$root/usr/share/lintian/overrides/swift-pyxis"
# Shared objects are not executed (what dh_fixperms does).
find "$root" -name '*.so' -type f -exec chmod 0644 {} +

# Shared-library dependencies (libc, libseccomp), as dh_shlibdeps computes them. The plugin's
# spank_*/slurm_* symbols come from the process that loads it, hence the ignored warnings.
scratch=$(mktemp -d)
mkdir "$scratch/debian"
printf 'Source: swift-pyxis\n\nPackage: swift-pyxis\nArchitecture: any\n' > "$scratch/debian/control"
mapfile -t linked < <(find "$root" -type f -exec sh -c 'readelf -d "$1" 2>/dev/null | grep -q NEEDED' _ {} \; -print)
shlibs=$(cd "$scratch" && dpkg-shlibdeps -O "${linked[@]}" 2> >(grep -v "should already be installed" >&2) |
    sed -n 's/^shlibs:Depends=//p')
rm -rf "$scratch"

install -d -m 0755 "$root/DEBIAN"
echo /etc/pyxis/plugstack.conf > "$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SHLIBS@|$shlibs|" -e "s|@SLURM@|$depends|" \
    -e "s|@SLURM_SERIES@|$series|" -e "s|@INSTALLED_SIZE@|$(du -sk --exclude=DEBIAN "$root" | cut -f1)|" \
    $here/control.in > "$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/"*

mkdir -p "$out"
deb=$out/swift-pyxis_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb: $(du -k "$deb" | cut -f1) KiB, installs $(sed -n 's/^Installed-Size: //p' "$root/DEBIAN/control") KiB; Depends: $shlibs, $depends"
