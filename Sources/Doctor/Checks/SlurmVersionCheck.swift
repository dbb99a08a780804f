/// Slurm refuses a SPANK plugin built for another major.minor release
/// (`Incompatible Slurm plugin version`), and then srun and slurmd fail: the plugstack line is
/// `required`. The micro release does not matter to Slurm.
public enum SlurmVersionCheck {
    public static let name = "slurm"

    public struct Facts: Equatable, Sendable {
        /// SLURM_VERSION_NUMBER of the headers this build used.
        public var built: UInt32
        /// The command asked (`/usr/sbin/slurmd`) and what `-V` printed; nil when none was found.
        public var command: String?
        public var output: String?

        public init(built: UInt32, command: String? = nil, output: String? = nil) {
            self.built = built
            self.command = command
            self.output = output
        }
    }

    /// slurmd on compute nodes; srun on login nodes (both print `slurm[-wlm] 22.05.8`).
    public static func gather(_ node: NodeProbe, built: UInt32, searchPath: String) -> Facts {
        for name in ["slurmd", "srun"] {
            if let path = node.findExecutable(name, in: searchPath) {
                return Facts(built: built, command: path, output: node.run(path, ["-V"]))
            }
        }
        return Facts(built: built)
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let built = describe(facts.built)
        guard let command = facts.command else {
            return .failure(name, "neither slurmd nor srun is in PATH (pyxis was built for Slurm \(built))",
                            fix: "install Slurm \(series(facts.built)) (Debian: slurmd or slurm-client) or give --path")
        }
        guard let output = facts.output, let running = parse(output) else {
            let shown = (facts.output ?? "").split(separator: "\n").first.map(String.init) ?? ""
            return .failure(name, "cannot tell the Slurm version: `\(command) -V` printed '\(shown)' (expected 'slurm 22.05.8')",
                            fix: "check that \(command) runs")
        }
        if running & 0xffff00 != facts.built & 0xffff00 {
            return .failure(name, "pyxis was built for Slurm \(built), \(command) is \(describe(running)): Slurm refuses the plugin (\"Incompatible Slurm plugin version\")",
                            fix: "rebuild pyxis against Slurm \(series(running))'s headers (libslurm-dev) and reinstall it (make deb)")
        }
        let micro = running == facts.built ? "" : " (same \(series(running)) series: Slurm loads it)"
        return .ok(name, "pyxis was built for Slurm \(built), \(command) is \(describe(running))\(micro)")
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
