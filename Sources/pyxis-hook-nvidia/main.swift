// enroot hook: GPUs. Decides natively that NVIDIA_VISIBLE_DEVICES asks for none (CPU nodes and
// steps) and otherwise runs enroot's own 98-nvidia.sh (nvidia-container-cli). Installed as
// hooks.d/98-nvidia.sh.
import HookSupport

Hook.main("nvidia") { hook throws(HookFailure) in
    try hook.runVisibleDevices(.nvidia, script: "98-nvidia.sh")
}
