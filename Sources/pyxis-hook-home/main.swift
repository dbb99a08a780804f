// enroot hook: bind the user's home and set HOME (ENROOT_MOUNT_HOME).
// Installed as hooks.d/10-home.sh.
import EnvRemap
import HookSupport

Hook.main("home") { hook throws(HookFailure) in
    let config = try hook.config()
    let plan: HookPlan
    do throws(HomeError) {
        plan = try HomeRemap.plan(
            mountHome: hook.process["ENROOT_MOUNT_HOME"],
            remapRoot: hook.process["ENROOT_REMAP_ROOT"],
            home: { userHome(hook.process) },
            settings: config.home)
    } catch {
        throw HookFailure(error.description)
    }
    try hook.write(plan)
}
