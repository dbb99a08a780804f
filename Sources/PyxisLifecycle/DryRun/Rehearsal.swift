import Glibc
import PyxisCore
import PyxisSystem

/// What a dry run collects while the set-up runs against stand-ins that change nothing
/// (docs/design.md, "Dry run"): the commands it would run, the files it would write, and the
/// messages it would print. Reads (enroot list, the installation, the node's squashfuse
/// support) are real, so the path it reports is the one a real step would take.
final class Rehearsal {
    var commands: [String] = []
    var files: [(path: String, text: String)] = []
    var messages: [(LogLevel, String)] = []

    /// `enroot start ...` as a shell would show it: words with spaces or quotes single-quoted.
    static func commandLine(_ words: [String]) -> String {
        words.map { word in
            let plain = !word.isEmpty && word.utf8.allSatisfy { byte in
                (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte) || "/._-=:,@+%#".utf8.contains(byte)
            }
            return plain ? word : ShellQuoting.quote(word)
        }.joined(separator: " ")
    }
}

/// enroot for a dry run: `list` asks the real one; everything else is written down.
final class RehearsalEnroot: Enroot {
    let real: Enroot
    let rehearsal: Rehearsal
    var path: String { real.path }

    init(_ real: Enroot, _ rehearsal: Rehearsal) {
        self.real = real
        self.rehearsal = rehearsal
    }

    private func note(_ arguments: [String]) { rehearsal.commands.append(Rehearsal.commandLine([path] + arguments)) }

    func list() throws(CommandFailure) -> EnrootListing { try real.list() }
    func importImage(_ uri: String, to file: String) throws(CommandFailure) { note(["import", "--output", file, uri]) }
    func load(_ uri: String, name: String) throws(CommandFailure) { note(["load", "--name", name, uri]) }
    func create(name: String, from file: String) throws(CommandFailure) { note(["create", "--name", name, file]) }
    func export(name: String, to file: String) throws(CommandFailure) { note(["export", "-f", "-o", file, name]) }
    func remove(_ names: [String]) throws(CommandFailure) { note(["remove", "-f"] + names) }
    func start(_ target: String, configuration: String) throws(StartFailure) -> StartedContainer {
        note(["start", "--conf", configuration, target] + EnrootCommandLine.stopCommand)
        return StartedContainer(pid: 0, log: [])
    }
}

/// The site's importer for a dry run: its `get` is written down, not run.
final class RehearsalImporter: Importer {
    let real: Importer
    let rehearsal: Rehearsal
    var path: String { real.path }

    init(_ real: Importer, _ rehearsal: Rehearsal) {
        self.real = real
        self.rehearsal = rehearsal
    }

    func get(_ uri: String) throws(CommandFailure) -> (path: String, log: [String]) {
        rehearsal.commands.append(Rehearsal.commandLine([path, "get", uri]))
        return ("<the squashfs file \(path) prints>", [])
    }

    func release() throws(CommandFailure) { rehearsal.commands.append(Rehearsal.commandLine([path, "release"])) }
}

/// The image cache for a dry run: `get` is written down, not run (it would import).
final class RehearsalImageCache: ImageCacheClient {
    let real: ImageCacheClient
    let rehearsal: Rehearsal
    var path: String { real.path }

    init(_ real: ImageCacheClient, _ rehearsal: Rehearsal) {
        self.real = real
        self.rehearsal = rehearsal
    }

    func get(_ uri: String, directory: String, limit: UInt64, tagTTL: UInt32, step: String?,
             damaged: (file: String, identity: String?)?) throws(CommandFailure) -> ImageCacheAnswer {
        var words = [path, "get", "--cache", directory]
        if limit > 0 { words += ["--max", String(limit)] }
        if tagTTL > 0 { words += ["--tag-ttl", String(tagTTL)] }
        if let step { words += ["--step", step, "--step-pid", "<slurmstepd>"] }
        rehearsal.commands.append(Rehearsal.commandLine(words + ["--", uri]))
        return ImageCacheAnswer(path: directory + "/sha256-<digest of \(uri)>.sqsh", outcome: .hit)
    }

    func release(directory: String, step: String) throws(CommandFailure) {
        rehearsal.commands.append(Rehearsal.commandLine([path, "release", "--cache", directory, "--step", step]))
    }
}

/// Files for a dry run: written down, not made; the name lock is not taken.
final class RehearsalFiles: NodeFiles {
    let rehearsal: Rehearsal

    init(_ rehearsal: Rehearsal) { self.rehearsal = rehearsal }

    func lockName(_ path: String, timeout: Double, onWait: () -> Void) throws(NameLock.Failure) -> AnyObject { rehearsal }
    func writeFile(_ path: String, _ text: String) throws(SystemError) { rehearsal.files.append((path, text)) }
    func removeFile(_ name: String, in directory: String) {
        rehearsal.commands.append(Rehearsal.commandLine(["rm", "-f", directory + "/" + name]) + "   # by the plugin")
    }
    func moveAsUser(_ from: String, to: String) throws(CommandFailure) {
        rehearsal.commands.append(Rehearsal.commandLine(["mv", "-f", "-T", from, to]))
    }
    func removeAsUser(_ path: String) { rehearsal.commands.append(Rehearsal.commandLine(["rm", "-f", "--", path])) }
}

/// Processes for a dry run: none is started, so none is joined, resumed or ended.
final class RehearsalProcesses: ContainerProcesses {
    func openContainer(pid: Int32) throws(ContainerProcess.Failure) -> JoinableContainer {
        throw ContainerProcess.Failure.environment(SystemError("a dry run starts no container", errno: ESRCH))
    }
    func changeDirectory(_ path: String) throws(SystemError) {}
    func installSeccompFilter() throws(LifecycleError) {}
    func resume(pid: Int32) throws(SystemError) {}
    func end(pid: Int32) {}
}

/// Slurm for a dry run: messages are collected for the report; the job's environment is real.
final class RehearsalHost: StepHost {
    let real: StepHost
    let rehearsal: Rehearsal

    init(_ real: StepHost, _ rehearsal: Rehearsal) {
        self.real = real
        self.rehearsal = rehearsal
    }

    func log(_ level: LogLevel, _ message: String) { rehearsal.messages.append((level, message)) }
    func notice(_ message: String) { rehearsal.messages.append((.info, message)) }
    func jobEnvironment(_ name: String) -> String? { real.jobEnvironment(name) }
    func jobEnvironmentList() -> [(String, String)] { real.jobEnvironmentList() }
    func setTaskEnvironment(_ name: String, _ value: String) -> Bool { true }
    func unsetTaskEnvironment(_ name: String) -> Bool { true }
}

/// The tasks' rendezvous for a dry run: the set-up's record goes nowhere.
final class RehearsalRendezvous: TaskRendezvous {
    func lock() throws(SystemError) -> SharedPage.LockOutcome { .acquired }
    func unlock() {}
    var state: SharedPage.SetupState = .none
    var pid: Int32 = 0
    var needsContinue = false
    var arrived = 0
    var started = 0
    var record = SetupRecord()
}
