# The PyTorch remap (pyxis-hook-pytorch): RANK and LOCAL_RANK per task in PyTorch images
# (PYTORCH_VERSION in their environment), nothing in others.
# use_squashfuse: 0 auto
load helpers

# shellcheck disable=SC2016  # the container's shell expands it
ranks='echo "$SLURM_PROCID ${RANK-unset} ${LOCAL_RANK-unset}"'

setup_file() { plugstack; }
teardown() { sweep; }

@test "a PyTorch image, -n 4: RANK and LOCAL_RANK per task" {
    usrun -n 4 --container-image="$images/pytorch.sqsh" sh -c "$ranks"
    assert_success
    output=$(sort <<<"$output")
    assert_output_is $'0 0 0\n1 1 1\n2 2 2\n3 3 3'
    assert_nothing_left
}

@test "other images, -n 4: no RANK, no LOCAL_RANK" {
    usrun -n 4 --container-image="$images/busybox.sqsh" sh -c "$ranks"
    assert_success
    output=$(sort <<<"$output")
    assert_output_is $'0 unset unset\n1 unset unset\n2 unset unset\n3 unset unset'
    assert_nothing_left
}
