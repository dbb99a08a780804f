import Testing
import PyxisCore
import PyxisSystem
@testable import PyxisLifecycle

/// Slurm as the lifecycle sees it: what was logged, and the task's environment.
class FakeHost: StepHost {
    var lines: [(LogLevel, String)] = []
    var notices: [String] = []
    var job: [(String, String)] = [("PWD", "/home/u"), ("SLURM_JOB_ID", "42")]
    var task: [String: String] = [:]
    var unset: [String] = []

    func log(_ level: LogLevel, _ message: String) { lines.append((level, message)) }
    func notice(_ message: String) { notices.append(message) }
    func jobEnvironment(_ name: String) -> String? { job.last(where: { $0.0 == name })?.1 }
    func jobEnvironmentList() -> [(String, String)] { job }
    func setTaskEnvironment(_ name: String, _ value: String) -> Bool { task[name] = value; return true }
    func unsetTaskEnvironment(_ name: String) -> Bool { unset.append(name); return true }

    var errors: [String] { lines.filter { $0.0 == .error }.map(\.1) }
    var verbose: [String] { lines.filter { $0.0 == .verbose }.map(\.1) }
}

/// enroot: records each command; `failing` makes one fail.
final class FakeEnroot: Enroot {
    let path = "/usr/bin/enroot"
    var calls: [String] = []
    var containers: [String: Int32?] = [:]
    var failing: String?
    var startFailure: StartFailure?
    /// How many calls `failing` and `startFailure` fail (nil: every one).
    var failuresLeft: Int?
    /// `failing` is killed by this signal instead of exiting 1.
    var killedBy: Int32?
    var nextPID: Int32 = 4242

    private func record(_ call: String) throws(CommandFailure) {
        calls.append(call)
        if let failing, call.hasPrefix(failing), consumeFailure() {
            if let killedBy {
                throw CommandFailure(ending: "\(failing) was killed by signal \(killedBy)", signal: killedBy)
            }
            throw CommandFailure(ending: "\(failing) exited with status 1", log: ["[ERROR] \(failing) failed"])
        }
    }

    private func consumeFailure() -> Bool {
        guard let left = failuresLeft else { return true }
        failuresLeft = left - 1
        return left > 0
    }

    func list() throws(CommandFailure) -> EnrootListing {
        try record("list")
        let rows = containers.map { name, pid in pid.map { "\(name) \($0) sh S 1 1 1 1 sh" } ?? name }
        do {
            return try EnrootListing(parsing: (["NAME PID COMM STATE STARTED TIME MNTNS USERNS COMMAND"] + rows).joined(separator: "\n"))
        } catch {
            throw CommandFailure(ending: error.message)
        }
    }
    func importImage(_ uri: String, to file: String) throws(CommandFailure) { try record("import \(uri) \(file)") }
    func load(_ uri: String, name: String) throws(CommandFailure) { try record("load \(uri) \(name)"); containers[name] = .some(nil) }
    func create(name: String, from file: String) throws(CommandFailure) { try record("create \(name) \(file)"); containers[name] = .some(nil) }
    func start(_ target: String, configuration: String) throws(StartFailure) -> StartedContainer {
        calls.append("start \(target)")
        if let startFailure, consumeFailure() { throw startFailure }
        return StartedContainer(pid: nextPID, log: ["entrypoint says hi"])
    }
    func export(name: String, to file: String) throws(CommandFailure) { try record("export \(name) \(file)") }
    func remove(_ names: [String]) throws(CommandFailure) {
        try record("remove \(names.joined(separator: " "))")
        for name in names { containers[name] = nil }
    }
}

final class FakeImporter: Importer {
    let path = "/opt/importer"
    var calls: [String] = []
    var failGet = false
    var printed = "/imports/image.sqsh"

    func get(_ uri: String) throws(CommandFailure) -> (path: String, log: [String]) {
        calls.append("get \(uri)")
        if failGet { throw CommandFailure(ending: "importer get exited with status 1", log: ["cannot get \(uri)"]) }
        return (printed, [])
    }
    func release() throws(CommandFailure) { calls.append("release") }
}

final class FakeContainer: JoinableContainer {
    let environment: [(String, String)]
    var shared: Set<String> = []
    var joined: Set<String>?
    var enteredCwd = false

    init(environment: [(String, String)]) { self.environment = environment }
    func sharedKinds() -> Set<String> { shared }
    func join(skipping: Set<String>) throws(ContainerProcess.Failure) {
        joined = Set(ContainerProcess.namespaceKinds).subtracting(skipping).subtracting(shared)
    }
    func enterWorkingDirectory() throws(SystemError) { enteredCwd = true }
}

/// The node: files, locks, the container process, the seccomp filter.
final class FakeNode: StepNode {
    var installation = EnrootInstallation(script: """
        config::init "/etc/enroot/enroot.conf"
        config::export ENROOT_ROOTFS_WRITABLE  false
        config::export ENROOT_NATIVE_OVERLAYFS true
        config::export ENROOT_LOGIN_SHELL      true
        export ENROOT_UNSHARE_NET=y
        """)
    var configured: [String: String] = [:]
    var fuse = true
    var unwritable: Set<String> = []
    var files: [String: String] = [:]
    var removed: [String] = []
    var locks: [String] = []
    var container = FakeContainer(environment: [("PATH", "/usr/bin"), ("FOO", "image")])
    var seccompInstalled = 0
    var directory: String?
    var missingDirectories: Set<String> = []
    var resumed: [Int32] = []
    var ended: [Int32] = []
    var moved: [(String, String)] = []
    var removedAsUser: [String] = []

    func enrootSite(at path: String) -> EnrootSite {
        EnrootSite(enroot: path, installation: installation, assignments: configured)
    }
    func squashfuseSupport(nativeOverlay: Bool) -> ContainerPlan.SquashfuseSupport {
        .init(available: fuse, reason: fuse ? "squashfuse found" : "squashfuse is not installed")
    }
    func checkWritable(directory: String) throws(SystemError) {
        if unwritable.contains(directory) { throw SystemError("access", errno: 13) }
    }
    func lockName(_ path: String, timeout: Double, onWait: () -> Void) throws(NameLock.Failure) -> AnyObject {
        locks.append(path)
        return self
    }
    func writeFile(_ path: String, _ text: String) throws(SystemError) { files[path] = text }
    func removeFile(_ name: String, in directory: String) { removed.append(directory + "/" + name) }
    func openContainer(pid: Int32) throws(ContainerProcess.Failure) -> JoinableContainer { container }
    func changeDirectory(_ path: String) throws(SystemError) {
        if missingDirectories.contains(path) { throw SystemError("chdir", errno: 2) }
        directory = path
    }
    func installSeccompFilter() throws(LifecycleError) { seccompInstalled += 1 }
    func resume(pid: Int32) throws(SystemError) { resumed.append(pid) }
    func end(pid: Int32) { ended.append(pid) }
    func moveAsUser(_ from: String, to: String) throws(CommandFailure) { moved.append((from, to)) }
    func removeAsUser(_ path: String) { removedAsUser.append(path) }
    var userNames: [UInt32: String] = [1001: "u"]
    var loginShells: [UInt32: String] = [:]
    func userName(uid: UInt32) -> String? { userNames[uid] }
    func loginShell(uid: UInt32) -> String? { loginShells[uid] ?? "/bin/bash" }
    var hooks: [String: [String]] = [:]
    func hookFiles(in directory: String) -> [String] { (hooks[directory] ?? []).map { directory + "/" + $0 } }
}

/// The tasks' shared page, in memory; `holderDied` makes the next lock report a dead holder.
final class FakeRendezvous: TaskRendezvous {
    var holderDied = false
    var locked = false
    var state: SharedPage.SetupState = .none
    var pid: Int32 = 0
    var needsContinue = false
    var arrived = 0
    var started = 0
    var record = SetupRecord()

    func lock() throws(SystemError) -> SharedPage.LockOutcome {
        locked = true
        if holderDied {
            holderDied = false
            state = .failed
            return .previousHolderDied
        }
        return .acquired
    }
    func unlock() { locked = false }
}

/// pyxis-image-cache: answers with `answer`, or fails with `failure`.
final class FakeImageCache: ImageCacheClient {
    let path = "/usr/lib/slurm/pyxis/pyxis-image-cache"
    var calls: [String] = []
    var answer = ImageCacheAnswer(path: "/cache/u/sha256-x.sqsh", outcome: .hit, log: [])
    var failure: CommandFailure?
    /// Thrown by a `get --damaged` (nil: the damaged file was removed and the image imported again).
    var recheckFailure: CommandFailure?
    /// The step each `get` named, and each `release` (directory and step).
    var steps: [String?] = []
    var releases: [String] = []
    func get(_ uri: String, directory: String, limit: UInt64, tagTTL: UInt32, step: String?,
             damaged: (file: String, identity: String?)?) throws(CommandFailure) -> ImageCacheAnswer {
        steps.append(step)
        calls.append("get \(uri) \(directory) \(limit)" + (tagTTL > 0 ? " ttl \(tagTTL)" : "")
                     + (damaged.map { " damaged \($0.file)" + ($0.identity.map { " identity \($0)" } ?? "") } ?? ""))
        if let damaged {
            if let recheckFailure { throw recheckFailure }
            return ImageCacheAnswer(path: answer.path, outcome: .imported, log: ["the cache file \(damaged.file) is damaged (test); removed it"])
        }
        if let failure { throw failure }
        return answer
    }
    func release(directory: String, step: String) throws(CommandFailure) { releases.append("\(directory) \(step)") }
}

/// One step on one node with fakes everywhere.
struct Harness {
    let host = FakeHost()
    let enroot = FakeEnroot()
    let importer = FakeImporter()
    let node = FakeNode()
    let rendezvous = FakeRendezvous()
    let imageCache = FakeImageCache()
    let lifecycle: StepLifecycle

    init(_ arguments: [String] = [], plugstack: [String] = [], tasks: Int = 1, privileged: Bool = false,
         job: [(String, String)] = [], cacheCommand: Bool = true) throws {
        var commandLine = CommandLineOptions()
        for argument in arguments {
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard let option = OptionID.allCases.first(where: { $0.flag == parts[0] }) else {
                Issue.record("unknown option \(parts[0])"); continue
            }
            try commandLine.record(option, argument: parts.count > 1 ? parts[1] : nil)
        }
        var config = try PluginConfig(arguments: ["runtime_path=/run/pyxis"] + plugstack)
        if cacheCommand, config.imageCacheCommand == nil { config.imageCacheCommand = imageCache.path }
        host.job += job
        let options = try OptionResolver.resolve(commandLine: commandLine, environment: { _ in nil }, config: config).options
        let step = StepInfo(uid: 1001, gid: 1001, groups: [], jobID: 42, stepID: 3, localTaskCount: tasks,
                            totalTaskCount: tasks, workingDirectory: "/home/u", privileged: privileged)
        let context = StepContext(host: host, config: config, options: options, step: step, batchScript: nil)
        let tools = StepTools(enroot: enroot, importer: config.importer == nil ? nil : importer, node: node,
                              imageCache: config.imageCacheCommand == nil ? nil : imageCache)
        lifecycle = StepLifecycle(context: context, rendezvous: rendezvous) { () throws(LifecycleError) in tools }
    }

    /// Every task's task_init, then each task's exit (the last one tears down).
    @discardableResult
    func runStep() -> [Int32] {
        let results = (0..<lifecycle.context.step.localTaskCount).map { _ in lifecycle.taskInit() }
        for _ in 0..<lifecycle.context.step.localTaskCount { lifecycle.taskExit() }
        return results
    }
}
