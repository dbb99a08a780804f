#!/usr/bin/env bats
# 10-home and 50-slurm-pmi: both write only the container's environment and mounts, so each side
# runs a container that prints the variables and mounts the hook controls; the outputs must match.
load helpers

# shellcheck disable=SC2016  # the container's shell expands it
show_home='echo "HOME=$HOME"; grep -c " $HOME " /proc/self/mountinfo || :'
# shellcheck disable=SC2016  # the container's shell expands it
show_pmi='env | grep -E "^(SLURM|PMIX|PMI)_" | sort; grep -o " /[^ ]*pmix-dir[^ ]* " /proc/self/mountinfo || :'

@test "10-home: HOME set: the same HOME, mounted" {
    rootfs c busybox
    both 10-home c ENROOT_MOUNT_HOME=y -- sh -c "$show_home"
    same_result c
    succeeded
    grep -qx "HOME=$work/home" "$work/ours.out"
}

@test "10-home: HOME empty: the passwd home of the user's uid, whatever USER says" {
    rootfs c busybox
    both 10-home c ENROOT_MOUNT_HOME=y HOME= USER=nobody LOGNAME=nobody -- sh -c "$show_home"
    same_result c
    succeeded
    grep -qx "HOME=$(getent passwd "$PARITY_USER" | cut -d: -f6)" "$work/ours.out"
}

@test "10-home: HOME empty with ENROOT_REMAP_ROOT: /root" {
    rootfs c busybox
    both 10-home c ENROOT_MOUNT_HOME=y ENROOT_REMAP_ROOT=y HOME= -- sh -c "$show_home"
    same_result c
    succeeded
    grep -qx "HOME=/root" "$work/ours.out"
}

@test "10-home: ENROOT_MOUNT_HOME empty: nothing" {
    rootfs c busybox
    both 10-home c ENROOT_MOUNT_HOME= -- sh -c "$show_home"
    same_result c
    succeeded
}

# pmi NAME VAR=VALUE...: both sides with a PMIx server directory the user owns.
pmi() {
    mkdir -p "$work/pmix-dir"
    chown "$PARITY_USER:" "$work/pmix-dir"
    both 50-slurm-pmi "$@" -- sh -c "$show_pmi"
    same_result c
    succeeded
}

@test "50-slurm-pmi: only in a step: SLURM_JOB_ID and SLURM_STEP_ID both set and not empty" {
    rootfs c busybox
    pmi c SLURM_JOB_ID=7 PMIX_RANK=0 PMI_FD=3
    run -1 grep PMI "$work/ours.out"
    pmi c SLURM_JOB_ID=7 SLURM_STEP_ID= PMIX_RANK=0
    run -1 grep PMI "$work/ours.out"
    pmi c SLURM_JOB_ID=7 SLURM_STEP_ID=0 PMIX_RANK=0
    grep -qx PMIX_RANK=0 "$work/ours.out"
}

@test "50-slurm-pmi: SLURM_MPI_TYPE empty is PMIx: the variables, the MCA names, the server directory" {
    rootfs c busybox
    pmi c SLURM_JOB_ID=7 SLURM_STEP_ID=0 SLURM_MPI_TYPE= PMIX_RANK=1 PMIX_PTL_MODULE="tcp usock" \
        PMIX_SECURITY_MODE=native PMIX_GDS_MODULE= PMIX_MCA_psec=munge PMIX_SERVER_TMPDIR="$work/pmix-dir"
    grep -qx PMIX_MCA_ptl=usock "$work/ours.out"
    grep -q "pmix-dir" "$work/ours.out"
}

@test "50-slurm-pmi: pmix_v4 and pmi2 steps: PMI_* copied either way" {
    rootfs c busybox
    pmi c SLURM_JOB_ID=7 SLURM_STEP_ID=0 SLURM_MPI_TYPE=pmix_v4 PMIX_RANK=0 PMI_FD=3 PMIX_SERVER_TMPDIR="$work/pmix-dir"
    grep -qx PMI_FD=3 "$work/ours.out"
    pmi c SLURM_JOB_ID=7 SLURM_STEP_ID=0 SLURM_MPI_TYPE=pmi2 PMIX_RANK=0 PMI_FD=3 PMI_SIZE=2
    run -1 grep PMIX_RANK "$work/ours.out"
    grep -qx PMI_SIZE=2 "$work/ours.out"
}
