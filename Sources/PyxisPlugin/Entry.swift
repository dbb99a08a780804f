// The @_cdecl functions the C trampolines call. Each catches everything and returns 0 or -1:
// a trap here would kill srun or slurmstepd.
import CSpank
import PyxisCore

/// The plugin of this process. Slurm calls every SPANK callback from one thread, before any
/// fork, so unsynchronised global state is safe here.
nonisolated(unsafe) private var plugin: Plugin?
nonisolated(unsafe) private let slurm = SlurmHost()
nonisolated(unsafe) private let node = PosixNodeSystem()

@_cdecl("pyxis_swift_init")
func spankInit(_ spank: UnsafeMutableRawPointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    slurm.handle = spank
    var arguments: [String] = []
    if let argv {
        for index in 0..<Int(max(argc, 0)) {
            if let argument = argv[index] {
                arguments.append(String(cString: argument))
            }
        }
    }
    plugin = Plugin.initialize(arguments: arguments, host: slurm, system: node)
    return plugin == nil ? -1 : 0
}

@_cdecl("pyxis_swift_option")
func spankOption(_ value: Int32, _ argument: UnsafePointer<CChar>?, _ remote: Int32) -> Int32 {
    guard let plugin, let option = OptionID(rawValue: value) else { return -1 }
    return plugin.handleOption(option, argument: argument.map { String(cString: $0) })
}

@_cdecl("pyxis_swift_init_post_opt")
func spankInitPostOpt(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    return plugin?.postOptions() ?? 0
}

@_cdecl("pyxis_swift_task_init")
func spankTaskInit(_ spank: UnsafeMutableRawPointer?) -> Int32 {
    slurm.handle = spank
    return plugin?.taskInit() ?? 0
}
