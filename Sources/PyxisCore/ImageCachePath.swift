/// Which directory holds a user's image cache (docs/image-cache.md): the site's pattern with
/// `%u` (user name) and `%U` (uid), or, where the site allows it (`image_cache_user=1`), the
/// directory the job names in `PYXIS_IMAGE_CACHE`.
public enum ImageCachePath {
    /// PATTERN with its escapes replaced: `%u`, `%U`, `%%`; any other `%` is an error.
    public static func expand(_ pattern: String, userName: String, uid: UInt32) throws(PyxisError) -> String {
        var result = ""
        var escaped = false
        for character in pattern {
            if escaped {
                switch character {
                case "u": result += userName
                case "U": result += String(uid)
                case "%": result.append("%")
                default: throw PyxisError("unknown escape '%\(character)' in the image cache path \(quoted(pattern)) (known: %u user name, %U uid, %% a percent sign)")
                }
                escaped = false
            } else if character == "%" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        if escaped { throw PyxisError("the image cache path \(quoted(pattern)) ends in a lone '%'") }
        return result
    }

    /// Whether PATTERN has the escape `%ESCAPE` (not `%%ESCAPE`).
    static func uses(_ escape: Character, in pattern: String) -> Bool {
        var escaped = false
        for character in pattern {
            if escaped {
                if character == escape { return true }
                escaped = false
            } else if character == "%" {
                escaped = true
            }
        }
        return false
    }

    /// The user's cache directory for a step, or nil when the step uses no cache.
    /// - Parameter jobVariable: `PYXIS_IMAGE_CACHE` in the job's environment.
    public static func directory(
        config: PluginConfig, jobVariable: String?, userName: String, uid: UInt32
    ) throws(PyxisError) -> String? {
        if config.imageCacheUser, let chosen = jobVariable, !chosen.isEmpty {
            guard chosen.hasPrefix("/"), !chosen.hasControlCharacter,
                  !chosen.hasDotComponent else {
                throw PyxisError("PYXIS_IMAGE_CACHE: invalid value: \(quoted(chosen)) (expected an absolute path without '.' or '..' components or control characters)")
            }
            return chosen
        }
        guard let pattern = config.imageCache else { return nil }
        guard !uses("u", in: pattern) || (!userName.isEmpty && !userName.contains("/") && !userName.hasControlCharacter) else {
            throw PyxisError("cannot use the image cache \(quoted(pattern)): the user name \(quoted(userName)) cannot be part of a path")
        }
        return try expand(pattern, userName: userName, uid: uid)
    }
}
