# pyxis-doctor: each test breaks one check in a node of its own (a directory read with --root)
# and reads the doctor's line about it. Needs no cluster: runs alone with plain `bats`, as root
# (the user trial changes identity; /dev/fuse is made with mknod), with a C compiler ($CC, else
# cc: the node's spank_pyxis.so is a real ELF file that defines plugin_version, as the front does):
#
#   bats Tests/Integration/bats/doctor.bats
#
# The doctor is $PYXIS_DOCTOR, else the staging install's (run.sh), else the build's (`make`).
# The kernel checks (namespaces, seccomp) are this machine's: they pass here.

bats_require_minimum_version 1.5.0   # run -N

repo=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
if [[ -z ${PYXIS_DOCTOR:-} ]]; then
    PYXIS_DOCTOR=$repo/.build/stage/pyxis-doctor
    [[ -x ${PYXIS_TEST_PREFIX:-/nonexistent}/sbin/pyxis-doctor ]] && PYXIS_DOCTOR=$PYXIS_TEST_PREFIX/sbin/pyxis-doctor
fi

# fake_plugin NUMBER [DEFINITIONS]: the node's spank_pyxis.so, a shared object whose
# plugin_version is NUMBER (0x160508: built for Slurm 22.05.8), as SPANK_PLUGIN defines it; the
# doctor reads it from the file. `-` for NUMBER: no plugin_version, only DEFINITIONS.
fake_plugin() {
    local number=$1 source=${2:-}
    [[ $number == - ]] || source+="const unsigned int plugin_version = $number;"
    printf '%s\n' "$source" | "${CC:-cc}" -shared -fPIC -x c - -o "$node$plugin"
}

# executable PATH [LINE...]: a script in the node.
executable() {
    local path=$node$1; shift
    mkdir -p "$(dirname "$path")"
    printf '%s\n' '#!/bin/sh' "$@" > "$path"
    chmod 0755 "$path"
}

# plugstack_line ARGS...: pyxis's line in the node's plugstack.conf.d.
plugstack_line() { echo "$*" > "$node/etc/slurm/plugstack.conf.d/pyxis.conf"; }

# A healthy node, laid out as the package installs pyxis, with an image cache users can create.
setup() {
    [[ $(id -u) -eq 0 ]] || skip "needs root"
    [[ -x $PYXIS_DOCTOR ]] || { echo "no pyxis-doctor at $PYXIS_DOCTOR: run make, or set PYXIS_DOCTOR" >&2; return 1; }
    node=$(mktemp -d)
    chmod 0755 "$node"
    plugin=/usr/lib/slurm/spank_pyxis.so
    mkdir -p "$node/etc/slurm/plugstack.conf.d" "$node/usr/lib/slurm/pyxis" "$node/etc/enroot/hooks.d" \
        "$node/usr/share/pyxis/hooks.d" "$node/dev" "$node/var/cache/pyxis"
    echo "include /etc/slurm/plugstack.conf.d/*.conf" > "$node/etc/slurm/plugstack.conf"
    plugstack_line required "$plugin" image_cache=/var/cache/pyxis/%u
    fake_plugin 0x160508
    touch "$node/usr/lib/slurm/pyxis/spank_pyxis_core.so"
    executable /usr/lib/slurm/pyxis/pyxis-image-cache
    install -d -m 0755 "$node/run/pyxis"
    chmod 1777 "$node/var/cache/pyxis"
    executable /bin/slurmd "echo 'slurm 22.05.8'"
    # shellcheck disable=SC2016  # lines of the stand-in enroot script
    executable /bin/enroot 'config::init "/etc/enroot/enroot.conf"' 'export ENROOT_VERSION="4.1.2"' \
        'config::export ENROOT_NATIVE_OVERLAYFS true' 'config::export ENROOT_LOGIN_SHELL true' \
        '[ "$1" != --net ] || export ENROOT_UNSHARE_NET=y'
    executable /bin/squashfuse
    mknod -m 0666 "$node/dev/fuse" c 10 229
    executable /usr/libexec/pyxis/pyxis-hook-pmi
    ln -s ../../../libexec/pyxis/pyxis-hook-pmi "$node/usr/share/pyxis/hooks.d/50-slurm-pmi.sh"
    ln -s /usr/share/pyxis/hooks.d/50-slurm-pmi.sh "$node/etc/enroot/hooks.d/50-slurm-pmi.sh"
}

teardown() { [[ -z ${node:-} ]] || rm -rf "$node"; }

# doctor [ARGS...]: runs the doctor on the node; `status`, `output` and `lines` as bats's `run`.
doctor() { run "$PYXIS_DOCTOR" --root "$node" --path /bin "$@"; }

# line CHECK: the doctor's line about CHECK.
line() { printf '%s\n' "${lines[@]}" | grep -E "^(ok  |warn|FAIL) $1: " || true; }

# expect VERDICT CHECK TEXT: that line has the verdict and contains TEXT, and the doctor ran to its
# summary line with an exit status that goes with it: 1 after a FAIL, else 0 or 1 (another check
# may fail), never a crash or a usage error.
expect() {
    local found
    found=$(line "$2")
    [[ $found == "$1 $2: "*"$3"* ]] || { echo "expected '$1 $2: ...$3...', got: $found" >&2; echo "$output" >&2; false; }
    if ! grep -qE '^[0-9]+ checks: [0-9]+ ok, ' <<<"$output" || [[ $status -ne 1 && ($1 == FAIL || $status -ne 0) ]]; then
        echo "exit status $status after '$found':" >&2; echo "$output" >&2; false
    fi
}

@test "pyxis-doctor: a healthy node passes every check, exit 0" {
    doctor
    [[ $status -eq 0 ]] || { echo "$output" >&2; false; }
    [[ ${lines[-1]} == "10 checks: 10 ok, 0 warnings, 0 failed" ]] || { echo "$output" >&2; false; }
    expect "ok  " hooks "enabled in /etc/enroot/hooks.d: 50-slurm-pmi.sh"
}

@test "slurm: a plugin built for another Slurm release fails" {
    executable /bin/slurmd "echo 'slurm 99.01.0'"
    doctor
    [[ $status -eq 1 ]]
    expect FAIL slurm "$plugin: pyxis was built for Slurm 22.05.8, /bin/slurmd is 99.01.0: Slurm refuses the plugin (\"Incompatible Slurm plugin version\")"
}

@test "slurm: the release is the installed plugin's plugin_version, not the doctor's" {
    fake_plugin 0x1a0503
    executable /bin/slurmd "echo 'slurm 26.05.1'"
    doctor
    [[ $status -eq 0 ]] || { echo "$output" >&2; false; }
    expect "ok  " slurm "$plugin: pyxis was built for Slurm 26.05.3, /bin/slurmd is 26.05.1 (same 26.05 series: Slurm loads it)"
    executable /bin/slurmd "echo 'slurm-wlm 22.05.8'"
    doctor
    expect FAIL slurm "pyxis was built for Slurm 26.05.3, /bin/slurmd is 22.05.8: Slurm refuses the plugin"
}

@test "slurm: a plugin file without plugin_version fails, naming the file" {
    fake_plugin - "int slurm_spank_init(void) { return 0; }"
    doctor
    [[ $status -eq 1 ]]
    expect FAIL slurm "cannot tell which Slurm pyxis was built for: $plugin has no plugin_version symbol"
    : >"$node$plugin"
    doctor
    expect FAIL slurm "cannot tell which Slurm pyxis was built for: $plugin is empty, not an ELF shared object"
    [[ $(line slurm) == *"fix: reinstall pyxis built for Slurm 22.05"* ]]
}

@test "slurm: no slurmd or srun in PATH fails" {
    rm "$node/bin/slurmd"
    doctor
    expect FAIL slurm "neither slurmd nor srun is in PATH"
}

@test "plugstack: no line that loads pyxis fails" {
    rm "$node/etc/slurm/plugstack.conf.d/pyxis.conf"
    doctor
    [[ $status -eq 1 ]]
    expect FAIL plugstack "no line of /etc/slurm/plugstack.conf or its includes loads spank_pyxis.so"
}

@test "plugstack: an argument pyxis rejects fails with the plugin's own message" {
    plugstack_line required "$plugin" container_scope=node
    doctor
    expect FAIL plugstack "/etc/slurm/plugstack.conf.d/pyxis.conf:1: container_scope: invalid value: node (expected job or global)"
}

@test "plugstack: a line Slurm cannot read fails" {
    echo "requird /x.so" >> "$node/etc/slurm/plugstack.conf"
    doctor
    expect FAIL plugstack "/etc/slurm/plugstack.conf:2: 'requird /x.so' is not"
}

@test "plugstack: pyxis loaded twice fails" {
    echo "required $plugin" >> "$node/etc/slurm/plugstack.conf"
    doctor
    expect FAIL plugstack "is loaded twice"
}

@test "plugstack: an optional line warns; exit 0, or 1 with --strict" {
    plugstack_line optional "$plugin"
    doctor
    [[ $status -eq 0 ]]
    expect warn plugstack "as \`optional\`: if pyxis fails, Slurm runs the step on the host instead"
    doctor --strict
    [[ $status -eq 1 ]]
}

@test "plugstack: a plugin without its Swift core fails" {
    rm "$node/usr/lib/slurm/pyxis/spank_pyxis_core.so"
    doctor
    expect FAIL plugstack "has no Swift core beside it"
}

@test "plugstack: slurm.conf's PlugStackConfig is the file read" {
    echo "PlugStackConfig=/etc/slurm/other.conf" > "$node/etc/slurm/slurm.conf"
    doctor
    expect FAIL plugstack "/etc/slurm/other.conf does not exist or cannot be read"
}

@test "runtime_path: missing fails, naming the fix" {
    rmdir "$node/run/pyxis"
    doctor
    expect FAIL runtime_path "/run/pyxis does not exist"
    [[ $(line runtime_path) == *"fix: restart slurmd"* ]]
}

@test "runtime_path: writable by others fails" {
    chmod 0777 "$node/run/pyxis"
    doctor
    expect FAIL runtime_path "/run/pyxis (owner uid 0, mode 0777) is writable by group or others"
}

@test "runtime_path: the plugstack's runtime_path is the one checked" {
    plugstack_line required "$plugin" runtime_path=/var/run/px
    doctor
    expect FAIL runtime_path "/var/run/px does not exist"
}

@test "enroot: none in slurmstepd's PATH fails" {
    rm "$node/bin/enroot"
    doctor
    expect FAIL enroot "no enroot in slurmstepd's PATH (/bin)"
}

@test "enroot: 4.1.2 without unshare and fstab escapes warns" {
    executable /bin/enroot 'config::init "/etc/enroot/enroot.conf"' 'export ENROOT_VERSION="4.1.2"' 'config::export ENROOT_NATIVE_OVERLAYFS true'
    doctor
    [[ $status -eq 0 ]]
    expect warn enroot "enroot 4.1.2 (config /etc/enroot; no fstab escapes, no unshare): --container-unshare is refused"
}

@test "enroot: older than 3.1 fails" {
    executable /bin/enroot 'export ENROOT_VERSION="3.0.2"'
    doctor
    expect FAIL enroot "pyxis needs enroot 3.1 or later"
}

@test "user namespaces: kernel.unprivileged_userns_clone=0 fails" {
    mkdir -p "$node/proc/sys/kernel"
    echo 0 > "$node/proc/sys/kernel/unprivileged_userns_clone"
    doctor
    expect FAIL "user namespaces" "kernel.unprivileged_userns_clone is 0"
    [[ $(line "user namespaces") == *"fix: sysctl -w kernel.unprivileged_userns_clone=1"* ]]
}

@test "user namespaces: Ubuntu's AppArmor restriction fails" {
    mkdir -p "$node/proc/sys/kernel"
    echo 1 > "$node/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
    doctor
    expect FAIL "user namespaces" "kernel.apparmor_restrict_unprivileged_userns is 1"
}

@test "user namespaces: user.max_user_namespaces=0 fails" {
    mkdir -p "$node/proc/sys/user"
    echo 0 > "$node/proc/sys/user/max_user_namespaces"
    doctor
    expect FAIL "user namespaces" "user.max_user_namespaces is 0"
}

@test "user namespaces: the trial runs as --user" {
    doctor --user nobody
    expect "ok  " "user namespaces" "nobody (uid $(id -u nobody)) can create a user namespace"
    [[ $(line "user namespaces") != *"stands in"* ]]
}

@test "login shell: --user of a user whose shell is nologin fails, naming the shell and the fix" {
    [[ $(getent passwd nobody | cut -d: -f7) == */nologin ]] || skip "nobody's shell here is not nologin"
    doctor --user nobody
    [[ $status -eq 1 ]] || { echo "$output" >&2; false; }
    expect FAIL "login shell" "user nobody's login shell $(getent passwd nobody | cut -d: -f7) cannot run commands"
    [[ $(line "login shell") == *"fix: give the user a shell that runs commands (usermod --shell /bin/bash nobody)"* ]]
}

@test "login shell: a user whose shell runs commands passes" {
    doctor --user root
    expect "ok  " "login shell" "root (uid 0) has the login shell $(getent passwd root | cut -d: -f7), which runs commands"
}

@test "login shell: enroot configured without login shells passes any shell" {
    mkdir -p "$node/etc/enroot"
    echo "ENROOT_LOGIN_SHELL no" >"$node/etc/enroot/enroot.conf"
    doctor --user nobody
    expect "ok  " "login shell" "ENROOT_LOGIN_SHELL is off"
}

@test "login shell: the stand-in nobody is not judged" {
    doctor
    expect "ok  " "login shell" "not checked for nobody"
}

@test "fuse: /dev/fuse not a device warns with use_squashfuse=auto, fails with use_squashfuse=1" {
    rm "$node/dev/fuse"
    touch "$node/dev/fuse"
    doctor
    expect warn fuse "use_squashfuse=auto takes the slower enroot create path: /dev/fuse is not a character device"
    plugstack_line required "$plugin" use_squashfuse=1
    doctor
    expect FAIL fuse "use_squashfuse=1 starts every temporary container from its squashfs file, which fails here"
}

@test "fuse: /dev/fuse the user cannot open warns" {
    chmod 0600 "$node/dev/fuse"
    doctor
    expect warn fuse "nobody (uid $(id -u nobody)) cannot open /dev/fuse: Permission denied"
}

@test "fuse: no squashfuse, or no fuse-overlayfs without native overlayfs, warns" {
    rm "$node/bin/squashfuse"
    # shellcheck disable=SC2016  # lines of the stand-in enroot script
    executable /bin/enroot 'export ENROOT_VERSION="4.1.2"' '[ "$1" != --net ] || export ENROOT_UNSHARE_NET=y'
    doctor
    expect warn fuse "squashfuse is not installed; fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off"
}

@test "fuse: use_squashfuse=0 passes without FUSE" {
    rm "$node/dev/fuse" "$node/bin/squashfuse"
    plugstack_line required "$plugin" use_squashfuse=0
    doctor
    expect "ok  " fuse "use_squashfuse=0"
}

@test "hooks: a dangling hook link fails" {
    rm "$node/usr/libexec/pyxis/pyxis-hook-pmi"
    doctor
    expect FAIL hooks "/etc/enroot/hooks.d/50-slurm-pmi.sh leads to /usr/libexec/pyxis/pyxis-hook-pmi, which does not exist"
}

@test "hooks: a drop-in installed with the plugin that leads nowhere fails" {
    ln -s ../../../libexec/pyxis/pyxis-hook-gone "$node/usr/share/pyxis/hooks.d/10-gone.sh"
    doctor
    expect FAIL hooks "/usr/share/pyxis/hooks.d/10-gone.sh leads to /usr/libexec/pyxis/pyxis-hook-gone, which does not exist"
}

@test "hooks: the installed drop-ins not enabled are named" {
    rm "$node/etc/enroot/hooks.d/50-slurm-pmi.sh"
    doctor
    expect "ok  " hooks "no pyxis hook is enabled in /etc/enroot/hooks.d; not enabled: 50-slurm-pmi.sh (ln -s /usr/share/pyxis/hooks.d/NAME.sh /etc/enroot/hooks.d/)"
}

@test "hooks: a hook that is not executable fails" {
    chmod 0644 "$node/usr/libexec/pyxis/pyxis-hook-pmi"
    doctor
    expect FAIL hooks "which is not an executable file: enroot skips the hook"
}

@test "hooks: --enroot-config-dir names enroot's directory" {
    mkdir -p "$node/opt/enroot"
    doctor --enroot-config-dir /opt/enroot
    expect "ok  " hooks "no pyxis hook is enabled in /opt/enroot/hooks.d"
}

@test "image_cache: a user directory open to others fails" {
    install -d -m 0755 -o nobody "$node/var/cache/pyxis/nobody"
    doctor
    expect FAIL image_cache "/var/cache/pyxis/nobody (owner uid $(id -u nobody), mode 0755) is open to other users"
}

@test "image_cache: another user's directory fails" {
    install -d -m 0700 "$node/var/cache/pyxis/nobody"
    doctor
    expect FAIL image_cache "is not nobody (uid $(id -u nobody))'s"
}

@test "image_cache: a parent users cannot write fails" {
    chmod 0755 "$node/var/cache/pyxis"
    doctor
    expect FAIL image_cache "/var/cache/pyxis/nobody does not exist and nobody (uid $(id -u nobody)) cannot create it in /var/cache/pyxis"
}

@test "image_cache: unset passes" {
    plugstack_line required "$plugin"
    doctor
    expect "ok  " image_cache "image_cache is not set"
}

@test "--user: an unknown user is a usage error naming it" {
    doctor --user no-such-user-here
    [[ $status -eq 64 ]]
    [[ $output == *"--user: no user 'no-such-user-here' on this node (getpwnam)"* ]]
}

# The trial child becomes the user, who may then signal or ptrace it. A shim (LD_PRELOAD) that
# stops the child where it would make the user namespace, after writing down its session and its
# open descriptors, plays the user: the doctor must give up on it after its timeout and kill it,
# and the child must have held nothing of root's (its own session, 0-2 on /dev/null, no other
# descriptor of the doctor's).
@test "user namespaces: a trial child the user stops is killed after the timeout; it held nothing of root's" {
    local shim=$node/stop-trial.so trial=$node/trial
    mkdir -m 0777 "$trial"
    "${CC:-cc}" -shared -fPIC -x c - -o "$shim" -ldl <<'SHIM'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int unshare(int flags) {
    const char *report = getenv("PYXIS_TEST_TRIAL_REPORT");
    if (report && (flags & CLONE_NEWUSER)) {
        FILE *out = fopen(report, "w");
        if (out) {
            fprintf(out, "pid=%d sid=%d\n", getpid(), getsid(0));
            DIR *fds = opendir("/proc/self/fd");
            struct dirent *entry;
            while (fds && (entry = readdir(fds))) {
                char path[PATH_MAX + 32], target[PATH_MAX] = "";
                snprintf(path, sizeof path, "/proc/self/fd/%s", entry->d_name);
                ssize_t n = readlink(path, target, sizeof target - 1);
                if (n > 0) { target[n] = 0; fprintf(out, "fd %s %s\n", entry->d_name, target); }
            }
            fclose(out);
        }
        raise(SIGSTOP);
    }
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "unshare");
    return real(flags);
}
SHIM
    local start=$SECONDS
    run timeout 60 env LD_PRELOAD="$shim" PYXIS_TEST_TRIAL_REPORT="$trial/report" \
        "$PYXIS_DOCTOR" --root "$node" --path /bin --user nobody 9>"$trial/root-secret"
    [[ $status -ne 124 ]] || { echo "the doctor hung on the stopped child" >&2; false; }
    [[ $((SECONDS - start)) -lt 30 ]] || { echo "took $((SECONDS - start)) s" >&2; false; }
    grep -q "no report within 10 s" <<<"$output" || { echo "$output" >&2; false; }
    run -1 pgrep -u nobody -x pyxis-doctor
    local report
    report=$(cat "$trial/report")
    [[ $report =~ pid=([0-9]+)\ sid=([0-9]+) && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]] || { echo "$report" >&2; false; }
    for fd in 0 1 2; do grep -qx "fd $fd /dev/null" <<<"$report" || { echo "$report" >&2; false; }; done
    run -1 grep -e root-secret -e /dev/pts -e "fd 9 " <<<"$report"
}
