import EnvRemap
import PyxisCore

/// The settings of enroot's registry requests that a native look-up must share with
/// `enroot digest` (its curl options, credentials and trust), and whether it can: where enroot
/// would do something this look-up does not (plain HTTP, credentials for the registry, settings
/// from enroot.conf, an architecture it does not know), enroot answers instead.
public struct LookupSettings: Equatable, Sendable {
    public var connectTimeout = "30"
    public var transferTimeout = "0"
    public var retries = "0"
    /// Debian's name of the node's architecture, as enroot: amd64, arm64, ppc64le.
    public var architecture: String
    /// Why enroot must answer (nil: the native look-up may).
    public var enrootOnly: String?

    /// Keys of enroot.conf that change enroot's requests (proxies, trust, timeouts, plain HTTP,
    /// where credentials are): set there, they are left to enroot, which reads that file.
    static let requestKeys = ["ENROOT_ALLOW_HTTP", "ENROOT_CONFIG_PATH", "ENROOT_CONNECT_TIMEOUT",
                              "ENROOT_TRANSFER_TIMEOUT", "ENROOT_TRANSFER_RETRIES", "SSL_CERT_DIR", "SSL_CERT_FILE",
                              "all_proxy", "no_proxy", "http_proxy", "https_proxy"]

    /// From the environment, the node's enroot (what enroot.conf and its drop-ins assign, the
    /// user's configuration directory), `uname -m`, and a reader of the credentials file.
    public init(environment: (String) -> String?, site: EnrootSite, machine: String,
                credentials: (String) -> String?) {
        let configured = site.assignments
        switch machine {
        case "x86_64": architecture = "amd64"
        case "aarch64": architecture = "arm64"
        case "ppc64le": architecture = "ppc64le"
        default: architecture = machine; enrootOnly = "architecture \(machine)"
        }
        for key in Self.requestKeys where configured[key] != nil {
            enrootOnly = "\(key) is set in enroot.conf"
        }
        if EnrootSwitch.isOn(environment("ENROOT_ALLOW_HTTP")) { enrootOnly = "ENROOT_ALLOW_HTTP" }
        connectTimeout = environment("ENROOT_CONNECT_TIMEOUT") ?? connectTimeout
        transferTimeout = environment("ENROOT_TRANSFER_TIMEOUT") ?? transferTimeout
        retries = environment("ENROOT_TRANSFER_RETRIES") ?? retries
        for value in [connectTimeout, transferTimeout, retries] where value.isEmpty || !value.utf8.allSatisfy({ (48...57).contains($0) }) {
            enrootOnly = "a timeout or retry count of '\(value)'"
        }
        credentialsText = credentials(site.userConfigDirectory(environment: environment) + "/.credentials") ?? ""
    }

    /// The user's enroot credentials file (netrc), whose entries enroot uses for their registry.
    var credentialsText: String

    /// Why enroot must answer for REFERENCE (nil: the native look-up may).
    public func enrootOnly(for reference: RegistryReference) -> String? {
        if let enrootOnly { return enrootOnly }
        let words = credentialsText.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        for (index, word) in words.enumerated() where word == "machine" && index + 1 < words.count {
            if words[index + 1] == reference.host { return "credentials for \(reference.host)" }
        }
        return nil
    }
}
