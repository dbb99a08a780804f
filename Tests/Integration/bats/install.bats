# `make install` and `make uninstall` with PREFIX and DESTDIR, and the properties of the shipped
# plugin and its core. Needs the build (`make`), not the cluster.
load helpers

destdir=$PYXIS_TEST_WORK/destdir
root=$destdir/opt/pyxis-test
plugin=$root/lib/slurm/spank_pyxis.so
core=$root/lib/slurm/pyxis/spank_pyxis_core.so

setup_file() {
    rm -rf "$destdir"
    make -s -C "$repo" install DESTDIR="$destdir" PREFIX=/opt/pyxis-test >/dev/null
}
teardown_file() { rm -rf "$destdir"; }

# lacks PATTERN COMMAND...: COMMAND succeeds (so a missing file or a failing tool fails the test),
# and no line of its output matches the extended regex PATTERN (case-insensitive); those that do
# are printed.
lacks() {
    local pattern=$1; shift
    run -0 "$@"
    if grep -iE -- "$pattern" <<<"$output"; then return 1; fi
}

@test "install: plugin at PREFIX/lib/slurm/spank_pyxis.so" { [[ -x $plugin ]]; }
@test "install: its Swift core at PREFIX/lib/slurm/pyxis/spank_pyxis_core.so" { [[ -x $core ]]; }

@test "install: one executable under PREFIX/libexec/pyxis, each tool a link to it beside it" {
    [[ -f $root/libexec/pyxis/pyxis-tools && ! -L $root/libexec/pyxis/pyxis-tools ]]
    local tool count=0
    while read -r tool _; do
        [[ $(readlink "$root/libexec/pyxis/$tool") == pyxis-tools ]] || { echo "$tool: $(readlink "$root/libexec/pyxis/$tool")" >&2; false; }
        count=$((count + 1))
    done < <("$root/libexec/pyxis/pyxis-tools" --list)
    [[ $count -eq 12 ]]
    # Nothing else is an executable there: the enroot scripts the hooks hand over to have their own directory.
    [[ $(find "$root/libexec/pyxis" -maxdepth 1 -type f | wc -l) -eq 1 ]]
}
@test "install: a drop-in in PREFIX/share/pyxis/hooks.d for every hook pyxis-tools lists, and nothing else" {
    local listed
    listed=$("$root/libexec/pyxis/pyxis-tools" --list | awk 'NF == 2 { print $2 }' | sort)
    [[ $(wc -l <<<"$listed") -eq 10 ]]
    [[ $(find "$root/share/pyxis/hooks.d" -mindepth 1 -printf '%f\n' | sort) == "$listed" ]]
}
@test "install: pyxis-hook-pytorch under PREFIX/libexec/pyxis" { [[ -x $root/libexec/pyxis/pyxis-hook-pytorch ]]; }
@test "install: pyxis-hook-pmi under PREFIX/libexec/pyxis" { [[ -x $root/libexec/pyxis/pyxis-hook-pmi ]]; }
@test "install: pyxis-hook-home under PREFIX/libexec/pyxis" { [[ -x $root/libexec/pyxis/pyxis-hook-home ]]; }
@test "install: pyxis-seccomp-exec under PREFIX/libexec/pyxis" { [[ -x $root/libexec/pyxis/pyxis-seccomp-exec ]]; }
@test "install: pyxis-image-cache under PREFIX/libexec/pyxis, linked beside the core and in PREFIX/bin" {
    [[ -x $root/libexec/pyxis/pyxis-image-cache ]]
    [[ $(readlink "$root/lib/slurm/pyxis/pyxis-image-cache") == /opt/pyxis-test/libexec/pyxis/pyxis-image-cache ]]
    [[ $(readlink "$root/bin/pyxis-image-cache") == /opt/pyxis-test/libexec/pyxis/pyxis-image-cache ]]
}
@test "install: pyxis-doctor in PREFIX/sbin, with no runpath" {
    [[ -x $root/sbin/pyxis-doctor ]]
    lacks 'rpath|runpath' readelf -d "$root/sbin/pyxis-doctor"
}
@test "install: SLURM_PLUGINDIR puts the plugin, its core and the plugstack line in Slurm's own directory" {
    local own=$PYXIS_TEST_WORK/destdir-plugindir
    rm -rf "$own"
    make -s -C "$repo" install DESTDIR="$own" PREFIX=/usr SLURM_PLUGINDIR=/usr/lib/x86_64-linux-gnu/slurm-wlm >/dev/null
    local line
    line=$(cat "$own/usr/share/pyxis/pyxis.conf")
    [[ -f $own/usr/lib/x86_64-linux-gnu/slurm-wlm/spank_pyxis.so && -f $own/usr/lib/x86_64-linux-gnu/slurm-wlm/pyxis/spank_pyxis_core.so ]]
    rm -rf "$own"
    [[ $line == "required /usr/lib/x86_64-linux-gnu/slurm-wlm/spank_pyxis.so" ]]
}

@test "install: hooks.d/10-home.sh links to PREFIX/libexec/pyxis/pyxis-hook-home" {
    [[ $(readlink "$root/share/pyxis/hooks.d/10-home.sh") == /opt/pyxis-test/libexec/pyxis/pyxis-hook-home ]]
}
@test "install: hooks.d/50-slurm-pmi.sh links to PREFIX/libexec/pyxis/pyxis-hook-pmi" {
    [[ $(readlink "$root/share/pyxis/hooks.d/50-slurm-pmi.sh") == /opt/pyxis-test/libexec/pyxis/pyxis-hook-pmi ]]
}
@test "install: hooks.d/50-slurm-pytorch.sh links to PREFIX/libexec/pyxis/pyxis-hook-pytorch" {
    [[ $(readlink "$root/share/pyxis/hooks.d/50-slurm-pytorch.sh") == /opt/pyxis-test/libexec/pyxis/pyxis-hook-pytorch ]]
}
# The links of an install without DESTDIR (run.sh's staging install, which the cluster uses).
@test "install: hooks.d/10-home.sh of an install without DESTDIR resolves to an executable" {
    [[ -x $PYXIS_TEST_PREFIX/share/pyxis/hooks.d/10-home.sh ]]
}
@test "install: hooks.d/50-slurm-pmi.sh of an install without DESTDIR resolves to an executable" {
    [[ -x $PYXIS_TEST_PREFIX/share/pyxis/hooks.d/50-slurm-pmi.sh ]]
}
@test "install: hooks.d/50-slurm-pytorch.sh of an install without DESTDIR resolves to an executable" {
    [[ -x $PYXIS_TEST_PREFIX/share/pyxis/hooks.d/50-slurm-pytorch.sh ]]
}
@test "install: plugstack line" {
    [[ $(cat "$root/share/pyxis/pyxis.conf") == "required /opt/pyxis-test/lib/slurm/spank_pyxis.so" ]]
}

@test "the plugin exports only the SPANK symbols" {
    run bash -c "nm -D --defined-only '$plugin' | awk '{print \$3}' | sort | tr '\n' ' '"
    assert_output_is "plugin_name plugin_type plugin_version slurm_spank_exit slurm_spank_init slurm_spank_init_post_opt slurm_spank_job_epilog slurm_spank_task_exit slurm_spank_task_init slurm_spank_user_init spank_plugin_version "
}
@test "the plugin needs no Swift, libstdc++ or libslurm shared library" {
    lacks 'swift|stdc\+\+|slurm' ldd "$plugin"
}
@test "the plugin is linked -z nodelete and -z now" { readelf -d "$plugin" | grep -q "NOW NODELETE"; }
@test "the plugin has no runpath" {
    lacks 'rpath|runpath' readelf -d "$plugin"
}
@test "the plugin is stripped" {
    run -0 --separate-stderr nm "$plugin"   # a missing file is 1
    [[ -z $output && $stderr == *"no symbols"* ]] || { echo "$output" | head >&2; echo "$stderr" >&2; false; }
}
# The front loads no Swift: a step without containers does not pay for the runtime in slurmstepd.
@test "the plugin (the C front) is small and needs only libc" {
    [[ $(stat -c %s "$plugin") -lt 65536 ]] || { echo "size $(stat -c %s "$plugin")" >&2; false; }
    run -0 readelf -d "$plugin"
    [[ $(grep NEEDED <<<"$output" | grep -v libc.so) == "" && $output == *"(NEEDED)"*"[libc.so."* ]] ||
        { grep NEEDED <<<"$output" >&2; false; }
}
@test "the core exports only the entry points the front calls" {
    run bash -c "nm -D --defined-only '$core' | awk '{print \$3}' | sort | tr '\n' ' '"
    assert_output_is "pyxis_swift_exit pyxis_swift_init pyxis_swift_init_post_opt pyxis_swift_job_epilog pyxis_swift_option pyxis_swift_task_exit pyxis_swift_task_init pyxis_swift_user_init "
}
@test "the core needs no Swift, libstdc++, libgcc_s or libslurm shared library" {
    lacks 'swift|stdc\+\+|gcc_s|slurm' ldd "$core"
}
@test "the core is linked -z nodelete and -z now" { readelf -d "$core" | grep -q "NOW NODELETE"; }
@test "the core has no runpath" {
    lacks 'rpath|runpath' readelf -d "$core"
}

@test "uninstall removes every installed file" {
    local own=$PYXIS_TEST_WORK/destdir-uninstall
    rm -rf "$own"
    make -s -C "$repo" install DESTDIR="$own" PREFIX=/opt/pyxis-test >/dev/null
    make -s -C "$repo" uninstall DESTDIR="$own" PREFIX=/opt/pyxis-test >/dev/null
    local left
    left=$(find "$own" -type f -o -type l)
    rm -rf "$own"
    [[ -z $left ]] || { echo "left: $left" >&2; false; }
}
