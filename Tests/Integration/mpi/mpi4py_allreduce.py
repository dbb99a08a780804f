#!/usr/bin/env python3
"""An MPI allreduce from Python, for the multi-node tests of the pyxis-test/torch image
(/usr/local/bin/mpi4py_allreduce.py; Debian's python3-mpi4py 3.1, over Debian's Open MPI).

`mpi4py_allreduce.py N`: importing mpi4py.MPI initialises MPI (from PMIx, under
`srun --mpi=pmix`); MPI.COMM_WORLD.allreduce of the rank (SUM). Prints `rank R of W on HOST sum S`
on stdout and exits 0 only if S is 0 + 1 + ... + (W-1) and W is N: tasks that each came up as an
MPI singleton (no PMI from the launcher) would otherwise all print `rank 0 of 1 ... sum 0` and
pass. 2 on bad usage.
"""
import socket
import sys


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        print("usage: mpi4py_allreduce.py WORLD_SIZE", file=sys.stderr)
        return 2
    expected_world = int(sys.argv[1])

    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    rank, world = comm.Get_rank(), comm.Get_size()
    total = comm.allreduce(rank, op=MPI.SUM)
    print(f"rank {rank} of {world} on {socket.gethostname()} sum {total}", flush=True)
    status = 0
    if total != world * (world - 1) // 2:
        print(f"mpi4py_allreduce: rank {rank}: sum {total}, expected {world * (world - 1) // 2}", file=sys.stderr)
        status = 1
    if world != expected_world:
        print(f"mpi4py_allreduce: rank {rank}: world of {world}, expected {expected_world}", file=sys.stderr)
        status = 1
    return status   # mpi4py calls MPI_Finalize at exit


if __name__ == "__main__":
    sys.exit(main())
