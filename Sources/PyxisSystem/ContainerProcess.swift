import CSystem
import Glibc

/// A task's handles on the container process, taken while that process is guaranteed to exist
/// (stopped, or a running named container): its namespaces, its working directory and its
/// environment. Joining happens afterwards, when the process may already have gone.
public final class ContainerProcess {
    /// The namespace kinds, in the order they are joined: the user namespace first, which grants
    /// the capabilities needed to join the others.
    public static let namespaceKinds = ["user", "cgroup", "mnt", "ipc", "uts", "net"]

    public enum Failure: Error, Sendable {
        /// `/proc/PID/ns/KIND` could not be opened.
        case namespace(kind: String, SystemError)
        case workingDirectory(SystemError)
        case environment(SystemError)
    }

    private var namespaces: [(kind: String, fd: Int32)] = []
    private var cwdFD: Int32 = -1
    /// `/proc/PID/environ`, as `(name, value)` in order.
    public let environment: [(String, String)]

    public init(pid: pid_t) throws(Failure) {
        var opened: [(kind: String, fd: Int32)] = []
        func closeAll() { for entry in opened { close(entry.fd) } }
        for kind in Self.namespaceKinds {
            let fd = csystem_open_namespace(pid, kind)
            guard fd >= 0 else {
                let error = SystemError("open /proc/\(pid)/ns/\(kind)", errno: errno)
                closeAll()
                throw .namespace(kind: kind, error)
            }
            opened.append((kind, fd))
        }
        let cwd = open("/proc/\(pid)/cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard cwd >= 0 else {
            let error = SystemError("open /proc/\(pid)/cwd", errno: errno)
            closeAll()
            throw .workingDirectory(error)
        }
        guard let bytes = FileReading.contents(of: "/proc/\(pid)/environ") else {
            let error = SystemError("read /proc/\(pid)/environ", errno: errno)
            closeAll()
            close(cwd)
            throw .environment(error)
        }
        namespaces = opened
        cwdFD = cwd
        environment = Self.parseEnviron(bytes)
    }

    deinit {
        for entry in namespaces { close(entry.fd) }
        if cwdFD >= 0 { close(cwdFD) }
    }

    /// NUL-separated `NAME=value` entries.
    static func parseEnviron(_ bytes: [UInt8]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for entry in bytes.split(separator: 0) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            pairs.append((String(decoding: entry[..<equals], as: UTF8.self),
                          String(decoding: entry[(equals + 1)...], as: UTF8.self)))
        }
        return pairs
    }

    /// The kinds whose namespace is the caller's own (enroot made no new one).
    public func sharedKinds() -> Set<String> {
        var shared: Set<String> = []
        for (kind, fd) in namespaces where csystem_namespace_is_own(fd, kind) == 1 { shared.insert(kind) }
        return shared
    }

    /// `setns` into every namespace that is not already ours, except `skipping`.
    public func join(skipping: Set<String>) throws(Failure) {
        for (kind, fd) in namespaces where !skipping.contains(kind) && csystem_namespace_is_own(fd, kind) != 1 {
            let rc = csystem_setns(fd)
            guard rc == 0 else { throw .namespace(kind: kind, SystemError("setns", errno: rc)) }
        }
    }

    /// `fchdir` to the process's working directory.
    public func enterWorkingDirectory() throws(SystemError) {
        guard fchdir(cwdFD) == 0 else { throw SystemError("fchdir", errno: errno) }
    }
}
