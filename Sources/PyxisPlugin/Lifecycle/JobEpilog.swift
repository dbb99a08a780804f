import Glibc
import PyxisCore
import PyxisSystem

/// The job epilog for `container_scope=job` (SPEC §4.5): remove every container of the job
/// (`pyxis_<jobid>_*`) as the job's user, then check that none is left.
enum JobEpilog {
    static func run(host: SlurmHost, config: PluginConfig) -> Int32 {
        guard config.containerScope == .job else { return 0 }
        guard let job = host.job() else {
            host.log(.error, "epilog: couldn't get job ID: Slurm did not give the job's uid and id; cannot remove the job's containers")
            return -1
        }
        guard let user = PasswdEntry(uid: job.uid) else {
            host.log(.error, "epilog: couldn't cleanup pyxis containers for job \(job.jobID): no passwd entry for uid \(job.uid)")
            return -1
        }
        guard let enroot = NodeProbe.findExecutable("enroot") else {
            host.log(.error, "epilog: couldn't cleanup pyxis containers for job \(job.jobID): enroot is not installed on this node (not found in \(NodeProbe.searchPath))")
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
            let names = try listing(runner).filter { $0.hasPrefix(prefix) }.sorted()
            for name in names { host.log(.verbose, "epilog: removing container \(name)") }
            guard !names.isEmpty else { return 0 }
            try runner.enroot("remove", ["remove", "-f"] + names, failure: "epilog: failed to remove container \(names.joined(separator: ", "))")
            host.log(.verbose, "epilog: checking for leftover containers")
            let left = try listing(runner).filter { $0.hasPrefix(prefix) }.sorted()
            guard left.isEmpty else {
                throw LifecycleError("epilog: container \(left.joined(separator: ", ")) was not removed (job \(job.jobID))")
            }
            host.log(.verbose, "epilog: no leftover containers")
            return 0
        } catch {
            error.report(to: host)
            return -1
        }
    }

    private static func listing(_ runner: EnrootRunner) throws(LifecycleError) -> [String] {
        do {
            return Array(try runner.list().containers.keys)
        } catch {
            throw LifecycleError("epilog: couldn't get list of existing containers: \(error.message)", log: error.log)
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
