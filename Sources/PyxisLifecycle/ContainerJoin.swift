import EnvRemap
import PyxisCore
import PyxisSystem

/// Every task: take the container's environment, join its namespaces, change directory and
/// install the seccomp filter (docs/design.md, "Setting up").
struct ContainerJoin {
    /// How pyxis names each namespace kind in its messages.
    static let namespaceNames = ["user": "user", "cgroup": "cgroup", "mnt": "mount", "ipc": "IPC", "uts": "UTS", "net": "network"]

    let context: StepContext
    let node: ContainerProcesses

    /// Handles on the container process; taken while the process is sure to exist.
    func open(pid: Int32) throws(LifecycleError) -> JoinableContainer {
        do {
            return try node.openContainer(pid: pid)
        } catch {
            switch error {
            case .namespace(let kind, let failure):
                throw LifecycleError("unable to open \(Self.namespaceNames[kind] ?? kind) namespace file: \(failure.reason) (/proc/\(pid)/ns/\(kind))")
            case .workingDirectory(let failure):
                throw LifecycleError("couldn't get container directory: \(failure.reason) (/proc/\(pid)/cwd)")
            case .environment(let failure):
                throw LifecycleError("couldn't read /proc/\(pid)/environ: \(failure.reason)")
            }
        }
    }

    /// Environment, namespaces, working directory, seccomp — in that order: the environment
    /// is set through Slurm before the task leaves the host's namespaces.
    func enter(_ container: JoinableContainer) throws(LifecycleError) {
        try applyEnvironment(Environment(container.environment))
        let shared = container.sharedKinds()
        if let requested = context.options.unshare.first(where: { shared.contains($0.rawValue) }) {
            throw LifecycleError("error: --container-unshare=\(requested.rawValue) requested but the container is not in a separate \(Self.namespaceNames[requested.rawValue] ?? requested.rawValue) namespace")
        }
        do {
            try container.join(skipping: context.step.privileged ? ["user"] : [])
        } catch {
            if case .namespace(let kind, let failure) = error {
                throw LifecycleError("couldn't join \(Self.namespaceNames[kind] ?? kind) namespace: \(failure.reason)")
            }
            throw LifecycleError("couldn't join the container's namespaces")
        }
        do {
            try container.enterWorkingDirectory()
        } catch {
            throw LifecycleError("couldn't chdir to container cwd: \(error.reason)")
        }
        if let workdir = context.options.workdir {
            do {
                try node.changeDirectory(workdir)
            } catch {
                throw LifecycleError("couldn't chdir to \(workdir): \(error.reason) (--container-workdir, inside the container)")
            }
        }
        if !context.step.privileged {
            try node.installSeccompFilter()
        }
    }

    /// The container's variables into the task's environment (docs/design.md).
    private func applyEnvironment(_ container: Environment) throws(LifecycleError) {
        let host = context.host
        let changes: TaskEnvironmentChanges
        do {
            changes = try TaskEnvironmentChanges.compute(
                container: container, task: Environment(host.jobEnvironmentList()), pinned: context.options.environmentNames)
        } catch {
            throw LifecycleError(error)
        }
        for name in changes.unset {
            _ = host.unsetTaskEnvironment(name)   // a variable the task does not have is no failure
        }
        for variable in changes.set where !host.setTaskEnvironment(variable.name, variable.value) {
            throw LifecycleError("failed to set \(variable.name)")
        }
    }
}
