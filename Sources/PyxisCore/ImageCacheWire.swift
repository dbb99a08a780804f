/// How the plugin and `pyxis-image-cache get` talk: the file on stdout; what happened as
/// `pyxis-image-cache: KEY: VALUE` lines on stderr, among its reports; and two exit statuses
/// beyond 0 and 1. The command writes with this and the plugin reads with it, so the two
/// cannot disagree.
public enum ImageCacheWire {
    /// What starts every line the command writes on stderr.
    public static let prefix = "pyxis-image-cache: "
    /// The cache directory cannot be used (as opposed to an image that cannot be imported):
    /// pyxis may import without the cache.
    public static let cacheUnusableStatus: Int32 = 3
    /// `get --damaged FILE`: the file reads whole, so the failure lies elsewhere.
    public static let fileSoundStatus: Int32 = 4

    public enum Key: String, CaseIterable, Sendable {
        /// `hit`, `imported` or `waited`.
        case outcome
        /// `DEVICE:INODE` of the file, as the command answered.
        case identity
    }

    /// A line of the command's stderr, as the plugin reads it.
    public enum Line: Equatable, Sendable {
        case value(Key, String)
        /// A report for the user (waiting, evicting, an error), the prefix removed.
        case report(String)
    }

    /// `KEY: VALUE`, for the command to write after the prefix.
    public static func text(_ key: Key, _ value: String) -> String { "\(key.rawValue): \(value)" }

    public static func parse(_ line: String) -> Line {
        guard line.hasPrefix(prefix) else { return .report(line) }
        let said = String(line.dropFirst(prefix.count))
        for key in Key.allCases where said.hasPrefix(key.rawValue + ": ") {
            return .value(key, String(said.dropFirst(key.rawValue.count + 2)))
        }
        return .report(said)
    }
}
