import PyxisCore

/// What the cache needs from its directory (CacheDirectory on a real one; fakes in tests). Names
/// are plain file names in the directory, never paths.
public protocol CacheStorage: AnyObject {
    /// The directory's path, for messages and for the files handed to enroot.
    var path: String { get }
    /// The cache files (`sha256-*.sqsh`), with their size and last use.
    func entries() -> [Eviction.Entry]
    /// Whether NAME is a complete squashfs file of the user's (regular, not a link, squashfs magic).
    func isUsable(_ name: String) -> Bool
    func exists(_ name: String) -> Bool
    /// Marks NAME as just used (its modification time), for the least-recently-used order.
    func touch(_ name: String)
    func remove(_ name: String) throws(CacheError)
    /// Renames within the directory, replacing TO (how a finished import is published).
    func rename(_ from: String, to: String) throws(CacheError)
    /// Creates NAME holding TEXT only if it does not exist (O_EXCL); false when it does.
    func createExclusively(_ name: String, text: String) throws(CacheError) -> Bool
    /// NAME's text and the seconds since it was last modified (nil: it does not exist).
    func read(_ name: String) -> (text: String, age: Int64)?
    /// Writes NAME whole (a new file renamed over the old one: readers see one or the other).
    func replace(_ name: String, text: String) throws(CacheError)
    /// Removes NAME only if it still holds TEXT (a stale lock that no other step has taken over
    /// meanwhile); true when it removed it.
    func removeIfUnchanged(_ name: String, text: String) -> Bool
}

/// What the cache needs from enroot (EnrootImages; fakes in tests).
public protocol ImageRegistry {
    /// The manifest digest of URI for this node's platform: one registry round trip.
    func digest(of uri: String) throws(CacheError) -> ImageDigest
    /// `enroot import --output PATH URI`; calls `stillRunning` every few seconds meanwhile.
    func importImage(_ uri: String, to path: String, stillRunning: () -> Void) throws(CacheError)
}

/// What the cache needs from the machine.
public protocol CacheClock {
    func now() -> Int64
    func sleep(milliseconds: Int)
    var host: String { get }
    var pid: Int32 { get }
    func processExists(_ pid: Int32) -> Bool
}

/// A failure, with the lines of the command's log that explain it.
public struct CacheError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var log: [String]
    public init(_ message: String, log: [String] = []) {
        self.message = message
        self.log = log
    }
    public var description: String { message }
}
