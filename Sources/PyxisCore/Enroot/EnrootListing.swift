/// The containers `enroot list -f` reports, and the PID of the running ones.
///
/// Input (enroot 3.1+/4.x): a header line `NAME PID COMM STATE STARTED TIME MNTNS USERNS
/// COMMAND`, then one row per container: its name alone (a stopped container, possibly with
/// trailing padding) or its name, the PID of its process and more columns.
public struct EnrootListing: Equatable, Sendable {
    /// Container name → PID of its running process (nil when not running).
    public private(set) var containers: [String: Int32?] = [:]

    public init(parsing output: String) throws(PyxisError) {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let header = lines.popFirst() else { return }
        guard header.split(separator: " ").first == "NAME" else {
            throw PyxisError("\"enroot list -f\" did not produce any usable output: the first line is \(quoted(String(header.prefix(80)))), not the NAME PID ... header")
        }
        for line in lines {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let name = fields.first else { continue }
            var pid: Int32?
            if fields.count > 1 {
                guard let parsed = Int32(fields[1]), parsed > 0 else {
                    throw PyxisError("\"enroot list -f\" did not produce any usable output: \(quoted(String(fields[1]))) in the PID column of \(quoted(String(name)))")
                }
                pid = parsed
            }
            // A container with several processes has several rows: keep the first PID.
            if containers[String(name)] == nil || containers[String(name)] == .some(nil) {
                containers[String(name)] = pid
            }
        }
    }

    public func contains(_ name: String) -> Bool { containers[name] != nil }

    /// The PID of the container's running process, if it is running.
    public func runningPID(of name: String) -> Int32? { containers[name] ?? nil }
}

/// The names pyxis gives enroot containers.
public enum EnrootContainerName {
    /// `pyxis_<name>` (global scope) or `pyxis_<jobid>_<name>` (job scope) for named
    /// containers; `pyxis_<jobid>.<stepid>` (`pyxis_<jobid>_<jobid>.<stepid>` in job scope)
    /// for temporary ones.
    public static func make(name: ContainerName?, scope: PluginConfig.ContainerScope, step: StepInfo) -> String {
        let base = name?.name ?? step.stepLabel
        switch scope {
        case .global: return "pyxis_" + base
        case .job: return "pyxis_\(step.jobID)_" + base
        }
    }

    /// The prefix of every container of a job in job scope (what the epilog removes).
    public static func jobPrefix(jobID: UInt32) -> String { "pyxis_\(jobID)_" }
}
