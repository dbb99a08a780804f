import PyxisCore

/// The plugstack file (and the files it includes) loads pyxis once, `required`, from a file that
/// exists beside its Swift core, with arguments the plugin accepts (PyxisCore's own parser).
public enum PlugstackCheck {
    public static let name = "plugstack"
    static let pluginFile = "spank_pyxis.so"

    public struct Facts: Equatable, Sendable {
        /// The top file (slurm.conf's PlugStackConfig) and whether it could be read.
        public var file: String
        public var readable: Bool
        /// Every plugin and invalid line of the file and its includes, in Slurm's order.
        public var lines: [PlugstackFile.Line]
        /// For each pyxis line, where its plugin path leads (nil: not found) and whether the
        /// core (`pyxis/spank_pyxis_core.so` beside it) exists.
        public var pyxisPlugin: String?
        public var coreFound: Bool

        public init(file: String, readable: Bool, lines: [PlugstackFile.Line] = [], pyxisPlugin: String? = nil, coreFound: Bool = false) {
            self.file = file
            self.readable = readable
            self.lines = lines
            self.pyxisPlugin = pyxisPlugin
            self.coreFound = coreFound
        }

        public var pyxisLines: [PlugstackFile.Plugin] {
            lines.compactMap { if case .plugin(let plugin) = $0, Paths.name(of: plugin.path) == pluginFile { plugin } else { nil } }
        }
    }

    public static func gather(_ node: NodeProbe, file: String, pluginDirectories: [String]) -> Facts {
        guard let text = node.readText(file) else { return Facts(file: file, readable: false) }
        var facts = Facts(file: file, readable: true, lines: expand(node, text: text, file: file, depth: 0))
        if let line = facts.pyxisLines.first {
            let candidates = line.path.hasPrefix("/") ? [line.path] : pluginDirectories.map { $0 + "/" + line.path }
            if let found = candidates.first(where: { node.resolve($0).exists }) {
                facts.pyxisPlugin = found
                facts.coreFound = node.resolve(Paths.directory(of: found) + "/pyxis/spank_pyxis_core.so").exists
            }
        }
        return facts
    }

    /// The lines of `text` with each `include` replaced by the lines of the files it matches.
    static func expand(_ node: NodeProbe, text: String, file: String, depth: Int) -> [PlugstackFile.Line] {
        var result: [PlugstackFile.Line] = []
        for line in PlugstackFile.parse(text, file: file) {
            guard case .include(let pattern, let origin) = line else { result.append(line); continue }
            guard depth < 8 else {
                result.append(.invalid(text: "include \(pattern) (includes nested deeper than 8)", origin: origin))
                continue
            }
            for match in node.matches(pattern) {
                if let included = node.readText(match) {
                    result += expand(node, text: included, file: match, depth: depth + 1)
                }
            }
        }
        return result
    }

    /// The settings the plugin will run with: its line's, or the defaults when there is no
    /// valid line (the checks that depend on them then judge pyxis's defaults).
    public static func config(_ facts: Facts) -> PluginConfig {
        guard let line = facts.pyxisLines.first, let config = try? PluginConfig(arguments: line.arguments) else { return PluginConfig() }
        return config
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let addLine = "add `required <plugin dir>/spank_pyxis.so` to \(facts.file) or a file it includes (the package: /etc/slurm/plugstack.conf.d/pyxis.conf; make install: share/pyxis/pyxis.conf)"
        guard facts.readable else {
            return .failure(name, "\(facts.file) does not exist or cannot be read", fix: "create it with `include /etc/slurm/plugstack.conf.d/*.conf` (Debian's), then \(addLine)")
        }
        for case .invalid(let text, let origin) in facts.lines {
            return .failure(name, "\(origin): '\(text)' is not `required PLUGIN [ARGS]`, `optional PLUGIN [ARGS]` or `include GLOB`: Slurm refuses the whole plugstack",
                            fix: "correct or remove that line")
        }
        let lines = facts.pyxisLines
        guard let line = lines.first else {
            return .failure(name, "no line of \(facts.file) or its includes loads \(pluginFile)", fix: addLine)
        }
        if lines.count > 1 {
            return .failure(name, "\(pluginFile) is loaded twice, at \(lines.map(\.origin).joined(separator: " and ")): Slurm refuses the second",
                            fix: "keep one of those lines")
        }
        guard let plugin = facts.pyxisPlugin else {
            return .failure(name, "\(line.origin): the plugin \(line.path) does not exist", fix: "install pyxis (dpkg -i, or make install) or correct the path")
        }
        guard facts.coreFound else {
            return .failure(name, "\(line.origin): \(plugin) has no Swift core beside it (\(Paths.directory(of: plugin))/pyxis/spank_pyxis_core.so): container steps fail",
                            fix: "reinstall pyxis; the front and its pyxis/ directory belong together")
        }
        do {
            _ = try PluginConfig(arguments: line.arguments)
        } catch {
            return .failure(name, "\(line.origin): \(error.message): Slurm will not load pyxis", fix: "correct the argument (spank_pyxis(8), PLUGSTACK ARGUMENTS)")
        }
        let settings = line.arguments.isEmpty ? "pyxis's defaults" : line.arguments.joined(separator: " ")
        guard line.required else {
            return .warning(name, "\(line.origin) loads \(plugin) as `optional`: if pyxis fails, Slurm runs the step on the host instead",
                            fix: "write `required` instead of `optional`")
        }
        return .ok(name, "\(line.origin) loads \(plugin) with \(settings)")
    }
}
