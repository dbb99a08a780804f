// The one place the hooks start another program.
import Glibc

public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var output: [UInt8]
    }

    /// Runs `argv` (looked up in `PATH`) with `input` on its stdin (else /dev/null) and its
    /// stdout captured (else inherited), stderr inherited unless captured output is asked for;
    /// nil when it cannot start. `environment` nil: the hook's own.
    public static func run(
        _ argv: [String], input: [UInt8]? = nil, environment: [String]? = nil, captureOutput: Bool = false
    ) -> Result? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var output: [Int32] = [-1, -1], feed: [Int32] = [-1, -1]
        guard !captureOutput || makePipe(&output), input == nil || makePipe(&feed) else { return nil }
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, output[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, feed[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        let argvC: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envC: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer { (argvC + (envC ?? [])).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned: Bool
        if var envC {
            spawned = posix_spawnp(&pid, argv[0], &actions, nil, argvC, &envC) == 0
        } else {
            spawned = posix_spawnp(&pid, argv[0], &actions, nil, argvC, environ) == 0
        }
        for fd in [output[1], feed[0]] where fd >= 0 { close(fd) }
        if let input, feed[1] >= 0 {
            // A child that exits early must not kill the hook with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            if spawned { writeAll(feed[1], input) }
            close(feed[1])
        }
        var captured: [UInt8] = []
        if output[0] >= 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while spawned, captured.count < 1 << 20 {
                let count = chunk.withUnsafeMutableBytes { raw in retrying { read(output[0], raw.baseAddress, raw.count) } }
                if count <= 0 { break }
                captured += chunk[..<count]
            }
            close(output[0])
        }
        guard spawned else { return nil }
        var status: Int32 = 0
        _ = retrying { waitpid(pid, &status, 0) }
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        return Result(status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: captured)
    }

    /// pipe2 is not imported without _GNU_SOURCE; the hook is single-threaded, so pipe + fcntl
    /// cannot race with another spawn.
    static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    /// `command -v NAME` over `path` (`PATH`'s directories): an executable regular file.
    public static func isCommand(_ name: String, in path: [String]) -> Bool {
        path.contains { directory in
            let candidate = (directory.isEmpty ? "." : directory) + "/" + name
            return FileSystem.kind(candidate) == .regular && FileSystem.isExecutable(candidate)
        }
    }

    /// Replaces the hook with `path` (same arguments and environment); returns only on failure.
    public static func exec(_ path: String) -> HookFailure {
        let argvC: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        execv(path, argvC)
        return HookFailure("cannot run \(path): \(describe(errno))")
    }
}
