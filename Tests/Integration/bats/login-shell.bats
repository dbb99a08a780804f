# enroot runs the container's command through the user's login shell (ENROOT_LOGIN_SHELL): a
# user whose shell refuses commands gets the plugin's message before enroot runs, not enroot's
# log; a shell the image lacks is enroot's business (10-shadow puts /bin/sh in its place).
load helpers

test_shell=$(getent passwd "$PYXIS_TEST_USER" | cut -d: -f7)

setup_file() { plugstack; }
setup() { rm -f "$ran_on_host"; }
teardown() { usermod --shell "$test_shell" "$PYXIS_TEST_USER"; sweep; }

# with_shell SHELL: the test user's login shell, until teardown puts it back.
with_shell() { usermod --shell "$1" "$PYXIS_TEST_USER"; }

@test "a user whose login shell is nologin: the step fails before enroot runs, naming the shell and the fix" {
    with_shell /usr/sbin/nologin
    usrun --container-image="$images/debian.sqsh" touch "$ran_on_host"
    assert_failure_with "pyxis: user $PYXIS_TEST_USER's login shell /usr/sbin/nologin cannot run commands, and enroot runs the container's command through it (ENROOT_LOGIN_SHELL); nothing was started" \
        "usermod --shell /bin/bash $PYXIS_TEST_USER"
    [[ $stderr != *"printing enroot log file"* && $stderr != *"not available"* ]] || { echo "$stderr" >&2; false; }
    assert_ran_nothing
    assert_nothing_left
}

@test "a user whose login shell is /bin/false: the same, for a named container from a registry image too" {
    with_shell /bin/false
    usrun --container-image="$PYXIS_TEST_IMAGE_URI" --container-name=login-shell touch "$ran_on_host"
    assert_failure_with "pyxis: user $PYXIS_TEST_USER's login shell /bin/false cannot run commands"
    [[ $stderr != *"importing docker image"* ]] || { echo "imported: $stderr" >&2; false; }
    assert_ran_nothing
    assert_nothing_left
}

@test "ENROOT_LOGIN_SHELL=no in the job's environment: enroot uses no login shell, and the step runs" {
    with_shell /usr/sbin/nologin
    usrun ENROOT_LOGIN_SHELL=no --container-image="$images/debian.sqsh" cat /pyxis-image
    assert_success
    assert_output_is debian
    assert_nothing_left
}

@test "a login shell the node and the image lack is not refused: enroot starts the command with /bin/sh" {
    with_shell /usr/local/bin/pyxis-no-such-shell
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$images/debian.sqsh" sh -c 'cat /pyxis-image; getent passwd "$(id -u)" | cut -d: -f7'
    assert_success
    assert_output_is $'debian\n/bin/sh'
    assert_nothing_left
}
