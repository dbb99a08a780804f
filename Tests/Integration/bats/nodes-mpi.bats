# MPI in containers across nodes, launched by Slurm (no mpirun): an allreduce of the ranks
# (mpi/allreduce.c) in the pyxis-test/mpi image, built with Debian's Open MPI for PMIx and with
# Debian's MPICH for PMI2 (Debian builds Open MPI without PMI-2). PMIx needs pyxis-hook-pmi
# (linked into enroot's hooks as a site does): it makes the PMIx server's directory visible in
# the container; PMI2 needs only the PMI_* variables and the PMI_FD socket that tasks inherit.
# mpi4py (mpi/mpi4py_allreduce.py, in the pyxis-test/torch image) does the same from Python.
# nodes: 4
load helpers

setup_file() { plugstack; enable_pyxis_hooks 50-slurm-pmi.sh; }
teardown_file() { disable_pyxis_hooks; }
teardown() { sweep; }

# allreduce NODES MPI PROGRAM [ARGS...]: srun --mpi=MPI of PROGRAM on NODES nodes, 2 ranks each,
# in the image $allreduce_image (default mpi.sqsh); every rank reports the right sum in a world of
# all of them, from the node Slurm placed it on.
allreduce() {
    local nodes=$1 mpi=$2 program=$3 ranks=$(($1 * 2)) expected="" rank
    shift 3
    usrun --mpi="$mpi" -N"$nodes" -n"$ranks" --ntasks-per-node=2 --container-image="$images/${allreduce_image:-mpi.sqsh}" \
        "$program" "$ranks" "$@"
    assert_success
    # Without pyxis-hook-pmi, Open MPI's PMIx client still reaches the step's PMIx server over TCP
    # on the node's loopback (the container shares the node's network), but not the server's
    # shared-memory store in PMIX_SERVER_TMPDIR: each rank prints a `PMIX ERROR` and goes on.
    if [[ $mpi == pmix* ]] && grep -F 'PMIX ERROR' <<<"$stderr" >&2; then
        echo "PMIx errors: is PMIX_SERVER_TMPDIR visible in the container?" >&2
        return 1
    fi
    for ((rank = 0; rank < ranks; rank++)); do
        expected+="rank $rank of $ranks on node$((rank / 2 + 1)) sum $((ranks * (ranks - 1) / 2))"$'\n'
    done
    output=$(sort -k2,2n <<<"$output")
    assert_output_is "${expected%$'\n'}"
    assert_nothing_left
}

@test "srun --mpi=pmix, 2 nodes, 4 ranks: an Open MPI allreduce in containers" { allreduce 2 pmix mpi-allreduce; }
@test "srun --mpi=pmix, 4 nodes, 8 ranks: an Open MPI allreduce in containers" { allreduce 4 pmix mpi-allreduce; }
@test "srun --mpi=pmix, 4 nodes, 8 ranks: an mpi4py allreduce (Python, Open MPI) in containers" {
    allreduce_image=torch.sqsh allreduce 4 pmix mpi4py_allreduce.py
}
# Each release names its PMIx plugin after the PMIx it was built with (pmix_v4 for Debian 12's
# PMIx 4, pmix_v5, pmix_v6): a step that names it gets the same containers as --mpi=pmix.
@test "srun --mpi=pmix_vN, the release's own PMIx plugin name, 2 nodes, 4 ranks: an Open MPI allreduce" {
    run -0 srun --mpi=list
    local versioned
    versioned=$(grep -oE 'pmix_v[0-9]+' <<<"$output" | sort -uV | tail -1)
    [[ -n $versioned ]] || { echo "no pmix_vN plugin in: $output" >&2; false; }
    allreduce 2 "$versioned" mpi-allreduce
}
# --no-finalize: Debian's MPICH can deadlock in MPI_Finalize across nodes (mpi/allreduce.c).
@test "srun --mpi=pmi2, 2 nodes, 4 ranks: an MPICH allreduce in containers" { allreduce 2 pmi2 mpi-allreduce-mpich --no-finalize; }
@test "srun --mpi=pmi2, 4 nodes, 8 ranks: an MPICH allreduce in containers" { allreduce 4 pmi2 mpi-allreduce-mpich --no-finalize; }
@test "srun --mpi=pmi2 with Open MPI, which Debian builds without PMI-2: the ranks fail, nothing is left" {
    usrun --mpi=pmi2 -N2 -n4 --ntasks-per-node=2 --container-image="$images/mpi.sqsh" mpi-allreduce 4
    [[ $status -ne 0 ]] || { echo "exited 0: $output" >&2; false; }
    assert_nothing_left 30
}
