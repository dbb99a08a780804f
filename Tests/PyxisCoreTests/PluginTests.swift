import Testing
@testable import PyxisCore

/// A Slurm stand-in: records messages, serves environments from tables.
final class FakeSpank: SpankHost {
    var context: SpankContext
    var job: [String: String] = [:]
    var process: [String: String] = [:]
    var messages: [(LogLevel, String)] = []

    init(_ context: SpankContext) { self.context = context }

    func jobEnvironment(_ name: String) -> String? { job[name] }
    func processEnvironment(_ name: String) -> String? { process[name] }
    func log(_ level: LogLevel, _ message: String) { messages.append((level, message)) }

    var errors: [String] { messages.filter { $0.0 == .error }.map(\.1) }
    var infos: [String] { messages.filter { $0.0 == .info }.map(\.1) }
}

final class FakeNode: NodeSystem {
    var existing: Set<String> = []
    /// Paths stat cannot look at, with the reason.
    var unreadable: [String: String] = [:]
    var created: [String] = []
    var failCreate: PyxisError?

    func pathStatus(_ path: String) -> PathStatus {
        if let reason = unreadable[path] { return .unknown(reason) }
        return existing.contains(path) ? .exists : .missing
    }
    func createRuntimeDirectory(_ path: String) throws(PyxisError) {
        if let failCreate { throw failCreate }
        created.append(path)
    }
}

@Suite struct PluginTests {
    @Test func badPlugstackArgumentStopsLoading() {
        let host = FakeSpank(.local)
        #expect(Plugin.initialize(arguments: ["colour=blue"], host: host, system: FakeNode()) == nil)
        #expect(host.errors == [
            "unknown configuration option: colour=blue (known keys: runtime_path, execute_entrypoint, container_scope, sbatch_support, use_enroot_load, importer, use_squashfuse, image_cache, image_cache_max, image_cache_user, image_cache_fallback, image_cache_command, image_cache_tag_ttl)",
            "failed to parse configuration",
        ])
    }

    @Test func slurmdCreatesRuntimePath() throws {
        let node = FakeNode()
        let host = FakeSpank(.slurmd)
        _ = try #require(Plugin.initialize(arguments: ["runtime_path=/run/px"], host: host, system: node))
        #expect(node.created == ["/run/px"])

        node.failCreate = PyxisError("runtime_path /run/px exists but is not a directory")
        #expect(Plugin.initialize(arguments: ["runtime_path=/run/px"], host: host, system: node) == nil)
    }

    @Test func clientReadsProcessEnvironmentAndWarns() throws {
        let host = FakeSpank(.local)
        host.job = ["PYXIS_CONTAINER_IMAGE": "ignored-in-srun"]
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.mounts, argument: "/a") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(host.infos == ["ignoring --container-mounts because neither --container-image nor --container-name is set"])
        #expect(plugin.taskInit() == 0)
    }

    @Test func clientErrorsFailTheCallback() throws {
        let host = FakeSpank(.local)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.unshare, argument: "pid") == -1)
        #expect(host.errors == ["--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts"])
        #expect(plugin.handleOption(.image, argument: "") == -1)
        #expect(host.errors.last == "--container-image: argument required (expected [USER@][REGISTRY#]IMAGE[:TAG] or a path to a squashfs file)")
        host.process["PYXIS_CONTAINER_REMAP_ROOT"] = "sometimes"
        #expect(plugin.postOptions() == -1)
        #expect(host.errors.last?.hasPrefix("PYXIS_CONTAINER_REMAP_ROOT='sometimes' is not a boolean") == true)
    }

    @Test func slurmstepdDefersErrorsToTaskInit() throws {
        let host = FakeSpank(.remote)
        host.job = ["PYXIS_CONTAINER_IMAGE": "ubuntu", "PWD": "/home/u"]
        let node = FakeNode()
        node.existing = ["/data", "/home/u/rel"]
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: node))
        #expect(plugin.handleOption(.mounts, argument: "/data:/d,./rel:/r,./missing:/m") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(host.errors.isEmpty)
        #expect(plugin.taskInit() == -1)
        #expect(host.errors == ["--container-mounts: source path does not exist: ./missing (on this node, resolved against the job's working directory: '/home/u/missing')"])
    }

    @Test func aMissingAbsoluteMountSourceIsNamedAsPyxisNamesIt() throws {
        let host = FakeSpank(.remote)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.image, argument: "ubuntu") == 0)
        #expect(plugin.handleOption(.mounts, argument: "/no/such/dir:/x") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(plugin.taskInit() == -1)
        #expect(host.errors == ["--container-mounts: source path does not exist: /no/such/dir (on this node)"])
    }

    @Test func aMissingSquashfsImageIsNamedBeforeEnrootRuns() throws {
        let host = FakeSpank(.remote)
        host.job = ["PWD": "/home/u"]
        let node = FakeNode()
        node.existing = ["/images/a.sqsh"]
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: node))
        #expect(plugin.handleOption(.image, argument: "./b.sqsh") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(plugin.taskInit() == -1)
        #expect(host.errors == ["--container-image: squashfs file does not exist: ./b.sqsh (on this node, resolved against the job's working directory: '/home/u/b.sqsh')"])
        let present = try #require(Plugin.initialize(arguments: [], host: FakeSpank(.remote), system: node))
        #expect(present.handleOption(.image, argument: "/images/a.sqsh") == 0)
        #expect(present.postOptions() == 0)
        #expect(present.taskInit() == 0)
    }

    @Test func aMountSourceStatCannotReadIsLeftToEnroot() throws {
        // Root may not stat a user's directory on a root-squashed NFS home; it exists for the
        // user, so the step goes on, with pyxis's note.
        let host = FakeSpank(.remote)
        let node = FakeNode()
        node.unreadable = ["/nfs/home/u/data": "Permission denied"]
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: node))
        #expect(plugin.handleOption(.image, argument: "ubuntu") == 0)
        #expect(plugin.handleOption(.mounts, argument: "/nfs/home/u/data:/data") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(plugin.taskInit() == 0)
        #expect(host.errors.isEmpty)
        #expect(host.infos == ["--container-mounts: cannot stat source path /nfs/home/u/data: Permission denied"])
        #expect(plugin.activeOptions != nil)
    }

    @Test func pairedFlagsAreNamedAsOneInTheIgnoringWarning() throws {
        let host = FakeSpank(.local)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.noMountHome, argument: nil) == 0)
        #expect(plugin.handleOption(.readonly, argument: nil) == 0)
        #expect(plugin.postOptions() == 0)
        #expect(host.infos == [
            "ignoring --[no-]container-mount-home because neither --container-image nor --container-name is set",
            "ignoring --container-readonly because neither --container-image nor --container-name is set",
        ])
    }

    @Test func slurmstepdFailsTheTaskForAnOptionItRejects() throws {
        // Slurm ignores the callback's -1 in slurmstepd: the task must fail instead of running
        // on the host without its container.
        let host = FakeSpank(.remote)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.unshare, argument: "pid") == -1)
        #expect(plugin.handleOption(.image, argument: "ubuntu") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(plugin.activeOptions == nil)
        #expect(plugin.taskInit() == -1)
        #expect(host.errors.last == "--container-unshare: unknown namespace 'pid' in 'pid'; allowed: net, ipc, uts")
    }

    @Test func slurmstepdHandsActiveOptionsToTheLifecycle() throws {
        let host = FakeSpank(.remote)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.handleOption(.image, argument: "ubuntu") == 0)
        #expect(plugin.postOptions() == 0)
        #expect(plugin.taskInit() == 0)
        #expect(plugin.activeOptions?.image == .uri("docker://ubuntu"))
        #expect(host.errors.isEmpty)
    }

    @Test func slurmstepdWithoutContainerDoesNothing() throws {
        let host = FakeSpank(.remote)
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.postOptions() == 0)
        #expect(plugin.taskInit() == 0)
        #expect(host.messages.isEmpty)
    }
}

/// sbatch --export that would drop the container options on the running release.
@Suite struct BatchExportTests {
    let old = BatchExport.Release(major: 22, minor: 5), mid = BatchExport.Release(major: 23, minor: 11),
        new = BatchExport.Release(major: 26, minor: 5)

    @Test func releasesParse() {
        #expect(BatchExport.Release("22.05.8") == old)
        #expect(BatchExport.Release("23.11.4-1") == mid)
        #expect(BatchExport.Release("26.05") == new)
        #expect(BatchExport.Release("x") == nil)
    }

    @Test func allKeepsTheOptionsEverywhere() {
        for export in [nil, "", "ALL", "all", "ALL,FOO", "ALL,FOO=bar"] {
            #expect(BatchExport.problem(export: export, release: old) == nil)
        }
    }

    @Test func noneIsRefusedBefore2311() {
        #expect(BatchExport.problem(export: "NONE", release: old)
            == "sbatch --export=NONE: Slurm 22.05 does not pass the container options to a batch job that does not export the whole environment (fixed in 23.11), so its script would run outside the container; submit with --export=ALL instead")
        #expect(BatchExport.problem(export: "nil", release: old) != nil)
        #expect(BatchExport.problem(export: "NONE", release: mid) == nil)
    }

    @Test func aListIsRefusedBefore2405() {
        #expect(BatchExport.problem(export: "FOO,BAR=1", release: mid)
            == "sbatch --export=FOO,BAR=1: Slurm 23.11 does not pass the container options to a batch job that does not export the whole environment (fixed in 24.05), so its script would run outside the container; submit with --export=ALL,FOO,BAR=1 instead")
        #expect(BatchExport.problem(export: "FOO", release: new) == nil)
    }

    @Test func sbatchFailsBeforeSubmitting() throws {
        let host = BatchHost(.allocator)
        host.process = ["PYXIS_CONTAINER_IMAGE": "ubuntu", "SLURM_EXPORT_ENV": "NONE"]
        let plugin = try #require(Plugin.initialize(arguments: [], host: host, system: FakeNode()))
        #expect(plugin.postOptions() == -1)
        #expect(host.errors.first?.hasPrefix("sbatch --export=NONE: Slurm 22.05") == true)
    }

    @Test func sallocAndJobsWithoutContainersAreLeftAlone() throws {
        let salloc = BatchHost(.allocator, batch: false)
        salloc.process = ["PYXIS_CONTAINER_IMAGE": "ubuntu", "SLURM_EXPORT_ENV": "NONE"]
        #expect(try #require(Plugin.initialize(arguments: [], host: salloc, system: FakeNode())).postOptions() == 0)
        let plain = BatchHost(.allocator)
        plain.process = ["SLURM_EXPORT_ENV": "NONE"]
        #expect(try #require(Plugin.initialize(arguments: [], host: plain, system: FakeNode())).postOptions() == 0)
    }
}

/// sbatch (or salloc) on Slurm 22.05.
final class BatchHost: SpankHost {
    let context: SpankContext
    let isBatchSubmission: Bool
    var process: [String: String] = [:]
    var messages: [(LogLevel, String)] = []
    var slurmRelease: BatchExport.Release? { BatchExport.Release("22.05.8") }

    init(_ context: SpankContext, batch: Bool = true) {
        self.context = context
        self.isBatchSubmission = batch
    }
    func jobEnvironment(_ name: String) -> String? { nil }
    func processEnvironment(_ name: String) -> String? { process[name] }
    func log(_ level: LogLevel, _ message: String) { messages.append((level, message)) }
    var errors: [String] { messages.filter { $0.0 == .error }.map(\.1) }
}
