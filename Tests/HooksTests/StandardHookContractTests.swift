import StandardHooks
import Testing

/// The standard hooks run as enroot runs them: the cheap paths (nothing to do) and their errors.
/// What they write into a root file system is compared with enroot's scripts by
/// Tests/Integration/hooks-parity.
struct StandardHookContractTests {
    @Test func cgroupsAppendsTheRemountLast() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run("cgroups", Steps.base, mounts: "/a /b none bind\n")
        #expect(result.status == 0 && result.stderr == "")
        #expect(result.mounts.hasSuffix(CgroupMounts.remountLine))
        #expect(result.environ == "")
    }

    @Test(arguments: ["devices", "aptfix", "nvidia", "mellanox"])
    func nothingToDo(_ hook: String) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(hook, Steps.base, environ: "NVIDIA_VISIBLE_DEVICES=void\nMELLANOX_VISIBLE_DEVICES=none\n")
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.environ == "" && result.mounts == "")
    }

    @Test(arguments: ["aptfix", "shadow", "nvidia", "mellanox"])
    func withoutEnrootFailsInOneLine(_ hook: String) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(hook, Steps.base + [("ENROOT_RESTRICT_DEV", "y")], enroot: false)
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-\(hook): ENROOT_ROOTFS is not set; hooks are run by enroot start\n")
    }
}
