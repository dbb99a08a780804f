import Testing
import PyxisSystem
@testable import ImageCache

/// A cache directory in memory: files with their text, size and time; a hard link is a second
/// name for the same File (same inode).
final class FakeStorage: CacheStorage {
    struct File {
        var text: String; var bytes: UInt64; var time: Int64; var complete: Bool
        /// A new file gets a new inode.
        var inode = FakeStorage.nextInode()
        init(text: String, bytes: UInt64, time: Int64, complete: Bool) {
            (self.text, self.bytes, self.time, self.complete) = (text, bytes, time, complete)
        }
    }
    nonisolated(unsafe) static var inodes: UInt64 = 0
    static func nextInode() -> UInt64 { inodes += 1; return inodes }
    let path = "/cache"
    var files: [String: File] = [:]
    var clock: FakeClock
    var removed: [String] = []
    /// `.used-NAME` markers: when each file was last used.
    var used: [String: Int64] = [:]
    init(clock: FakeClock) { self.clock = clock }

    func entries() -> [Eviction.Entry] {
        files.compactMap { name, file in
            guard ImageDigest(fileName: name) != nil else { return nil }
            let links = files.values.filter { $0.inode == file.inode }.count
            return Eviction.Entry(name: name, bytes: file.bytes, lastUsed: max(file.time, used[name] ?? 0), inUse: links > 1)
        }
    }
    func references() -> [String] { files.keys.filter { $0.hasPrefix(UseReference.prefix) } }
    /// What another node does just before this step links its reference.
    var beforeLink: () -> Void = {}
    func link(_ name: String, as reference: String) throws(CacheError) -> Bool {
        beforeLink()
        guard let file = files[name] else { return false }
        files[reference] = file
        return true
    }
    func markUsed(_ name: String) { used[name] = clock.time }
    func partials() -> [Eviction.Entry] {
        files.compactMap { name, file in
            name.hasPrefix(".partial-") ? Eviction.Entry(name: name, bytes: file.bytes, lastUsed: file.time) : nil
        }
    }
    func isUsable(_ name: String) -> Bool { files[name]?.complete ?? false }
    func exists(_ name: String) -> Bool { files[name] != nil }
    func inspect(_ name: String) -> CacheFileState {
        guard let file = files[name] else { return .missing }
        return file.complete ? .usable : .broken(FileID(device: 1, inode: file.inode))
    }
    func identity(_ name: String) -> FileID? { files[name].map { FileID(device: 1, inode: $0.inode) } }
    /// What other steps do between a check and the removal it decides.
    var beforeRemoval: () -> Void = {}
    func removeIfSame(_ name: String, identity: FileID) -> Bool {
        beforeRemoval()
        guard !refuseRemovals, self.identity(name) == identity else { return false }
        files[name] = nil
        removed.append(name)
        return true
    }
    func touch(_ name: String) { files[name]?.time = clock.time }
    func remove(_ name: String) throws(CacheError) { files[name] = nil; removed.append(name) }
    func rename(_ from: String, to: String) throws(CacheError) { files[to] = files.removeValue(forKey: from) }
    func createExclusively(_ name: String, text: String) throws(CacheError) -> Bool {
        guard files[name] == nil else { return false }
        files[name] = File(text: text, bytes: UInt64(text.utf8.count), time: clock.time, complete: false)
        return true
    }
    func read(_ name: String) -> FileSnapshot? {
        files[name].map { FileSnapshot(text: $0.text, age: clock.time - $0.time, stamp: FileStamp(inode: $0.inode, modified: $0.time)) }
    }
    func replace(_ name: String, text: String) throws(CacheError) {
        files[name] = File(text: text, bytes: UInt64(text.utf8.count), time: clock.time, complete: false)
    }
    var refuseRemovals = false
    func removeIfUnchanged(_ name: String, text: String) -> Bool {
        guard !refuseRemovals, files[name]?.text == text else { return false }
        files[name] = nil
        return true
    }
}

final class FakeClock: CacheClock {
    var time: Int64 = 1000
    var host = "node1"
    var pid: Int32 = 7
    /// Processes of this host and their start times.
    var starts: [Int32: UInt64] = [7: 700]
    var sleeps = 0
    var tokens = 0
    /// Called on every sleep: what other steps do meanwhile.
    var meanwhile: () -> Void = {}
    func now() -> Int64 { time }
    func monotonicMilliseconds() -> Int64 { time * 1000 }
    func sleep(milliseconds: Int) { sleeps += 1; time += 1; meanwhile() }
    func processStart(_ pid: Int32) -> UInt64? { hidden.contains(pid) ? nil : starts[pid] }
    /// Processes /proc hides (hidepid): they exist, without a start time.
    var hidden: Set<Int32> = []
    func processExists(_ pid: Int32) -> Bool { starts[pid] != nil }
    func randomToken() -> String { tokens += 1; return "token\(tokens)" }
}

final class FakeRegistry: ImageRegistry {
    var digests: [String: String] = ["docker://busybox": digestA]
    var imports: [String] = []
    var lookups = 0
    var storage: FakeStorage?
    var importFails = false
    var produces = true
    /// What other steps do while this one imports.
    var duringImport: () -> Void = {}
    func digest(of uri: String) throws(CacheError) -> ImageDigest {
        lookups += 1
        guard let text = digests[uri], let digest = ImageDigest(text) else { throw CacheError("no such image: \(uri)") }
        return digest
    }
    func importImage(_ uri: String, to path: String, stillRunning: () -> Void) throws(CacheError) {
        imports.append(uri)
        stillRunning()
        duringImport()
        if importFails { throw CacheError("failed to import docker image: \(uri)", log: ["[ERROR] boom"]) }
        let name = String(path.dropFirst("/cache/".count))
        storage?.files[name] = .init(text: "", bytes: 100, time: storage!.clock.time, complete: produces)
    }
}

struct Harness {
    let clock = FakeClock()
    let storage: FakeStorage
    let registry = FakeRegistry()
    var fetch: CacheFetch
    var reports: [String] { reportBox.lines }
    let reportBox = ReportBox()
    final class ReportBox { var lines: [String] = [] }

    init() {
        storage = FakeStorage(clock: clock)
        registry.storage = storage
        fetch = CacheFetch(storage: storage, registry: registry, clock: clock)
        let box = reportBox
        fetch.report = { box.lines.append($0) }
    }
}

let fileA = try! CacheFileName(digest: ImageDigest(digestA)!, uri: "docker://busybox").text
let fileB = try! CacheFileName(digest: ImageDigest(digestB)!, uri: "docker://ubuntu").text
let fileC = try! CacheFileName(digest: ImageDigest("sha256:" + String(repeating: "c", count: 64))!, uri: "docker://alpine").text

@Suite struct CacheFetchTests {
    @Test func aMissImportsOncePublishesAndReleasesTheLock() throws {
        let h = Harness()
        let result = try h.fetch.get("docker://busybox")
        #expect(result == .init(path: "/cache/" + fileA, digest: ImageDigest(digestA)!, outcome: .imported, evicted: []))
        // By the digest looked up: a tag moved meanwhile cannot put other content under its name.
        #expect(h.registry.imports == ["docker://busybox@" + digestA])
        #expect(Set(h.storage.files.keys) == [fileA])   // no lock, no partial file left
    }

    @Test func aHitImportsNothingAndMarksTheFileUsed() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .hit)
        #expect(h.registry.imports.isEmpty)
        #expect(h.storage.used[fileA] == h.clock.time)
        #expect(h.storage.files[fileA]?.time == 1)   // the image itself untouched
    }

    @Test func anImageByDigestNeedsNoRegistry() throws {
        let h = Harness()
        h.storage.files[fileB] = .init(text: "", bytes: 100, time: 1, complete: true)
        #expect(try h.fetch.get("docker://ubuntu@" + digestB).outcome == .hit)
    }

    @Test func aBrokenFileIsNeverUsedAndIsImportedAgainOnce() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 10, time: 1, complete: false)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(h.storage.isUsable(fileA))
        #expect(h.reports.first?.hasPrefix("the cache file /cache/\(fileA) is not a complete squashfs file") == true)
    }

    struct FakeChecker: SquashfsChecker {
        var verdict: SquashfsVerdict
        init(damage: String?) { verdict = damage.map { .damaged($0) } ?? .sound }
        init(verdict: SquashfsVerdict) { self.verdict = verdict }
        func check(_ path: String) -> SquashfsVerdict { verdict }
    }

    /// unsquashfs that lacks the compressor, runs out of memory or is killed proves nothing.
    @Test func anInconclusiveCheckKeepsTheFile() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        #expect(try !h.fetch.discardIfDamaged("/cache/" + fileA, checker: FakeChecker(verdict: .inconclusive("unsquashfs was killed by signal 9"))))
        #expect(h.storage.files[fileA] != nil)
        #expect(h.reports == ["could not check the cache file /cache/\(fileA) (unsquashfs was killed by signal 9); it is kept"])
    }

    /// Another step found the file damaged and removed it while this one's unsquashfs ran, which
    /// then found no file: not "inconclusive", but the other step's verdict (this one gets the
    /// new file). Seen with -N2 on four nodes.
    @Test func aFileRemovedDuringTheCheckCountsAsDamaged() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        struct VanishingChecker: SquashfsChecker {
            let storage: FakeStorage
            func check(_ path: String) -> SquashfsVerdict {
                storage.files[fileA] = nil
                return .inconclusive("unsquashfs: could not open the file")
            }
        }
        #expect(try h.fetch.discardIfDamaged("/cache/" + fileA, checker: VanishingChecker(storage: h.storage)))
        #expect(h.reports.isEmpty)
    }

    /// Another step removed the damaged file and published a fresh import between this step's
    /// check and its removal: the fresh file stays.
    @Test func aFileReplacedAfterItsCheckIsNotRemoved() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        h.storage.beforeRemoval = { h.storage.files[fileA] = .init(text: "", bytes: 100, time: 2, complete: true) }
        #expect(try h.fetch.discardIfDamaged("/cache/" + fileA, checker: FakeChecker(damage: "bad inode")))
        #expect(h.storage.files[fileA]?.time == 2)
        #expect(h.storage.removed.isEmpty)
    }

    @Test(arguments: [
        (ProcessResult.Termination.exited(1), ["get_metadata: failed to read block", "FATAL ERROR: read_inode: failed to read inode 1984036:2288"], "damaged"),
        (.exited(1), ["Filesystem uses zstd compression, this is unsupported by this version", "Decompressors available:"], "inconclusive"),
        (.exited(1), ["FATAL ERROR: Out of memory"], "inconclusive"),
        (.signaled(9), [], "inconclusive"),
        (.exited(1), ["something else"], "inconclusive"),
        (.exited(0), [], "sound"),
    ] as [(ProcessResult.Termination, [String], String)])
    func unsquashfsVerdicts(_ termination: ProcessResult.Termination, _ log: [String], _ kind: String) {
        let verdict = Unsquashfs.verdict(termination, log: log)
        switch verdict {
        case .sound: #expect(kind == "sound")
        case .damaged: #expect(kind == "damaged")
        case .inconclusive: #expect(kind == "inconclusive")
        }
    }

    @Test func aDamagedFileIsRemovedSoTheNextGetImportsItAgain() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        #expect(try h.fetch.discardIfDamaged("/cache/" + fileA, checker: FakeChecker(damage: "bad inode")))
        #expect(h.reports == ["the cache file /cache/\(fileA) is damaged (bad inode); removed it"])
        #expect(try h.fetch.get("docker://busybox").outcome == .imported)
    }

    @Test func aFileThatReadsWholeStays() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        #expect(try !h.fetch.discardIfDamaged("/cache/" + fileA, checker: FakeChecker(damage: nil)))
        #expect(h.storage.removed.isEmpty)
    }

    @Test func onlyImageFilesOfTheCacheAreChecked() {
        let h = Harness()
        for path in ["/elsewhere/" + fileA, "/cache/../etc/" + fileA, "/cache/tag-0123456789abcdef", "/cache/"] {
            #expect(throws: CacheError.self) { try h.fetch.discardIfDamaged(path, checker: FakeChecker(damage: "x")) }
        }
        #expect(h.storage.removed.isEmpty)
    }

    @Test func aFailedImportLeavesNoPartialFileNoLockAndSaysWhy() {
        let h = Harness()
        h.registry.importFails = true
        #expect(throws: CacheError("failed to import docker image: docker://busybox@" + digestA, log: ["[ERROR] boom"])) {
            try h.fetch.get("docker://busybox")
        }
        #expect(h.storage.files.isEmpty)
    }

    @Test func anImportThatMakesNoSquashfsFileIsAnError() {
        let h = Harness()
        h.registry.produces = false
        #expect(throws: CacheError("enroot import of docker://busybox did not produce a squashfs file")) {
            try h.fetch.get("docker://busybox")
        }
        #expect(h.storage.files.isEmpty)
    }

    @Test func aStepWaitsForAnotherStepsImportInsteadOfImporting() throws {
        let h = Harness()
        let other = ProducerLock(host: "node2", pid: 99, start: 1, taken: 1000, token: "theirs")
        h.storage.files[fileA + ".lock"] = .init(text: other.text, bytes: 10, time: 1000, complete: false)
        var sleeps = 0
        h.clock.meanwhile = {
            sleeps += 1
            if sleeps == 3 {   // node2 publishes and releases
                h.storage.files[fileA] = .init(text: "", bytes: 100, time: h.clock.time, complete: true)
                h.storage.files[fileA + ".lock"] = nil
            } else {
                h.storage.files[fileA + ".lock"]?.time = h.clock.time   // its heartbeat
            }
        }
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .waited)
        #expect(h.registry.imports.isEmpty)
        #expect(h.reports == ["waiting for process 99 on node2 to import docker://busybox into the cache"])
    }

    @Test func aDeadProducerOnThisHostIsTakenOverAtOnce() throws {
        let h = Harness()
        let dead = ProducerLock(host: "node1", pid: 55, start: 550, taken: 900, token: "dead")
        h.storage.files[fileA + ".lock"] = .init(text: dead.text, bytes: 10, time: 900, complete: false)
        let leftover = ".partial-\(fileA.dropLast(5))-node1-55-dead.sqsh"
        h.storage.files[leftover] = .init(text: "", bytes: 50, time: 900, complete: false)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(Set(h.storage.files.keys) == [fileA])   // its half-written file went too
        #expect(h.reports == ["taking over the import of docker://busybox into the cache: its owner, process 55 on node1, is gone"])
    }

    @Test func aSilentProducerOnAnotherHostIsTakenOverAfterTheStaleTime() throws {
        var h = Harness()
        h.fetch.staleAfter = 10
        let silent = ProducerLock(host: "node3", pid: 55, start: 1, taken: 1000, token: "silent")
        h.storage.files[fileA + ".lock"] = .init(text: silent.text, bytes: 10, time: 1000, complete: false)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(h.clock.time > 1010)
        #expect(h.reports.last == "taking over the import of docker://busybox into the cache: its owner, process 55 on node3, has not touched it for 11 s")
    }

    @Test func aReusedPidIsNoLiveOwner() throws {
        let h = Harness()
        h.clock.starts[55] = 9999   // pid 55 is another process now
        let dead = ProducerLock(host: "node1", pid: 55, start: 550, taken: 900, token: "dead")
        h.storage.files[fileA + ".lock"] = .init(text: dead.text, bytes: 10, time: 900, complete: false)
        #expect(try h.fetch.get("docker://busybox").outcome == .imported)
        #expect(h.clock.sleeps == 0)
    }

    /// Staleness is this waiter's own time with an unchanged file, never the file's age by its
    /// clock: a lock whose modification time is long past (another node's clock) but that keeps
    /// changing is alive.
    @Test func aLockThatKeepsChangingIsHeldHoweverOldItsTimeLooks() throws {
        var h = Harness()
        h.fetch.staleAfter = 10
        let other = ProducerLock(host: "node2", pid: 99, start: 1, taken: 1, token: "theirs")
        h.storage.files[fileA + ".lock"] = .init(text: other.text, bytes: 10, time: 1, complete: false)
        var beats: Int64 = 1
        h.clock.meanwhile = {
            beats += 1
            if beats == 30 {
                h.storage.files[fileA] = .init(text: "", bytes: 100, time: h.clock.time, complete: true)
                h.storage.files[fileA + ".lock"] = nil
            } else {
                h.storage.files[fileA + ".lock"]?.time = beats   // touched: by a clock 1000 s behind
            }
        }
        #expect(try h.fetch.get("docker://busybox").outcome == .waited)
        #expect(h.registry.imports.isEmpty)
    }

    /// A producer suspended past the stale time is taken over; on resuming it finds the lock is
    /// no longer its own: it does not publish, does not remove the new owner's lock, and waits.
    @Test func aProducerTakenOverWhileSuspendedNeitherPublishesNorRemovesTheNewLock() throws {
        let h = Harness()
        let lockName = fileA + ".lock"
        let newOwner = ProducerLock(host: "node2", pid: 99, start: 1, taken: 2000, token: "newowner")
        var published = false
        h.registry.duringImport = {
            // Meanwhile node2 judged the lock stale, removed it and took its own.
            h.storage.files[lockName] = .init(text: newOwner.text, bytes: 10, time: h.clock.time, complete: false)
        }
        h.clock.meanwhile = {
            if !published {   // node2 publishes its import and releases its lock
                published = true
                h.storage.files[fileA] = .init(text: "", bytes: 100, time: h.clock.time, complete: true)
                h.storage.files[lockName] = nil
            }
        }
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .waited)
        #expect(!h.storage.files.keys.contains { $0.hasPrefix(".partial-") })
        #expect(h.reports.contains("another step took over the import of docker://busybox into the cache; waiting for it"))
    }

    @Test func theLockOfAnotherOwnerIsNeverRemovedOnTheWayOut() throws {
        let h = Harness()
        let lockName = fileA + ".lock"
        let newOwner = ProducerLock(host: "node2", pid: 99, start: 1, taken: 2000, token: "newowner")
        h.registry.importFails = true
        h.registry.duringImport = {
            h.storage.files[lockName] = .init(text: newOwner.text, bytes: 10, time: h.clock.time, complete: false)
        }
        #expect(throws: CacheError.self) { try h.fetch.get("docker://busybox") }
        #expect(h.storage.files[lockName]?.text == newOwner.text)
    }

    /// A stale lock this step cannot remove (a directory made read-only): no spin, a bounded wait,
    /// then an answer that lets pyxis import without the cache.
    @Test func aTakeoverThatFailsWaitsBetweenTriesAndGivesUp() {
        var h = Harness()
        h.fetch.maxWait = 20
        h.fetch.staleAfter = 5
        h.storage.refuseRemovals = true
        let dead = ProducerLock(host: "node1", pid: 55, start: 550, taken: 900, token: "dead")
        h.storage.files[fileA + ".lock"] = .init(text: dead.text, bytes: 10, time: 900, complete: false)
        do {
            _ = try h.fetch.get("docker://busybox")
            Issue.record("expected to give up")
        } catch {
            #expect(error.unusable)
        }
        #expect(h.clock.sleeps >= 20 && h.clock.sleeps <= 22)
    }

    /// A killed producer's temporary file is counted and removed after the next publish; a live
    /// producer's (its lock holds the token the name carries) stays.
    @Test func abandonedPartialFilesArePrunedLiveOnesKept() throws {
        var h = Harness()
        h.fetch.limit = 900
        let abandoned = ".partial-\(fileB.dropLast(5))-node2-5-deadbeef.sqsh"
        let live = ".partial-\(fileC.dropLast(5))-node3-6-a1b2c3d4.sqsh"
        h.storage.files[abandoned] = .init(text: "", bytes: 400, time: 1, complete: false)
        h.storage.files[live] = .init(text: "", bytes: 500, time: 1, complete: false)
        let owner = ProducerLock(host: "node3", pid: 6, start: 1, taken: 1, token: "a1b2c3d4e5f6")
        h.storage.files[fileC + ".lock"] = .init(text: owner.text, bytes: 10, time: 1, complete: false)
        h.storage.files[fileB] = .init(text: "", bytes: 400, time: 2, complete: true)
        let result = try h.fetch.get("docker://busybox")   // 100 bytes: 100 + 400 + 500 (live partial) > 900
        #expect(h.storage.files[abandoned] == nil)
        #expect(h.storage.files[live] != nil)
        #expect(result.evicted == [fileB])
        #expect(h.reports.first == "removed /cache/\(abandoned), the half-written import of a step that is gone")
    }

    @Test func waitingIsBounded() {
        var h = Harness()
        h.fetch.maxWait = 5
        let other = ProducerLock(host: "node2", pid: 99, start: 1, taken: 1000, token: "theirs")
        h.storage.files[fileA + ".lock"] = .init(text: other.text, bytes: 10, time: 1000, complete: false)
        h.clock.meanwhile = { h.storage.files[fileA + ".lock"]?.time = h.clock.time }
        #expect(throws: CacheError("gave up after 5 s waiting for another step to import docker://busybox into the cache (lock /cache/\(fileA).lock)", unusable: true)) {
            try h.fetch.get("docker://busybox")
        }
    }

    @Test func aRecentTagAnswerIsTrustedForItsTimeThenAskedAgain() throws {
        var h = Harness()
        h.fetch.tagTTL = 60
        _ = try h.fetch.get("docker://busybox")
        #expect(h.registry.lookups == 1)
        h.clock.time += 30
        #expect(try h.fetch.get("docker://busybox").outcome == .hit)
        #expect(h.registry.lookups == 1)
        h.clock.time += 31   // older than the time to trust it
        h.registry.digests["docker://busybox"] = digestB   // the tag moved
        #expect(try h.fetch.get("docker://busybox").outcome == .imported)
        #expect(h.registry.lookups == 2)
        #expect(h.registry.imports == ["docker://busybox@" + digestA, "docker://busybox@" + digestB])
    }

    @Test func withoutATimeToTrustTheRegistryIsAskedEveryTime() throws {
        let h = Harness()
        _ = try h.fetch.get("docker://busybox")
        _ = try h.fetch.get("docker://busybox")
        #expect(h.registry.lookups == 2)
        #expect(!h.storage.files.keys.contains { $0.hasPrefix("tag-") })
    }

    @Test func publishingEvictsTheLeastRecentlyUsedButNeverTheNewFile() throws {
        var h = Harness()
        h.fetch.limit = 150
        h.storage.files[fileB] = .init(text: "", bytes: 100, time: 1, complete: true)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.evicted == [fileB])
        #expect(Set(h.storage.files.keys) == [fileA])
        #expect(h.reports == ["removed /cache/\(fileB) from the cache (over its limit of 150B)"])
    }
}
