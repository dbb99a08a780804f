# Shared helpers for the integration suites: run commands as the unprivileged test user and
# check exit codes and messages. Sourced by Tests/Integration/run.sh and each suite.

: "${PYXIS_TEST_USER:=pyxistest}"
: "${PYXIS_TEST_WORK:=/tmp/pyxis-it}"
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
    (cd "$dir" && runuser -u "$PYXIS_TEST_USER" -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
        HOME="$PYXIS_TEST_WORK/home" PWD="$dir" USER="$PYXIS_TEST_USER" LOGNAME="$PYXIS_TEST_USER" \
        ${SLURM_CONF:+SLURM_CONF=$SLURM_CONF} "${vars[@]}" "$@")
}

# capture COMMAND...: runs it; stdout in $out, stderr in $err, exit status in $rc (never fails).
capture() {
    local errfile
    errfile=$(mktemp)
    out=$("$@" 2>"$errfile") && rc=0 || rc=$?
    err=$(<"$errfile")
    rm -f "$errfile"
}

# captured_ok NAME EXPECTED: the last capture exited 0 and printed exactly EXPECTED on stdout
# ("-" skips the output check). Like pass/fail it returns 0 (suites run under set -e); $last_ok
# is 1 when it passed, for checks that only make sense after it.
captured_ok() {
    last_ok=0
    if [[ $rc -ne 0 ]]; then
        fail "$1" "exit $rc; stdout: $out"$'\n'"stderr: $err"
    elif [[ $2 != - && $out != "$2" ]]; then
        fail "$1" "expected: $2"$'\n'"got: $out"$'\n'"stderr: $err"
    else
        pass "$1"; last_ok=1
    fi
}

# captured_failure NAME [MESSAGE...]: the last capture exited non-zero and its stderr holds every
# MESSAGE (fixed substrings). Returns 0; sets $last_ok.
captured_failure() {
    local name=$1 message; shift
    last_ok=0
    if [[ $rc -eq 0 ]]; then
        fail "$name" "exited 0; stdout: $out"$'\n'"stderr: $err"; return 0
    fi
    for message in "$@"; do
        if ! grep -qF -- "$message" <<<"$err"; then
            fail "$name" "expected on stderr: $message"$'\n'"got (rc=$rc): $err"$'\n'"stdout: $out"; return 0
        fi
    done
    pass "$name"; last_ok=1
}

# wait_until SECONDS COMMAND...: polls the command every 0.2 s until it succeeds; fails after SECONDS.
wait_until() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [[ $SECONDS -lt $deadline ]] || return 1
        sleep 0.2
    done
}

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
    failed=$((failed + 1)); failures+="  $1"$'\n'
    echo "not ok - $1"
    [[ -n ${2:-} ]] && printf '%s\n' "$2" | sed 's/^/    # /'
    return 0
}

# expect_failure NAME MESSAGE COMMAND...: the command exits non-zero and prints MESSAGE
# (a whole line, or a fixed substring of one).
expect_failure() {
    local name=$1 message=$2; shift 2
    local output rc
    output=$("$@" 2>&1) && rc=0 || rc=$?
    if [[ $rc -eq 0 ]]; then
        fail "$name" "exited 0; output: $output"
    elif ! grep -qF -- "$message" <<<"$output"; then
        fail "$name" "expected message: $message"$'\n'"got (rc=$rc): $output"
    else
        pass "$name"
    fi
}

# expect_success NAME EXPECTED_OUTPUT COMMAND...: exits 0 and prints exactly EXPECTED_OUTPUT
# on stdout ("-" skips the output check).
expect_success() {
    local name=$1 expected=$2; shift 2
    local output rc errfile
    errfile=$(mktemp)
    output=$("$@" 2>"$errfile") && rc=0 || rc=$?
    if [[ $rc -ne 0 ]]; then
        fail "$name" "exit $rc; stderr: $(cat "$errfile")"
    elif [[ $expected != - && $output != "$expected" ]]; then
        fail "$name" "expected: $expected"$'\n'"got: $output"
    else
        pass "$name"
    fi
    rm -f "$errfile"
}

# check NAME COMMAND...: passes when the command (a test of some state) succeeds.
check() {
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

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
