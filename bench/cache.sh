#!/usr/bin/env bash
# The image cache (docs/image-cache.md) on the test cluster: medians (ms) of a step with a
# registry image on 1 and 4 nodes (`-N N --ntasks-per-node=1 true`), without the cache (an
# import on every node, every step), with the cache on a miss (emptied before each step: one
# import for all nodes) and on a hit (the registry asked for the digest, or the tag's digest
# trusted: image_cache_tag_ttl), next to the same image as a squashfs file. The targets: a hit
# within 1.2x of the file, a miss no slower than without the cache plus 5%.
#
#   bench/cache.sh [RUNS]      (root, after make; RUNS >= 5, default 5)
#
# BENCH_URI / BENCH_IMAGE: another registry image and its squashfs file (default: the Debian
# test image, 80 MB as a squashfs file). Nodes share this machine's cores (bench/nodes.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
uri=${BENCH_URI:-$PYXIS_TEST_DEBIAN_URI}
image=${BENCH_IMAGE:-$PYXIS_TEST_IMAGES/debian.sqsh}
runs=${1:-5}
bench_setup "$runs"
cache_root=$PYXIS_TEST_WORK/home/bench-image-cache
empty_cache() { rm -rf "$cache_root"; }
trap 'empty_cache; rm -f "$bench_log"; "$cluster" down; fixture_teardown' EXIT

declare -A med
# The plugstack line without and with the cache (the runtime directory as cluster_of sets it).
without_cache() { "$cluster" plugstack "$plugin" runtime_path="$runtime"; }
with_cache() { "$cluster" plugstack "$plugin" runtime_path="$runtime" image_cache="$cache_root/%u" "$@"; }

for n in 1 4; do
    tasks=(-N "$n" --ntasks-per-node=1)
    runtime=/run/pyxis; [[ $n -gt 1 ]] || runtime=$PYXIS_TEST_WORK/runtime
    cluster_of "$n"
    # Without the cache and on a miss, interleaved: an import takes seconds here, and the
    # machine drifts by as much over a few minutes.
    plain=() miss=()
    without_cache; timed_srun "${tasks[@]}" --container-image="$uri" true >/dev/null
    for ((i = 0; i < runs; i++)); do
        without_cache
        plain+=("$(timed_srun "${tasks[@]}" --container-image="$uri" true)")
        with_cache; empty_cache
        miss+=("$(timed_srun "${tasks[@]}" --container-image="$uri" true)")
    done
    med[plain $n]=$(median "${plain[@]}") med[miss $n]=$(median "${miss[@]}")
    # The file, a hit and a hit with the tag trusted, interleaved too: the differences are tens
    # of milliseconds, less than the drift between one series and the next.
    file=() hit=() trusted=()
    timed_srun "${tasks[@]}" --container-image="$image" true >/dev/null
    for ((i = 0; i < runs; i++)); do
        without_cache
        file+=("$(timed_srun "${tasks[@]}" --container-image="$image" true)")
        with_cache
        hit+=("$(timed_srun "${tasks[@]}" --container-image="$uri" true)")
        with_cache image_cache_tag_ttl=3600
        trusted+=("$(timed_srun "${tasks[@]}" --container-image="$uri" true)")
    done
    med[file $n]=$(median "${file[@]}") med[hit $n]=$(median "${hit[@]}") med[trusted $n]=$(median "${trusted[@]}")
done

echo "registry image $uri, median of $runs (ms), one task per node, all nodes on this machine ($(nproc) cores)"
printf '%-44s%10s%10s\n' "" "1 node" "4 nodes"
for row in "file|squashfs file $(basename "$image")" "plain|registry image, no cache" \
           "miss|registry image, cache miss" "hit|registry image, cache hit" \
           "trusted|cache hit, tag trusted (image_cache_tag_ttl)"; do
    printf '%-44s%10s%10s\n' "${row#*|}" "${med[${row%%|*} 1]}" "${med[${row%%|*} 4]}"
done
for n in 1 4; do
    awk -v n="$n" -v hit="${med[hit $n]}" -v trusted="${med[trusted $n]}" -v file="${med[file $n]}" \
        -v miss="${med[miss $n]}" -v plain="${med[plain $n]}" 'BEGIN {
            printf "%d node(s): hit / file %.2fx, with the tag trusted %.2fx (target 1.2x); miss / no cache %.2fx (target 1.05x)\n",
                n, hit / file, trusted / file, miss / plain
        }'
done
