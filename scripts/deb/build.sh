#!/usr/bin/env bash
# make deb: a Debian package of everything `make install` installs, with Debian's directories,
# for the Slurm whose headers the build used. Needs `make` first (the Makefile's deb target runs
# it) and dpkg-dev; runs as any user (dpkg-deb --root-owner-group: no fakeroot), without
# debhelper or network.
#
#   DEB_SLURM_PIN=exact   (default) Depends: slurm-wlm-basic-plugins (= the installed version):
#                         no Slurm upgrade, not even a Debian point release, without a rebuild
#   DEB_SLURM_PIN=series  Depends: slurm-wlm-basic-plugins (>= 22.05), (<< 22.06~): what Slurm
#                         itself accepts (SPANK plugins must match major.minor)
#   DEB_OUT=DIR           where the .deb goes (default .build/deb)
#
# Why slurm-wlm-basic-plugins: it ships libslurmfull.so, the library srun, slurmd and
# slurmstepd are linked with and whose spank_* functions the plugin calls, and Slurm's plugin
# directory; Debian's slurmd and slurm-client depend on its exact version, so pinning it pins
# the Slurm that loads the plugin. libslurm38 (the public API) is not what the plugin uses.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/deb

pin=${DEB_SLURM_PIN:-exact}
out=${DEB_OUT:-.build/deb}
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
plugindir=/usr/lib/$multiarch/slurm-wlm
upstream=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/PyxisPlugin/Slurmstepd.swift)
version=$upstream-$(sed -n "1s/^swift-pyxis ($upstream-\([^)]*\)).*/\1/p" $here/changelog)
[[ $version != "$upstream-" ]] || { echo "make deb: $here/changelog has no entry for $upstream" >&2; exit 1; }

# The Slurm the build used (its headers) must be the installed one the package will depend on.
header=$(sed -n 's/^#define SLURM_VERSION_NUMBER 0x\([0-9a-f]*\)$/\1/p' /usr/include/slurm/slurm_version.h)
built=$((16#${header:0:2})).$(printf %02d $((16#${header:2:2}))).$((16#${header:4:2}))
slurm=$(dpkg-query -W -f='${Version}' slurm-wlm-basic-plugins 2>/dev/null) ||
    { echo "make deb: slurm-wlm-basic-plugins is not installed (the package depends on the Slurm it was built for)" >&2; exit 1; }
[[ ${slurm%%-*} == "$built" ]] ||
    { echo "make deb: the Slurm headers are $built but slurm-wlm-basic-plugins is $slurm; install matching libslurm-dev" >&2; exit 1; }
series=${built%.*}
case $pin in
    exact) depends="slurm-wlm-basic-plugins (= $slurm)" ;;
    series) depends="slurm-wlm-basic-plugins (>= $series), slurm-wlm-basic-plugins (<< ${series%.*}.$(printf %02d $((10#${series#*.} + 1)))~)" ;;
    *) echo "make deb: DEB_SLURM_PIN=$pin: expected exact or series" >&2; exit 2 ;;
esac

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
make -s install DESTDIR="$root" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" SLURM_PLUGINDIR="$plugindir" \
    LIBEXECDIR=/usr/libexec >/dev/null

# The plugstack line: a conffile with the site's settings, enabled by a link that `dpkg -r`
# removes (a conffile stays after -r, and a `required` line naming a removed plugin would stop
# every srun on the node).
install -d -m 0755 "$root/etc/pyxis" "$root/etc/slurm/plugstack.conf.d"
sed "s|@LINE@|$(cat "$root/usr/share/pyxis/pyxis.conf")|" $here/plugstack.conf.in > "$root/etc/pyxis/plugstack.conf"
chmod 0644 "$root/etc/pyxis/plugstack.conf"
ln -s /etc/pyxis/plugstack.conf "$root/etc/slurm/plugstack.conf.d/pyxis.conf"

# Links within one top-level directory are relative (Debian policy 10.5, what dh_link does).
top() { local path=${1#/}; echo "${path%%/*}"; }
while IFS= read -r link; do
    target=$(readlink "$link") path=/${link#"$root"/}
    if [[ $target == /* && $(top "$target") == "$(top "$path")" ]]; then
        ln -sfn "$(realpath -m --relative-to="$(dirname "$path")" "$target")" "$link"
    fi
done < <(find "$root" -type l)

# Manual pages of the commands on PATH, from their own --help (swift-argument-parser's tool).
swift build -c debug --product generate-manual 2>&1 | grep -v "^\[" >&2 || true
install -d -m 0755 "$root/usr/share/man/man1" "$root/usr/share/man/man8"
manuals=$(mktemp -d)
changed=$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)" +%F)
.build/debug/generate-manual "$root/usr/sbin/pyxis-doctor" --section 8 --date "$changed" -o "$manuals"
.build/debug/generate-manual "$root/usr/libexec/pyxis/pyxis-image-cache" --section 1 --date "$changed" -o "$manuals"
gzip -9n < "$manuals/pyxis-doctor.8" > "$root/usr/share/man/man8/pyxis-doctor.8.gz"
gzip -9n < "$manuals/pyxis-image-cache.1" > "$root/usr/share/man/man1/pyxis-image-cache.1.gz"
chmod 0644 "$root/usr/share/man/"*/*.gz
rm -rf "$manuals"

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
