import PyxisCore
import PyxisSystem

/// One step's container on one node, over the tasks' rendezvous: the first task to take the
/// lock sets up (`ContainerSetup`), every task joins (`ContainerJoin`), and the end of the
/// step undoes what set-up recorded (`ContainerTeardown`).
public final class StepLifecycle {
    public let context: StepContext
    let rendezvous: TaskRendezvous
    /// The enroot, importer and node operations, made when a phase needs them: the first task
    /// makes them with the environment of task_init (which has PMIx's variables), the teardown
    /// with slurmstepd's.
    let makeTools: () throws(LifecycleError) -> StepTools
    private var exitedTasks = 0
    private var teardown = TeardownProgress.pending
    private enum TeardownProgress { case pending, interrupted, done }

    public init(context: StepContext, rendezvous: TaskRendezvous, makeTools: @escaping () throws(LifecycleError) -> StepTools) {
        self.context = context
        self.rendezvous = rendezvous
        self.makeTools = makeTools
    }

    /// Set by a dry run: the task must end now with this status, without running its command.
    public private(set) var endTask: Int32?

    /// task_init, in each task (as the job's user). 0, or -1 after reporting why.
    public func taskInit() -> Int32 {
        if context.options.dryRun { return dryRun() }
        do {
            try joinContainer()
            return 0
        } catch {
            error.report(to: context.host)
            return -1
        }
    }

    private func lock() throws(LifecycleError) -> SharedPage.LockOutcome {
        do {
            return try rendezvous.lock()
        } catch {
            throw LifecycleError("failed to acquire container setup lock: \(error.description)")
        }
    }

    private func joinContainer() throws(LifecycleError) {
        let outcome = try lock()
        var locked = true
        defer { if locked { rendezvous.unlock() } }
        if outcome == .previousHolderDied {
            throw LifecycleError("a previous task terminated unexpectedly during container setup; nothing was started")
        }
        var tools: StepTools?
        if rendezvous.state == .none {
            let start = MonotonicClock.milliseconds()
            do {
                let made = try makeTools()
                tools = made
                try ContainerSetup(context: context, tools: made, rendezvous: rendezvous).run()
                rendezvous.state = .ready
            } catch {
                rendezvous.state = .failed
                throw error
            }
            context.host.timing("total", since: start)
        }
        guard rendezvous.state == .ready else {
            // The task that tried has said why; one failure message per node is enough.
            throw LifecycleError("container was not started successfully by another task", level: .verbose)
        }
        let node: ContainerProcesses
        if let tools { node = tools.processes } else { node = try makeTools().processes }
        let join = ContainerJoin(context: context, node: node)
        let container = try join.open(pid: rendezvous.pid)
        rendezvous.arrived += 1
        if rendezvous.arrived == context.step.localTaskCount, rendezvous.needsContinue {
            // Every task holds the namespaces now: the stopped shell may exit.
            try? join.node.resume(pid: rendezvous.pid)
            rendezvous.needsContinue = false
        }
        rendezvous.unlock()
        locked = false

        try join.enter(container)
        _ = try? rendezvous.lock()
        rendezvous.started += 1
        rendezvous.unlock()
    }

    /// `--container-dry-run`: the node's first task prints the report; every task then ends
    /// (0, or 1 when the step would fail) without running its command.
    private func dryRun() -> Int32 {
        var first = false
        if (try? rendezvous.lock()) != nil {
            first = rendezvous.arrived == 0
            rendezvous.arrived += 1
            rendezvous.unlock()
        }
        var wouldStart = true
        if first {
            do {
                let (lines, started) = DryRun(context: context, tools: try makeTools()).report()
                for line in lines { context.host.notice(line) }
                wouldStart = started
            } catch {
                error.report(to: context.host)
                wouldStart = false
            }
        }
        endTask = wouldStart ? 0 : 1
        return 0
    }

    /// task_exit, in slurmstepd (root): the last task to end finishes the step.
    public func taskExit() {
        exitedTasks += 1
        if exitedTasks >= context.step.localTaskCount { finish() }
    }

    /// Export, end the container process, remove what set-up made: once, and once more for
    /// what a signal interrupted (see `ContainerTeardown`).
    public func finish() {
        guard teardown != .done, !context.options.dryRun else { return }
        let tools: StepTools
        do {
            tools = try makeTools()
        } catch {
            teardown = .done
            error.report(to: context.host)
            return
        }
        let resuming = teardown == .interrupted
        let complete = ContainerTeardown(context: context, tools: tools, rendezvous: rendezvous).run(resuming: resuming)
        teardown = complete || resuming ? .done : .interrupted
    }
}
