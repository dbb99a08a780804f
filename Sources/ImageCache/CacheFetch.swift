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
    /// The step that will use the file: `get` gives it a reference (UseReference) that keeps
    /// the file from eviction, and its inode on NFS, until `release`; nil: none (a prefetch).
    public var holder: UseReference.Holder?
    /// How long a reference taken on another host counts (its own host checks its slurmstepd).
    public var referenceMaxAge = UseReference.defaultMaxAge

    public init(storage: CacheStorage, registry: ImageRegistry, clock: CacheClock) {
        self.storage = storage
        self.registry = registry
        self.clock = clock
    }

    public func get(_ uri: String) throws(CacheError) -> Result {
        for name in CacheReferences(storage: storage, clock: clock).pruneStale(maxAge: referenceMaxAge) {
            report("removed \(file(name)), the reference of a step that is gone")
        }
        // A file evicted or removed between the look and the reference is looked for again.
        for _ in 0..<3 {
            let result = try locate(uri)
            guard let holder else { return result }
            let name = String(result.path.dropFirst(storage.path.count + 1))
            let reference = UseReference(cacheName: name, holder: holder, created: clock.now(), token: String(clock.randomToken().prefix(8)))
            if try storage.link(name, as: reference.fileName) { return result }
        }
        throw CacheError("the cache file of \(uri) was removed three times before this step could use it", unusable: true)
    }

    /// The file for URI: a hit, this step's import, or another step's.
    private func locate(_ uri: String) throws(CacheError) -> Result {
        if let remembered = rememberedHit(uri) { return remembered }
        let digest: ImageDigest
        if let pinned = ImageDigest.pinned(by: uri) {
            digest = pinned
        } else {
            digest = try registry.digest(of: uri)
            remember(uri, digest)
        }
        let name = try CacheFileName(digest: digest, uri: uri).text
        let lockName = "\(name).lock"
        let started = clock.monotonicMilliseconds()
        var announced = false
        var discardedBroken = false
        // The lock file as this step last saw it, and since when (its monotonic clock).
        var watched: (stamp: FileStamp, since: Int64)?
        while true {
            switch storage.inspect(name) {
            case .usable:
                storage.markUsed(name)
                return Result(path: file(name), digest: digest, outcome: announced ? .waited : .hit, evicted: [])
            case .broken(let identity) where !discardedBroken:
                // Not a complete squashfs file (truncated by hand, corrupted): never used, and
                // removed only while it is still that file, not one another step published since.
                if storage.removeIfSame(name, identity: identity) {
                    report("the cache file \(file(name)) is not a complete squashfs file; importing \(uri) again")
                }
                discardedBroken = true
                continue
            case .broken, .missing:
                break
            }
            let mine = ProducerLock(host: clock.host, pid: clock.pid, start: clock.processStart(clock.pid) ?? 0,
                                    taken: clock.now(), token: clock.randomToken())
            if try storage.createExclusively(lockName, text: mine.text) {
                // Removed only while it is still this step's: one that took it over keeps its own.
                defer { _ = storage.removeIfUnchanged(lockName, text: mine.text) }
                if let result = try produce(uri, digest: digest, name: name, lock: mine) { return result }
                report("another step took over the import of \(uri) into the cache; waiting for it")
                announced = true
            } else if let seen = storage.read(lockName) {
                let now = clock.monotonicMilliseconds()
                if watched?.stamp != seen.stamp { watched = (seen.stamp, now) }
                let owner = ProducerLock(text: seen.text)
                switch ProducerLock.state(owner, host: clock.host, processStart: clock.processStart,
                                          unchangedForMilliseconds: now - (watched?.since ?? now), staleAfter: staleAfter) {
                case .stale(let why):
                    // Only the lock judged stale goes: another waiter may have taken over already.
                    if storage.removeIfUnchanged(lockName, text: seen.text) {
                        report("taking over the import of \(uri) into the cache: \(why)")
                        // What the gone owner left half-written.
                        if let owner { try? storage.remove(Self.partialName(name, lock: owner)) }
                        watched = nil
                        continue
                    }
                case .held:
                    if !announced {
                        announced = true
                        report("waiting for \(owner?.owner ?? "another step") to import \(uri) into the cache")
                    }
                }
            }
            // Every pass that did not get the file or the lock waits, and the whole wait is bounded.
            if clock.monotonicMilliseconds() - started > maxWait * 1000 {
                throw CacheError("gave up after \(maxWait) s waiting for another step to import \(uri) into the cache (lock \(file(lockName)))",
                                 unusable: true)
            }
            clock.sleep(milliseconds: 250)
        }
    }

    /// A cache file a step could not start from: removed when a full read finds it damaged, so
    /// that the next `get` imports the image again; false when it reads whole or the check
    /// proves nothing (the failure lies elsewhere, or is not the file's). A file already gone or
    /// replaced was removed by another step, which imported it again.
    public func discardIfDamaged(_ path: String, checker: SquashfsChecker) throws(CacheError) -> Bool {
        let prefix = storage.path + "/"
        let name = String(path.dropFirst(prefix.count))
        guard path.hasPrefix(prefix), CacheFileName(parsing: name) != nil else {
            throw CacheError("\(path) is not an image file of the cache \(storage.path)")
        }
        guard let checked = storage.identity(name) else { return true }
        switch checker.check(path) {
        case .sound:
            return false
        case .inconclusive(let why):
            // Another step removed or replaced the file while this one checked it (unsquashfs
            // then finds no file): that step found it damaged, and this one gets the new file.
            if storage.identity(name) != checked { return true }
            report("could not check the cache file \(path) (\(why)); it is kept")
            return false
        case .damaged(let damage):
            // Removed only if it is still the file checked: a step may have imported it again.
            if storage.identity(name) == checked, storage.removeIfSame(name, identity: checked) {
                report("the cache file \(path) is damaged (\(damage)); removed it")
            }
            return true
        }
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
        guard tagTTL > 0, ImageDigest.pinned(by: uri) == nil, let memo = storage.read(Self.memoName(uri)),
              memo.age <= tagTTL else { return nil }
        let lines = memo.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == uri, let digest = ImageDigest(String(lines[1])),
              let name = try? CacheFileName(digest: digest, uri: uri).text, storage.isUsable(name) else { return nil }
        storage.markUsed(name)
        return Result(path: file(name), digest: digest, outcome: .hit, evicted: [])
    }

    private func remember(_ uri: String, _ digest: ImageDigest) {
        guard tagTTL > 0 else { return }
        try? storage.replace(Self.memoName(uri), text: "\(uri)\n\(digest)\n")
    }

    /// Imports under the lock: into a temporary file beside the cache file, renamed into place
    /// only when complete, so no reader ever sees a partial file; nil when another step took the
    /// lock over meanwhile (this one was suspended or silent too long), which then publishes.
    private func produce(_ uri: String, digest: ImageDigest, name: String, lock: ProducerLock) throws(CacheError) -> Result? {
        let lockName = "\(name).lock"
        if storage.isUsable(name) {   // published while this step took the lock
            storage.markUsed(name)
            return Result(path: file(name), digest: digest, outcome: .waited, evicted: [])
        }
        let ours = { storage.read(lockName)?.text == lock.text }
        let partial = Self.partialName(name, lock: lock)
        do throws(CacheError) {
            // By digest: a tag moved since the look-up cannot put other content under this name.
            try registry.importImage(Self.pinned(uri, to: digest), to: file(partial)) {
                // The heartbeat that tells waiting steps this import is alive (its own lock only).
                if ours() { storage.touch(lockName) }
            }
            guard storage.isUsable(partial) else {
                throw CacheError("enroot import of \(uri) did not produce a squashfs file")
            }
            guard ours() else {
                try? storage.remove(partial)
                return nil
            }
            try storage.rename(partial, to: name)
            storage.markUsed(name)
        } catch {
            try? storage.remove(partial)
            throw error
        }
        let evicted = evict(protecting: name)
        return Result(path: file(name), digest: digest, outcome: .imported, evicted: evicted)
    }

    /// Removes the least recently used files until the cache fits its limit, passing over the
    /// ones a running step holds a reference to (UseReference). Producers' temporary
    /// files count towards the limit; those of producers that no longer hold their lock go first.
    public func evict(protecting protected: String? = nil) -> [String] {
        let partials = pruneAbandonedPartials()
        let victims = Eviction.victims(storage.entries() + partials, limit: limit,
                                       protecting: Set(partials.map(\.name) + (protected.map { [$0] } ?? [])))
        var removed: [String] = []
        for victim in victims {
            do {
                try storage.remove(victim)
                try? storage.remove(Eviction.Entry.usedMarker(victim))
                removed.append(victim)
                report("removed \(file(victim)) from the cache (over its limit of \(SizeLimit.describe(limit)))")
            } catch {
                report("could not remove \(file(victim)) from the cache: \(error.message)")
            }
        }
        return removed
    }

    private func file(_ name: String) -> String { storage.path + "/" + name }

    /// Removes the temporary files whose producer no longer holds its lock (killed, or taken
    /// over): no lock for that image, or one with another token. Returns the ones still in use.
    func pruneAbandonedPartials() -> [Eviction.Entry] {
        var live: [Eviction.Entry] = []
        for partial in storage.partials() {
            guard let (name, token) = Self.partialOwner(partial.name) else { continue }
            let lock = storage.read("\(name).lock").flatMap { ProducerLock(text: $0.text) }
            if let lock, lock.token.hasPrefix(token) {
                live.append(partial)
            } else if (try? storage.remove(partial.name)) != nil {
                report("removed \(file(partial.name)), the half-written import of a step that is gone")
            }
        }
        return live
    }

    /// The cache file and token prefix in a temporary file's name (`partialName`).
    static func partialOwner(_ partial: String) -> (name: String, token: String)? {
        guard partial.hasPrefix(".partial-"), partial.hasSuffix(".sqsh") else { return nil }
        let middle = partial.dropFirst(".partial-".count).dropLast(".sqsh".count)
        // sha256-<64 hex>-<32 hex>, then -HOST-PID-TOKEN.
        let length = "sha256-".count + 64 + 1 + 32
        guard middle.count > length, let name = CacheFileName(parsing: middle.prefix(length) + ".sqsh"),
              let dash = middle.lastIndex(of: "-") else { return nil }
        let token = middle[middle.index(after: dash)...]
        guard !token.isEmpty else { return nil }
        return (name.text, String(token))
    }

    /// URI pinned to DIGEST (`IMAGE:TAG@sha256:...`, which every enroot release imports by the
    /// digest, the tag aside); a URI that pins one already stays as it is.
    static func pinned(_ uri: String, to digest: ImageDigest) -> String {
        ImageDigest.pinned(by: uri) == nil ? "\(uri)@\(digest)" : uri
    }

    /// The temporary file a producer imports into, beside the cache file: its host, pid and a
    /// part of its lock's token, so that no two producers anywhere share one.
    static func partialName(_ name: String, lock: ProducerLock) -> String {
        ".partial-\(name.dropLast(".sqsh".count))-\(lock.host)-\(lock.pid)-\(lock.token.prefix(8)).sqsh"
    }
}
