#if canImport(Glibc)
import Glibc
#endif

/// Everything the doctor learns about the node goes through this protocol: the checks' verdicts
/// are pure functions of what it returns, and unit tests give a fake node. Paths are the node's
/// (`/etc/slurm/plugstack.conf`); `LiveNode` may read them under another root (`--root`).
public protocol NodeProbe {
    /// The text of a file, following symbolic links (nil when missing or unreadable).
    func readText(_ path: String) -> String?
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

/// The file facts the checks use.
public struct FileInfo: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case directory, regular, symlink, characterDevice, other
    }

    public var kind: Kind
    public var uid: UInt32
    public var gid: UInt32
    /// Permission bits, with setuid, setgid and sticky (`& 0o7777`).
    public var mode: UInt32

    public init(_ kind: Kind, uid: UInt32 = 0, gid: UInt32 = 0, mode: UInt32) {
        self.kind = kind
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }

    /// `0755`.
    public var octalMode: String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Whether `user` has all of `bits` (0o3: write and search) in the class that applies to
    /// them: owner, group or others.
    public func allows(_ user: DoctorUser, _ bits: UInt32) -> Bool {
        if user.uid == 0 { return true }
        let shift: UInt32 = uid == user.uid ? 6 : user.groups.contains(gid) || user.gid == gid ? 3 : 0
        return (mode >> shift) & bits == bits
    }
}

/// The user the checks are for.
public struct DoctorUser: Equatable, Sendable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]
    /// Root ran the doctor without `--user`: the user checks run as this unprivileged stand-in.
    public var isStandIn: Bool

    public init(name: String, uid: UInt32, gid: UInt32, groups: [UInt32] = [], isStandIn: Bool = false) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.isStandIn = isStandIn
    }

    /// `alice (uid 1000)`.
    public var described: String { "\(name) (uid \(uid))" }

    /// What a finding about the user adds when the user only stands in for the real ones.
    public var standInNote: String { isStandIn ? " [\(name) stands in for users: --user NAME checks one]" : "" }
}

/// What `cdoctor_try_as_user` reported; nil errno means the step worked.
public struct UserTrial: Equatable, Sendable {
    public enum NamespaceStep: Int, Equatable, Sendable {
        case userNamespace = 1, idMaps = 2, mountNamespace = 3
    }

    /// The trial could not run at all (fork failed, or the child could not become the user).
    public var unavailable: String?
    public var fuseErrno: Int32?
    public var failedStep: NamespaceStep?
    public var namespaceErrno: Int32?

    public init(unavailable: String? = nil, fuseErrno: Int32? = nil, failedStep: NamespaceStep? = nil, namespaceErrno: Int32? = nil) {
        self.unavailable = unavailable
        self.fuseErrno = fuseErrno
        self.failedStep = failedStep
        self.namespaceErrno = namespaceErrno
    }
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

/// Path arithmetic on strings (no file system).
public enum Paths {
    /// `/a/b/c` → `/a/b`; `/a` → `/`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `/a/b/c` → `c`.
    public static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Removes `.`, empty components and `..` (lexically, as the links' targets are written).
    public static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}

/// The text of an errno, for findings (`Operation not permitted`).
func describeErrno(_ code: Int32) -> String {
    String(cString: strerror(code))
}
