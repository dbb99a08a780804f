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

    public static let fallbackSysconfDirectory = "/etc/enroot"

    public init(sysconfDirectory: String = fallbackSysconfDirectory, defaults: [String: String] = [:], supportsUnshare: Bool = false) {
        self.sysconfDirectory = sysconfDirectory
        self.defaults = defaults
        self.supportsUnshare = supportsUnshare
    }

    /// Reads the facts out of the text of the `enroot` script.
    public init(script: String) {
        self.init()
        for line in script.split(separator: "\n") {
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


    /// The first `ENROOT_*` assignments of configuration files (`NAME value` or `NAME=value`),
    /// in the order enroot reads them. Values stay as written, less one level of quotes
    /// (enroot evaluates them with `echo`; the switches read here are plain words).
    public static func settings(inConfigurationFiles texts: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for text in texts {
            for line in text.split(separator: "\n") {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                guard let end = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) else { continue }
                let name = String(trimmed[..<end])
                guard name.hasPrefix("ENROOT_"), name.dropFirst(7).allSatisfy({ ($0 >= "A" && $0 <= "Z") || $0 == "_" }),
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

    static func unquoted(_ word: Substring) -> String? {
        guard word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first else {
            return nil
        }
        return String(word.dropFirst().dropLast())
    }
}
