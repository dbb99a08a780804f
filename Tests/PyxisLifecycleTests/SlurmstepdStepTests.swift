import Testing
import PyxisCore
import PyxisSystem
@testable import PyxisLifecycle

/// slurmstepd's host: FakeHost plus the step's identity.
final class FakeStepdHost: FakeHost, SlurmstepdHost {
    var stepJob: StepJob? = StepJob(uid: 1001, gid: 1001, jobID: 42, stepID: 3, localTaskCount: 1, totalTaskCount: 1)
    var userIsVerbose = false
    func job() -> StepJob? { stepJob }
    func supplementaryGroups() -> [UInt32] { [] }
    func argv() -> [String] { ["hostname"] }
}

/// The callbacks slurmstepd serves for a container step (SlurmstepdStep), over fakes of the
/// host and the node: failures before the tasks exist reach the user from task_init, once, and
/// a step never runs on the host when its container could not be prepared.
@Suite struct SlurmstepdStepTests {
    let host = FakeStepdHost()
    let deferred = DeferredFailure()
    let enroot = FakeEnroot()
    let fakeNode = FakeNode()

    func step(directoryFailure: SystemError? = nil, rendezvousFailure: SystemError? = nil,
              ended: Box<Int32?> = Box(nil)) -> SlurmstepdStep {
        let enroot = enroot, node = fakeNode
        return SlurmstepdStep(host: host, deferred: deferred, node: .init(
            createRuntimeDirectory: { (_, _, _) throws(SystemError) in if let directoryFailure { throw directoryFailure } },
            makeRendezvous: { () throws(SystemError) -> TaskRendezvous in
                if let rendezvousFailure { throw rendezvousFailure }
                return FakeRendezvous()
            },
            makeTools: { _ in StepTools(enroot: enroot, importer: nil, node: node) },
            endTask: { ended.value = $0 }))
    }

    func options(_ arguments: [String]) throws -> (PluginConfig, ContainerOptions) {
        var commandLine = CommandLineOptions()
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let option = try #require(OptionID.allCases.first { $0.flag == parts[0] })
            try commandLine.record(option, argument: parts.count > 1 ? parts[1] : nil)
        }
        let config = try PluginConfig(arguments: ["runtime_path=/run/pyxis"])
        return (config, try OptionResolver.resolve(commandLine: commandLine, environment: { _ in nil }, config: config).options)
    }

    @Test func aContainerStepRunsThroughTheLifecycle() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        let stepd = step()
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        stepd.userInit()
        #expect(stepd.taskInit() == 0)
        #expect(enroot.calls.contains { $0.hasPrefix("start") })
        stepd.taskExit()
        stepd.exit()
        #expect(host.errors.isEmpty)
    }

    @Test func aStepSlurmDoesNotDescribeFailsInTaskInitWithTheReason() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        host.stepJob = nil
        let stepd = step()
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        stepd.userInit()
        #expect(stepd.taskInit() == -1)
        #expect(host.errors == ["couldn't get job ID: Slurm did not give the job's user and ids"])
        #expect(enroot.calls.isEmpty)
    }

    @Test func aRuntimeDirectoryThatCannotBeMadeFailsTheTaskAndRunsNothing() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        let stepd = step(directoryFailure: SystemError("mkdir", errno: 17))
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        stepd.userInit()
        #expect(stepd.lifecycle == nil)
        #expect(stepd.taskInit() == -1)
        #expect(host.errors.count == 1)
        #expect(host.errors.first?.hasPrefix("couldn't mkdir /run/pyxis/1001: ") == true)
        #expect(enroot.calls.isEmpty)
    }

    /// An option error slurmstepd found first is the one the user sees, once, whatever fails after it.
    @Test func theFirstDeferredFailureWinsAndIsReportedOnce() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        deferred.record(PyxisError("--container-unshare: unknown namespace 'pid'"))
        let stepd = step(directoryFailure: SystemError("mkdir", errno: 13))
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        #expect(stepd.taskInit() == -1)
        #expect(host.errors == ["--container-unshare: unknown namespace 'pid'"])
    }

    @Test func noSharedPageFailsTheTaskRatherThanRunningOnTheHost() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        let stepd = step(rendezvousFailure: SystemError("mmap", errno: 12))
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        stepd.userInit()
        #expect(stepd.taskInit() == -1)
        #expect(host.errors.first?.hasPrefix("could not allocate memory: ") == true)
        #expect(enroot.calls.isEmpty)
    }

    @Test func withoutUserInitTheTaskFailsRatherThanRunningOnTheHost() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh"])
        let stepd = step()
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        #expect(stepd.taskInit() == -1)
        #expect(host.errors == ["couldn't start container: the tasks' shared state is missing (user_init did not run)"])
    }

    @Test func aDryRunEndsTheTaskBeforeItsCommand() throws {
        let (config, options) = try options(["--container-image=/images/a.sqsh", "--container-dry-run"])
        let ended = Box<Int32?>(nil)
        let stepd = step(ended: ended)
        stepd.postOptions(config: config, options: options, imageCacheCommand: nil)
        stepd.userInit()
        _ = stepd.taskInit()
        #expect(ended.value == 0)
        #expect(!enroot.calls.contains { $0.hasPrefix("start") })
    }

    @Test func theImageCacheCommandBesideThePluginIsUsedWhenTheLineNamesNone() throws {
        var (config, options) = try options(["--container-image=/images/a.sqsh"])
        config.imageCache = "/cache/%u"
        let stepd = step()
        stepd.postOptions(config: config, options: options, imageCacheCommand: "/usr/lib/slurm/pyxis/pyxis-image-cache")
        #expect(stepd.context?.config.imageCacheCommand == "/usr/lib/slurm/pyxis/pyxis-image-cache")
    }
}

final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}
