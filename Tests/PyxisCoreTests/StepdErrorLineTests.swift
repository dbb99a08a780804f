import Testing
import PyxisCore

struct StepdErrorLineTests {
    let headline = "couldn't start container"

    @Test(arguments: ["22.05.8", "23.02.7"])
    func slurmNamesTheNodeItselfUpTo23_02(release: String) {
        #expect(StepdErrorLine.text(headline, node: "node2", release: .init(release)) == headline)
    }

    @Test(arguments: ["23.11.11", "24.11.7", "25.05.0", "25.11.7", "26.05.3"])
    func theNodeIsNamedFrom23_11(release: String) {
        #expect(StepdErrorLine.text(headline, node: "node2", release: .init(release)) == "\(headline) (on node2)")
    }

    @Test func logLinesUnknownReleasesAndNodesAreLeftAlone() {
        let release = BatchExport.Release(major: 26, minor: 5)
        #expect(StepdErrorLine.text("    mkdir: denied", node: "node2", release: release) == "    mkdir: denied")
        #expect(StepdErrorLine.text(headline, node: nil, release: release) == headline)
        #expect(StepdErrorLine.text(headline, node: "", release: release) == headline)
        #expect(StepdErrorLine.text(headline, node: "node2", release: nil) == headline)
    }
}
