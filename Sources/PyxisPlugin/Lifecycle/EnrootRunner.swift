import Glibc
import PyxisCore
import PyxisSystem

/// Runs enroot (and importers) for the job's user, as SPEC §4 describes: through
/// `ProcessRunner` (stdin /dev/null, log in memory, oom_score_adj 0, fds closed, the user's
/// groups/gid/uid), with the enroot environment, timing each command for `-v`.
struct EnrootRunner {
    let enroot: String
    let environment: [String]
    let identity: ProcessIdentity
    let host: SlurmHost

    /// The command `sh -c` runs inside a fresh container: it stops itself once enroot has set
    /// up the namespaces and the root, so the tasks can join them, then exits when continued.
    static let stopCommand = ["sh", "-c", "kill -STOP $$ ; exit 0"]

    /// Runs `executable arguments...` to completion; a non-zero exit is a `LifecycleError`
    /// with `failure` as its message and the command's log.
    @discardableResult
    func run(_ phase: String, _ executable: String, _ arguments: [String], failure: String,
             captureOutput: Bool = false) throws(LifecycleError) -> ProcessResult {
        let start = Clock.now()
        let result: ProcessResult
        do {
            result = try ProcessRunner.run(executable, arguments: arguments, environment: environment,
                                           identity: identity, captureOutput: captureOutput)
        } catch {
            throw LifecycleError(failure, error)
        }
        host.timing(phase, since: start)
        guard result.succeeded else {
            let status = switch result.termination {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
            throw LifecycleError("\(failure) (\(phase.replacingDashes) ended with \(status))", log: result.logLines)
        }
        return result
    }

    @discardableResult
    func enroot(_ phase: String, _ arguments: [String], failure: String, captureOutput: Bool = false) throws(LifecycleError) -> ProcessResult {
        try run("enroot-" + phase, enroot, arguments, failure: failure, captureOutput: captureOutput)
    }

    func list() throws(LifecycleError) -> EnrootListing {
        let result = try enroot("list", ["list", "-f"], failure: "couldn't get list of existing container filesystems", captureOutput: true)
        do {
            return try EnrootListing(parsing: result.output)
        } catch {
            throw LifecycleError(error)
        }
    }

    /// The container process, stopped (or exited), and its log.
    struct Started {
        var pid: pid_t
        var log: [String]
    }

    /// `enroot start --conf CONF TARGET sh -c 'kill -STOP $$ ; exit 0'`, waited for with
    /// WUNTRACED: returns once the container process has stopped itself. Exiting instead is a
    /// failure.
    func start(target: String, conf: String, entrypointRan: Bool) throws(LifecycleError) -> Started {
        let logFD: Int32
        do {
            logFD = try ProcessRunner.makeLogFile()
        } catch {
            throw LifecycleError("couldn't create in-memory log file", error)
        }
        defer { close(logFD) }
        let startTime = Clock.now()
        let pid: pid_t
        do {
            pid = try ProcessRunner.spawn(enroot, arguments: [enroot, "start", "--conf", conf, target] + Self.stopCommand,
                                          environment: environment, identity: identity,
                                          stdoutFD: -1, logFD: logFD)
        } catch {
            throw LifecycleError("failed to start container", error)
        }
        let state = ProcessRunner.waitUntilStopped(pid)
        host.timing("enroot-start", since: startTime)
        let log = (try? ProcessRunner.readAll(logFD)).map { $0.split(separator: "\n").map(String.init) } ?? []
        switch state {
        case .stopped:
            return Started(pid: pid, log: log)
        case .exited(let code):
            var error = code == 0
                ? LifecycleError("container exited too soon (enroot start ended before the container was ready)", log: log)
                : LifecycleError("container start failed with error code: \(code)", log: log)
            if entrypointRan {
                error.hint = "if the image has an unusual entrypoint, try using --no-container-entrypoint"
            }
            throw error
        case .signaled(let signal):
            throw LifecycleError("container exited too soon (enroot start was killed by signal \(signal))", log: log)
        case .error(let error):
            kill(pid, SIGKILL)
            throw LifecycleError("container start error", error)
        }
    }
}

extension String {
    /// `enroot-import` → `enroot import`, for messages.
    var replacingDashes: String { String(map { $0 == "-" ? " " : $0 }) }
}
