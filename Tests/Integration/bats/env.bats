# The job's environment in the container on real enroot: the locale rule (LANG, LC_ALL and
# LANGUAGE stay outside), the image's values over the host's, and --container-env (the host's
# value wins over the image's; a name the host does not set leaves the image's value alone).
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

host_env=(LANG=en_US.UTF-8 LC_ALL=C LANGUAGE=en FOO=from-host BAR=host-only)
# shellcheck disable=SC2016  # the container's shell expands it
show='echo "${LANG-unset} ${LC_ALL-unset} ${LANGUAGE-unset} ${FOO-unset} ${BAR-unset}"'

@test "LANG, LC_ALL and LANGUAGE stay outside; other host variables come in" {
    usrun "${host_env[@]}" --container-image="$images/busybox.sqsh" sh -c "$show"
    assert_success
    assert_output_is "unset unset unset from-host host-only"
    assert_nothing_left
}

@test "--container-env=LANG,LC_ALL brings those in" {
    usrun "${host_env[@]}" --container-image="$images/busybox.sqsh" --container-env=LANG,LC_ALL sh -c "$show"
    assert_success
    assert_output_is "en_US.UTF-8 C unset from-host host-only"
}

@test "the image's values win over the host's" {
    usrun "${host_env[@]}" --container-image="$images/env.sqsh" sh -c "$show"
    assert_success
    assert_output_is "C.UTF-8 unset unset from-image host-only"
}

@test "--container-env=FOO,LANG: the host's values win over the image's" {
    usrun "${host_env[@]}" --container-image="$images/env.sqsh" --container-env=FOO,LANG sh -c "$show"
    assert_success
    assert_output_is "en_US.UTF-8 unset unset from-host host-only"
}

# A quote that a combining mark (U+0301) joins into one Unicode character is still a quote to
# bash, which reads enroot's --conf file: the value must come through whole, and run nothing.
@test "--container-env with a value holding a quote and a combining mark: the value, whole; nothing runs" {
    rm -f "$ran_on_host"
    local value="'"$'\xcc\x81'"; touch $ran_on_host; '"
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun "FOO=$value" --container-image="$images/env.sqsh" --container-env=FOO sh -c 'printf "%s|" "$FOO"'
    assert_success
    assert_output_is "$value|"
    assert_ran_nothing
}

@test "--container-env NAME with NAME unset on the host keeps the image's value" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$PYXIS_TEST_ENV_URI" --container-env=CUDA_VERSION sh -c 'echo "${CUDA_VERSION-unset}"'
    assert_success
    assert_output_is 11.8.0
}

@test "--container-env NAME with NAME set on the host takes the host's value" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun CUDA_VERSION=12.4 --container-image="$PYXIS_TEST_ENV_URI" --container-env=CUDA_VERSION sh -c 'echo "$CUDA_VERSION"'
    assert_success
    assert_output_is 12.4
}

@test "without --container-env the image's value wins over the host's" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun CUDA_VERSION=12.4 --container-image="$PYXIS_TEST_ENV_URI" sh -c 'echo "$CUDA_VERSION"'
    assert_success
    assert_output_is 11.8.0
}

@test "--container-env of an unset name on a squashfs file keeps the image's value too" {
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun --container-image="$images/env.sqsh" --container-env=FOO,CUDA_VERSION sh -c 'echo "$FOO $CUDA_VERSION"'
    assert_success
    assert_output_is "from-image 11.8.0"
}
