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
