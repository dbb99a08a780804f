#!/usr/bin/env bash
# Compiles the C that includes Slurm's headers against the headers of each Slurm release sites
# run, one line per release (`make check-slurm-headers`):
#
#   scripts/slurm-check-headers.sh [RELEASE...]     default: system 23.11.11 24.11.7 25.11.7 26.05.3
#
# `system` is /usr/include (Debian 12's libslurm-dev, 22.05.8); any other RELEASE's headers are
# put in $SLURM_HEADERS_DIR/RELEASE (default .build/slurm-headers) by scripts/slurm-headers.sh.
# The files: Sources/PyxisFront/front.c (with the generated pyxis_options.h from
# $PYXIS_GENERATED, default .build/generated, which `make` writes) and every other C file under
# Sources/ that includes <slurm/...> (the Swift core's shim, Sources/CSpank/cspank.c).
# Each is compiled to /dev/null with $CC and $CFLAGS (default: the front's, -O2 -fPIC -Wall
# -Wextra -Werror), and each release's SLURM_VERSION_NUMBER is checked to be the one asked for
# (so that the headers compiled against were that release's, not /usr/include's).
# Exit status: 0 when every file compiled against every release, 1 otherwise, 2 when something
# it needs is missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

# indent TEXT: TEXT with four spaces before each line (the compiler's words under a FAIL).
indent() { printf '    %s\n' "${1//$'\n'/$'\n'    }"; }

cc=${CC:-cc}
read -r -a cflags <<<"${CFLAGS:--O2 -fPIC -Wall -Wextra -Werror}"
generated=${PYXIS_GENERATED:-.build/generated}
headers_dir=${SLURM_HEADERS_DIR:-.build/slurm-headers}
releases=("$@")
((${#releases[@]})) || releases=(system 23.11.11 24.11.7 25.11.7 26.05.3)

if [[ ! -f $generated/pyxis_options.h ]]; then
    echo "check-slurm-headers: no $generated/pyxis_options.h, which front.c includes: run \`make\` first" \
        "(its build step writes it from pyxis-option-table), or name a directory that has it (make GENERATED=DIR; the script: PYXIS_GENERATED=DIR)" >&2
    exit 2
fi
# front.c, then the other C files that include Slurm's headers (each with its include/ directory).
files=(Sources/PyxisFront/front.c)
while IFS= read -r file; do
    [[ $file == "${files[0]}" ]] || files+=("$file")
done < <(grep -rl --include='*.c' '^#include <slurm/' Sources | sort)

start=$EPOCHREALTIME
failed=0
for release in "${releases[@]}"; do
    if [[ $release == system ]]; then
        include=/usr/include
    else
        include=$headers_dir/$release/include
        if ! out=$(bash scripts/slurm-headers.sh "$release" "$headers_dir/$release" 2>&1); then
            printf 'slurm %-9s FAIL: no headers\n' "$release"
            indent "$out"
            failed=1
            continue
        fi
    fi
    # The release the compiler sees: SLURM_VERSION_NUMBER through the same -I.
    number=$(printf '#include <slurm/slurm_version.h>\nSLURM_VERSION_NUMBER\n' |
        "$cc" -E -P -I"$include" -x c - 2>/dev/null | tail -n 1)
    if [[ ! $number =~ ^0x[0-9a-fA-F]{6}$ ]]; then
        printf 'slurm %-9s FAIL: no SLURM_VERSION_NUMBER in %s/slurm/slurm_version.h\n' "$release" "$include"
        failed=1
        continue
    fi
    seen=$((number >> 16)).$(printf %02d $(((number >> 8) & 255))).$((number & 255))
    [[ $release == system ]] && release=$seen
    if [[ $seen != "$release" ]]; then
        printf 'slurm %-9s FAIL: the compiler sees %s (%s) through -I%s\n' "$release" "$seen" "$number" "$include"
        failed=1
        continue
    fi
    errors=""
    names=()
    for file in "${files[@]}"; do
        names+=("${file##*/}")
        shim_include=$(dirname "$file")/include
        if ! out=$("$cc" "${cflags[@]}" -I"$generated" -ISources/PlugstackCheck/include -I"$shim_include" -I"$include" -c -o /dev/null "$file" 2>&1); then
            errors+=${errors:+$'\n'}$out
        fi
    done
    if [[ -z $errors ]]; then
        printf 'slurm %-9s %s  %-40s %s: ok\n' "$release" "$number" "$include" "${names[*]}"
    else
        printf 'slurm %-9s %s  %-40s %s: FAIL\n' "$release" "$number" "$include" "${names[*]}"
        indent "$errors"
        failed=1
    fi
done
elapsed=$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 ))
printf 'check-slurm-headers: %d releases x %d files in %d.%02d s: %s\n' "${#releases[@]}" "${#files[@]}" \
    $((elapsed / 1000)) $((elapsed % 1000 / 10)) "$( ((failed)) && echo FAILED || echo ok)"
exit "$failed"
