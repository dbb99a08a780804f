#!/usr/bin/env bash
# Runs the integration suites against enroot's v4.1.2 release, what most clusters run, instead of
# its main branch: installs the release with ../shared/enroot/install.sh, runs
# Tests/Integration/run.sh [SUITE...], then puts back the enroot installed before (main when it
# was neither). `make test-enroot-release` runs it after `make`. Needs root.
#
# PYXIS_ENROOT_INSTALLER   the install script (default: ../shared/enroot/install.sh beside the repository)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
installer=${PYXIS_ENROOT_INSTALLER:-$repo/../shared/enroot/install.sh}
[[ -f $installer ]] || { echo "enroot-release: $installer is missing" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "enroot-release: run as root" >&2; exit 2; }

case $(cat /usr/lib/enroot/.installed-from 2>/dev/null || true) in
    enroot-4.1.2-with-deps.tar.gz) before=release ;;
    *) before=master ;;
esac
restore() { bash "$installer" "$before" || echo "enroot-release: could not reinstall enroot ($before)" >&2; }
trap restore EXIT
bash "$installer" release
bash "$here/run.sh" "$@"
