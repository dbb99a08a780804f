/*
 * The MPI test program of the pyxis-test/mpi image (images.sh compiles it on the host twice, with
 * Open MPI's and MPICH's mpicc: the host and the image are both Debian 12 with the same
 * libraries). Each rank contributes its
 * rank to an MPI_Allreduce(SUM) and prints `rank R of N on HOST sum S`; it exits non-zero when S
 * is not 0 + 1 + ... + (N-1), so a job whose ranks did not all join one MPI world fails.
 * `mpi-allreduce N` also fails when the world is not of size N: tasks that each came up as an MPI
 * singleton (no PMI from the launcher) would otherwise all print `rank 0 of 1 ... sum 0` and pass.
 * `--no-finalize` ends each rank after a last barrier instead of MPI_Finalize: Debian 12's MPICH
 * (4.0.2, over UCX) can deadlock there when ranks on different nodes close their connections while
 * others already wait in the launcher's PMI barrier (seen here in a third of 4-node runs, with or
 * without containers); the exchange over PMI that the tests are about is done by then.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int rank, size, expected = 0, finalize = 1, status = 0, i;
    long mine, sum = -1, want;
    char host[256] = "unknown";

    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "mpi-allreduce: MPI_Init failed\n");
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-finalize") == 0)
            finalize = 0;
        else
            expected = atoi(argv[i]);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    gethostname(host, sizeof(host) - 1);
    mine = rank;
    if (MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS) {
        fprintf(stderr, "mpi-allreduce: rank %d: MPI_Allreduce failed\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    printf("rank %d of %d on %s sum %ld\n", rank, size, host, sum);
    want = (long)size * (size - 1) / 2;
    if (sum != want) {
        fprintf(stderr, "mpi-allreduce: rank %d: sum %ld, expected %ld\n", rank, sum, want);
        status = 1;
    }
    if (expected != 0 && expected != size) {
        fprintf(stderr, "mpi-allreduce: rank %d: world of %d, expected %d\n", rank, size, expected);
        status = 1;
    }
    fflush(stdout);
    fflush(stderr);
    if (!finalize) {
        MPI_Barrier(MPI_COMM_WORLD);
        _exit(status);
    }
    MPI_Finalize();
    return status;
}
