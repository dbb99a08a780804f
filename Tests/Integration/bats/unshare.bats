# --container-unshare on real enroot: separate namespaces on enroot main, a clear error on 4.1.2.
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

@test "--container-unshare=net,ipc,uts gives the tasks namespaces of their own (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=net,ipc,uts \
        sh -c 'echo $(readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/uts)'
    assert_success
    local host
    host=$(echo $(readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/uts))
    [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
    local net ipc uts hnet hipc huts
    read -r net ipc uts <<<"$(head -n 1 <<<"$output")"
    read -r hnet hipc huts <<<"$host"
    [[ $net != "$hnet" && $ipc != "$hipc" && $uts != "$huts" ]] || { echo "container: $output host: $host" >&2; false; }
    assert_nothing_left
}

@test "without --container-unshare the tasks keep the host's network, IPC and UTS namespaces" {
    usrun --container-image="$images/busybox.sqsh" sh -c 'echo $(readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/uts)'
    assert_success
    assert_output_is "$(echo $(readlink /proc/self/ns/net /proc/self/ns/ipc /proc/self/ns/uts))"
}

@test "on enroot 4.1.2 --container-unshare is a clear error, and nothing runs" {
    enroot_is_main && skip "this enroot can unshare namespaces"
    usrun --container-image="$images/busybox.sqsh" --container-unshare=net true
    assert_failure_with "pyxis: --container-unshare: the enroot on this node" "needs an enroot newer than 4.1.2"
    assert_nothing_left
}
