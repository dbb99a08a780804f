#!/bin/bash
# Shell equivalent of pyxis-hook-pytorch, in the style of enroot's 50-slurm-pytorch.sh:
# one grep per variable, scontrol for the host list, cut for the task layout. Bench only.
set -eu
[ -n "${SLURM_JOB_ID-}" ] || exit 0
grep -q "^PYTORCH_VERSION=" "${ENROOT_ENVIRON}" || exit 0
has() { grep -q "^$1=" "${ENROOT_ENVIRON}"; }
if ! has MASTER_ADDR; then
    echo "MASTER_ADDR=$(scontrol show hostnames "${SLURM_STEP_NODELIST}" | head -n 1)" >> "${ENROOT_ENVIRON}"
fi
has MASTER_PORT || echo "MASTER_PORT=$((61000 + SLURM_JOB_ID % 4536))" >> "${ENROOT_ENVIRON}"
has WORLD_SIZE || echo "WORLD_SIZE=${SLURM_NTASKS}" >> "${ENROOT_ENVIRON}"
if [ -n "${SLURM_PROCID-}" ] && ! has RANK; then echo "RANK=${SLURM_PROCID}" >> "${ENROOT_ENVIRON}"; fi
if [ -n "${SLURM_LOCALID-}" ] && ! has LOCAL_RANK; then echo "LOCAL_RANK=${SLURM_LOCALID}" >> "${ENROOT_ENVIRON}"; fi
has LOCAL_WORLD_SIZE || echo "LOCAL_WORLD_SIZE=$(echo "${SLURM_STEP_TASKS_PER_NODE}" | cut -d '(' -f 1 | cut -d ',' -f 1)" >> "${ENROOT_ENVIRON}"
has NODE_RANK || echo "NODE_RANK=${SLURM_NODEID}" >> "${ENROOT_ENVIRON}"
has GROUP_RANK || echo "GROUP_RANK=${SLURM_NODEID}" >> "${ENROOT_ENVIRON}"
has GROUP_WORLD_SIZE || echo "GROUP_WORLD_SIZE=${SLURM_STEP_NUM_NODES}" >> "${ENROOT_ENVIRON}"
if [ "${SLURM_NTASKS}" -gt "${SLURM_STEP_NUM_NODES}" ] && ! has OMP_NUM_THREADS; then
    echo "OMP_NUM_THREADS=1" >> "${ENROOT_ENVIRON}"
fi
