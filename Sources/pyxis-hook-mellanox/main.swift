// enroot hook: InfiniBand devices. Decides natively that MELLANOX_VISIBLE_DEVICES asks for none
// and otherwise runs enroot's own 99-mellanox.sh. Installed as hooks.d/99-mellanox.sh.
import HookSupport

Hook.main("mellanox") { hook throws(HookFailure) in
    try hook.runVisibleDevices(.mellanox, script: "99-mellanox.sh")
}
