# The multi-node test cluster itself (scripts/slurm-cluster.sh up --nodes 4): each node looks like
# a machine of its own, names resolve everywhere, and `up`/`down` leave nothing of an earlier
# cluster behind.
# nodes: 4
load helpers

teardown() { sweep; }

# What each node says about itself, as a step's task sees it: hostname, address, its /run, /tmp
# and /dev/shm (device and inode numbers) and boot id.
@test "each node has its own hostname, address, /run, /tmp, /dev/shm and boot id" {
    # shellcheck disable=SC2016  # the task's shell expands it
    usrun -N4 --ntasks-per-node=1 sh -c \
        'echo "$(hostname) $(hostname -I | tr -d " ") $(stat -c %d:%i /run /tmp /dev/shm | tr "\n" " ")$(cat /proc/sys/kernel/random/boot_id)"'
    assert_success
    output=$(sort <<<"$output")
    [[ $(awk '{print $1, $2}' <<<"$output") == "$(printf 'node%s 10.213.57.%s\n' 1 1 2 2 3 3 4 4)" ]] ||
        { echo "$output" >&2; false; }
    local column
    for column in 3 4 5 6; do
        [[ $(awk -v c=$column '{print $c}' <<<"$output" | sort -u | wc -l) -eq 4 ]] ||
            { echo "column $column is shared: $output" >&2; false; }
    done
}

@test "every node name resolves on the machine, on every node and in every container" {
    local node
    for node in node1 node2 node3 node4; do
        [[ $(getent hosts "$node" | awk '{print $1}') == "10.213.57.${node#node}" ]] || { getent hosts "$node" >&2; false; }
    done
    usrun -N4 --ntasks-per-node=1 --container-image="$images/mpi.sqsh" python3 -c \
        'import socket; print(socket.gethostname(), *[socket.gethostbyname(f"node{i}") for i in range(1, 5)])'
    assert_success
    output=$(sort <<<"$output")
    assert_output_is "$(for i in 1 2 3 4; do echo "node$i 10.213.57.1 10.213.57.2 10.213.57.3 10.213.57.4"; done)"
}

@test "the home directory is shared between nodes, /tmp is not" {
    # shellcheck disable=SC2016  # the task's shell expands it
    usrun -N4 --ntasks-per-node=1 sh -c 'echo "$(hostname)" >"$HOME/shared-$(hostname)"; echo x >/tmp/only-here; ls /tmp/only-here'
    assert_success
    for node in node1 node2 node3 node4; do
        [[ $(cat "$user_home/shared-$node") == "$node" ]] || false
        [[ -f $(node_path "$node" /tmp/only-here) ]] || false
        rm -f "$user_home/shared-$node" "$(node_path "$node" /tmp/only-here)"
    done
    [[ ! -e /tmp/only-here ]]
}

@test "up is idempotent, and down leaves no namespace, interface, mount, process or file of the cluster" {
    local holders node
    "$cluster" up --nodes 4 "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"
    [[ $("$cluster" nodes | tr '\n' ' ') == "node1 node2 node3 node4 " ]]
    holders=$(for node in node1 node2 node3 node4; do "$cluster" pid "$node"; done)
    [[ $(wc -w <<<"$holders") -eq 4 ]] || { echo "holders: $holders" >&2; false; }
    "$cluster" down
    for pid in $holders; do ! kill -0 "$pid" 2>/dev/null || { echo "holder $pid runs" >&2; false; }; done
    # Each `run -1`: the command ran and found nothing (a failure of the command itself is 2 or more).
    run -0 ip netns list
    [[ $output != *pyxis-* ]] || { echo "$output" >&2; false; }
    run -1 ip link show pyxis-br0
    run -1 grep -F '# pyxis-test-cluster' /etc/hosts
    [[ ! -e /etc/enroot/enroot.conf.d/50-pyxis-test-cluster.conf ]]
    [[ ! -e /var/lib/pyxis-test-cluster/nodes ]]
    run -1 pgrep -x slurmd
    run -1 grep 'pyxis-node' /proc/self/mountinfo
    # Back to what the other suites run on.
    "$cluster" up --nodes 4 "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH"
    usrun -N4 --ntasks-per-node=1 hostname
    assert_success
}
