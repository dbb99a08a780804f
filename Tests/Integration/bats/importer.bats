# importer=PATH (spank_pyxis(8)): the site's importer instead of enroot import. Each `get` gets exactly
# one `release`, whatever path the step takes, and a step that attaches to a running container
# gets nothing.
# use_squashfuse: 0 auto
load helpers

importer_dir=$PYXIS_TEST_WORK/importer-bats
importer=$importer_dir/importer.sh

setup_file() {
    rm -rf "$importer_dir"
    mkdir -p "$importer_dir/out"
    cat >"$importer" <<IMPORTER
#!/bin/sh
# Serves busybox.sqsh for any URI (fails for URIs containing importer-fail) and logs each call.
file="$importer_dir/out/\$SLURM_JOB_ID.\$SLURM_STEP_ID.sqsh"
case \$1 in
    get)
        echo "get \$2 job=\$SLURM_JOB_ID step=\$SLURM_STEP_ID" >>"$importer_dir/log"
        case \$2 in *importer-fail*) echo "importer-test-failure: cannot get \$2" >&2; exit 1 ;; esac
        cp "$images/busybox.sqsh" "\$file" || exit 1
        echo "\$file" ;;
    release)
        echo "release job=\$SLURM_JOB_ID step=\$SLURM_STEP_ID" >>"$importer_dir/log"
        rm -f "\$file" ;;
    *)  exit 2 ;;
esac
IMPORTER
    chmod 755 "$importer"
    chown -R "$PYXIS_TEST_USER:" "$importer_dir"
}
teardown_file() { rm -rf "$importer_dir"; }
log=$importer_dir/log
# Each test starts with an empty log and the importer on the plugstack line.
setup() {
    : >"$log"
    chown "$PYXIS_TEST_USER:" "$log"
    plugstack importer="$importer"
}
teardown() { sweep; reset_plugstack; rm -rf "$ctl"; }

calls() { grep -c "^$1" "$log" || true; }

@test "-n 4 with a registry image runs what the importer got" {
    usrun -n 4 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is $'busybox\nbusybox\nbusybox\nbusybox'
    assert_nothing_left
}

@test "a -n 2 step: one 'get URI' first, one 'release' last, which removes what get made" {
    usrun -n 2 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is $'busybox\nbusybox'
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$log" >&2; false; }
    [[ $(head -n 1 "$log") == "get "*"$PYXIS_TEST_IMAGE_URI"* ]] || { cat "$log" >&2; false; }
    [[ $(tail -n 1 "$log") == "release "* ]] || { cat "$log" >&2; false; }
    [[ -d $importer_dir/out && -z $(ls -A "$importer_dir/out") ]] || { ls -A "$importer_dir/out" >&2; false; }
    assert_nothing_left
}

@test "use_squashfuse=$mode, one task: one get and one release" {
    usrun --container-image=pyxis-test/any:1 cat /pyxis-image
    assert_success
    assert_output_is busybox
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$log" >&2; false; }
    assert_nothing_left
}

@test "a named container: one get and one release when it is created, none when it is reused" {
    usrun --container-name=importer-named --container-image=pyxis-test/any:1 true
    assert_success
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$log" >&2; false; }
    : >"$log"
    usrun --container-name=importer-named --container-image=pyxis-test/any:1 cat /pyxis-image
    assert_success
    assert_output_is busybox
    [[ -f $log && ! -s $log ]] || { cat "$log" >&2; false; }
}

@test "a step attaching to a running named container calls neither get nor release" {
    hold_container first --container-name=importer-attach --container-image=pyxis-test/any:1
    : >"$log"
    usrun --container-name=importer-attach cat /pyxis-image
    release_container
    assert_success
    assert_output_is busybox
    [[ -f $log && ! -s $log ]] || { cat "$log" >&2; false; }
}

@test "a failing get fails the step: pyxis's failure line with the importer's log, one release, nothing left" {
    usrun --container-image=pyxis-test/importer-fail:1 true
    assert_failure_with "pyxis: failed to import docker image: pyxis-test/importer-fail:1 (importer: $importer)" \
        "importer-test-failure: cannot get"
    [[ $(calls get) -eq 1 && $(calls release) -eq 1 ]] || { cat "$log" >&2; false; }
    assert_nothing_left
}
