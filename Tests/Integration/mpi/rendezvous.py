#!/usr/bin/env python3
"""A TCP rendezvous like PyTorch's TCPStore, for the multi-node tests of the pyxis-test/mpi image
(/usr/local/bin/rendezvous.py): it checks that the ranks of a job reach each other the way
torch.distributed does, from MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE in the environment,
without PyTorch (standard library only).

Rank 0 listens on 0.0.0.0:MASTER_PORT and waits for the WORLD_SIZE-1 other ranks; each connects
to MASTER_ADDR:MASTER_PORT (retrying for up to 60 s: the master may start later) and sends
`RANK HOSTNAME`. When all have arrived, rank 0 answers each with the sorted list of ranks. Every
rank prints `rendezvous rank R of W via MASTER_ADDR:MASTER_PORT met RANKS` (RANKS: comma-separated)
and exits 0 only if that list is exactly 0..W-1; 1 on a wrong list, an error or the overall
timeout of 90 s; 2 on a bad environment.
"""
import os
import socket
import sys
import time

CONNECT_RETRY_SECONDS = 60
TIMEOUT_SECONDS = 90


def fail(message, code=1):
    print(f"rendezvous: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def remaining(deadline, what):
    left = deadline - time.monotonic()
    if left <= 0:
        fail(f"timed out after {TIMEOUT_SECONDS} s {what}")
    return left


def recv_line(conn, deadline, what):
    data = b""
    while not data.endswith(b"\n"):
        conn.settimeout(remaining(deadline, what))
        try:
            chunk = conn.recv(4096)
        except socket.timeout:
            fail(f"timed out after {TIMEOUT_SECONDS} s {what}")
        if not chunk:
            fail(f"connection closed {what} (got {data!r})")
        data += chunk
        if len(data) > 65536:
            fail(f"message too long {what}")
    return data.decode("utf-8", "replace").strip()


def master(port, world, deadline):
    """Rank 0: the other ranks' list, after answering each of them with it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind(("0.0.0.0", port))
    except OSError as e:
        fail(f"rank 0 cannot listen on 0.0.0.0:{port}: {e}")
    server.listen(max(world, 1))
    peers = []   # (socket, rank)
    ranks = [0]
    while len(peers) < world - 1:
        what = f"in rank 0 waiting for {world - 1 - len(peers)} of {world - 1} ranks"
        server.settimeout(remaining(deadline, what))
        try:
            conn, addr = server.accept()
        except socket.timeout:
            fail(f"timed out after {TIMEOUT_SECONDS} s {what} (arrived: {sorted(ranks)})")
        line = recv_line(conn, deadline, f"in rank 0 reading a rank from {addr[0]}")
        fields = line.split()
        if len(fields) != 2 or not fields[0].isdigit():
            fail(f"rank 0 got {line!r} from {addr[0]}, not `RANK HOSTNAME`")
        print(f"rendezvous: rank 0 met rank {fields[0]} on {fields[1]} from {addr[0]}", file=sys.stderr, flush=True)
        peers.append(conn)
        ranks.append(int(fields[0]))
    server.close()
    ranks.sort()
    reply = (",".join(map(str, ranks)) + "\n").encode()
    for conn in peers:
        conn.settimeout(remaining(deadline, "in rank 0 answering the ranks"))
        conn.sendall(reply)
        conn.close()
    return ranks


def worker(addr, port, rank, deadline):
    """Rank > 0: the list rank 0 answers."""
    retry_until = time.monotonic() + CONNECT_RETRY_SECONDS
    while True:
        try:
            conn = socket.create_connection((addr, port), timeout=min(5, remaining(deadline, "connecting")))
            break
        except OSError as e:
            if time.monotonic() >= retry_until:
                fail(f"rank {rank} could not connect to {addr}:{port} for {CONNECT_RETRY_SECONDS} s: {e}")
            time.sleep(0.5)
    conn.settimeout(remaining(deadline, f"in rank {rank} sending its rank"))
    conn.sendall(f"{rank} {socket.gethostname()}\n".encode())
    line = recv_line(conn, deadline, f"in rank {rank} waiting for rank 0's answer from {addr}:{port}")
    conn.close()
    try:
        return [int(r) for r in line.split(",")]
    except ValueError:
        fail(f"rank {rank} got {line!r} from rank 0, not a list of ranks")


def main():
    deadline = time.monotonic() + TIMEOUT_SECONDS
    env = {}
    for name in ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE"):
        if not os.environ.get(name):
            fail(f"{name} is not set", 2)
        env[name] = os.environ[name]
    addr = env["MASTER_ADDR"]
    try:
        port, rank, world = int(env["MASTER_PORT"]), int(env["RANK"]), int(env["WORLD_SIZE"])
    except ValueError:
        fail(f"MASTER_PORT, RANK and WORLD_SIZE must be numbers: {env}", 2)
    if not (0 < port < 65536 and world >= 1 and 0 <= rank < world):
        fail(f"need 0 < MASTER_PORT < 65536 and 0 <= RANK < WORLD_SIZE: {env}", 2)

    ranks = master(port, world, deadline) if rank == 0 else worker(addr, port, rank, deadline)
    print(f"rendezvous rank {rank} of {world} via {addr}:{port} met {','.join(map(str, ranks))}", flush=True)
    if ranks != list(range(world)):
        fail(f"rank {rank}: expected ranks {','.join(map(str, range(world)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
