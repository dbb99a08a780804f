# make rpm's package, without a cluster and without touching this machine's rpm database: rpmlint
# (with the reasons in scripts/rpm/swift-pyxis.rpmlintrc), its files against `make install`, its
# Slurm requirement against the built plugin, and rpm -i / -V / -e into an empty root (rpm --root
# with its own database; --nodeps: the root has no Slurm and no libc). After `make rpm`
# (Debian: apt-get install rpm rpmlint):
#
#   bats Tests/Package/rpm.bats            (PYXIS_RPM=path tests another package)
#
# The tests that install need root (rpm --root chroots). The last one builds a second package
# for Slurm 26.05 from a copy of the built tree (other-release.bash; needs that release's tarball).

load other-release
load installed-root

repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# shellcheck disable=SC2012  # the newest by time; make rpm names them swift-pyxis-VERSION-RELEASE.ARCH.rpm
rpm=${PYXIS_RPM:-$(ls -t "$repo"/.build/rpm/swift-pyxis-*.rpm 2>/dev/null | head -n 1)}
plugindir=/usr/lib64/slurm

setup() {
    command -v rpm >/dev/null || skip "rpm is not installed (apt-get install rpm)"
    [[ -f $rpm ]] || { echo "no package: run make rpm, or set PYXIS_RPM" >&2; return 1; }
    tmp=$(mktemp -d)
}

teardown() { [[ -z ${tmp:-} ]] || rm -rf "$tmp"; }

# An empty root with an empty rpm database, for the tests that install.
empty_root() {
    [[ $(id -u) -eq 0 ]] || skip "needs root (rpm --root chroots)"
    root=$tmp/root
    mkdir -m 0755 "$root"
    in_root --initdb
}

in_root() { rpm --root "$root" --dbpath /var/lib/rpm "$@"; }

# Every path under ROOT that is not rpm's database.
paths_in() { (cd "$1" && find . -path ./var/lib/rpm -prune -o \( -type f -o -type l \) -print | sed 's|^\.||' | sort); }

@test "rpmlint: no finding that the rpmlintrc does not give a reason for" {
    command -v rpmlint >/dev/null || skip "rpmlint is not installed (apt-get install rpmlint)"
    # 0: no error (64: errors, 66: over the badness threshold; an unused filter is an error).
    run rpmlint -r "$repo/scripts/rpm/swift-pyxis.rpmlintrc" "$rpm"
    [[ $status -eq 0 ]] || { echo "rpmlint exited $status: $output" >&2; false; }
    [[ $output == *" 0 errors, 0 warnings, 0 badness;"* ]] || { echo "$output" >&2; false; }
}

@test "make rpm: the package holds every file and link make install installs, with Slurm's plugin directory" {
    local staged listed missing
    staged=$tmp/staged
    make -s -C "$repo" install DESTDIR="$staged" PREFIX=/usr LIBDIR=/usr/lib64 SLURM_PLUGINDIR=$plugindir \
        LIBEXECDIR=/usr/libexec >/dev/null 2>&1
    listed=$(rpm -qpl "$rpm")
    missing=$(comm -23 <(paths_in "$staged") <(sort <<<"$listed"))
    [[ -z $missing ]] || { echo "not in the package: $missing" >&2; false; }
    for path in $plugindir/spank_pyxis.so $plugindir/pyxis/spank_pyxis_core.so /usr/sbin/pyxis-doctor \
        /usr/libexec/pyxis/pyxis-hook-pmi /usr/share/pyxis/hooks.d/50-slurm-pmi.sh /usr/bin/pyxis-image-cache \
        /etc/slurm/plugstack.conf.d/pyxis.conf /usr/share/man/man8/pyxis-doctor.8.gz /usr/share/licenses/swift-pyxis/LICENSE; do
        grep -qx "$path" <<<"$listed" || { echo "not in the package: $path" >&2; false; }
    done
}

@test "make rpm: the plugstack line is a %config(noreplace) file naming the packaged plugin" {
    local flags line
    # fflags: c for %config, n for noreplace.
    flags=$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$rpm" | awk '$2 == "/etc/slurm/plugstack.conf.d/pyxis.conf" { print $1 }')
    [[ $flags == *c* && $flags == *n* ]] || { echo "flags of pyxis.conf: '$flags'" >&2; false; }
    [[ $(rpm -qpc "$rpm") == /etc/slurm/plugstack.conf.d/pyxis.conf ]] || { rpm -qpc "$rpm" >&2; false; }
    line=$(rpm2cpio "$rpm" | (cd "$tmp" && cpio -id --quiet ./etc/slurm/plugstack.conf.d/pyxis.conf) &&
        grep -v '^#' "$tmp/etc/slurm/plugstack.conf.d/pyxis.conf")
    [[ $line == "required $plugindir/spank_pyxis.so" ]] || { echo "the line: $line" >&2; false; }
}

@test "make rpm: Requires pins slurm to the release the packaged plugin is built for" {
    local version release series next requires
    rpm2cpio "$rpm" | (cd "$tmp" && cpio -id --quiet ".$plugindir/spank_pyxis.so")
    version=$(plugin_version "$tmp$plugindir/spank_pyxis.so")
    release=$(release_of "$version") series=$(release_of "$version" | cut -d. -f1,2)
    next=$(printf '%s.%02d' "${series%.*}" $((10#${series#*.} + 1)))
    requires=$(rpm -qpR "$rpm" | grep '^slurm' | LC_ALL=C sort)
    # RPM_SLURM_PIN=exact (make rpm's default) or series.
    [[ $requires == "slurm = $release" || $requires == "slurm < $next"$'\n'"slurm >= $series" ]] ||
        { echo "plugin_version $version ($release); Requires: $requires" >&2; false; }
    [[ $(rpm -qpR "$rpm") == *"libseccomp.so.2()(64bit)"* ]]
}

@test "rpm -i into an empty root: the plugin in Slurm's plugin directory, rpm -q and rpm -V agree" {
    empty_root
    local started
    started=$(date +%s%N)
    in_root --nodeps -i "$rpm"
    echo "# rpm -i into an empty root: $((($(date +%s%N) - started) / 1000000)) ms" >&3
    [[ -f $root$plugindir/spank_pyxis.so && -f $root$plugindir/pyxis/spank_pyxis_core.so ]]
    [[ -x $root/usr/sbin/pyxis-doctor && -x $root/usr/libexec/pyxis/pyxis-hook-pmi ]]
    [[ -x $root/usr/bin/pyxis-image-cache && -L $root/usr/bin/pyxis-image-cache ]]
    run in_root -q swift-pyxis
    [[ $status -eq 0 && $output == swift-pyxis-* ]] || { echo "rpm -q exited $status: $output" >&2; false; }
    # --nodeps: the files only (the root has none of the dependencies rpm -i was told to skip).
    run in_root -V --nodeps swift-pyxis
    [[ $status -eq 0 && -z $output ]] || { echo "rpm -V exited $status: $output" >&2; false; }
}

@test "rpm -V: a changed file of ours is reported" {
    empty_root
    in_root --nodeps -i "$rpm"
    echo >> "$root/usr/share/pyxis/pyxis.conf"
    run in_root -V --nodeps swift-pyxis
    [[ $status -ne 0 && $output == *"/usr/share/pyxis/pyxis.conf"* ]] || { echo "rpm -V exited $status: $output" >&2; false; }
}

@test "rpm -e: nothing of ours is left" {
    empty_root
    in_root --nodeps -i "$rpm"
    in_root -e swift-pyxis
    run in_root -q swift-pyxis
    [[ $status -eq 1 ]] || { echo "rpm -q exited $status: $output" >&2; false; }
    [[ -z $(paths_in "$root") ]] || { paths_in "$root" >&2; false; }
    [[ -z $(cd "$root" && find . -path ./var/lib/rpm -prune -o -name '*pyxis*' -print) ]]
}

@test "rpm -U again: the site's settings in the plugstack file are kept" {
    empty_root
    in_root --nodeps -i "$rpm"
    sed -i 's|spank_pyxis.so$|spank_pyxis.so container_scope=job|' "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
    in_root --nodeps -U --replacepkgs "$rpm"
    grep -q "spank_pyxis.so container_scope=job$" "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
}

@test "rpm -e with changed settings: kept as pyxis.conf.rpmsave, which plugstack.conf.d/*.conf does not match" {
    empty_root
    in_root --nodeps -i "$rpm"
    sed -i 's|spank_pyxis.so$|spank_pyxis.so container_scope=job|' "$root/etc/slurm/plugstack.conf.d/pyxis.conf"
    in_root -e swift-pyxis 2>/dev/null
    [[ $(paths_in "$root") == /etc/slurm/plugstack.conf.d/pyxis.conf.rpmsave ]] || { paths_in "$root" >&2; false; }
}

@test "the installed pyxis-doctor finds the installed plugin through the plugstack include" {
    empty_root
    in_root --nodeps -i "$rpm"
    assert_doctor_finds_plugin "$root" "$plugindir"
}

@test "make rpm for Slurm 26.05 (make SLURM_PREFIX=.build/slurm-headers/26.05.3): Requires slurm 26.05, from the plugin" {
    local other requires
    stage_for_release 26.05.3 "$tmp/stage"
    [[ $(plugin_version "$tmp/stage/spank_pyxis.so") == 0x1a0503 ]]
    RPM_STAGE=$tmp/stage RPM_OUT=$tmp/out RPM_SLURM_PIN=series bash "$repo/scripts/rpm/build.sh" >/dev/null 2>&1 ||
        { echo "make rpm failed" >&2; false; }
    other=$(echo "$tmp"/out/swift-pyxis-*.rpm)
    requires=$(rpm -qpR "$other" | grep '^slurm' | LC_ALL=C sort)
    [[ $requires == "slurm < 26.06"$'\n'"slurm >= 26.05" ]] || { echo "Requires: $requires" >&2; false; }
    rpm -qp --qf '%{DESCRIPTION}' "$other" | grep -q "for Slurm 26.05 only"
}
