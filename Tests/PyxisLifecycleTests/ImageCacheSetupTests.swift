import Testing
import PyxisCore
@testable import PyxisLifecycle

/// The first task's set-up with the image cache (plugstack image_cache=): which images use it,
/// the messages of a hit and a miss, and what happens when the cache cannot be used.
@Suite struct ImageCacheSetupTests {
    let cache = ["image_cache=/cache/%u", "image_cache_max=10G"]

    @Test func aRegistryImageStartsFromItsCachedFileAndNothingIsImportedOrRemoved() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        #expect(h.runStep() == [0])
        #expect(h.imageCache.calls == ["get docker://ubuntu /cache/u 10737418240"])
        #expect(h.enroot.calls == ["start /cache/u/sha256-x.sqsh"])
        #expect(!h.node.removed.contains { $0.hasSuffix(".sqsh") || $0.hasSuffix(".squashfs") })
        #expect(h.host.notices.isEmpty)   // a hit is no import
        #expect(h.host.verbose.contains { $0.hasPrefix("image cache hit: /cache/u/sha256-x.sqsh (") })
    }

    /// The file gets a reference for the step (no eviction takes it while the container reads
    /// it through squashfuse), released at the teardown, after the container process ended.
    @Test func theStepsReferenceIsTakenWithTheFileAndReleasedAtTheTeardown() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        #expect(h.runStep() == [0])
        #expect(h.imageCache.steps == ["42.3"])
        #expect(h.imageCache.releases == ["/cache/u 42.3"])
        h.lifecycle.finish()
        #expect(h.imageCache.releases.count == 1)   // once
    }

    @Test func aGetThatFailsIsReleasedToo() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.imageCache.failure = CommandFailure(ending: "exited with status 1", log: ["boom"], status: 1)
        #expect(h.runStep() == [-1])
        #expect(h.imageCache.releases == ["/cache/u 42.3"])
    }

    @Test func aMissPrintsPyxisImportLinesAndANamedContainerIsCreatedFromTheCachedFile() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-name=c"], plugstack: cache)
        h.imageCache.answer.outcome = .imported
        #expect(h.runStep() == [0])
        #expect(h.enroot.calls == ["list", "create pyxis_c /cache/u/sha256-x.sqsh", "start pyxis_c"])
        #expect(h.host.notices == ["importing docker image: ubuntu", "imported docker image: ubuntu"])
    }

    @Test func filesDockerdAndSiteImportersDoNotUseTheCache() throws {
        let file = try Harness(["--container-image=/images/a.sqsh"], plugstack: cache)
        file.runStep()
        let dockerd = try Harness(["--container-image=dockerd://ubuntu"], plugstack: cache)
        dockerd.runStep()
        let importer = try Harness(["--container-image=ubuntu"], plugstack: cache + ["importer=/opt/importer"])
        importer.runStep()
        #expect(file.imageCache.calls.isEmpty && dockerd.imageCache.calls.isEmpty && importer.imageCache.calls.isEmpty)
        #expect(importer.importer.calls.first == "get docker://ubuntu")
    }

    @Test func aUserDirectoryIsUsedOnlyWhereTheSiteAllowsIt() throws {
        let allowed = try Harness(["--container-image=ubuntu"], plugstack: ["image_cache_user=1"], job: [("PYXIS_IMAGE_CACHE", "/scratch/mine")])
        allowed.runStep()
        #expect(allowed.imageCache.calls == ["get docker://ubuntu /scratch/mine 0"])
        let refused = try Harness(["--container-image=ubuntu"], plugstack: cache, job: [("PYXIS_IMAGE_CACHE", "/scratch/mine")])
        refused.runStep()
        #expect(refused.imageCache.calls == ["get docker://ubuntu /cache/u 10737418240"])
    }

    @Test func anUnusableCacheFallsBackToAPlainImportWithAMessage() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.imageCache.failure = CommandFailure(ending: "image cache get exited with status 3",
                                              log: ["pyxis-image-cache: cannot create the cache directory /cache/u: Permission denied"], status: 3)
        #expect(h.runStep() == [0])
        #expect(h.host.lines.contains { $0 == (.info, "not using the image cache: cannot create the cache directory /cache/u: Permission denied; importing without it") })
        #expect(h.enroot.calls.first == "import docker://ubuntu /run/pyxis/1001/42.3.squashfs")
    }

    @Test func withoutFallbackAnUnusableCacheFailsTheStepAndRunsNothing() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache + ["image_cache_fallback=0"])
        h.imageCache.failure = CommandFailure(ending: "image cache get exited with status 3",
                                              log: ["pyxis-image-cache: cannot create the cache directory /cache/u: Permission denied"], status: 3)
        #expect(h.runStep() == [-1])
        #expect(h.host.errors.first == "failed to import docker image: ubuntu into the image cache /cache/u (image cache get exited with status 3)")
        #expect(!h.enroot.calls.contains { $0.hasPrefix("start") })
    }

    @Test func anImageThatCannotBeImportedFailsWhateverTheFallback() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.imageCache.failure = CommandFailure(ending: "image cache get exited with status 1", log: ["[ERROR] not found"], status: 1)
        #expect(h.runStep() == [-1])
        #expect(h.host.errors.first?.hasPrefix("failed to import docker image: ubuntu into the image cache /cache/u") == true)
        #expect(h.enroot.calls.isEmpty)
    }

    @Test func aCacheFileThatFailsToStartAndIsDamagedIsImportedAgainOnceWithAMessage() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.enroot.startFailure = .exited(code: 1, log: ["squashfuse: bad inode"])
        h.enroot.failuresLeft = 1
        #expect(h.runStep() == [0])
        #expect(h.imageCache.calls == ["get docker://ubuntu /cache/u 10737418240",
                                       "get docker://ubuntu /cache/u 10737418240 damaged /cache/u/sha256-x.sqsh"])
        #expect(h.enroot.calls == ["start /cache/u/sha256-x.sqsh", "start /cache/u/sha256-x.sqsh"])
        #expect(h.host.lines.contains { $0 == (.info, "the image cache file /cache/u/sha256-x.sqsh was damaged: removed it and imported docker image ubuntu again") })
    }

    /// The check is told which file the step started from: one another step has replaced since
    /// (it found it damaged and imported the image again) is not judged in its place.
    @Test func theRecheckNamesTheFileTheStepGot() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.imageCache.answer.identity = "64769:1234"
        h.enroot.startFailure = .exited(code: 1, log: ["squashfuse: bad inode"])
        h.enroot.failuresLeft = 1
        #expect(h.runStep() == [0])
        #expect(h.imageCache.calls.last == "get docker://ubuntu /cache/u 10737418240 damaged /cache/u/sha256-x.sqsh identity 64769:1234")
    }

    @Test func aCacheFileThatReadsWholeLeavesTheStartFailureAsItWas() throws {
        let h = try Harness(["--container-image=ubuntu"], plugstack: cache)
        h.enroot.startFailure = .exited(code: 1, log: ["mount: no such file"])
        h.imageCache.recheckFailure = CommandFailure(ending: "image cache get exited with status 4", status: 4)
        #expect(h.runStep() == [-1])
        #expect(h.host.errors.first == "container start failed with error code: 1")
        #expect(h.enroot.calls == ["start /cache/u/sha256-x.sqsh"])   // one try only
    }

    @Test func aSecondFailureAfterTheNewImportFailsTheStep() throws {
        let h = try Harness(["--container-image=ubuntu", "--container-name=c"], plugstack: cache)
        h.enroot.failing = "create"
        #expect(h.runStep() == [-1])
        #expect(h.imageCache.calls.count == 2)
        #expect(h.enroot.calls.filter { $0.hasPrefix("create") }.count == 2)   // once again, not more
        #expect(h.enroot.containers["pyxis_c"] == nil)
    }
}
