# --container-unshare on real enroot: separate namespaces on enroot main (where enroot itself can
# make them), a clear error on 4.1.2.
# use_squashfuse: 0 auto
load helpers

setup_file() { plugstack; }
teardown() { sweep; }

# The step's namespaces of these kinds, one line per task: "net:[...] ipc:[...] uts:[...]".
# shellcheck disable=SC2016  # the container's shell expands it
show_namespaces='for n in net ipc uts; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo'
host_namespaces() { for n in net ipc uts; do printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo; }

# net_namespace_possible: whether a container can have a network namespace of its own on this
# host. For one, enroot main mounts a new sysfs at /sys, and its cgroup hook then binds the
# step's cgroup hierarchies under it: cgroup v2's one hierarchy on /sys/fs/cgroup, which every
# sysfs has; cgroup v1's (a tmpfs at /sys/fs/cgroup, as on the CI VM) on /sys/fs/cgroup/NAME,
# which a new sysfs lacks and cannot make, so that the start fails, enroot's own as well.
net_namespace_possible() { [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; }

# namespace_differs KIND: the tasks' namespace of KIND (net, ipc or uts) is not the host's.
namespace_differs() {
    local index
    case $1 in net) index=1 ;; ipc) index=2 ;; uts) index=3 ;; esac
    [[ $(head -n 1 <<<"$output" | cut -d' ' -f$index) != "$(host_namespaces | cut -d' ' -f$index)" ]]
}

@test "--container-unshare=uts gives the tasks a UTS namespace of their own (enroot main)" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=uts sh -c "$show_namespaces"
    assert_success
    [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
    namespace_differs uts
    if namespace_differs net; then echo "a network namespace of its own: $output" >&2; false; fi
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

@test "--container-unshare=net gives the tasks a network namespace of their own, or fails as enroot itself does here" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    if net_namespace_possible; then
        usrun --container-image="$images/busybox.sqsh" --container-unshare=net readlink /proc/self/ns/net
        assert_success
        [[ -n $output && $output != "$(readlink /proc/self/ns/net)" ]] || { echo "$output" >&2; false; }
    else
        # enroot itself fails here: its first error line, up to the first path, is what pyxis
        # must show.
        run ! as_user ENROOT_UNSHARE_NET=y enroot start "$images/busybox.sqsh" true
        local words
        words=$(grep -m 1 -E 'ERROR|failed' <<<"$output" || head -n 1 <<<"$output")
        words=${words%%/*}
        [[ -n $words ]] || { echo "no error line from enroot: $output" >&2; false; }
        usrun --container-image="$images/busybox.sqsh" --container-unshare=net readlink /proc/self/ns/net
        assert_failure_with "pyxis: printing enroot log file:" "$words"
    fi
    assert_nothing_left
}

@test "--container-unshare=net,ipc,uts: separate namespaces wherever enroot itself can make them" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    if net_namespace_possible; then
        usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=net,ipc,uts sh -c "$show_namespaces"
        assert_success
        [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
        namespace_differs net
        namespace_differs ipc
        namespace_differs uts
    else
        # This host's enroot fails for --net on its own: pyxis fails the same way and shows why.
        run ! as_user enroot start --net --ipc --uts "$images/busybox.sqsh" true
        usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=net,ipc,uts sh -c "$show_namespaces"
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
    rm -f "$ran_on_host"
    usrun --container-image="$images/busybox.sqsh" --container-unshare=net touch "$ran_on_host"
    assert_failure_with "pyxis: --container-unshare: the enroot on this node" "needs an enroot newer than 4.1.2"
    assert_ran_nothing
    assert_nothing_left
}
