/// The two settings of slurm.conf the doctor needs: where the plugstack file is and where
/// relative plugin paths are looked up. `Key=Value` lines, keys in any case, `#` comments.
public struct SlurmConf: Equatable, Sendable {
    /// Debian's slurm-wlm and upstream's default prefix, in the order Slurm's builds use them.
    public static let defaultPluginDirectories = ["/usr/lib/x86_64-linux-gnu/slurm-wlm", "/usr/local/lib/slurm", "/usr/lib64/slurm", "/usr/lib/slurm"]

    public var plugstack: String
    public var pluginDirectories: [String]

    /// `path` is slurm.conf's own path: the plugstack file defaults to `plugstack.conf` beside it.
    public init(text: String?, path: String) {
        var plugstack: String?
        var pluginDir: String?
        for line in (text ?? "").split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let equals = content.firstIndex(of: "=") else { continue }
            let key = content[..<equals].trimmingBlanks.lowercased()
            let value = String(content[content.index(after: equals)...].trimmingBlanks)
            if key == "plugstackconfig" { plugstack = value }
            if key == "plugindir" { pluginDir = value }
        }
        self.plugstack = plugstack ?? Paths.directory(of: path) + "/plugstack.conf"
        self.pluginDirectories = pluginDir.map { $0.split(separator: ":").map(String.init) } ?? Self.defaultPluginDirectories
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingBlanks: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return self[first...last]
    }
}
