# Install: `make install` and `make uninstall` with PREFIX and DESTDIR, and the properties of
# the shipped plugin. Sourced by run.sh (after `make`).

destdir=$PYXIS_TEST_WORK/destdir
rm -rf "$destdir"
make -s -C "$repo" install DESTDIR="$destdir" PREFIX=/opt/pyxis-test >/dev/null
root=$destdir/opt/pyxis-test
check "install: plugin at PREFIX/lib/slurm/spank_pyxis.so" test -x "$root/lib/slurm/spank_pyxis.so"
core=$root/lib/slurm/pyxis/spank_pyxis_core.so
check "install: its Swift core at PREFIX/lib/slurm/pyxis/spank_pyxis_core.so" test -x "$core"
for exe in pyxis-hook-pytorch pyxis-hook-pmi pyxis-hook-home pyxis-seccomp-exec; do
    check "install: $exe under PREFIX/libexec/pyxis" test -x "$root/libexec/pyxis/$exe"
done
for hook in 10-home.sh:pyxis-hook-home 50-slurm-pmi.sh:pyxis-hook-pmi 50-slurm-pytorch.sh:pyxis-hook-pytorch; do
    link=$root/share/pyxis/hooks.d/${hook%%:*}
    check "install: hooks.d/${hook%%:*} links to PREFIX/libexec/pyxis/${hook#*:}" \
        test "$(readlink "$link")" = "/opt/pyxis-test/libexec/pyxis/${hook#*:}"
done
for link in "$PYXIS_TEST_PREFIX"/share/pyxis/hooks.d/*.sh; do
    check "install: $(basename "$link") resolves to an executable" test -x "$link"
done
expect_success "install: plugstack line" "required /opt/pyxis-test/lib/slurm/spank_pyxis.so" \
    cat "$root/share/pyxis/pyxis.conf"

symbols=$(nm -D --defined-only "$root/lib/slurm/spank_pyxis.so" | awk '{print $3}' | sort | tr '\n' ' ')
check "plugin exports only the SPANK symbols (got: $symbols)" test "$symbols" = \
    "plugin_name plugin_type plugin_version slurm_spank_exit slurm_spank_init slurm_spank_init_post_opt slurm_spank_job_epilog slurm_spank_task_exit slurm_spank_task_init slurm_spank_user_init spank_plugin_version "
check "plugin needs no Swift, libstdc++ or libslurm shared library" \
    bash -c '! ldd "$1" | grep -E "swift|stdc\+\+|slurm"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin is linked -z nodelete and -z now" \
    bash -c 'readelf -d "$1" | grep -q "NOW NODELETE"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin has no runpath" bash -c '! readelf -d "$1" | grep -qiE "rpath|runpath"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin is stripped" bash -c '! nm "$1" >/dev/null 2>&1 || [ -z "$(nm "$1" 2>/dev/null)" ]' _ "$root/lib/slurm/spank_pyxis.so"
# The front loads no Swift: a step without containers does not pay for the runtime in slurmstepd.
check "plugin (the C front) is small and needs only libc (size $(stat -c %s "$root/lib/slurm/spank_pyxis.so"))" \
    bash -c '[ "$(stat -c %s "$1")" -lt 65536 ] && [ "$(readelf -d "$1" | grep NEEDED | grep -vc libc.so)" = 0 ]' _ "$root/lib/slurm/spank_pyxis.so"
symbols=$(nm -D --defined-only "$core" | awk '{print $3}' | sort | tr '\n' ' ')
check "core exports only the entry points the front calls (got: $symbols)" test "$symbols" = \
    "pyxis_swift_exit pyxis_swift_init pyxis_swift_init_post_opt pyxis_swift_job_epilog pyxis_swift_option pyxis_swift_task_exit pyxis_swift_task_init pyxis_swift_user_init "
check "core needs no Swift, libstdc++, libgcc_s or libslurm shared library" \
    bash -c '! ldd "$1" | grep -E "swift|stdc\+\+|gcc_s|slurm"' _ "$core"
check "core is linked -z nodelete and -z now" bash -c 'readelf -d "$1" | grep -q "NOW NODELETE"' _ "$core"
check "core has no runpath" bash -c '! readelf -d "$1" | grep -qiE "rpath|runpath"' _ "$core"

make -s -C "$repo" uninstall DESTDIR="$destdir" PREFIX=/opt/pyxis-test >/dev/null
left=$(find "$destdir" -type f -o -type l)
check "uninstall removes every installed file (left: ${left:-none})" test -z "$left"
rm -rf "$destdir"
