/// The content address of an image: the manifest digest a registry gives for the node's
/// platform (`sha256:` and 64 lowercase hex digits). It names the image's file in the cache, so
/// it is checked strictly: nothing else may become part of a path.
public struct ImageDigest: Hashable, Sendable, CustomStringConvertible {
    public let hex: String

    /// `sha256:<64 hex>`, as `enroot digest` prints it (surrounding white space is ignored).
    public init?(_ text: String) {
        var text = Substring(text)
        while let last = text.last, last == "\n" || last == "\r" || last == " " || last == "\t" { text = text.dropLast() }
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        guard text.hasPrefix("sha256:") else { return nil }
        let hex = text.dropFirst("sha256:".count)
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        self.hex = String(hex)
    }

    public var description: String { "sha256:\(hex)" }

    /// The digest of BYTES: what a registry must call the manifest it sends.
    public static func sha256(of bytes: [UInt8]) -> ImageDigest {
        ImageDigest("sha256:" + SHA256.hex(bytes))!
    }


    /// The digest a cache file name stands for (nil for any other name; `CacheFileName`).
    public init?(fileName: String) {
        guard let name = CacheFileName(parsing: fileName) else { return nil }
        self = name.digest
    }

    /// The digest an image reference pins (`IMAGE@sha256:...`), which needs no registry look-up.
    public static func pinned(by uri: String) -> ImageDigest? {
        guard let at = uri.lastIndex(of: "@") else { return nil }
        return ImageDigest(String(uri[uri.index(after: at)...]))
    }
}
