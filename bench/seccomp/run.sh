#!/usr/bin/env bash
# Benchmark of the seccomp filter (SPEC §8):
#   - ns per call, without and with the filter, for a syscall it does not list (getpid), for
#     faked ones (chown/fchown to the caller's own ids) and the setfsuid(-1) query it passes on;
#     native and, on x86_64, a static 32-bit binary (the x86 compat branch of the filter);
#   - time to build the filter with libseccomp and install it (pyxis-seccomp-exec --verbose,
#     which runs the same code as the plugin), median and worst of RUNS;
#   - start-up of `pyxis-seccomp-exec -- true` against `/bin/true`.
# Targets (issue 3): under 100 ns added per unlisted syscall, under 1 ms to build and install.
#
# Environment: PYXIS_SECCOMP_EXEC (default: release build with the static stdlib, as installed),
# SWIFT_SCRATCH_PATH (default .build), CC (gcc), ITERATIONS (2000000), RUNS (100).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
iterations=${ITERATIONS:-2000000}
runs=${RUNS:-100}
work=$(mktemp -d /tmp/pyxis-seccomp-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

px=${PYXIS_SECCOMP_EXEC:-}
if [ -z "$px" ]; then
    scratch=${SWIFT_SCRATCH_PATH:-$repo/.build}
    flags=(-c release -Xswiftc -static-stdlib --scratch-path "$scratch")
    (cd "$repo" && swift build "${flags[@]}" --product pyxis-seccomp-exec >"$work/build.log" 2>&1) \
        || { cat "$work/build.log" >&2; exit 1; }
    px=$(cd "$repo" && swift build "${flags[@]}" --show-bin-path)/pyxis-seccomp-exec
fi

cc=${CC:-gcc}
"$cc" -O2 -o "$work/syscalls" "$here/syscalls.c"
binaries=(syscalls)
if [ "$(uname -m)" = x86_64 ] && "$cc" -m32 -static -O2 -o "$work/syscalls32" "$here/syscalls.c" 2>/dev/null; then
    binaries+=(syscalls32)
fi

echo "# seccomp filter benchmark: $(uname -srm), $(nproc) cores, $px"
echo "# spec_store_bypass: $(cat /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null || echo unknown)"
echo
printf '%-28s %12s %12s %10s\n' "ns per call" unfiltered filtered added
worst_unlisted=0
for binary in "${binaries[@]}"; do
    label=native
    [ "$binary" = syscalls32 ] && label="i386 static"
    "$work/$binary" "$iterations" >"$work/plain"
    "$px" -- "$work/$binary" "$iterations" >"$work/filtered"
    while read -r name plain; do
        filtered=$(awk -v n="$name" '$1 == n { print $2 }' "$work/filtered")
        added=$(awk -v a="$filtered" -v b="$plain" 'BEGIN { printf "%+.1f", a - b }')
        printf '%-28s %12s %12s %10s\n' "$name ($label)" "$plain" "$filtered" "$added"
        if [ "$name" = getpid ]; then
            worst_unlisted=$(awk -v a="$added" -v w="$worst_unlisted" 'BEGIN { print (a > w ? a : w) }')
        fi
    done <"$work/plain"
done
echo

# Build and install, as reported by the command itself (same code path as the plugin).
for _ in $(seq "$runs"); do
    "$px" --verbose -- true 2>&1 >/dev/null | sed -n 's/.* built in \([0-9]*\) us, installed in \([0-9]*\) us.*/\1 \2/p'
done >"$work/times"
summary=$(sort -n -k1 "$work/times" | awk '{ b[NR] = $1 } END { printf "%d", b[int((NR + 1) / 2)] }')
summary="$summary $(sort -n -k2 "$work/times" | awk '{ i[NR] = $2 } END { printf "%d", i[int((NR + 1) / 2)] }')"
summary="$summary $(awk '{ t = $1 + $2; if (t > m) m = t } END { print m }' "$work/times")"
summary="$summary $(awk '{ print $1 + $2 }' "$work/times" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')"
read -r build_median install_median worst_total total_median <<<"$summary"
echo "filter build:   ${build_median} us (median of $runs)"
echo "filter install: ${install_median} us (median; seccomp_load incl. BPF generation)"
echo "build+install:  ${total_median} us median, ${worst_total} us worst"

# Whole-command start-up.
wall() { # wall CMD...: mean wall time per run in us over $runs runs
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$@"; done
    end=$(date +%s%N)
    echo $(((end - start) / runs / 1000))
}
echo "start-up:       pyxis-seccomp-exec -- true $(wall "$px" -- true) us, /bin/true $(wall /bin/true) us (mean of $runs)"
echo
verdict() { if awk -v v="$1" -v t="$2" 'BEGIN { exit !(v < t) }'; then echo "met"; else echo "MISSED"; fi; }
echo "target <100 ns added per unlisted syscall: ${worst_unlisted} ns, $(verdict "$worst_unlisted" 100)"
echo "target <1000 us build+install (median):    ${total_median} us, $(verdict "$total_median" 1000)"
