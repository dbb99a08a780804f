/// The plugin's behaviour per SPANK callback, written against `SpankHost` and `NodeSystem`.
///
/// One instance lives per process (Slurm calls `slurm_spank_init` once per program), and
/// Slurm calls every callback from the same thread.
public final class Plugin {
    public let config: PluginConfig
    let host: SpankHost
    let system: NodeSystem

    public private(set) var commandLine = CommandLineOptions()
    public private(set) var resolution: Resolution?
    /// Errors found in slurmstepd before the tasks exist, reported from task_init.
    public let deferred: DeferredFailure

    init(config: PluginConfig, host: SpankHost, system: NodeSystem, deferred: DeferredFailure) {
        self.config = config
        self.host = host
        self.system = system
        self.deferred = deferred
    }

    /// `slurm_spank_init`: reads the plugstack arguments and does the per-context set-up.
    /// Returns nil (after logging why) when the plugin must not load. The C front registers
    /// the options, from a table generated out of `OptionID`, before it loads the core.
    public static func initialize(arguments: [String], host: SpankHost, system: NodeSystem,
                                  deferred: DeferredFailure = DeferredFailure()) -> Plugin? {
        let config: PluginConfig
        do {
            config = try PluginConfig(arguments: arguments)
        } catch {
            host.log(.error, error.message)
            host.log(.error, "failed to parse configuration")
            return nil
        }
        let plugin = Plugin(config: config, host: host, system: system, deferred: deferred)
        return plugin.setUp() ? plugin : nil
    }

    func setUp() -> Bool {
        switch host.context {
        case .slurmd:
            do {
                try system.createRuntimeDirectory(config.runtimePath)
            } catch {
                host.log(.error, error.message)
                return false
            }
            return true
        case .local, .remote, .allocator, .jobScript, .unknown:
            return true
        }
    }

    /// An option callback. Returns 0 or -1 as Slurm expects.
    public func handleOption(_ option: OptionID, argument: String?) -> Int32 {
        do {
            try commandLine.record(option, argument: argument)
            return 0
        } catch {
            host.log(.error, error.message)
            // slurmstepd ignores a failing option callback and would run the step without
            // the option — on the host. (srun checked the value already, but a login node can
            // run another version of the plugin.) task_init fails the task instead.
            if host.context == .remote {
                deferred.record(error)
            }
            return -1
        }
    }

    /// `slurm_spank_init_post_opt`: resolves the options against the `PYXIS_*` defaults.
    public func postOptions() -> Int32 {
        switch host.context {
        case .local, .allocator:
            do {
                let resolution = try OptionResolver.resolve(
                    commandLine: commandLine, environment: host.processEnvironment, config: config)
                for warning in resolution.warnings {
                    host.log(.info, warning)
                }
                if resolution.options.isActive, host.isBatchSubmission, let release = host.slurmRelease,
                   let problem = BatchExport.problem(export: host.processEnvironment("SLURM_EXPORT_ENV"), release: release) {
                    host.log(.error, problem)
                    return -1
                }
                self.resolution = resolution
                return 0
            } catch {
                host.log(.error, error.message)
                return -1
            }
        case .remote:
            do {
                let resolution = try OptionResolver.resolve(
                    commandLine: commandLine, environment: host.jobEnvironment, config: config)
                self.resolution = resolution
                if resolution.options.isActive {
                    try checkImageFile(resolution.options.image)
                    try checkMountSources(resolution.options.mounts)
                }
            } catch {
                deferred.record(error)
            }
            return 0
        case .slurmd, .jobScript, .unknown:
            return 0
        }
    }

    /// A squashfs image must exist on the node: said before enroot runs, which would only say
    /// "Invalid argument". Relative paths resolve against the job's working directory.
    func checkImageFile(_ image: ImageReference?) throws(PyxisError) {
        guard case .squashfsFile(let file) = image else { return }
        let path = file.hasPrefix("/") ? file : host.jobEnvironment("PWD").map { Self.join($0, file) } ?? file
        guard path.hasPrefix("/"), case .missing = system.pathStatus(path) else { return }
        let resolved = path == file ? "" : ", resolved against the job's working directory: \(quoted(path))"
        throw PyxisError("--container-image: squashfs file does not exist: \(verbatim(file)) (on this node\(resolved))")
    }

    /// Bind-mount sources must exist on the node; relative ones resolve against the job's
    /// working directory, as enroot would see them. A path `stat` cannot look at (permission
    /// denied to root on an NFS home) is left to enroot, with pyxis's note.
    func checkMountSources(_ mounts: [MountSpec]) throws(PyxisError) {
        let workingDirectory = host.jobEnvironment("PWD")
        for mount in mounts {
            guard case .path(let source) = mount.source else { continue }
            let path: String
            if source.hasPrefix("/") {
                path = source
            } else if let workingDirectory {
                path = Self.join(workingDirectory, source)
            } else {
                continue
            }
            switch system.pathStatus(path) {
            case .exists:
                continue
            case .missing:
                let resolved = path == source ? "" : ", resolved against the job's working directory: \(quoted(path))"
                throw PyxisError("--container-mounts: source path does not exist: \(verbatim(source)) (on this node\(resolved))")
            case .unknown(let reason):
                host.log(.info, "--container-mounts: cannot stat source path \(verbatim(path)): \(reason)")
            }
        }
    }

    /// `directory` + `relative`, without the `./` prefixes (`/home/u` + `./data` → `/home/u/data`).
    static func join(_ directory: String, _ relative: String) -> String {
        var rest = Substring(relative)
        while rest.hasPrefix("./") {
            rest = rest.dropFirst(2)
        }
        if rest == "." || rest.isEmpty {
            return directory
        }
        return directory.hasSuffix("/") ? directory + rest : directory + "/" + rest
    }

    /// `slurm_spank_task_init`, first part: reports an error found in post_opt, where Slurm
    /// would not have shown it. The container itself is the lifecycle's job.
    public func taskInit() -> Int32 {
        guard host.context == .remote else { return 0 }
        return deferred.report(host.log) ? -1 : 0
    }

    /// The resolved options when this step runs in a container.
    public var activeOptions: ContainerOptions? {
        guard let options = resolution?.options, options.isActive, deferred.isEmpty else { return nil }
        return options
    }
}
