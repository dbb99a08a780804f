#!/usr/bin/env bash
# A Slurm cluster on this one machine for swift-pyxis's integration tests, benchmarks and hand
# testing: one slurmctld and N slurmd.
#
#   scripts/slurm-cluster.sh up [--nodes N] [--contain-spank] PLUGIN_SO [PLUGSTACK_ARGS...]
#                                           start munge, slurmctld and N slurmd (default N = 1);
#                                           --contain-spank: Slurm 24.05+'s job namespaces
#                                           (job_container/tmpfs) with SlurmdParameters=contain_spank
#   scripts/slurm-cluster.sh plugstack [PLUGIN_SO [ARGS...]]
#                                           rewrite the plugstack line (no PLUGIN_SO: empty)
#   scripts/slurm-cluster.sh nodes          the node names, one per line
#   scripts/slurm-cluster.sh exec NODE CMD...
#                                           run CMD on NODE (in its namespaces; N = 1: here)
#   scripts/slurm-cluster.sh pid NODE       a process in NODE's namespaces (its /proc/PID/root
#                                           is the node's file system; N = 1: nothing)
#   scripts/slurm-cluster.sh down           stop and remove everything `up` made
#
# N = 1: one node named after this host, on loopback, sharing everything with it.
# N > 1: nodes node1..nodeN, each looking like a machine of its own (docs/multi-node.md):
#   - a network namespace with its own address, 10.213.57.I/24 by default (PYXIS_CLUSTER_NET
#     sets the first three numbers), joined through a veth pair to a bridge, pyxis-br0, that
#     holds the head's address .254, where slurmctld and the users' srun/sbatch run;
#   - a mount and UTS namespace: hostname nodeI; its own /run (a tmpfs), /dev/shm (a tmpfs),
#     /tmp, /var/spool/slurmd, /etc/hosts, /etc/hostname and kernel boot id (bound from
#     $state/nodes/nodeI: libraries such as UCX take processes with the same boot id for
#     processes of one machine, and reach for their memory);
#   - its own munged (same key, socket in its /run): one daemon refuses to decode a credential
#     twice, and from 26.05 every slurmd checks the signature of the launch request that the
#     nodes forward to each other. Everything else (/home, /usr, /etc, the project) is shared, as on a cluster with a shared
#     home and the same installation on every node;
#   - enroot's data and cache paths under the node's /tmp, its runtime path under the node's
#     /run (an enroot.conf.d drop-in for the whole cluster, as a site would write:
#     /tmp/enroot-{data,cache}/user-UID, /run/enroot/user-UID).
#   Names resolve everywhere: the head's /etc/hosts gets the nodes' lines; each node's /etc/hosts
#   has them too, plus the head's, and the names the head resolves to its loopback (such as the
#   test registry's) resolve to the head's address.
#
# SLURM_PREFIX=/opt/slurm/26.05.3 runs that Slurm's daemons and clients (its sbin and bin first in
# PATH; ../shared/slurm/install.sh builds one) instead of Debian's; the daemons' saved state is
# dropped when the release changes (a release misreads another one's state).
# Idempotent: `up` on a running cluster takes it down and starts it with the new configuration.
# Needs root, iproute2, util-linux (unshare, nsenter), munge and Debian's slurmd and slurmctld
# (or SLURM_PREFIX's).
# Writes /etc/slurm/slurm.conf (an existing foreign one is kept aside and put back by `down`).
set -euo pipefail

conf_dir=/etc/slurm
conf=$conf_dir/slurm.conf
plugstack=$conf_dir/plugstack.conf
job_container_conf=$conf_dir/job_container.conf
state=/var/lib/pyxis-test-cluster
marker="# written by swift-pyxis scripts/slurm-cluster.sh"
host_marker="# pyxis-test-cluster"
head=$(hostname -s)
net=${PYXIS_CLUSTER_NET:-10.213.57}
head_addr=$net.254
bridge=pyxis-br0
enroot_dropin=${ENROOT_SYSCONF_PATH:-/etc/enroot}/enroot.conf.d/50-pyxis-test-cluster.conf
max_nodes=64

log() { echo "slurm-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

if [[ -n ${SLURM_PREFIX:-} && $SLURM_PREFIX != /usr ]]; then
    [[ -x $SLURM_PREFIX/sbin/slurmctld && -x $SLURM_PREFIX/sbin/slurmd && -x $SLURM_PREFIX/bin/srun ]] ||
        die "SLURM_PREFIX=$SLURM_PREFIX has no sbin/slurmctld, sbin/slurmd and bin/srun (../shared/slurm/install.sh VERSION builds one)"
    PATH=$SLURM_PREFIX/bin:$SLURM_PREFIX/sbin:$PATH
fi

# plugstack.conf belongs to Debian's slurm-wlm-basic-plugins (its `include` of
# plugstack.conf.d, where a package puts its line): `up` keeps it aside, `down` puts it back.
write_plugstack() {
    {
        echo "$marker"
        if [ $# -gt 0 ]; then
            local so=$1; shift
            echo "required $so $*"
        fi
    } > "$plugstack"
    chmod 644 "$plugstack"
}

stop_pid() { # PID: TERM, then KILL after 5 s
    local pid=$1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}

stop_daemon() { # pidfile
    if [ -f "$1" ]; then stop_pid "$(cat "$1")"; fi
    rm -f "$1"
}

# --- nodes --------------------------------------------------------------------------------------

# The nodes of the running cluster, "NAME HOLDER_PID" lines (none for a one-node cluster).
node_table() { cat "$state/node-table" 2>/dev/null || true; }

# The holder of NODE: a process that keeps the node's mount and UTS namespaces alive.
holder_of() {
    local name pid
    while read -r name pid; do
        [[ $name == "$1" ]] || continue
        kill -0 "$pid" 2>/dev/null || die "node $1 is not running (its holder $pid is gone)"
        echo "$pid"; return 0
    done < <(node_table)
    return 1
}

on_node() { # NODE CMD...
    local pid
    pid=$(holder_of "$1") || die "no node $1 (nodes: $(node_names | tr '\n' ' '))"
    shift
    nsenter --target "$pid" --mount --uts --net -- "$@"
}

node_names() {
    if [[ -s $state/node-table ]]; then cut -d' ' -f1 "$state/node-table"; else echo "$head"; fi
}

# Removes the lines ending in MARKER from FILE without replacing the file (it may be a bind mount).
remove_marked_lines() { # FILE MARKER
    local kept
    grep -qF -- " $2" "$1" 2>/dev/null || return 0
    kept=$(grep -vF -- " $2" "$1" || true)
    printf '%s\n' "$kept" >"$1"
}

# The /etc/hosts of the nodes: the cluster's names, then the head's own lines, where a name the
# head gives its loopback (its hostname, a registry pointed at 127.0.0.1) is the head's address.
node_hosts_file() { # N
    local i line addr names
    echo "127.0.0.1 localhost"
    echo "::1 localhost ip6-localhost ip6-loopback"
    echo "$head_addr $head"
    for ((i = 1; i <= $1; i++)); do echo "$net.$i node$i"; done
    while read -r line; do
        line=${line%%#*}
        read -r addr names <<<"$line" || true
        [[ -n $addr && -n $names ]] || continue
        names=$(tr '[:blank:]' '\n' <<<"$names" | grep -vxE "localhost|ip6-[a-z]+|$head|node[0-9]+" | tr '\n' ' ' || true)
        [[ -n ${names// /} ]] || continue
        case $addr in
            127.*|::1) echo "$head_addr ${names% }" ;;
            *) echo "$addr ${names% }" ;;
        esac
    done </etc/hosts
}

# Starts node I of N: its network namespace and veth, its directories, and a holder process in
# new mount and UTS namespaces that has mounted the node's own /run, /tmp, spool and hosts.
start_node() { # I N
    local i=$1 n=$2 name=node$1 dir=$state/nodes/node$1 pid
    ip netns add "pyxis-$name"
    ip link add "pyxis-v$i" type veth peer name eth0 netns "pyxis-$name"
    ip link set "pyxis-v$i" master "$bridge" up
    ip -n "pyxis-$name" addr add "$net.$i/24" dev eth0
    ip -n "pyxis-$name" link set eth0 up
    ip -n "pyxis-$name" link set lo up

    mkdir -p "$dir/tmp" "$dir/spool" "$dir/run"
    chmod 1777 "$dir/tmp"
    mkdir -m 1777 "$dir/tmp/enroot-data" "$dir/tmp/enroot-cache"
    node_hosts_file "$n" >"$dir/hosts"
    echo "$name" >"$dir/hostname"
    cat /proc/sys/kernel/random/uuid >"$dir/boot_id"
    chmod 644 "$dir/hosts" "$dir/hostname" "$dir/boot_id"

    # The holder: its namespaces are the node. `exec sleep` keeps them (and their mounts) until
    # `down` kills it; its stdout tells that the mounts are in place.
    # shellcheck disable=SC2016  # the node's bash expands it
    nsenter --net="/run/netns/pyxis-$name" -- unshare --mount --uts --propagation private -- \
        bash -c '
            set -e
            dir=$1
            mount -n -t tmpfs -o mode=0755,nosuid,nodev,size=256m "pyxis-$2-run" "$dir/run"
            mkdir -p "$dir/run/munge" "$dir/run/lock"
            chown munge:munge "$dir/run/munge"
            mkdir -m 1777 "$dir/run/enroot"
            mount -n --move "$dir/run" /run
            mount -n --bind "$dir/tmp" /tmp
            mount -n -t tmpfs -o mode=1777,nosuid,nodev "pyxis-$2-shm" /dev/shm
            mount -n --bind "$dir/spool" /var/spool/slurmd
            mount -n --bind "$dir/hosts" /etc/hosts
            mount -n --bind "$dir/hostname" /etc/hostname
            mount -n --bind "$dir/boot_id" /proc/sys/kernel/random/boot_id
            hostname "$2"
            runuser -u munge -- /usr/sbin/munged --seed-file=/run/munge/munged.seed \
                --log-file="/var/log/munge/munged-$2.log"
            echo ready
            exec sleep infinity' holder "$dir" "$name" >"$dir/holder.out" 2>&1 </dev/null &
    pid=$!
    echo "$name $pid" >>"$state/node-table"
    for _ in $(seq 50); do
        grep -qx ready "$dir/holder.out" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir/holder.out" >&2
    die "node $name did not start"
}

# Stops what start_node made for every node, whatever state it is in.
stop_nodes() {
    local name pid ns
    while read -r name pid; do
        stop_pid "$(cat "/proc/$pid/root/run/slurmd.pid" 2>/dev/null || true)"
    done < <(node_table)
    for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^pyxis-node[0-9]+$/ {print $1}'); do
        # Whatever still runs there (a step's processes, a container) goes with the node.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    while read -r name pid; do
        kill -9 "$pid" 2>/dev/null || true
    done < <(node_table)
    if ip link show "$bridge" >/dev/null 2>&1; then ip link del "$bridge"; fi
    rm -f "$state/node-table" "$enroot_dropin"
    remove_marked_lines /etc/hosts "$host_marker"
    if [[ -f $state/head-enroot-dirs ]]; then
        rm -rf --one-file-system -- /tmp/enroot-data /tmp/enroot-cache "$state/head-enroot-dirs"
    fi
    # The nodes' files (their /tmp holds enroot's data): the mounts left with their namespaces.
    if [[ -d $state/nodes ]]; then rm -rf --one-file-system -- "$state/nodes"; fi
}

# --- the cluster --------------------------------------------------------------------------------

down() {
    stop_nodes
    stop_daemon "$state/slurmd.pid"
    stop_daemon "$state/slurmctld.pid"
    stop_daemon "$state/munged.pid"
    local file
    for file in "$conf" "$job_container_conf"; do
        if [ -f "$file" ] && grep -qF "$marker" "$file"; then
            rm -f "$file"
            if [ -f "$file.pyxis-backup" ]; then mv "$file.pyxis-backup" "$file"; fi
        fi
    done
    if [ -f "$plugstack" ] && grep -qF "$marker" "$plugstack"; then
        rm -f "$plugstack"
        [ -f "$plugstack.pyxis-backup" ] && mv "$plugstack.pyxis-backup" "$plugstack"
    fi
    return 0
}

# Where the running release keeps its plugins.
slurm_plugin_dir() {
    if [[ -n ${SLURM_PREFIX:-} && $SLURM_PREFIX != /usr ]]; then echo "$SLURM_PREFIX/lib/slurm"
    else echo "/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/slurm-wlm"; fi
}

# slurm.conf for N nodes. One node keeps to loopback and this host's name; several have the
# addresses start_node gives them, and their daemons' files are under their own /run and spool.
write_conf() { # N CONTAIN_SPANK
    local n=$1 contain_spank=$2 i
    cat <<CONF
$marker
ClusterName=pyxis
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides${contain_spank:+,contain_spank}
ReturnToService=2
MpiDefault=none
KillWait=5
PlugStackConfig=$plugstack
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    # Each job's own /tmp and /dev/shm (made by the job's extern step: PrologFlags=Contain);
    # contain_spank runs user_init, task_post_fork and task_exit in that namespace. 25.11
    # renamed the plugin type (namespace/tmpfs).
    if [[ -n $contain_spank ]]; then
        echo "PrologFlags=Contain"
        if [[ -e $(slurm_plugin_dir)/namespace_tmpfs.so ]]; then echo "NamespaceType=namespace/tmpfs"
        else echo "JobContainerType=job_container/tmpfs"; fi
    fi
    if [[ $n -eq 1 ]]; then
        cat <<CONF
SlurmctldHost=$head(127.0.0.1)
SlurmdPidFile=$state/slurmd.pid
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$head NodeAddr=127.0.0.1 CPUs=16 State=UNKNOWN
CONF
    else
        cat <<CONF
SlurmctldHost=$head($head_addr)
SlurmdPidFile=/run/slurmd.pid
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
CONF
        for ((i = 1; i <= n; i++)); do
            echo "NodeName=node$i NodeAddr=$net.$i CPUs=16 State=UNKNOWN"
        done
    fi
}

start_munge() {
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    fi
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/pyxis-munged.pid
    cp /run/munge/pyxis-munged.pid "$state/munged.pid"
}

# After `down`, no Slurm daemon may run and no one may hold Slurm's ports: ours would fail to
# bind, or srun would reach another cluster. Names the holder.
check_no_foreign_daemons() {
    local daemon pid port holder
    for daemon in slurmctld slurmd slurmdbd; do
        for _ in $(seq 20); do   # ours, just killed by `down`, may take a moment to go
            pid=$(pgrep -x "$daemon" | head -n 1 || true)
            [[ -n $pid ]] || break
            sleep 0.1
        done
        [[ -z $pid ]] || die "$daemon (pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) runs, and this script" \
            "did not start it: stop it (systemctl stop $daemon, or kill $pid) and run again"
    done
    for port in 6817 6818; do
        holder=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)
        [[ -z $holder ]] || die "port $port, which Slurm's daemons use, is held: $holder; stop that process and run again"
    done
}

# Node names in /etc/hosts that the cluster did not write would resolve nodeI elsewhere.
check_node_names_are_free() { # N
    local i line
    for ((i = 1; i <= $1; i++)); do
        if line=$(grep -vF -- " $host_marker" /etc/hosts | grep -n "[[:space:]]node$i\([[:space:]]\|$\)"); then
            die "/etc/hosts names node$i on a line this script did not write ($line); the test cluster's" \
                "nodes are node1..nodeN: remove or comment out that line and run again"
        fi
    done
}

# The network the nodes live on must be ours alone.
check_network_is_free() {
    if ip -o addr show 2>/dev/null | grep -F " $net." | grep -vq " $bridge "; then
        die "$net.0/24 is already in use here; choose another with PYXIS_CLUSTER_NET=A.B.C"
    fi
}

start_nodes() { # N
    local n=$1 i
    check_network_is_free
    check_node_names_are_free "$n"
    ip link add "$bridge" type bridge
    ip addr add "$head_addr/24" dev "$bridge"
    ip link set "$bridge" up
    for ((i = 1; i <= n; i++)); do
        echo "$net.$i node$i $host_marker" >>/etc/hosts
    done
    mkdir -p "$(dirname "$enroot_dropin")"
    cat >"$enroot_dropin" <<'DROPIN'
# written by swift-pyxis scripts/slurm-cluster.sh (removed by `down`): enroot's data and layer
# cache on each node's own /tmp, as a site with node-local scratch space configures it, and its
# runtime files on the node's /run.
ENROOT_RUNTIME_PATH /run/enroot/user-$(id -u)
ENROOT_DATA_PATH    /tmp/enroot-data/user-$(id -u)
ENROOT_CACHE_PATH   /tmp/enroot-cache/user-$(id -u)
DROPIN
    chmod 644 "$enroot_dropin"
    # The same directories on the head, for enroot commands run there (shared, sticky).
    if [[ ! -e /tmp/enroot-data && ! -e /tmp/enroot-cache ]]; then
        mkdir -m 1777 /tmp/enroot-data /tmp/enroot-cache
        touch "$state/head-enroot-dirs"
    fi
    for ((i = 1; i <= n; i++)); do start_node "$i" "$n"; done
    for ((i = 1; i <= n; i++)); do on_node "node$i" slurmd; done
}

wait_for_idle_nodes() { # N
    local states
    for _ in $(seq 150); do
        states=$(sinfo -h -N -o '%N %T' 2>/dev/null || true)
        if [[ $(grep -cE ' (idle|mixed|allocated)$' <<<"$states") -eq $1 ]]; then
            log "up: $1 node(s) idle: $(cut -d' ' -f1 <<<"$states" | tr '\n' ' ')"
            return 0
        fi
        sleep 0.2
    done
    log "the nodes did not become idle (${states:-no answer}); last lines of the logs:"
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd*.log >&2 || true
    exit 1
}

# The daemons must not hold the caller's pipes open (a test runner waits for them to close):
# every descriptor above stderr goes, but bash's own 255 (the script it reads).
close_inherited_fds() {
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        if [[ $fd -gt 2 && $fd -ne 255 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
}

up() {
    local n=1 contain_spank=""
    if [[ ${1:-} == --nodes ]]; then n=${2:-}; shift 2 || true; fi
    if [[ ${1:-} == --nodes=* ]]; then n=${1#--nodes=}; shift; fi
    if [[ ${1:-} == --contain-spank ]]; then contain_spank=1; shift; fi
    [[ $n =~ ^[1-9][0-9]*$ && $n -le $max_nodes ]] || die "--nodes: '$n' is not a number of nodes from 1 to $max_nodes"
    [ $# -ge 1 ] || die "usage: $0 up [--nodes N] [--contain-spank] PLUGIN_SO [ARGS...]"
    close_inherited_fds
    down
    check_no_foreign_daemons
    # A cluster that did not come up is taken down again (its logs stay in /var/log/slurm).
    trap 'if [[ ${cluster_up:-0} != 1 ]]; then log "up failed: taking down what it started"; down; fi' EXIT
    mkdir -p "$conf_dir" "$state" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
    local file
    for file in "$conf" "$plugstack" "$job_container_conf"; do
        if [ -f "$file" ] && ! grep -qF "$marker" "$file"; then mv "$file" "$file.pyxis-backup"; fi
    done
    start_munge
    # Another release's saved state (slurmctld's, and slurmd's cred_state, which 26.05's slurmd
    # misreads and spins on): dropped when the release changes.
    local release
    release=$(slurmctld -V)
    if [[ $(cat "$state/slurm-release" 2>/dev/null) != "$release" ]]; then
        find /var/spool/slurmctld /var/spool/slurmd -mindepth 1 -delete
        echo "$release" >"$state/slurm-release"
    fi
    write_conf "$n" "$contain_spank" >"$conf"
    chmod 644 "$conf"
    if [[ -n $contain_spank ]]; then
        mkdir -p "$state/job-containers"
        printf '%s\nAutoBasePath=true\nBasePath=%s\n' "$marker" "$state/job-containers" >"$job_container_conf"
        chmod 644 "$job_container_conf"
    fi
    write_plugstack "$@"

    slurmctld -i
    if [[ $n -eq 1 ]]; then slurmd; else start_nodes "$n"; fi
    wait_for_idle_nodes "$n"
    cluster_up=1
}

usage() {
    log "usage: $0 up [--nodes N] [--contain-spank] PLUGIN_SO [ARGS...] | plugstack [PLUGIN_SO [ARGS...]] | nodes | exec NODE CMD... | pid NODE | down"
    exit 2
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    plugstack) shift; write_plugstack "$@" ;;
    nodes) node_names ;;
    exec)
        [[ $# -ge 3 ]] || usage
        if [[ -s $state/node-table ]]; then shift; on_node "$@"
        elif [[ $2 == "$head" ]]; then shift 2; exec "$@"
        else die "no node $2 (nodes: $head)"
        fi ;;
    pid)
        [[ $# -eq 2 ]] || usage
        if [[ -s $state/node-table ]]; then holder_of "$2" || die "no node $2"
        elif [[ $2 != "$head" ]]; then die "no node $2 (nodes: $head)"
        fi ;;
    *) usage ;;
esac
