/// Where a tag's manifest lives: registry host, repository and tag, parsed from an image URI
/// the way every enroot release parses it — or nil, so that `enroot digest` decides.
///
/// The cache names files by the digest this look-up finds and `enroot import` fills them from
/// the same URI: the two must agree on which image a URI means, or a file would hold another
/// image. So only the forms every enroot release reads alike are parsed here (no `USER@`, which
/// brings credentials; no `REGISTRY/IMAGE` without `#`, which enroot 4.1 reads as a Docker Hub
/// name and later releases as a registry); anything else is left to enroot.
public struct RegistryReference: Equatable, Sendable {
    public var registry: String
    public var repository: String
    public var tag: String

    public static let dockerHub = "registry-1.docker.io"

    public init(registry: String, repository: String, tag: String) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
    }

    /// `docker://REGISTRY#IMAGE[:TAG]` or `docker://IMAGE[:TAG]` (Docker Hub when IMAGE's first
    /// component has no `.` or `:`), with enroot's character sets; tag `latest` when none.
    public init?(uri: String) {
        guard uri.hasPrefix("docker://") else { return nil }
        var rest = Substring(uri.dropFirst("docker://".count))
        guard !rest.contains("@") else { return nil }   // credentials, or a digest (no look-up)
        var registry = Self.dockerHub
        if let hash = rest.firstIndex(of: "#") {
            registry = String(rest[..<hash])
            rest = rest[rest.index(after: hash)...]
            guard !registry.isEmpty, !registry.contains("/") else { return nil }
        } else if let first = rest.split(separator: "/", maxSplits: 1).first, rest.contains("/"),
                  first.contains(".") || first.contains(":") {
            return nil   // REGISTRY/IMAGE: the enroot releases disagree
        }
        var tag = "latest"
        if let colon = rest.firstIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard !tag.isEmpty, tag.utf8.allSatisfy(Self.isTagByte) else { return nil }
        }
        guard !rest.isEmpty, rest.utf8.allSatisfy(Self.isImageByte), !rest.hasPrefix("/"), !rest.hasSuffix("/"),
              !rest.contains("//") else { return nil }
        var repository = String(rest)
        if ["docker.io", "index.docker.io", Self.dockerHub].contains(registry) {
            registry = Self.dockerHub
            if !repository.contains("/") { repository = "library/" + repository }
        }
        guard registry.utf8.allSatisfy(Self.isHostByte) else { return nil }
        self.init(registry: registry, repository: repository, tag: tag)
    }

    /// The host whose credentials enroot would look up (the registry without its port).
    public var host: String { String(registry.split(separator: ":", maxSplits: 1).first ?? "") }

    public var manifestURL: String { "https://\(registry)/v2/\(repository)/manifests/\(tag)" }

    /// enroot's `[[:lower:][:digit:]/._-]`.
    static func isImageByte(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (48...57).contains(byte) || byte == 47 || byte == 46 || byte == 95 || byte == 45
    }

    /// enroot's `[[:alnum:]._:-]`, without `:` (a second colon is not a tag).
    static func isTagByte(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte) || byte == 46 || byte == 95 || byte == 45
    }

    /// A host name with an optional port: letters, digits, `.`, `-`, `:`.
    static func isHostByte(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte) || byte == 46 || byte == 45 || byte == 58
    }
}
