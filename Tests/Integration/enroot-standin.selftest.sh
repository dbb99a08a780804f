#!/bin/bash
# Self-test of the enroot stand-in (Tests/EnrootStandin/enroot). Run as root; the stand-in runs
# as the unprivileged user $PYXIS_TEST_USER (default pyxistest, created if missing), with its own
# data/runtime/temp/sysconf/config directories under a scratch directory. Builds two busybox
# images (a directory and a tarball store entry), then checks the command line SPEC §5 names.
# Prints `ok - ...` / `not ok - ...` and ends with `N passed, N failed`.
# Needs: busybox-static, squashfs-tools, util-linux, perl-base (installed here when missing).
set -u
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E=${ENROOT_STANDIN:-$repo/Tests/EnrootStandin/enroot}
MKIMAGE=$repo/Tests/EnrootStandin/mkimage
user=${PYXIS_TEST_USER:-pyxistest}
passed=0 failed=0

[[ $(id -u) -eq 0 ]] || { echo "enroot-standin.selftest.sh: run as root" >&2; exit 2; }
missing=()
[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 || missing+=(busybox-static)
command -v mksquashfs >/dev/null && command -v unsquashfs >/dev/null || missing+=(squashfs-tools)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "# installing ${missing[*]}"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "apt-get install ${missing[*]} failed" >&2; exit 2; }
fi
id "$user" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/bash "$user" || exit 2
uidn=$(id -u "$user")

work=$(mktemp -d /tmp/enroot-standin-selftest.XXXXXX)
chmod 0755 "$work"
cleanup() {
    local p
    for p in /proc/[0-9]*; do grep -qF -- "$work" "$p/cmdline" 2>/dev/null && kill -KILL "${p#/proc/}" 2>/dev/null; done
    rm -rf -- "$work"
}
trap cleanup EXIT
home=$work/home store=$work/images data=$work/home/data
mkdir -p "$home" "$store" "$work/sysconf/hooks.d" "$work/config/hooks.d" "$work/config-fail/hooks.d" "$work/dir with space"
echo "hello from the host" >"$work/dir with space/hello"
echo "home file" >"$home/homefile"
chown -R "$user" "$home"

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [[ -n ${2:-} ]] && printf '%s\n' "$2" | sed 's/^/    # /'; return 0; }

# as_user [VAR=value...] COMMAND...: runs as the test user in $home with a clean environment.
as_user() {
    local vars=()
    while [[ $# -gt 0 && $1 == *=* ]]; do vars+=("$1"); shift; done
    (cd "$home" && runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" \
        USER="$user" ENROOT_DATA_PATH="$data" ENROOT_TEMP_PATH="$home/tmp" ENROOT_RUNTIME_PATH="$home/run" \
        ENROOT_SYSCONF_PATH="$work/sysconf" ENROOT_CONFIG_PATH="$work/config" ENROOT_STANDIN_IMAGES="$store" \
        "${vars[@]}" "$@")
}
# enroot [VAR=value...] ARGS...: the stand-in as the test user.
enroot() {
    local vars=()
    while [[ $# -gt 0 && $1 == [A-Z]*=* ]]; do vars+=("$1"); shift; done
    as_user "${vars[@]}" "$E" "$@"
}
# expect NAME EXPECTED [VAR=value...] enroot-args...: exit 0 and stdout exactly EXPECTED ("-": any).
expect() {
    local name=$1 expected=$2 out rc; shift 2
    out=$(enroot "$@" 2>"$work/stderr") && rc=0 || rc=$?
    if [[ $rc -ne 0 ]]; then fail "$name" "exit $rc: $(cat "$work/stderr")"
    elif [[ $expected != - && $out != "$expected" ]]; then fail "$name" "expected: $expected"$'\n'"got: $out"$'\n'"stderr: $(cat "$work/stderr")"
    else pass "$name"; fi
}
# expect_error NAME MESSAGE [VAR=value...] enroot-args...: non-zero exit, an [ERROR] line containing MESSAGE.
expect_error() {
    local name=$1 message=$2 out rc; shift 2
    out=$(enroot "$@" 2>&1) && rc=0 || rc=$?
    if [[ $rc -eq 0 ]]; then fail "$name" "exited 0: $out"
    elif ! grep -q '^\[ERROR\] ' <<<"$out" || ! grep -qF -- "$message" <<<"$out"; then fail "$name" "expected [ERROR] ...$message; got (rc=$rc): $out"
    else pass "$name"; fi
}
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
wait_for() { local i; for ((i = 0; i < 100; i++)); do "$@" && return 0; sleep 0.1; done; return 1; }

# ---- images ----
"$MKIMAGE" "$store/busybox:latest" >/dev/null || exit 2
"$MKIMAGE" "$store/nvcr.io#nvidia+pytorch:24.01-py3" --env PYTORCH_VERSION=2.3.0 --tar >/dev/null || exit 2
"$MKIMAGE" "$store/entry:1" --entrypoint /usr/local/bin/entrypoint.sh >/dev/null || exit 2
printf '#!/bin/sh\necho "entrypoint ran" >&2\nexec "$@"\n' >"$store/entry:1/usr/local/bin/entrypoint.sh"
chmod 755 "$store/entry:1/usr/local/bin/entrypoint.sh"
cat >>"$store/entry:1/etc/environment" <<'EOF'
   LEADING=stripped
# a comment

1BAD=dropped
ENROOT_SECRET=dropped
no equals sign
QUOTED="a b"
SINGLE='c'
DUP=image
EOF

# ---- hooks ----
spaced=${work}/dir\\040with\\040space   # fstab-escaped
cat >"$work/sysconf/hooks.d/10-test.sh" <<EOF
#!/bin/sh
echo "sys \$ENROOT_ROOTFS \$(test -f "\$ENROOT_ENVIRON" && test -f "\$ENROOT_MOUNTS" && echo files)" >>"$work/hooklog"
echo "HOOKVAR=\$ENROOT_PID" >>"\$ENROOT_ENVIRON"
grep -q '^DUP=' "\$ENROOT_ENVIRON" && echo "HOOKSAWDUP=\$(grep '^DUP=' "\$ENROOT_ENVIRON" | head -n1 | cut -d= -f2)" >>"\$ENROOT_ENVIRON"
printf '%s\\n' '$spaced /mnt/hook none x-create=dir,rbind,ro' >>"\$ENROOT_MOUNTS"
EOF
printf '#!/bin/sh\necho notexecutable >>%s\n' "$work/hooklog" >"$work/sysconf/hooks.d/20-not-executable.sh"
printf '#!/bin/sh\necho notsh >>%s\n' "$work/hooklog" >"$work/sysconf/hooks.d/30-not-sh.hook"
printf '#!/bin/sh\necho user >>%s\n' "$work/hooklog" >"$work/config/hooks.d/10-user.sh"
printf '#!/bin/sh\necho "failing hook" >&2\nexit 3\n' >"$work/config-fail/hooks.d/50-fail.sh"
chmod 755 "$work/sysconf/hooks.d/10-test.sh" "$work/sysconf/hooks.d/30-not-sh.hook" "$work/config/hooks.d/10-user.sh" "$work/config-fail/hooks.d/50-fail.sh"
touch "$work/hooklog"; chmod 666 "$work/hooklog"

# The configuration pyxis passes with --conf: mounts() with an escaped space, environ(), hooks().
cat >"$work/conf" <<EOF
mounts() {
    printf '%s\n' '$spaced /mnt/with\\040space none x-create=dir,rbind,ro'
}
environ() {
    printf '%s\n' FROMCONF=yes DUP=fromconf
}
hooks() {
    printf '%s\n' 'exec "\$@"' >"\${ENROOT_ROOTFS}/etc/rc.local"
}
EOF
chmod 644 "$work/conf"

# ---- import ----
expect "import docker://IMAGE writes ./IMAGE.sqsh" "" import docker://busybox
check "import output is a squashfs holding the rootfs" bash -c "unsquashfs -l '$home/busybox.sqsh' | grep -q 'squashfs-root/bin/busybox$'"
expect "import docker://USER@REGISTRY#IMAGE:TAG from a tarball entry, --output" "" import --output "$home/torch.sqsh" 'docker://someone@nvcr.io#nvidia/pytorch:24.01-py3'
check "the tarball image keeps its /etc/environment" bash -c "unsquashfs -cat '$home/torch.sqsh' etc/environment | grep -qx PYTORCH_VERSION=2.3.0"
expect "import dockerd://IMAGE:TAG, derived name IMAGE+TAG.sqsh" "" import dockerd://entry:1
check "dockerd import wrote entry+1.sqsh" test -f "$home/entry+1.sqsh"
expect_error "import refuses an existing output" "File already exists" import docker://busybox
expect_error "import of a missing image fails" "Image not found: docker://nosuch:1.0" import docker://nosuch:1.0
check "a failed import leaves no file and no temporary directory" bash -c "! test -e '$home/nosuch+1.0.sqsh' && test -z \"\$(ls -A '$home/tmp' 2>/dev/null)\""
start=$SECONDS
as_user ENROOT_STANDIN_IMPORT_DELAY=20 timeout -s TERM 1 "$E" import --output "$home/slow.sqsh" docker://busybox 2>/dev/null
check "an import killed with SIGTERM stops at once and leaves nothing" \
    bash -c "(( $SECONDS - $start < 5 )) && ! test -e '$home/slow.sqsh' && test -z \"\$(ls -A '$home/tmp' 2>/dev/null)\""
expect_error "import rejects a malformed URI" "Invalid image reference" import 'docker://Bad Name'

# ---- create / list ----
expect "create --name c1 FILE" "" create --name c1 busybox.sqsh
check "create unpacked the rootfs into the data directory" test -x "$data/c1/bin/busybox"
expect_error "create refuses an existing name" "Container already exists: c1" create --name c1 busybox.sqsh
expect_error "create refuses a name with /" "Invalid container name" create --name a/b busybox.sqsh
head -c 4096 /dev/urandom >"$home/corrupt.sqsh"; chown "$user" "$home/corrupt.sqsh"
expect_error "create from a corrupt squashfs fails" "Failed to create container bad" create --name bad corrupt.sqsh
check "a failed create leaves no container directory" test ! -e "$data/bad"
expect "create --name torch" "" create --name torch torch.sqsh
expect "create --name entry" "" create --name entry entry+1.sqsh
expect "list prints one name per line" $'c1\nentry\ntorch' list

# ---- start ----
expect "start runs the command as the caller's uid by default" "$uidn" start c1 id -u
expect "ENROOT_REMAP_ROOT=y makes the caller uid 0" "0" ENROOT_REMAP_ROOT=y start c1 id -u
expect "start --root makes the caller uid 0" "0" start --root c1 id -u
expect "the rootfs is read-only by default" "ro" start c1 sh -c 'touch /written 2>/dev/null && echo rw || echo ro'
expect "ENROOT_ROOTFS_WRITABLE=y makes it writable" "rw" ENROOT_ROOTFS_WRITABLE=y start c1 sh -c 'touch /written && echo rw'
check "writes to a named container persist" test -f "$data/c1/written"
expect "start --rw makes it writable" "rw" start --rw c1 sh -c 'touch /written2 && echo rw'
expect "the image's environment, the hooks' additions, no host variables" \
    "2.3.0|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|unset" \
    SOMEHOSTVAR=x start torch sh -c 'echo "$PYTORCH_VERSION|$PATH|${SOMEHOSTVAR-unset}"'
expect "--env NAME=VALUE and --env NAME (from the host)" "v1|v2" FROMHOST=v2 start --env SET=v1 --env FROMHOST c1 sh -c 'echo "$SET|$FROMHOST"'
: >"$work/hooklog"
expect "hooks.d: ENROOT_PID is the container process, ENROOT_ENVIRON and ENROOT_MOUNTS are applied" "same|hello from the host" \
    start c1 sh -c '[ "$HOOKVAR" = "$$" ] && echo -n "same|"; cat /mnt/hook/hello'
check "hooks ran in order (system hooks.d, then user hooks.d), only executable *.sh, with ENROOT_ROOTFS" \
    bash -c "[[ \$(cat '$work/hooklog') == \$'sys $data/c1 files\nuser' ]]"
expect_error "a failing hook aborts the start" "Hook script failed: $work/config-fail/hooks.d/50-fail.sh" \
    ENROOT_CONFIG_PATH="$work/config-fail" start c1 sh -c 'echo command ran'
out=$(as_user ENROOT_CONFIG_PATH="$work/config-fail" "$E" start c1 sh -c 'echo command ran' 2>&1)
check "the command did not run after a failing hook" bash -c "! grep -q 'command ran' <<<'$out'"
expect "the image's /etc/rc runs its entrypoint" "ok" start entry sh -c 'echo ok'
grep -q "entrypoint ran" "$work/stderr" && pass "the entrypoint printed its line" || fail "the entrypoint printed its line" "$(cat "$work/stderr")"
expect "--conf: mounts() with a space in the path, environ(), hooks() writing rc.local" "hello from the host|yes" \
    start --conf "$work/conf" entry sh -c 'cat "/mnt/with space/hello" | tr -d "\n"; echo "|$FROMCONF"'
grep -q "entrypoint ran" "$work/stderr" && fail "hooks() rc.local skips the entrypoint" "$(cat "$work/stderr")" || pass "hooks() rc.local skips the entrypoint"
expect "conf mounts() honour ro" "ro" start --conf "$work/conf" entry sh -c 'touch "/mnt/with space/x" 2>/dev/null && echo rw || echo ro'
expect "environment file rules (blanks, comments, invalid names, ENROOT_*, quotes, last value wins; hooks see the first)" \
    "stripped|a b|c|unset|fromconf|image|0" \
    start --conf "$work/conf" entry sh -c 'echo "$LEADING|$QUOTED|$SINGLE|${ENROOT_SECRET-unset}|$DUP|$HOOKSAWDUP|$(env | grep -c BAD)"'
printf 'tmpfs /scratch tmpfs x-create=dir,mode=1777\n/sys /sys none x-detach\n/nonexistent /mnt/nofail none x-create=dir,bind,nofail\n' >"$home/extra.fstab"
chown "$user" "$home/extra.fstab"
expect "--mount FSTAB: tmpfs with x-create=dir, x-detach, nofail" "tmpfs|empty sys" \
    start --mount "$home/extra.fstab" c1 sh -c 'touch /scratch/f && grep " /scratch " /proc/self/mountinfo | grep -q tmpfs && echo -n "tmpfs|"; [ -z "$(ls /sys)" ] && echo "empty sys"'
expect "--mount SRC:DST" "home file" start --mount "$home/homefile:/etc/homefile" c1 cat /etc/homefile
printf '/nonexistent /mnt/x none x-create=dir,bind\n' >"$home/bad.fstab"; chown "$user" "$home/bad.fstab"
expect_error "a mount whose source is missing aborts the start" "No such file or directory: /nonexistent" start --mount "$home/bad.fstab" c1 true
expect "ENROOT_MOUNT_HOME=y binds the home directory and sets HOME" "$home|home file" \
    ENROOT_MOUNT_HOME=y start c1 sh -c 'echo "$HOME|$(cat "$HOME/homefile")"'
hostnet=$(readlink /proc/self/ns/net)
expect "ENROOT_UNSHARE_NET=y gives a new network namespace" "new" ENROOT_UNSHARE_NET=y start c1 sh -c "[ \"\$(readlink /proc/self/ns/net)\" != '$hostnet' ] && echo new"
expect "without it the network namespace is the host's" "$hostnet" start c1 readlink /proc/self/ns/net
expect "start FILE runs a squashfs directly" "PYTORCH_VERSION=2.3.0" start torch.sqsh grep PYTORCH /etc/environment
expect "start FILE with ENROOT_ROOTFS_WRITABLE=y writes to a throw-away copy" "rw" ENROOT_ROOTFS_WRITABLE=y start torch.sqsh sh -c 'touch /x && echo rw'
check "start FILE left no temporary files" bash -c "test -z \"\$(ls -A '$home/tmp' 2>/dev/null)\" && test -z \"\$(ls -A '$home/run/scratch' 2>/dev/null)\""
expect "the exit status of the command is the exit status of start" "" start c1 sh -c 'exit 0'
as_user "$E" start c1 sh -c 'exit 7' 2>/dev/null; check "a failing command's status passes through (7)" test $? -eq 7
expect_error "start of an unknown container fails" "No such container: nosuch" start nosuch true

# ---- the plugin's handshake: the process that stops is the container process ----
as_user bash -c '"$0" start c1 sh -c "kill -STOP \$\$ ; exit 0" & echo $! >"$HOME/stop.pid"; wait $!; echo "rc=$?" >"$HOME/stop.rc"' "$E" 2>/dev/null &
bg=$!
wait_for test -s "$home/stop.pid"; pid=$(cat "$home/stop.pid" 2>/dev/null)
if wait_for bash -c "grep -q '^State:.*T' /proc/$pid/status 2>/dev/null"; then
    pass "enroot start's own process stops itself (kill -STOP \$\$ inside the container)"
    row=$(as_user "$E" list -f | awk '$1 == "c1" {print $2}')
    [[ $row == "$pid" ]] && pass "list -f row for c1 has the PID of enroot start" || fail "list -f row for c1 has the PID of enroot start" "row PID: $row, expected $pid"
    joined=$(runuser -u "$user" -- nsenter -t "$pid" -U -m --preserve-credentials /bin/sh -c 'cat /etc/rc >/dev/null && echo "$(readlink /proc/self/ns/mnt) $(ls /bin/busybox)"' 2>&1)
    [[ $joined == "$(readlink "/proc/$pid/ns/mnt") /bin/busybox" ]] && pass "setns into its user and mount namespaces lands in the container's rootfs" \
        || fail "setns into its user and mount namespaces lands in the container's rootfs" "$joined"
    grep -qz '^PATH=/usr/local/sbin' "/proc/$pid/environ" && pass "its environment is the container's" || fail "its environment is the container's"
    [[ $(readlink "/proc/$pid/cwd") == / ]] && pass "its cwd is the container's /" || fail "its cwd is the container's /" "$(readlink "/proc/$pid/cwd")"
    expect_error "remove refuses a running container" "Container is running: c1" remove -f c1
    kill -CONT "$pid"
else
    fail "enroot start's own process stops itself (kill -STOP \$\$ inside the container)" "$(cat /proc/"$pid"/status 2>&1 | head -3)"
fi
wait "$bg"
check "after SIGCONT it exits 0" grep -qx "rc=0" "$home/stop.rc"
# The state columns as SPEC §5 shows them, with a running `sleep`.
as_user bash -c 'exec "$0" start c1 sleep 30' "$E" 2>/dev/null &
bg=$!
c1_sleeping() { as_user "$E" list -f | grep -q '^c1 .* sleep 30$'; }
if wait_for c1_sleeping; then
    listing=$(as_user "$E" list -f)
    if grep -qE '^NAME +PID +COMM +STATE +STARTED +TIME +MNTNS +USERNS +COMMAND$' <<<"$(head -n1 <<<"$listing")" &&
       grep -qE '^c1 +[0-9]+ +sleep +S +[0-9]{2}:[0-9]{2} +[0-9]{2}:[0-9]{2} +[0-9]+ +[0-9]+ +sleep 30$' <<<"$listing" &&
       grep -qE '^entry +$' <<<"$listing"; then
        pass "list -f: header, a running row with all columns, a name-only row"
    else
        fail "list -f: header, a running row with all columns, a name-only row" "$listing"
    fi
else
    fail "list -f: header, a running row with all columns, a name-only row" "$(as_user "$E" list -f 2>&1)"
fi
for p in /proc/[0-9]*; do [[ $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) == "sleep 30 " ]] && [[ $(stat -c %u "$p") == "$uidn" ]] && kill "${p#/proc/}"; done
wait "$bg" 2>/dev/null
c1_idle() { [[ $(as_user "$E" list -f | awk '$1 == "c1" {print NF}') == 1 ]]; }
check "list -f shows no PID once the process is gone" c1_idle

# ---- export / load / remove ----
expect "export -o FILE NAME" "" export -o "$home/c1-saved.sqsh" c1
expect_error "export refuses an existing file without -f" "File already exists" export -o "$home/c1-saved.sqsh" c1
expect "export -f -o FILE NAME overwrites" "" export -f -o "$home/c1-saved.sqsh" c1
expect "create from the exported file" "" create --name c2 c1-saved.sqsh
check "the export carried the container's changes" test -f "$data/c2/written"
expect "load --name NAME URI" "" load --name c3 docker://busybox
expect_error "load refuses an existing name" "Container already exists: c3" load --name c3 docker://busybox
expect "remove -f NAME" "" remove -f c1
expect "remove NAME -f (flag after the name)" "" remove c2 -f
printf 'n\n' | as_user "$E" remove c3 2>/dev/null
check "remove without -f asks, and 'n' keeps the container" test -d "$data/c3"
expect "remove --force several" "" remove --force c3 torch entry
expect "list is empty after removal" "" list
expect_error "remove of a missing container fails" "No such container: c1" remove -f c1
expect "version" "4.0.0+standin" version

# ---- nothing left behind ----
check "no mount of the test directory is left in the host's mount table" bash -c "! grep -qF '$work' /proc/self/mountinfo"
left=""
for p in /proc/[0-9]*; do [[ ${p#/proc/} != "$$" ]] && grep -qF -- "$work" "$p/cmdline" 2>/dev/null && left+=" ${p#/proc/}"; done
[[ -z $left ]] && pass "no process of the tests is left" || fail "no process of the tests is left" "$left"
check "no temporary files are left" bash -c "test -z \"\$(ls -A '$home/tmp' 2>/dev/null)\""

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
