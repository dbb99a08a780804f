import PyxisCore
import PyxisSystem

/// What slurmstepd's `spank_t` tells about the step, beyond what the lifecycle needs.
public protocol SlurmstepdHost: StepHost {
    /// The step's user, ids and task counts; nil when Slurm does not say.
    func job() -> StepJob?
    /// The job's supplementary groups.
    func supplementaryGroups() -> [UInt32]
    /// The step's argv (for the batch step, argv[0] is the script).
    func argv() -> [String]
    /// `srun -v`: verbose messages reach the user.
    var userIsVerbose: Bool { get set }
}

/// The step's identity as slurmstepd gives it (`S_JOB_UID`, `S_JOB_ID`, ...).
public struct StepJob: Equatable, Sendable {
    public var uid: UInt32, gid: UInt32, jobID: UInt32, stepID: UInt32
    public var localTaskCount: Int, totalTaskCount: Int

    public init(uid: UInt32, gid: UInt32, jobID: UInt32, stepID: UInt32, localTaskCount: Int, totalTaskCount: Int) {
        (self.uid, self.gid, self.jobID, self.stepID) = (uid, gid, jobID, stepID)
        (self.localTaskCount, self.totalTaskCount) = (localTaskCount, totalTaskCount)
    }
}

/// The slurmstepd side of a container step: the callbacks Slurm calls there, mapped to the
/// lifecycle (docs/design.md, "Processes and callbacks"). Slurm calls every callback from one
/// thread, before the tasks fork, so its state needs no lock. A failure before the tasks exist
/// goes to the process's one `DeferredFailure`, which task_init reports.
public final class SlurmstepdStep {
    /// What the callbacks do to the node, replaceable in tests.
    public struct Node {
        public var createRuntimeDirectory: (_ path: String, _ uid: UInt32, _ gid: UInt32) throws(SystemError) -> Void
        public var makeRendezvous: () throws(SystemError) -> TaskRendezvous
        public var makeTools: (StepContext) throws(LifecycleError) -> StepTools
        /// Ends the task before Slurm execs its command (a dry run).
        public var endTask: (Int32) -> Void

        public init(createRuntimeDirectory: @escaping (String, UInt32, UInt32) throws(SystemError) -> Void,
                    makeRendezvous: @escaping () throws(SystemError) -> TaskRendezvous,
                    makeTools: @escaping (StepContext) throws(LifecycleError) -> StepTools,
                    endTask: @escaping (Int32) -> Void) {
            self.createRuntimeDirectory = createRuntimeDirectory
            self.makeRendezvous = makeRendezvous
            self.makeTools = makeTools
            self.endTask = endTask
        }
    }

    let host: SlurmstepdHost
    let deferred: DeferredFailure
    let node: Node
    /// Made in post_opt; the lifecycle joins it in user_init once the tasks' page exists.
    public private(set) var context: StepContext?
    public private(set) var lifecycle: StepLifecycle?

    public init(host: SlurmstepdHost, deferred: DeferredFailure, node: Node) {
        self.host = host
        self.deferred = deferred
        self.node = node
    }

    /// post_opt (root): read the step, create the user's runtime directory.
    /// `imageCacheCommand`: the command the cache uses when the plugstack line names none.
    public func postOptions(config: PluginConfig, options: ContainerOptions, imageCacheCommand: String?) {
        guard let job = host.job() else {
            keep(LifecycleError("couldn't get job ID: Slurm did not give the job's user and ids"))
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
            config.imageCacheCommand = imageCacheCommand
        }
        let made = StepContext(host: host, config: config, options: options, step: step,
                               batchScript: step.isBatchStep ? host.argv().first : nil)
        do {
            try node.createRuntimeDirectory(made.runtimeDirectory, step.uid, step.gid)
            context = made
        } catch {
            keep(LifecycleError(error.operation == "chown"
                ? "couldn't chown \(made.runtimeDirectory): \(error.reason) (to uid \(step.uid))"
                : "couldn't mkdir \(made.runtimeDirectory): \(error.reason) (the user's runtime directory: is runtime_path a directory slurmd created, and no symlink?)"))
        }
    }

    /// user_init, before the tasks fork: the page they share.
    public func userInit() {
        guard let context, deferred.isEmpty, lifecycle == nil else { return }
        do {
            let makeTools = node.makeTools
            lifecycle = StepLifecycle(context: context, rendezvous: try node.makeRendezvous()) { () throws(LifecycleError) in
                try makeTools(context)
            }
        } catch {
            keep(LifecycleError("could not allocate memory: \(error.description)"))
        }
    }

    /// task_init, in each task: 0, or -1 after saying why.
    public func taskInit() -> Int32 {
        if deferred.report(host.log) { return -1 }
        guard let lifecycle else {
            // Options say "container", but user_init made no lifecycle: never run on the host.
            guard context == nil else {
                host.log(.error, "couldn't start container: the tasks' shared state is missing (user_init did not run)")
                return -1
            }
            return 0
        }
        let status = lifecycle.taskInit()
        // A dry run: the task ends here, before Slurm would exec its command.
        if let end = lifecycle.endTask { node.endTask(end) }
        return status
    }

    public func taskExit() { lifecycle?.taskExit() }

    public func exit() { lifecycle?.finish() }

    /// Kept for task_init, which reports it where the user sees it.
    private func keep(_ error: LifecycleError) { deferred.record(error.lines) }
}

extension SlurmstepdStep.Node {
    /// The real node: RuntimeDirectory, the shared page, enroot and the tools found here.
    public static func onThisNode(version: String, endTask: @escaping (Int32) -> Void) -> Self {
        Self(createRuntimeDirectory: { (path, uid, gid) throws(SystemError) in try RuntimeDirectory.create(path, uid: uid, gid: gid) },
             makeRendezvous: { () throws(SystemError) -> TaskRendezvous in try SharedPage() },
             makeTools: { (context) throws(LifecycleError) in try StepTools.onThisNode(context, version: version) },
             endTask: endTask)
    }
}
