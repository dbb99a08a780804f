import PyxisCore
import PyxisSystem

/// What the container lifecycle needs from Slurm in slurmstepd. The plugin's `SlurmHost` wraps
/// `spank_*`; unit tests use a fake.
public protocol StepHost: AnyObject {
    /// Prints a message; the host adds the `pyxis: ` prefix. In slurmstepd `.error` and `.info`
    /// reach the user, `.verbose` only with `srun -v`.
    func log(_ level: LogLevel, _ message: String)
    /// `slurm_spank_log`: a line the user sees that is not an error (`importing docker image`).
    func notice(_ message: String)
    /// A variable of the job's environment.
    func jobEnvironment(_ name: String) -> String?
    /// The job's environment, in order.
    func jobEnvironmentList() -> [(String, String)]
    /// Changes to the environment the task will exec with.
    func setTaskEnvironment(_ name: String, _ value: String) -> Bool
    func unsetTaskEnvironment(_ name: String) -> Bool
}

extension StepHost {
    /// `pyxis: timing: PHASE MS ms` for `-v` (what bench/lifecycle.sh reads).
    func timing(_ phase: String, since start: Double) {
        log(.verbose, "timing: \(phase) \(Self.format(MonotonicClock.milliseconds() - start)) ms")
    }

    static func format(_ milliseconds: Double) -> String { formatMilliseconds(milliseconds) }
}

/// `12.3`: milliseconds to a tenth, for `-v`.
func formatMilliseconds(_ milliseconds: Double) -> String {
    let tenths = Int((milliseconds * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}
