#!/usr/bin/env bash
# Puts our hook drop-ins in place of enroot's standard hooks, as a site enables them, and back.
#
#   scripts/use-pyxis-hooks.sh on DROPIN_DIR   every drop-in of DROPIN_DIR (e.g.
#                                              /usr/share/pyxis/hooks.d) named like a file of
#                                              enroot's hooks.d replaces that file (linked);
#                                              enroot's files are kept aside
#   scripts/use-pyxis-hooks.sh off             enroot's files back, our links gone
#
# enroot's hooks.d: $ENROOT_HOOKS_DIR, default /etc/enroot/hooks.d. Root. Used by the package
# pass (Tests/Package/ci.sh) and the benchmarks (BENCH_HOOKS=pyxis).
set -euo pipefail
hooks_dir=${ENROOT_HOOKS_DIR:-/etc/enroot/hooks.d}
aside=/var/lib/pyxis-enroot-hooks-aside

off() {
    local kept name
    [[ -d $aside ]] || return 0
    for kept in "$aside"/*.sh; do
        [[ -e $kept ]] || continue
        name=$(basename "$kept")
        rm -f "$hooks_dir/$name"
        mv "$kept" "$hooks_dir/$name"
    done
    rmdir "$aside"
}

on() {
    local dropins=$1 dropin name replaced=()
    off
    mkdir -p "$aside"
    for dropin in "$dropins"/*.sh; do
        name=$(basename "$dropin")
        [[ -f $hooks_dir/$name && ! -L $hooks_dir/$name ]] || continue
        mv "$hooks_dir/$name" "$aside/$name"
        ln -s "$(readlink -f "$dropin")" "$hooks_dir/$name"
        replaced+=("$name")
    done
    echo "enroot's hooks replaced by ours: ${replaced[*]:-none}"
}

case "${1:-}" in
on) [[ $# -eq 2 && -d $2 ]] || { echo "usage: $0 on DROPIN_DIR" >&2; exit 2; }; on "$2" ;;
off) off ;;
*) echo "usage: $0 on DROPIN_DIR | off" >&2; exit 2 ;;
esac
