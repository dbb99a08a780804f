import Glibc
import PyxisHooks
import Testing

/// The hooks.d drop-ins: named as enroot's own hooks, so that enroot runs them in its order and
/// enabling one replaces enroot's script; each runs its hook through pyxis-tools.
struct DropInTests {
    @Test func theDropInsAreNamedAsEnrootsHooks() {
        #expect(PyxisHook.allCases.map(\.dropIn).sorted() == [
            "10-aptfix.sh", "10-cgroups.sh", "10-devices.sh", "10-home.sh", "10-localtime.sh", "10-shadow.sh",
            "50-slurm-pmi.sh", "50-slurm-pytorch.sh", "98-nvidia.sh", "99-mellanox.sh",
        ])
    }

    /// enroot runs a drop-in by its path in hooks.d: the executable is the hook that name says,
    /// and its messages carry the hook's own name.
    @Test(arguments: [("10-shadow.sh", "shadow", "ENROOT_ROOTFS"), ("10-cgroups.sh", "cgroups", "ENROOT_MOUNTS"),
                      ("10-aptfix.sh", "aptfix", "ENROOT_ROOTFS")])
    func aDropInRunsItsHook(_ dropIn: String, _ hook: String, _ variable: String) throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(hook, [], enroot: false, runAs: "/etc/enroot/hooks.d/" + dropIn)
        #expect(result.status == 1)
        #expect(result.stderr == "pyxis-hook-\(hook): \(variable) is not set; hooks are run by enroot start\n")
    }

    /// All three in enroot's order against one step: each sees what the earlier ones wrote.
    @Test func runInNameOrder() throws {
        let runner = try HookRunner()
        defer { runner.cleanUp() }
        let variables = Steps.pmix + [("ENROOT_MOUNT_HOME", "y")]
        try runner.write(runner.environPath, Steps.pytorchImage)
        try runner.write(runner.mountsPath, "")
        for hook in ["home", "pmi", "pytorch"] {
            let environ = try runner.read(runner.environPath)
            let mounts = try runner.read(runner.mountsPath)
            let result = try runner.run(hook, variables, environ: environ, mounts: mounts)
            #expect(result.status == 0, "\(hook): \(result.stderr)")
        }
        let environ = try runner.read(runner.environPath)
        #expect(environ.hasPrefix(Steps.pytorchImage + "HOME=/home/alice\nSLURM_JOB_ID=4242\n"))
        #expect(environ.hasSuffix("PMIX_MCA_gds=ds21,ds12,hash\nMASTER_ADDR=node007\nMASTER_PORT=\(61000 + 4242 % 4536)\nWORLD_SIZE=1\nLOCAL_WORLD_SIZE=1\nNODE_RANK=0\nGROUP_RANK=0\nGROUP_WORLD_SIZE=1\n"))
        #expect(try runner.read(runner.mountsPath) == """
            /home/alice /home/alice none x-create=dir,bind,rw,nosuid
            /var/spool/slurmd/pmix.4242.0 /var/spool/slurmd/pmix.4242.0 none x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail

            """)
    }
}
