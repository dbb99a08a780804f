#!/bin/bash
# Shell equivalent of pyxis-hook-pmi, in the style of enroot's 50-slurm-pmi.sh. Bench only.
set -eu
[ -n "${SLURM_JOB_ID-}" ] || exit 0
for var in $(compgen -e | grep "^SLURM_" | sort); do echo "${var}=${!var}"; done >> "${ENROOT_ENVIRON}"
if [ -z "${SLURM_MPI_TYPE-}" ] || [[ "${SLURM_MPI_TYPE}" == pmix* ]]; then
    if compgen -e | grep -q "^PMIX_"; then
        for var in $(compgen -e | grep "^PMIX_" | sort); do echo "${var}=${!var}"; done >> "${ENROOT_ENVIRON}"
        [ -z "${PMIX_PTL_MODULE-}" ] || [ -n "${PMIX_MCA_ptl-}" ] || echo "PMIX_MCA_ptl=${PMIX_PTL_MODULE}" >> "${ENROOT_ENVIRON}"
        [ -z "${PMIX_SECURITY_MODE-}" ] || [ -n "${PMIX_MCA_psec-}" ] || echo "PMIX_MCA_psec=${PMIX_SECURITY_MODE}" >> "${ENROOT_ENVIRON}"
        [ -z "${PMIX_GDS_MODULE-}" ] || [ -n "${PMIX_MCA_gds-}" ] || echo "PMIX_MCA_gds=${PMIX_GDS_MODULE}" >> "${ENROOT_ENVIRON}"
        if [ -n "${PMIX_SERVER_TMPDIR-}" ]; then
            echo "${PMIX_SERVER_TMPDIR} ${PMIX_SERVER_TMPDIR} none x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail" >> "${ENROOT_MOUNTS}"
        fi
    fi
else
    for var in $(compgen -e | grep "^PMI_" | sort); do echo "${var}=${!var}"; done >> "${ENROOT_ENVIRON}"
fi
