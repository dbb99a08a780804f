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
    /// The passwd entry's login shell (empty: /bin/sh).
    public var shell: String
    /// Root ran the doctor without `--user`: the user checks run as this unprivileged stand-in.
    public var isStandIn: Bool

    public init(name: String, uid: UInt32, gid: UInt32, groups: [UInt32] = [], shell: String = "/bin/bash", isStandIn: Bool = false) {
        self.name = name
        self.shell = shell
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
