import PyxisCore
/// Everything the doctor learns about the node goes through this protocol: the checks' verdicts
/// are pure functions of what it returns, and unit tests give a fake node. Paths are the node's
/// (`/etc/slurm/plugstack.conf`); `LiveNode` may read them under another root (`--root`).
public protocol NodeProbe: EnrootProbe {
    /// The text of a file, following symbolic links (nil when missing or unreadable).
    func readText(_ path: String) -> String?
    /// The bytes of a file (at most 16 MiB), following symbolic links (nil when missing or unreadable).
    func readBytes(_ path: String) -> [UInt8]?
    /// What is at `path`, without following a final symbolic link (lstat).
    func info(_ path: String) -> FileInfo?
    /// The target of the symbolic link at `path`, as written.
    func linkTarget(_ path: String) -> String?
    /// The names in a directory, sorted (none when it cannot be read).
    func entries(of directory: String) -> [String]
    /// The paths matching a glob pattern, sorted, as Slurm expands `include`.
    func matches(_ pattern: String) -> [String]
    /// The output (stdout and stderr) of a command, or nil when it could not run.
    func run(_ path: String, _ arguments: [String]) -> String?
    /// What the user may do: open FUSE, make the namespaces enroot makes (`cdoctor_try_as_user`).
    func trial(as user: DoctorUser, fuseDevice: String) -> UserTrial
    /// errno of the seccomp filter probe (`cdoctor_seccomp_filter_errno`): EFAULT means supported.
    func seccompProbeErrno() -> Int32
}

extension NodeProbe {
    /// The file a path finally names, following symbolic links (relative targets from the
    /// link's directory); `exists` is false when the chain ends at nothing (a dangling link).
    public func resolve(_ path: String) -> (path: String, exists: Bool) {
        var current = path
        for _ in 0..<40 {
            guard let found = info(current) else { return (current, false) }
            guard found.kind == .symlink, let target = linkTarget(current) else { return (current, true) }
            current = target.hasPrefix("/") ? target : Paths.directory(of: current) + "/" + target
            current = Paths.normalized(current)
        }
        return (current, false)
    }

    /// Whether `path` leads to a regular file with an execute bit.
    public func isExecutable(_ path: String) -> Bool {
        let target = resolve(path)
        guard target.exists, let found = info(target.path) else { return false }
        return found.kind == .regular && found.mode & 0o111 != 0
    }

    /// The first executable `name` in the colon-separated `searchPath`.
    public func findExecutable(_ name: String, in searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }
}
