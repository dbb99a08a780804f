# --container-unshare on real enroot: separate namespaces on enroot main (where enroot itself can
# make them), a clear error on 4.1.2.
# use_squashfuse: 0 auto
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
    local log words=""
    # enroot main cannot mount a new sysfs on a cgroup v1 host: then its first error line, up to
    # the first path, is what pyxis must show.
    if ! log=$(as_user ENROOT_UNSHARE_NET=y enroot start "$images/busybox.sqsh" true 2>&1); then
        words=$(grep -m 1 -E 'ERROR|failed' <<<"$log" || head -n 1 <<<"$log")
        words=${words%%/*}
    fi
    usrun --container-image="$images/busybox.sqsh" --container-unshare=net readlink /proc/self/ns/net
    if [[ -z $words ]]; then
        assert_success
        [[ -n $output && $output != "$(readlink /proc/self/ns/net)" ]] || { echo "$output" >&2; false; }
    else
        assert_failure_with "pyxis: printing enroot log file:" "$words"
    fi
    assert_nothing_left
}

@test "--container-unshare=net,ipc,uts: separate namespaces wherever enroot itself can make them" {
    enroot_is_main || skip "enroot 4.1.2 cannot unshare namespaces"
    usrun -n 2 --container-image="$images/busybox.sqsh" --container-unshare=net,ipc,uts sh -c "$show_namespaces"
    if enroot_alone_can --net --ipc --uts; then
        assert_success
        [[ $(sort -u <<<"$output" | wc -l) -eq 1 ]] || { echo "$output" >&2; false; }
        namespace_differs net
        namespace_differs ipc
        namespace_differs uts
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
    rm -f "$ran_on_host"
    usrun --container-image="$images/busybox.sqsh" --container-unshare=net touch "$ran_on_host"
    assert_failure_with "pyxis: --container-unshare: the enroot on this node" "needs an enroot newer than 4.1.2"
    assert_ran_nothing
    assert_nothing_left
}
