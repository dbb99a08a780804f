import PyxisCore

/// Runs every check in order, feeding the later ones what the earlier found (the plugstack's
/// plugin file and settings, enroot's configuration directory).
public struct Doctor {
    public struct Settings: Equatable, Sendable {
        /// slurm.conf, and the plugstack file when given (else slurm.conf's PlugStackConfig).
        public var slurmConf: String
        public var plugstack: String?
        /// slurmstepd's PATH: where the plugin finds enroot and the FUSE tools.
        public var searchPath: String
        public var enrootConfigDirectory: String?

        public init(slurmConf: String, plugstack: String? = nil, searchPath: String, enrootConfigDirectory: String? = nil) {
            self.slurmConf = slurmConf
            self.plugstack = plugstack
            self.searchPath = searchPath
            self.enrootConfigDirectory = enrootConfigDirectory
        }
    }

    public let node: NodeProbe
    public let settings: Settings
    public let user: DoctorUser

    public init(node: NodeProbe, settings: Settings, user: DoctorUser) {
        self.node = node
        self.settings = settings
        self.user = user
    }

    public func run() -> [CheckResult] {
        let slurmConf = SlurmConf(text: node.readText(settings.slurmConf), path: settings.slurmConf)
        let plugstack = PlugstackCheck.gather(node, file: settings.plugstack ?? slurmConf.plugstack,
                                              pluginDirectories: slurmConf.pluginDirectories)
        let config = PlugstackCheck.config(plugstack)
        let enroot = EnrootCheck.gather(node, searchPath: settings.searchPath, configDirectory: settings.enrootConfigDirectory)
        let trial = node.trial(as: user, fuseDevice: FuseCheck.device)
        return [
            SlurmVersionCheck.verdict(SlurmVersionCheck.gather(node, plugin: plugstack.pyxisPlugin, searchPath: settings.searchPath)),
            PlugstackCheck.verdict(plugstack),
            RuntimePathCheck.verdict(RuntimePathCheck.gather(node, path: config.runtimePath)),
            EnrootCheck.verdict(enroot),
            LoginShellCheck.verdict(LoginShellCheck.gather(user: user, enroot: enroot)),
            UserNamespaceCheck.verdict(UserNamespaceCheck.gather(node, user: user, trial: trial)),
            FuseCheck.verdict(FuseCheck.gather(node, mode: config.useSquashfuse, user: user, trial: trial,
                                               searchPath: settings.searchPath, nativeOverlay: enroot.nativeOverlay)),
            SeccompCheck.verdict(SeccompCheck.gather(node)),
            HooksCheck.verdict(HooksCheck.gather(node, enrootConfigDirectory: enroot.installation.sysconfDirectory,
                                                 plugin: plugstack.pyxisPlugin)),
            ImageCacheCheck.verdict(ImageCacheCheck.gather(node, config: config, user: user, plugin: plugstack.pyxisPlugin)),
        ]
    }
}
