/// The lines of a plugstack file as Slurm reads them (`spank.c`):
///
///     required /usr/lib/x86_64-linux-gnu/slurm-wlm/spank_pyxis.so runtime_path=/run/pyxis
///     optional spank_other.so          # relative: looked up in PluginDir
///     include /etc/slurm/plugstack.conf.d/*.conf
///
/// Words are separated by blanks, `#` starts a comment. Any other first word is an error that
/// makes Slurm refuse the whole stack (`spank: FILE:LINE: Invalid option`).
public enum PlugstackFile {
    public struct Plugin: Equatable, Sendable {
        public var required: Bool
        public var path: String
        public var arguments: [String]
        /// `/etc/slurm/plugstack.conf:3`.
        public var origin: String
    }

    public enum Line: Equatable, Sendable {
        case plugin(Plugin)
        case include(pattern: String, origin: String)
        case invalid(text: String, origin: String)
    }

    public static func parse(_ text: String, file: String) -> [Line] {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = words.first else { continue }
            let origin = "\(file):\(index + 1)"
            switch keyword {
            case "required" where words.count >= 2, "optional" where words.count >= 2:
                lines.append(.plugin(Plugin(required: keyword == "required", path: words[1],
                                            arguments: Array(words.dropFirst(2)), origin: origin)))
            case "include" where words.count == 2:
                let pattern = words[1].hasPrefix("/") ? words[1] : Paths.directory(of: file) + "/" + words[1]
                lines.append(.include(pattern: pattern, origin: origin))
            default:
                lines.append(.invalid(text: String(content.trimmingBlanks), origin: origin))
            }
        }
        return lines
    }
}
