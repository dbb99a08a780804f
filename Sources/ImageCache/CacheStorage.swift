import PyxisCore

/// What the cache needs from its directory (CacheDirectory on a real one; fakes in tests). Names
/// are plain file names in the directory, never paths.
public protocol CacheStorage: AnyObject {
    /// The directory's path, for messages and for the files handed to enroot.
    var path: String { get }
    /// The cache files (`sha256-*.sqsh`), with their size, last use (`markUsed`) and whether a
    /// step holds a reference to one (its link count).
    func entries() -> [Eviction.Entry]
    /// The steps' references (`.use-*`: UseReference).
    func references() -> [String]
    /// A hard link REFERENCE to NAME; false when NAME is not there.
    func link(_ name: String, as reference: String) throws(CacheError) -> Bool
    /// Records that NAME was used now, in a file of its own (`.used-NAME`): the image's own
    /// times stay, so the clients of a shared file system keep its cached pages.
    func markUsed(_ name: String)
    /// The producers' temporary files (`.partial-*.sqsh`), with their size and last change.
    func partials() -> [Eviction.Entry]
    /// Whether NAME is a complete squashfs file of the user's (regular, not a link, squashfs magic).
    func isUsable(_ name: String) -> Bool
    func exists(_ name: String) -> Bool
    /// NAME as one look at one open file: missing, usable, or there but not usable, with the
    /// identity to remove it by.
    func inspect(_ name: String) -> CacheFileState
    /// Which file NAME is now (device and inode), nil when there is none.
    func identity(_ name: String) -> FileID?
    /// Removes NAME only if it is still the file IDENTITY (a step may have published a new one
    /// meanwhile); true when it removed it.
    func removeIfSame(_ name: String, identity: FileID) -> Bool
    /// Sets NAME's modification time to now (a lock's heartbeat).
    func touch(_ name: String)
    func remove(_ name: String) throws(CacheError)
    /// Renames within the directory, replacing TO (how a finished import is published).
    func rename(_ from: String, to: String) throws(CacheError)
    /// Creates NAME holding TEXT only if it does not exist (O_EXCL); false when it does.
    func createExclusively(_ name: String, text: String) throws(CacheError) -> Bool
    /// NAME's text, age and stamp (nil: it does not exist).
    func read(_ name: String) -> FileSnapshot?
    /// Writes NAME whole (a new file renamed over the old one: readers see one or the other).
    func replace(_ name: String, text: String) throws(CacheError)
    /// Removes NAME only if it still holds TEXT (a stale lock that no other step has taken over
    /// meanwhile); true when it removed it.
    func removeIfUnchanged(_ name: String, text: String) -> Bool
}

/// A small file of the cache as read once.
public struct FileSnapshot: Equatable, Sendable {
    public var text: String
    /// Seconds since it was last modified, by this machine's clock (for a tag's memo only).
    public var age: Int64
    /// Which file it is and when it was last modified: a lock whose stamp changes is alive.
    public var stamp: FileStamp

    public init(text: String, age: Int64, stamp: FileStamp) {
        (self.text, self.age, self.stamp) = (text, age, stamp)
    }
}

public struct FileID: Equatable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    /// `DEVICE:INODE`, as `pyxis-image-cache get` tells the plugin.
    public var description: String { "\(device):\(inode)" }

    public init(device: UInt64, inode: UInt64) {
        (self.device, self.inode) = (device, inode)
    }
}

public enum CacheFileState: Equatable, Sendable {
    case missing
    case usable
    case broken(FileID)
}

public struct FileStamp: Equatable, Sendable {
    public var inode: UInt64
    /// Nanoseconds since the epoch (the file server's clock: compared only with itself).
    public var modified: Int64

    public init(inode: UInt64, modified: Int64) {
        (self.inode, self.modified) = (inode, modified)
    }
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
    /// Seconds since the epoch.
    func now() -> Int64
    /// A clock that only moves forward, unaffected by time changes and other machines.
    func monotonicMilliseconds() -> Int64
    func sleep(milliseconds: Int)
    var host: String { get }
    var pid: Int32 { get }
    /// The start time of process PID of this host, nil when there is none (or /proc hides it).
    func processStart(_ pid: Int32) -> UInt64?
    /// Whether process PID of this host exists, even one /proc hides from this user
    /// (`hidepid`): kill(PID, 0) tells.
    func processExists(_ pid: Int32) -> Bool
    /// A fresh random token (hexadecimal) no other step can guess.
    func randomToken() -> String
}

/// A failure, with the lines of the command's log that explain it.
public struct CacheError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var log: [String]
    /// The cache cannot serve this image now (a producer that never finishes): pyxis imports
    /// without it, or fails, as `image_cache_fallback` says.
    public var unusable: Bool
    public init(_ message: String, log: [String] = [], unusable: Bool = false) {
        self.message = message
        self.log = log
        self.unusable = unusable
    }
    public var description: String { message }
}
