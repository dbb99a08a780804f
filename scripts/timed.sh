#!/usr/bin/env bash
# timed.sh STAGE COMMAND...: runs COMMAND and, when PYXIS_STAGE_TIMES names a file, appends
# "STAGE SECONDS STATUS" to it, so that .ci/run can print what each stage of a run cost.
# Exits with COMMAND's status.
stage=${1:?usage: timed.sh STAGE COMMAND...}
shift
start=$(date +%s)
"$@"
status=$?
if [[ -n ${PYXIS_STAGE_TIMES:-} ]]; then
    echo "$stage $(($(date +%s) - start)) $status" >>"$PYXIS_STAGE_TIMES"
fi
exit "$status"
