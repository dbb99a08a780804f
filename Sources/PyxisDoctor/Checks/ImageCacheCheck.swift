import PyxisCore

/// With `image_cache=PATTERN` each user's cache is a directory of their own (`%u`, `%U`): the
/// user's, mode 0700, never a link (`CacheDirectory` refuses anything else), or creatable by
/// the user at the first step. The core runs `pyxis-image-cache` (beside itself, or
/// `image_cache_command`), which must be executable.
public enum ImageCacheCheck {
    public static let name = "image_cache"

    public struct Facts: Equatable, Sendable {
        public var pattern: String?
        public var user: DoctorUser
        /// The user's directory, or why the pattern cannot name one.
        public var path: String?
        public var expansionError: String?
        public var info: FileInfo?
        /// When the directory is missing: its nearest existing ancestor.
        public var ancestor: String?
        public var ancestorInfo: FileInfo?
        public var command: String?
        public var commandExecutable: Bool

        public init(pattern: String?, user: DoctorUser, path: String? = nil, expansionError: String? = nil, info: FileInfo? = nil,
                    ancestor: String? = nil, ancestorInfo: FileInfo? = nil, command: String? = nil, commandExecutable: Bool = true) {
            self.pattern = pattern
            self.user = user
            self.path = path
            self.expansionError = expansionError
            self.info = info
            self.ancestor = ancestor
            self.ancestorInfo = ancestorInfo
            self.command = command
            self.commandExecutable = commandExecutable
        }
    }

    /// `plugin` is the plugin's path from the plugstack line (the core's command is beside it).
    public static func gather(_ node: NodeProbe, config: PluginConfig, user: DoctorUser, plugin: String?) -> Facts {
        var facts = Facts(pattern: config.imageCache, user: user)
        guard let pattern = config.imageCache else { return facts }
        facts.command = config.imageCacheCommand ?? plugin.map { Paths.directory(of: $0) + "/pyxis/pyxis-image-cache" }
        facts.commandExecutable = facts.command.map { node.isExecutable($0) } ?? false
        do {
            let path = try ImageCachePath.expand(pattern, userName: user.name, uid: user.uid)
            facts.path = path
            facts.info = node.info(path)
            if facts.info == nil {
                var ancestor = Paths.directory(of: path)
                while node.info(ancestor) == nil, ancestor != "/" { ancestor = Paths.directory(of: ancestor) }
                facts.ancestor = ancestor
                facts.ancestorInfo = node.info(node.resolve(ancestor).path)
            }
        } catch {
            facts.expansionError = error.message
        }
        return facts
    }

    public static func verdict(_ facts: Facts) -> CheckResult {
        guard let pattern = facts.pattern else { return .ok(name, "image_cache is not set (steps import without a cache)") }
        let who = facts.user.described, note = facts.user.standInNote
        if let command = facts.command, !facts.commandExecutable {
            return .failure(name, "\(command) is not an executable file: every cached step fails or imports without the cache",
                            fix: "reinstall pyxis, or correct image_cache_command")
        }
        guard let path = facts.path else {
            return .failure(name, "image_cache=\(pattern): \(facts.expansionError ?? "cannot be expanded")", fix: "correct image_cache in the plugstack line")
        }
        guard let info = facts.info else {
            guard let ancestor = facts.ancestor, let parent = facts.ancestorInfo, parent.kind == .directory,
                  parent.allows(facts.user, 0o3) else {
                let place = facts.ancestor.map { " in \($0) (owner uid \(facts.ancestorInfo?.uid ?? 0), mode \(facts.ancestorInfo?.octalMode ?? "?"))" } ?? ""
                return .failure(name, "\(path) does not exist and \(who) cannot create it\(place)\(note)",
                                fix: "create \(path) owned by the user, mode 0700, for each user (a prolog can: install -d -o USER -m 0700 DIR), or point image_cache under a directory that is already the user's, such as /home/%u/.cache/pyxis; a parent open to all (1777) would let one user take another's name")
            }
            return .ok(name, "\(path) does not exist yet; \(who) creates it at the first cached step (in \(ancestor))\(note)")
        }
        let found = "\(path) (owner uid \(info.uid), mode \(info.octalMode))"
        guard info.kind == .directory else {
            return .failure(name, "\(found) is \(info.kind == .symlink ? "a symbolic link" : "not a directory"): the cache refuses it",
                            fix: "remove it; the cache creates a private directory at the first cached step")
        }
        guard info.uid == facts.user.uid else {
            return .failure(name, "\(found) is not \(who)'s: a cache is never shared, the step fails or imports without it\(note)",
                            fix: "chown \(facts.user.name): \(path), or remove it")
        }
        guard info.mode & 0o077 == 0 else {
            return .failure(name, "\(found) is open to other users: the cache refuses it", fix: "chmod 700 \(path)")
        }
        return .ok(name, "\(path) is \(who)'s, mode \(info.octalMode)\(note)")
    }
}
