#!/usr/bin/env bats
# The seven standard hooks together, enroot's set against ours, in real starts: the same rootfs
# afterwards, the same /dev and cgroup mounts inside; and where ours differ on purpose (a link
# the image planted is replaced, not written through).
load helpers

view_command=(sh -c 'ls -la /dev /dev/shm /dev/mqueue 2>&1; echo --mounts--; cat /proc/self/mountinfo')

# What the container saw, without ids and times: /dev entries, then mount point, options, type, source.
view() {
    sed -n '1,/^--mounts--$/p' "$1" | awk 'NF > 2 && $1 != "total" { print $1, $NF }'
    sed -n '/^--mounts--$/,$p' "$1" | awk 'NF > 6 { for (i = 7; $i != "-"; i++) {} print $5, $6, $(i + 1), $(i + 2) }'
}

@test "all seven: Debian image, remapped root, private IPC, inside a Slurm step" {
    # shellcheck disable=SC2034  # read by start in helpers.bash
    HOST_DEV=1
    rootfs c debian
    both all c ENROOT_UNSHARE_IPC=y SLURM_STEP_ID=0 -- -r "${view_command[@]}"
    same_files c
    succeeded
    diff -u <(view "$work/enroot.out") <(view "$work/ours.out")
}

@test "all seven: busybox image, the user's own uid" {
    rootfs c busybox
    both all c -- "${view_command[@]}"
    same_files c
    succeeded
}

@test "all seven: a container asking for GPUs fails on both (no nvidia-container-cli here)" {
    rootfs c debian
    on_both c "echo NVIDIA_VISIBLE_DEVICES=all >> etc/environment"
    both all c
    [[ $(cat "$work/enroot.rc") != 0 && $(cat "$work/ours.rc") != 0 ]]
    grep -q nvidia-container-cli "$work/ours.err"
}

@test "deliberate difference: a link planted at apt.conf.d/enroot is replaced, not written through" {
    rootfs c debian
    echo host-file > "$work/victim"
    chown "$PARITY_USER:" "$work/victim"
    on_both c "ln -s $work/victim etc/apt/apt.conf.d/enroot"
    start ours 10-aptfix c -- -r
    [[ $(cat "$work/ours.rc") == 0 ]]
    [[ $(cat "$work/victim") == host-file ]]
    [[ ! -L $work/data/c-ours/etc/apt/apt.conf.d/enroot ]]
    [[ $(cat "$work/data/c-ours/etc/apt/apt.conf.d/enroot") == 'APT::Sandbox::User "root";' ]]
}

@test "deliberate difference: a link planted at /etc/localtime to a directory is replaced, not followed" {
    rootfs c busybox
    mkdir "$work/victim-dir"
    chown "$PARITY_USER:" "$work/victim-dir"
    on_both c "rm -f etc/localtime && ln -s $work/victim-dir etc/localtime"
    start ours 10-localtime c
    [[ $(cat "$work/ours.rc") == 0 ]]
    [[ -d $work/victim-dir && -z $(ls -A "$work/victim-dir") ]]   # still there, still empty
    [[ $(readlink "$work/data/c-ours/etc/localtime") == "$(readlink /etc/localtime)" ]]
}
