# The plugin Slurm loads is a small C front: it stays out of the way of plain steps, and srun and
# a step's slurmstepd map the Swift core only when a --container-* option or a PYXIS_* variable
# reaches them, or (srun) when the plugstack line is one the front cannot vouch for
# (docs/design.md, "The front"). A node whose front cannot load the core fails container steps with
# the reason, and never runs them on the host.
load helpers

setup_file() { plugstack; }
teardown_file() { rm -rf "$PYXIS_TEST_WORK/nocore"; }
teardown() { sweep; reset_plugstack; }

@test "srun hostname works with the plugin loaded" {
    urun srun hostname
    assert_success
    assert_output_is "$(hostname -s)"
}

@test "srun -n 4 true works with the plugin loaded" {
    urun srun -n 4 true
    assert_success
    assert_output_is ""
}

@test "srun -n 2 runs both tasks" {
    # shellcheck disable=SC2016  # the task's shell expands it
    urun srun -n 2 sh -c 'echo $SLURM_PROCID'
    assert_success
    [[ $(sort <<<"$output" | tr '\n' ' ') == "0 1 " ]] || { echo "$output" >&2; false; }
}

@test "slurmd created runtime_path" {
    [[ -d $PYXIS_RUNTIME_PATH ]]
}

# core_mapped PROCESS [VAR=value...] -- [SRUN_ARGS...]: prints yes or no: whether PROCESS,
# `slurmstepd` (the task's parent) or `srun`, mapped the Swift core, looked at while the step's
# task sleeps; `unknown`, and why on stderr, when it cannot tell (no task, a parent that is not
# slurmstepd, maps it cannot read).
core_mapped() {
    local which=$1 env=() task="" pid="" found=0 i; shift
    while [[ $1 != -- ]]; do env+=("$1"); shift; done
    shift
    as_user env "${env[@]}" srun "$@" sleep 2 >/dev/null 2>&1 3>&- &
    local bg=$!
    for ((i = 0; i < 100; i++)); do
        task=$(pgrep -u "$PYXIS_TEST_USER" -x sleep | head -1)
        [[ -n $task ]] && break
        sleep 0.05
    done
    if [[ -z $task ]]; then
        echo "no task" >&2
    elif [[ $which == slurmstepd ]]; then
        pid=$(awk '{print $4}' "/proc/$task/stat")
        # Debian's slurmstepd is /usr/sbin/slurmstepd-wlm (through alternatives); upstream's slurmstepd.
        [[ $(readlink "/proc/$pid/exe") == */slurmstepd || $(readlink "/proc/$pid/exe") == */slurmstepd-wlm ]] ||
            { echo "the task's parent $pid is not slurmstepd" >&2; pid=""; }
    else
        # An earlier step's srun can linger as a zombie, which has no maps.
        for pid in $(pgrep -u "$PYXIS_TEST_USER" -x srun) ""; do
            [[ -n $pid && -n $(readlink "/proc/$pid/exe") ]] && break
        done
        [[ -n $pid ]] || echo "no srun with a running task" >&2
    fi
    if [[ -z $pid ]]; then
        echo unknown
    else
        grep -q spank_pyxis_core "/proc/$pid/maps" || found=$?
        case $found in 0) echo yes ;; 1) echo no ;; *) echo unknown ;; esac
    fi
    wait "$bg" || true
}

@test "a plain step's slurmstepd does not load the Swift core" {
    [[ $(core_mapped slurmstepd --) == no ]]
}

@test "a step with a --container-* option loads the Swift core" {
    [[ $(core_mapped slurmstepd -- --container-mount-home) == yes ]]
}

@test "a step with a PYXIS_* variable loads the Swift core" {
    [[ $(core_mapped slurmstepd PYXIS_CONTAINER_MOUNT_HOME=1 --) == yes ]]
}

@test "a plain srun does not load the Swift core" {
    [[ $(core_mapped srun --) == no ]]
}

@test "srun with a --container-* option loads the Swift core" {
    [[ $(core_mapped srun -- --container-mount-home) == yes ]]
}

@test "srun with a PYXIS_* variable loads the Swift core" {
    [[ $(core_mapped srun PYXIS_CONTAINER_MOUNT_HOME=1 --) == yes ]]
}

@test "a valid plugstack line the front cannot vouch for: srun loads the core, and plain steps run" {
    # 1iB is a size the core accepts (one byte) and the front's narrower reading leaves to it.
    plugstack image_cache_max=1iB
    [[ $(core_mapped srun --) == yes ]]
    urun srun echo ok
    assert_success
    assert_output_is ok
}

# A node with a front but no core: srun gets a complete plugin through its own slurm.conf;
# slurmstepd reads the system plugstack, which names a front without its core.
nocore=$PYXIS_TEST_WORK/nocore
no_core_on_the_node() {
    rm -rf "$nocore"
    mkdir -p "$nocore"
    cp "$PYXIS_PLUGIN" "$nocore/spank_pyxis.so"
    sed '/^PlugStackConfig=/d' /etc/slurm/slurm.conf >"$nocore/slurm.conf"
    echo "PlugStackConfig=$nocore/plugstack.conf" >>"$nocore/slurm.conf"
    echo "required $PYXIS_PLUGIN runtime_path=$PYXIS_RUNTIME_PATH" >"$nocore/plugstack.conf"
    chmod -R a+rX "$nocore"
    "$repo/scripts/slurm-cluster.sh" plugstack "$nocore/spank_pyxis.so" runtime_path="$PYXIS_RUNTIME_PATH"
}

@test "no core on the node, --container-image: the step fails with the reason, and does not run on the host" {
    no_core_on_the_node
    rm -f "$ran_on_host"
    run --separate-stderr as_user SLURM_CONF="$nocore/slurm.conf" srun --container-image=pyxis-test/missing:1 touch "$ran_on_host"
    assert_failure_with "pyxis: cannot load the Swift core: $nocore/pyxis/spank_pyxis_core.so"
    assert_ran_nothing
}

@test "no core on the node, PYXIS_CONTAINER_IMAGE: the step fails with the reason, and does not run on the host" {
    no_core_on_the_node
    rm -f "$ran_on_host"
    run --separate-stderr as_user SLURM_CONF="$nocore/slurm.conf" PYXIS_CONTAINER_IMAGE=pyxis-test/missing:1 srun touch "$ran_on_host"
    assert_failure_with "pyxis: cannot load the Swift core: $nocore/pyxis/spank_pyxis_core.so"
    assert_ran_nothing
}

@test "no core on the node: plain steps still run" {
    no_core_on_the_node
    run --separate-stderr as_user SLURM_CONF="$nocore/slurm.conf" srun echo ok
    assert_success
    assert_output_is ok
}

