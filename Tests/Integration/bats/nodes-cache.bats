# The image cache (plugstack image_cache=, docs/image-cache.md) on four nodes, with the cache in
# the user's shared home: an image is imported once for all nodes and every later step starts
# from its file; concurrent steps wait for one producer; a dead producer is taken over; a moved
# tag, eviction, broken files, permissions, and a cache that cannot be used.
# nodes: 4
load helpers

cache_root=$user_home/image-cache
cache=$cache_root/$PYXIS_TEST_USER
moving=pyxis-test/moving:1
failing_hook=$user_hooks/99-pyxis-test-fail.sh

setup_file() { make_call_counter; make_slow_programs; }
setup() {
    plugstack image_cache="$cache_root/%u"
    rm -rf "$cache_root"
    fresh_ctl
}
teardown() { sweep; reset_plugstack; rm -rf "$cache_root" "$failing_hook" "$user_home/saved-from-cache.sqsh"; }

# step [VAR=value...] SRUN_ARGS...: usrun with enroot's commands counted in $ctl/calls.
step() {
    local vars=()
    while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do vars+=("$1"); shift; done
    usrun BASH_ENV="$enroot_calls" ENROOT_CALLS="$ctl/calls" "${vars[@]}" "$@"
}
# imports: how many imports $ctl/calls holds; nothing (and a message) when it is missing, so
# compare with ==: an empty string is 0 to [[ -eq ]].
imports() { grep -c ' import$' "$ctl/calls" || [[ $? -eq 1 ]]; }
cache_files() { find "$cache" -maxdepth 1 -name 'sha256-*.sqsh' 2>/dev/null | sort; }

@test "four nodes starting a new image at once import it once; the next step imports nothing on any node" {
    # shellcheck disable=SC2016  # the container's shell expands it
    step -N4 --ntasks-per-node=2 --container-image="$PYXIS_TEST_IMAGE_URI" sh -c 'echo "$(hostname) $(cat /pyxis-image)"'
    assert_success
    [[ $(sort -u <<<"$output") == "$(printf 'node%s registry\n' 1 2 3 4)" ]] || { echo "$output" >&2; false; }
    [[ $(imports) == 1 ]] || { sort "$ctl/calls" >&2; false; }
    [[ $(cache_files | wc -l) -eq 1 ]]
    : >"$ctl/calls"
    step -N4 --ntasks-per-node=2 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    [[ $(imports) == 0 ]] || { sort "$ctl/calls" >&2; false; }
    [[ $(sort "$ctl/calls") == "$(printf 'node%s start\n' 1 2 3 4)" ]] || { sort "$ctl/calls" >&2; false; }   # nothing but a start per node
    assert_nothing_left
}

@test "image_cache_tag_ttl: a tag looked up recently needs no registry; a pinned digest never does" {
    plugstack image_cache="$cache_root/%u" image_cache_tag_ttl=300
    step -N4 --ntasks-per-node=1 --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    : >"$ctl/calls"
    step -N4 --ntasks-per-node=1 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    [[ $(grep -cE ' (digest|import)$' "$ctl/calls") == 0 ]] || { sort "$ctl/calls" >&2; false; }
    # sha256-<digest>-<registry and repository>.sqsh
    local digest; digest=$(basename "$(cache_files)"); digest=${digest#sha256-}; digest=${digest:0:64}
    step --container-image="pyxis-test/busybox@sha256:$digest" cat /pyxis-image
    assert_success
    assert_output_is registry
    [[ $(grep -cE ' (digest|import)$' "$ctl/calls") == 0 ]] || { sort "$ctl/calls" >&2; false; }
}

@test "a hit asks the registry itself, with no enroot digest; what only enroot reads is left to it" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    step -N4 --ntasks-per-node=1 --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    run -1 grep ' digest$' "$ctl/calls"   # neither the miss nor the four hits (1: no line; a missing file is 2)
    step -v --container-image="someone@$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    assert_stderr_has "asking enroot for the digest of docker://someone@$PYXIS_TEST_IMAGE_URI"
    [[ $(grep -c ' digest$' "$ctl/calls") == 1 && $(imports) == 1 ]] || { cat "$ctl/calls" >&2; false; }
}

@test "-v says hit or miss; pyxis's import lines appear only for an import" {
    step -v --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    assert_stderr_has "pyxis: importing docker image: $PYXIS_TEST_IMAGE_URI" "pyxis: imported docker image: $PYXIS_TEST_IMAGE_URI" \
        "pyxis: image cache miss, imported: $cache/sha256-"
    step -v --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    assert_stderr_has "pyxis: image cache hit: $cache/sha256-"
    [[ $stderr != *"importing docker image"* ]] || { echo "$stderr" >&2; false; }
}

@test "the cache is private: directory 0700, files 0600, the user's" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    [[ $(stat -c '%a %U' "$cache") == "700 $PYXIS_TEST_USER" ]]
    [[ $(stat -c '%a %U' "$(cache_files)") == "600 $PYXIS_TEST_USER" ]]
}

@test "a named container is created from the cached file, which stays when the container is removed" {
    step -N2 --ntasks-per-node=1 --container-name=cached --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    [[ $(imports) == 1 ]]
    remove_containers pyxis_cached
    [[ $(cache_files | wc -l) -eq 1 ]]
}

@test "--container-save from a cached image saves what the step wrote; the cache file is unchanged" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    local before; before=$(sha256sum "$(cache_files)")
    step --container-image="$PYXIS_TEST_IMAGE_URI" --container-writable --container-save="$user_home/saved-from-cache.sqsh" \
        sh -c 'echo saved >/saved-marker'
    assert_success
    step --container-image="$user_home/saved-from-cache.sqsh" cat /saved-marker /pyxis-image
    assert_success
    assert_output_is $'saved\nregistry'
    [[ $(imports) == 1 && $(sha256sum "$(cache_files)") == "$before" ]]
    rm -f "$user_home/saved-from-cache.sqsh"
}

@test "a producer killed mid-import is taken over by the next step, which leaves no half-written file" {
    uncache
    bg_usrun killed ENROOT_GZIP_PROGRAM="$slow_gzip" SLOW_GZIP_SECONDS=60 SLOW_MARKER="$ctl/slow" -w node1 \
        --container-image="$PYXIS_TEST_IMAGE_URI" true
    wait_until 60 test -e "$ctl/slow" || { bg_err killed >&2; false; }
    [[ -n $(find "$cache" -maxdepth 1 -name '*.lock') ]] || { ls -a "$cache" >&2; false; }
    scancel -u "$PYXIS_TEST_USER" -s KILL
    bg_wait
    wait_until 30 no_processes || { user_processes >&2; false; }
    [[ -n $(find "$cache" -maxdepth 1 -name '*.lock') ]] || { ls -a "$cache" >&2; false; }   # the dead owner's lock stays
    step -v -w node1 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    assert_stderr_has "taking over the import of docker://$PYXIS_TEST_IMAGE_URI into the cache: its owner, process"
    # The image and the record of its last use; no lock, no partial file, no reference.
    [[ $(find "$cache" -mindepth 1 ! -name '.used-*' -printf '%f\n') == "$(basename "$(cache_files)")" ]] || { ls -A "$cache" >&2; false; }
}

@test "a tag moved to another image is imported again" {
    local registry=docker://registry-1.docker.io/pyxis-test
    skopeo --insecure-policy copy --quiet "$registry/busybox:1" "docker://registry-1.docker.io/$moving"
    step --container-image="$moving" cat /pyxis-image
    assert_success
    assert_output_is registry
    skopeo --insecure-policy copy --quiet "$registry/env:1" "docker://registry-1.docker.io/$moving"
    step --container-image="$moving" cat /pyxis-image
    assert_success
    assert_output_is env
    [[ $(imports) == 2 && $(cache_files | wc -l) -eq 2 ]]
}

# The tag moves after the cache looked its digest up and before enroot fetches the manifest (a
# BASH_ENV that makes enroot's first manifest request wait): the import is by that digest, so the
# file named after it holds that image, not the one the tag names by then.
@test "a tag moved during the import: the file holds the image its name says" {
    local registry=docker://registry-1.docker.io/pyxis-test hold=$ctl/hold-manifest.bash
    skopeo --insecure-policy copy --quiet "$registry/busybox:1" "docker://registry-1.docker.io/$moving"
    cat >"$hold" <<'HOLD'
curl() {
    case " $* " in
        *"/manifests/"*) if [ ! -e "$SLOW_MARKER" ]; then : >"$SLOW_MARKER"; sleep "${HOLD_SECONDS:-0}"; fi ;;
    esac
    command curl "$@"
}
HOLD
    chmod 644 "$hold"
    bg_usrun moved BASH_ENV="$hold" SLOW_MARKER="$slow_marker" HOLD_SECONDS=8 --container-image="$moving" cat /pyxis-image
    wait_until 60 test -e "$slow_marker" || { echo "enroot did not get to the manifest: $(bg_err moved)" >&2; false; }
    skopeo --insecure-policy copy --quiet "$registry/env:1" "docker://registry-1.docker.io/$moving"
    bg_wait
    [[ $bg_status -eq 0 && $(bg_out moved) == registry ]] || { echo "$bg_status $(bg_out moved) $(bg_err moved)" >&2; false; }
    local file digest
    file=$(cache_files)
    digest=${file##*/sha256-}; digest=${digest:0:64}
    step --container-image="pyxis-test/moving@sha256:$digest" cat /pyxis-image
    assert_success
    assert_output_is registry
}

# The same digest from another registry is another file: what one registry sends is only ever
# found again through it (the name holds the registry and repository, not only the digest).
@test "the same image by digest from another repository is imported again, not taken from the cache" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    local digest; digest=$(basename "$(cache_files)"); digest=${digest#sha256-}; digest=${digest:0:64}
    skopeo --insecure-policy copy --quiet "docker://registry-1.docker.io/$PYXIS_TEST_IMAGE_URI" "docker://registry-1.docker.io/pyxis-test/elsewhere:1"
    : >"$ctl/calls"
    step --container-image="pyxis-test/elsewhere@sha256:$digest" cat /pyxis-image
    assert_success
    assert_output_is registry
    [[ $(imports) == 1 && $(cache_files | wc -l) -eq 2 ]] || { sort "$ctl/calls" >&2; ls "$cache" >&2; false; }
}

@test "image_cache_max: publishing a new image removes the least recently used beyond the limit" {
    plugstack image_cache="$cache_root/%u" image_cache_max=3M
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    local first; first=$(cache_files)
    step --container-image="$PYXIS_TEST_ENV_URI" true
    assert_success
    [[ $(cache_files | wc -l) -eq 1 && $(cache_files) != "$first" ]] || { ls -la "$cache" >&2; false; }
    [[ $(du -cb "$(cache_files)" | tail -n 1 | cut -f1) -le $((3 << 20)) ]]
}

@test "a truncated cache file is never used: the next step imports the image again" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    truncate -s 4096 "$(cache_files)"
    step -v --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    assert_stderr_has "is not a complete squashfs file; importing docker://$PYXIS_TEST_IMAGE_URI again"
    [[ $(imports) == 2 ]]
}

# damage FILE: random bytes over the start of its inode table (superblock offset 64), so that
# the superblock check passes but the file cannot be read.
damage() {
    local start; start=$(od -An -t u8 -j 64 -N 8 "$1" | tr -d ' ')
    dd if=/dev/urandom of="$1" bs=1 seek="$start" count=512 conv=notrunc status=none
}

@test "a cache file damaged inside fails to start: it is removed and imported again once, with a message" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    damage "$(cache_files)"
    step -N2 --ntasks-per-node=1 --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is "$(printf 'registry\nregistry')"
    assert_stderr_has "was damaged: removed it and imported docker image $PYXIS_TEST_IMAGE_URI again"
    [[ $(imports) == 2 && $(cache_files | wc -l) -eq 1 ]]
    unsquashfs -lls "$(cache_files)" >/dev/null
}

@test "a start failure that is not the cache file's stands: nothing is imported again" {
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_success
    runuser -u "$PYXIS_TEST_USER" -- mkdir -p "$user_hooks"
    printf '#!/bin/sh\necho "pyxis-test: this hook fails" >&2\nexit 1\n' >"$failing_hook"
    chmod 755 "$failing_hook"
    step --container-image="$PYXIS_TEST_IMAGE_URI" true
    assert_failure_with "pyxis-test: this hook fails"
    [[ $(imports) == 1 ]]
    [[ $stderr != *"was damaged"* ]] || { echo "$stderr" >&2; false; }
}

@test "a cache directory the user cannot create: the step says so and runs without the cache" {
    plugstack image_cache=/var/lib/pyxis-test-no-cache/%u
    step --container-image="$PYXIS_TEST_IMAGE_URI" cat /pyxis-image
    assert_success
    assert_output_is registry
    assert_stderr_has "pyxis: not using the image cache: cannot create the cache directory /var/lib/pyxis-test-no-cache: Permission denied; importing without it"
    assert_nothing_left
}

@test "image_cache_fallback=0: a cache the user cannot create fails the step, which runs nothing" {
    plugstack image_cache=/var/lib/pyxis-test-no-cache/%u image_cache_fallback=0
    step --container-image="$PYXIS_TEST_IMAGE_URI" touch "$ran_on_host"
    assert_failure_with "pyxis: failed to import docker image: $PYXIS_TEST_IMAGE_URI into the image cache /var/lib/pyxis-test-no-cache/$PYXIS_TEST_USER"
    assert_ran_nothing
    assert_nothing_left
}

# docs/image-cache.md, "In use": a running step holds a reference (a hard link) to its file, so
# that on NFS, where an unlinked file does not stay readable for the other clients, no other
# node's eviction pulls the image from under it. Here node2's publish goes over the limit while
# node1's step holds the older image; node1's step then reads its whole image.
@test "a step reading its image on one node keeps it through another node's eviction; its teardown releases it" {
    plugstack image_cache="$cache_root/%u" image_cache_max=3M use_squashfuse=1
    # shellcheck disable=SC2016  # the container's shell expands it
    bg_usrun held -w node1 --container-image="$PYXIS_TEST_IMAGE_URI" --container-mounts="$ctl:/ctl" sh -c \
        'touch /ctl/started; for i in $(seq 600); do [ -e /ctl/go ] && break; sleep 0.2; done
         find / -xdev -type f -exec cat {} + >/dev/null && echo read-all'
    wait_until 60 test -e "$ctl/started" || { bg_err held >&2; false; }
    local held_file references
    held_file=$(cache_files)
    references=$(find "$cache" -maxdepth 1 -name '.use-*')
    [[ $(wc -l <<<"$references") -eq 1 && $references == *"~node1~"* ]] || { ls -la "$cache" >&2; false; }
    step -w node2 --container-image="$PYXIS_TEST_ENV_URI" true
    assert_success
    # Over the limit, and the held image is the least recently used: kept, as in use.
    [[ $(cache_files | wc -l) -eq 2 && -f $held_file ]] || { ls -la "$cache" >&2; false; }
    run -0 as_user "$PYXIS_TEST_PREFIX/bin/pyxis-image-cache" list --cache "$cache"
    [[ $(grep -c '  in use$' <<<"$output") -eq 1 ]] || { echo "$output" >&2; false; }
    # The held step reads every file of its image, then ends.
    touch "$ctl/go"
    bg_wait
    [[ $bg_status -eq 0 && $(bg_out held) == *read-all* ]] || { bg_out held; bg_err held; false; } >&2
    [[ -z $(find "$cache" -maxdepth 1 -name '.use-*') ]] || { ls -la "$cache" >&2; false; }
    # Released, it is the first to go.
    run -0 as_user "$PYXIS_TEST_PREFIX/bin/pyxis-image-cache" prune --cache "$cache" --max 3M
    [[ $(cache_files | wc -l) -eq 1 && ! -e $held_file ]] || { ls -la "$cache" >&2; false; }
}
