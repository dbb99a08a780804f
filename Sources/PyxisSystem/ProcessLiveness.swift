import Glibc

/// Whether a process is still there, and ending one this step started.
public enum ProcessLiveness {
    /// True while `pid` exists and is not a zombie (enroot does not count a zombie as running).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0, let fields = statFields(pid) else { return false }
        return fields.first?.first != UInt8(ascii: "Z")
    }

    /// When `pid` started (`/proc/PID/stat` field 22, clock ticks since boot): with the pid, it
    /// names one process, where a pid alone may have been reused. Nil when there is none.
    public static func startTime(_ pid: pid_t) -> UInt64? {
        guard let fields = statFields(pid), fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }

    /// The fields of `/proc/PID/stat` after `pid (comm)`, from the state (field 3) on.
    private static func statFields(_ pid: pid_t) -> [ArraySlice<UInt8>]? {
        guard let bytes = FileReading.contents(of: "/proc/\(pid)/stat", limit: 4096),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        return bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
    }

    /// The processes below `pid` (children, their children, ...), from /proc's parent links:
    /// a command's helpers (enroot's curl, mksquashfs) stay in no group of their own.
    public static func descendants(of pid: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        guard let proc = opendir("/proc") else { return [] }
        while let entry = readdir(proc) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let child = pid_t(name), let fields = statFields(child), fields.count > 1,
                  let parent = pid_t(String(decoding: fields[1], as: UTF8.self)) else { continue }
            children[parent, default: []].append(child)
        }
        closedir(proc)
        var found: [pid_t] = [], queue = [pid]
        while let next = queue.popLast() {
            for child in children[next] ?? [] where !found.contains(child) {
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }

    /// Lets a stopped process run again (SIGCONT).
    public static func resume(_ pid: pid_t) throws(SystemError) {
        guard kill(pid, SIGCONT) == 0 else { throw SystemError("kill(SIGCONT)", errno: errno) }
    }

    /// Continues `pid` (it only has to run `exit 0`), waits finely for at most a second, then
    /// kills it. It may stay a zombie for a while (its parent, the first task, is gone and the
    /// node's init reaps it).
    public static func end(_ pid: pid_t) {
        kill(pid, SIGCONT)
        for _ in 0..<1000 where isAlive(pid) {
            usleep(1000)
        }
        if isAlive(pid) { kill(pid, SIGKILL) }
    }
}
