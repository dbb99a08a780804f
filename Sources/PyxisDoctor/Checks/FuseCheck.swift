#if canImport(Glibc)
import Glibc
#endif
import PyxisCore

/// The fast path (`use_squashfuse`): `enroot start FILE` mounts the squashfs file with
/// squashfuse (or squashfuse_ll) through /dev/fuse, under fuse-overlayfs unless enroot uses the
/// kernel's overlayfs. The plugin's `auto` takes it only when all of that is there
/// (`PosixStepNode.squashfuseSupport`); `1` takes it always.
public enum FuseCheck {
    public static let name = "fuse"
    public static let device = "/dev/fuse"

    public struct Facts: Equatable, Sendable {
        public var mode: PluginConfig.SquashfuseMode
        public var user: DoctorUser
        public var device: FileInfo?
        /// errno of opening /dev/fuse read-write as the user (nil: it opened).
        public var openErrno: Int32?
        public var squashfuse: String?
        public var fuseOverlayfs: String?
        public var nativeOverlay: Bool

        public init(mode: PluginConfig.SquashfuseMode, user: DoctorUser, device: FileInfo?, openErrno: Int32? = nil,
                    squashfuse: String? = nil, fuseOverlayfs: String? = nil, nativeOverlay: Bool = true) {
            self.mode = mode
            self.user = user
            self.device = device
            self.openErrno = openErrno
            self.squashfuse = squashfuse
            self.fuseOverlayfs = fuseOverlayfs
            self.nativeOverlay = nativeOverlay
        }
    }

    public static func gather(_ node: NodeProbe, mode: PluginConfig.SquashfuseMode, user: DoctorUser, trial: UserTrial,
                              searchPath: String, nativeOverlay: Bool) -> Facts {
        Facts(mode: mode, user: user, device: node.info(device), openErrno: trial.unavailable == nil ? trial.fuseErrno : EACCES,
              squashfuse: node.findExecutable("squashfuse", in: searchPath) ?? node.findExecutable("squashfuse_ll", in: searchPath),
              fuseOverlayfs: node.findExecutable("fuse-overlayfs", in: searchPath), nativeOverlay: nativeOverlay)
    }

    /// What stands in the way of the fast path, each with its fix.
    static func problems(_ facts: Facts) -> [(problem: String, fix: String)] {
        var found: [(String, String)] = []
        if facts.device == nil {
            found.append(("\(device) does not exist", "modprobe fuse"))
        } else if facts.device?.kind != .characterDevice {
            found.append(("\(device) is not a character device", "rm \(device); modprobe fuse"))
        } else if let code = facts.openErrno {
            found.append(("\(facts.user.described) cannot open \(device): \(describeErrno(code))",
                          "chmod 0666 \(device) (what the fuse package's udev rule does)"))
        }
        if facts.squashfuse == nil {
            found.append(("squashfuse is not installed", "apt-get install squashfuse"))
        }
        if !facts.nativeOverlay, facts.fuseOverlayfs == nil {
            found.append(("fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off", "apt-get install fuse-overlayfs"))
        }
        return found
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let found = problems(facts)
        if facts.mode == .off {
            return .ok(name, "use_squashfuse=0: containers are always created with enroot create")
        }
        guard !found.isEmpty else {
            let overlay = facts.nativeOverlay ? "kernel overlayfs" : facts.fuseOverlayfs ?? "fuse-overlayfs"
            return .ok(name, "fast path ready: \(device) usable by \(facts.user.described), \(facts.squashfuse ?? "squashfuse"), \(overlay)\(facts.user.standInNote)")
        }
        let problems = found.map(\.problem).joined(separator: "; ")
        let fixes = found.map(\.fix).joined(separator: "; ")
        if facts.mode == .on {
            return .failure(name, "use_squashfuse=1 starts every temporary container from its squashfs file, which fails here: \(problems)", fix: fixes)
        }
        return .warning(name, "use_squashfuse=auto takes the slower enroot create path: \(problems)", fix: fixes)
    }
}
