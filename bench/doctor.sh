#!/usr/bin/env bash
# Wall time of pyxis-doctor on this node (target: under 1 s on a healthy node), as root for the
# stand-in user and with --user, next to /bin/true started the same way. Every check runs each
# time: slurmd -V, the files, and the forked user trial (namespaces, /dev/fuse).
#
#   bench/doctor.sh [RUNS]      (default 50; needs hyperfine and `make`; as root)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
doctor=${PYXIS_DOCTOR:-$PWD/.build/stage/pyxis-doctor}
user=${PYXIS_TEST_USER:-nobody}
[[ -x $doctor ]] || { echo "bench/doctor.sh: no $doctor: run make first" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "bench/doctor.sh: run as root" >&2; exit 1; }
id "$user" >/dev/null 2>&1 || user=nobody

results=$(mktemp)
trap 'rm -f "$results"' EXIT
# The doctor exits 1 when a check fails (a node without a running slurmd has no runtime_path):
# the time is the same either way.
hyperfine -N --style none --warmup 3 --runs "$runs" --ignore-failure --export-json "$results" \
    -n "/bin/true" "/bin/true" \
    -n "pyxis-doctor" "$doctor" \
    -n "pyxis-doctor --user $user" "$doctor --user $user" >/dev/null 2> >(grep -v -e "Warning:" -e "^ *$" >&2)
python3 - "$results" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    times = sorted(result["times"])
    print(f'{result["command"]:<32} median {times[len(times) // 2] * 1000:7.2f} ms   max {times[-1] * 1000:7.2f} ms')
PY
"$doctor" | tail -n 1 | sed 's/^/this node: /'
