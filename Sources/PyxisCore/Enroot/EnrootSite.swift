/// The read-only look at a node's files that `EnrootSite` is built over: the plugin's, the
/// doctor's (`NodeProbe`, which can read under another root) and the cache command's.
public protocol EnrootProbe {
    /// A file's text, nil when it cannot be read.
    func readText(_ path: String) -> String?
    /// A directory's entry names (empty when it cannot be read).
    func entries(of directory: String) -> [String]
}

/// A node's enroot as every part of swift-pyxis asks about it: the installation its script
/// describes, what `enroot.conf` and `enroot.conf.d/*.conf` assign, which of enroot's switches
/// are on, and the hook and configuration directories enroot will use. Read in one place
/// (`read(enroot:probe:)`), by the lifecycle, the dry run, the doctor and `pyxis-image-cache`.
public struct EnrootSite: Equatable, Sendable {
    /// The `enroot` script's path.
    public var enroot: String
    public var installation: EnrootInstallation
    /// Every assignment of the configuration files, whatever the name (enroot exports proxies
    /// and `SSL_CERT_*` too), the first of each name in enroot's order.
    public var assignments: [String: String]

    public init(enroot: String, installation: EnrootInstallation = EnrootInstallation(), assignments: [String: String] = [:]) {
        self.enroot = enroot
        self.installation = installation
        self.assignments = assignments
    }

    /// The site of the script at `enroot`; `configDirectory` replaces the directory the script
    /// names (the doctor's `--enroot-config-dir`). A script that cannot be read is enroot's
    /// defaults (`/etc/enroot`, nothing configured).
    public static func read(enroot: String, probe: some EnrootProbe, configDirectory: String? = nil) -> EnrootSite {
        var installation = probe.readText(enroot).map(EnrootInstallation.init(script:)) ?? EnrootInstallation()
        if let configDirectory { installation.sysconfDirectory = configDirectory }
        let assignments = installation.configuredAssignments(
            listing: { probe.entries(of: $0) }, read: { probe.readText($0) })
        return EnrootSite(enroot: enroot, installation: installation, assignments: assignments)
    }

    /// The `ENROOT_*` settings of the configuration files.
    public var configured: [String: String] { assignments.filter { EnrootInstallation.isEnrootSetting($0.key) } }

    /// Whether enroot's switch `name` is on for an enroot started with `environment` (the
    /// value it gets from its environment, if any): enroot's own precedence.
    public func isEnabled(_ name: String, environment: String?) -> Bool {
        installation.isEnabled(name, environment: environment, configured: configured)
    }

    /// enroot's system hooks (`$ENROOT_SYSCONF_PATH/hooks.d` of the installation: the plugin
    /// never passes a job's `ENROOT_SYSCONF_PATH` on to enroot).
    public var systemHookDirectory: String { installation.sysconfDirectory + "/hooks.d" }

    /// The user's enroot configuration directory (`hooks.d`, `.credentials`) for a process with
    /// `environment`.
    public func userConfigDirectory(environment: (String) -> String?) -> String {
        EnrootInstallation.userConfigDirectory(environment: environment, configured: assignments)
    }

    /// enroot's `hook_dirs` before the start configuration's: the system's, then the user's.
    public func hookDirectories(environment: (String) -> String?) -> [String] {
        [systemHookDirectory, userConfigDirectory(environment: environment) + "/hooks.d"]
    }
}
