/// A running step's reference to a cache file: a hard link `.use-NAME~HOST~STEP~PID~START~CREATED~TOKEN`
/// beside it (docs/image-cache.md, "In use").
///
/// Why a hard link: on NFS an unlinked file does not stay readable for the other clients, so a
/// container on one node that reads its image through squashfuse would get ESTALE when another
/// node evicts, removes or re-publishes the name. While a link to the inode is left, the server
/// keeps the file, whatever happens to the name; and eviction passes over files whose link
/// count says a step still uses them. The step's teardown removes its references
/// (`pyxis-image-cache release --step`). One a crash left behind is stale when, on its own
/// host, the slurmstepd it names (pid and start time) is gone, and on another host after
/// `maxAge` seconds.
public struct UseReference: Equatable, Sendable {
    /// The slurmstepd of the step on one node.
    public struct Holder: Equatable, Sendable {
        public var host: String
        /// The step, as `JOBID.STEPID` (`123.0`, `123.batch`, `123+1.0`).
        public var step: String
        public var pid: Int32
        /// Its start time (`/proc/PID/stat`), 0 when /proc hides it (`hidepid`).
        public var start: UInt64

        public init(host: String, step: String, pid: Int32, start: UInt64) {
            (self.host, self.step, self.pid, self.start) = (host, step, pid, start)
        }

        /// Whether TEXT can be a step in a file name: Slurm's ids and nothing else.
        public static func isValidStep(_ text: String) -> Bool {
            !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || ".+_-".utf8.contains($0)
            }
        }
    }

    public static let prefix = ".use-"
    public static let defaultMaxAge: Int64 = 7 * 24 * 3600

    public var cacheName: String
    public var holder: Holder
    /// Seconds since the epoch when the step took it.
    public var created: Int64
    public var token: String

    public init(cacheName: String, holder: Holder, created: Int64, token: String) {
        (self.cacheName, self.holder, self.created, self.token) = (cacheName, holder, created, token)
    }

    public var fileName: String {
        "\(Self.prefix)\(cacheName)~\(holder.host)~\(holder.step)~\(holder.pid)~\(holder.start)~\(created)~\(token)"
    }

    /// The reference a file name in the cache directory is, or nil.
    public init?(fileName: String) {
        guard fileName.hasPrefix(Self.prefix) else { return nil }
        let fields = fileName.dropFirst(Self.prefix.count).split(separator: "~", omittingEmptySubsequences: false)
        guard fields.count == 7, let pid = Int32(fields[3]), let start = UInt64(fields[4]), let created = Int64(fields[5]),
              !fields[0].isEmpty, !fields[1].isEmpty, Holder.isValidStep(String(fields[2])) else { return nil }
        self.init(cacheName: String(fields[0]),
                  holder: Holder(host: String(fields[1]), step: String(fields[2]), pid: pid, start: start),
                  created: created, token: String(fields[6]))
    }

    /// Whether the step that took it is gone: on this host, its slurmstepd (pid and start time)
    /// no longer runs, or, where /proc hides it, no process has its pid; elsewhere, it is older
    /// than `maxAge`.
    public func isStale(now: Int64, host: String, startTime: (Int32) -> UInt64?, exists: (Int32) -> Bool, maxAge: Int64) -> Bool {
        guard holder.host == host else { return now - created > maxAge }
        if holder.start != 0, let start = startTime(holder.pid) { return start != holder.start }
        return !exists(holder.pid)
    }
}

/// The references in one cache directory, as this host sees them.
public struct CacheReferences {
    public let storage: CacheStorage
    public let clock: CacheClock

    public init(storage: CacheStorage, clock: CacheClock) {
        self.storage = storage
        self.clock = clock
    }

    /// The references of STEP on this host go (its teardown); returns how many there were.
    @discardableResult
    public func release(step: String) -> Int {
        var released = 0
        for name in storage.references() {
            guard let reference = UseReference(fileName: name), reference.holder.host == clock.host,
                  reference.holder.step == step, (try? storage.remove(name)) != nil else { continue }
            released += 1
        }
        return released
    }

    /// Removes the references of steps that are gone (UseReference.isStale); returns their names.
    func pruneStale(maxAge: Int64) -> [String] {
        let now = clock.now()
        return storage.references().filter { name in
            guard let reference = UseReference(fileName: name),
                  reference.isStale(now: now, host: clock.host, startTime: clock.processStart,
                                    exists: clock.processExists, maxAge: maxAge) else { return false }
            return (try? storage.remove(name)) != nil
        }
    }
}
