#!/usr/bin/env bats
# 10-cgroups: the hook's cgroup bound read-only over each hierarchy, enroot's vs ours: the lines
# written (both run directly from this shell, so in the same cgroups) and the container's mounts.
load helpers

# direct SIDE [VAR=VALUE...]: the hook run alone with an empty ENROOT_MOUNTS; the file in $work/SIDE.mounts.
direct() {
    local side=$1; shift
    : > "$work/$side.mounts"
    local hook=$ENROOT_HOOKS_DIR/10-cgroups.sh
    [[ $side == ours ]] && hook=$PARITY_WORK/libexec/pyxis-hook-cgroups
    env -i PATH=/usr/bin:/bin ENROOT_LIBRARY_PATH=/usr/lib/enroot ENROOT_MOUNTS="$work/$side.mounts" \
        ENROOT_ENVIRON=/dev/null ENROOT_ROOTFS=/nonexistent "$@" "$hook"
}

# The cgroup mounts a container sees: mount point, options, type, source (no ids).
cgroup_mounts() {
    awk '/cgroup/ { for (i = 7; $i != "-"; i++) {} print $5, $6, $(i + 1), $(i + 2) }' "$1"
}

@test "10-cgroups: the same mount lines outside a Slurm step" {
    direct enroot
    direct ours
    diff -u "$work/enroot.mounts" "$work/ours.mounts"
    [[ -s $work/ours.mounts ]]
}

@test "10-cgroups: the same mount lines inside a Slurm step (the step's parent cgroup)" {
    direct enroot SLURM_STEP_ID=0
    direct ours SLURM_STEP_ID=0
    diff -u "$work/enroot.mounts" "$work/ours.mounts"
    grep -q '/\.\. ' "$work/ours.mounts"
}

@test "10-cgroups: the same cgroup mounts in a container" {
    rootfs c debian
    both 10-cgroups c -- cat /proc/self/mountinfo
    succeeded
    diff -u <(cgroup_mounts "$work/enroot.out") <(cgroup_mounts "$work/ours.out")
}
