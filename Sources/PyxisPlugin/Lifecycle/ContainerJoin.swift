import CSystem
import EnvRemap
import Glibc
import PyxisCore
import PyxisSystem

/// A task's handles on the container process, taken while that process is guaranteed to
/// exist (stopped, or a running named container): its namespaces, its working directory and
/// its environment. Joining happens afterwards, once the process may already have gone.
struct ContainerHandles: ~Copyable {
    /// In the order they are joined: the user namespace first, which grants the capabilities
    /// needed to join the others.
    static let kinds = ["user", "cgroup", "mnt", "ipc", "uts", "net"]
    /// How pyxis names each kind in its messages.
    static let names = ["user": "user", "cgroup": "cgroup", "mnt": "mount", "ipc": "IPC", "uts": "UTS", "net": "network"]

    private var namespaces: [(kind: String, fd: Int32)] = []
    private var cwdFD: Int32 = -1
    let environment: Environment

    init(pid: pid_t) throws(LifecycleError) {
        var opened: [(kind: String, fd: Int32)] = []
        func closeAll() { for entry in opened { close(entry.fd) } }
        for kind in Self.kinds {
            let fd = csystem_open_namespace(pid, kind)
            guard fd >= 0 else {
                let error = errno
                closeAll()
                throw LifecycleError("unable to open \(Self.names[kind] ?? kind) namespace file: \(String(cString: strerror(error))) (/proc/\(pid)/ns/\(kind))")
            }
            opened.append((kind, fd))
        }
        let cwd = open("/proc/\(pid)/cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard cwd >= 0 else {
            let error = errno
            closeAll()
            throw LifecycleError("couldn't get container directory: \(String(cString: strerror(error))) (/proc/\(pid)/cwd)")
        }
        guard let environ = Self.readEnviron(pid) else {
            let error = errno
            closeAll()
            close(cwd)
            throw LifecycleError("couldn't read /proc/\(pid)/environ: \(String(cString: strerror(error)))")
        }
        namespaces = opened
        cwdFD = cwd
        environment = environ
    }

    deinit {
        for entry in namespaces { close(entry.fd) }
        if cwdFD >= 0 { close(cwdFD) }
    }

    /// `/proc/<pid>/environ`: NUL-separated `NAME=value` entries.
    static func readEnviron(_ pid: pid_t) -> Environment? {
        guard let bytes = FileReading.contents(of: "/proc/\(pid)/environ") else { return nil }
        var pairs: [(String, String)] = []
        for entry in bytes.split(separator: 0) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            pairs.append((String(decoding: entry[..<equals], as: UTF8.self),
                          String(decoding: entry[(equals + 1)...], as: UTF8.self)))
        }
        return Environment(pairs)
    }

    /// Joins the namespaces with `setns` — the user namespace unless the job is privileged,
    /// the others only when they are not already ours — then moves to the container's
    /// working directory, or to `workdir`.
    func enter(privileged: Bool, unshare: [UnshareNamespace], workdir: String?) throws(LifecycleError) {
        for (kind, fd) in namespaces {
            let own = csystem_namespace_is_own(fd, kind)
            if let requested = unshare.first(where: { $0.rawValue == kind }), own == 1 {
                throw LifecycleError("error: --container-unshare=\(requested.rawValue) requested but the container is not in a separate \(Self.names[kind] ?? kind) namespace")
            }
            if own == 1 || (kind == "user" && privileged) { continue }
            let rc = csystem_setns(fd)
            guard rc == 0 else {
                throw LifecycleError("couldn't join \(Self.names[kind] ?? kind) namespace: \(String(cString: strerror(rc)))")
            }
        }
        guard fchdir(cwdFD) == 0 else {
            throw LifecycleError("couldn't chdir to container cwd: \(String(cString: strerror(errno)))")
        }
        if let workdir, chdir(workdir) != 0 {
            throw LifecycleError("couldn't chdir to \(workdir): \(String(cString: strerror(errno))) (--container-workdir, inside the container)")
        }
    }
}
