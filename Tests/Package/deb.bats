# make deb's package, without touching this machine's system: its files against `make install`,
# its Slurm dependency, lintian, and dpkg -i / -r / --purge into an empty root (dpkg --root, with
# only the dependencies' status records). As root, after `make deb`:
#
#   bats Tests/Package/deb.bats            (PYXIS_DEB=path tests another package)
#
# Tests/Package/ci.sh installs the package on the real system and runs the integration suites.
# The last tests build packages for Slurm 26.05 from a copy of the built tree
# (other-release.bash; they need that release's tarball).

load other-release
load installed-root
bats_require_minimum_version 1.5.0   # run -N, --separate-stderr

repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# shellcheck disable=SC2012  # the newest by time; make deb names them swift-pyxis_VERSION_ARCH.deb
deb=${PYXIS_DEB:-$(ls -t "$repo"/.build/deb/swift-pyxis_*.deb 2>/dev/null | head -n 1)}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
plugindir=/usr/lib/$multiarch/slurm-wlm

setup() {
    [[ $(id -u) -eq 0 ]] || skip "needs root (dpkg --root)"
    [[ -f $deb ]] || { echo "no package: run make deb, or set PYXIS_DEB" >&2; return 1; }
    root=$(mktemp -d)
    chmod 0755 "$root"
    mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
    # The package's dependencies, as installed here, so that dpkg -i needs no --force-depends.
    local dependencies=(libc6 libseccomp2 slurm-wlm-basic-plugins)
    dpkg-query -s "${dependencies[@]}" > "$root/var/lib/dpkg/status"
    for package in $(dpkg-query -W -f='${binary:Package}\n' "${dependencies[@]}"); do
        touch "$root/var/lib/dpkg/info/$package.list"
    done
}

teardown() { [[ -z ${root:-} ]] || rm -rf "$root"; }

in_root() { dpkg --root="$root" "$@" >/dev/null; }

# Every path under ROOT that is not dpkg's own database.
paths_in() { (cd "$1" && find . -path ./var -prune -o \( -type f -o -type l \) -print | sed 's|^\.||' | sort); }

@test "make deb: the package holds every file and link make install installs" {
    local staged
    staged=$(mktemp -d)
    make -s -C "$repo" install DESTDIR="$staged" PREFIX=/usr LIBDIR="/usr/lib/$multiarch" \
        SLURM_PLUGINDIR="$plugindir" LIBEXECDIR=/usr/libexec >/dev/null
    missing=$(comm -23 <(paths_in "$staged") <(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\.||' | sort))
    rm -rf "$staged"
    [[ -z $missing ]] || { echo "not in the package: $missing" >&2; false; }
}

@test "make deb: spank_pyxis(8) renders without a warning and names every option and plugstack key" {
    local page options keys
    page=$(mktemp)
    dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/man/man8/spank_pyxis.8.gz | gunzip > "$page"
    run --separate-stderr -0 man --warnings -l "$page"
    rm -f "$page"
    [[ -z $stderr ]] || { echo "$stderr" >&2; false; }
    # The catalogs the page is made from: the option names, and the plugstack keys.
    options=$(grep -o '"\(no-\)\{0,1\}container-[a-z-]*"' "$repo/Sources/PyxisCore/OptionCatalog.swift" | tr -d '"' | sort -u)
    keys=$(sed -n '/static let keys = \[/,/\]/p' "$repo/Sources/PyxisCore/PluginConfig.swift" | grep -o '"[a-z_]*"' | tr -d '"')
    [[ $(wc -l <<<"$options") -ge 17 && $(wc -l <<<"$keys") -ge 13 ]] || { echo "options: $options keys: $keys" >&2; false; }
    for word in $options; do [[ $output == *"--$word"* ]] || { echo "no --$word in spank_pyxis(8)" >&2; false; }; done
    for word in $keys; do [[ $output == *"$word="* ]] || { echo "no $word= in spank_pyxis(8)" >&2; false; }; done
}

@test "make deb: Depends pins slurm-wlm-basic-plugins, the package of libslurmfull and Slurm's plugin directory" {
    local installed depends
    installed=$(dpkg-query -W -f='${Version}' slurm-wlm-basic-plugins)
    depends=$(dpkg-deb -f "$deb" Depends)
    [[ $depends == *"slurm-wlm-basic-plugins (= $installed)"* || $depends == *"slurm-wlm-basic-plugins (>= ${installed:0:5}), slurm-wlm-basic-plugins (<< "* ]] ||
        { echo "Depends: $depends" >&2; false; }
    [[ $depends == *"libseccomp2"* ]]
}

@test "lintian: no finding that is not overridden with its reason" {
    command -v lintian >/dev/null || skip "lintian is not installed (apt-get install lintian)"
    # 0: lintian checked the package and found no error (1: an error; 2: lintian itself failed).
    run lintian --pedantic --info "$deb"
    [[ $status -eq 0 ]] || { echo "lintian exited $status: $output" >&2; false; }
    findings=$(grep -E '^[EWIPX]: ' <<<"$output" || true)
    [[ -z $findings ]] || { echo "$findings" >&2; false; }
}

@test "dpkg -i: the plugin and its core in Slurm's plugin directory, the line a conffile, enabled by a link" {
    local started
    started=$(date +%s%N)
    in_root -i "$deb"
    echo "# dpkg -i into an empty root: $((($(date +%s%N) - started) / 1000000)) ms" >&3
    [[ -f $root$plugindir/spank_pyxis.so && -f $root$plugindir/pyxis/spank_pyxis_core.so ]]
    [[ -x $root/usr/sbin/pyxis-doctor && -x $root/usr/bin/pyxis-image-cache ]]
    [[ $(grep -v '^#' "$root/etc/slurm/plugstack.conf.d/pyxis.conf") == "required $plugindir/spank_pyxis.so" ]]
    [[ -L $root/etc/slurm/plugstack.conf.d/pyxis.conf ]]
    [[ $(dpkg-query --root="$root" -W -f='${Conffiles}' swift-pyxis) == *"/etc/pyxis/plugstack.conf "* ]]
}

@test "dpkg -r: everything goes but the conffile, and Slurm no longer finds a line naming a removed plugin" {
    in_root -i "$deb"
    in_root -r swift-pyxis
    [[ $(paths_in "$root") == /etc/pyxis/plugstack.conf ]] || { paths_in "$root" >&2; false; }
}

@test "dpkg -i again: the site's settings in the conffile are kept" {
    in_root -i "$deb"
    sed -i 's|spank_pyxis.so$|spank_pyxis.so container_scope=job|' "$root/etc/pyxis/plugstack.conf"
    in_root -r swift-pyxis
    in_root -i "$deb"
    grep -q "spank_pyxis.so container_scope=job$" "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
}

@test "dpkg --purge: nothing is left" {
    in_root -i "$deb"
    in_root --purge swift-pyxis
    [[ -z $(paths_in "$root") ]] || { paths_in "$root" >&2; false; }
    [[ -z $(cd "$root" && find . -path ./var -prune -o -type d -name '*pyxis*' -print) ]]
}

@test "the installed pyxis-doctor finds the installed plugin through Debian's plugstack include" {
    in_root -i "$deb"
    assert_doctor_finds_plugin "$root" "$plugindir"
}

@test "make deb SLURM_PREFIX=.build/slurm-headers/26.05.3: for SchedMD's slurm-smd 26.05.3, read from the plugin" {
    local other depends line
    stage_for_release 26.05.3 "$root/stage"
    [[ $(plugin_version "$root/stage/spank_pyxis.so") == 0x1a0503 ]]
    # As make deb runs it after make SLURM_PREFIX=.build/slurm-headers/26.05.3: the flavour is smd.
    SLURM_INCLUDE=$repo/.build/slurm-headers/26.05.3/include DEB_STAGE=$root/stage DEB_OUT=$root/out \
        bash "$repo/scripts/deb/build.sh" >/dev/null 2>&1 || { echo "make deb failed" >&2; false; }
    other=$(echo "$root"/out/swift-pyxis_*.deb)
    depends=$(dpkg-deb -f "$other" Depends)
    [[ $depends == *"slurm-smd (>= 26.05.3), slurm-smd (<< 26.05.4~)" && $depends != *slurm-wlm* ]] ||
        { echo "Depends: $depends" >&2; false; }
    dpkg-deb -c "$other" | grep -q " ./usr/lib/$multiarch/slurm/spank_pyxis.so$"
    line=$(dpkg-deb --fsys-tarfile "$other" | tar -xO ./etc/pyxis/plugstack.conf | grep -v '^#')
    [[ $line == "required /usr/lib/$multiarch/slurm/spank_pyxis.so" ]] || { echo "the line: $line" >&2; false; }
    dpkg-deb -f "$other" Description | grep -q "for Slurm 26.05 only"
}

@test "make deb: DEB_SLURM_FLAVOUR=debian refuses a plugin built for another Slurm than the installed one" {
    stage_for_release 26.05.3 "$root/stage"
    run env DEB_SLURM_FLAVOUR=debian DEB_STAGE="$root/stage" DEB_OUT="$root/out" bash "$repo/scripts/deb/build.sh"
    [[ $status -eq 1 && $output == *"built for Slurm 26.05.3 but slurm-wlm-basic-plugins is"* && ! -e $root/out ]] ||
        { echo "make deb exited $status: $output" >&2; false; }
}
