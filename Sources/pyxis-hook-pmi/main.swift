// enroot hook: Slurm, PMIx and PMI variables (and the PMIx rendezvous directory) for MPI.
// Installed as hooks.d/50-slurm-pmi.sh.
import EnvRemap
import HookSupport

Hook.main("pmi") { hook throws(HookFailure) in
    let config = try hook.config()
    guard config.pmi.enabled, hook.process.contains("SLURM_JOB_ID") else { return }
    let container = try hook.containerEnvironment()
    let plan: HookPlan
    do throws(PlanError) {
        plan = try PMIRemap.plan(process: hook.process, container: container, settings: config.pmi)
    } catch {
        throw HookFailure(error.description)
    }
    try hook.write(plan)
}
