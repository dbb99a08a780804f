#!/usr/bin/env bash
# A Docker registry on loopback that answers for Docker Hub, so that real enroot imports the test
# images (docker://pyxis-test/busybox:1, docker.io/..., index.docker.io/..., docker.io#...) offline:
# enroot maps every Docker Hub name to registry-1.docker.io, which this points at 127.0.0.1.
# Test infrastructure for the container suites (fixtures.sh starts and stops it); needs root.
#
#   registry.sh up       start it; does nothing when it already runs (idempotent)
#   registry.sh down     remove exactly what `up` recorded (the storage under
#                        PYXIS_REGISTRY_STORAGE is kept when it was given: it is a cache)
#   registry.sh status   exit 0 when it runs on that storage and answers on https://registry-1.docker.io/v2/
#
# What `up` makes, recorded in $PYXIS_REGISTRY_STATE/created:
#   - $PYXIS_REGISTRY_STATE (default /var/lib/pyxis-test-registry, root only): a CA made for this
#     run (name-constrained to registry-1.docker.io, localhost and 127.0.0.1, so its key can sign
#     for nothing else), a server certificate with those SANs, the registry's config and log;
#   - the CA in the system trust store: /usr/local/share/ca-certificates/pyxis-test-registry.crt
#     and update-ca-certificates (curl in enroot and skopeo trust it from there);
#   - a line `127.0.0.1 registry-1.docker.io # pyxis-test-registry` in /etc/hosts;
#   - Debian's docker-registry (/usr/bin/docker-registry, not its systemd unit) serving TLS on
#     port 443 of every address (so that the nodes of a multi-node test cluster, which resolve
#     registry-1.docker.io to the head's address, reach it too) as the docker-registry user (with CAP_NET_BIND_SERVICE only), storing in
#     $PYXIS_REGISTRY_STORAGE (default: $PYXIS_REGISTRY_STATE/storage, removed by `down`).
# Needs: docker-registry, openssl, ca-certificates, curl, util-linux (setpriv).
set -euo pipefail

state=${PYXIS_REGISTRY_STATE:-/var/lib/pyxis-test-registry}
storage=${PYXIS_REGISTRY_STORAGE:-$state/storage}
record=$state/created
host=registry-1.docker.io
hosts_line="127.0.0.1 $host # pyxis-test-registry"
ca_link=/usr/local/share/ca-certificates/pyxis-test-registry.crt
binary=/usr/bin/docker-registry
service_user=docker-registry

log() { echo "registry: $*" >&2; }
die() { log "$*"; exit 1; }
rec() { echo "$1 $2" >>"$record"; }

# The pid in $state/pid when it is our registry (its executable and our config file).
our_pid() {
    local pid
    pid=$(cat "$state/pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$binary" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$state/config.yml" || return 1
    echo "$pid"
}

answers() { curl -sf --max-time 5 -o /dev/null "https://$host/v2/"; }

# Ours runs, on $storage, and answers.
status() {
    our_pid >/dev/null && grep -qxF "    rootdirectory: $storage" "$state/config.yml" &&
        grep -qxF "  addr: :443" "$state/config.yml" && answers
}

# Removes /etc/hosts lines ending in our marker without replacing the file (it may be a bind mount).
hosts_remove() {
    local kept
    grep -q ' # pyxis-test-registry$' /etc/hosts || return 0
    kept=$(grep -v ' # pyxis-test-registry$' /etc/hosts)
    printf '%s\n' "$kept" >/etc/hosts
}

down() {
    local lines=() i kind path pid
    [[ -f $record ]] || { [[ ! -e $state ]] || log "$state exists but records nothing; left alone"; return 0; }
    mapfile -t lines <"$record"
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do   # newest first
        kind=${lines[i]%% *} path=${lines[i]#* }
        case $kind in
            process)
                if pid=$(our_pid); then
                    kill "$pid" 2>/dev/null || true
                    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                    kill -KILL "$pid" 2>/dev/null || true
                fi ;;
            hosts) hosts_remove ;;
            trust)
                # update-ca-certificates drops it from the bundle but leaves its links behind.
                rm -f -- "$path"
                find /etc/ssl/certs -maxdepth 1 -type l \( -lname "$path" -o -lname "$(basename "${path%.crt}").pem" \) -delete
                update-ca-certificates >/dev/null 2>&1 ;;
            dir) rm -rf -- "$path" ;;
        esac
    done
    rm -rf -- "$state"
}

up() {
    if status; then return 0; fi
    down   # a partial or stopped earlier run
    [[ -x $binary ]] || die "$binary is missing (apt-get install docker-registry)"
    command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
    command -v update-ca-certificates >/dev/null || die "update-ca-certificates is missing (apt-get install ca-certificates)"
    command -v setpriv >/dev/null || die "setpriv is missing (util-linux)"
    id "$service_user" >/dev/null 2>&1 || die "no $service_user user (it comes with the docker-registry package)"
    hosts_remove   # a line of ours that a crashed run left
    local holder
    if holder=$(grep -n "[[:space:]]$host\([[:space:]]\|$\)" /etc/hosts); then
        die "/etc/hosts already names $host, on a line the tests did not write ($holder);" \
            "the test registry needs that name for 127.0.0.1: remove or comment out that line and run again"
    fi
    if ss -Hltn 'sport = :443' 2>/dev/null | grep -q .; then
        die "port 443, which the test registry serves on (enroot reaches Docker Hub names over HTTPS), is held by" \
            "$(ss -Hltnp 'sport = :443' | grep -o 'users:(.*)' | head -n 1 || ss -Hltn 'sport = :443' | head -n 1):" \
            "stop that service and run again"
    fi

    # shellcheck disable=SC2174  # only $state itself is private; its parents are as mkdir makes them
    mkdir -m 0700 -p "$state"
    : >"$record"
    rec dir "$state"

    # A CA for this run only, that can sign for nothing but the registry's names.
    local names="DNS:$host,DNS:localhost,IP:127.0.0.1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -keyout "$state/ca.key" -out "$state/ca.crt" -subj "/CN=pyxis-test registry CA (loopback only)" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "nameConstraints=critical,permitted;DNS:$host,permitted;DNS:localhost,permitted;IP:127.0.0.1/255.255.255.255" \
        2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$state/server.key" \
        -out "$state/server.csr" -subj "/CN=$host" 2>/dev/null
    printf '%s\n' "subjectAltName=$names" "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$state/server.ext"
    openssl x509 -req -in "$state/server.csr" -CA "$state/ca.crt" -CAkey "$state/ca.key" -CAcreateserial \
        -days 30 -extfile "$state/server.ext" -out "$state/server.crt" 2>/dev/null
    rm -f "$state/server.csr" "$state/ca.srl"
    chown "$service_user" "$state/server.key"
    chmod 0400 "$state/server.key" "$state/ca.key"
    chmod 0711 "$state"   # the service user reads its key and certificate, lists nothing

    mkdir -p "$(dirname "$ca_link")"
    rec trust "$ca_link"
    install -m 0644 "$state/ca.crt" "$ca_link"
    update-ca-certificates >/dev/null 2>&1

    # Under $state it goes with it; elsewhere it is the caller's cache, never removed here.
    mkdir -p "$storage"
    chown -R "$service_user:" "$storage"

    cat >"$state/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: :443
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $state/server.crt
    key: $state/server.key
EOF
    chown "$service_user" "$state/config.yml"
    chmod 0400 "$state/config.yml"
    chmod 0644 "$state/server.crt" "$state/ca.crt"

    rec hosts /etc/hosts
    echo "$hosts_line" >>/etc/hosts

    rec process "$binary"
    # setsid: out of the caller's process group (a ^C of the tests must not kill it half-way).
    setsid setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
        --inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
        "$binary" serve "$state/config.yml" </dev/null >"$state/registry.log" 2>&1 &
    echo $! >"$state/pid"
    for _ in $(seq 100); do
        if answers; then
            log "up: https://$host/v2/ on port 443 (storage $storage)"
            return 0
        fi
        our_pid >/dev/null || break
        sleep 0.1
    done
    log "the registry does not answer on https://$host/v2/; its log:"
    tail -n 20 "$state/registry.log" >&2 || true
    down
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "run as root"
case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) log "usage: $0 up|down|status"; exit 2 ;;
esac
