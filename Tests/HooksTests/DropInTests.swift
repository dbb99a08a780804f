import Glibc
import Testing

/// The hooks.d drop-ins: named so enroot runs them in its own order, and linked to the
/// executables where `make install` puts them.
struct DropInTests {
    static let hooksDirectory: String = {
        var path = #filePath
        for _ in 0..<3 { if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) } }
        return path + "/hooks.d"
    }()

    @Test(arguments: [
        ("10-home.sh", "pyxis-hook-home"),
        ("50-slurm-pmi.sh", "pyxis-hook-pmi"),
        ("50-slurm-pytorch.sh", "pyxis-hook-pytorch"),
        ("10-aptfix.sh", "pyxis-hook-aptfix"),
        ("10-cgroups.sh", "pyxis-hook-cgroups"),
        ("10-devices.sh", "pyxis-hook-devices"),
        ("10-localtime.sh", "pyxis-hook-localtime"),
        ("10-shadow.sh", "pyxis-hook-shadow"),
        ("98-nvidia.sh", "pyxis-hook-nvidia"),
        ("99-mellanox.sh", "pyxis-hook-mellanox"),
    ])
    func linksToInstalledExecutable(_ name: String, _ executable: String) throws {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("\(Self.hooksDirectory)/\(name)", &buffer, buffer.count - 1)
        try #require(count > 0, "\(name) is not a symbolic link")
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(target == "../../../libexec/pyxis/\(executable)")
        // The same executable exists in the build products, so the link names a real hook.
        #expect(access(HookRunner.executable(String(executable.dropFirst("pyxis-hook-".count))), X_OK) == 0)
    }

    /// Every drop-in is one of the cases above: a new link without a test would go unnoticed.
    @Test func everyDropInIsListed() throws {
        guard let directory = opendir(Self.hooksDirectory) else { throw RunnerError("cannot open hooks.d") }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name.hasSuffix(".sh") { names.append(name) }
        }
        #expect(names.sorted() == [
            "10-aptfix.sh", "10-cgroups.sh", "10-devices.sh", "10-home.sh", "10-localtime.sh", "10-shadow.sh",
            "50-slurm-pmi.sh", "50-slurm-pytorch.sh", "98-nvidia.sh", "99-mellanox.sh",
        ])
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
