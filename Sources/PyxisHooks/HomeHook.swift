// 10-home: bind the user's home and set HOME (ENROOT_MOUNT_HOME).
import EnvRemap
import HookSupport

enum HomeHook {
    static func run(_ hook: Hook) throws(HookFailure) {
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
}
