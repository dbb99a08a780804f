import Testing
@testable import ImageCache

let digestA = "sha256:" + String(repeating: "a", count: 64)
let digestB = "sha256:" + String(repeating: "b", count: 64)

@Suite struct ImageDigestTests {
    @Test func acceptsOnlySha256AndLowercaseHex() {
        #expect(ImageDigest(digestA + "\n")?.hex == String(repeating: "a", count: 64))
        #expect(ImageDigest("sha256:" + String(repeating: "A", count: 64)) == nil)
        #expect(ImageDigest("sha256:abc") == nil)
        #expect(ImageDigest("sha512:" + String(repeating: "a", count: 64)) == nil)
        #expect(ImageDigest("sha256:" + String(repeating: "a", count: 63) + "/") == nil)
        #expect(ImageDigest("") == nil)
    }

    @Test func fileNamesRoundTripAndOthersAreNotImages() throws {
        let digest = ImageDigest(digestA)!
        let name = try CacheFileName(digest: digest, uri: "docker://ubuntu:24.04")
        #expect(name.text.hasPrefix("sha256-" + digest.hex + "-") && name.text.hasSuffix(".sqsh"))
        #expect(CacheFileName(parsing: name.text) == name)
        #expect(ImageDigest(fileName: name.text) == digest)
        #expect(ImageDigest(fileName: "sha256-\(digest.hex).sqsh") == digest)   // the first releases' names
        #expect(ImageDigest(fileName: name.text + ".lock") == nil)
        #expect(ImageDigest(fileName: ".partial-aaaa-node1-12.sqsh") == nil)
        #expect(ImageDigest(fileName: "sha256-\(digest.hex)-../x.sqsh") == nil)
    }

    /// One registry's content is never found under another registry's name: the registry and
    /// repository are part of the name; the user, tag and digest are not.
    @Test func theNameSaysWhichRegistryAndRepository() throws {
        let digest = ImageDigest(digestA)!
        func name(_ uri: String) throws -> String { try CacheFileName(digest: digest, uri: uri).text }
        #expect(try name("docker://ubuntu:24.04") == name("docker://ubuntu"))
        #expect(try name("docker://ubuntu@" + digestB) == name("docker://ubuntu:22.04"))
        #expect(try name("docker://alice@nvcr.io#nvidia/pytorch:24.01") == name("docker://nvcr.io#nvidia/pytorch"))
        #expect(try name("docker://evil.example#ubuntu") != name("docker://ubuntu"))
        #expect(try name("docker://evil.example#library/ubuntu") != name("docker://registry-1.docker.io#library/ubuntu"))
        #expect(try name("docker://host:5000/img") != name("docker://host/img"))
        #expect(try name("docker://host:5000/img:tag") == name("docker://host:5000/img"))
        #expect(throws: CacheError.self) { try CacheFileName(digest: digest, uri: "dockerd://ubuntu") }
    }

    @Test func aReferenceByDigestNeedsNoLookUp() {
        #expect(ImageDigest.pinned(by: "docker://ubuntu@" + digestA) == ImageDigest(digestA))
        #expect(ImageDigest.pinned(by: "docker://ubuntu:24.04") == nil)
        #expect(ImageDigest.pinned(by: "docker://user@nvcr.io#nvidia/pytorch:24.01") == nil)
    }
}

@Suite struct EvictionTests {
    let entries = [
        Eviction.Entry(name: "old", bytes: 40, lastUsed: 1),
        Eviction.Entry(name: "new", bytes: 40, lastUsed: 3),
        Eviction.Entry(name: "mid", bytes: 40, lastUsed: 2),
    ]

    @Test func removesTheLeastRecentlyUsedUntilUnderTheLimit() {
        #expect(Eviction.victims(entries, limit: 100) == ["old"])
        #expect(Eviction.victims(entries, limit: 40) == ["old", "mid"])
        #expect(Eviction.victims(entries, limit: 120) == [])
    }

    @Test func sizesThatWouldOverflowSaturate() {
        let huge = [Eviction.Entry(name: "a", bytes: .max, lastUsed: 1), Eviction.Entry(name: "b", bytes: .max, lastUsed: 2),
                    Eviction.Entry(name: "c", bytes: 10, lastUsed: 3)]
        #expect(Eviction.victims(huge, limit: 100) == ["a", "b"])
    }

    @Test func neverTheProtectedFileAndNothingWithoutALimit() {
        #expect(Eviction.victims(entries, limit: 40, protecting: ["old"]) == ["mid", "new"])
        #expect(Eviction.victims(entries, limit: 0) == [])
    }
}

@Suite struct ProducerLockTests {
    let record = ProducerLock(host: "node1", pid: 42, start: 4200, taken: 1000, token: "0123abcd")

    @Test func roundTrips() {
        #expect(record.text == "pyxis-image-cache-lock node1 42 4200 1000 0123abcd\n")
        #expect(ProducerLock(text: record.text) == record)
        #expect(ProducerLock(text: "") == nil)
        #expect(ProducerLock(text: "pyxis-image-cache-lock node1 x 1") == nil)
        #expect(ProducerLock(text: "pyxis-image-cache-lock node1 42 1000\n") == nil)   // the old form
    }

    @Test func onItsHostALockIsStaleWhenItsOwnerIsGoneOrItsPidReused() {
        #expect(ProducerLock.state(record, host: "node1", processStart: { _ in 4200 }, unchangedForMilliseconds: 0, staleAfter: 60) == .held)
        #expect(ProducerLock.state(record, host: "node1", processStart: { _ in nil }, unchangedForMilliseconds: 0, staleAfter: 60)
            == .stale("its owner, process 42 on node1, is gone"))
        #expect(ProducerLock.state(record, host: "node1", processStart: { _ in 99 }, unchangedForMilliseconds: 0, staleAfter: 60)
            == .stale("its owner, process 42 on node1, is gone"))
    }

    @Test func fromAnotherHostALockIsStaleWhenUnchangedTooLong() {
        #expect(ProducerLock.state(record, host: "node2", processStart: { _ in nil }, unchangedForMilliseconds: 30_000, staleAfter: 60) == .held)
        #expect(ProducerLock.state(record, host: "node2", processStart: { _ in 4200 }, unchangedForMilliseconds: 61_000, staleAfter: 60)
            == .stale("its owner, process 42 on node1, has not touched it for 61 s"))
        #expect(ProducerLock.state(nil, host: "node2", processStart: { _ in 4200 }, unchangedForMilliseconds: 5_000, staleAfter: 60) == .held)
    }
}
