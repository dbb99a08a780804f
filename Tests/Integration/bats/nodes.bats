# Steps across nodes: one import and one container per node, shared by the node's tasks; named
# containers on every node; the job epilog on every node. Runs on four nodes (run.sh starts them:
# scripts/slurm-cluster.sh up --nodes 4), each with its own /run, /tmp and enroot data.
# nodes: 4
# use_squashfuse: 0 auto
load helpers

# What each task prints: its node, its rank, the image it sees and its container's mount namespace.
# shellcheck disable=SC2016  # the container's shell expands it
where='echo "$(hostname) $SLURM_PROCID $(cat /pyxis-image) $(readlink /proc/self/ns/mnt)"'
setup_file() { plugstack; make_call_counter; }
teardown() { sweep; reset_plugstack; }

# The enroot commands the step ran, "NODE COMMAND" lines, sorted.
enroot_calls() { sort "$ctl/calls"; }
# expect_per_node COMMAND...: each node ran each COMMAND exactly once.
expect_per_node() {
    local node command expected=""
    for node in node1 node2 node3 node4; do
        for command in "$@"; do expected+="$node $command"$'\n'; done
    done
    expected=$(sort <<<"$expected" | sed '/^$/d')
    [[ $(grep -E " ($(IFS='|'; echo "$*"))$" "$ctl/calls" | sort) == "$expected" ]] || {
        printf 'expected each node to run: %s\nenroot ran:\n%s\n' "$*" "$(enroot_calls)" >&2
        return 1
    }
}
# check_tasks IMAGE_NAME: 8 tasks, 2 on each of node1..node4, each node's two in one container
# holding the image.
check_tasks() {
    local node namespaces
    [[ $(wc -l <<<"$output") -eq 8 ]] || { echo "expected 8 tasks: $output" >&2; return 1; }
    [[ $(awk '{print $2}' <<<"$output" | sort -n | tr '\n' ' ') == "0 1 2 3 4 5 6 7 " ]] ||
        { echo "ranks: $output" >&2; return 1; }
    [[ $(awk '{print $3}' <<<"$output" | sort -u) == "$1" ]] || { echo "images: $output" >&2; return 1; }
    for node in node1 node2 node3 node4; do
        namespaces=$(awk -v n="$node" '$1 == n {print $4}' <<<"$output")
        [[ $(wc -l <<<"$namespaces") -eq 2 && $(sort -u <<<"$namespaces" | wc -l) -eq 1 ]] ||
            { echo "$node's tasks are not in one container: $output" >&2; return 1; }
    done
    # (Across nodes the namespace numbers prove nothing: a finished node's number can be reused
    # by another node's container. One container per node is what the counted starts show.)
}

@test "srun -N4 -n8 with a registry image: one import and one container per node, each node's tasks in it" {
    fresh_ctl
    usrun BASH_ENV="$enroot_calls" ENROOT_CALLS="$ctl/calls" -N4 -n8 --ntasks-per-node=2 \
        --container-image="$PYXIS_TEST_IMAGE_URI" sh -c "$where"
    assert_success
    check_tasks registry
    # Unpacked (create), or started from the imported file where use_squashfuse=auto can.
    if [[ $(grep -c ' create$' "$ctl/calls") -gt 0 ]]; then expect_per_node import create start; else expect_per_node import start; fi
    assert_nothing_left
}

@test "srun -N4 -n8 with a squashfs file: one container per node, each node's tasks in it" {
    fresh_ctl
    usrun BASH_ENV="$enroot_calls" ENROOT_CALLS="$ctl/calls" -N4 -n8 --ntasks-per-node=2 \
        --container-image="$images/busybox.sqsh" sh -c "$where"
    assert_success
    check_tasks busybox
    if [[ $(grep -c ' create$' "$ctl/calls") -gt 0 ]]; then expect_per_node create start; else expect_per_node start; fi
    [[ $(grep -c ' import$' "$ctl/calls") == 0 ]] || { enroot_calls >&2; false; }   # == : a missing file gives ''
    assert_nothing_left
}

@test "a named container is made on every node of the step and reused there by the next step" {
    usrun -N4 --ntasks-per-node=1 --container-name=shared --container-image="$images/busybox.sqsh" \
        --container-writable sh -c 'hostname >/made-on'
    assert_success
    for node in node1 node2 node3 node4; do
        as_user_on "$node" enroot list | grep -qx pyxis_shared || { user_containers >&2; false; }
    done
    # shellcheck disable=SC2016  # the container's shell expands it
    usrun -N4 --ntasks-per-node=1 --container-name=shared sh -c 'echo "$(hostname) $(cat /made-on)"'
    assert_success
    output=$(sort <<<"$output")
    assert_output_is "$(printf 'node%s node%s\n' 1 1 2 2 3 3 4 4)"
    remove_containers pyxis_shared
    assert_nothing_left
}
