#!/usr/bin/env bash
# One-node Slurm on loopback for swift-pyxis's integration tests, benchmarks and hand testing.
#
#   scripts/slurm-cluster.sh up PLUGIN_SO [PLUGSTACK_ARGS...]   start munge, slurmctld, slurmd
#   scripts/slurm-cluster.sh plugstack [PLUGIN_SO [ARGS...]]    rewrite the plugstack line
#                                                             (no PLUGIN_SO: empty plugstack)
#   scripts/slurm-cluster.sh down                              stop what `up` started
#
# Idempotent: `up` on a running cluster restarts the daemons with the new configuration.
# Needs root and Debian's slurm-wlm, slurmd, slurmctld and munge packages. Writes
# /etc/slurm/slurm.conf (an existing foreign one is kept aside and put back by `down`).
set -euo pipefail

conf_dir=/etc/slurm
conf=$conf_dir/slurm.conf
plugstack=$conf_dir/plugstack.conf
state=/var/lib/pyxis-test-cluster
marker="# written by swift-pyxis scripts/slurm-cluster.sh"
node=$(hostname -s)

log() { echo "slurm-cluster: $*" >&2; }

write_plugstack() {
    if [ $# -eq 0 ]; then
        : > "$plugstack"
    else
        local so=$1; shift
        echo "required $so $*" > "$plugstack"
    fi
    chmod 644 "$plugstack"
}

stop_daemon() { # name pidfile
    local pid
    if [ -f "$2" ] && pid=$(cat "$2") && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$2"
}

down() {
    stop_daemon slurmd "$state/slurmd.pid"
    stop_daemon slurmctld "$state/slurmctld.pid"
    stop_daemon munged "$state/munged.pid"
    if [ -f "$conf" ] && grep -qF "$marker" "$conf"; then
        rm -f "$conf" "$plugstack"
        [ -f "$conf.pyxis-backup" ] && mv "$conf.pyxis-backup" "$conf"
    fi
    return 0
}

up() {
    [ $# -ge 1 ] || { log "usage: $0 up PLUGIN_SO [ARGS...]"; exit 2; }
    down
    mkdir -p "$conf_dir" "$state" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
    if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
        mv "$conf" "$conf.pyxis-backup"
    fi

    # munge with a key of its own
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    fi
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/pyxis-munged.pid
    cp /run/munge/pyxis-munged.pid "$state/munged.pid"

    cat > "$conf" <<CONF
$marker
ClusterName=pyxis
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
KillWait=5
PlugStackConfig=$plugstack
NodeName=$node NodeAddr=127.0.0.1 CPUs=16 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    chmod 644 "$conf"
    write_plugstack "$@"

    slurmctld -i
    slurmd
    for _ in $(seq 100); do
        if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
            log "up: node $node is $(sinfo -h -o %T)"
            return 0
        fi
        sleep 0.2
    done
    log "the node did not become idle; last lines of the logs:"
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    exit 1
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    plugstack) shift; write_plugstack "$@" ;;
    *) log "usage: $0 up PLUGIN_SO [ARGS...] | plugstack [PLUGIN_SO [ARGS...]] | down"; exit 2 ;;
esac
