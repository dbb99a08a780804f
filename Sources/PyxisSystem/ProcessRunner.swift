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

    public var succeeded: Bool { termination == .exited(0) }

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
        heartbeat: () -> Void = {}
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
        let status = try wait(pid, heartbeatSeconds: heartbeatSeconds, heartbeat: heartbeat)
        let termination: ProcessResult.Termination = csystem_signaled(status) != 0
            ? .signaled(csystem_term_signal(status)) : .exited(csystem_exit_status(status))
        return ProcessResult(
            termination: termination,
            output: captureOutput ? try readAll(outputFD) : "",
            log: try readAll(logFD))
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
    /// meanwhile (a long import tells the steps waiting for it that it is alive).
    private static func wait(_ pid: pid_t, heartbeatSeconds: Int, heartbeat: () -> Void) throws(SystemError) -> Int32 {
        var status: Int32 = 0
        guard heartbeatSeconds > 0 else {
            let rc = csystem_wait(pid, &status, 0)
            guard rc == 0 else { throw SystemError("waitpid(\(pid))", errno: rc) }
            return status
        }
        var waited = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return status }
            if rc < 0, errno != EINTR { throw SystemError("waitpid(\(pid))", errno: errno) }
            usleep(50_000)
            waited += 50
            if waited % (heartbeatSeconds * 1000) == 0 { heartbeat() }
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
