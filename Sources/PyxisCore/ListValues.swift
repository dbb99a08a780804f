import EnvRemap

/// A namespace `--container-unshare` can ask for.
public enum UnshareNamespace: String, CaseIterable, Sendable {
    case net, ipc, uts

    /// The variable that tells `enroot start` to make this namespace.
    public var enrootVariable: String { "ENROOT_UNSHARE_" + rawValue.uppercased() }

    /// Parses `net[,ipc[,uts]]`; repeated names are kept once.
    /// Rejected: `""`, `net,`, `pid`, `NET`.
    public static func parseList(_ value: String) throws(PyxisError) -> [UnshareNamespace] {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected NAMESPACE[,NAMESPACE...] with namespaces net, ipc, uts)")
        }
        var result: [UnshareNamespace] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw PyxisError("empty namespace argument in \(quoted(value)); allowed: net, ipc, uts, separated by single commas")
            }
            guard let namespace = UnshareNamespace(rawValue: String(item)) else {
                throw PyxisError("unknown namespace \(quoted(String(item))) in \(quoted(value)); allowed: net, ipc, uts")
            }
            if !result.contains(namespace) {
                result.append(namespace)
            }
        }
        return result
    }
}

/// `--container-env=NAME[,NAME...]`: names of host variables to carry into the container.
/// Accepted: `HOME`, `LANG,LC_ALL`, `_X1`. Rejected: `""`, `A,,B`, `1X`, `A=B`, `A B`.
public enum EnvironmentNameList {
    public static func parse(_ value: String) throws(PyxisError) -> [String] {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected NAME[,NAME...])")
        }
        var result: [String] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(item)
            guard !name.isEmpty else {
                throw PyxisError("invalid format: \(verbatim(value)) (an empty name; expected NAME[,NAME...])")
            }
            guard isValidName(name) else {
                throw PyxisError("invalid format: \(verbatim(value)) (invalid variable name \(quoted(name)); names are letters, digits and '_', not starting with a digit)")
            }
            if !result.contains(name) {
                result.append(name)
            }
        }
        return result
    }
}

/// Path-valued options (`--container-workdir`, `--container-save`).
public enum PathValue {
    /// Accepted: `/work`, `out`, `./a b`. Rejected: `""`, values with control characters.
    public static func parseWorkdir(_ value: String) throws(PyxisError) -> String {
        try checkPath(value)
        return value
    }

    /// Accepted: `/shared/img.sqsh`, `img.sqsh` (relative to the job's cwd on the node).
    /// Rejected: `""`, `dir/` (a trailing slash names a directory, not a file), `.`/`..`.
    public static func parseSave(_ value: String) throws(PyxisError) -> String {
        try checkPath(value)
        if value.hasSuffix("/") {
            throw PyxisError("target is a directory: \(quoted(value)) ends with '/'; name the squashfs file to write, e.g. \(value)image.sqsh")
        }
        let last = value.splitBytes("/").last ?? value
        if last == "." || last == ".." {
            throw PyxisError("target is a directory: \(quoted(value)) names a directory; name the squashfs file to write, e.g. \(value)/image.sqsh")
        }
        return value
    }

    static func checkPath(_ value: String) throws(PyxisError) {
        guard !value.isEmpty else {
            throw PyxisError("argument required (expected a path)")
        }
        guard !value.hasControlCharacter else {
            throw PyxisError("\(quoted(value)) contains a control character, which a path here may not contain")
        }
    }
}
