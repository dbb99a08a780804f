#!/usr/bin/env bash
# Runs shellcheck (Debian's, 0.9 or later) on every shell script and bats file that git tracks:
# *.sh, *.bash, *.bats, and any other file whose first line is an sh, bash or bats shebang
# (.ci/run, bench/hooks, scripts/fuzz-hostlist, ...). Symlinks are skipped (a link is checked
# as the file it leads to). Settings: .shellcheckrc, and the bats suites' directories' own (the
# suites' variables come through bats's load); every other exception is a
# `# shellcheck disable=SCxxxx  # reason` on its line.
#
# Prints each finding (file:line:col: severity: message [SCxxxx]), then a tally by code, and
# exits 1 if there is any finding at any severity, 2 if shellcheck could not run.
#   scripts/lint.sh            the whole repository
#   scripts/lint.sh FILE...    just these files
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v shellcheck >/dev/null; then
    echo "lint.sh: shellcheck is not installed (apt-get install shellcheck)" >&2
    exit 2
fi

files=("$@")
if ((${#files[@]} == 0)); then
    while IFS= read -r -d '' f; do
        [[ -f $f && ! -L $f ]] || continue
        case $f in
            *.sh | *.bash | *.bats) files+=("$f") ;;
            *)
                first=$(head -n 1 -- "$f" | tr -d '\0')
                if [[ $first =~ ^#!.*[/[:space:]](sh|bash|dash|bats)([[:space:]]|$) ]]; then
                    files+=("$f")
                fi
                ;;
        esac
    done < <(git ls-files -z)
fi

rc=0
report=$(shellcheck --format=gcc -- "${files[@]}") || rc=$?
if ((rc > 1)); then
    printf '%s\n' "$report"
    echo "lint.sh: shellcheck failed (exit $rc)" >&2
    exit 2
fi
[[ -z $report ]] || printf '%s\n' "$report"

echo "shellcheck: ${#files[@]} files, $(grep -c . <<<"$report" || true) findings"
# The tally: "SC2314: 3", one code a line, the most frequent first.
grep -oE '\[SC[0-9]+\]$' <<<"$report" | tr -d '[]' | sort | uniq -c | sort -k1,1nr -k2 |
    awk '{ printf "  %s: %d\n", $2, $1 }' || true
exit "$rc"
