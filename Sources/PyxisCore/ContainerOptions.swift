import EnvRemap

/// The options as the user gave them on the command line (or in `#SBATCH` lines), each value
/// checked as soon as Slurm hands it over so that the error names the option.
public struct CommandLineOptions: Equatable, Sendable {
    public private(set) var values: [OptionID: String] = [:]
    public private(set) var flags: Set<OptionID> = []

    public init() {}

    /// Records one option callback. Slurm may call a callback twice with the same value;
    /// a different second value is an error.
    public mutating func record(_ option: OptionID, argument: String?) throws(PyxisError) {
        guard option.takesArgument else {
            flags.insert(option)
            return
        }
        let value = argument ?? ""
        do {
            _ = try ParsedOption(option, value)
        } catch {
            throw error.naming(option)
        }
        if let previous = values[option], previous != value {
            throw PyxisError("\(option.flag) specified multiple times with different values: \(quoted(previous)) and \(quoted(value)); give it once")
        }
        values[option] = value
    }

    /// Every option given, in catalog order (for the "ignoring ..." warnings).
    public var given: [OptionID] {
        OptionID.allCases.filter { values[$0] != nil || flags.contains($0) }
    }
}

/// The resolved settings of a step: command line first, then `PYXIS_*` variables, then the
/// plugstack defaults.
public struct ContainerOptions: Equatable, Sendable {
    public var image: ImageReference?
    /// `--container-image` as the user wrote it, for messages (`importing docker image: IMAGE`).
    public var imageText: String?
    public var mounts: [MountSpec] = []
    public var workdir: String?
    public var name: ContainerName?
    public var save: String?
    /// nil leaves enroot's own default (`ENROOT_MOUNT_HOME` etc. are not set).
    public var mountHome: Bool?
    public var remapRoot: Bool?
    public var writable: Bool?
    public var entrypoint = false
    public var entrypointLog = false
    public var environmentNames: [String] = []
    public var unshare: [UnshareNamespace] = []
    /// `--container-dry-run`: say what the step would do, do nothing.
    public var dryRun = false
    /// Where each setting came from, for the dry run.
    public var origins: [OptionOrigin] = []

    public init() {}

    /// The plugin does anything only when an image or a name is given.
    public var isActive: Bool { image != nil || name != nil }
}

/// The outcome of resolving: options, plus warnings to show the user.
public struct Resolution: Equatable, Sendable {
    public var options: ContainerOptions
    public var warnings: [String]
}

/// A value option, parsed: the one place that maps each option to its parser (checked when
/// Slurm hands the value over, used again when resolving).
enum ParsedOption {
    case image(ImageReference)
    case mounts([MountSpec])
    case workdir(String)
    case name(ContainerName)
    case save(String)
    case environmentNames([String])
    case unshare([UnshareNamespace])
    /// A flag, which has no value to parse.
    case flag

    init(_ option: OptionID, _ value: String) throws(PyxisError) {
        switch option {
        case .image: self = .image(try ImageReference(parsing: value))
        case .mounts: self = .mounts(try MountSpec.parseList(value))
        case .workdir: self = .workdir(try PathValue.parseWorkdir(value))
        case .name: self = .name(try ContainerName(parsing: value))
        case .save: self = .save(try PathValue.parseSave(value))
        case .env: self = .environmentNames(try EnvironmentNameList.parse(value))
        case .unshare: self = .unshare(try UnshareNamespace.parseList(value))
        default: self = .flag
        }
    }
}

public enum OptionResolver {
    /// Resolves the step's options.
    /// - Parameter environment: `PYXIS_*` look-up — the process environment in `srun`/`sbatch`,
    ///   the job's environment in `slurmstepd`. An empty variable counts as unset.
    public static func resolve(
        commandLine: CommandLineOptions,
        environment: (String) -> String?,
        config: PluginConfig
    ) throws(PyxisError) -> Resolution {
        try withoutActuallyEscaping(environment) { environment throws(PyxisError) in
            try resolve(GivenOptions(commandLine: commandLine, environment: environment), config: config)
        }
    }

    private static func resolve(_ given: GivenOptions, config: PluginConfig) throws(PyxisError) -> Resolution {
        let commandLine = given.commandLine
        var options = ContainerOptions()
        for option in OptionID.allCases {
            switch try given.parse(option) {
            case .image(let image)?: options.image = image
            case .mounts(let mounts)?: options.mounts = mounts
            case .workdir(let workdir)?: options.workdir = workdir
            case .name(let name)?: options.name = name
            case .save(let save)?: options.save = save
            case .environmentNames(let names)?: options.environmentNames = names
            case .unshare(let namespaces)?: options.unshare = namespaces
            case .flag?, nil: break
            }
        }
        options.imageText = given.value(.image)?.text

        options.mountHome = try given.pair(.mountHome, .noMountHome)
        options.remapRoot = try given.pair(.remapRoot, .noRemapRoot)
        options.entrypoint = try given.pair(.entrypoint, .noEntrypoint) ?? config.executeEntrypoint
        options.entrypointLog = try given.flag(.entrypointLog)
        options.writable = try resolveWritable(commandLine: commandLine, environmentBoolean: given.environmentBoolean)
        options.dryRun = try given.flag(.dryRun)
        if options.dryRun {
            options.origins = OptionOrigin.describe(options, commandLine: commandLine, environment: given.defaultValue, config: config)
        }

        try checkNoSlurmContainer(options, environment: given.environment)
        return Resolution(options: options, warnings: ignoredOptionWarnings(options, commandLine: commandLine))
    }

    /// Options given without `--container-image` or `--container-name` do nothing: one warning
    /// each, as pyxis prints them.
    static func ignoredOptionWarnings(_ options: ContainerOptions, commandLine: CommandLineOptions) -> [String] {
        guard !options.isActive else { return [] }
        var warnings: [String] = []
        for option in commandLine.given where option != .image && option != .name {
            let warning = "ignoring \(option.ignoredName) because neither --container-image nor --container-name is set"
            if !warnings.contains(warning) {
                warnings.append(warning)
            }
        }
        return warnings
    }

    /// What the user gave: the command line, then the `PYXIS_*` variables (empty ones unset).
    struct GivenOptions {
        let commandLine: CommandLineOptions
        let environment: (String) -> String?

        func defaultValue(_ variable: String) -> String? {
            guard let value = environment(variable), !value.isEmpty else { return nil }
            return value
        }

        /// The value of an argument option and the variable it came from, if it did (for
        /// error messages).
        func value(_ option: OptionID) -> (text: String, variable: String?)? {
            if let text = commandLine.values[option] { return (text, nil) }
            if let text = defaultValue(option.environmentVariable) { return (text, option.environmentVariable) }
            return nil
        }

        /// Errors read as pyxis's (`--container-x: ...`, also for a value from a `PYXIS_*`
        /// variable, which pyxis hands to the option's callback), then name the variable.
        func parse(_ option: OptionID) throws(PyxisError) -> ParsedOption? {
            guard let (text, variable) = value(option) else { return nil }
            do {
                return try ParsedOption(option, text)
            } catch {
                throw error.naming(option, variable: variable)
            }
        }

        func environmentBoolean(_ variable: String) throws(PyxisError) -> Bool? {
            guard let text = defaultValue(variable) else { return nil }
            guard let parsed = BooleanValue.parse(text) else {
                throw PyxisError("\(variable)=\(quoted(text)) is not a boolean; expected \(BooleanValue.accepted)")
            }
            return parsed
        }

        /// A flag without a `--no-` form: on when given, else as its variable says.
        func flag(_ option: OptionID) throws(PyxisError) -> Bool {
            if commandLine.flags.contains(option) { return true }
            return try environmentBoolean(option.environmentVariable) ?? false
        }

        /// A `--x`/`--no-x` pair: both on the command line is a conflict; otherwise the
        /// command line wins over the variable.
        func pair(_ on: OptionID, _ off: OptionID) throws(PyxisError) -> Bool? {
            let hasOn = commandLine.flags.contains(on), hasOff = commandLine.flags.contains(off)
            if hasOn && hasOff {
                throw PyxisError("both \(on.flag) and \(off.flag) were specified; give only one of them")
            }
            if hasOn { return true }
            if hasOff { return false }
            return try environmentBoolean(on.environmentVariable)
        }
    }

    /// Slurm's own OCI container support (`srun --container=BUNDLE`, `--container-id`, from 21.08
    /// and 23.11) reaches the plugin as `SLURM_CONTAINER`/`SLURM_CONTAINER_ID`, which srun sets
    /// from those options (or inherits from a job that used them). A step runs in one container:
    /// asking for both would leave one of them silently unused.
    static func checkNoSlurmContainer(_ options: ContainerOptions, environment: (String) -> String?) throws(PyxisError) {
        guard options.isActive else { return }
        for (variable, flag) in [("SLURM_CONTAINER", "--container"), ("SLURM_CONTAINER_ID", "--container-id")] {
            guard let value = environment(variable), !value.isEmpty else { continue }
            let ours = options.image != nil ? "--container-image" : "--container-name"
            throw PyxisError("\(ours) cannot be combined with Slurm's own \(flag) (\(variable)=\(quoted(value))): a step runs in one container, pyxis's or Slurm's OCI one; drop one of them")
        }
    }

    /// `--container-writable`/`--container-readonly`, then `PYXIS_CONTAINER_WRITABLE` and
    /// `PYXIS_CONTAINER_READONLY` (which must agree when both are set).
    static func resolveWritable(
        commandLine: CommandLineOptions,
        environmentBoolean: (String) throws(PyxisError) -> Bool?
    ) throws(PyxisError) -> Bool? {
        let writable = commandLine.flags.contains(.writable), readonly = commandLine.flags.contains(.readonly)
        if writable && readonly {
            throw PyxisError("both --container-writable and --container-readonly were specified; give only one of them")
        }
        if writable { return true }
        if readonly { return false }
        let fromWritable = try environmentBoolean(OptionID.writable.environmentVariable)
        let fromReadonly = try environmentBoolean(OptionID.readonly.environmentVariable).map { !$0 }
        if let a = fromWritable, let b = fromReadonly, a != b {
            throw PyxisError("PYXIS_CONTAINER_WRITABLE and PYXIS_CONTAINER_READONLY disagree; set only one of them")
        }
        return fromWritable ?? fromReadonly
    }
}
