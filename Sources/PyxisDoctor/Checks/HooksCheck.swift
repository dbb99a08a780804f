import EnvRemap

/// pyxis's hooks are enabled by linking their drop-ins (`share/pyxis/hooks.d/*.sh`, installed
/// with the plugin) into enroot's `hooks.d`; enroot runs the executable `*.sh` files there and
/// silently skips the others, so a dangling link or a lost execute bit turns a hook off without
/// a word. The drop-ins themselves must lead to their executables too.
public enum HooksCheck {
    public static let name = "hooks"

    public struct Hook: Equatable, Sendable {
        public var name: String
        /// Where the entry finally leads, and whether that is an executable file.
        public var target: String
        public var exists: Bool
        public var executable: Bool

        public init(name: String, target: String, exists: Bool, executable: Bool) {
            self.name = name
            self.target = target
            self.exists = exists
            self.executable = executable
        }
    }

    public struct Facts: Equatable, Sendable {
        /// enroot's hooks.d, and the entries there that are pyxis's (they lead to a
        /// `pyxis-hook-*` link or to `pyxis-tools`, or through a `/pyxis/` directory).
        public var directory: String
        public var hooks: [Hook]
        /// The drop-ins installed with the plugin, when found.
        public var dropInDirectory: String?
        public var dropIns: [Hook]

        public init(directory: String, hooks: [Hook], dropInDirectory: String? = nil, dropIns: [Hook] = []) {
            self.directory = directory
            self.hooks = hooks
            self.dropInDirectory = dropInDirectory
            self.dropIns = dropIns
        }
    }

    /// `plugin` is the plugin's path from the plugstack line: the drop-ins are in the
    /// `share/pyxis/hooks.d` of the prefix it was installed under (`/usr/lib/x86_64-linux-gnu/
    /// slurm-wlm` → `/usr`, `/usr/local/lib/slurm` → `/usr/local`).
    public static func gather(_ node: NodeProbe, enrootConfigDirectory: String, plugin: String?) -> Facts {
        let directory = enrootConfigDirectory + "/hooks.d"
        var facts = Facts(directory: directory, hooks: [])
        for entry in node.entries(of: directory) where entry.hasSuffix(".sh") {
            let path = directory + "/" + entry
            let hook = describe(node, entry, at: path)
            let name = Paths.name(of: hook.target)
            guard name.hasPrefix("pyxis-hook-") || name == "pyxis-tools" || node.linkTarget(path)?.containsSubstring("/pyxis/") == true else {
                continue
            }
            facts.hooks.append(hook)
        }
        var prefix = plugin.map { Paths.directory(of: $0) }
        while let candidate = prefix, candidate != "/", facts.dropInDirectory == nil {
            let dropIns = candidate + "/share/pyxis/hooks.d"
            if node.info(dropIns)?.kind == .directory { facts.dropInDirectory = dropIns }
            prefix = Paths.directory(of: candidate)
        }
        if let dropIns = facts.dropInDirectory {
            facts.dropIns = node.entries(of: dropIns).filter { $0.hasSuffix(".sh") }.map { describe(node, $0, at: dropIns + "/" + $0) }
        }
        return facts
    }

    static func describe(_ node: NodeProbe, _ name: String, at path: String) -> Hook {
        let target = node.resolve(path)
        return Hook(name: name, target: target.path, exists: target.exists, executable: node.isExecutable(path))
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        let source = facts.dropInDirectory ?? "<prefix>/share/pyxis/hooks.d"
        for (hook, place) in facts.hooks.map({ ($0, facts.directory) }) + facts.dropIns.map({ ($0, source) }) {
            let fix = place == facts.directory ? "relink it: ln -sfn \(source)/\(hook.name) \(place)/\(hook.name)" : "reinstall pyxis"
            if !hook.exists {
                return .failure(name, "\(place)/\(hook.name) leads to \(hook.target), which does not exist: enroot skips the hook", fix: fix)
            }
            if !hook.executable {
                return .failure(name, "\(place)/\(hook.name) leads to \(hook.target), which is not an executable file: enroot skips the hook",
                                fix: "chmod 0755 \(hook.target)")
            }
        }
        let enabled = Set(facts.hooks.map(\.name))
        let idle = facts.dropIns.map(\.name).filter { !enabled.contains($0) }
        let offer = idle.isEmpty ? "" : "; not enabled: \(idle.joined(separator: ", ")) (ln -s \(source)/NAME.sh \(facts.directory)/)"
        guard !facts.hooks.isEmpty else {
            return .ok(name, "no pyxis hook is enabled in \(facts.directory)\(offer)")
        }
        return .ok(name, "enabled in \(facts.directory): \(facts.hooks.map(\.name).joined(separator: ", "))\(offer)")
    }
}
