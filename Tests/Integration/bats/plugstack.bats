# The plugstack line: a bad argument stops the plugin (and so srun) from loading, with pyxis's
# lines; a line with every key loads.
load helpers

teardown() { sweep; reset_plugstack; }

# rejects_plugstack MESSAGE ARGS...: with ARGS on the plugstack line, srun fails with
# `pyxis: MESSAGE`.
rejects_plugstack() {
    local message=$1; shift
    "$repo/scripts/slurm-cluster.sh" plugstack "$PYXIS_PLUGIN" "$@"
    urun srun true
    assert_failure_with "pyxis: $message"
}

@test "plugstack: an unknown key" {
    rejects_plugstack "unknown configuration option: colour=blue (known keys: runtime_path, execute_entrypoint, container_scope, sbatch_support, use_enroot_load, importer, use_squashfuse, image_cache, image_cache_max, image_cache_user, image_cache_fallback, image_cache_command, image_cache_tag_ttl)" \
        colour=blue
}
@test "plugstack: an unknown key, pyxis's second line" {
    rejects_plugstack "failed to parse configuration" colour=blue
}
@test "plugstack: an argument without =" {
    rejects_plugstack "unknown configuration option: runtime_path (plugstack arguments are key=value; known keys:" runtime_path
}
@test "plugstack: a relative runtime_path" {
    rejects_plugstack "plugstack argument runtime_path='run/pyxis': expected an absolute path" runtime_path=run/pyxis
}
@test "plugstack: a bad container_scope" {
    rejects_plugstack "container_scope: invalid value: node (expected job or global)" container_scope=node
}
@test "plugstack: a bad execute_entrypoint" {
    rejects_plugstack "execute_entrypoint: invalid value: sometimes (expected 1, true, yes, y, 0, false, no or n)" \
        execute_entrypoint=sometimes
}
@test "plugstack: a bad use_squashfuse" {
    rejects_plugstack "use_squashfuse: invalid value: maybe (expected auto, 1, true, yes, y, 0, false, no or n)" use_squashfuse=maybe
}
@test "plugstack: a relative importer" {
    rejects_plugstack "plugstack argument importer='importer.sh': expected an absolute path" importer=importer.sh
}

@test "plugstack: a valid line with every key loads" {
    "$repo/scripts/slurm-cluster.sh" plugstack "$PYXIS_PLUGIN" runtime_path="$PYXIS_RUNTIME_PATH" execute_entrypoint=0 \
        container_scope=job sbatch_support=1 use_enroot_load=0 importer=/bin/true use_squashfuse=auto
    run --separate-stderr bash -c "cd /tmp && runuser -u '$PYXIS_TEST_USER' -- srun echo ok"
    assert_success
    assert_output_is ok
}
