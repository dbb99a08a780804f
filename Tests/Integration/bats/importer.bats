# importer=PATH: each `get` gets exactly one `release`, whatever path the step takes, and a
# step that attaches to a running container gets nothing.
load helpers

importer_dir=$PYXIS_TEST_WORK/importer-bats

setup_file() {
    rm -rf "$importer_dir"
    mkdir -p "$importer_dir/out"
    : >"$importer_dir/log"
    cat >"$importer_dir/importer.sh" <<IMPORTER
#!/bin/sh
# Serves busybox.sqsh for any URI (fails for URIs containing importer-fail) and logs each call.
file="$importer_dir/out/\$SLURM_JOB_ID.\$SLURM_STEP_ID.sqsh"
case \$1 in
    get)
        echo "get \$2" >>"$importer_dir/log"
        case \$2 in *importer-fail*) echo "importer-test-failure: cannot get \$2" >&2; exit 1 ;; esac
        cp "$images/busybox.sqsh" "\$file" || exit 1
        echo "\$file" ;;
    release)
        echo "release" >>"$importer_dir/log"
        rm -f "\$file" ;;
    *)  exit 2 ;;
esac
IMPORTER
    chmod 755 "$importer_dir/importer.sh"
    chown -R "$PYXIS_TEST_USER:" "$importer_dir"
}
teardown_file() { reset_plugstack; rm -rf "$importer_dir"; }
setup() { : >"$importer_dir/log"; }
teardown() { sweep; }

calls() { grep -c "^$1" "$importer_dir/log" || true; }

@test "use_squashfuse=0: one get, then one release, for a -n 2 step" {
    plugstack use_squashfuse=0 importer="$importer_dir/importer.sh"
    usrun -n 2 --container-image=pyxis-test/any:1 cat /pyxis-image
    assert_success
    assert_output_is $'busybox\nbusybox'
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$importer_dir/log" >&2; false; }
    [[ $(tail -n 1 "$importer_dir/log") == release ]]
    [[ -z $(ls -A "$importer_dir/out") ]]
    assert_nothing_left
}

@test "use_squashfuse=auto: one get and one release when starting from the importer's file" {
    plugstack importer="$importer_dir/importer.sh"
    usrun --container-image=pyxis-test/any:1 cat /pyxis-image
    assert_success
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$importer_dir/log" >&2; false; }
    assert_nothing_left
}

@test "a named container: one get and one release when it is created, none when it is reused" {
    plugstack importer="$importer_dir/importer.sh"
    usrun --container-name=importer-named --container-image=pyxis-test/any:1 true
    assert_success
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$importer_dir/log" >&2; false; }
    : >"$importer_dir/log"
    usrun --container-name=importer-named --container-image=pyxis-test/any:1 cat /pyxis-image
    assert_success
    assert_output_is busybox
    [[ ! -s $importer_dir/log ]] || { cat "$importer_dir/log" >&2; false; }
    as_user enroot remove -f pyxis_importer-named
}

@test "a step attaching to a running named container calls neither get nor release" {
    plugstack importer="$importer_dir/importer.sh"
    rm -f "$importer_dir/stop"
    as_user timeout -k 10 150 srun -t 2 --container-name=importer-attach --container-image=pyxis-test/any:1 \
        --container-mounts="$importer_dir:/ctl" sh -c 'echo up; while [ ! -e /ctl/stop ]; do sleep 0.2; done' \
        >"$importer_dir/first.out" 2>&1 &
    local first=$!
    wait_until 60 grep -q up "$importer_dir/first.out"
    : >"$importer_dir/log"
    usrun --container-name=importer-attach cat /pyxis-image
    touch "$importer_dir/stop"
    wait "$first"
    assert_success
    assert_output_is busybox
    [[ ! -s $importer_dir/log ]] || { cat "$importer_dir/log" >&2; false; }
    as_user enroot remove -f pyxis_importer-attach
}

@test "a failing get: pyxis's failure line with the importer's log, one release, nothing left" {
    plugstack importer="$importer_dir/importer.sh"
    usrun --container-image=pyxis-test/importer-fail:1 true
    assert_failure_with "pyxis: failed to import docker image: pyxis-test/importer-fail:1 (importer: $importer_dir/importer.sh)" \
        "importer-test-failure: cannot get"
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$importer_dir/log" >&2; false; }
    assert_nothing_left
}
