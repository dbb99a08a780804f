// 50-slurm-pytorch: PyTorch distributed variables (and the site's own rules) from Slurm's.
import EnvRemap
import HookSupport

enum PyTorchHook {
    static func run(_ hook: Hook) throws(HookFailure) {
        let config = try hook.config()
        guard config.pytorch.enabled || !config.rules.isEmpty else { return }
        let container = try hook.containerEnvironment()
        var variables: [Variable]
        do throws(RemapError) {
            variables = try PyTorchRemap.additions(
                slurm: hook.process, container: container, scope: .node, settings: config.pytorch)
        } catch {
            throw HookFailure(error.description)
        }
        variables += SiteRules.additions(config.rules, process: hook.process, container: container, added: variables)
        try hook.write(HookPlan(variables: variables))
    }
}
