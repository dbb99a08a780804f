import Testing
@testable import PyxisCore

/// The fast path's rule, which the plugin's `use_squashfuse=auto` and pyxis-doctor share.
@Suite struct SquashfuseSupportTests {
    typealias Support = ContainerPlan.SquashfuseSupport

    @Test func everythingThereWithTheKernelsOverlayfs() {
        let judged = Support.judge(device: nil, squashfuse: "/usr/bin/squashfuse", fuseOverlayfs: nil, nativeOverlay: true)
        #expect(judged.support == Support(available: true, reason: "/usr/bin/squashfuse found, enroot uses native overlayfs"))
        #expect(judged.problems.isEmpty)
    }

    @Test func fuseOverlayfsIsNeededOnlyWithoutTheKernelsOverlayfs() {
        #expect(!Support.judge(device: nil, squashfuse: "/usr/bin/squashfuse", fuseOverlayfs: nil, nativeOverlay: false).support.available)
        let judged = Support.judge(device: nil, squashfuse: "/usr/bin/squashfuse", fuseOverlayfs: "/usr/bin/fuse-overlayfs", nativeOverlay: false)
        #expect(judged.support == Support(available: true, reason: "/usr/bin/squashfuse and /usr/bin/fuse-overlayfs found"))
    }

    @Test func everyProblemIsListedAndTheFirstIsTheReason() {
        let judged = Support.judge(device: .init("/dev/fuse is not usable", fix: "chmod 0666 /dev/fuse"), squashfuse: nil,
                                   fuseOverlayfs: nil, nativeOverlay: false)
        #expect(judged.support == Support(available: false, reason: "/dev/fuse is not usable"))
        #expect(judged.problems.map(\.text) == ["/dev/fuse is not usable", "squashfuse is not installed",
                                                "fuse-overlayfs is not installed and ENROOT_NATIVE_OVERLAYFS is off"])
    }
}
