# Shared by the hooks-parity suites (run.sh sets PARITY_WORK, PARITY_USER, ENROOT_HOOKS_DIR).
# Each test gets a work directory with two copies of a rootfs, NAME-enroot and NAME-ours, run by
# `enroot start` with enroot's hook or ours alone in hooks.d; then what each wrote is compared.

bats_require_minimum_version 1.5.0   # run -N

setup() {
    work=$(mktemp -d "$PARITY_WORK/test.XXXXXX")
    mkdir -p "$work/data" "$work/runtime" "$work/cache" "$work/config" "$work/home"
    chmod 755 "$work"
    chown -R "$PARITY_USER:" "$work"
}

teardown() {
    rm -rf "$work"
}

# rootfs NAME BASE: container NAME-enroot and NAME-ours, copies of base image BASE (debian or
# busybox). Files are hard links to the base's, except /etc (which the hooks edit in place).
rootfs() {
    local side
    for side in enroot ours; do
        cp -al "$PARITY_WORK/base/$2" "$work/data/$1-$side"
        rm -rf "$work/data/$1-$side/etc"
        cp -a "$PARITY_WORK/base/$2/etc" "$work/data/$1-$side/etc"
    done
}

# on_both NAME COMMAND...: runs COMMAND (a shell snippet) in both copies' root directories, to
# prepare them the same way.
on_both() {
    local name=$1 side; shift
    for side in enroot ours; do
        (cd "$work/data/$name-$side" && eval "$*")
        chown -R "${AS_UID:-$PARITY_USER}:${AS_UID:-$PARITY_USER}" "$work/data/$name-$side"
    done
}

standard_hooks=(10-aptfix 10-cgroups 10-devices 10-localtime 10-shadow 98-nvidia 99-mellanox)

# hooks_dir SIDE HOOK: an ENROOT_SYSCONF_PATH with only HOOK (e.g. 10-shadow; `all`: the seven
# standard hooks) in its hooks.d, enroot's scripts or our executables; enroot's own mounts.d and
# environ.d.
hooks_dir() {
    local side=$1 dir=$work/sysconf-$1 hook hooks=("$2")
    [[ $2 == all ]] && hooks=("${standard_hooks[@]}")
    if [[ ! -d $dir ]]; then
        mkdir -p "$dir/hooks.d"
        cp -r /etc/enroot/mounts.d /etc/enroot/environ.d "$dir/"
        for hook in "${hooks[@]}"; do
            if [[ $side == enroot ]]; then
                # enroot's optional hooks (50-slurm-pmi) are shipped beside its standard ones.
                cp "$ENROOT_HOOKS_DIR/$hook.sh" "$dir/hooks.d/" 2>/dev/null ||
                    cp "$ENROOT_EXTRA_HOOKS_DIR/$hook.sh" "$dir/hooks.d/"
            else
                ln -s "$PARITY_WORK/libexec/pyxis-hook-${hook##*-}" "$dir/hooks.d/$hook.sh"
            fi
        done
    fi
    echo "$dir"
}

# start SIDE HOOK NAME [VAR=VALUE...] [-- [START_OPTIONS...] [COMMAND...]]: `enroot start` of
# NAME-SIDE as the user (COMMAND default `true`); stdout, stderr and status in
# $work/SIDE.{out,err,rc}. HOST_ETC, when set, is bind-mounted over /etc first (in a private
# mount namespace) to fake the host's files.
start() {
    local side=$1 hook=$2 name=$3; shift 3
    local vars=() options=()
    while [[ $# -gt 0 && $1 != -- ]]; do vars+=("$1"); shift; done
    [[ ${1-} == -- ]] && shift
    while [[ $# -gt 0 && $1 == -* ]]; do options+=("$1"); shift; done
    [[ $# -gt 0 ]] || set -- true
    local sysconf
    sysconf=$(hooks_dir "$side" "$hook")
    # AS_UID: a uid without a passwd entry instead of the user.
    local as_user=(runuser -u "$PARITY_USER" --)
    [[ -n ${AS_UID-} ]] && as_user=(setpriv --reuid="$AS_UID" --regid="$AS_UID" --clear-groups)
    local command=("${as_user[@]}" env -i PATH=/usr/local/bin:/usr/bin:/bin
        HOME="$work/home" USER="$PARITY_USER" LOGNAME="$PARITY_USER"
        ENROOT_SYSCONF_PATH="$sysconf" ENROOT_DATA_PATH="$work/data" ENROOT_RUNTIME_PATH="$work/runtime/$side"
        ENROOT_CACHE_PATH="$work/cache" ENROOT_CONFIG_PATH="$work/config" ${vars[@]+"${vars[@]}"}
        enroot start ${options[@]+"${options[@]}"} "$name-$side" "$@")
    # WITH_TTY: the start on a terminal (script(1) gives it a pseudo-terminal as stdin).
    [[ -n ${WITH_TTY-} ]] && command=(script -qefc "$(printf '%q ' "${command[@]}")" /dev/null)
    # HOST_ETC / HOST_DEV: the start sees a faked /etc, or a /dev with every node a private /dev
    # binds in (see host_dev), in a private mount namespace; the host's own are left alone.
    [[ -n ${HOST_DEV-} ]] && command=(bash -c "$(declare -f host_dev); host_dev && exec \"\$@\"" _ "${command[@]}")
    # shellcheck disable=SC2016  # the inner bash expands it
    [[ -n ${HOST_ETC-} ]] && command=(bash -c 'mount --bind "$1" /etc && shift && exec "$@"' _ "$HOST_ETC" "${command[@]}")
    [[ -n ${HOST_DEV-}${HOST_ETC-} ]] && command=(unshare -m --propagation private "${command[@]}")
    local rc=0
    "${command[@]}" >"$work/$side.out" 2>"$work/$side.err" </dev/null || rc=$?
    echo "$rc" > "$work/$side.rc"
}

# both HOOK NAME [VAR=VALUE...] [-- START_ARGS... COMMAND...]: `start` on each side.
both() {
    start enroot "$@"
    start ours "$@"
}

# A listing of a tree that says what the hooks control: path, type and mode, link target, size
# (not times, not owners: both sides run as the same user).
listing() {
    (cd "$1" && find . -printf '%p %M %l %s\n' | LC_ALL=C sort)
}

# same_files NAME: both sides exited alike and left identical trees (contents, modes, links).
same_files() {
    local name=$1
    echo "enroot: rc=$(cat "$work/enroot.rc") $(cat "$work/enroot.err")"
    echo "ours:   rc=$(cat "$work/ours.rc") $(cat "$work/ours.err")"
    [[ $(cat "$work/enroot.rc") == "$(cat "$work/ours.rc")" ]]
    diff -u <(listing "$work/data/$name-enroot") <(listing "$work/data/$name-ours")
    diff -r --no-dereference "$work/data/$name-enroot" "$work/data/$name-ours"
}

# same_result NAME: same_files, and the containers printed the same.
same_result() {
    same_files "$1"
    diff -u "$work/enroot.out" "$work/ours.out"
}

# same_outcome: both sides exited alike with the same messages (the side's name in paths aside).
same_outcome() {
    [[ $(cat "$work/enroot.rc") == "$(cat "$work/ours.rc")" ]]
    diff -u <(sed "s/-enroot/-SIDE/g" "$work/enroot.err") <(sed "s/-ours/-SIDE/g" "$work/ours.err")
}

# host_dev: (in a private mount namespace) a /dev that is the host's plus what 10-devices binds
# in and this VM may lack (/dev/log, /dev/mqueue, a mounted /dev/pts): a tmpfs holding a bind
# of every entry.
host_dev() {
    local dev entry name
    dev=$(mktemp -d /tmp/pyxis-parity-dev.XXXXXX)
    mount -t tmpfs -o mode=755 tmpfs "$dev"
    for entry in /dev/* /dev/.[!.]*; do
        [[ -e $entry || -L $entry ]] || continue
        name=${entry#/dev/}
        if [[ -L $entry ]]; then
            cp -P "$entry" "$dev/$name"
        elif [[ $name == ptmx ]]; then
            # A bound ptmx node finds no devpts beside it: the link form opens pts/ptmx itself.
            ln -s pts/ptmx "$dev/ptmx"
        elif [[ -d $entry ]]; then
            mkdir "$dev/$name" && mount --rbind "$entry" "$dev/$name"
        else
            touch "$dev/$name" && mount --bind "$entry" "$dev/$name"
        fi
    done
    [[ -e $dev/log ]] || touch "$dev/log"
    [[ -e $dev/mqueue ]] || { mkdir "$dev/mqueue" && mount -t mqueue mqueue "$dev/mqueue"; }
    if [[ ! -e $dev/pts/ptmx ]]; then
        mkdir -p "$dev/pts" && mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$dev/pts"
    fi
    mount --move "$dev" /dev && rmdir "$dev"
}

# succeeded: both sides exited 0.
succeeded() {
    [[ $(cat "$work/enroot.rc") == 0 && $(cat "$work/ours.rc") == 0 ]]
}

# A copy of the host's /etc to change and pass as HOST_ETC.
fake_host_etc() {
    HOST_ETC=$work/host-etc
    cp -a /etc "$HOST_ETC"
}
