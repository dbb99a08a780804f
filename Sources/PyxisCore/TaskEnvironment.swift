import EnvRemap

/// How a task's environment changes when it joins the container (docs/design.md, "Joining"): the host's locale
/// variables go (they name locales the image may not have), the container process's variables
/// come in, except those the user pinned with `--container-env` and set on the host and those
/// that say which task this is, and PyTorch images get the per-task `RANK`/`LOCAL_RANK`.
public struct TaskEnvironmentChanges: Equatable, Sendable {
    public var unset: [String] = []
    public var set: [Variable] = []

    public static let localeVariables = ["LANG", "LANGUAGE", "LC_ALL"]
    /// What Slurm and its MPI plugins set differently in each task. The container process is
    /// one per node: its values are at best another task's (a hook or an image may set them), so
    /// a task that has its own keeps them, or an MPI rank would take another's identity.
    public static let taskIdentity = [
        "SLURM_PROCID", "SLURM_LOCALID", "SLURM_TASK_PID", "PMIX_RANK", "PMI_RANK", "PMI_FD",
    ]

    /// - Parameters:
    ///   - container: the environment of the container process (`/proc/<pid>/environ`).
    ///   - task: the task's environment (for `SLURM_PROCID`, `SLURM_LOCALID`, `SLURM_JOB_ID`).
    ///   - pinned: the `--container-env` names.
    public static func compute(
        container: Environment, task: Environment, pinned: [String], pytorch: PyTorchSettings = PyTorchSettings()
    ) throws(PyxisError) -> TaskEnvironmentChanges {
        var changes = TaskEnvironmentChanges()
        let pinnedSet = Set(pinned)
        for name in localeVariables where !pinnedSet.contains(name) && !container.contains(name) {
            changes.unset.append(name)
        }
        // A pinned name keeps the task's value; when the task has none, the image's value
        // stays (as pyxis does, with spank_setenv's no-overwrite mode). So does a task's identity.
        let kept = pinnedSet.union(taskIdentity)
        for variable in container.variables where !kept.contains(variable.name) || !task.contains(variable.name) {
            changes.set.append(variable)
        }
        do {
            changes.set += try PyTorchRemap.additions(slurm: task, container: container, scope: .task, settings: pytorch)
        } catch {
            throw PyxisError("cannot set the PyTorch variables of this task: \(error.description)")
        }
        return changes
    }
}
