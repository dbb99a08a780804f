/// The lock a step holds while it imports an image into the cache, so that steps on other
/// nodes wait for it instead of importing the same image again. It is a file created with
/// O_EXCL (atomic on local file systems, NFS v3+ and Lustre, unlike flock), holding who made it;
/// its owner touches it while importing. A lock whose owner is gone (same host, process dead)
/// or silent for too long (another host) is stale, and the next step takes it over.
public struct ProducerLock: Equatable, Sendable {
    public var host: String
    public var pid: Int32
    /// Seconds since the epoch when it was taken.
    public var taken: Int64

    public init(host: String, pid: Int32, taken: Int64) {
        self.host = host
        self.pid = pid
        self.taken = taken
    }

    /// `pyxis-image-cache-lock HOST PID TAKEN`, one line.
    public var text: String { "pyxis-image-cache-lock \(host) \(pid) \(taken)\n" }

    public init?(text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard words.count == 4, words[0] == "pyxis-image-cache-lock", let pid = Int32(words[2]),
              let taken = Int64(words[3]) else { return nil }
        self.init(host: String(words[1]), pid: pid, taken: taken)
    }

    public enum State: Equatable, Sendable {
        case held
        /// Why it is stale, for the message of the step that takes it over.
        case stale(String)
    }

    /// - Parameters:
    ///   - record: what the lock file holds (nil: unreadable or half-written).
    ///   - silentFor: seconds since the lock file was last touched.
    ///   - host: this host's name.
    ///   - processExists: whether a process of this host exists.
    ///   - staleAfter: how long an owner may stay silent.
    public static func state(
        _ record: ProducerLock?, silentFor: Int64, host: String, processExists: (Int32) -> Bool, staleAfter: Int64
    ) -> State {
        if let record, record.host == host {
            return processExists(record.pid) ? .held : .stale("its owner, process \(record.pid) on \(host), is gone")
        }
        if silentFor > staleAfter {
            let owner = record.map { "process \($0.pid) on \($0.host)" } ?? "an unknown owner"
            return .stale("its owner, \(owner), has not touched it for \(silentFor) s")
        }
        return .held
    }
}
