# The image's entrypoint on real enroot: off by default (execute_entrypoint=0), on with
# --container-entrypoint or execute_entrypoint=1, its output shown with --container-entrypoint-log.
# entry.sqsh's entrypoint prints `entrypoint-ran FOO=<$FOO>`, exports ENTRYPOINT_RAN=1 and execs
# its arguments.
# use_squashfuse: 0 auto
load helpers

# shellcheck disable=SC2016  # the container's shell expands it
ran='echo "${ENTRYPOINT_RAN-no}"'

setup_file() { plugstack; }
teardown() { sweep; reset_plugstack; }

@test "the entrypoint does not run by default (execute_entrypoint=0)" {
    usrun FOO=from-host --container-image="$images/entry.sqsh" sh -c "$ran"
    assert_success
    assert_output_is no
    assert_nothing_left
}

@test "--container-entrypoint runs it, and keeps its output to itself without --container-entrypoint-log" {
    usrun FOO=from-host --container-image="$images/entry.sqsh" --container-entrypoint sh -c "$ran"
    assert_success
    assert_output_is 1
    [[ $output$stderr != *entrypoint-ran* ]] || { echo "$stderr" >&2; false; }
}

@test "--container-entrypoint-log prints the entrypoint's output, which saw --container-env's value" {
    usrun FOO=from-host --container-image="$images/entry.sqsh" --container-entrypoint --container-entrypoint-log \
        --container-env=FOO sh -c "$ran"
    assert_success
    grep -qF "entrypoint-ran FOO=from-host" <<<"$output$stderr" || { echo "$output $stderr" >&2; false; }
}

@test "execute_entrypoint=1 runs it by default" {
    plugstack execute_entrypoint=1
    usrun --container-image="$images/entry.sqsh" sh -c "$ran"
    assert_success
    assert_output_is 1
    assert_nothing_left
}

@test "execute_entrypoint=1: --no-container-entrypoint does not run it" {
    plugstack execute_entrypoint=1
    usrun --container-image="$images/entry.sqsh" --no-container-entrypoint sh -c "$ran"
    assert_success
    assert_output_is no
}
