// The @_cdecl functions the C trampolines call. Each catches everything and returns 0 or -1:
// a trap here would kill srun or slurmstepd.
import CSpank
import Glibc
import PyxisCore

/// The plugin of this process. Slurm calls every SPANK callback from one thread, before any
/// fork, so unsynchronised global state is safe here.
nonisolated(unsafe) private var plugin: Plugin?
nonisolated(unsafe) private let slurm = SlurmHost()
nonisolated(unsafe) private let node = PosixNodeSystem()
/// In slurmstepd, when the step runs in a container.
nonisolated(unsafe) private var lifecycle: StepLifecycle?
/// A lifecycle failure before the tasks exist, reported from task_init where the user sees it.
nonisolated(unsafe) private var lifecycleError: LifecycleError?

/// `optionsRegistered`: in slurmstepd the C front registered the options before loading us.
@_cdecl("pyxis_swift_init")
public func spankInit(_ spank: UnsafeMutableRawPointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ optionsRegistered: Int32) -> Int32 {
    slurm.handle = spank
    plugin = Plugin.initialize(arguments: strings(argc, argv), host: slurm, system: node, optionsRegistered: optionsRegistered != 0)
    return plugin == nil ? -1 : 0
}

private func strings(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
    guard let argv else { return [] }
    return (0..<Int(max(argc, 0))).compactMap { argv[$0].map { String(cString: $0) } }
}

@_cdecl("pyxis_swift_option")
public func spankOption(_ value: Int32, _ argument: UnsafePointer<CChar>?, _ remote: Int32) -> Int32 {
    guard let plugin, let option = OptionID(rawValue: value) else { return -1 }
    return plugin.handleOption(option, argument: argument.map { String(cString: $0) })
}

@_cdecl("pyxis_swift_init_post_opt")
public func spankInitPostOpt(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    guard let plugin else { return 0 }
    let rc = plugin.postOptions()
    if rc == 0, slurm.context == .remote, let options = plugin.activeOptions {
        startLifecycle(plugin.config, options)
    }
    return rc
}

/// post_opt in slurmstepd (root): read the step, create the user's runtime directory.
private func startLifecycle(_ config: PluginConfig, _ options: ContainerOptions) {
    guard let job = slurm.job() else {
        lifecycleError = LifecycleError("cannot read the job's user and ids from Slurm")
        return
    }
    let step = StepInfo(
        uid: job.uid, gid: job.gid, groups: slurm.supplementaryGroups(), jobID: job.jobID, stepID: job.stepID,
        localTaskCount: job.localTaskCount, totalTaskCount: job.totalTaskCount,
        workingDirectory: slurm.jobEnvironment("PWD"),
        privileged: StepInfo.isPrivileged(uid: job.uid, allowSuperuser: slurm.jobEnvironment("ENROOT_ALLOW_SUPERUSER")))
    slurm.userIsVerbose = (slurm.jobEnvironment("SRUN_DEBUG").flatMap { Int($0) } ?? 0) >= 4
    let script = step.isBatchStep ? slurm.argv().first : nil
    let created = StepLifecycle(host: slurm, config: config, options: options, step: step, batchScript: script)
    do {
        try created.prepare()
        lifecycle = created
    } catch {
        lifecycleError = error
    }
}

@_cdecl("pyxis_swift_user_init")
public func spankUserInit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    guard let lifecycle, lifecycleError == nil else { return 0 }
    do {
        try lifecycle.createSharedState()
    } catch {
        lifecycleError = error
    }
    return 0
}

@_cdecl("pyxis_swift_task_init")
public func spankTaskInit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    guard let plugin, plugin.taskInit() == 0 else { return -1 }
    if let lifecycleError {
        lifecycleError.report(to: slurm)
        return -1
    }
    return lifecycle?.taskInit() ?? 0
}

@_cdecl("pyxis_swift_task_exit")
public func spankTaskExit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    lifecycle?.taskExit()
    return 0
}

@_cdecl("pyxis_swift_exit")
public func spankExit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    if slurm.context == .remote {
        lifecycle?.finish()
    }
    return 0
}

@_cdecl("pyxis_swift_job_epilog")
public func spankJobEpilog(_ spank: UnsafeMutableRawPointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    slurm.handle = spank
    let config: PluginConfig
    do {
        config = try PluginConfig(arguments: strings(argc, argv))
    } catch {
        slurm.log(.error, error.message)
        slurm.log(.error, "epilog: failed to parse configuration")
        return -1
    }
    return JobEpilog.run(host: slurm, config: config)
}
