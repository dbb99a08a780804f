/// The first failure slurmstepd finds before the tasks exist (a bad option, a step it cannot
/// read, a runtime directory it cannot make), kept to be reported from task_init: Slurm shows
/// the user nothing of the earlier callbacks and ignores a failing option callback there, so
/// the step would otherwise run on the host. One store per process, shared by the option
/// handling (`Plugin`) and the container's callbacks (`SlurmstepdStep`); the first failure wins.
public final class DeferredFailure {
    /// The lines to log, with their level: the failure, and what explains it.
    public private(set) var lines: [(level: LogLevel, text: String)] = []

    public init() {}

    public var isEmpty: Bool { lines.isEmpty }

    public func record(_ lines: [(level: LogLevel, text: String)]) {
        if self.lines.isEmpty { self.lines = lines }
    }

    public func record(_ error: PyxisError) { record([(.error, error.message)]) }

    /// Logs the failure through `log`; false when there was none.
    public func report(_ log: (LogLevel, String) -> Void) -> Bool {
        for line in lines { log(line.level, line.text) }
        return !lines.isEmpty
    }
}
