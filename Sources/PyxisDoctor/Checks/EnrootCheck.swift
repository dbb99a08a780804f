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
        public var path: String?
        public var version: String?
        public var installation: EnrootInstallation
        /// `ENROOT_*` settings of enroot.conf and enroot.conf.d/*.conf.
        public var configured: [String: String]

        public init(searchPath: String, path: String? = nil, version: String? = nil,
                    installation: EnrootInstallation = EnrootInstallation(), configured: [String: String] = [:]) {
            self.searchPath = searchPath
            self.path = path
            self.version = version
            self.installation = installation
            self.configured = configured
        }

        /// enroot's start path on a squashfs file uses the kernel's overlayfs (no fuse-overlayfs).
        public var nativeOverlay: Bool {
            installation.isEnabled("ENROOT_NATIVE_OVERLAYFS", environment: nil, configured: configured)
        }
    }

    /// `configDirectory` replaces the directory enroot's script names (`--enroot-config-dir`).
    public static func gather(_ node: NodeProbe, searchPath: String, configDirectory: String?) -> Facts {
        var facts = Facts(searchPath: searchPath)
        guard let path = node.findExecutable("enroot", in: searchPath) else { return facts }
        facts.path = path
        let site = EnrootSite.read(enroot: path, probe: node, configDirectory: configDirectory)
        facts.installation = site.installation
        facts.version = site.version
        facts.configured = site.configured
        return facts
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        guard let path = facts.path else {
            return .failure(name, "no enroot in slurmstepd's PATH (\(facts.searchPath))",
                            fix: "install enroot (https://github.com/NVIDIA/enroot), or link it into /usr/local/bin")
        }
        let features = facts.installation.supportsUnshare ? "fstab escapes and unshare" : "no fstab escapes, no unshare"
        guard let version = facts.version else {
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
