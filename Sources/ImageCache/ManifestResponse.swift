import FoundationEssentials

/// What a registry's answer to `GET /v2/REPOSITORY/manifests/TAG` (every manifest type
/// accepted) says about the image's digest for this node's platform — the digest `enroot
/// digest` prints: the platform's manifest from a list, else the manifest itself.
public enum ManifestResponse: Equatable, Sendable {
    case digest(ImageDigest)
    /// 401 with a Bearer challenge: ask REALM for an anonymous token, then again.
    case tokenNeeded(realm: String, parameters: [String: String])
    /// Anything else (an error, Basic authentication, an unknown manifest type, no entry for
    /// the platform): `enroot digest` answers, with its own messages.
    case askEnroot(String)
    /// The manifest's own SHA-256 is not the digest the registry claims for it: the cache is
    /// not used for this image.
    case refused(String)

    public static let accept = [
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
    ].joined(separator: ", ")

    /// Reads `curl -D - -o -` output (every header block, then the body) for ARCHITECTURE
    /// (Debian's names, as enroot: amd64, arm64, ppc64le).
    public static func read(_ output: String, architecture: String) -> ManifestResponse {
        let response = HTTPResponse(output)
        switch response.status {
        case 200:
            break
        case 401:
            guard let challenge = response.header("www-authenticate"),
                  let (realm, parameters) = Self.bearerChallenge(challenge) else {
                return .askEnroot("authentication other than an anonymous Bearer token")
            }
            return .tokenNeeded(realm: realm, parameters: parameters)
        default:
            return .askEnroot("HTTP status \(response.status)")
        }
        // What the registry sent is hashed: a digest it claims for other content is refused.
        let computed = ImageDigest.sha256(of: Array(response.body.utf8))
        if let header = response.header("docker-content-digest"), let claimed = ImageDigest(header), claimed != computed {
            return .refused("the registry claims \(claimed) for a manifest whose SHA-256 is \(computed)")
        }
        let type = response.header("content-type").map { String($0.split(separator: ";").first ?? "") } ?? ""
        switch trimmed(type) {
        case "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.index.v1+json":
            guard let index = try? JSONDecoder().decode(ManifestIndex.self, from: Data(response.body.utf8)),
                  let entry = index.manifests.first(where: { $0.platform?.architecture == architecture }),
                  let digest = ImageDigest(entry.digest) else {
                return .askEnroot("no manifest for \(architecture) in the image index")
            }
            return .digest(digest)
        case "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json":
            // A manifest's digest is its SHA-256, with or without the header.
            return .digest(computed)
        default:
            return .askEnroot("manifest type '\(type)'")
        }
    }

    /// The token in a token service's answer (`token` or `access_token`).
    public static func token(_ body: String) -> String? {
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.utf8)) else { return nil }
        return (answer.token ?? answer.access_token).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `Bearer realm="...",service="...",scope="..."`.
    static func bearerChallenge(_ header: String) -> (String, [String: String])? {
        guard header.lowercased().hasPrefix("bearer ") else { return nil }
        var parameters: [String: String] = [:]
        var rest = Substring(header.dropFirst("bearer ".count))
        while let equals = rest.firstIndex(of: "=") {
            let key = trimmed(rest[..<equals]).lowercased()
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            parameters[key] = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].drop(while: { $0 == "," || $0 == " " })
        }
        guard let realm = parameters.removeValue(forKey: "realm"), realm.hasPrefix("https://") else { return nil }
        return (realm, parameters)
    }

    private struct ManifestIndex: Decodable {
        struct Entry: Decodable {
            struct Platform: Decodable { var architecture: String? }
            var digest: String
            var platform: Platform?
        }
        var manifests: [Entry]
    }

    private struct TokenAnswer: Decodable {
        var token: String?
        var access_token: String?
    }
}

/// The last response in `curl -D - -o -` output (redirects give several header blocks).
struct HTTPResponse {
    var status = 0
    var headers: [(String, String)] = []
    var body = ""

    init(_ output: String) {
        var rest = Substring(output)
        // "\r\n" is one Character: a header block ends at two of them in a row.
        while rest.hasPrefix("HTTP/"),
              let end = rest.indices.first(where: { rest[$0] == "\r\n" && rest.index(after: $0) < rest.endIndex && rest[rest.index(after: $0)] == "\r\n" }) {
            let lines = rest[..<end].split(separator: "\r\n")
            status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
            headers = lines.dropFirst().compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (line[..<colon].lowercased(), trimmed(line[line.index(after: colon)...]))
            }
            rest = rest[rest.index(end, offsetBy: 2)...]
        }
        body = String(rest)
    }

    func header(_ name: String) -> String? { headers.last(where: { $0.0 == name })?.1 }
}

/// TEXT without the spaces and tabs around it.
func trimmed<S: StringProtocol>(_ text: S) -> String {
    String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
}
