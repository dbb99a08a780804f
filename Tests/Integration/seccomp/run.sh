#!/usr/bin/env bash
# Integration tests of the seccomp filter (docs/design.md, "The seccomp filter") with the real kernel, as an unprivileged
# user: pyxis-seccomp-exec's command line, then probe.c (native and `gcc -m32 -static`) with and
# without the filter, an apt-get-like privilege drop, no_new_privs, and the plugin's case
# (no no_new_privs, CAP_SYS_ADMIN in a user namespace) with a dpkg-like `tar --same-owner`.
#
# Run as root (makes the test user, $PYXIS_TEST_USER, with Tests/Integration/test-user.sh). Environment:
#   PYXIS_SECCOMP_EXEC  the binary to test (default: `swift build --product pyxis-seccomp-exec`)
#   SWIFT_SCRATCH_PATH  scratch path for that build (default: .build)
#   CC                  C compiler (default: gcc)
# Last line: "N passed, N failed"; exit status non-zero if any failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
source "$repo/Tests/Integration/lib.sh"
source "$repo/Tests/Integration/test-user.sh"
user=$PYXIS_TEST_USER
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { # check NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
bail() { not_ok "$1"; finish; }

[ "$(id -u)" -eq 0 ] || bail "setup: run as root (it creates and switches to user $user)"

# --- setup: user, binaries, a work area the user can reach --------------------------------------
mkdir -p "$PYXIS_TEST_WORK" && chmod 0755 "$PYXIS_TEST_WORK"
ensure_test_user "$user" "$PYXIS_TEST_WORK/home" || bail "setup: test user $user"
work=$(mktemp -d /tmp/pyxis-seccomp-test.XXXXXX) || bail "setup: mktemp"
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"

exec_bin=${PYXIS_SECCOMP_EXEC:-}
if [ -z "$exec_bin" ]; then
    scratch=${SWIFT_SCRATCH_PATH:-$repo/.build}
    (cd "$repo" && swift build --scratch-path "$scratch" --product pyxis-seccomp-exec >"$work/build.log" 2>&1) \
        || { cat "$work/build.log"; bail "setup: swift build --product pyxis-seccomp-exec"; }
    exec_bin=$(cd "$repo" && swift build --scratch-path "$scratch" --show-bin-path)/pyxis-seccomp-exec
fi
[ -x "$exec_bin" ] || bail "setup: $exec_bin is not executable"
install -m 0755 "$exec_bin" "$work/pyxis-seccomp-exec" || bail "setup: copy $exec_bin"
px=$work/pyxis-seccomp-exec

cc=${CC:-gcc}
"$cc" -O2 -Wall -Wextra -Werror -o "$work/probe" "$here/probe.c" || bail "setup: compile probe.c"
probes=(probe)
if [ "$(uname -m)" = x86_64 ]; then
    # The compat ABI: pyxis's filter lets it through; ours must not.
    "$cc" -m32 -static -O2 -Wall -Wextra -Werror -o "$work/probe32" "$here/probe.c" \
        || bail "setup: gcc -m32 -static probe.c (install gcc-multilib)"
    # ELF class byte: 1 = 32-bit; and no program interpreter (static).
    check "probe32 is a static 32-bit ELF" \
        test "$(od -An -tx1 -j4 -N1 "$work/probe32" | tr -d ' ')" = 01 -a -z "$(readelf -l "$work/probe32" 2>/dev/null | grep INTERP)"
    probes+=(probe32)
fi

as_user() { setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; }
fresh_dir() { local d; d=$(mktemp -d "$work/dir.XXXXXX") && chown "$user:" "$d" && echo "$d"; }

# --- the command line ---------------------------------------------------------------------------
out=$("$px" 2>&1); rc=$?
check "no command: exit 2" test "$rc" -eq 2
check "no command: one 'pyxis-seccomp-exec: ' line" test "$(printf '%s\n' "$out" | wc -l)" -eq 1 -a "${out#pyxis-seccomp-exec: missing command}" != "$out"
out=$("$px" --frobnicate -- true 2>&1); rc=$?
check "unknown option: exit 2 naming it" test "$rc" -eq 2 -a "${out#*--frobnicate}" != "$out"
out=$("$px" -- /nonexistent/pyxis-cmd 2>&1); rc=$?
check "exec failure: exit 127" test "$rc" -eq 127
check "exec failure: message names the command" test "$out" = "pyxis-seccomp-exec: cannot execute '/nonexistent/pyxis-cmd': No such file or directory"
"$px" -- sh -c 'exit 3'; rc=$?
check "command's exit status passes through" test "$rc" -eq 3
out=$("$px" --help); rc=$?
check "--help: exit 0 with usage" test "$rc" -eq 0 -a "${out#usage: pyxis-seccomp-exec}" != "$out"
out=$("$px" --print-filter); rc=$?
check "--print-filter: exit 0" test "$rc" -eq 0
for arch in x86_64 x86 x32; do
    [ "$(uname -m)" = x86_64 ] || break
    check "--print-filter: covers $arch" grep -q "filter for arch $arch " <<<"$out"
done

# --- every listed syscall, per ABI, without and with the filter ---------------------------------
for probe in "${probes[@]}"; do
    for mode in unfiltered filtered; do
        dir=$(fresh_dir) || bail "setup: work directory"
        if [ "$mode" = filtered ]; then
            as_user "$px" -- "$work/$probe" "$mode" "$dir" >"$work/out" 2>&1; rc=$?
        else
            as_user "$work/$probe" "$mode" "$dir" >"$work/out" 2>&1; rc=$?
        fi
        while IFS= read -r line; do
            case $line in
                "ok "*) ok "$probe $mode: ${line#ok }" ;;
                "not ok "*) not_ok "$probe $mode: ${line#not ok }" ;;
                *) echo "# $line" ;;
            esac
        done <"$work/out"
        check "$probe $mode: exit 0" test "$rc" -eq 0
        check "$probe $mode: ran all checks" test "$(grep -c '^ok ' "$work/out")" -ge 50
    done

    # apt-get's sandbox: chown to _apt, setgroups, setresgid, setresuid, then carry on.
    # Failing as the kernel refuses the first chown (not as a probe that did not run: exit 1 and
    # its one line).
    dir=$(fresh_dir) || bail "setup: work directory"
    out=$(as_user "$work/$probe" apt "$dir" 2>&1); rc=$?
    check "$probe apt-like sequence fails without the filter" \
        test "$rc" -eq 1 -a -z "${out##probe apt: chown(*: Operation not permitted}"
    dir=$(fresh_dir) || bail "setup: work directory"
    out=$(as_user "$px" -- "$work/$probe" apt "$dir" 2>&1); rc=$?
    check "$probe apt-like sequence completes with the filter (exit 0)" test "$rc" -eq 0
    [ "$rc" -eq 0 ] || echo "# $out"
done

# --- no_new_privs -------------------------------------------------------------------------------
out=$(as_user "$px" -- grep '^NoNewPrivs:' /proc/self/status 2>&1)
check "unprivileged: no_new_privs set by default" test "${out//$'\t'/ }" = "NoNewPrivs: 1"
out=$(as_user "$px" --allow-new-privs -- true 2>&1); rc=$?
check "unprivileged --allow-new-privs: exit 1" test "$rc" -eq 1
check "unprivileged --allow-new-privs: says CAP_SYS_ADMIN is needed" grep -q "EACCES\|CAP_SYS_ADMIN" <<<"$out"
echo "# $out"

# The plugin's case: CAP_SYS_ADMIN in a user namespace, filter without no_new_privs.
# In the namespace only the user's own id is mapped, so chown to 12345 is EINVAL unfiltered.
dir=$(fresh_dir) || bail "setup: work directory"
as_user touch "$dir/f"
out=$(as_user unshare --user --map-root-user chown 12345 "$dir/f" 2>&1); rc=$?
check "user namespace without filter: chown to an unmapped id fails" test "$rc" -ne 0 -a "${out%: Invalid argument}" != "$out"
# shellcheck disable=SC2016  # the inner sh expands it
out=$(as_user unshare --user --map-root-user "$px" --allow-new-privs -- \
    sh -c 'chown 12345:12345 "$1" && grep "^NoNewPrivs:" /proc/self/status' sh "$dir/f" 2>&1); rc=$?
check "user namespace --allow-new-privs: filter installed, chown returns 0" test "$rc" -eq 0
check "user namespace --allow-new-privs: no_new_privs left unset" test "${out//$'\t'/ }" = "NoNewPrivs: 0"
check "user namespace --allow-new-privs: owner unchanged" test "$(stat -c %U "$dir/f")" = "$user"

# What dpkg does when unpacking: restore files' owners, here ids the namespace does not map.
dir=$(fresh_dir) || bail "setup: work directory"
echo data >"$dir/a" && tar --owner=12345 --group=42 -cf "$work/foreign.tar" -C "$dir" a && chmod 0644 "$work/foreign.tar"
for mode in unfiltered filtered; do
    dir=$(fresh_dir) || bail "setup: work directory"
    if [ "$mode" = filtered ]; then
        as_user unshare --user --map-root-user "$px" --allow-new-privs -- tar --same-owner -xf "$work/foreign.tar" -C "$dir" 2>/dev/null; rc=$?
        check "user namespace, filtered: tar --same-owner of foreign owners exits 0" test "$rc" -eq 0
        check "user namespace, filtered: extracted file kept the user as owner" test "$(stat -c %U "$dir/a" 2>/dev/null)" = "$user"
    else
        out=$(as_user unshare --user --map-root-user tar --same-owner -xf "$work/foreign.tar" -C "$dir" 2>&1); rc=$?
        check "user namespace, unfiltered: tar --same-owner of foreign owners fails" \
            test "$rc" -ne 0 -a "${out#*Cannot change ownership}" != "$out"
    fi
done

finish
