#!/usr/bin/env bash
# Removes what earlier runs of .ci/run, the test suites, the benchmarks and the demo left on this
# machine, so that the next run sees a machine that never ran them (the proof that .ci/run
# installs and creates all it needs). Root; stops any cluster or registry of ours first.
#
#   scripts/forget-test-runs.sh            the test user and its home, /var/lib/pyxis-*,
#                                          /var/cache/pyxis-test, /opt/pyxis-test, enroot
#                                          (installed from ../shared/enroot) and its data,
#                                          munge's key, Slurm's state and logs, and the upstream
#                                          Slurm releases under /opt/slurm
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/Tests/Integration/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "forget-test-runs: run as root" >&2; exit 2; }

"$repo/scripts/slurm-cluster.sh" down 2>/dev/null
bash "$repo/Tests/Integration/registry.sh" down 2>/dev/null
"$repo/scripts/use-pyxis-hooks.sh" off 2>/dev/null
bash "$repo/scripts/demo.sh" down >/dev/null 2>&1
pkill -x slurmd; pkill -x slurmctld; pkill -x munged
for user in "$PYXIS_TEST_USER" pyxisdemo; do
    if id "$user" >/dev/null 2>&1; then
        pkill -KILL -u "$user"
        userdel "$user" 2>/dev/null
        sed -i "/^$user:/d" /etc/subuid /etc/subgid 2>/dev/null
    fi
done
# Mounts a stopped run may have left under the directories about to go.
awk '$5 ~ "^/(var/lib/pyxis-|run/pyxis|opt/pyxis-test|tmp/enroot-)" {print $5}' /proc/self/mountinfo |
    sort -r | xargs -r -n1 umount -l
rm -rf /var/lib/pyxis-* /var/cache/pyxis-test /opt/pyxis-test /run/pyxis /tmp/enroot-data /tmp/enroot-cache
# enroot: its files as ../shared/enroot/install.sh lays them out, and users' data.
rm -rf /usr/bin/enroot* /usr/lib/enroot /usr/libexec/enroot /etc/enroot /usr/share/enroot /usr/local/bin/enroot \
    /root/.local/share/enroot /root/.cache/enroot /run/enroot
# Upstream Slurm releases built by ../shared/slurm/install.sh (each marked by .built).
for built in /opt/slurm/*/.built; do [[ -f $built ]] && rm -rf "$(dirname "$built")"; done
rmdir /opt/slurm 2>/dev/null
rm -f /usr/local/share/ca-certificates/pyxis-test-registry.crt && update-ca-certificates --fresh >/dev/null 2>&1
sed -i '/# pyxis-test/d' /etc/hosts
rm -rf /etc/munge/munge.key /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
echo "forget-test-runs: done"
