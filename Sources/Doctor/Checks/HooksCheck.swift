import EnvRemap

/// pyxis's hooks are enabled by linking their drop-ins (`share/pyxis/hooks.d/*.sh`) into
/// enroot's `hooks.d`; enroot runs the executable `*.sh` files there and silently skips the
/// others, so a dangling link or a lost execute bit turns a hook off without a word.
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
        public var directory: String
        /// The entries of hooks.d that are pyxis's: they lead to a `pyxis-hook-*` executable.
        public var hooks: [Hook]

        public init(directory: String, hooks: [Hook]) {
            self.directory = directory
            self.hooks = hooks
        }
    }

    public static func gather(_ node: NodeProbe, enrootConfigDirectory: String) -> Facts {
        let directory = enrootConfigDirectory + "/hooks.d"
        var hooks: [Hook] = []
        for entry in node.entries(of: directory) where entry.hasSuffix(".sh") {
            let path = directory + "/" + entry
            let target = node.resolve(path)
            // A link to a pyxis drop-in, which links to a pyxis-hook-* executable.
            guard Paths.name(of: target.path).hasPrefix("pyxis-hook-") || node.linkTarget(path)?.containsSubstring("/pyxis/") == true else { continue }
            hooks.append(Hook(name: entry, target: target.path, exists: target.exists, executable: node.isExecutable(path)))
        }
        return Facts(directory: directory, hooks: hooks)
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        if let broken = facts.hooks.first(where: { !$0.exists }) {
            return .failure(name, "\(facts.directory)/\(broken.name) leads to \(broken.target), which does not exist: enroot skips the hook",
                            fix: "reinstall pyxis, or relink it: ln -sfn <share>/pyxis/hooks.d/\(broken.name) \(facts.directory)/\(broken.name)")
        }
        if let idle = facts.hooks.first(where: { !$0.executable }) {
            return .failure(name, "\(facts.directory)/\(idle.name) leads to \(idle.target), which is not an executable file: enroot skips the hook",
                            fix: "chmod 0755 \(idle.target)")
        }
        guard !facts.hooks.isEmpty else {
            return .ok(name, "no pyxis hook is enabled in \(facts.directory) (optional: ln -s <share>/pyxis/hooks.d/NAME.sh \(facts.directory)/)")
        }
        return .ok(name, "enabled in \(facts.directory): \(facts.hooks.map(\.name).joined(separator: ", "))")
    }
}
