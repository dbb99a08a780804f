import EnvRemap

/// What slurmstepd tells the plugin about the step, read once in post_opt.
public struct StepInfo: Equatable, Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]
    public var jobID: UInt32
    public var stepID: UInt32
    public var localTaskCount: Int
    public var totalTaskCount: Int
    /// The job's `PWD` (where relative paths of the user resolve), when it has one.
    public var workingDirectory: String?
    /// uid 0 with `ENROOT_ALLOW_SUPERUSER` set and not false: no user namespace, no seccomp.
    public var privileged: Bool

    public init(uid: UInt32, gid: UInt32, groups: [UInt32], jobID: UInt32, stepID: UInt32,
                localTaskCount: Int, totalTaskCount: Int, workingDirectory: String?, privileged: Bool) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.jobID = jobID
        self.stepID = stepID
        self.localTaskCount = localTaskCount
        self.totalTaskCount = totalTaskCount
        self.workingDirectory = workingDirectory
        self.privileged = privileged
    }

    /// Slurm's special step ids (`SLURM_BATCH_SCRIPT`, ...), named as `squeue` shows them.
    public static let batchStep: UInt32 = 0xFFFF_FFFB
    public static let externStep: UInt32 = 0xFFFF_FFFC
    public static let interactiveStep: UInt32 = 0xFFFF_FFFA

    public var isBatchStep: Bool { stepID == Self.batchStep }

    /// `12.0`, `12.batch`: used in temporary container and file names.
    public var stepLabel: String {
        let step: String
        switch stepID {
        case Self.batchStep: step = "batch"
        case Self.externStep: step = "extern"
        case Self.interactiveStep: step = "interactive"
        default: step = String(stepID)
        }
        return "\(jobID).\(step)"
    }

    /// The job is privileged when it runs as root and `ENROOT_ALLOW_SUPERUSER` in its
    /// environment is on as enroot reads it: enroot then keeps root's privileges, so the tasks
    /// join no user namespace and get no seccomp filter.
    public static func isPrivileged(uid: UInt32, allowSuperuser: String?) -> Bool {
        uid == 0 && EnrootSwitch.isOn(allowSuperuser)
    }

    /// `path` made absolute against the job's working directory.
    public func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/"), let workingDirectory else { return path }
        return Plugin.join(workingDirectory, path)
    }
}
