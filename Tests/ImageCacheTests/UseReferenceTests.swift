import Testing
@testable import ImageCache

/// A running step's reference keeps its file from eviction until the step releases it
/// (UseReference, docs/image-cache.md "In use").
@Suite struct UseReferenceTests {
    let holder = UseReference.Holder(host: "node1", step: "42.0", pid: 7, start: 700)

    @Test func aReferenceNamesItsFileHostStepAndSlurmstepd() throws {
        let reference = UseReference(cacheName: fileA, holder: holder, created: 1000, token: "abcd1234")
        #expect(reference.fileName == ".use-\(fileA)~node1~42.0~7~700~1000~abcd1234")
        #expect(UseReference(fileName: reference.fileName) == reference)
        for bad in [fileA, ".use-\(fileA)~node1~42.0~7~700~1000", ".use-\(fileA)~node1~4/2~7~700~1000~t", ".use-~node1~42.0~7~700~1000~t"] {
            #expect(UseReference(fileName: bad) == nil, "\(bad)")
        }
        #expect(UseReference.Holder.isValidStep("123+1.batch"))
        #expect(!UseReference.Holder.isValidStep("../x"))
    }

    @Test func aStepsFileIsNotEvictedUntilItsStepReleasesIt() throws {
        var h = Harness()
        h.fetch.holder = holder
        h.fetch.limit = 150
        _ = try h.fetch.get("docker://busybox")
        #expect(h.storage.references().count == 1)
        // Another image over the limit: busybox is older, but in use.
        h.clock.time += 10
        h.registry.digests["docker://ubuntu"] = digestB
        h.fetch.holder = nil
        _ = try h.fetch.get("docker://ubuntu")
        #expect(h.storage.files[fileA] != nil)
        #expect(h.storage.entries().first { $0.name == fileA }?.inUse == true)
        #expect(CacheReferences(storage: h.storage, clock: h.clock).release(step: "42.0") == 1)
        #expect(h.fetch.evict() == [fileA])
    }

    @Test func releaseTakesOnlyThisHostsReferencesOfTheStep() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        for (host, step) in [("node1", "42.0"), ("node2", "42.0"), ("node1", "42.1")] {
            let other = UseReference(cacheName: fileA, holder: .init(host: host, step: step, pid: 7, start: 700), created: 1000, token: host + step)
            _ = try h.storage.link(fileA, as: other.fileName)
        }
        #expect(CacheReferences(storage: h.storage, clock: h.clock).release(step: "42.0") == 1)
        #expect(h.storage.references().count == 2)
    }

    @Test func referencesOfStepsThatAreGoneArePruned() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        let live = UseReference(cacheName: fileA, holder: holder, created: 1000, token: "live")
        let restarted = UseReference(cacheName: fileA, holder: .init(host: "node1", step: "41.0", pid: 7, start: 1), created: 1000, token: "reused")
        let remoteRecent = UseReference(cacheName: fileA, holder: .init(host: "node2", step: "40.0", pid: 9, start: 9), created: 1000 - 3600, token: "recent")
        let remoteOld = UseReference(cacheName: fileA, holder: .init(host: "node2", step: "39.0", pid: 9, start: 9),
                                     created: 1000 - UseReference.defaultMaxAge - 1, token: "old")
        for reference in [live, restarted, remoteRecent, remoteOld] { _ = try h.storage.link(fileA, as: reference.fileName) }
        _ = try h.fetch.get("docker://busybox")
        #expect(Set(h.storage.references()) == [live.fileName, remoteRecent.fileName])
        #expect(h.reports.filter { $0.hasSuffix("the reference of a step that is gone") }.count == 2)
    }

    /// With /proc mounted hidepid, a user cannot read root's slurmstepd: its reference counts
    /// while a process has its pid.
    @Test func aHiddenSlurmstepdIsJudgedByItsPidAlone() throws {
        let h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        h.clock.starts[9] = 900
        h.clock.hidden = [9]
        let hidden = UseReference(cacheName: fileA, holder: .init(host: "node1", step: "43.0", pid: 9, start: 0), created: 1000, token: "hidden")
        let gone = UseReference(cacheName: fileA, holder: .init(host: "node1", step: "44.0", pid: 10, start: 0), created: 1000, token: "gone")
        for reference in [hidden, gone] { _ = try h.storage.link(fileA, as: reference.fileName) }
        _ = try h.fetch.get("docker://busybox")
        #expect(h.storage.references() == [hidden.fileName])
    }

    @Test func aFileRemovedBeforeTheReferenceIsLookedForAgain() throws {
        var h = Harness()
        h.storage.files[fileA] = .init(text: "", bytes: 100, time: 1, complete: true)
        h.fetch.holder = holder
        var removedOnce = false
        h.storage.beforeLink = {
            if !removedOnce { removedOnce = true; h.storage.files[fileA] = nil }
        }
        let result = try h.fetch.get("docker://busybox")
        #expect(result.outcome == .imported)
        #expect(h.storage.references().count == 1)
        #expect(h.storage.entries().first { $0.name == fileA }?.inUse == true)
    }
}
