# Batch jobs across nodes: a batch script in a container on the job's first node whose srun
# spans the job's nodes, and container_scope=job, where the epilog of every node removes the
# job's containers there.
# nodes: 4
load helpers

setup() {
    script=$user_home/nodes-batch-$BATS_TEST_NUMBER.sh
    script_output=$user_home/nodes-batch-$BATS_TEST_NUMBER.out
    rm -f "$script" "$script_output"
}
teardown() {
    # The epilogs remove the containers as the user: let them finish before the sweep.
    [[ -z ${job:-} ]] || wait_until 30 job_containers_gone || true
    sweep; reset_plugstack; rm -f "$script" "$script_output"
}

# The job's containers on NODE.
containers_on() { as_user_on "$1" enroot list 2>/dev/null | grep "^pyxis_${job}_" || true; }

@test "sbatch -N2 --container-image: the batch script runs in a container on node1, and its srun spans both nodes" {
    plugstack
    # srun in the container needs the cluster's configuration, munge's socket and the plugin the
    # plugstack names, as on a site that runs Slurm commands in containers; and the cluster's own
    # srun when that is not the image's (Debian's 22.05): an upstream release's whole prefix.
    local mounts=/etc/slurm,/run/munge,$PYXIS_TEST_PLUGIN_MOUNTS srun=srun
    if [[ -n ${SLURM_PREFIX:-} && $SLURM_PREFIX != /usr ]]; then
        mounts+=,$SLURM_PREFIX srun=$SLURM_PREFIX/bin/srun
    fi
    # shellcheck disable=SC2016  # lines of the batch script
    write_script "#SBATCH -N2" "#SBATCH --output=$script_output" "#SBATCH --time=2" \
        "#SBATCH --container-image=$images/mpi.sqsh" \
        "#SBATCH --container-mounts=$mounts" \
        'echo "job $SLURM_JOB_ID"' \
        'echo "batch $(hostname) $(cat /pyxis-image)"' \
        "$srun"' -N2 --ntasks-per-node=1 sh -c '\''echo "step $(hostname) $(cat /pyxis-image)"'\'' | sort'
    run_job
    grep -qx "batch node1 mpi" "$script_output" || { cat "$script_output" >&2; false; }
    [[ $(grep '^step ' "$script_output") == $'step node1 mpi\nstep node2 mpi' ]] || { cat "$script_output" >&2; false; }
    assert_nothing_left 30
}

@test "container_scope=job: named containers on every node of the job, reused by its next step, removed by every node's epilog" {
    plugstack container_scope=job
    # shellcheck disable=SC2016  # lines of the batch script
    write_script "#SBATCH -N4" "#SBATCH --output=$script_output" "#SBATCH --time=2" \
        'echo "job $SLURM_JOB_ID"' \
        "srun -N4 --ntasks-per-node=1 --container-name=scoped --container-image=$images/busybox.sqsh --container-writable sh -c 'hostname >/made-on'" \
        "srun -N4 --ntasks-per-node=1 --container-name=scoped sh -c 'echo \"reused \$(hostname) \$(cat /made-on)\"' | sort"
    # The epilogs must not run before the test has looked: the job waits for $ctl/stop.
    fresh_ctl
    printf '%s\n' "echo listed >$ctl/listed" "while [ ! -e $ctl/stop ]; do sleep 0.2; done" >>"$script"
    as_user timeout -k 10 180 sbatch --wait "$script" >"$BATS_TEST_TMPDIR/sbatch.out" 2>&1 &
    local sbatch_pid=$!
    wait_until 120 test -e "$ctl/listed" || { cat "$script_output" "$BATS_TEST_TMPDIR/sbatch.out" >&2; false; }
    job=$(awk '$1 == "job" {print $2}' "$script_output")
    for node in node1 node2 node3 node4; do
        [[ $(containers_on "$node") == "pyxis_${job}_scoped" ]] || { echo "$node: $(containers_on "$node")" >&2; false; }
    done
    touch "$ctl/stop"
    wait "$sbatch_pid" || { cat "$script_output" "$BATS_TEST_TMPDIR/sbatch.out" >&2; false; }
    [[ $(grep '^reused ' "$script_output") == "$(printf 'reused node%s node%s\n' 1 1 2 2 3 3 4 4)" ]] ||
        { cat "$script_output" >&2; false; }
    wait_until 30 job_containers_gone || { echo "left: $(user_containers)" >&2; false; }
    assert_nothing_left 30
}
