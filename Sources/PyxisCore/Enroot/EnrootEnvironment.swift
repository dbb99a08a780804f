/// The environment of every enroot and importer command pyxis runs for the user: `PATH`,
/// then the job's environment minus the variables that must not reach enroot, then pyxis's
/// own settings.
public enum EnrootEnvironment {
    /// Job variables never passed on: they would change which libraries enroot loads, make it
    /// believe it is a particular task, or override the site's enroot configuration. The task's
    /// own ones (`TaskEnvironmentChanges.taskIdentity`) matter most: the PMI hook copies `PMI_*`
    /// into the container, whose environment every task of the node then takes.
    public static let denied: Set<String> = Set(TaskEnvironmentChanges.taskIdentity).union([
        "PATH", "LD_LIBRARY_PATH", "LD_PRELOAD",
        "ENROOT_LIBRARY_PATH", "ENROOT_SYSCONF_PATH", "ENROOT_RUNTIME_PATH", "ENROOT_CACHE_PATH",
        "ENROOT_DATA_PATH", "ENROOT_TEMP_PATH", "ENROOT_ZSTD_OPTIONS", "ENROOT_TRANSFER_RETRIES",
        "ENROOT_CONNECT_TIMEOUT", "ENROOT_MAX_CONNECTIONS", "ENROOT_ALLOW_HTTP",
    ])

    /// The option switches (docs/design.md, "Running enroot") as enroot reads them from its environment.
    public static func switches(for options: ContainerOptions) -> [(String, String)] {
        var result: [(String, String)] = []
        func flag(_ name: String, _ value: Bool?) {
            if let value { result.append((name, value ? "y" : "n")) }
        }
        flag("ENROOT_MOUNT_HOME", options.mountHome)
        flag("ENROOT_REMAP_ROOT", options.remapRoot)
        flag("ENROOT_ROOTFS_WRITABLE", options.writable)
        for namespace in options.unshare {
            result.append((namespace.enrootVariable, "y"))
        }
        return result
    }

    /// What pyxis adds to every enroot and importer command it runs for a job.
    public static func pyxisVariables(uid: UInt32, gid: UInt32, runtimePath: String, version: String) -> [(String, String)] {
        [("SLURM_JOB_UID", String(uid)), ("SLURM_JOB_GID", String(gid)),
         ("PYXIS_RUNTIME_PATH", runtimePath), ("PYXIS_VERSION", version)]
    }

    /// `NAME=value` strings for execve.
    /// - Parameters:
    ///   - path: the `PATH` enroot runs with (the node's, not the job's).
    ///   - job: the job's environment, in order.
    ///   - additions: pyxis's variables (`SLURM_JOB_UID`, switches, `PYXIS_RUNTIME_PATH`, ...);
    ///     they replace job variables of the same name.
    public static func build(path: String, job: [(String, String)], additions: [(String, String)]) -> [String] {
        let added = Set(additions.map(\.0))
        var result = ["PATH=" + path]
        for (name, value) in job where !denied.contains(name) && !added.contains(name) {
            result.append(name + "=" + value)
        }
        for (name, value) in additions {
            result.append(name + "=" + value)
        }
        return result
    }
}
