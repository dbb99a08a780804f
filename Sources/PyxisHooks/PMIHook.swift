// 50-slurm-pmi: Slurm, PMIx and PMI variables (and the PMIx rendezvous directory) for MPI.
import EnvRemap
import HookSupport

enum PMIHook {
    static func run(_ hook: Hook) throws(HookFailure) {
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
}
