import EnvRemap

/// What the plugin needs to know about the enroot installed on a node, read from enroot's own
/// files rather than guessed: where its configuration lives, the defaults its script sets, the
/// values its configuration files set, and which features this enroot has.
///
/// enroot is a bash script. It loads `SYSCONF/enroot.conf` and then `SYSCONF/enroot.conf.d/*.conf`
/// (`config::init "/etc/enroot/enroot.conf"`), then sets defaults
/// (`config::export ENROOT_ROOTFS_WRITABLE  false`). A variable already in its environment wins
/// over both, and the first file line that sets a variable wins over later ones. Values are then
/// read as `EnrootSwitch` says.
public struct EnrootInstallation: Equatable, Sendable {
    /// The directory of `enroot.conf` (`/etc/enroot` for enroot's packages).
    public var sysconfDirectory: String
    /// `config::export NAME VALUE` defaults of the script.
    public var defaults: [String: String]
    /// enroot's main branch after 4.1.2: `ENROOT_UNSHARE_NET/IPC/UTS`, and fstab escapes
    /// (`\040`) in mount entries read back by enroot. 4.1.2 has neither. Both arrived together,
    /// so the unshare switches in the script tell both.
    public var supportsUnshare: Bool
    public var unescapesMountFields: Bool { supportsUnshare }
    /// `ENROOT_VERSION` as the script exports it (the doctor reports it).
    public var version: String?

    public static let fallbackSysconfDirectory = "/etc/enroot"

    public init(sysconfDirectory: String = fallbackSysconfDirectory, defaults: [String: String] = [:], supportsUnshare: Bool = false,
                version: String? = nil) {
        self.sysconfDirectory = sysconfDirectory
        self.defaults = defaults
        self.supportsUnshare = supportsUnshare
        self.version = version
    }

    /// Reads the facts out of the text of the `enroot` script.
    public init(script: String) {
        self.init()
        for line in Self.lines(of: script, mentioning: ["config::", "ENROOT_UNSHARE_NET", Self.versionKey]) {
            if version == nil { version = Self.version(inLine: line) }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2 else { continue }
            if words.contains(where: { $0.hasPrefix("ENROOT_UNSHARE_NET") }) {
                supportsUnshare = true
            }
            if words[0] == "config::init", let path = Self.unquoted(words[1]), path.hasSuffix("/enroot.conf") {
                sysconfDirectory = String(path.dropLast("/enroot.conf".count))
            } else if words[0] == "config::export", words.count >= 3, words[1].hasPrefix("ENROOT_"),
                      defaults[String(words[1])] == nil {
                defaults[String(words[1])] = Self.unquoted(words[2]) ?? String(words[2])
            }
        }
    }

    static let versionKey = "ENROOT_VERSION="

    /// `export ENROOT_VERSION="4.1.2"` → `4.1.2`; nil for a line that sets no version number.
    static func version(inLine line: Substring) -> String? {
        guard let start = line.firstIndex(ofSubstring: versionKey) else { return nil }
        let value = line[line.index(start, offsetBy: versionKey.count)...].filter { $0 != "\"" && $0 != "'" }
        guard let first = value.first, first.isNumber else { return nil }
        return String(value.split(separator: " ").first ?? "")
    }

    /// The files enroot reads its settings from, in its order: `enroot.conf`, then
    /// `enroot.conf.d/*.conf` as bash's glob sorts them. `listing` gives a directory's names.
    public func configurationFiles(listing: (String) -> [String]) -> [String] {
        let configuration = sysconfDirectory + "/enroot.conf"
        let dropIns = listing(configuration + ".d").filter { $0.hasSuffix(".conf") }.sorted()
        return [configuration] + dropIns.map { configuration + ".d/" + $0 }
    }

    /// Every assignment of those files (any name: enroot exports proxies and `SSL_CERT_*` too),
    /// as `assignments(inConfigurationFiles:)` reads them; `read` gives a file's text.
    public func configuredAssignments(listing: (String) -> [String], read: (String) -> String?) -> [String: String] {
        Self.assignments(inConfigurationFiles: configurationFiles(listing: listing).compactMap(read))
    }

    /// enroot's directory of the user's configuration (`hooks.d`, `.credentials`):
    /// `ENROOT_CONFIG_PATH` from the environment, else from the configuration files (unless it
    /// needs the shell to expand it), else `$XDG_CONFIG_HOME/enroot` or `$HOME/.config/enroot`.
    public static func userConfigDirectory(environment: (String) -> String?, configured: [String: String]) -> String {
        if let path = environment("ENROOT_CONFIG_PATH") { return path }
        if let path = configured["ENROOT_CONFIG_PATH"], !path.contains("$") { return path }
        return (environment("XDG_CONFIG_HOME") ?? (environment("HOME") ?? "") + "/.config") + "/enroot"
    }

    /// The first `ENROOT_*` assignments of configuration files (`NAME value` or `NAME=value`),
    /// in the order enroot reads them. Values stay as written, less one level of quotes
    /// (enroot evaluates them with `echo`; the switches read here are plain words).
    public static func settings(inConfigurationFiles texts: [String]) -> [String: String] {
        assignments(inConfigurationFiles: texts).filter { isEnrootSetting($0.key) }
    }

    static func isEnrootSetting(_ name: String) -> Bool {
        name.hasPrefix("ENROOT_") && name.dropFirst(7).allSatisfy { ($0 >= "A" && $0 <= "Z") || $0 == "_" }
    }

    /// The first assignment of every variable name in configuration files, in order.
    public static func assignments(inConfigurationFiles texts: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for text in texts {
            for line in text.split(separator: "\n") {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                guard let end = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { continue }
                let name = String(trimmed[..<end])
                guard let first = name.first, first == "_" || first.isLetter, first.isASCII,
                      name.allSatisfy({ $0 == "_" || (($0.isLetter || $0.isNumber) && $0.isASCII) }),
                      result[name] == nil else { continue }
                let rest = trimmed[trimmed.index(after: end)...]
                    .drop(while: { $0 == " " || $0 == "\t" || $0 == "=" })
                var value = String(rest)
                while let last = value.last, last == " " || last == "\t" || last == "\r" { value.removeLast() }
                result[name] = unquoted(Substring(value)) ?? value
            }
        }
        return result
    }

    /// Whether switch `name` is on for an enroot started with `environment` (the value pyxis
    /// passes, if any) and configuration files that set `configured`.
    public func isEnabled(_ name: String, environment: String?, configured: [String: String]) -> Bool {
        if let environment, !environment.isEmpty { return EnrootSwitch.isOn(environment) }
        if let value = configured[name], !value.isEmpty { return EnrootSwitch.isOn(value) }
        return EnrootSwitch.isOn(defaults[name])
    }

    /// The lines of `script` that hold one of `needles`, found in its bytes: the script is 20 KB
    /// and the plugin reads it at every container start, where splitting all of it into Swift
    /// strings and words cost about a millisecond. Only these lines are read as text.
    static func lines(of script: String, mentioning needles: [String]) -> [Substring] {
        let bytes = Array(script.utf8), patterns = needles.map { Array($0.utf8) }
        var found: [Substring] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if patterns.contains(where: { contains(bytes, start..<end, $0) }) {
                found.append(Substring(decoding: bytes[start..<end], as: UTF8.self))
            }
            start = end + 1
        }
        return found
    }

    private static func contains(_ bytes: [UInt8], _ range: Range<Int>, _ pattern: [UInt8]) -> Bool {
        guard let first = pattern.first, range.count >= pattern.count else { return false }
        var index = range.lowerBound
        while index + pattern.count <= range.upperBound {
            if bytes[index] == first {
                var offset = 1
                while offset < pattern.count && bytes[index + offset] == pattern[offset] { offset += 1 }
                if offset == pattern.count { return true }
            }
            index += 1
        }
        return false
    }

    static func unquoted(_ word: Substring) -> String? {
        guard word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first else {
            return nil
        }
        return String(word.dropFirst().dropLast())
    }
}
