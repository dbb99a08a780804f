# --container-dry-run / PYXIS_CONTAINER_DRY_RUN=1 on real enroot: one report per node of what
# the step would do, then every task ends without running its command; nothing is imported,
# made, started or left behind.
load helpers

setup_file() { plugstack; make_call_counter; }
setup() { rm -f "$ran_on_host"; fresh_ctl; }
teardown() { sweep; }

# dry [VAR=value...] SRUN_ARGS...: usrun with enroot's commands counted in $ctl/calls.
dry() {
    local vars=()
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    usrun BASH_ENV="$enroot_calls" ENROOT_CALLS="$ctl/calls" "${vars[@]}" "$@"
}

@test "a squashfs image: the report names the file, the options' origins and the commands; nothing runs" {
    dry -n 2 --container-dry-run --container-image="$images/busybox.sqsh" --container-workdir=/tmp touch "$ran_on_host"
    assert_success
    assert_ran_nothing
    assert_stderr_has "pyxis: dry run on " "nothing was started (--container-dry-run)" \
        "pyxis:     --container-image=$images/busybox.sqsh   (command line)" \
        "pyxis:     --container-workdir=/tmp   (command line)" \
        "pyxis: image: squashfs file $images/busybox.sqsh" \
        "pyxis: commands, as the job's user:" "start --conf " \
        "pyxis: hooks enroot start would run, in order:" \
        "pyxis: then each task would join the container and run its command"
    [[ $(stderr_lines "pyxis: dry run on ") -eq 1 ]] || { echo "$stderr" >&2; false; }   # one report for the node
    [[ ! -s $ctl/calls ]] || { cat "$ctl/calls" >&2; false; }   # enroot never ran
    assert_nothing_left
}

@test "PYXIS_CONTAINER_DRY_RUN=1 with a registry image: the import is reported, not done" {
    dry PYXIS_CONTAINER_DRY_RUN=1 --container-image="$PYXIS_TEST_IMAGE_URI" touch "$ran_on_host"
    assert_success
    assert_ran_nothing
    assert_stderr_has "pyxis:     --container-dry-run=yes   (PYXIS_CONTAINER_DRY_RUN)" \
        "pyxis: image: docker://$PYXIS_TEST_IMAGE_URI (enroot)" "import --output " "docker://$PYXIS_TEST_IMAGE_URI"
    [[ ! -s $ctl/calls ]] || { cat "$ctl/calls" >&2; false; }
    assert_nothing_left
}

@test "a named container: the report says it is kept; only enroot list runs; nothing is made" {
    dry --container-dry-run --container-name=drytest --container-image="$images/busybox.sqsh" true
    assert_success
    assert_stderr_has "pyxis: container: pyxis_drytest (named, kept after the step)" "create --name pyxis_drytest"
    [[ $(cat "$ctl/calls") == "$(hostname) list" ]] || { cat "$ctl/calls" >&2; false; }
    local containers
    containers=$(user_containers)
    [[ $containers != *drytest* ]] || { echo "containers: $containers" >&2; false; }
}

@test "a step that would fail says where, and fails; nothing runs" {
    dry --container-dry-run --container-name=no-such-container:exec touch "$ran_on_host"
    assert_failure_with "pyxis: the step would fail here: "
    assert_ran_nothing
    assert_nothing_left
}
