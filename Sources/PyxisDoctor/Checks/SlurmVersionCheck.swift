/// Slurm refuses a SPANK plugin built for another major.minor release
/// (`Incompatible Slurm plugin version`), and then srun and slurmd fail: the plugstack line is
/// `required`. The micro release does not matter to Slurm.
///
/// The release pyxis was built for is the one in the installed plugin: the `plugin_version`
/// symbol of the spank_pyxis.so the plugstack line names (SPANK_PLUGIN in the front defines it
/// as the SLURM_VERSION_NUMBER of the headers it was compiled with), read from the file as Slurm
/// reads it (`ELFSymbol`), so that the doctor judges what Slurm will load, whichever release
/// the doctor itself was built with.
public enum SlurmVersionCheck {
    public static let name = "slurm"
    static let symbol = "plugin_version"

    public struct Facts: Equatable, Sendable {
        /// The plugin file the plugstack line names; nil when there is none (no line, or its
        /// file does not exist: the plugstack check says which).
        public var plugin: String?
        /// Its `plugin_version` (0xMMmmuu), or why it could not be read.
        public var built: Result<UInt32, ELFSymbol.Problem>?
        /// The command asked (`/usr/sbin/slurmd`) and what `-V` printed; nil when none was found.
        public var command: String?
        public var output: String?

        public init(plugin: String? = nil, built: Result<UInt32, ELFSymbol.Problem>? = nil, command: String? = nil, output: String? = nil) {
            self.plugin = plugin
            self.built = built
            self.command = command
            self.output = output
        }
    }

    /// The plugin's `plugin_version`, then slurmd on compute nodes; srun on login nodes (both
    /// print `slurm[-wlm] 22.05.8`).
    public static func gather(_ node: NodeProbe, plugin: String?, searchPath: String) -> Facts {
        var facts = Facts(plugin: plugin)
        if let plugin {
            if let bytes = node.readBytes(node.resolve(plugin).path) {
                facts.built = ELFSymbol.uint32(named: symbol, in: bytes)
            } else {
                facts.built = .failure(.init("cannot be read"))
            }
        }
        for name in ["slurmd", "srun"] {
            if let path = node.findExecutable(name, in: searchPath) {
                facts.command = path
                facts.output = node.run(path, ["-V"])
                break
            }
        }
        return facts
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let built: UInt32?
        if case .success(let version) = facts.built { built = version } else { built = nil }
        guard let command = facts.command else {
            let plugin = built.map { " (pyxis was built for Slurm \(describe($0)))" } ?? ""
            return .failure(name, "neither slurmd nor srun is in PATH\(plugin)",
                            fix: "install Slurm\(built.map { " " + series($0) } ?? "") (Debian: slurmd or slurm-client) or give --path")
        }
        guard let output = facts.output, let running = parse(output) else {
            let shown = (facts.output ?? "").split(separator: "\n").first.map(String.init) ?? ""
            return .failure(name, "cannot tell the Slurm version: `\(command) -V` printed '\(shown)' (expected 'slurm 22.05.8')",
                            fix: "check that \(command) runs")
        }
        guard let plugin = facts.plugin else {
            return .failure(name, "cannot tell which Slurm pyxis was built for: no plugin file to read (see the plugstack check); \(command) is \(describe(running))",
                            fix: "install pyxis built for Slurm \(series(running)) and load it in the plugstack")
        }
        guard let built else {
            var problem = "cannot be read"
            if case .failure(let found) = facts.built { problem = found.message }
            return .failure(name, "cannot tell which Slurm pyxis was built for: \(plugin) \(problem) (Slurm reads its \(symbol) symbol and refuses the plugin without one); \(command) is \(describe(running))",
                            fix: "reinstall pyxis built for Slurm \(series(running)) (make SLURM_PREFIX=<its prefix> && make install, or its package)")
        }
        if running & 0xffff00 != built & 0xffff00 {
            return .failure(name, "\(plugin): pyxis was built for Slurm \(describe(built)), \(command) is \(describe(running)): Slurm refuses the plugin (\"Incompatible Slurm plugin version\")",
                            fix: "rebuild pyxis against Slurm \(series(running))'s headers (libslurm-dev, or make SLURM_PREFIX=<its prefix>) and reinstall it")
        }
        let micro = running == built ? "" : " (same \(series(running)) series: Slurm loads it)"
        return .ok(name, "\(plugin): pyxis was built for Slurm \(describe(built)), \(command) is \(describe(running))\(micro)")
    }

    /// The version number in `slurm-wlm 22.05.8` or `slurm 23.11.4-1`: 0x160508.
    public static func parse(_ output: String) -> UInt32? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("slurm") }),
              let word = line.split(separator: " ").last else { return nil }
        let numbers = word.split(separator: "-").first?.split(separator: ".").map { UInt32($0) } ?? []
        guard numbers.count >= 2, let major = numbers[0], let minor = numbers[1], major < 256, minor < 256 else { return nil }
        let micro = numbers.count > 2 ? numbers[2] ?? 0 : 0
        return major << 16 | minor << 8 | min(micro, 255)
    }

    /// 0x160508 → `22.05.8`.
    public static func describe(_ version: UInt32) -> String {
        "\(series(version)).\(version & 0xff)"
    }

    /// 0x160508 → `22.05`.
    public static func series(_ version: UInt32) -> String {
        let minor = (version >> 8) & 0xff
        return "\(version >> 16).\(minor < 10 ? "0" : "")\(minor)"
    }
}
