#if canImport(Glibc)
import Glibc
#endif
import PyxisSystem

/// The cache's registry: the digest of a tag asked of the registry with one `curl` request (two
/// when it wants an anonymous token), where `enroot digest` spends ≈ 150 ms in bash, three
/// requests and jq; and enroot for imports, and for every look-up this one leaves to it
/// (`RegistryReference`, `LookupSettings`, `ManifestResponse`).
public struct RegistryLookup: ImageRegistry {
    public let enroot: EnrootImages
    public let curl: String?
    public let settings: LookupSettings
    /// Why a look-up was left to enroot, for `-v`.
    public var report: (String) -> Void = { _ in }

    public init(enroot: EnrootImages, curl: String?, settings: LookupSettings) {
        self.enroot = enroot
        self.curl = curl
        self.settings = settings
    }

    public func digest(of uri: String) throws(CacheError) -> ImageDigest {
        let why: String
        if let reference = RegistryReference(uri: uri) {
            if let reason = settings.enrootOnly(for: reference) {
                why = reason
            } else if let curl {
                switch ask(curl, reference) {
                case .digest(let digest): return digest
                case .askEnroot(let reason): why = reason
                case .refused(let reason): throw CacheError("\(uri): \(reason); not using the image cache for it", unusable: true)
                case .tokenNeeded: why = "a second token request"
                }
            } else {
                why = "curl is not in PATH"
            }
        } else {
            why = "a form of image reference that only enroot reads"
        }
        report("asking enroot for the digest of \(uri): \(why)")
        return try enroot.digest(of: uri)
    }

    public func importImage(_ uri: String, to path: String, stillRunning: () -> Void) throws(CacheError) {
        try enroot.importImage(uri, to: path, stillRunning: stillRunning)
    }

    /// The manifest request, and once more with a token when the registry wants one.
    private func ask(_ curl: String, _ reference: RegistryReference) -> ManifestResponse {
        let first = request(curl, reference, headerFile: nil)
        guard case .tokenNeeded(let realm, let parameters) = first else { return first }
        var arguments = ["-G"]
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        guard let body = run(curl, arguments + ["--", realm]), let token = ManifestResponse.token(body) else {
            return .askEnroot("no anonymous token from \(realm)")
        }
        // The token goes in a private file, not on a command line others can read.
        guard let headerFile = TemporaryFile("Authorization: Bearer \(token)\n") else { return .askEnroot("no temporary file") }
        defer { headerFile.remove() }
        return request(curl, reference, headerFile: headerFile.path)
    }

    private func request(_ curl: String, _ reference: RegistryReference, headerFile: String?) -> ManifestResponse {
        var arguments = ["-D", "-", "-H", "Accept: \(ManifestResponse.accept)"]
        if let headerFile { arguments += ["-H", "@" + headerFile] }
        guard let output = run(curl, arguments + ["--", reference.manifestURL]) else {
            return .askEnroot("curl failed")
        }
        return ManifestResponse.read(output, architecture: settings.architecture)
    }

    /// The most a manifest, an index or a token response may weigh (a registry that sends more
    /// is left to enroot), and how long one request may take when enroot's transfer timeout is
    /// unlimited: a look-up must never hang a step.
    static let maximumResponseBytes = "4194304"
    static let defaultMaximumSeconds = "120"

    /// curl with enroot's options (`docker.sh`'s `curl_opts`), plus `-g` (a URL is never a
    /// glob pattern) and the bounds above: stdout, or nil when it fails.
    private func run(_ curl: String, _ arguments: [String]) -> String? {
        let maximumSeconds = settings.transferTimeout == "0" ? Self.defaultMaximumSeconds : settings.transferTimeout
        let options = ["--proto", "=https", "--retry", settings.retries, "--connect-timeout", settings.connectTimeout,
                       "--max-time", maximumSeconds, "--max-filesize", Self.maximumResponseBytes, "-g", "-SsL"]
        guard let result = try? ProcessRunner.run(curl, arguments: options + arguments, environment: enroot.environment,
                                                  identity: .inherited, captureOutput: true),
              result.succeeded else { return nil }
        return result.output
    }
}

/// A 0600 file in $TMPDIR (or /tmp), removed by `remove()`.
struct TemporaryFile {
    let path: String

    init?(_ text: String) {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        var template = Array((directory + "/pyxis-image-cache.XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { unlink(path); return nil }
    }

    func remove() { unlink(path) }
}
