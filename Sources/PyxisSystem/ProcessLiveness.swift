import Glibc

/// Whether a process is still there, and ending one this step started.
public enum ProcessLiveness {
    /// True while `pid` exists and is not a zombie (enroot does not count a zombie as running).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let bytes = FileReading.contents(of: "/proc/\(pid)/stat", limit: 4096),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return false }
        let rest = bytes[(close + 1)...].drop(while: { $0 == UInt8(ascii: " ") })
        return rest.first != UInt8(ascii: "Z")
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
