/// The name of an image's file in the cache: `sha256-<digest>-<source>.sqsh`, where the source is
/// the first 32 hex digits of the SHA-256 of the registry and repository the URI names. The
/// digest alone would let a registry a user pulls from once claim the digest of another
/// registry's image and have its own content stored, and later run, under that name: with the
/// source in the name, what a registry serves is only ever found again through that registry.
/// A name of the first releases, `sha256-<digest>.sqsh`, is still listed, evicted and removed.
public struct CacheFileName: Equatable, Sendable {
    public let digest: ImageDigest
    /// 32 hex digits; nil for a name of the first releases.
    public let source: String?

    public init(digest: ImageDigest, uri: String) throws(CacheError) {
        guard let spelled = Self.repository(of: uri) else {
            throw CacheError("cannot tell which registry and repository \(uri) names", unusable: true)
        }
        self.digest = digest
        source = String(SHA256.hex(Array(spelled.utf8)).prefix(32))
    }

    public var text: String { "sha256-\(digest.hex)\(source.map { "-" + $0 } ?? "").sqsh" }

    /// A cache file's name, in either form (nil for any other name).
    public init?(parsing name: String) {
        guard name.hasPrefix("sha256-"), name.hasSuffix(".sqsh") else { return nil }
        let middle = name.dropFirst("sha256-".count).dropLast(".sqsh".count)
        guard let digest = ImageDigest("sha256:" + middle.prefix(64)) else { return nil }
        let rest = middle.dropFirst(64)
        if rest.isEmpty {
            source = nil
        } else {
            let key = rest.dropFirst()
            guard rest.first == "-", key.utf8.count == 32, key.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                return nil
            }
            source = String(key)
        }
        self.digest = digest
    }

    /// What URI says about where the image lives, as enroot reads `docker://[USER@][REGISTRY#]IMAGE[:TAG][@DIGEST]`:
    /// the user, the tag and the digest taken off (they do not change whose image it is);
    /// `REGISTRY#IMAGE`, `IMAGE` or `REGISTRY/IMAGE` as written. Nil for another scheme.
    static func repository(of uri: String) -> String? {
        guard uri.hasPrefix("docker://") else { return nil }
        var rest = Substring(uri.dropFirst("docker://".count))
        if let at = rest.lastIndex(of: "@"), ImageDigest(String(rest[rest.index(after: at)...])) != nil {
            rest = rest[..<at]
        }
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let imageStart = rest.lastIndex(of: "#").map { rest.index(after: $0) } ?? rest.startIndex
        let image = rest[imageStart...]
        if let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }
}
