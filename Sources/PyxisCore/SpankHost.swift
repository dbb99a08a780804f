/// Which Slurm program the plugin is running in (`spank_context()`).
public enum SpankContext: Sendable {
    /// `srun`
    case local
    /// `slurmstepd`, running the job's tasks
    case remote
    /// `sbatch` or `salloc`
    case allocator
    /// `slurmd`
    case slurmd
    /// prolog/epilog
    case jobScript
    case unknown
}

public enum LogLevel: Sendable {
    /// Shown to the user; makes the failure clear.
    case error
    /// Shown to the user at the default verbosity (warnings).
    case info
    /// Shown with `srun -v`.
    case verbose
}

/// What the plugin needs from Slurm. The real one wraps `spank_*`/`slurm_*` through the C
/// shim; unit tests use a fake, so the logic above it runs without Slurm.
public protocol SpankHost: AnyObject {
    var context: SpankContext { get }
    /// A variable of the job's environment (`spank_getenv`, in slurmstepd).
    func jobEnvironment(_ name: String) -> String?
    /// A variable of this process's environment (`getenv`, in srun/sbatch/salloc).
    func processEnvironment(_ name: String) -> String?
    /// Prints a message; the host adds the `pyxis: ` prefix.
    func log(_ level: LogLevel, _ message: String)
    /// The running Slurm's release (`S_SLURM_VERSION`), nil when Slurm does not say.
    var slurmRelease: BatchExport.Release? { get }
    /// Whether this process is `sbatch` (the allocator context is sbatch or salloc).
    var isBatchSubmission: Bool { get }
}

extension SpankHost {
    public var slurmRelease: BatchExport.Release? { nil }
    public var isBatchSubmission: Bool { false }
}

/// What `stat` (following symlinks, as a bind mount would) says of a path.
public enum PathStatus: Equatable, Sendable {
    case exists
    /// `ENOENT` or `ENOTDIR`.
    case missing
    /// Any other error (`EACCES` on a root-squashed NFS home, say), as `strerror` words it:
    /// the path may well exist for the job's user.
    case unknown(String)
}

/// What the plugin needs from the node's operating system.
public protocol NodeSystem: AnyObject {
    func pathStatus(_ path: String) -> PathStatus
    /// Creates the last component of `path` (mode 0755, owned by root), or checks that an
    /// existing one is a real directory and not a symlink.
    func createRuntimeDirectory(_ path: String) throws(PyxisError)
}
