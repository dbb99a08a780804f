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

    /// The cache file of the image: `sha256-<hex>.sqsh`.
    public var fileName: String { "sha256-\(hex).sqsh" }

    /// The digest a cache file name stands for (nil for any other name).
    public init?(fileName: String) {
        guard fileName.hasPrefix("sha256-"), fileName.hasSuffix(".sqsh") else { return nil }
        self.init("sha256:" + fileName.dropFirst("sha256-".count).dropLast(".sqsh".count))
    }

    /// The digest an image reference pins (`IMAGE@sha256:...`), which needs no registry look-up.
    public static func pinned(by uri: String) -> ImageDigest? {
        guard let at = uri.lastIndex(of: "@") else { return nil }
        return ImageDigest(String(uri[uri.index(after: at)...]))
    }
}
