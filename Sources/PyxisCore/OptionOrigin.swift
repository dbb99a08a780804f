/// A resolved setting and where it came from — the command line, a `PYXIS_*` variable, the
/// plugstack line, or nobody (enroot's or pyxis's default) — for `--container-dry-run`.
public struct OptionOrigin: Equatable, Sendable {
    public var option: String
    public var value: String
    public var origin: String

    public init(_ option: String, _ value: String, _ origin: String) {
        self.option = option
        self.value = value
        self.origin = origin
    }

    /// One line per setting that is set, in catalog order (a `--x`/`--no-x` pair as one).
    static func describe(_ options: ContainerOptions, commandLine: CommandLineOptions,
                         environment: (String) -> String?, config: PluginConfig) -> [OptionOrigin] {
        func origin(_ options: OptionID...) -> String? {
            if options.contains(where: { commandLine.values[$0] != nil || commandLine.flags.contains($0) }) { return "command line" }
            return options.map(\.environmentVariable).first { environment($0) != nil }
        }
        func onOff(_ value: Bool) -> String { value ? "yes" : "no" }
        var result: [OptionOrigin] = []
        func add(_ name: String, _ value: String?, _ from: String?) {
            guard let value else { return }
            result.append(OptionOrigin(name, value, from ?? "default"))
        }
        add("--container-image", options.imageText, origin(.image))
        add("--container-mounts", options.mounts.isEmpty ? nil : commandLine.values[.mounts] ?? environment(OptionID.mounts.environmentVariable),
            origin(.mounts))
        add("--container-workdir", options.workdir, origin(.workdir))
        add("--container-name", options.name.map { commandLine.values[.name] ?? environment(OptionID.name.environmentVariable) ?? $0.name },
            origin(.name))
        add("--container-save", options.save, origin(.save))
        add("--container-mount-home", options.mountHome.map(onOff) ?? "enroot's setting (ENROOT_MOUNT_HOME)", origin(.mountHome, .noMountHome))
        add("--container-remap-root", options.remapRoot.map(onOff) ?? "enroot's setting (ENROOT_REMAP_ROOT)", origin(.remapRoot, .noRemapRoot))
        add("--container-entrypoint", onOff(options.entrypoint),
            origin(.entrypoint, .noEntrypoint) ?? (config.executeEntrypoint ? "plugstack execute_entrypoint=1" : nil))
        add("--container-entrypoint-log", onOff(options.entrypointLog), origin(.entrypointLog))
        add("--container-writable", options.writable.map(onOff) ?? "enroot's setting (ENROOT_ROOTFS_WRITABLE)", origin(.writable, .readonly))
        add("--container-env", options.environmentNames.isEmpty ? nil : options.environmentNames.joined(separator: ","), origin(.env))
        add("--container-unshare", options.unshare.isEmpty ? nil : options.unshare.map(\.rawValue).joined(separator: ","), origin(.unshare))
        add("--container-dry-run", "yes", origin(.dryRun))
        return result
    }
}
