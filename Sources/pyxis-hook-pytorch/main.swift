// enroot hook: PyTorch distributed variables (and the site's own rules) from Slurm's.
// Installed as hooks.d/50-slurm-pytorch.sh.
import EnvRemap
import HookSupport

Hook.main("pytorch") { hook throws(HookFailure) in
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
