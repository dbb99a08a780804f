#!/usr/bin/env bash
# The SPANK headers of one Slurm release, without building it or running its configure:
#
#   scripts/slurm-headers.sh VERSION DEST       e.g. scripts/slurm-headers.sh 26.05.3 .build/slurm-headers/26.05.3
#
# Puts spank.h, slurm_version.h, slurm_errno.h, slurm.h (and the rest of the release's slurm/
# directory: slurmdb.h, pmi.h, ...) under DEST/include/slurm, so that `cc -IDEST/include` or
# `make SLURM_PREFIX=DEST` builds the plugin's front for that release. Takes a second or two.
#
# Where the headers come from:
#   - the source tarball slurm-VERSION.tar.xz in $SLURM_TARBALLS (default ../shared/slurm beside
#     the repository, where the test machines keep upstream releases). Only slurm/*.h* and META
#     are extracted. Every header there is plain source except slurm_version.h, which configure
#     makes from slurm_version.h.in (see below); any other slurm/*.h.in is made the same way.
#   - without a tarball, when VERSION is the release whose headers the system has
#     (/usr/include/slurm, Debian's libslurm-dev: 22.05.8 on Debian 12), DEST/include/slurm is a
#     symbolic link to /usr/include/slurm.
#
# slurm_version.h as configure makes it: configure.ac names slurm/slurm_version.h in
# AC_CONFIG_HEADERS, so config.status turns each `#undef NAME` line of the template into
# `#define NAME VALUE` for the names configure defined (AC_DEFINE_UNQUOTED in auxdir/slurm.m4)
# and into `/* #undef NAME */` for the rest. From 23.11 to 26.05 the template has one such line,
# SLURM_VERSION_NUMBER, which slurm.m4 computes from META as
#   printf "0x%02x%02x%02x" ${SLURM_MAJOR#0} ${SLURM_MINOR#0} ${SLURM_MICRO#0}    (26.05.3: 0x1a0503)
# SLURM_VERSION_MAJOR/MINOR/MICRO in the template are fixed macros (they take a number apart) and
# SLURM_VERSION_STRING goes to config.h only; both are handled here should a template name them
# (`#undef`, or @NAME@ as AC_SUBST would substitute).
#
# Idempotent: DEST/.slurm-version records the release; a DEST that has it is left as it is.
set -euo pipefail

usage() { echo "usage: scripts/slurm-headers.sh VERSION DEST" >&2; exit 2; }
(($# == 2)) || usage
version=$1
dest=$2
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "slurm-headers.sh: '$version' is not a Slurm release (MAJOR.MINOR.MICRO, e.g. 26.05.3)" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tarballs=${SLURM_TARBALLS:-$repo/../shared/slurm}
tarball=$tarballs/slurm-$version.tar.xz
system_header=/usr/include/slurm/slurm_version.h

if [[ -f $dest/.slurm-version && $(cat "$dest/.slurm-version") == "$version" && -e $dest/include/slurm/spank.h ]]; then
    exit 0
fi

# number VERSION: SLURM_VERSION_NUMBER as slurm.m4 computes it (0x1a0503).
number() {
    local major minor micro
    IFS=. read -r major minor micro <<<"$1"
    printf '0x%02x%02x%02x' "${major#0}" "${minor#0}" "${micro#0}"
}

# The new tree is made beside DEST and renamed into place, so that a DEST is complete or absent.
mkdir -p "$(dirname "$dest")"
work=$(mktemp -d "$dest.new.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ ! -f $tarball ]]; then
    system=$(sed -n 's/^#define SLURM_VERSION_NUMBER \(0x[0-9a-fA-F]*\)$/\1/p' "$system_header" 2>/dev/null || true)
    if [[ -z $system || $((system)) -ne $(($(number "$version"))) ]]; then
        have=("$tarballs"/slurm-*.tar.xz)
        [[ -e ${have[0]} ]] || have=()
        echo "slurm-headers.sh: no $tarball, and $system_header is ${system:-missing}, not $version" \
            "(tarballs there: ${have[*]##*/})" >&2
        exit 1
    fi
    mkdir -p "$work/include"
    ln -s /usr/include/slurm "$work/include/slurm"
else
    # --no-wildcards-match-slash: the release's slurm/ directory only, not contribs/pmi2/slurm/
    # or src/plugins/auth/slurm/.
    tar -xJf "$tarball" -C "$work" --strip-components=1 --wildcards --no-wildcards-match-slash \
        '*/slurm/*.h*' '*/META'
    [[ -f $work/META && -f $work/slurm/spank.h ]] || { echo "slurm-headers.sh: $tarball has no META or slurm/spank.h" >&2; exit 1; }

    # META's fields as slurm.m4 reads them (perl -ne 's/^\s*MAJOR:\s*(\S*).*/\1/i').
    meta() { sed -n "s/^[[:space:]]*$1:[[:space:]]*\([^[:space:]]*\).*/\1/Ip" "$work/META" | head -n 1; }
    major=$(meta MAJOR) minor=$(meta MINOR) micro=$(meta MICRO) release=$(meta RELEASE) meta_version=$(meta VERSION)
    [[ $major.$minor.$micro == "$meta_version" && $meta_version == "$version" ]] ||
        { echo "slurm-headers.sh: $tarball's META says $meta_version ($major.$minor.$micro), expected $version" >&2; exit 1; }
    version_number=$(number "$version")
    version_string=$major.$minor.$micro
    [[ $release == 1 ]] || version_string=$version_string-$release

    for template in "$work"/slurm/*.h.in; do
        [[ -f $template ]] || continue
        # config.status: `#undef NAME` -> `#define NAME VALUE` for what configure defined, else
        # `/* #undef NAME */`; AC_SUBST's @NAME@ -> its value. An @NAME@ left over is an error.
        header=${template%.in}
        { echo "/* slurm/${header##*/}.  Generated from ${template##*/} by configure.  */"
        sed -e "s/^#undef SLURM_VERSION_NUMBER\$/#define SLURM_VERSION_NUMBER $version_number/" \
            -e "s/^#undef SLURM_VERSION_STRING\$/#define SLURM_VERSION_STRING \"$version_string\"/" \
            -e "s/^#undef SLURM_MAJOR\$/#define SLURM_MAJOR \"$major\"/" \
            -e "s/^#undef SLURM_MINOR\$/#define SLURM_MINOR \"$minor\"/" \
            -e "s/^#undef SLURM_MICRO\$/#define SLURM_MICRO \"$micro\"/" \
            -e 's|^#undef \([A-Za-z_][A-Za-z0-9_]*\)$|/* #undef \1 */|' \
            -e "s/@SLURM_VERSION_NUMBER@/$version_number/g" \
            -e "s/@SLURM_VERSION_STRING@/$version_string/g" \
            -e "s/@SLURM_MAJOR@/$major/g; s/@SLURM_MINOR@/$minor/g; s/@SLURM_MICRO@/$micro/g" \
            -e "s/@VERSION@/$version/g; s/@RELEASE@/$release/g" \
            "$template"; } >"$header"
        if grep -n '@[A-Za-z_][A-Za-z0-9_]*@' "$header" >&2; then
            echo "slurm-headers.sh: ${template#"$work"/} has configure substitutions this script does not know (above)" >&2
            exit 1
        fi
        rm "$template"
    done
    grep -q "^#define SLURM_VERSION_NUMBER $version_number\$" "$work/slurm/slurm_version.h" ||
        { echo "slurm-headers.sh: the generated slurm_version.h does not define SLURM_VERSION_NUMBER $version_number" >&2; exit 1; }
    mkdir -p "$work/include"
    mv "$work/slurm" "$work/include/slurm"
    rm "$work/META"
fi

echo "$version" >"$work/.slurm-version"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
