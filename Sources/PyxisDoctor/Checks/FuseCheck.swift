#if canImport(Glibc)
import Glibc
#endif
import PyxisCore

/// The fast path (`use_squashfuse`): `enroot start FILE` mounts the squashfs file with
/// squashfuse (or squashfuse_ll) through /dev/fuse, under fuse-overlayfs unless enroot uses the
/// kernel's overlayfs. The plugin's `auto` takes it only when all of that is there; both ask
/// `ContainerPlan.SquashfuseSupport.judge`. `1` takes it always.
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

    /// What stands in the way of the fast path, each with its fix: the plugin's rule, with what
    /// the doctor can tell of /dev/fuse.
    static func problems(_ facts: Facts) -> [(problem: String, fix: String)] {
        var device: ContainerPlan.SquashfuseSupport.Problem?
        if facts.device == nil {
            device = .init("\(self.device) does not exist", fix: "modprobe fuse")
        } else if facts.device?.kind != .characterDevice {
            device = .init("\(self.device) is not a character device", fix: "rm \(self.device); modprobe fuse")
        } else if let code = facts.openErrno {
            device = .init("\(facts.user.described) cannot open \(self.device): \(describeErrno(code))",
                           fix: "chmod 0666 \(self.device) (what the fuse package's udev rule does)")
        }
        return ContainerPlan.SquashfuseSupport.judge(device: device, squashfuse: facts.squashfuse,
                                                     fuseOverlayfs: facts.fuseOverlayfs, nativeOverlay: facts.nativeOverlay)
            .problems.map { ($0.text, $0.fix) }
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
