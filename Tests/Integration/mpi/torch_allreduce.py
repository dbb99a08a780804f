#!/usr/bin/env python3
"""PyTorch's own rendezvous and a gloo all_reduce, for the multi-node tests of the
pyxis-test/torch image (/usr/local/bin/torch_allreduce.py; Debian's python3-torch 1.13, CPU).

`torch_allreduce.py N`: torch.distributed.init_process_group("gloo") with the env:// method,
that is from MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE as pyxis-hook-pytorch sets them (rank
0 serves PyTorch's TCPStore at MASTER_ADDR:MASTER_PORT, the others connect to it); then an
all_reduce(SUM) of a tensor holding the rank. Prints `rank R of W on HOST sum S` on stdout and
exits 0 only if S is 0 + 1 + ... + (W-1), the rank and world size torch reports are RANK and
WORLD_SIZE, and W is N (tasks that did not get the variables must not pass as worlds of one).
1 on a wrong result or a PyTorch error, 2 on a bad environment or usage. Everything fails
within TIMEOUT_SECONDS, the store's and the collectives' timeout.
"""
import datetime
import os
import socket
import sys

TIMEOUT_SECONDS = 90


def fail(message, code=1):
    print(f"torch_allreduce: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        fail("usage: torch_allreduce.py WORLD_SIZE", 2)
    expected_world = int(sys.argv[1])
    for name in ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE"):
        if not os.environ.get(name):
            fail(f"{name} is not set (does the image set PYTORCH_VERSION, and is the pytorch hook enabled?)", 2)

    import torch
    import torch.distributed as dist

    if not dist.is_gloo_available():
        fail(f"torch {torch.__version__} has no gloo backend", 2)
    dist.init_process_group("gloo", init_method="env://",
                            timeout=datetime.timedelta(seconds=TIMEOUT_SECONDS))
    rank, world = dist.get_rank(), dist.get_world_size()
    tensor = torch.tensor([rank], dtype=torch.int64)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    total = int(tensor.item())
    print(f"rank {rank} of {world} on {socket.gethostname()} sum {total}", flush=True)
    # Rank 0 serves the store: every rank is past its last use of it before any of them leaves.
    dist.barrier()
    dist.destroy_process_group()

    status = 0
    if total != world * (world - 1) // 2:
        print(f"torch_allreduce: rank {rank}: sum {total}, expected {world * (world - 1) // 2}", file=sys.stderr)
        status = 1
    if (rank, world) != (int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])):
        print(f"torch_allreduce: rank {rank} of {world}, but RANK={os.environ['RANK']} "
              f"WORLD_SIZE={os.environ['WORLD_SIZE']}", file=sys.stderr)
        status = 1
    if world != expected_world:
        print(f"torch_allreduce: rank {rank}: world of {world}, expected {expected_world}", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
