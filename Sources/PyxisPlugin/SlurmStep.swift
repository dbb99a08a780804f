import CSpank
import Glibc
import PyxisLifecycle

/// The slurmstepd-only items of the `spank_t` handle: the job's identity and environment, the
/// task being set up, and changes to the environment the task will exec with.
extension SlurmHost: SlurmstepdHost {
    func job() -> StepJob? {
        var raw = cspank_job()
        guard cspank_get_job(handle, &raw) == 0 else { return nil }
        return StepJob(uid: raw.uid, gid: raw.gid, jobID: raw.job_id, stepID: raw.step_id,
                       localTaskCount: Int(raw.local_task_count), totalTaskCount: Int(raw.total_task_count))
    }

    func supplementaryGroups() -> [UInt32] {
        var list: UnsafePointer<UInt32>?
        var count: Int32 = 0
        guard cspank_get_gids(handle, &list, &count) == 0, let list, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: list, count: Int(count)))
    }

    /// The step's argv (for the batch step, argv[0] is the script).
    func argv() -> [String] {
        var argc: Int32 = 0
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        guard cspank_get_argv(handle, &argc, &argv) == 0, let argv else { return [] }
        return (0..<Int(max(argc, 0))).compactMap { argv[$0].map { String(cString: $0) } }
    }

    /// The job's environment, in order, as `(name, value)`.
    func jobEnvironmentList() -> [(String, String)] {
        var env: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        guard cspank_get_env(handle, &env) == 0, let env else { return [] }
        var result: [(String, String)] = []
        var index = 0
        while let entry = env[index] {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
            }
            index += 1
        }
        return result
    }

    func setTaskEnvironment(_ name: String, _ value: String) -> Bool {
        cspank_setenv(handle, name, value) == 0
    }

    func unsetTaskEnvironment(_ name: String) -> Bool {
        cspank_unsetenv(handle, name) == 0
    }

    /// A message the user sees at the default verbosity, not marked as an error.
    func notice(_ message: String) {
        cspank_log(message)
    }
}
