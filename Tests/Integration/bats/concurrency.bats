# Two steps creating the same new --container-name at once: the second waits for the first and
# runs on the complete filesystem, whichever phase the first is slow in (import: a slow
# ENROOT_GZIP_PROGRAM; create: a slow unsquashfs through BASH_ENV, see helpers.bash).
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; make_slow_programs; }
setup() { fresh_ctl; uncache; }
teardown() { sweep; rm -rf "$ctl"; }

# race PHASE VAR=value...: the first step, slowed down by the variables, creates the name; the
# second starts while the first is in PHASE.
race() {
    local phase=$1; shift
    local probe="test -x /bin/sh && test -s /etc/passwd && test ! -e $host_only && echo complete"
    bg_usrun first "$@" --container-name=race --container-image="$PYXIS_TEST_IMAGE_URI" sh -c "$probe"
    wait_until 60 test -e "$slow_marker" || { echo "the first step did not get to its slow $phase: $(bg_err first)" >&2; false; }
    usrun --container-name=race --container-image="$PYXIS_TEST_IMAGE_URI" sh -c "$probe"
    bg_wait
    assert_success
    assert_output_is complete
    assert_stderr_has "waiting for"
    [[ $bg_status -eq 0 && $(bg_out first) == complete ]] || {
        echo "the first step: status $bg_status, stdout $(bg_out first), stderr $(bg_err first)" >&2; false; }
    remove_containers pyxis_race
    assert_nothing_left
}

@test "two steps on one new name, the first slow to import: the second waits for it, and both run on the complete filesystem" {
    race import SLOW_MARKER="$slow_marker" ENROOT_GZIP_PROGRAM="$slow_gzip" SLOW_GZIP_SECONDS=3
}

@test "two steps on one new name, the first slow to create: the second waits for it, and both run on the complete filesystem" {
    race create SLOW_MARKER="$slow_marker" BASH_ENV="$slow_create" SLOW_CREATE_SECONDS=6
}
