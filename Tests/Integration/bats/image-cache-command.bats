# pyxis-image-cache as users and sites run it (docs/image-cache.md): prefetch, list, prune,
# remove, and its errors, on real enroot and the test registry, as the test user.
load helpers

command=$PYXIS_TEST_PREFIX/bin/pyxis-image-cache
cache=$user_home/command-cache

setup() { rm -rf "$cache"; }
teardown() { rm -rf "$cache"; }

# cached ARGS...: the command as the test user (stdout in $output, stderr in $stderr).
cached() { urun "$command" "$@"; }

@test "prefetch imports an image once; a second prefetch finds it" {
    cached prefetch --cache "$cache" "$PYXIS_TEST_IMAGE_URI"
    assert_success
    [[ $output == "sha256:"*" imported: $cache/sha256-"*".sqsh" ]] || { echo "$output" >&2; false; }
    cached prefetch --cache "$cache" "$PYXIS_TEST_IMAGE_URI"
    assert_success
    [[ $output == *" already cached: "* ]] || { echo "$output" >&2; false; }
}

@test "list shows each image with its size and last use; remove takes one out by digest" {
    cached prefetch --cache "$cache" "$PYXIS_TEST_IMAGE_URI"
    assert_success
    local digest=${output%% *}
    cached list --cache "$cache"
    assert_success
    [[ $(head -n 1 <<<"$output") == "$digest "* && $(tail -n 1 <<<"$output") == "1 image(s), "* ]] || { echo "$output" >&2; false; }
    cached remove --cache "$cache" "$digest"
    assert_success
    assert_output_is "removed $digest"
    cached list --cache "$cache"
    assert_success
    assert_output_is "0 image(s), 0B"
}

@test "prune removes the least recently used images until the cache fits" {
    cached prefetch --cache "$cache" "$PYXIS_TEST_IMAGE_URI"
    assert_success
    local older=${output%% *}
    sleep 1
    cached prefetch --cache "$cache" "$PYXIS_TEST_ENV_URI"
    assert_success
    cached prune --cache "$cache" --max 3M
    assert_success
    assert_output_is $'removed '"$older"$'\n1 image(s) removed'
}

@test "PYXIS_IMAGE_CACHE names the directory when --cache is not given" {
    urun PYXIS_IMAGE_CACHE="$cache" "$command" prefetch "$PYXIS_TEST_IMAGE_URI"
    assert_success
    [[ -n $(find "$cache" -name 'sha256-*.sqsh') ]]
}

@test "errors: no directory, a bad size, a bad digest, an image that does not exist" {
    cached list
    [[ $status -ne 0 && $stderr == *"no cache directory: give --cache DIR or set PYXIS_IMAGE_CACHE"* ]] || { echo "$stderr" >&2; false; }
    cached prune --cache "$cache" --max 10X
    [[ $status -ne 0 && $stderr == *"invalid size '10X'"* ]] || { echo "$stderr" >&2; false; }
    cached remove --cache "$cache" sha256:abc
    [[ $status -ne 0 && $stderr == *"not an image digest: 'sha256:abc'"* ]] || { echo "$stderr" >&2; false; }
    cached prefetch --cache "$cache" "$PYXIS_TEST_MISSING_URI"
    [[ $status -eq 1 && $stderr == *"could not find the digest of docker://$PYXIS_TEST_MISSING_URI"* ]] || { echo "$stderr" >&2; false; }
}

@test "a directory of another user, or open to others, is refused with exit status 3" {
    mkdir -m 0755 "$cache"
    chown "$PYXIS_TEST_USER:" "$cache"
    cached list --cache "$cache"
    [[ $status -eq 3 && $stderr == *"is open to other users (mode 755); make it private with chmod 700"* ]] || { echo "$status $stderr" >&2; false; }
    chown root: "$cache"; chmod 0700 "$cache"
    cached list --cache "$cache"
    [[ $status -eq 3 ]] || { echo "$status $stderr" >&2; false; }
}

# image_cache=/scratch/%u/images with /scratch/alice made 0777: another user could swap `images`
# for a link to a directory of theirs between the check and enroot's use. Every directory on the
# way must be root's or the user's and writable by no one else.
@test "a parent directory writable by others, or another user's, is refused with exit status 3" {
    mkdir -m 0755 "$cache"
    chown "$PYXIS_TEST_USER:" "$cache"
    chmod 0777 "$cache"
    cached list --cache "$cache/images"
    [[ $status -eq 3 && $stderr == *"parent $cache is writable by others (mode 777)"* ]] || { echo "$status $stderr" >&2; false; }
    [[ ! -e $cache/images ]] || { echo "the cache was created" >&2; false; }
    chmod 0755 "$cache"; chown nobody: "$cache"
    cached list --cache "$cache/images"
    [[ $status -eq 3 && $stderr == *"parent $cache belongs to uid $(id -u nobody)"* ]] || { echo "$status $stderr" >&2; false; }
    chown "$PYXIS_TEST_USER:" "$cache"
    cached list --cache "$cache/images"
    assert_success
}

registry_state=${PYXIS_REGISTRY_STATE:-/var/lib/pyxis-test-registry}
liar_port=8443

# liar_certificate DIR: a certificate for localhost from the test registry's CA (which may sign
# for the registry's names, localhost and 127.0.0.1 only), in DIR/liar.{crt,key}.
liar_certificate() {
    local dir=$1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/liar.key" -out "$dir/liar.csr" \
        -subj "/CN=localhost" 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:localhost" "extendedKeyUsage=serverAuth" >"$dir/liar.ext"
    openssl x509 -req -in "$dir/liar.csr" -CA "$registry_state/ca.crt" -CAkey "$registry_state/ca.key" \
        -CAcreateserial -CAserial "$dir/ca.srl" -days 1 -extfile "$dir/liar.ext" -out "$dir/liar.crt" 2>/dev/null
}

# A registry the user pulls from (here a proxy in front of the test registry) sends one image's
# manifest and claims another image's digest for it. Trusted, it would have its content stored
# under that digest; the look-up hashes what it got and refuses, and nothing is stored.
@test "a registry that claims another image's digest for its manifest is refused; nothing is stored" {
    cached prefetch --cache "$cache" "$PYXIS_TEST_IMAGE_URI"
    assert_success
    local claimed=${output%% *} liar
    liar_certificate "$BATS_TEST_TMPDIR"
    python3 "$repo/Tests/Integration/lying-registry.py" "$liar_port" "$BATS_TEST_TMPDIR/liar.crt" \
        "$BATS_TEST_TMPDIR/liar.key" "$claimed" 3>&- &
    liar=$!
    wait_until 10 curl -sf -o /dev/null "https://localhost:$liar_port/v2/" || { kill "$liar"; echo "the liar did not start" >&2; false; }
    cached prefetch --cache "$cache" "docker://localhost:$liar_port#$PYXIS_TEST_ENV_URI"
    kill "$liar"
    [[ $status -eq 3 && $stderr == *"claims $claimed for a manifest whose SHA-256 is sha256:"* ]] || { echo "$status $stderr" >&2; false; }
    [[ $(find "$cache" -name 'sha256-*.sqsh' | wc -l) -eq 1 ]] || { ls -la "$cache" >&2; false; }
}

# A registry that accepts connections and never answers: enroot's curl waits (its connect
# timeout is 30 s, and a transfer has none by default). The import is stopped at the limit,
# with every process it started, and the cache keeps no file and no lock of it.
@test "an import that stalls is stopped at --import-time-limit with all it started; nothing is left" {
    local stall started digest
    digest=sha256:$(printf '0%.0s' {1..64})
    # shellcheck disable=SC2016  # python's code
    python3 -c 'import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(64)
held = []
while True:
    held.append(server.accept())' "$liar_port" 3>&- &
    stall=$!
    wait_until 10 bash -c "echo >/dev/tcp/127.0.0.1/$liar_port" 2>/dev/null || { kill "$stall"; echo "the stalling server did not start" >&2; false; }
    started=$SECONDS
    cached prefetch --cache "$cache" --import-time-limit 3 "docker://localhost:$liar_port#pyxis-test/busybox@$digest"
    kill "$stall"
    [[ $status -ne 0 && $stderr == *"enroot import did not finish within 3 s and was stopped"* ]] || { echo "$status $stderr" >&2; false; }
    ((SECONDS - started < 20))
    # Zombies aside (this machine's init reaps what it inherits late).
    wait_until 5 no_processes || { user_processes >&2; false; }
    [[ -z $(find "$cache" -mindepth 1 -name '*.sqsh' -o -mindepth 1 -name '*.lock') ]] || { ls -la "$cache" >&2; false; }
}
