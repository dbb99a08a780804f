import Glibc
import PyxisCore
import PyxisSystem

/// The job epilog for `container_scope=job` (SPEC §4.5): remove every container of the job
/// (`pyxis_<jobid>_*`) as the job's user, then check that none is left.
enum JobEpilog {
    static func run(host: SlurmHost, config: PluginConfig) -> Int32 {
        guard config.containerScope == .job else { return 0 }
        guard let job = host.job() else {
            host.log(.error, "job epilog: Slurm did not give the job's uid and id; cannot remove the job's containers")
            return -1
        }
        guard let user = PasswdEntry(uid: job.uid) else {
            host.log(.error, "job epilog: no passwd entry for uid \(job.uid); cannot remove the job's containers")
            return -1
        }
        guard let enroot = NodeProbe.findExecutable("enroot") else {
            host.log(.error, "job epilog: enroot is not installed on this node (not found in \(NodeProbe.searchPath)); cannot remove the job's containers")
            return -1
        }
        let gid = job.gid == UInt32.max ? user.gid : job.gid
        let environment = [
            "PATH=" + NodeProbe.searchPath, "HOME=" + user.home, "USER=" + user.name, "LOGNAME=" + user.name,
            "SLURM_JOB_ID=\(job.jobID)", "SLURM_JOB_UID=\(job.uid)", "SLURM_JOB_GID=\(gid)",
            "PYXIS_RUNTIME_PATH=" + config.runtimePath, "PYXIS_VERSION=" + StepLifecycle.version,
        ]
        let runner = EnrootRunner(enroot: enroot, environment: environment,
                                  identity: ProcessIdentity(uid: job.uid, gid: gid, groups: user.groups(gid: gid)),
                                  host: host)
        let prefix = EnrootContainerName.jobPrefix(jobID: job.jobID)
        do throws(LifecycleError) {
            let names = try runner.list().containers.keys.filter { $0.hasPrefix(prefix) }.sorted()
            host.log(.verbose, "job epilog: removing \(names.count) container(s) of job \(job.jobID) for \(user.name)")
            guard !names.isEmpty else { return 0 }
            try runner.enroot("remove", ["remove", "-f"] + names, failure: "job epilog: failed to remove the job's containers")
            let left = try runner.list().containers.keys.filter { $0.hasPrefix(prefix) }.sorted()
            guard left.isEmpty else {
                throw LifecycleError("job epilog: containers of job \(job.jobID) are still there after enroot remove: \(left.joined(separator: ", "))")
            }
            return 0
        } catch {
            error.report(to: host)
            return -1
        }
    }
}

/// The passwd entry of a uid (through NSS, as slurmd resolves users).
struct PasswdEntry {
    var name: String
    var home: String
    var gid: UInt32

    init?(uid: UInt32) {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.pw_name, let home = entry.pw_dir else { return nil }
        self.name = String(cString: name)
        self.home = String(cString: home)
        self.gid = entry.pw_gid
    }

    /// The user's supplementary groups (getgrouplist).
    func groups(gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var n = count
            if getgrouplist(name, gid, &groups, &n) >= 0 {
                return Array(groups.prefix(Int(n)))
            }
            guard n > count, n < 65536 else { return [gid] }
            count = n
        }
    }
}
