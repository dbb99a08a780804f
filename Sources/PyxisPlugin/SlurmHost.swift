import CSpank
import Glibc
import PyxisCore

/// `SpankHost` over the real Slurm, through the C shim.
final class SlurmHost: SpankHost {
    /// The `spank_t` of the callback being served (Slurm passes a new one to each).
    var handle: UnsafeMutableRawPointer?

    var context: SpankContext {
        switch cspank_context() {
        case 1: .local
        case 2: .remote
        case 3: .allocator
        case 4: .slurmd
        case 5: .jobScript
        default: .unknown
        }
    }

    func jobEnvironment(_ name: String) -> String? {
        guard let value = cspank_getenv(handle, name) else { return nil }
        defer { free(value) }
        return String(cString: value)
    }

    func processEnvironment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    var slurmRelease: BatchExport.Release? {
        cspank_slurm_version(handle).flatMap { BatchExport.Release(String(cString: $0)) }
    }

    var isBatchSubmission: Bool { String(cString: cspank_program()) == "sbatch" }

    /// In slurmstepd, `srun -v` (SRUN_DEBUG ≥ 4 in the job's environment): verbose messages
    /// go to the user too.
    var userIsVerbose = false

    /// The node a slurmstepd runs for: Slurm's name for it, or the host's.
    private lazy var nodeName: String? = jobEnvironment("SLURMD_NODENAME") ?? {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return nil }
        return String(cString: name).split(separator: ".").first.map(String.init)
    }()

    func log(_ level: LogLevel, _ message: String) {
        // slurm_info/slurm_verbose in slurmstepd only reach slurmd's log; slurm_spank_log
        // reaches the user's srun.
        let remote = cspank_context() == 2
        switch level {
        case .error: cspank_error(remote ? StepdErrorLine.text(message, node: nodeName, release: slurmRelease) : message)
        case .info: remote ? cspank_log(message) : cspank_info(message)
        case .verbose: remote && userIsVerbose ? cspank_log(message) : cspank_verbose(message)
        }
    }
}
