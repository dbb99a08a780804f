# Steps whose container cannot be made fail with the reason (and enroot's log where enroot
# failed), run nothing on the host, and leave no container, file, mount or process behind.
# use_squashfuse: 0 auto
load helpers

hooks=$user_home/.config/enroot/hooks.d
failing_hook=$hooks/99-pyxis-test-fail.sh

setup_file() { plugstack; make_slow_programs; }
setup() { rm -f "$ran_on_host"; }
teardown() { sweep; rm -f "$failing_hook"; rm -rf "$ctl"; }

# fails_cleanly LOG MESSAGE SRUN_ARGS...: the step fails with MESSAGE on stderr (and, when LOG
# is 1, pyxis's enroot log with enroot's [ERROR] line), runs nothing, leaves nothing.
fails_cleanly() {
    local log=$1 message=$2; shift 2
    usrun "$@" touch "$ran_on_host"
    assert_failure_with "$message"
    [[ $log == 0 ]] || enroot_log_shown || { echo "no enroot log with an [ERROR] line: $stderr" >&2; false; }
    assert_ran_nothing
    assert_nothing_left
}

@test "a missing squashfs file fails the step, naming it; nothing runs or is left" {
    fails_cleanly 0 "$images/no-such.sqsh" --container-image="$images/no-such.sqsh"
}

@test "a missing registry image fails the step: pyxis's import failure line and enroot's log; nothing runs or is left" {
    fails_cleanly 1 "pyxis: failed to import docker image: $PYXIS_TEST_MISSING_URI" --container-image="$PYXIS_TEST_MISSING_URI"
}

@test "a corrupt squashfs file fails the step with enroot's log; nothing runs or is left" {
    fails_cleanly 1 "pyxis: printing enroot log file:" --container-image="$images/corrupt.sqsh"
}

@test "a corrupt squashfs file, -n 4, fails the step with enroot's log; nothing runs or is left" {
    fails_cleanly 1 "pyxis: printing enroot log file:" -n 4 --container-image="$images/corrupt.sqsh"
}

@test "a corrupt squashfs file for a named container fails the step with enroot's log; no container is left" {
    fails_cleanly 1 "pyxis: printing enroot log file:" --container-name=corrupt --container-image="$images/corrupt.sqsh"
}

@test "a failing enroot hook fails the step with enroot's log; nothing runs or is left" {
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$hooks"
    printf '#!/bin/sh\necho pyxis-test-hook-failed >&2\nexit 1\n' >"$failing_hook"
    chown "$PYXIS_TEST_USER:" "$failing_hook"
    chmod 755 "$failing_hook"
    fails_cleanly 1 "pyxis-test-hook-failed" --container-image="$images/busybox.sqsh"
}

job_running() { [[ -n $(squeue -h -u "$PYXIS_TEST_USER" -n "$1" -t R -o %i 2>/dev/null) ]]; }

@test "scancel during a slow import fails the step at once, and leaves nothing behind" {
    fresh_ctl
    uncache
    bg_usrun cancel SLOW_MARKER="$slow_marker" ENROOT_GZIP_PROGRAM="$slow_gzip" SLOW_GZIP_SECONDS=30 \
        -J pyxis-it-cancel --container-image="$PYXIS_TEST_IMAGE_URI" true
    wait_until 30 job_running pyxis-it-cancel && wait_until 60 test -e "$slow_marker" || {
        echo "the job did not get to its slow import: $(bg_err cancel)" >&2; false; }
    sleep 1
    local t0=$SECONDS
    scancel -u "$PYXIS_TEST_USER" -n pyxis-it-cancel
    bg_wait
    [[ $bg_status -ne 0 ]] || { echo "the step exited 0" >&2; false; }
    [[ $((SECONDS - t0)) -lt 15 ]] || { echo "it took $((SECONDS - t0)) s" >&2; false; }
    assert_nothing_left 15
}

removing() { pgrep -u "$PYXIS_TEST_USER" -f 'rm .*pyxis_' >/dev/null || pgrep -u "$PYXIS_TEST_USER" -f 'enroot.* remove ' >/dev/null; }

# The last task_exit tears down while slurmstepd still signals what the step runs; a cancel then
# kills `enroot remove` half-way. slurmstepd's exit, once the step's processes are gone, removes
# what is left (ContainerTeardown).
@test "scancel while the teardown removes the container: it is removed all the same; nothing left" {
    # shellcheck disable=SC2016  # the container's shell expands it
    bg_usrun remove -J pyxis-it-remove --container-image="$images/busybox.sqsh" --container-writable \
        sh -c 'mkdir /many && cd /many && seq 1 150000 | xargs touch'
    wait_until 120 removing || { echo "no enroot remove seen: $(bg_err remove)" >&2; false; }
    scancel -u "$PYXIS_TEST_USER" -n pyxis-it-remove
    bg_wait
    assert_nothing_left 60
}
