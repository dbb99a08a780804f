# For deb.bats and rpm.bats: a built tree for another Slurm release than the one `make` built
# for, without rebuilding the Swift parts. Only the C front includes Slurm's release-specific
# headers (the Makefile's "Slurm releases" comment), so the tree is .build/stage's files,
# linked, with spank_pyxis.so compiled again by `make front SLURM_PREFIX=...` against the
# headers scripts/slurm-headers.sh makes from the release's tarball.
# shellcheck shell=bash

other_release_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# stage_for_release VERSION DIR: DIR gets the tree; skips the test when the release's headers
# cannot be had (no tarball in $SLURM_TARBALLS or ../shared/slurm).
stage_for_release() {
    local version=$1 dir=$2 repo=$other_release_repo headers
    headers=.build/slurm-headers/$version
    [[ -f $repo/.build/generated/pyxis_options.h ]] || { echo "no .build/generated/pyxis_options.h: run make" >&2; return 1; }
    if [[ ! -f $repo/$headers/include/slurm/spank.h ]]; then
        bash "$repo/scripts/slurm-headers.sh" "$version" "$repo/$headers" >/dev/null 2>&1 ||
            skip "no Slurm $version headers (scripts/slurm-headers.sh needs slurm-$version.tar.xz in ${SLURM_TARBALLS:-../shared/slurm})"
    fi
    mkdir -p "$dir"
    cp -as "$repo/.build/stage/." "$dir/"
    rm "$dir/spank_pyxis.so"
    # The Makefile's own recipe, into DIR.
    make -s --no-print-directory -C "$repo" front STAGE="$dir" SLURM_PREFIX="$headers" >/dev/null
}

# plugin_version FILE: the plugin's plugin_version as Slurm reads it (0x1a0503), by a route
# other than make deb's and make rpm's (scripts/deb/common.sh reads it with readelf and od):
# the symbol's address from nm, the 4 bytes there from objdump.
plugin_version() {
    local address bytes
    address=$(nm -D --defined-only "$1" | awk '$3 == "plugin_version" { print $1 }')
    [[ -n $address ]] || { echo "$1: no plugin_version" >&2; return 1; }
    bytes=$(objdump -s --start-address=0x"$address" --stop-address=$((0x$address + 4)) "$1" |
        awk 'NF >= 2 && $1 ~ /^[0-9a-f]+$/ { print $2; exit }')
    [[ ${#bytes} -eq 8 ]] || { echo "$1: cannot read plugin_version at 0x$address" >&2; return 1; }
    printf '0x%06x\n' $((0x${bytes:6:2}${bytes:4:2}${bytes:2:2}${bytes:0:2}))
}

# release_of 0x1a0503: 26.05.3
release_of() {
    printf '%d.%02d.%d\n' $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255))
}
