# PyTorch across nodes (pyxis-hook-pytorch, linked into enroot's hooks as a site does): every
# task of a PyTorch image gets the same MASTER_ADDR (the step's first node) and MASTER_PORT, and
# its own RANK, LOCAL_RANK and node ranks; the ranks then really meet at MASTER_ADDR:MASTER_PORT
# from inside their containers.
# nodes: 4
load helpers

# shellcheck disable=SC2016  # the container's shell expands it
variables='echo "$(hostname) $SLURM_JOB_ID $SLURM_PROCID $SLURM_LOCALID $SLURM_NODEID $MASTER_ADDR $MASTER_PORT $WORLD_SIZE $RANK $LOCAL_RANK $LOCAL_WORLD_SIZE $NODE_RANK $GROUP_RANK $GROUP_WORLD_SIZE"'

setup_file() { plugstack; enable_pyxis_hooks 50-slurm-pytorch.sh; }
teardown_file() { disable_pyxis_hooks; }
teardown() { sweep; }

# check_variables MASTER NODES TASKS_PER_NODE: each task's line (as $variables prints it) agrees
# on MASTER_ADDR=MASTER and MASTER_PORT=61000 + job id % 4536, with WORLD_SIZE, RANK, LOCAL_RANK,
# LOCAL_WORLD_SIZE, NODE_RANK, GROUP_RANK and GROUP_WORLD_SIZE from Slurm's view of the task.
check_variables() {
    local master=$1 nodes=$2 per_node=$3 tasks=$(($2 * $3))
    [[ $(wc -l <<<"$output") -eq $tasks ]] || { echo "expected $tasks tasks: $output" >&2; return 1; }
    awk -v master="$master" -v nodes="$nodes" -v per_node="$per_node" -v tasks="$tasks" '
        {
            host = $1; job = $2; procid = $3; localid = $4; nodeid = $5
            if ($6 != master) bad("MASTER_ADDR " $6 ", not " master)
            if ($7 != 61000 + job % 4536) bad("MASTER_PORT " $7 ", not " 61000 + job % 4536)
            if ($8 != tasks) bad("WORLD_SIZE " $8)
            if ($9 != procid) bad("RANK " $9)
            if ($10 != localid) bad("LOCAL_RANK " $10)
            if ($11 != per_node) bad("LOCAL_WORLD_SIZE " $11)
            if ($12 != nodeid || $13 != nodeid) bad("NODE_RANK/GROUP_RANK " $12 "/" $13 ", SLURM_NODEID " nodeid)
            if ($14 != nodes) bad("GROUP_WORLD_SIZE " $14)
            if (seen[$9]++) bad("RANK " $9 " twice")
        }
        function bad(what) { print "task " procid " on " host ": " what > "/dev/stderr"; failed = 1 }
        END { exit failed }' <<<"$output" || { echo "$output" >&2; return 1; }
}

@test "srun -N4 -n8: every task agrees on MASTER_ADDR (node1) and MASTER_PORT, and has its own ranks" {
    usrun -N4 -n8 --ntasks-per-node=2 --container-image="$images/pytorch.sqsh" sh -c "$variables"
    assert_success
    check_variables node1 4 2
    assert_nothing_left
}

@test "a step on node2..node4: MASTER_ADDR is the step's first node, node2" {
    usrun -N3 -w 'node[2-4]' --ntasks-per-node=1 --container-image="$images/pytorch.sqsh" sh -c "$variables"
    assert_success
    check_variables node2 3 1
    assert_nothing_left
}

@test "srun -N4 -n8: all 8 ranks meet at MASTER_ADDR:MASTER_PORT from inside their containers" {
    usrun PYTORCH_VERSION=2.3.0 -N4 -n8 --ntasks-per-node=2 --container-image="$images/mpi.sqsh" \
        --container-env=PYTORCH_VERSION python3 /usr/local/bin/rendezvous.py
    assert_success
    [[ $(grep -c "^rendezvous rank [0-7] of 8 via node1:[0-9]* met 0,1,2,3,4,5,6,7$" <<<"$output") -eq 8 ]] ||
        { printf 'stdout: %s\nstderr: %s\n' "$output" "$stderr" >&2; false; }
    assert_nothing_left
}

# Real PyTorch (Debian's 1.13, CPU) in the pyxis-test/torch image, whose PYTORCH_VERSION makes the
# hook set the variables: init_process_group("gloo") with env:// (PyTorch's own TCPStore, served
# by rank 0 at MASTER_ADDR:MASTER_PORT) and an all_reduce of the ranks (mpi/torch_allreduce.py).
# No GLOO_SOCKET_IFNAME, as users run it: gloo binds to the address the hostname resolves to, and
# in the container (which has the node's hostname and network) nodeN resolves through the node's
# /etc/hosts, which enroot binds in, to the node's own 10.213.57.N on eth0. Were it to resolve to
# no local address, gloo would fall back to 127.0.0.1 and the ranks on other nodes could not
# connect (as with GLOO_SOCKET_IFNAME=lo: "connect [127.0.0.1]:PORT: Connection refused");
# GLOO_SOCKET_IFNAME=eth0 works here too.
@test "srun -N4 -n8: PyTorch's gloo init_process_group and all_reduce across the nodes, from the hook's variables" {
    usrun -N4 -n8 --ntasks-per-node=2 --container-image="$images/torch.sqsh" torch_allreduce.py 8
    assert_success
    local expected="" rank
    for ((rank = 0; rank < 8; rank++)); do
        expected+="rank $rank of 8 on node$((rank / 2 + 1)) sum 28"$'\n'
    done
    output=$(sort -k2,2n <<<"$output")
    assert_output_is "${expected%$'\n'}"
    assert_nothing_left
}
