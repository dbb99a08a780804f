# What `make deb` and `make rpm` share; sourced by scripts/deb/build.sh and scripts/rpm/build.sh
# from the repository's top directory.
# shellcheck shell=bash

# slurm_release PLUGIN: the Slurm release a built spank_pyxis.so is for (22.05.8), from its
# plugin_version symbol: SPANK_PLUGIN(pyxis, 1) in the front defines it as the
# SLURM_VERSION_NUMBER (0xMMmmuu) of the headers it was compiled with, and Slurm reads it with
# dlsym before it accepts the plugin. Read from the file's bytes as pyxis-doctor reads it
# (Sources/PyxisDoctor/ELFSymbol.swift): the dynamic symbol's address, mapped to a file offset
# through the section that holds it; 4 bytes, little-endian. So the package names the release
# of the binary it ships, whatever headers /usr/include has.
slurm_release() {
    local plugin=$1 value size index address offset kind bytes number
    [[ -f $plugin ]] || { echo "$plugin: no such file (run make first)" >&2; return 1; }
    # readelf --dyn-syms -W: Num: Value Size Type Bind Vis Ndx Name
    read -r value size index < <(readelf --dyn-syms -W "$plugin" 2>/dev/null |
        awk '$8 == "plugin_version" || $8 ~ /^plugin_version@/ { print $2, $3, $7; exit }') || true
    [[ -n ${value:-} ]] || { echo "$plugin: no dynamic symbol plugin_version (not a SPANK plugin?)" >&2; return 1; }
    [[ $index =~ ^[0-9]+$ ]] || { echo "$plugin: plugin_version is not defined in a section (Ndx $index)" >&2; return 1; }
    [[ $size == 4 ]] || { echo "$plugin: plugin_version has $size bytes, not 4" >&2; return 1; }
    # readelf -S -W: [Nr] Name Type Address Off Size ..., with "[ 1]" for one-digit indices.
    read -r kind address offset < <(readelf -S -W "$plugin" |
        sed -n 's/^ *\[ *\([0-9]*\)\] */\1 /p' | awk -v n="$index" '$1 == n { print $3, $4, $5; exit }') || true
    [[ -n ${offset:-} ]] || { echo "$plugin: no section $index for plugin_version" >&2; return 1; }
    [[ $kind != NOBITS ]] || { echo "$plugin: plugin_version is in a section without contents (.bss)" >&2; return 1; }
    read -r -a bytes < <(od -An -tu1 -v -j $((16#$offset + 16#$value - 16#$address)) -N4 "$plugin")
    ((${#bytes[@]} == 4)) || { echo "$plugin: plugin_version lies outside the file" >&2; return 1; }
    number=$((bytes[0] | bytes[1] << 8 | bytes[2] << 16 | bytes[3] << 24))
    ((number >> 24 == 0 && number >> 16 > 0)) ||
        { echo "$plugin: plugin_version is $(printf 0x%x "$number"), not a Slurm release (0xMMmmuu)" >&2; return 1; }
    printf '%d.%02d.%d\n' $((number >> 16 & 255)) $((number >> 8 & 255)) $((number & 255))
}

# next_series 26.05: the major.minor after it (26.06), the first release Slurm would refuse the
# plugin in. Slurm numbers its releases YY.MM; any next one is above YY.(MM+1).
next_series() {
    printf '%s.%02d\n' "${1%.*}" $((10#${1#*.} + 1))
}

# relative_links ROOT: the absolute links `make install` made under ROOT, relative when link and
# target are in the same top-level directory (/usr): Debian policy 10.5 (what dh_link does),
# and what rpmbuild asks for ("warning: absolute symlink").
relative_links() {
    local root=$1 link target path
    while IFS= read -r link; do
        target=$(readlink "$link") path=/${link#"$root"/}
        if [[ $target == /* && $(top_directory "$target") == "$(top_directory "$path")" ]]; then
            ln -sfn "$(realpath -m --relative-to="$(dirname "$path")" "$target")" "$link"
        fi
    done < <(find "$root" -type l)
}

# top_directory /usr/lib/x: usr
top_directory() {
    local path=${1#/}
    echo "${path%%/*}"
}

# install_manuals ROOT: manual pages of the commands on PATH, made from their own --help by
# swift-argument-parser's generate-manual (a debug build of the tool; seconds once built),
# gzipped under ROOT/usr/share/man, for ROOT/usr/sbin/pyxis-doctor and
# ROOT/usr/libexec/pyxis/pyxis-image-cache as `make install` put them there; and the plugin's
# spank_pyxis(8), which `make build`'s pyxis-option-table prints from the option catalog.
install_manuals() {
    local root=$1 manuals changed
    swift build -c debug --product generate-manual 2>&1 | grep -v "^\[" >&2 || true
    install -d -m 0755 "$root/usr/share/man/man1" "$root/usr/share/man/man8"
    manuals=$(mktemp -d)
    changed=$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)" +%F)
    .build/debug/generate-manual "$root/usr/sbin/pyxis-doctor" --section 8 --date "$changed" -o "$manuals"
    .build/debug/generate-manual "$root/usr/libexec/pyxis/pyxis-image-cache" --section 1 --date "$changed" -o "$manuals"
    gzip -9n < "$manuals/pyxis-doctor.8" > "$root/usr/share/man/man8/pyxis-doctor.8.gz"
    gzip -9n < "$manuals/pyxis-image-cache.1" > "$root/usr/share/man/man1/pyxis-image-cache.1.gz"
    .build/release/pyxis-option-table --man "$changed" > "$manuals/spank_pyxis.8"
    gzip -9n < "$manuals/spank_pyxis.8" > "$root/usr/share/man/man8/spank_pyxis.8.gz"
    chmod 0644 "$root/usr/share/man/"*/*.gz
    rm -rf "$manuals"
}
