/// The lock a step holds while it imports an image into the cache, so that steps on other
/// nodes wait for it instead of importing the same image again. It is a file created with
/// O_EXCL (atomic on local file systems, NFS v3+ and Lustre, unlike flock), holding who made it
/// and a random token that only its owner knows; its owner touches it while importing.
///
/// Ownership is the token: the owner removes the lock only while it still holds its token, and
/// publishes only then (a step taken over while suspended waits again instead). A lock is stale
/// when its owner is gone (same host: no process with its pid and start time) or when its file
/// (inode and modification time) has not changed for the stale time, as measured on the
/// waiter's own monotonic clock: no two machines' clocks are ever compared.
public struct ProducerLock: Equatable, Sendable {
    public var host: String
    public var pid: Int32
    /// The owner's start time (`/proc/PID/stat` field 22), which a reused pid does not share.
    public var start: UInt64
    /// Seconds since the epoch when it was taken (for people reading the file).
    public var taken: Int64
    public var token: String

    public init(host: String, pid: Int32, start: UInt64, taken: Int64, token: String) {
        self.host = host
        self.pid = pid
        self.start = start
        self.taken = taken
        self.token = token
    }

    /// `pyxis-image-cache-lock HOST PID START TAKEN TOKEN`, one line.
    public var text: String { "pyxis-image-cache-lock \(host) \(pid) \(start) \(taken) \(token)\n" }

    public init?(text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.count == 6, words[0] == "pyxis-image-cache-lock", let pid = Int32(words[2]),
              let start = UInt64(words[3]), let taken = Int64(words[4]) else { return nil }
        self.init(host: String(words[1]), pid: pid, start: start, taken: taken, token: String(words[5]))
    }

    public var owner: String { "process \(pid) on \(host)" }

    public enum State: Equatable, Sendable {
        case held
        /// Why it is stale, for the message of the step that takes it over.
        case stale(String)
    }

    /// - Parameters:
    ///   - record: what the lock file holds (nil: unreadable, half-written or another format).
    ///   - host: this host's name.
    ///   - processStart: the start time of a process of this host, nil when there is none.
    ///   - unchangedForMilliseconds: how long this waiter has seen the lock file unchanged.
    ///   - staleAfter: seconds an owner may leave it unchanged.
    public static func state(
        _ record: ProducerLock?, host: String, processStart: (Int32) -> UInt64?,
        unchangedForMilliseconds: Int64, staleAfter: Int64
    ) -> State {
        if let record, record.host == host, processStart(record.pid) != record.start {
            return .stale("its owner, process \(record.pid) on \(host), is gone")
        }
        if unchangedForMilliseconds > staleAfter * 1000 {
            let owner = record?.owner ?? "an unknown owner"
            return .stale("its owner, \(owner), has not touched it for \(unchangedForMilliseconds / 1000) s")
        }
        return .held
    }
}
