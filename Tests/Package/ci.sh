#!/usr/bin/env bash
# The package in CI: build it (make deb), check it in an empty root (deb.bats), the same for
# the RPM (scripts/rpm/build.sh, rpm.bats; when rpm and rpmlint are installed), install the deb on
# this machine with dpkg -i, enable its hooks in place of enroot's standard ones, run
# pyxis-doctor and the integration suites against what it installed, then put enroot's hooks
# back, dpkg --purge it and check that nothing it installed is left. Prints the package size and
# the install and removal times.
#
#   Tests/Package/ci.sh [SUITE...]      as root, after .ci/run's set-up; SUITEs as run.sh takes them
#
# Refuses to run when swift-pyxis is installed already (it would remove a site's package).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PATH:/opt/swift/usr/bin:/usr/sbin:/sbin

[[ $(id -u) -eq 0 ]] || { echo "ci.sh: run as root" >&2; exit 2; }
if dpkg-query -W -f='${Status}' swift-pyxis 2>/dev/null | grep -q installed; then
    echo "ci.sh: swift-pyxis is installed already; remove it first (dpkg --purge swift-pyxis)" >&2
    exit 2
fi
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

make deb
# shellcheck disable=SC2012  # the newest by time; make deb names them swift-pyxis_VERSION_ARCH.deb
deb=$(ls -t .build/deb/swift-pyxis_*.deb | head -n 1)
bats Tests/Package/deb.bats

# The RPM of the same build (what make rpm runs, without building again), checked in an empty
# root with its own rpm database (rpm.bats): nothing is installed on this machine.
if command -v rpmbuild >/dev/null && command -v rpmlint >/dev/null; then
    bash scripts/rpm/build.sh
    bats Tests/Package/rpm.bats
else
    echo "ci.sh: no rpm pass (it needs Debian's rpm and rpmlint packages)"
fi

started=$(date +%s%N)
dpkg -i "$deb"
install_ms=$(ms_since "$started")
mapfile -t installed < <(dpkg -L swift-pyxis)
plugin=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/slurm-wlm/spank_pyxis.so

# Our full hook set in place of enroot's standard one, as a site enables it (enroot's are kept
# aside and put back), so the suites below run every container start through our hooks.
trap 'scripts/use-pyxis-hooks.sh off; dpkg --purge swift-pyxis >/dev/null 2>&1 || true' EXIT
scripts/use-pyxis-hooks.sh on /usr/share/pyxis/hooks.d

# The node as the package left it, before any cluster runs (informative: no slurmd, no runtime_path).
pyxis-doctor || true

status=0
PYXIS_TEST_INSTALLED=1 PYXIS_PLUGIN=$plugin bash Tests/Integration/run.sh "$@" || status=$?

scripts/use-pyxis-hooks.sh off
started=$(date +%s%N)
dpkg --purge swift-pyxis
purge_ms=$(ms_since "$started")
trap - EXIT
left=()
for path in "${installed[@]}"; do
    [[ -d $path && ! -L $path ]] && continue   # directories: Debian's own, or removed when empty
    [[ -e $path || -L $path ]] && left+=("$path")
done
[[ ! -e /etc/pyxis ]] || left+=(/etc/pyxis)

echo "package: $deb, $(du -k "$deb" | cut -f1) KiB (Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB)"
echo "dpkg -i: $install_ms ms; dpkg --purge: $purge_ms ms"
if [[ ${#left[@]} -gt 0 ]]; then
    echo "ci.sh: left after dpkg --purge: ${left[*]}" >&2
    exit 1
fi
exit "$status"
