import PyxisCore
import PyxisSystem

/// The job epilog for `container_scope=job`: remove every container of the job
/// (`pyxis_<jobid>_*`) as the job's user, then check that none is left.
public enum JobEpilog {
    /// The job as slurmd's epilog sees it (`S_JOB_GID` may be missing there).
    public struct Job: Sendable {
        public var uid: UInt32, gid: UInt32?, jobID: UInt32
        public init(uid: UInt32, gid: UInt32?, jobID: UInt32) {
            self.uid = uid
            self.gid = gid
            self.jobID = jobID
        }
    }

    /// 0, or -1 after reporting why.
    public static func run(host: StepHost, config: PluginConfig, job: Job?, version: String) -> Int32 {
        guard config.containerScope == .job else { return 0 }
        guard let job else {
            host.log(.error, "epilog: couldn't get job ID: Slurm did not give the job's uid and id; cannot remove the job's containers")
            return -1
        }
        guard let user = PasswdEntry(uid: job.uid) else {
            host.log(.error, "epilog: couldn't cleanup pyxis containers for job \(job.jobID): no passwd entry for uid \(job.uid)")
            return -1
        }
        guard let path = Executables.find("enroot") else {
            host.log(.error, "epilog: couldn't cleanup pyxis containers for job \(job.jobID): enroot is not installed on this node (not found in \(Executables.searchPath))")
            return -1
        }
        let gid = job.gid ?? user.gid
        // No job environment reaches the epilog: the user's own variables stand in for it.
        let environment = EnrootEnvironment.build(
            path: Executables.searchPath,
            job: [("HOME", user.home), ("USER", user.name), ("LOGNAME", user.name), ("SLURM_JOB_ID", String(job.jobID))],
            additions: EnrootEnvironment.pyxisVariables(uid: job.uid, gid: gid, runtimePath: config.runtimePath, version: version))
        let commands = UserCommands(environment: { environment },
                                    identity: ProcessIdentity(uid: job.uid, gid: gid, groups: user.groups(gid: gid)),
                                    host: host)
        return removeContainers(of: job.jobID, enroot: EnrootCommandLine(path: path, commands: commands), host: host)
    }

    /// Removes the job's containers with `enroot` and checks that none is left.
    static func removeContainers(of jobID: UInt32, enroot: Enroot, host: StepHost) -> Int32 {
        let prefix = EnrootContainerName.jobPrefix(jobID: jobID)
        do throws(LifecycleError) {
            let names = try listing(enroot).filter { $0.hasPrefix(prefix) }.sorted()
            for name in names { host.log(.verbose, "epilog: removing container \(name)") }
            guard !names.isEmpty else { return 0 }
            do {
                try enroot.remove(names)
            } catch {
                throw LifecycleError("epilog: failed to remove container \(names.joined(separator: ", "))", error)
            }
            host.log(.verbose, "epilog: checking for leftover containers")
            let left = try listing(enroot).filter { $0.hasPrefix(prefix) }.sorted()
            guard left.isEmpty else {
                throw LifecycleError("epilog: container \(left.joined(separator: ", ")) was not removed (job \(jobID))")
            }
            host.log(.verbose, "epilog: no leftover containers")
            return 0
        } catch {
            error.report(to: host)
            return -1
        }
    }

    private static func listing(_ enroot: Enroot) throws(LifecycleError) -> [String] {
        do {
            return Array(try enroot.list().containers.keys)
        } catch {
            throw LifecycleError("epilog: couldn't get list of existing containers", error)
        }
    }
}
