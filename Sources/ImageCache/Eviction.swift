/// Which cache files go when the cache is over its limit: the least recently used first, until
/// the rest fits; never a protected one (the file a step is about to use), nor one a running
/// step holds a reference to (on NFS its removal would pull the file from under the step).
public enum Eviction {
    public struct Entry: Equatable, Sendable {
        public var name: String
        public var bytes: UInt64
        /// When a step last used it (`.used-NAME`, else its own modification time).
        public var lastUsed: Int64
        /// A running step holds a reference to it (UseReference).
        public var inUse: Bool
        public init(name: String, bytes: UInt64, lastUsed: Int64, inUse: Bool = false) {
            self.name = name
            self.bytes = bytes
            self.lastUsed = lastUsed
            self.inUse = inUse
        }

        /// The file that records NAME's last use.
        public static func usedMarker(_ name: String) -> String { ".used-\(name)" }
    }

    /// The names to remove, oldest first; none when `limit` is 0 (no limit).
    public static func victims(_ entries: [Entry], limit: UInt64, protecting protected: Set<String> = []) -> [String] {
        guard limit > 0 else { return [] }
        // Summed in 128 bits: sizes a file system reports are never trusted not to overflow.
        var total = entries.reduce(UInt128(0)) { $0 + UInt128($1.bytes) }
        var victims: [String] = []
        for entry in entries.sorted(by: { ($0.lastUsed, $0.name) < ($1.lastUsed, $1.name) }) where total > UInt128(limit) {
            guard !protected.contains(entry.name), !entry.inUse else { continue }
            victims.append(entry.name)
            total -= UInt128(entry.bytes)
        }
        return victims
    }
}
