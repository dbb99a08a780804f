#!/bin/bash
# Shell equivalent of pyxis-hook-home, in the style of enroot's 10-home.sh. Bench only.
set -eu
[ -n "${ENROOT_MOUNT_HOME-}" ] || exit 0
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
if [ -n "${ENROOT_REMAP_ROOT-}" ]; then
    echo "${home} /root none x-create=dir,bind,rw,nosuid" >> "${ENROOT_MOUNTS}"
    echo "HOME=/root" >> "${ENROOT_ENVIRON}"
else
    echo "${home} ${home} none x-create=dir,bind,rw,nosuid" >> "${ENROOT_MOUNTS}"
    echo "HOME=${home}" >> "${ENROOT_ENVIRON}"
fi
