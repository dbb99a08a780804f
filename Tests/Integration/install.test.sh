# Install: `make install` and `make uninstall` with PREFIX and DESTDIR, and the properties of
# the shipped plugin. Sourced by run.sh (after `make`).

destdir=$PYXIS_TEST_WORK/destdir
rm -rf "$destdir"
make -s -C "$repo" install DESTDIR="$destdir" PREFIX=/opt/pyxis-test >/dev/null
root=$destdir/opt/pyxis-test
check "install: plugin at PREFIX/lib/slurm/spank_pyxis.so" test -x "$root/lib/slurm/spank_pyxis.so"
for exe in pyxis-hook-pytorch pyxis-hook-pmi pyxis-hook-home pyxis-seccomp-exec; do
    check "install: $exe under PREFIX/libexec/pyxis" test -x "$root/libexec/pyxis/$exe"
done
hooks=("$root"/share/pyxis/hooks.d/*.sh)
check "install: hooks.d drop-ins under PREFIX/share/pyxis/hooks.d" test -e "${hooks[0]}"
check "install: the drop-ins name the installed executables, not the build tree" \
    bash -c '! grep -l -e "@LIBEXECDIR@" -e "$1" "${@:2}"' _ "$repo" "${hooks[@]}"
expect_success "install: plugstack line" "required /opt/pyxis-test/lib/slurm/spank_pyxis.so" \
    cat "$root/share/pyxis/pyxis.conf"

symbols=$(nm -D --defined-only "$root/lib/slurm/spank_pyxis.so" | awk '{print $3}' | sort | tr '\n' ' ')
check "plugin exports only the SPANK symbols (got: $symbols)" test "$symbols" = \
    "plugin_name plugin_type plugin_version slurm_spank_init slurm_spank_init_post_opt slurm_spank_task_init spank_plugin_version "
check "plugin needs no Swift, libstdc++ or libslurm shared library" \
    bash -c '! ldd "$1" | grep -E "swift|stdc\+\+|slurm"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin is linked -z nodelete and -z now" \
    bash -c 'readelf -d "$1" | grep -q "NOW NODELETE"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin has no runpath" bash -c '! readelf -d "$1" | grep -qiE "rpath|runpath"' _ "$root/lib/slurm/spank_pyxis.so"
check "plugin is stripped" bash -c '! nm "$1" >/dev/null 2>&1 || [ -z "$(nm "$1" 2>/dev/null)" ]' _ "$root/lib/slurm/spank_pyxis.so"

make -s -C "$repo" uninstall DESTDIR="$destdir" PREFIX=/opt/pyxis-test >/dev/null
left=$(find "$destdir" -type f -o -type l)
check "uninstall removes every installed file (left: ${left:-none})" test -z "$left"
rm -rf "$destdir"
