# shellcheck shell=bash
# The one place that makes the unprivileged user the suites, the seccomp runner and the benchmarks
# run as. Sourced; needs root.
#
#   ensure_test_user NAME HOME   create NAME, or bring an existing NAME to what the tests need:
#     - a login shell that runs commands (enroot runs the container's command through it):
#       /bin/bash; nologin, false or a missing shell is replaced, with a message;
#     - HOME as its home directory (the job epilog runs enroot with the passwd entry's home),
#       owned by it, 0755, on a file system every node of the test cluster sees;
#     - no subordinate uid/gid ranges (the seccomp filter is what lets apt-get work without them,
#       and a range would hide a regression), removed from /etc/subuid and /etc/subgid if present;
#     - an ordinary user: not uid 0, a passwd entry in /etc/passwd that usermod can change.
#   A user that cannot be brought there (root, a directory service entry) stops the run with a
#   message saying what is wrong.

test_user_log() { echo "test user: $*" >&2; }

ensure_test_user() {
    local name=$1 home=$2 entry uid shell current_home file
    if ! entry=$(getent passwd "$name"); then
        # -K SUB_*_COUNT=0: Debian's useradd gives new users subordinate ranges otherwise.
        useradd --user-group --home-dir "$home" --no-create-home --shell /bin/bash \
            -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name" ||
            { test_user_log "useradd $name failed"; return 1; }
        entry=$(getent passwd "$name")
    fi
    IFS=: read -r _ _ uid _ _ current_home shell <<<"$entry"
    if [[ $uid -eq 0 ]]; then
        test_user_log "$name has uid 0; the tests need an unprivileged user (set PYXIS_TEST_USER)"
        return 1
    fi
    if ! grep -q "^$name:" /etc/passwd; then
        test_user_log "$name comes from a directory service, not /etc/passwd, so the tests cannot set" \
            "its shell and home; use a local user (set PYXIS_TEST_USER)"
        return 1
    fi
    if ! test_user_shell_runs "$shell"; then
        test_user_log "$name's login shell ${shell:-(none)} cannot run commands; setting it to /bin/bash"
        usermod --shell /bin/bash "$name" || return 1
    fi
    if [[ $current_home != "$home" ]]; then
        usermod --home "$home" "$name" || return 1
    fi
    mkdir -p "$home"
    chown "$name:" "$home"
    chmod 0755 "$home"
    for file in /etc/subuid /etc/subgid; do
        if [[ ! -f $file ]] || ! grep -q "^\($name\|$uid\):" "$file"; then continue; fi
        test_user_log "removing $name's subordinate ranges from $file"
        sed -i "/^\($name\|$uid\):/d" "$file"
    done
}

# test_user_shell_runs SHELL: the shell exists, is executable and is not one that refuses logins.
test_user_shell_runs() {
    [[ -n $1 && -x $1 && ! -d $1 ]] || return 1
    case ${1##*/} in nologin | false) return 1 ;; esac
}
