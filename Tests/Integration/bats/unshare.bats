# --container-unshare on real enroot: separate namespaces on enroot main, a clear error on 4.1.2.
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

# The step's namespaces of these kinds, one line per task: "net:[...] ipc:[...] uts:[...]".
show_namespaces='for n in net ipc uts; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo'
host_namespaces() { for n in net ipc uts; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo; }

# enroot_alone_can FLAGS...: whether enroot itself starts a container with these flags as the
# test user here (on a cgroup v1 host enroot main cannot remount /sys for --net).
enroot_alone_can() { as_user enroot start "$@" "$images/busybox.sqsh" true >/dev/null 2>&1; }

# namespace_differs KIND: the tasks' namespace of KIND (net, ipc or uts) is not the host's.
namespace_differs() {
    local index
    case $1 in net) index=1 ;; ipc) index=2 ;; uts) index=3 ;; esac
    [[ $(head -n 1 <<<"$output" | cut -d' ' -f$index) != $(host_namespaces | cut -d' ' -f$index) ]]
}

@test "--container-unshare=uts gives the tasks a UTS namespace of their own (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=uts sh -c "$show_namespaces"
    assert_success
    [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
    namespace_differs uts
    ! namespace_differs net
    assert_nothing_left
}

@test "--container-unshare=ipc gives the tasks an IPC namespace of their own (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=ipc sh -c "$show_namespaces"
    assert_success
    [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
    namespace_differs ipc
    assert_nothing_left
}

@test "--container-unshare=net,ipc,uts: separate namespaces wherever enroot itself can make them" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=net,ipc,uts sh -c "$show_namespaces"
    if enroot_alone_can --net --ipc --uts; then
        assert_success
        [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
        namespace_differs net && namespace_differs ipc && namespace_differs uts
    else
        # This host's enroot fails for --net on its own: pyxis fails the same way and shows why.
        assert_failure_with "pyxis: container start failed with error code" "pyxis: printing enroot log file:"
    fi
    assert_nothing_left
}

@test "without --container-unshare the tasks keep the host's network, IPC and UTS namespaces" {
    usrun --container-image="$images/busybox.sqsh" sh -c "$show_namespaces"
    assert_success
    assert_output_is "$(host_namespaces)"
}

@test "on enroot 4.1.2 --container-unshare is a clear error, and nothing runs" {
    enroot_is_main && skip "this enroot can unshare namespaces"
    usrun --container-image="$images/busybox.sqsh" --container-unshare=net true
    assert_failure_with "pyxis: --container-unshare: the enroot on this node" "needs an enroot newer than 4.1.2"
    assert_nothing_left
}
