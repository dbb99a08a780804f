// 98-nvidia and 99-mellanox: decide natively that NVIDIA_VISIBLE_DEVICES or
// MELLANOX_VISIBLE_DEVICES asks for no device (CPU nodes and steps), and otherwise run enroot's
// own script (nvidia-container-cli, the InfiniBand devices).
import HookSupport

enum NvidiaHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        try hook.runVisibleDevices(.nvidia, script: "98-nvidia.sh")
    }
}

enum MellanoxHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        try hook.runVisibleDevices(.mellanox, script: "99-mellanox.sh")
    }
}
