# For deb.bats and rpm.bats: what the package installed into an empty root, checked alike.
# shellcheck shell=bash disable=SC2154  # bats's run sets $output and $status

# assert_doctor_finds_plugin ROOT PLUGINDIR: the installed pyxis-doctor, run on ROOT with Debian's
# plugstack include and the PMI hook enabled, finds the package's plugstack line and plugin.
assert_doctor_finds_plugin() {
    local root=$1 plugindir=$2
    mkdir -p "$root/etc/enroot/hooks.d" "$root/run/pyxis"
    echo "include /etc/slurm/plugstack.conf.d/*.conf" > "$root/etc/slurm/plugstack.conf"
    ln -s /usr/share/pyxis/hooks.d/50-slurm-pmi.sh "$root/etc/enroot/hooks.d/"
    run "$root/usr/sbin/pyxis-doctor" --root "$root"
    # 1: checks failed (the empty root has no slurmd, no enroot), not a crash or bad usage (64).
    [[ $status -eq 1 ]] || { echo "pyxis-doctor exited $status: $output" >&2; return 1; }
    [[ $output == *"ok   plugstack: /etc/slurm/plugstack.conf.d/pyxis.conf:9 loads $plugindir/spank_pyxis.so with pyxis's defaults"* ]] ||
        { echo "$output" >&2; return 1; }
    [[ $output == *"ok   hooks: enabled in /etc/enroot/hooks.d: 50-slurm-pmi.sh"* ]] || { echo "$output" >&2; return 1; }
}
