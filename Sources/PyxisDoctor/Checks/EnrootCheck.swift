import EnvRemap
import PyxisCore

/// enroot is found in slurmstepd's PATH (the plugin looks it up there, never in the job's), is
/// 3.1 or later, and has (or lacks, a warning) the features of its main branch the plugin uses:
/// fstab escapes in mount entries and `ENROOT_UNSHARE_*`. Features and settings are read as the
/// plugin reads them (`EnrootSite`).
public enum EnrootCheck {
    public static let name = "enroot"
    static let minimum = [3, 1]

    public struct Facts: Equatable, Sendable {
        public var searchPath: String
        /// The enroot found in `searchPath` (nil: none).
        public var site: EnrootSite?

        public init(searchPath: String, site: EnrootSite? = nil) {
            self.searchPath = searchPath
            self.site = site
        }

        public var path: String? { site?.enroot }
        /// enroot's defaults (`/etc/enroot`, nothing on) when there is no enroot.
        public var installation: EnrootInstallation { site?.installation ?? EnrootInstallation() }

        /// Whether switch `name` is on for an enroot started without it in its environment.
        public func isEnabled(_ name: String) -> Bool { site?.isEnabled(name, environment: nil) ?? false }

        /// enroot's start path on a squashfs file uses the kernel's overlayfs (no fuse-overlayfs).
        public var nativeOverlay: Bool { isEnabled("ENROOT_NATIVE_OVERLAYFS") }
    }

    /// `configDirectory` replaces the directory enroot's script names (`--enroot-config-dir`).
    public static func gather(_ node: NodeProbe, searchPath: String, configDirectory: String?) -> Facts {
        guard let path = node.findExecutable("enroot", in: searchPath) else { return Facts(searchPath: searchPath) }
        return Facts(searchPath: searchPath, site: EnrootSite.read(enroot: path, probe: node, configDirectory: configDirectory))
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        guard let path = facts.path else {
            return .failure(name, "no enroot in slurmstepd's PATH (\(facts.searchPath))",
                            fix: "install enroot (https://github.com/NVIDIA/enroot), or link it into /usr/local/bin")
        }
        let features = facts.installation.supportsUnshare ? "fstab escapes and unshare" : "no fstab escapes, no unshare"
        guard let version = facts.installation.version else {
            return .warning(name, "\(path): not enroot's script, or its version cannot be read (ENROOT_VERSION)",
                            fix: "install enroot 3.1 or later from its packages or sources")
        }
        let found = "\(path) is enroot \(version) (config \(facts.installation.sysconfDirectory); \(features))"
        let numbers = version.split(separator: ".").map { Int($0.prefix(while: \.isNumber)) ?? 0 }
        guard !numbers.lexicographicallyPrecedes(minimum) else {
            return .failure(name, "\(found): pyxis needs enroot 3.1 or later", fix: "upgrade enroot")
        }
        guard facts.installation.supportsUnshare else {
            return .warning(name, "\(found): --container-unshare is refused, and mount paths with spaces, tabs or backslashes cannot be passed",
                            fix: "install enroot from its main branch (which has both) if users need them")
        }
        return .ok(name, found)
    }
}
