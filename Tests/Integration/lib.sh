# shellcheck shell=bash
# Shared shell for the integration tests: run commands as the unprivileged test user, wait for a
# state, and the run's tally. Sourced by Tests/Integration/run.sh, fixtures.sh's users and
# bats/helpers.bash.

: "${PYXIS_TEST_USER:=pyxistest}"
: "${PYXIS_TEST_WORK:=/var/lib/pyxis-it}"
passed=${passed:-0}
failed=${failed:-0}
skipped=${skipped:-0}
failures=${failures:-}

# Runs a command as the test user, from the test user's work directory, with a clean
# environment, as a login shell would have it (plus whatever VAR=value words come first: `as_user A=1 srun true`).
as_user() { as_user_in "$PYXIS_TEST_WORK/home" "$@"; }
# The same from another directory (which becomes PWD, and so the job's working directory).
as_user_in() {
    local dir=$1 vars=(); shift
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    local as_test_user; test_user_words as_test_user
    (cd "$dir" && "${as_test_user[@]}" PWD="$dir" "${vars[@]}" "$@")
}
# test_user_words ARRAY: the words that run a command as the test user with that clean
# environment (for commands started elsewhere, such as on another node).
test_user_words() {
    local -n words=$1
    # shellcheck disable=SC2034  # a nameref: this sets the caller's array
    words=(runuser -u "$PYXIS_TEST_USER" -- env -i PATH=${SLURM_PREFIX:+$SLURM_PREFIX/bin:}/usr/local/bin:/usr/bin:/bin HOME="$PYXIS_TEST_WORK/home"
           USER="$PYXIS_TEST_USER" LOGNAME="$PYXIS_TEST_USER" ${SLURM_CONF:+SLURM_CONF=$SLURM_CONF})
}

# wait_until SECONDS COMMAND...: polls the command every 0.2 s until it succeeds; fails after SECONDS.
wait_until() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 0.2
    done
}

# summary: the run's last line, `N passed, M failed[, K skipped]`, after the failed tests' names;
# fails when a test failed.
summary() {
    echo
    if [[ $failed -gt 0 ]]; then
        echo "failed tests:"
        printf '%s' "$failures"
    fi
    if [[ $skipped -gt 0 ]]; then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    [[ $failed -eq 0 ]]
}
