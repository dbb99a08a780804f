# container_scope=job: a job's named containers are private to it (pyxis_<jobid>_<name>), shared
# by its steps, and removed by the job epilog.
# use_squashfuse: 0 auto
load helpers

setup() {
    plugstack container_scope=job
    script=$user_home/scope-$BATS_TEST_NUMBER.sh
    script_output=$user_home/scope-$BATS_TEST_NUMBER.out
    rm -f "$script_output"
    # Two steps on one --container-name; `enroot list` between them.
    cat >"$script" <<SCRIPT
#!/bin/sh
#SBATCH --output=$script_output
#SBATCH --time=2
echo "job \$SLURM_JOB_ID"
srun --container-name=scoped --container-image=$images/busybox.sqsh --container-writable sh -c 'echo from-step-one >/scoped'
echo "containers:"
enroot list
srun --container-name=scoped cat /scoped
SCRIPT
    chmod 644 "$script"
}
teardown() {
    # The epilog removes the containers as the user: let it finish before the sweep.
    [[ -z ${job:-} ]] || wait_until 30 job_containers_gone || true
    sweep; reset_plugstack; rm -f "$script" "$script_output"
}


@test "container_scope=job: during the job a named container is pyxis_<jobid>_<name>, not pyxis_<name>" {
    run_job
    grep -qx "pyxis_${job}_scoped" "$script_output" || { cat "$script_output" >&2; false; }
    if grep -qx pyxis_scoped "$script_output"; then cat "$script_output" >&2; false; fi
}

@test "container_scope=job: the job's second step on the name sees what the first wrote" {
    run_job
    grep -qx from-step-one "$script_output" || { cat "$script_output" >&2; false; }
}

@test "container_scope=job: the job epilog removes the job's containers, and nothing is left" {
    run_job
    wait_until 30 job_containers_gone || { echo "left: $(user_containers)" >&2; false; }
    assert_nothing_left
}
