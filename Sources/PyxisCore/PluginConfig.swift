import EnvRemap

/// Site settings from the plugstack line:
/// `required /usr/local/lib/slurm/spank_pyxis.so runtime_path=/run/pyxis container_scope=job`.
///
/// Every argument is `key=value`; unknown keys, repeated keys with different values and bad
/// values are errors, which make Slurm refuse to load the plugin (better than running with a
/// setting the administrator did not mean). The messages start as pyxis's do
/// (`unknown configuration option: colour=blue`, `container_scope: invalid value: node`).
public struct PluginConfig: Equatable, Sendable {
    public enum ContainerScope: String, Sendable {
        case job, global
    }

    public enum SquashfuseMode: String, Sendable {
        case auto
        case on = "1"
        case off = "0"
    }

    public var runtimePath = "/run/pyxis"
    public var executeEntrypoint = false
    public var containerScope = ContainerScope.global
    public var sbatchSupport = true
    public var useEnrootLoad = false
    public var importer: String?
    public var useSquashfuse = SquashfuseMode.auto
    /// The image cache (docs/image-cache.md): where each user's cache is (`%u` user name, `%U`
    /// uid), or nil for none; its size limit (0: none); whether a job may choose its own
    /// directory with `PYXIS_IMAGE_CACHE`; whether a step whose cache cannot be used imports
    /// without it (else it fails); and the `pyxis-image-cache` executable.
    public var imageCache: String?
    public var imageCacheMax: UInt64 = 0
    public var imageCacheUser = false
    public var imageCacheFallback = true
    public var imageCacheCommand: String?
    /// Seconds a tag's digest is trusted without asking the registry (0: always ask).
    public var imageCacheTagTTL: UInt32 = 0

    public init() {}

    /// Every setting as `key=value` (the defaults too), for the dry run.
    public var described: [String] {
        func flag(_ on: Bool) -> String { on ? "1" : "0" }
        var settings = ["runtime_path=\(runtimePath)", "execute_entrypoint=\(flag(executeEntrypoint))",
                        "container_scope=\(containerScope.rawValue)", "sbatch_support=\(flag(sbatchSupport))",
                        "use_enroot_load=\(flag(useEnrootLoad))", "use_squashfuse=\(useSquashfuse.rawValue)"]
        if let importer { settings.append("importer=\(importer)") }
        if let imageCache { settings.append("image_cache=\(imageCache)") }
        if imageCache != nil || imageCacheUser {
            settings += ["image_cache_max=\(imageCacheMax)", "image_cache_user=\(flag(imageCacheUser))",
                         "image_cache_fallback=\(flag(imageCacheFallback))", "image_cache_tag_ttl=\(imageCacheTagTTL)"]
        }
        return settings
    }

    public static let keys = [
        "runtime_path", "execute_entrypoint", "container_scope", "sbatch_support",
        "use_enroot_load", "importer", "use_squashfuse",
        "image_cache", "image_cache_max", "image_cache_user", "image_cache_fallback", "image_cache_command",
        "image_cache_tag_ttl",
    ]

    public init(arguments: [String]) throws(PyxisError) {
        var given: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "=") else {
                throw PyxisError("unknown configuration option: \(verbatim(argument)) (plugstack arguments are key=value; known keys: \(Self.keys.joined(separator: ", ")))")
            }
            let key = String(argument[..<equals])
            let value = String(argument[argument.index(after: equals)...])
            guard Self.keys.contains(key) else {
                throw PyxisError("unknown configuration option: \(verbatim(argument)) (known keys: \(Self.keys.joined(separator: ", ")))")
            }
            if let previous = given[key], previous != value {
                throw PyxisError("plugstack argument \(key) given twice with different values: \(quoted(previous)) and \(quoted(value))")
            }
            given[key] = value
            try apply(key: key, value: value)
        }
    }

    mutating func apply(key: String, value: String) throws(PyxisError) {
        /// pyxis's `KEY: invalid value: VALUE`, then what is allowed.
        func invalidValue(_ allowed: String) -> PyxisError {
            let shown = value.isEmpty ? "(an empty value; expected \(allowed))" : "\(verbatim(value)) (expected \(allowed))"
            return PyxisError("\(key): invalid value: \(shown)")
        }
        func boolean() throws(PyxisError) -> Bool {
            guard let parsed = BooleanValue.parse(value) else {
                throw invalidValue(BooleanValue.accepted)
            }
            return parsed
        }
        func absolutePath() throws(PyxisError) -> String {
            guard value.hasPrefix("/"), !value.hasControlCharacter, !value.containsByte(" ") else {
                throw PyxisError("plugstack argument \(key)=\(quoted(value)): expected an absolute path without spaces or control characters")
            }
            guard !value.hasDotComponent else {
                throw PyxisError("plugstack argument \(key)=\(quoted(value)): the path may not contain '.' or '..' components")
            }
            return value
        }
        switch key {
        case "runtime_path":
            var path = try absolutePath()
            while path.count > 1, path.hasSuffix("/") {
                path.removeLast()
            }
            guard path != "/" else {
                throw PyxisError("plugstack argument runtime_path=/: the runtime directory cannot be /")
            }
            runtimePath = path
        case "execute_entrypoint":
            executeEntrypoint = try boolean()
        case "container_scope":
            guard let scope = ContainerScope(rawValue: value) else {
                throw invalidValue("job or global")
            }
            containerScope = scope
        case "sbatch_support":
            sbatchSupport = try boolean()
        case "use_enroot_load":
            useEnrootLoad = try boolean()
        case "importer":
            importer = try absolutePath()
        case "image_cache":
            let pattern = try absolutePath()
            do {
                _ = try ImageCachePath.expand(pattern, userName: "user", uid: 0)
            } catch {
                throw PyxisError("plugstack argument image_cache=\(quoted(value)): \(error.message)")
            }
            imageCache = pattern
        case "image_cache_max":
            do {
                imageCacheMax = try SizeLimit.parse(value)
            } catch {
                throw PyxisError("plugstack argument image_cache_max=\(quoted(value)): \(error.description)")
            }
        case "image_cache_user":
            imageCacheUser = try boolean()
        case "image_cache_fallback":
            imageCacheFallback = try boolean()
        case "image_cache_command":
            imageCacheCommand = try absolutePath()
        case "image_cache_tag_ttl":
            guard let seconds = UInt32(value), value.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw invalidValue("a number of seconds, e.g. 300; 0 asks the registry every time")
            }
            imageCacheTagTTL = seconds
        case "use_squashfuse":
            if value.lowercased() == "auto" {
                useSquashfuse = .auto
            } else if let on = BooleanValue.parse(value) {
                useSquashfuse = on ? .on : .off
            } else {
                throw invalidValue("auto, \(BooleanValue.accepted)")
            }
        default:
            break
        }
    }
}
