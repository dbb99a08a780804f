import PyxisCore

/// Gets an image's squashfs file from the cache, importing it first when no step has (see
/// docs/image-cache.md): resolve the digest, use `<digest>.sqsh` when it is there and complete,
/// else take the producer lock, import into a temporary file in the same directory and rename
/// it into place, then evict the least recently used files over the limit. Steps that find the
/// lock taken wait for its owner (bounded) instead of importing too; readers take no lock.
public struct CacheFetch {
    public enum Outcome: Equatable, Sendable {
        /// The file was there.
        case hit
        /// This step imported it.
        case imported
        /// Another step imported it while this one waited.
        case waited
    }

    public struct Result: Equatable, Sendable {
        public var path: String
        public var digest: ImageDigest
        public var outcome: Outcome
        /// Cache files removed to stay under the limit.
        public var evicted: [String]
    }

    public let storage: CacheStorage
    public let registry: ImageRegistry
    public let clock: CacheClock
    /// Bytes; 0: no limit.
    public var limit: UInt64 = 0
    /// How long a lock's owner may stay silent before another step takes it over.
    public var staleAfter: Int64 = 60
    /// How long a step waits for another one's import.
    public var maxWait: Int64 = 1800
    /// How long a tag's digest, once looked up, is trusted without asking the registry again
    /// (0: always ask, so a moved tag is seen at once).
    public var tagTTL: Int64 = 0
    /// Lines for the user (waiting, taking over, evicting, re-importing).
    public var report: (String) -> Void = { _ in }

    public init(storage: CacheStorage, registry: ImageRegistry, clock: CacheClock) {
        self.storage = storage
        self.registry = registry
        self.clock = clock
    }

    public func get(_ uri: String) throws(CacheError) -> Result {
        if let remembered = rememberedHit(uri) { return remembered }
        let digest: ImageDigest
        if let pinned = ImageDigest.pinned(by: uri) {
            digest = pinned
        } else {
            digest = try registry.digest(of: uri)
            remember(uri, digest)
        }
        let name = digest.fileName
        let lockName = "\(name).lock"
        var waitedSince: Int64?
        var discardedBroken = false
        while true {
            if storage.isUsable(name) {
                storage.touch(name)
                return Result(path: file(name), digest: digest, outcome: waitedSince == nil ? .hit : .waited, evicted: [])
            }
            if storage.exists(name), !discardedBroken {
                // Not a complete squashfs file (truncated by hand, corrupted): never used.
                report("the cache file \(file(name)) is not a complete squashfs file; importing \(uri) again")
                try storage.remove(name)
                discardedBroken = true
            }
            let record = ProducerLock(host: clock.host, pid: clock.pid, taken: clock.now())
            if try storage.createExclusively(lockName, text: record.text) {
                defer { try? storage.remove(lockName) }
                return try produce(uri, digest: digest, lockName: lockName)
            }
            // A lock that vanished meanwhile, or cannot be read, counts as held for a moment.
            let (text, age) = storage.read(lockName) ?? ("", 0)
            let owner = ProducerLock(text: text)
            switch ProducerLock.state(owner, silentFor: age, host: clock.host,
                                      processExists: clock.processExists, staleAfter: staleAfter) {
            case .stale(let why):
                // Only the lock judged stale goes: another waiter may have taken over already.
                if storage.removeIfUnchanged(lockName, text: text) {
                    report("taking over the import of \(uri) into the cache: \(why)")
                    // What the gone owner left half-written.
                    if let owner { try? storage.remove(Self.partialName(digest, host: owner.host, pid: owner.pid)) }
                }
                continue
            case .held:
                let now = clock.now()
                if waitedSince == nil {
                    waitedSince = now
                    let who = owner.map { "process \($0.pid) on \($0.host)" } ?? "another step"
                    report("waiting for \(who) to import \(uri) into the cache")
                } else if let since = waitedSince, now - since > maxWait {
                    throw CacheError("gave up after \(maxWait) s waiting for another step to import \(uri) into the cache (lock \(file(lockName)))")
                }
                clock.sleep(milliseconds: 250)
            }
        }
    }

    /// A cache file a step could not start from: removed when a full read finds it damaged, so
    /// that the next `get` imports the image again; false when it reads whole (the failure lies
    /// elsewhere). A file already gone was removed by another step, which is importing it.
    public func discardIfDamaged(_ path: String, checker: SquashfsChecker) throws(CacheError) -> Bool {
        let prefix = storage.path + "/"
        let name = String(path.dropFirst(prefix.count))
        guard path.hasPrefix(prefix), ImageDigest(fileName: name) != nil else {
            throw CacheError("\(path) is not an image file of the cache \(storage.path)")
        }
        guard storage.exists(name) else { return true }
        guard let damage = checker.damage(of: path) else { return false }
        report("the cache file \(path) is damaged (\(damage)); removed it")
        try storage.remove(name)
        return true
    }

    /// The memo of a tag's digest: `tag-<hash of URI>`, holding the URI and the digest; its
    /// modification time says when the registry gave that answer.
    static func memoName(_ uri: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a: a name, not a security boundary
        for byte in uri.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "tag-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A hit from a recent answer of the registry (`tagTTL`), without asking it again.
    private func rememberedHit(_ uri: String) -> Result? {
        guard tagTTL > 0, ImageDigest.pinned(by: uri) == nil, let (text, age) = storage.read(Self.memoName(uri)),
              age <= tagTTL else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == uri, let digest = ImageDigest(String(lines[1])),
              storage.isUsable(digest.fileName) else { return nil }
        storage.touch(digest.fileName)
        return Result(path: file(digest.fileName), digest: digest, outcome: .hit, evicted: [])
    }

    private func remember(_ uri: String, _ digest: ImageDigest) {
        guard tagTTL > 0 else { return }
        try? storage.replace(Self.memoName(uri), text: "\(uri)\n\(digest)\n")
    }

    /// Imports under the lock: into a temporary file beside the cache file, renamed into place
    /// only when complete, so no reader ever sees a partial file.
    private func produce(_ uri: String, digest: ImageDigest, lockName: String) throws(CacheError) -> Result {
        let name = digest.fileName
        if storage.isUsable(name) {   // published while this step took the lock
            storage.touch(name)
            return Result(path: file(name), digest: digest, outcome: .waited, evicted: [])
        }
        let partial = Self.partialName(digest, host: clock.host, pid: clock.pid)
        if storage.exists(partial) { try storage.remove(partial) }
        do throws(CacheError) {
            try registry.importImage(uri, to: file(partial)) {
                // The heartbeat that tells waiting steps this import is alive.
                storage.touch(lockName)
            }
            guard storage.isUsable(partial) else {
                throw CacheError("enroot import of \(uri) did not produce a squashfs file")
            }
            try storage.rename(partial, to: name)
        } catch {
            try? storage.remove(partial)
            throw error
        }
        let evicted = evict(protecting: name)
        return Result(path: file(name), digest: digest, outcome: .imported, evicted: evicted)
    }

    /// Removes the least recently used files until the cache fits its limit (a file a step
    /// has open stays readable: unlinking does not touch open files).
    public func evict(protecting protected: String? = nil) -> [String] {
        let victims = Eviction.victims(storage.entries(), limit: limit, protecting: protected.map { [$0] } ?? [])
        var removed: [String] = []
        for victim in victims {
            do {
                try storage.remove(victim)
                removed.append(victim)
                report("removed \(file(victim)) from the cache (over its limit of \(SizeLimit.describe(limit)))")
            } catch {
                report("could not remove \(file(victim)) from the cache: \(error.message)")
            }
        }
        return removed
    }

    private func file(_ name: String) -> String { storage.path + "/" + name }

    /// The temporary file a producer imports into, beside the cache file.
    static func partialName(_ digest: ImageDigest, host: String, pid: Int32) -> String {
        ".partial-\(digest.hex.prefix(16))-\(host)-\(pid).sqsh"
    }
}
