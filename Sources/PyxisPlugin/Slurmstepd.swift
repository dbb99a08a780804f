import Glibc
import PyxisCore
import PyxisLifecycle
import PyxisSystem

/// The slurmstepd side of a container step: the callbacks Slurm calls there, mapped to the
/// lifecycle (docs/design.md, "Processes and callbacks"). Slurm calls every callback from one
/// thread, before the tasks fork, so the unsynchronised state here is safe.
enum Slurmstepd {
    static let version = "0.1.0"

    /// Made in post_opt; the lifecycle joins it in user_init once the tasks' page exists.
    nonisolated(unsafe) private static var context: StepContext?
    nonisolated(unsafe) private static var lifecycle: StepLifecycle?
    /// A failure before the tasks exist, reported from task_init where the user sees it.
    nonisolated(unsafe) private static var earlyError: LifecycleError?

    /// post_opt (root): read the step, create the user's runtime directory.
    static func postOptions(host: SlurmHost, config: PluginConfig, options: ContainerOptions) {
        guard let job = host.job() else {
            earlyError = LifecycleError("couldn't get job ID: Slurm did not give the job's user and ids")
            return
        }
        let step = StepInfo(
            uid: job.uid, gid: job.gid, groups: host.supplementaryGroups(), jobID: job.jobID, stepID: job.stepID,
            localTaskCount: job.localTaskCount, totalTaskCount: job.totalTaskCount,
            workingDirectory: host.jobEnvironment("PWD"),
            privileged: StepInfo.isPrivileged(uid: job.uid, allowSuperuser: host.jobEnvironment("ENROOT_ALLOW_SUPERUSER")))
        host.userIsVerbose = (host.jobEnvironment("SRUN_DEBUG").flatMap { Int($0) } ?? 0) >= 4
        var config = config
        if config.imageCache != nil || config.imageCacheUser, config.imageCacheCommand == nil {
            config.imageCacheCommand = PluginFiles.imageCacheCommand
        }
        let made = StepContext(host: host, config: config, options: options, step: step,
                               batchScript: step.isBatchStep ? host.argv().first : nil)
        do {
            try RuntimeDirectory.create(made.runtimeDirectory, uid: step.uid, gid: step.gid)
            context = made
        } catch {
            earlyError = LifecycleError(error.operation == "chown"
                ? "couldn't chown \(made.runtimeDirectory): \(error.reason) (to uid \(step.uid))"
                : "couldn't mkdir \(made.runtimeDirectory): \(error.reason) (the user's runtime directory: is runtime_path a directory slurmd created, and no symlink?)")
        }
    }

    /// user_init, before the tasks fork: the page they share.
    static func userInit() {
        guard let context, earlyError == nil, lifecycle == nil else { return }
        do {
            lifecycle = StepLifecycle(context: context, rendezvous: try SharedPage()) { () throws(LifecycleError) in
                try StepTools.onThisNode(context, version: version)
            }
        } catch {
            earlyError = LifecycleError("could not allocate memory: \(error.description)")
        }
    }

    /// task_init, in each task.
    static func taskInit(host: SlurmHost) -> Int32 {
        if let earlyError {
            earlyError.report(to: host)
            return -1
        }
        guard let lifecycle else {
            // Options say "container", but user_init made no lifecycle: never run on the host.
            guard context == nil else {
                host.log(.error, "couldn't start container: the tasks' shared state is missing (user_init did not run)")
                return -1
            }
            return 0
        }
        let status = lifecycle.taskInit()
        if let end = lifecycle.endTask {
            // A dry run: the task ends here, before Slurm would exec its command.
            _exit(end)
        }
        return status
    }

    static func taskExit() { lifecycle?.taskExit() }

    static func exit() { lifecycle?.finish() }
}
