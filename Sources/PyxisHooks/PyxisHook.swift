// The hooks this package ships, listed once: the multi-call executable runs them by these
// names, the build makes their links and hooks.d drop-ins from `pyxis-tools --list`, and the
// tests run each by its name.
import HookSupport

public enum PyxisHook: String, CaseIterable, Sendable {
    case aptfix, cgroups, devices, home, localtime, shadow, pmi, pytorch, nvidia, mellanox

    /// The name the hook runs under (its link beside the executable).
    public var executableName: String { "pyxis-hook-" + rawValue }

    /// The drop-in's name in hooks.d: enroot's own hook's name, so that enabling ours replaces
    /// enroot's shell version instead of running both.
    public var dropIn: String {
        switch self {
        case .aptfix, .cgroups, .devices, .home, .localtime, .shadow: "10-\(rawValue).sh"
        case .pmi, .pytorch: "50-slurm-\(rawValue).sh"
        case .nvidia: "98-nvidia.sh"
        case .mellanox: "99-mellanox.sh"
        }
    }

    /// Runs the hook in this process and exits: 0, or 1 with one line on stderr.
    public func main() -> Never {
        Hook.main(rawValue) { hook throws(HookFailure) in try run(hook) }
    }

    func run(_ hook: Hook) throws(HookFailure) {
        switch self {
        case .aptfix: try AptFixHook.run(hook)
        case .cgroups: try CgroupsHook.run(hook)
        case .devices: try DevicesHook.run(hook)
        case .home: try HomeHook.run(hook)
        case .localtime: try LocaltimeHook.run(hook)
        case .shadow: try ShadowHook.run(hook)
        case .pmi: try PMIHook.run(hook)
        case .pytorch: try PyTorchHook.run(hook)
        case .nvidia: try NvidiaHook.run(hook)
        case .mellanox: try MellanoxHook.run(hook)
        }
    }
}
