import Testing
@testable import ImageCache

/// A cache directory in memory: files with their text, size and time.
final class FakeStorage: CacheStorage {
    struct File { var text: String; var bytes: UInt64; var time: Int64; var complete: Bool }
    let path = "/cache"
    var files: [String: File] = [:]
    var clock: FakeClock
    var removed: [String] = []
    init(clock: FakeClock) { self.clock = clock }

    func entries() -> [Eviction.Entry] {
        files.compactMap { name, file in
            ImageDigest(fileName: name) == nil ? nil : Eviction.Entry(name: name, bytes: file.bytes, lastUsed: file.time)
        }
    }
    func isUsable(_ name: String) -> Bool { files[name]?.complete ?? false }
    func exists(_ name: String) -> Bool { files[name] != nil }
    func touch(_ name: String) { files[name]?.time = clock.time }
    func remove(_ name: String) throws(CacheError) { files[name] = nil; removed.append(name) }
    func rename(_ from: String, to: String) throws(CacheError) { files[to] = files.removeValue(forKey: from) }
    func createExclusively(_ name: String, text: String) throws(CacheError) -> Bool {
        guard files[name] == nil else { return false }
        files[name] = File(text: text, bytes: UInt64(text.utf8.count), time: clock.time, complete: false)
        return true
    }
    func read(_ name: String) -> (text: String, age: Int64)? { files[name].map { ($0.text, clock.time - $0.time) } }
    func replace(_ name: String, text: String) throws(CacheError) {
        files[name] = File(text: text, bytes: UInt64(text.utf8.count), time: clock.time, complete: false)
    }
    func removeIfUnchanged(_ name: String, text: String) -> Bool {
        guard files[name]?.text == text else { return false }
        files[name] = nil
        return true
    }
}

final class FakeClock: CacheClock {
    var time: Int64 = 1000
    var host = "node1"
    var pid: Int32 = 7
    var alive: Set<Int32> = [7]
    /// Called on every sleep: what other steps do meanwhile.
    var meanwhile: () -> Void = {}
    func now() -> Int64 { time }
    func sleep(milliseconds: Int) { time += 1; meanwhile() }
    func processExists(_ pid: Int32) -> Bool { alive.contains(pid) }
}

final class FakeRegistry: ImageRegistry {
    var digests: [String: String] = ["docker://busybox": digestA]
    var imports: [String] = []
    var lookups = 0
    var storage: FakeStorage?
    var importFails = false
    var produces = true
    func digest(of uri: String) throws(CacheError) -> ImageDigest {
        lookups += 1
        guard let text = digests[uri], let digest = ImageDigest(text) else { throw CacheError("no such image: \(uri)") }
        return digest
    }
    func importImage(_ uri: String, to path: String, stillRunning: () -> Void) throws(CacheError) {
        imports.append(uri)
        stillRunning()
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

let fileA = "sha256-" + String(repeating: "a", count: 64) + ".sqsh"
let fileB = "sha256-" + String(repeating: "b", count: 64) + ".sqsh"

@Suite struct CacheFetchTests {
    @Test func aMissImportsOncePublishesAndReleasesTheLock() throws {
        let h = Harness()
        let result = try h.fetch.get("docker://busybox")
        #expect(result == .init(path: "/cache/" + fileA, digest: ImageDigest(digestA)!, outcome: .imported, evicted: []))
        #expect(h.registry.imports == ["docker://busybox"])
        #expect(Set(h.storage.files.keys) == [fileA])   // no lock, no partial file left
    }

    @Test func aHitImportsNothingAndMarksTheFileUsed() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .hit)
        #expect(h.registry.imports.isEmpty)
        #expect(h.storage.files[fileA]?.time == h.clock.time)
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
        var damage: String?
        func damage(of path: String) -> String? { damage }
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
        #expect(throws: CacheError("failed to import docker image: docker://busybox", log: ["[ERROR] boom"])) {
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
        let other = ProducerLock(host: "node2", pid: 99, taken: 1000)
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
        let dead = ProducerLock(host: "node1", pid: 55, taken: 900)
        h.storage.files[fileA + ".lock"] = .init(text: dead.text, bytes: 10, time: 900, complete: false)
        let leftover = ".partial-aaaaaaaaaaaaaaaa-node1-55.sqsh"
        h.storage.files[leftover] = .init(text: "", bytes: 50, time: 900, complete: false)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(Set(h.storage.files.keys) == [fileA])   // its half-written file went too
        #expect(h.reports == ["taking over the import of docker://busybox into the cache: its owner, process 55 on node1, is gone"])
    }

    @Test func aSilentProducerOnAnotherHostIsTakenOverAfterTheStaleTime() throws {
        var h = Harness()
        h.fetch.staleAfter = 10
        let silent = ProducerLock(host: "node3", pid: 55, taken: 1000)
        h.storage.files[fileA + ".lock"] = .init(text: silent.text, bytes: 10, time: 1000, complete: false)
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(h.clock.time > 1010)
        #expect(h.reports.last == "taking over the import of docker://busybox into the cache: its owner, process 55 on node3, has not touched it for 11 s")
    }

    @Test func waitingIsBounded() {
        var h = Harness()
        h.fetch.maxWait = 5
        let other = ProducerLock(host: "node2", pid: 99, taken: 1000)
        h.storage.files[fileA + ".lock"] = .init(text: other.text, bytes: 10, time: 1000, complete: false)
        h.clock.meanwhile = { h.storage.files[fileA + ".lock"]?.time = h.clock.time }
        #expect(throws: CacheError("gave up after 5 s waiting for another step to import docker://busybox into the cache (lock /cache/\(fileA).lock)")) {
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
        #expect(h.registry.imports == ["docker://busybox", "docker://busybox"])
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
