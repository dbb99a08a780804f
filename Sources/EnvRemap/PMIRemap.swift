/// Site settings of the PMI hook (`[pmi]`).
public struct PMISettings: Sendable, Equatable {
    public var enabled = true
    /// Bind-mount `PMIX_SERVER_TMPDIR` (the PMIx server's rendezvous directory).
    public var mountServerTmpdir = true
    public init() {}
}

/// Site settings of the home hook (`[home]`).
public struct HomeSettings: Sendable, Equatable {
    public var enabled = true
    public init() {}
}

/// What a hook adds: environment lines and mount lines.
public struct HookPlan: Sendable, Equatable {
    public var variables: [Variable] = []
    public var mounts: [MountLine] = []
    public init(variables: [Variable] = [], mounts: [MountLine] = []) {
        self.variables = variables
        self.mounts = mounts
    }
    public var isEmpty: Bool { variables.isEmpty && mounts.isEmpty }
}

public enum PlanError: Error, Equatable, CustomStringConvertible {
    case notAbsolute(name: String, value: String)

    public var description: String {
        switch self {
        case .notAbsolute(let name, let value):
            return "\(name)=\(value.debugDescription) is not an absolute path"
        }
    }
}

/// The PMI rules (enroot's `50-slurm-pmi.sh`), for a step of a Slurm job (`SLURM_JOB_ID` and
/// `SLURM_STEP_ID` both set and not empty):
///
/// - every `SLURM_*` variable is copied;
/// - PMIx (`SLURM_MPI_TYPE` unset, empty or `pmix*`, and some `PMIX_*` set): every `PMIX_*` is
///   copied, `PMIX_PTL_MODULE`→`PMIX_MCA_ptl`, `PMIX_SECURITY_MODE`→`PMIX_MCA_psec`,
///   `PMIX_GDS_MODULE`→`PMIX_MCA_gds` are added when the source is not empty and the hook's
///   environment lacks the target (the script prints the source unquoted: its last word wins),
///   and `PMIX_SERVER_TMPDIR` is bind-mounted at the same path;
/// - every `PMI_*` is copied (PMI, PMI2; the script does it whatever the MPI type).
///
/// Copies are in name order. The step's values are authoritative, so a copy is written even when
/// the container has another value (as enroot does); only a line that is already there with the
/// same value is skipped.
public enum PMIRemap {
    public static let serverTmpdirOptions = "x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail"

    static let mcaMappings = [
        ("PMIX_PTL_MODULE", "PMIX_MCA_ptl"),
        ("PMIX_SECURITY_MODE", "PMIX_MCA_psec"),
        ("PMIX_GDS_MODULE", "PMIX_MCA_gds"),
    ]

    public static func plan(
        process: Environment,
        container: Environment,
        settings: PMISettings = PMISettings()
    ) throws(PlanError) -> HookPlan {
        guard settings.enabled, process["SLURM_JOB_ID"]?.isEmpty == false,
              process["SLURM_STEP_ID"]?.isEmpty == false else { return HookPlan() }
        var plan = HookPlan()
        func copy(prefix: String) {
            for variable in process.withPrefix(prefix).sorted(by: { $0.name < $1.name })
            where container[variable.name] != variable.value {
                plan.variables.append(variable)
            }
        }
        copy(prefix: "SLURM_")

        let mpiType = process["SLURM_MPI_TYPE"]
        let pmix = process.withPrefix("PMIX_")
        if mpiType.map({ $0.isEmpty || $0.hasPrefix("pmix") }) ?? true, !pmix.isEmpty {
            copy(prefix: "PMIX_")
            for (source, target) in mcaMappings {
                if let value = process[source], !value.isEmpty, process[target]?.isEmpty ?? true {
                    let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                    plan.variables.append(Variable(target, words.last.map(String.init) ?? ""))
                }
            }
            if settings.mountServerTmpdir, let tmpdir = process["PMIX_SERVER_TMPDIR"], !tmpdir.isEmpty {
                guard tmpdir.hasPrefix("/") else {
                    throw .notAbsolute(name: "PMIX_SERVER_TMPDIR", value: tmpdir)
                }
                plan.mounts.append(MountLine(source: tmpdir, target: tmpdir, options: serverTmpdirOptions))
            }
        }
        copy(prefix: "PMI_")
        return plan
    }
}

/// The home rule (enroot's `10-home.sh`): when `ENROOT_MOUNT_HOME` is true, bind the user's home
/// at the same path — or at `/root` when `ENROOT_REMAP_ROOT` is true — and set `HOME` to it.
public enum HomeRemap {
    public static let options = "x-create=dir,bind,rw,nosuid"

    /// - Parameter home: the user's home (from `HOME` or the passwd entry); consulted only when
    ///   the mount is wanted, so the caller can resolve it lazily.
    public static func plan(
        mountHome: String?,
        remapRoot: String?,
        home: () -> String?,
        settings: HomeSettings = HomeSettings()
    ) throws(HomeError) -> HookPlan {
        guard settings.enabled else { return HookPlan() }
        guard EnrootSwitch.isOn(mountHome) else { return HookPlan() }
        let root = EnrootSwitch.isOn(remapRoot)
        guard let home = home(), !home.isEmpty else { throw .noHome }
        guard home.hasPrefix("/") else { throw .plan(.notAbsolute(name: "HOME", value: home)) }
        let target = root ? "/root" : home
        return HookPlan(
            variables: [Variable("HOME", target)],
            mounts: [MountLine(source: home, target: target, options: options)])
    }

}

public enum HomeError: Error, Equatable, CustomStringConvertible {
    case noHome
    case plan(PlanError)

    public var description: String {
        switch self {
        case .noHome: return "HOME is not set and the user has no passwd entry with a home directory"
        case .plan(let error): return error.description
        }
    }
}
