import Testing
@testable import PyxisCore

/// What `pyxis-image-cache get` writes and the plugin reads (ImageCacheWire).
@Suite struct ImageCacheWireTests {
    @Test func valuesWrittenByTheCommandAreReadByThePlugin() {
        #expect(ImageCacheWire.parse(ImageCacheWire.prefix + ImageCacheWire.text(.outcome, "imported")) == .value(.outcome, "imported"))
        #expect(ImageCacheWire.parse(ImageCacheWire.prefix + ImageCacheWire.text(.identity, "64769:1234")) == .value(.identity, "64769:1234"))
    }

    @Test func everythingElseIsAReportForTheUser() {
        #expect(ImageCacheWire.parse("pyxis-image-cache: waiting for node2 to import docker://ubuntu") == .report("waiting for node2 to import docker://ubuntu"))
        // Only the command's own lines carry values: enroot's log, quoted below a failure, does not.
        #expect(ImageCacheWire.parse("    outcome: hit") == .report("    outcome: hit"))
        #expect(ImageCacheWire.parse("outcome: hit") == .report("outcome: hit"))
    }

    @Test func theStatusesAreDistinctFromSuccessAndPlainFailure() {
        #expect(Set([0, 1, ImageCacheWire.cacheUnusableStatus, ImageCacheWire.fileSoundStatus]).count == 4)
    }
}
