import Glibc
import PyxisCore
import PyxisSystem

/// Runs commands for the job's user the way docs/design.md describes ("Running enroot"):
/// through `ProcessRunner` (stdin /dev/null, log in memory, oom_score_adj 0, fds closed, the
/// user's groups/gid/uid), with the enroot environment, timing each one for `-v`.
public final class UserCommands {
    let identity: ProcessIdentity
    let host: StepHost
    /// Built on the first command: the tasks that only join the container run none, and
    /// copying the job's environment in each of them would be wasted.
    private let makeEnvironment: () -> [String]
    private var built: [String]?

    public init(environment: @escaping () -> [String], identity: ProcessIdentity, host: StepHost) {
        self.makeEnvironment = environment
        self.identity = identity
        self.host = host
    }

    var environment: [String] {
        if let built { return built }
        let made = makeEnvironment()
        built = made
        return made
    }

    /// Runs `executable arguments...` to completion; a non-zero exit is a `CommandFailure`.
    @discardableResult
    func run(_ phase: String, _ executable: String, _ arguments: [String], captureOutput: Bool = false) throws(CommandFailure) -> ProcessResult {
        let start = MonotonicClock.milliseconds()
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(executable, arguments: arguments, environment: environment,
                                           identity: identity, captureOutput: captureOutput)
        } catch {
            throw CommandFailure(ending: "\(phase.replacingDashes) could not run: \(error.description)")
        }
        host.timing(phase, since: start)
        switch result.termination {
        case .exited(0):
            return result
        case .exited(let code):
            throw CommandFailure(ending: "\(phase.replacingDashes) exited with status \(code)", log: result.logLines, status: code)
        case .signaled(let signal):
            throw CommandFailure(ending: "\(phase.replacingDashes) was killed by signal \(signal)", log: result.logLines, signal: signal)
        }
    }
}

/// The real `enroot`, run as the job's user.
public final class EnrootCommandLine: Enroot {
    public let path: String
    let commands: UserCommands

    /// The command `sh -c` runs inside a fresh container: it stops itself once enroot has set
    /// up the namespaces and the root, so the tasks can join them, then exits when continued.
    static let stopCommand = ["sh", "-c", "kill -STOP $$ ; exit 0"]

    public init(path: String, commands: UserCommands) {
        self.path = path
        self.commands = commands
    }

    public func list() throws(CommandFailure) -> EnrootListing {
        let result = try commands.run("enroot-list", path, ["list", "-f"], captureOutput: true)
        do {
            return try EnrootListing(parsing: result.output)
        } catch {
            throw CommandFailure(ending: error.message)
        }
    }

    public func importImage(_ uri: String, to file: String) throws(CommandFailure) {
        try commands.run("enroot-import", path, ["import", "--output", file, uri])
    }

    public func load(_ uri: String, name: String) throws(CommandFailure) {
        try commands.run("enroot-load", path, ["load", "--name", name, uri])
    }

    public func create(name: String, from file: String) throws(CommandFailure) {
        try commands.run("enroot-create", path, ["create", "--name", name, file])
    }

    public func export(name: String, to file: String) throws(CommandFailure) {
        try commands.run("enroot-export", path, ["export", "-f", "-o", file, name])
    }

    public func remove(_ names: [String]) throws(CommandFailure) {
        try commands.run("enroot-remove", path, ["remove", "-f"] + names)
    }

    public func start(_ target: String, configuration: String) throws(StartFailure) -> StartedContainer {
        let logFD: Int32
        do {
            logFD = try ProcessRunner.makeLogFile()
        } catch {
            throw .couldNotRun("couldn't create in-memory log file: \(error.description)")
        }
        defer { close(logFD) }
        let startTime = MonotonicClock.milliseconds()
        let pid: pid_t
        do {
            pid = try ProcessRunner.spawn(path, arguments: [path, "start", "--conf", configuration, target] + Self.stopCommand,
                                          environment: commands.environment, identity: commands.identity,
                                          stdoutFD: -1, logFD: logFD)
        } catch {
            throw .couldNotRun(error.description)
        }
        let state = ProcessRunner.waitUntilStopped(pid)
        commands.host.timing("enroot-start", since: startTime)
        let log = (try? ProcessRunner.readAll(logFD)).map { $0.split(separator: "\n").map(String.init) } ?? []
        switch state {
        case .stopped: return StartedContainer(pid: pid, log: log)
        case .exited(let code): throw .exited(code: code, log: log)
        case .signaled(let signal): throw .signaled(signal, log: log)
        case .error(let error):
            kill(pid, SIGKILL)
            throw .couldNotRun(error.description)
        }
    }
}

/// The site's importer, run as the job's user.
public final class ImporterCommand: Importer {
    public let path: String
    let commands: UserCommands

    public init(path: String, commands: UserCommands) {
        self.path = path
        self.commands = commands
    }

    public func get(_ uri: String) throws(CommandFailure) -> (path: String, log: [String]) {
        let result = try commands.run("importer-get", path, ["get", uri], captureOutput: true)
        return (result.output.split(separator: "\n").first.map(String.init) ?? "", result.logLines)
    }

    public func release() throws(CommandFailure) {
        try commands.run("importer-release", path, ["release"])
    }
}

/// `pyxis-image-cache`, run as the job's user. Its first line on stdout is the file; its log
/// says what happened (`pyxis-image-cache: outcome: hit|imported|waited`, then reports).
public final class ImageCacheCommand: ImageCacheClient {
    public let path: String
    let commands: UserCommands

    public init(path: String, commands: UserCommands) {
        self.path = path
        self.commands = commands
    }

    /// Run from a task (the set-up's), whose parent is the step's slurmstepd: the reference
    /// names that process, so a step that ends without its teardown leaves a reference this
    /// node's next `get` knows to be stale.
    public func get(_ uri: String, directory: String, limit: UInt64, tagTTL: UInt32, step: String?,
                    damaged: (file: String, identity: String?)?) throws(CommandFailure) -> ImageCacheAnswer {
        var arguments = ["get", "--cache", directory]
        if let step { arguments += ["--step", step, "--step-pid", String(getppid())] }
        if limit > 0 { arguments += ["--max", String(limit)] }
        if tagTTL > 0 { arguments += ["--tag-ttl", String(tagTTL)] }
        if let damaged {
            arguments += ["--damaged", damaged.file]
            if let identity = damaged.identity { arguments += ["--damaged-identity", identity] }
        }
        let result = try commands.run("image-cache-get", path, arguments + ["--", uri], captureOutput: true)
        let file = result.output.split(separator: "\n").first.map(String.init) ?? ""
        var outcome = ImageCacheAnswer.Outcome.imported
        var identity: String?
        var log: [String] = []
        for line in result.logLines {
            switch ImageCacheWire.parse(line) {
            case .value(.outcome, let value): outcome = ImageCacheAnswer.Outcome(rawValue: value) ?? outcome
            case .value(.identity, let value): identity = value
            case .report: log.append(line)
            }
        }
        return ImageCacheAnswer(path: file, outcome: outcome, log: log, identity: identity)
    }

    public func release(directory: String, step: String) throws(CommandFailure) {
        _ = try commands.run("image-cache-release", path, ["release", "--cache", directory, "--step", step])
    }
}

extension String {
    /// `enroot-import` → `enroot import`, for messages.
    var replacingDashes: String { String(map { $0 == "-" ? " " : $0 }) }
}
