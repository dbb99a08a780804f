# A step that fails on one node, or is cancelled on all of them, fails as a whole with the
# reason, naming the node, and leaves nothing on any node: no container, temporary file, mount or
# process. Debian's 22.05 names it before slurmstepd's lines (`slurmstepd-node2: error: ...`);
# from 23.11 they read `slurmstepd: error: ...` (25.05: `[TIME] error: ...`), and our headline
# ends with `(on node2)` instead.
# nodes: 4
# use_squashfuse: 0 auto
load helpers

failing_hook=$user_hooks/99-pyxis-test-fail-on-node3.sh

setup_file() { plugstack; make_slow_programs; }
setup() { rm -f "$ran_on_host"; }
teardown() {
    sweep
    rm -f "$failing_hook" "$(node_path node1 /tmp/only-on-node1.sqsh)"
    rm -rf "$ctl"
}

# fails_on NODE MESSAGE: the step failed, stderr has MESSAGE on a line of NODE's slurmstepd
# that names NODE, nothing ran (on the host) and nothing is left on any node.
fails_on() {
    [[ $status -ne 0 ]] || { echo "the step exited 0: $output" >&2; return 1; }
    grep -F -- "$2" <<<"$stderr" | grep -qE "^slurmstepd-$1: |\(on $1\)\$" || {
        printf 'expected "slurmstepd-%s: ...%s" or "...%s... (on %s)" on stderr:\n%s\n' "$1" "$2" "$2" "$1" "$stderr" >&2
        return 1
    }
    assert_ran_nothing
    assert_nothing_left 30
}

@test "a squashfs file that only node1 has: the step fails on the others, naming them; nothing is left anywhere" {
    install -m 0644 "$images/busybox.sqsh" "$(node_path node1 /tmp/only-on-node1.sqsh)"
    usrun -N4 --ntasks-per-node=1 --container-image=/tmp/only-on-node1.sqsh touch "$ran_on_host"
    fails_on node2 "pyxis: "
    fails_on node4 "/tmp/only-on-node1.sqsh"
    [[ $stderr != *"slurmstepd-node1: error: pyxis"* && $stderr != *"(on node1)"* ]] || { echo "node1 failed too: $stderr" >&2; false; }
}

@test "an enroot hook that fails on node3 only: the step fails, naming node3; nothing is left anywhere" {
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$user_hooks"
    cat >"$failing_hook" <<'HOOK'
#!/bin/sh
[ "$(hostname)" != node3 ] || { echo "pyxis-test: this hook fails on node3" >&2; exit 1; }
HOOK
    chmod 755 "$failing_hook"
    usrun -N4 -n8 --ntasks-per-node=2 --container-image="$images/busybox.sqsh" touch "$ran_on_host"
    fails_on node3 "pyxis: "
    grep -q 'this hook fails on node3' <<<"$stderr" || { echo "no hook output: $stderr" >&2; false; }
}

every_node_downloads() { [[ $(find "$ctl/markers" -type f | wc -l) -eq 4 ]]; }

@test "scancel while every node imports: the step ends, nothing is left on any node" {
    fresh_ctl
    mkdir -m 0777 "$ctl/markers"
    uncache
    bg_usrun cancelled ENROOT_GZIP_PROGRAM="$slow_gzip" SLOW_GZIP_SECONDS=60 SLOW_MARKERS="$ctl/markers" \
        -N4 --ntasks-per-node=2 --container-image="$PYXIS_TEST_IMAGE_URI" touch "$ran_on_host"
    wait_until 60 every_node_downloads || {
        echo "not every node got to the download: $(ls "$ctl/markers") $(bg_err cancelled)" >&2
        false
    }
    scancel -u "$PYXIS_TEST_USER"
    bg_wait
    [[ $bg_status -ne 0 ]] || { echo "the step exited 0" >&2; false; }
    assert_ran_nothing
    assert_nothing_left 30
}
