import CSystem
import Glibc

/// Who a child process runs as: the job's user, with its supplementary groups.
public struct ProcessIdentity: Equatable, Sendable {
    public var uid: uid_t
    public var gid: gid_t
    public var groups: [gid_t]

    public init(uid: uid_t, gid: gid_t, groups: [gid_t]) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// Keep the caller's identity (tests, and privileged jobs that run as root anyway).
    public static let inherited = ProcessIdentity(uid: uid_t.max, gid: gid_t.max, groups: [])
}

/// How a child process ended, and what it printed.
public struct ProcessResult: Equatable, Sendable {
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signaled(Int32)
    }

    public let termination: Termination
    /// stdout (when captured separately) — e.g. the squashfs path an importer prints.
    public let output: String
    /// stderr, and stdout when it was not captured separately: shown to the user on failure.
    public let log: String

    /// It ran past its time limit and was stopped (with everything it started).
    public var timedOut = false

    public var succeeded: Bool { termination == .exited(0) && !timedOut }

    /// The log as `pyxis: ...` lines, for the user to see why a command failed.
    public var logLines: [String] {
        log.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

/// The one place that runs a child process (enroot, importers). The child side is C
/// (`csystem_spawn`): stdin from /dev/null, output into in-memory files, oom_score_adj 0,
/// other descriptors closed, groups, gid and uid of the job user set in that order.
public enum ProcessRunner {
    public static func run(
        _ path: String,
        arguments: [String],
        environment: [String],
        identity: ProcessIdentity,
        captureOutput: Bool = false,
        workingDirectory: String? = nil,
        heartbeatSeconds: Int = 0,
        heartbeat: () -> Void = {},
        timeLimitSeconds: Int = 0
    ) throws(SystemError) -> ProcessResult {
        let logFD = csystem_memfd("pyxis-log")
        guard logFD >= 0 else { throw SystemError("memfd_create", errno: errno) }
        defer { close(logFD) }
        var outputFD: Int32 = -1
        if captureOutput {
            outputFD = csystem_memfd("pyxis-output")
            guard outputFD >= 0 else { throw SystemError("memfd_create", errno: errno) }
        }
        defer { if outputFD >= 0 { close(outputFD) } }

        let pid = try spawn(path, arguments: [path] + arguments, environment: environment,
                            identity: identity, stdoutFD: outputFD, logFD: logFD,
                            workingDirectory: workingDirectory)
        let (status, timedOut) = try wait(pid, heartbeatSeconds: heartbeatSeconds, heartbeat: heartbeat,
                                          timeLimitSeconds: timeLimitSeconds)
        let termination: ProcessResult.Termination = csystem_signaled(status) != 0
            ? .signaled(csystem_term_signal(status)) : .exited(csystem_exit_status(status))
        var result = ProcessResult(
            termination: termination,
            output: captureOutput ? try readAll(outputFD) : "",
            log: try readAll(logFD))
        result.timedOut = timedOut
        return result
    }

    /// Starts a child and returns its pid without waiting (for `enroot start`, whose process
    /// stops itself and is waited for with WUNTRACED).
    public static func spawn(
        _ path: String,
        arguments: [String],
        environment: [String],
        identity: ProcessIdentity,
        stdoutFD: Int32,
        logFD: Int32,
        workingDirectory: String? = nil
    ) throws(SystemError) -> pid_t {
        var cArguments = arguments.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        var failedStep: UnsafePointer<CChar>?
        let rc: Int32 = path.withCString { cPath in
            identity.groups.withUnsafeBufferPointer { groups in
                cArguments.withUnsafeMutableBufferPointer { argv in
                    cEnvironment.withUnsafeMutableBufferPointer { envp in
                        withOptionalCString(workingDirectory) { cwd in
                            var spec = csystem_spawn_spec(
                                path: cPath, argv: argv.baseAddress, envp: envp.baseAddress,
                                groups: groups.baseAddress, group_count: groups.count,
                                gid: identity.gid, uid: identity.uid,
                                stdout_fd: stdoutFD, log_fd: logFD, cwd: cwd)
                            return csystem_spawn(&spec, &pid, &failedStep)
                        }
                    }
                }
            }
        }
        guard rc == 0 else {
            let step = failedStep.map { String(cString: $0) } ?? "fork"
            throw SystemError("cannot run \(path): \(step)", errno: rc)
        }
        return pid
    }

    /// Waits for the child to end; with `heartbeatSeconds`, calls `heartbeat` that often
    /// meanwhile (a long import tells the steps waiting for it that it is alive). Past
    /// `timeLimitSeconds` (0: none) the child and all it started get SIGTERM, and SIGKILL
    /// 5 s later; the status then says how it ended, and `timedOut` is true.
    private static func wait(
        _ pid: pid_t, heartbeatSeconds: Int, heartbeat: () -> Void, timeLimitSeconds: Int
    ) throws(SystemError) -> (status: Int32, timedOut: Bool) {
        var status: Int32 = 0
        guard heartbeatSeconds > 0 || timeLimitSeconds > 0 else {
            let rc = csystem_wait(pid, &status, 0)
            guard rc == 0 else { throw SystemError("waitpid(\(pid))", errno: rc) }
            return (status, false)
        }
        var waited = 0
        var stopping: TreeStop?
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid {
                stopping?.endLeftovers()
                return (status, stopping != nil)
            }
            if rc < 0, errno != EINTR { throw SystemError("waitpid(\(pid))", errno: errno) }
            usleep(50_000)
            waited += 50
            if heartbeatSeconds > 0, waited % (heartbeatSeconds * 1000) == 0 { heartbeat() }
            if timeLimitSeconds > 0, stopping == nil, waited >= timeLimitSeconds * 1000 {
                stopping = TreeStop(root: pid)
            }
            stopping?.poll(killing: waited - (timeLimitSeconds * 1000) >= 5000)
        }
    }

    /// Ends a child and everything below it: SIGTERM, then SIGKILL. Each poll signals what
    /// appeared below the child since (a trap handler's clean-up, a helper started late), and
    /// keeps each process it signalled (pid and start time) to end it even once the child's
    /// death has handed it to init.
    private struct TreeStop {
        let root: pid_t
        var signalled: [(pid: pid_t, start: UInt64?, signal: Int32)] = []

        init(root: pid_t) { self.root = root }

        mutating func poll(killing: Bool) {
            let signal = killing ? SIGKILL : SIGTERM
            // The deepest first: a parent that died first would hand its children to init.
            for process in ProcessLiveness.descendants(of: root).reversed() + [root] {
                let start = ProcessLiveness.startTime(process)
                guard !signalled.contains(where: { $0.pid == process && $0.start == start && $0.signal == signal }) else { continue }
                kill(process, signal)
                signalled.append((process, start, signal))
            }
        }

        /// After the child ended: what it left behind, still running, is killed.
        func endLeftovers() {
            for _ in 0..<40 {
                var alive = false
                for process in signalled where process.pid != root && process.start != nil
                    && ProcessLiveness.startTime(process.pid) == process.start && ProcessLiveness.isAlive(process.pid) {
                    alive = true
                    for below in ProcessLiveness.descendants(of: process.pid) { kill(below, SIGKILL) }
                    kill(process.pid, SIGKILL)
                }
                if !alive { return }
                usleep(50_000)
            }
        }
    }

    /// An in-memory file (close-on-exec) to collect a spawned child's output.
    public static func makeLogFile() throws(SystemError) -> Int32 {
        let fd = csystem_memfd("pyxis-log")
        guard fd >= 0 else { throw SystemError("memfd_create", errno: errno) }
        return fd
    }

    public enum ChildState: Equatable, Sendable {
        case stopped
        case exited(Int32)
        case signaled(Int32)
        case error(SystemError)
    }

    /// Waits (WUNTRACED) until the child stops itself or ends.
    public static func waitUntilStopped(_ pid: pid_t) -> ChildState {
        var status: Int32 = 0
        let rc = csystem_wait(pid, &status, WUNTRACED)
        if rc != 0 { return .error(SystemError("waitpid(\(pid))", errno: rc)) }
        if csystem_stopped(status) != 0 { return .stopped }
        if csystem_signaled(status) != 0 { return .signaled(csystem_term_signal(status)) }
        return .exited(csystem_exit_status(status))
    }

    /// The whole content of an in-memory file, from the start.
    public static func readAll(_ fd: Int32) throws(SystemError) -> String {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw SystemError("lseek", errno: errno) }
        return String(decoding: try FileReading.readAll(fd), as: UTF8.self)
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
