// The @_cdecl functions the C front calls, one per SPANK callback. Each catches everything and
// returns 0 or -1: a trap here would kill srun or slurmstepd. What each does per Slurm context
// lives in Core's `Plugin` (option handling, every context), Slurmstepd.swift (the container)
// and JobEpilog (the job epilog).
import CSpank
import Glibc
import PyxisCore
import PyxisLifecycle

/// The plugin of this process. Slurm calls every SPANK callback from one thread, before any
/// fork, so unsynchronised global state is safe here.
nonisolated(unsafe) private var plugin: Plugin?
nonisolated(unsafe) private let slurm = SlurmHost()
nonisolated(unsafe) private let node = PosixNodeSystem()
/// slurmstepd's failures before the tasks exist, from the options and from the container's
/// callbacks alike, reported from task_init.
nonisolated(unsafe) private let deferred = DeferredFailure()

/// The C front registered the options (from the same catalog) before loading us.
@_cdecl("pyxis_swift_init")
public func spankInit(_ spank: UnsafeMutableRawPointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    slurm.handle = spank
    plugin = Plugin.initialize(arguments: strings(argc, argv), host: slurm, system: node, deferred: deferred)
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
        Slurmstepd.postOptions(host: slurm, deferred: deferred, config: plugin.config, options: options)
    }
    return rc
}

/// Serves one callback with Slurm's handle of it.
private func serving(_ spank: UnsafeMutableRawPointer?, _ body: () -> Int32) -> Int32 {
    slurm.handle = spank
    return body()
}

@_cdecl("pyxis_swift_user_init")
public func spankUserInit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    serving(spank) { Slurmstepd.step?.userInit(); return 0 }
}

@_cdecl("pyxis_swift_task_init")
public func spankTaskInit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    serving(spank) {
        guard let plugin, plugin.taskInit() == 0 else { return -1 }
        return Slurmstepd.step?.taskInit() ?? 0
    }
}

@_cdecl("pyxis_swift_task_exit")
public func spankTaskExit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    serving(spank) { Slurmstepd.step?.taskExit(); return 0 }
}

@_cdecl("pyxis_swift_exit")
public func spankExit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    serving(spank) {
        if slurm.context == .remote { Slurmstepd.step?.exit() }
        return 0
    }
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
    let job = slurm.job().map { JobEpilog.Job(uid: $0.uid, gid: $0.gid == UInt32.max ? nil : $0.gid, jobID: $0.jobID) }
    return JobEpilog.run(host: slurm, config: config, job: job, version: Slurmstepd.version)
}
